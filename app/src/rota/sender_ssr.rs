//! The shift sender's queries and changes. Eligibility is decided here from *effective*
//! (confirmed) ratings; the rule check of each applicant is the engine's, over the
//! published rota of the shift's week (`super::ssr::candidates`).

use super::{
    api::SlotAssignment,
    sender::{
        Applicant, ApplicationStatus, Decision, MyApplication, OpenShift, PAGE_SIZE,
        ShiftApplicants,
    },
    ssr::{ShiftRow, candidates, shift_row, shift_when},
};
use crate::{
    audit::{self, Actor, Entry},
    care::api::Page,
    error::AppError,
    live::{Event, Room, bus},
    mail::{Email, ShiftDecision, enqueue_email},
    notifications::ssr::{Notice, notify},
    state::AppState,
};
use caretrack::{
    EmailAddress, Role,
    ids::{ShiftId, UserId},
    london,
    notification::{Channel, NotificationKind},
    rota::{ShiftKind, Violation},
};
use sqlx::{PgConnection, PgPool, types::Uuid};
use time::OffsetDateTime;

/// The columns every list of sent-out shifts shows (see [`OpenShiftRow`]).
struct OpenShiftRow {
    id: Uuid,
    package: String,
    starts_at: OffsetDateTime,
    ends_at: OffsetDateTime,
    kind: String,
    headcount: i32,
    notes: Option<String>,
    competent_only: bool,
    filled: i64,
    waiting: i64,
}

impl From<OpenShiftRow> for OpenShift {
    fn from(row: OpenShiftRow) -> OpenShift {
        let kind = row.kind.parse().unwrap_or(ShiftKind::Day);
        OpenShift {
            shift_id: ShiftId::from_uuid(row.id),
            package: row.package,
            when: shift_when(row.starts_at, row.ends_at, kind),
            kind,
            competent_only: row.competent_only,
            headcount: row.headcount,
            filled: row.filled,
            waiting: row.waiting,
            note: row.notes,
        }
    }
}

/// Beyond any list's end; keeps the offset arithmetic far from overflowing.
const MAX_PAGE: i64 = 100_000;

fn page_of<T>(items: Vec<T>, total: i64, page: i64) -> Page<T> {
    Page {
        items,
        total,
        page,
        page_size: PAGE_SIZE,
    }
}

/// Tells a carer whether they were selected: in the app and by email.
async fn tell_decision(
    state: &AppState,
    conn: &mut PgConnection,
    carer: Uuid,
    shift: &ShiftRow,
    selected: bool,
) -> Result<(), AppError> {
    let when = shift.when();
    let title = if selected {
        format!("You have the {when} shift at {}.", shift.package_name)
    } else {
        format!(
            "You were not selected for the {when} shift at {}.",
            shift.package_name
        )
    };
    let kind = if selected {
        NotificationKind::ShiftSelected
    } else {
        NotificationKind::ShiftDecision
    };
    let notice = Notice::new(kind, title).link("/carer/shifts");
    if !notify(conn, carer, &notice).await?.wants(Channel::Email) {
        return Ok(());
    }
    let person = sqlx::query!(
        r#"select email, person_name(id) as "name!" from users where id = $1"#,
        carer
    )
    .fetch_one(&mut *conn)
    .await?;
    if let Ok(to) = EmailAddress::parse(&person.email) {
        let email = Email::ShiftDecision(ShiftDecision {
            carer_name: person.name,
            package_name: shift.package_name.clone(),
            shift_when: when,
            selected,
            shifts_url: format!("{}/carer/shifts", state.settings.public_url),
        });
        enqueue_email(conn, &to, &email).await?;
    }
    Ok(())
}

pub async fn open(
    state: &AppState,
    actor: &Actor,
    shift: ShiftId,
    competent_only: bool,
    note: &str,
) -> Result<(), AppError> {
    let row = shift_row(&state.db, shift.into_uuid()).await?;
    if row.starts_at <= OffsetDateTime::now_utc() {
        return Err(AppError::validation(
            "shift",
            "This shift has started, so it cannot be sent out.",
        ));
    }
    let note = caretrack::conduct::long_text(note, "note")?;
    let mut tx = state.db.begin().await?;
    let full = sqlx::query_scalar!(
        r#"select (select count(*) from rota_entries e where e.shift_id = s.id) >= s.headcount as "full!"
             from shifts s where s.id = $1 for update"#,
        row.id
    )
    .fetch_one(&mut *tx)
    .await?;
    if full {
        return Err(AppError::validation(
            "shift",
            "This shift already has all the carers it needs.",
        ));
    }
    sqlx::query!(
        "delete from shift_required_tasks where shift_id = $1",
        row.id
    )
    .execute(&mut *tx)
    .await?;
    if competent_only {
        let required = sqlx::query!(
            "insert into shift_required_tasks (shift_id, task_id)
             select $1, pt.task_id from package_tasks pt
               join tasks t on t.id = pt.task_id and t.deleted_at is null
              where pt.package_id = $2",
            row.id,
            row.package
        )
        .execute(&mut *tx)
        .await?;
        if required.rows_affected() == 0 {
            return Err(AppError::validation(
                "competent_only",
                "This package has no tasks, so there is nothing to be competent in: send the shift to every carer.",
            ));
        }
    }
    sqlx::query!(
        "update shifts set status = 'OPEN', published_at = now(), published_by = $2, notes = $3
          where id = $1",
        row.id,
        actor.user_id,
        (!note.is_empty()).then_some(&note)
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        Entry::new("shift.open").entity("shift", row.id).after(serde_json::json!({
            "package_id": row.package, "when": row.when(), "competent_only": competent_only, "note": note,
        })),
    )
    .await?;
    tx.commit().await?;
    shift_news(Event::ShiftPublished { shift_id: shift }, None);
    Ok(())
}

/// Who hears of a change to a sent-out shift: every carer (their list of shifts on
/// offer is worked out when they refetch), the office, and the carer it concerns.
fn shift_news(event: Event, carer: Option<UserId>) {
    bus::emit_to(
        [Room::Role(Role::Carer), Room::Role(Role::Admin)]
            .into_iter()
            .chain(carer.map(Room::User)),
        &event,
    );
}

/// Takes transaction-long locks on carers (in a fixed order): a placement of a carer
/// is decided by one transaction at a time.
pub(super) async fn lock_carers(conn: &mut PgConnection, carers: &[Uuid]) -> Result<(), AppError> {
    let mut carers = carers.to_vec();
    carers.sort_unstable();
    carers.dedup();
    for carer in carers {
        sqlx::query!(
            "select pg_advisory_xact_lock(hashtextextended('carer:' || $1::uuid::text, 0))",
            carer
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Rejects every waiting application of a shift (locked by the caller), telling each
/// carer. Answers how many.
pub(super) async fn reject_waiting(
    state: &AppState,
    conn: &mut PgConnection,
    actor: &Actor,
    shift: &ShiftRow,
) -> Result<u32, AppError> {
    let rejected = sqlx::query_scalar!(
        "update shift_applications set status = 'REJECTED', decided_at = now(), decided_by = $2
          where shift_id = $1 and status = 'INTERESTED'
          returning carer_id",
        shift.id,
        actor.user_id
    )
    .fetch_all(&mut *conn)
    .await?;
    for carer in &rejected {
        tell_decision(state, conn, *carer, shift, false).await?;
    }
    Ok(rejected.len() as u32)
}

pub async fn close(state: &AppState, actor: &Actor, shift: ShiftId) -> Result<u32, AppError> {
    let row = shift_row(&state.db, shift.into_uuid()).await?;
    let mut tx = state.db.begin().await?;
    lock_open(&mut tx, row.id).await?;
    let rejected = reject_waiting(state, &mut tx, actor, &row).await?;
    sqlx::query!(
        "update shifts set status = case when exists (select 1 from rota_entries e where e.shift_id = $1)
                                         then 'FILLED'::shift_status else 'DRAFT'::shift_status end
          where id = $1",
        row.id
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        Entry::new("shift.close")
            .entity("shift", row.id)
            .after(serde_json::json!({ "when": row.when(), "rejected": rejected })),
    )
    .await?;
    tx.commit().await?;
    shift_news(Event::ShiftChanged { shift_id: shift }, None);
    Ok(rejected)
}

/// A shift's state, read under a row lock (always taken before any application row
/// of it, so decisions and closing cannot deadlock).
struct LockedShift {
    open: bool,
    started: bool,
    filled: i64,
    headcount: i32,
}

async fn lock_shift(conn: &mut PgConnection, shift: Uuid) -> Result<LockedShift, AppError> {
    let row = sqlx::query!(
        r#"select s.status = 'OPEN' as "open!", s.starts_at <= now() as "started!", s.headcount,
                  (select count(*) from rota_entries e where e.shift_id = s.id) as "filled!"
             from shifts s where s.id = $1 for update"#,
        shift
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(LockedShift {
        open: row.open,
        started: row.started,
        filled: row.filled,
        headcount: row.headcount,
    })
}

/// Locks a shift that is out to carers and has not started; refuses any other.
async fn lock_open(conn: &mut PgConnection, shift: Uuid) -> Result<LockedShift, AppError> {
    let locked = lock_shift(conn, shift).await?;
    if !locked.open || locked.started {
        return Err(AppError::Conflict(
            "This shift is no longer out to carers.".into(),
        ));
    }
    Ok(locked)
}

pub async fn open_shifts(db: &PgPool, page: i64) -> Result<Page<OpenShift>, AppError> {
    let page = page.clamp(1, MAX_PAGE);
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!" from shifts
            where status = 'OPEN' and deleted_at is null and ends_at > now()"#
    )
    .fetch_one(db)
    .await?;
    let rows = sqlx::query_as!(
        OpenShiftRow,
        r#"select id as "id!", package as "package!", starts_at as "starts_at!", ends_at as "ends_at!", kind as "kind!",
                  headcount as "headcount!", notes, competent_only as "competent_only!", filled as "filled!", waiting as "waiting!"
             from shift_offers
            where status = 'OPEN' and deleted_at is null and ends_at > now()
            order by starts_at, id
            limit $1 offset $2"#,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE
    )
    .fetch_all(db)
    .await?;
    Ok(page_of(
        rows.into_iter().map(OpenShift::from).collect(),
        total,
        page,
    ))
}

/// One sent-out shift's row (whatever its status now).
async fn open_shift_row(db: &PgPool, shift: Uuid) -> Result<OpenShift, AppError> {
    let row = sqlx::query_as!(
        OpenShiftRow,
        r#"select id as "id!", package as "package!", starts_at as "starts_at!", ends_at as "ends_at!", kind as "kind!",
                  headcount as "headcount!", notes, competent_only as "competent_only!", filled as "filled!", waiting as "waiting!"
             from shift_offers where id = $1"#,
        shift
    )
    .fetch_one(db)
    .await?;
    Ok(row.into())
}

pub async fn applicants(
    state: &AppState,
    actor: &Actor,
    shift: ShiftId,
) -> Result<ShiftApplicants, AppError> {
    let row = shift_row(&state.db, shift.into_uuid()).await?;
    let open = open_shift_row(&state.db, row.id).await?;
    let people = sqlx::query!(
        r#"select a.carer_id, person_name(a.carer_id) as "name!", a.status::text as "status!", a.applied_at
             from shift_applications a where a.shift_id = $1
            order by a.applied_at, a.carer_id"#,
        row.id
    )
    .fetch_all(&state.db)
    .await?;
    let on_shift = sqlx::query_scalar!(
        r#"select person_name(carer_id) as "name!" from rota_entries where shift_id = $1 order by 1"#,
        row.id
    )
    .fetch_all(&state.db)
    .await?;
    let ids: Vec<Uuid> = people.iter().map(|p| p.carer_id).collect();
    let checked = candidates(state, actor, &row, false, &ids).await?;
    let applicants = people
        .into_iter()
        .map(|p| {
            let id = UserId::from_uuid(p.carer_id);
            let status = ApplicationStatus::from_db(&p.status);
            let found = checked.iter().find(|(carer, _)| carer.id == id);
            let (competent, violations, reasons) = match found {
                Some((carer, c)) => (carer.competent, c.violations.clone(), c.reasons.clone()),
                // Already on the shift (or no longer an active carer).
                None => (false, Vec::new(), vec![status.label().to_owned()]),
            };
            Applicant {
                carer_id: id,
                name: p.name,
                status,
                applied_at: london::format_datetime(p.applied_at),
                competent,
                blocked: violations.iter().any(Violation::blocks_publishing),
                violations,
                reasons,
            }
        })
        .collect();
    Ok(ShiftApplicants {
        shift: open,
        on_shift,
        applicants,
    })
}

/// Adds a carer to (or takes them off) the shift in the saved draft of its week, if
/// there is one, so the editor's next publish keeps the sender's decision.
async fn follow_in_draft(
    conn: &mut PgConnection,
    shift: &ShiftRow,
    carer: UserId,
    on: bool,
) -> Result<(), AppError> {
    let week = super::week_of(shift.starts_at);
    let Some(payload) = sqlx::query_scalar!(
        "select payload from rota_drafts where package_id = $1 and week_start = $2 for update",
        shift.package,
        week
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(());
    };
    let mut slots: Vec<SlotAssignment> =
        serde_json::from_value(payload["slots"].clone()).map_err(|_| AppError::Internal)?;
    let id = ShiftId::from_uuid(shift.id);
    let Some(slot) = slots.iter_mut().find(|s| s.shift_id == id) else {
        return Ok(());
    };
    slot.carer_ids.retain(|c| *c != carer);
    if on {
        slot.carer_ids.push(carer);
    }
    sqlx::query!(
        "update rota_drafts set payload = $3, revision = revision + 1, updated_at = now()
          where package_id = $1 and week_start = $2",
        shift.package,
        week,
        serde_json::json!({ "slots": slots })
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn decide(
    state: &AppState,
    actor: &Actor,
    shift: ShiftId,
    carer: UserId,
    decision: Decision,
    reason: &str,
) -> Result<(), AppError> {
    let row = shift_row(&state.db, shift.into_uuid()).await?;
    let mut tx = state.db.begin().await?;
    // One decision about a carer at a time, here and in publishing: the engine's verdict
    // below cannot be overtaken by another placement of the same carer.
    lock_carers(&mut tx, &[carer.into_uuid()]).await?;
    let locked = lock_shift(&mut tx, row.id).await?;
    let check = if decision == Decision::Select {
        candidates(state, actor, &row, false, &[carer.into_uuid()])
            .await?
            .into_iter()
            .find(|(c, _)| c.id == carer)
    } else {
        None
    };
    let status = sqlx::query_scalar!(
        r#"select status::text as "status!" from shift_applications
            where shift_id = $1 and carer_id = $2 for update"#,
        row.id,
        carer.into_uuid()
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|s| ApplicationStatus::from_db(&s))
    .ok_or_else(|| AppError::NotFound("That application".into()))?;
    let name = sqlx::query_scalar!(r#"select person_name($1) as "n!""#, carer.into_uuid())
        .fetch_one(&mut *tx)
        .await?;
    match decision {
        Decision::Select => {
            let LockedShift {
                filled, headcount, ..
            } = locked;
            if !locked.open || locked.started {
                return Err(AppError::Conflict(
                    "This shift is no longer out to carers.".into(),
                ));
            }
            if status != ApplicationStatus::Interested {
                return Err(AppError::Conflict(format!(
                    "{name}'s application has been decided already."
                )));
            }
            if filled >= i64::from(headcount) {
                return Err(AppError::Conflict(
                    "This shift already has all the carers it needs.".into(),
                ));
            }
            let Some((_, candidate)) = check else {
                return Err(AppError::validation(
                    "carer",
                    format!("{name} can no longer be placed on shifts."),
                ));
            };
            if let Some(blocking) = candidate.violations.iter().find(|v| v.blocks_publishing()) {
                return Err(AppError::validation(
                    "carer",
                    format!("Selecting {name} would break a rule: {}", blocking.message),
                ));
            }
            let reason = caretrack::conduct::long_text(reason, "reason")?;
            if !candidate.violations.is_empty() && reason.is_empty() {
                return Err(AppError::validation(
                    "reason",
                    format!(
                        "Give a reason to accept: {}",
                        candidate
                            .violations
                            .iter()
                            .map(|v| v.message.as_str())
                            .collect::<Vec<_>>()
                            .join("; ")
                    ),
                ));
            }
            let entry = sqlx::query_scalar!(
                "insert into rota_entries (shift_id, carer_id, published_by) values ($1, $2, $3) returning id",
                row.id,
                carer.into_uuid(),
                actor.user_id
            )
            .fetch_one(&mut *tx)
            .await?;
            for violation in &candidate.violations {
                sqlx::query!(
                    "insert into rota_rule_overrides (rota_entry_id, rule_id, reason, details, overridden_by)
                     values ($1, $2, $3, $4, $5) on conflict (rota_entry_id, rule_id) do nothing",
                    entry,
                    violation.rule.as_str(),
                    reason,
                    serde_json::json!({ "message": violation.message, "details": violation.details }),
                    actor.user_id
                )
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query!(
                "update shift_applications set status = 'SELECTED', decided_at = now(), decided_by = $3, rule_check = $4
                  where shift_id = $1 and carer_id = $2",
                row.id,
                carer.into_uuid(),
                actor.user_id,
                serde_json::json!({ "violations": candidate.violations, "reasons": candidate.reasons })
            )
            .execute(&mut *tx)
            .await?;
            follow_in_draft(&mut tx, &row, carer, true).await?;
            tell_decision(state, &mut tx, carer.into_uuid(), &row, true).await?;
            let now_full = filled + 1 >= i64::from(headcount);
            let rejected = if now_full {
                sqlx::query!("update shifts set status = 'FILLED' where id = $1", row.id)
                    .execute(&mut *tx)
                    .await?;
                reject_waiting(state, &mut tx, actor, &row).await?
            } else {
                0
            };
            audit::record(
                &mut tx,
                actor,
                Entry::new("shift.select")
                    .entity("shift", row.id)
                    .after(serde_json::json!({
                        "carer_id": carer, "when": row.when(), "violations": candidate.violations,
                        "reason": reason, "filled": now_full, "rejected": rejected,
                    })),
            )
            .await?;
        }
        Decision::Reject => {
            if !locked.open {
                return Err(AppError::Conflict(
                    "This shift is no longer out to carers.".into(),
                ));
            }
            if status != ApplicationStatus::Interested {
                return Err(AppError::Conflict(format!(
                    "{name}'s application has been decided already."
                )));
            }
            sqlx::query!(
                "update shift_applications set status = 'REJECTED', decided_at = now(), decided_by = $3
                  where shift_id = $1 and carer_id = $2",
                row.id,
                carer.into_uuid(),
                actor.user_id
            )
            .execute(&mut *tx)
            .await?;
            tell_decision(state, &mut tx, carer.into_uuid(), &row, false).await?;
            audit::record(
                &mut tx,
                actor,
                Entry::new("shift.reject")
                    .entity("shift", row.id)
                    .after(serde_json::json!({ "carer_id": carer, "when": row.when() })),
            )
            .await?;
        }
        Decision::Withdraw => {
            if locked.started {
                return Err(AppError::Conflict(
                    "This shift has started: change who worked it on the rota.".into(),
                ));
            }
            if !matches!(
                status,
                ApplicationStatus::Interested | ApplicationStatus::Selected
            ) {
                return Err(AppError::Conflict(format!(
                    "{name}'s application is closed already."
                )));
            }
            sqlx::query!(
                "update shift_applications set status = 'WITHDRAWN', decided_at = now(), decided_by = $3, withdrawn_by = $3
                  where shift_id = $1 and carer_id = $2",
                row.id,
                carer.into_uuid(),
                actor.user_id
            )
            .execute(&mut *tx)
            .await?;
            if status == ApplicationStatus::Selected {
                sqlx::query!(
                    "delete from rota_entries where shift_id = $1 and carer_id = $2",
                    row.id,
                    carer.into_uuid()
                )
                .execute(&mut *tx)
                .await?;
                // A place has come free: the shift is out to carers again.
                sqlx::query!(
                    "update shifts set status = 'OPEN' where id = $1 and status = 'FILLED'",
                    row.id
                )
                .execute(&mut *tx)
                .await?;
                follow_in_draft(&mut tx, &row, carer, false).await?;
            }
            let notice = Notice::new(
                NotificationKind::ShiftDecision,
                format!(
                    "A manager withdrew your interest in the {} shift at {}.",
                    row.when(),
                    row.package_name
                ),
            )
            .link("/carer/shifts");
            notify(&mut tx, carer.into_uuid(), &notice).await?;
            audit::record(
                &mut tx,
                actor,
                Entry::new("shift.withdraw")
                    .entity("shift", row.id)
                    .after(serde_json::json!({
                        "carer_id": carer, "when": row.when(), "was": status,
                    })),
            )
            .await?;
        }
    }
    tx.commit().await?;
    let event = match decision {
        Decision::Select => Event::ShiftAssigned {
            shift_id: shift,
            carer_id: carer,
        },
        _ => Event::ShiftChanged { shift_id: shift },
    };
    shift_news(event, Some(carer));
    Ok(())
}

pub async fn available(db: &PgPool, carer: Uuid, page: i64) -> Result<Page<OpenShift>, AppError> {
    let page = page.clamp(1, MAX_PAGE);
    // Open, in the future, open to this carer (`shift_open_to`: confirmed ratings), not
    // worked or applied for already — unless not selected before it was sent out again.
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!" from shift_offers o
            where o.status = 'OPEN' and o.deleted_at is null and o.starts_at > now()
              and shift_open_to(o.id, $1)
              and not exists (select 1 from shift_applications a where a.shift_id = o.id and a.carer_id = $1
                                 and not (a.status = 'REJECTED' and a.decided_at < o.published_at))
              and not exists (select 1 from rota_entries e where e.shift_id = o.id and e.carer_id = $1)"#,
        carer
    )
    .fetch_one(db)
    .await?;
    let rows = sqlx::query_as!(
        OpenShiftRow,
        r#"select id as "id!", package as "package!", starts_at as "starts_at!", ends_at as "ends_at!", kind as "kind!",
                  headcount as "headcount!", notes, competent_only as "competent_only!", filled as "filled!", 0::int8 as "waiting!"
             from shift_offers o
            where o.status = 'OPEN' and o.deleted_at is null and o.starts_at > now()
              and shift_open_to(o.id, $1)
              and not exists (select 1 from shift_applications a where a.shift_id = o.id and a.carer_id = $1
                                 and not (a.status = 'REJECTED' and a.decided_at < o.published_at))
              and not exists (select 1 from rota_entries e where e.shift_id = o.id and e.carer_id = $1)
            order by o.starts_at, o.id
            limit $2 offset $3"#,
        carer,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE
    )
    .fetch_all(db)
    .await?;
    Ok(page_of(
        rows.into_iter().map(OpenShift::from).collect(),
        total,
        page,
    ))
}

pub async fn apply(state: &AppState, actor: &Actor, shift: ShiftId) -> Result<(), AppError> {
    let carer = actor.user_id.ok_or(AppError::Unauthenticated)?;
    let row = shift_row(&state.db, shift.into_uuid()).await?;
    let mut tx = state.db.begin().await?;
    let opener = sqlx::query_scalar!(
        r#"select s.published_by from shifts s
            where s.id = $1 and s.status = 'OPEN' and s.starts_at > now() and shift_open_to(s.id, $2)
            for update"#,
        row.id,
        carer
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::Conflict("This shift is no longer open to you.".into()))?;
    // Not selected last time, and the shift has been sent out again since: a new try.
    let added = sqlx::query!(
        "insert into shift_applications (shift_id, carer_id) values ($1, $2)
         on conflict (shift_id, carer_id) do update
            set status = 'INTERESTED', applied_at = now(), decided_at = null, decided_by = null,
                rule_check = null
          where shift_applications.status = 'REJECTED'
            and shift_applications.decided_at < (select published_at from shifts where id = $1)",
        row.id,
        carer
    )
    .execute(&mut *tx)
    .await?;
    if added.rows_affected() == 0 {
        return Err(AppError::Conflict(
            "You have already confirmed interest in this shift.".into(),
        ));
    }
    if let Some(manager) = opener {
        let name = sqlx::query_scalar!(r#"select person_name($1) as "n!""#, carer)
            .fetch_one(&mut *tx)
            .await?;
        let notice = Notice::new(
            NotificationKind::ShiftInterest,
            format!(
                "{name} would like the {} shift at {}.",
                row.when(),
                row.package_name
            ),
        )
        .link("/admin/shifts");
        notify(&mut tx, manager, &notice).await?;
    }
    audit::record(
        &mut tx,
        actor,
        Entry::new("shift.interest")
            .entity("shift", row.id)
            .after(serde_json::json!({ "when": row.when() })),
    )
    .await?;
    tx.commit().await?;
    bus::emit_to(
        [Room::Role(Role::Admin), Room::User(carer.into())],
        &Event::ShiftChanged { shift_id: shift },
    );
    Ok(())
}

pub async fn applications(
    db: &PgPool,
    carer: Uuid,
    page: i64,
) -> Result<Page<MyApplication>, AppError> {
    let page = page.clamp(1, MAX_PAGE);
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!" from shift_applications where carer_id = $1"#,
        carer
    )
    .fetch_one(db)
    .await?;
    let rows = sqlx::query!(
        r#"select o.id as "id!", o.package as "package!", o.starts_at as "starts_at!", o.ends_at as "ends_at!",
                  o.kind as "kind!", o.headcount as "headcount!", o.notes,
                  o.competent_only as "competent_only!", o.filled as "filled!",
                  a.status::text as "status!", a.applied_at
             from shift_applications a
             join shift_offers o on o.id = a.shift_id
            where a.carer_id = $1
            order by a.applied_at desc, o.id
            limit $2 offset $3"#,
        carer,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE
    )
    .fetch_all(db)
    .await?;
    let items = rows
        .into_iter()
        .map(|r| MyApplication {
            status: ApplicationStatus::from_db(&r.status),
            applied_at: london::format_datetime(r.applied_at),
            shift: OpenShiftRow {
                id: r.id,
                package: r.package,
                starts_at: r.starts_at,
                ends_at: r.ends_at,
                kind: r.kind,
                headcount: r.headcount,
                notes: r.notes,
                competent_only: r.competent_only,
                filled: r.filled,
                waiting: 0,
            }
            .into(),
        })
        .collect();
    Ok(page_of(items, total, page))
}
