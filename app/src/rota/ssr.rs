//! The rota editor's queries and changes: a package's week as slots, the engine's input
//! (every carer's shifts over the reference period, from the database), drafts, and
//! publishing with the server's own, authoritative check.

use super::api::{
    CalendarDay, CalendarWeek, Cover, CoverCandidate, MyShift, Override, PanelCarer, PatternWeek,
    PersonalRota, Published, RotaWeek, SavedDraft, Slot, SlotAssignment,
};
use crate::{
    audit::{self, Actor, Entry},
    care::api::Named,
    error::AppError,
    live::{Event, Room, bus},
    mail::{Email, RotaPublished, enqueue_email},
    notifications::ssr::{Notice, notify},
    state::AppState,
};
use caretrack::{
    EmailAddress, Role,
    ids::{CarePackageId, ShiftId, TaskId, UserId},
    london,
    notification::{Channel, NotificationKind},
    rota::{
        Candidate, Carer, Checker, OptOut, Package, Report, Rota, RotaInput, RuleSettings, Shift,
        ShiftKind, SlotPlan, SlotTime, Violation, touching,
    },
};
use sqlx::{PgConnection, PgPool, types::Uuid};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

/// How far after the edited week the engine looks (rests and weekends run across it).
const WEEKS_AFTER: i64 = 2;

/// The organisation's rule settings, from `rule_settings`.
pub async fn rule_settings(db: &PgPool) -> Result<RuleSettings, AppError> {
    let rows = sqlx::query!(
        r#"select rule_id, enabled, severity::text as "severity!", overridable, parameters from rule_settings"#
    )
    .fetch_all(db)
    .await?;
    let mut json = serde_json::Map::new();
    let mut switches = serde_json::Map::new();
    for row in rows {
        switches.insert(
            row.rule_id.clone(),
            serde_json::json!({ "enabled": row.enabled, "severity": row.severity, "overridable": row.overridable }),
        );
        json.insert(row.rule_id, row.parameters);
    }
    json.insert("switches".into(), serde_json::Value::Object(switches));
    serde_json::from_value(serde_json::Value::Object(json)).map_err(|error| {
        tracing::error!(%error, "the stored rule settings do not parse");
        AppError::Internal
    })
}

/// Stores the organisation's rule settings, refused whole if the engine refuses them.
pub async fn save_rule_settings(
    state: &AppState,
    actor: &Actor,
    settings: RuleSettings,
) -> Result<RuleSettings, AppError> {
    if let Some(problem) = settings.check().into_iter().next() {
        return Err(AppError::validation(
            problem.rule.as_str(),
            format!("{}: {}", problem.rule.label(), problem.message),
        ));
    }
    let before = rule_settings(&state.db).await?;
    let json = serde_json::to_value(&settings).map_err(|_| AppError::Internal)?;
    let mut tx = state.db.begin().await?;
    for rule in caretrack::rota::RuleId::ALL {
        let switch = settings.switch(*rule);
        let parameters = match &json[rule.as_str()] {
            serde_json::Value::Object(_) => json[rule.as_str()].clone(),
            _ => serde_json::json!({}),
        };
        sqlx::query!(
            "update rule_settings set enabled = $2, severity = $3::text::rule_severity, overridable = $4,
                                      parameters = $5, updated_by = $6
              where rule_id = $1",
            rule.as_str(),
            switch.enabled,
            switch.severity.as_str(),
            switch.overridable,
            parameters,
            actor.user_id
        )
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        actor,
        Entry::new("rota.rules_update")
            .entity("rule_settings", "organisation")
            .before(serde_json::to_value(&before).unwrap_or_default())
            .after(json),
    )
    .await?;
    tx.commit().await?;
    rule_settings(&state.db).await
}

/// A package's DAY and NIGHT slots (its own, or the defaults).
pub async fn slot_plan(db: &PgPool, package: Uuid) -> Result<SlotPlan, AppError> {
    let row = sqlx::query!(
        "select day_starts, day_ends, night_starts, night_ends, day_break_minutes, night_break_minutes,
                day_headcount, night_headcount
           from package_rota_settings where package_id = $1",
        package
    )
    .fetch_optional(db)
    .await?;
    let count = |n: i32| u32::try_from(n).unwrap_or(0);
    Ok(match row {
        Some(r) => SlotPlan {
            day: SlotTime {
                starts: r.day_starts,
                ends: r.day_ends,
                break_minutes: count(r.day_break_minutes),
                headcount: count(r.day_headcount),
            },
            night: SlotTime {
                starts: r.night_starts,
                ends: r.night_ends,
                break_minutes: count(r.night_break_minutes),
                headcount: count(r.night_headcount),
            },
        },
        None => SlotPlan::default(),
    })
}

/// Stores a package's slots. Future shifts nobody is on yet (and not sent out) move to
/// the new times; every future shift takes the new headcount and break. Shifts carers
/// have been told about keep their times.
pub async fn save_slot_plan(
    state: &AppState,
    actor: &Actor,
    package: CarePackageId,
    form: &caretrack::rota::SlotForm,
) -> Result<(SlotPlan, u64), AppError> {
    let plan = SlotPlan::parse(form)?;
    let id = package.into_uuid();
    package_name(&state.db, id).await?;
    let before = slot_plan(&state.db, id).await?;
    let mut tx = state.db.begin().await?;
    let signed = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    sqlx::query!(
        "insert into package_rota_settings (package_id, day_starts, day_ends, night_starts, night_ends,
                                            day_break_minutes, night_break_minutes, day_headcount, night_headcount, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         on conflict (package_id) do update set
            day_starts = excluded.day_starts, day_ends = excluded.day_ends,
            night_starts = excluded.night_starts, night_ends = excluded.night_ends,
            day_break_minutes = excluded.day_break_minutes, night_break_minutes = excluded.night_break_minutes,
            day_headcount = excluded.day_headcount, night_headcount = excluded.night_headcount,
            updated_by = excluded.updated_by",
        id,
        plan.day.starts,
        plan.day.ends,
        plan.night.starts,
        plan.night.ends,
        signed(plan.day.break_minutes),
        signed(plan.night.break_minutes),
        signed(plan.day.headcount),
        signed(plan.night.headcount),
        actor.user_id
    )
    .execute(&mut *tx)
    .await?;
    let future = sqlx::query!(
        r#"select s.id, s.starts_at, s.ends_at, s.shift_type::text as "kind!",
                  s.status = 'DRAFT' and not exists (select 1 from rota_entries e where e.shift_id = s.id) as "movable!"
             from shifts s
            where s.package_id = $1 and s.deleted_at is null and s.status <> 'CANCELLED' and s.starts_at > now()
            for update"#,
        id
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut moved = 0;
    for shift in future {
        let slot = if shift.kind == ShiftKind::Night.as_str() {
            plan.night
        } else {
            plan.day
        };
        let (start, end) = slot_instants(
            london::business_day(shift.starts_at),
            slot.starts,
            slot.ends,
        );
        if shift.movable && (start, end) != (shift.starts_at, shift.ends_at) {
            sqlx::query!(
                "update shifts set starts_at = $2, ends_at = $3 where id = $1",
                shift.id,
                start,
                end
            )
            .execute(&mut *tx)
            .await?;
            moved += 1;
        }
        sqlx::query!(
            "update shifts set break_minutes = $2, headcount = $3 where id = $1",
            shift.id,
            signed(slot.break_minutes),
            signed(slot.headcount)
        )
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        actor,
        Entry::new("rota.slots_update")
            .entity("care_package", id)
            .before(serde_json::to_value(before.form()).unwrap_or_default())
            .after(serde_json::json!({ "slots": plan.form(), "shifts_moved": moved })),
    )
    .await?;
    tx.commit().await?;
    Ok((plan, moved))
}

/// The instants of a slot starting on `day`; one ending at or before its start time ends
/// the next day. DST-safe: the wall-clock times are London's on those days.
fn slot_instants(day: Date, starts: Time, ends: Time) -> (OffsetDateTime, OffsetDateTime) {
    let end_day = if ends <= starts {
        day + Duration::days(1)
    } else {
        day
    };
    (
        london::from_london(PrimitiveDateTime::new(day, starts)).resolve(),
        london::from_london(PrimitiveDateTime::new(end_day, ends)).resolve(),
    )
}

fn hhmm(t: OffsetDateTime) -> String {
    let local = london::to_london(t);
    format!("{:02}:{:02}", local.hour(), local.minute())
}

/// The week's slots, creating the shifts that do not exist yet (as drafts carers never
/// see), in grid order: Monday DAY, Monday NIGHT, Tuesday DAY …
async fn ensure_slots(
    state: &AppState,
    actor: &Actor,
    package: Uuid,
    week: Date,
) -> Result<Vec<Slot>, AppError> {
    let plan = slot_plan(&state.db, package).await?;
    // One read for the week; shifts are created only the first time a week is opened.
    let existing = sqlx::query!(
        r#"select id, starts_at, ends_at, shift_type::text as "kind!", headcount, status = 'OPEN' as "open!" from shifts
            where package_id = $1 and deleted_at is null and status <> 'CANCELLED'
              and starts_at >= $2 and starts_at < $3
            order by starts_at"#,
        package,
        london::start_of_day(week),
        london::start_of_day(week + Duration::weeks(1)),
    )
    .fetch_all(&state.db)
    .await?;
    let mut slots = Vec::with_capacity(14);
    for weekday in 0..7u8 {
        let day = week + Duration::days(i64::from(weekday));
        for (kind, slot) in [(ShiftKind::Day, plan.day), (ShiftKind::Night, plan.night)] {
            let found = existing.iter().find(|row| {
                row.kind == kind.as_str() && london::business_day(row.starts_at) == day
            });
            let (id, start, end, headcount, open) = match found {
                Some(row) => (row.id, row.starts_at, row.ends_at, row.headcount, row.open),
                None => {
                    let (start, end) = slot_instants(day, slot.starts, slot.ends);
                    let (headcount, break_minutes) = (
                        i32::try_from(slot.headcount).unwrap_or(1),
                        i32::try_from(slot.break_minutes).unwrap_or(0),
                    );
                    let id = sqlx::query_scalar!(
                        r#"insert into shifts (package_id, starts_at, ends_at, shift_type, type_overridden, headcount,
                                               break_minutes, created_by)
                           values ($1, $2, $3, $4::text::shift_type, true, $5, $6, $7)
                           on conflict (package_id, starts_at, shift_type) where deleted_at is null
                           do update set updated_at = shifts.updated_at
                           returning id"#,
                        package,
                        start,
                        end,
                        kind.as_str(),
                        headcount,
                        break_minutes,
                        actor.user_id,
                    )
                    .fetch_one(&state.db)
                    .await?;
                    (id, start, end, headcount, false)
                }
            };
            slots.push(Slot {
                shift_id: ShiftId::from_uuid(id),
                weekday,
                day_label: day
                    .format(time::macros::format_description!(
                        "[weekday repr:short] [day padding:none] [month repr:short]"
                    ))
                    .unwrap_or_default(),
                kind,
                times: format!("{}–{}", hhmm(start), hhmm(end)),
                headcount,
                open,
            });
        }
    }
    Ok(slots)
}

/// What is published for the week's slots.
async fn published(db: &PgPool, slots: &[Slot]) -> Result<Vec<SlotAssignment>, AppError> {
    let ids: Vec<Uuid> = slots.iter().map(|s| s.shift_id.into_uuid()).collect();
    let rows = sqlx::query!(
        "select shift_id, carer_id from rota_entries where shift_id = any($1) order by published_at, carer_id",
        &ids
    )
    .fetch_all(db)
    .await?;
    Ok(slots
        .iter()
        .map(|slot| SlotAssignment {
            shift_id: slot.shift_id,
            carer_ids: rows
                .iter()
                .filter(|r| r.shift_id == slot.shift_id.into_uuid())
                .map(|r| UserId::from_uuid(r.carer_id))
                .collect(),
        })
        .collect())
}

/// The saved draft of the week, if any: its revision and assignments.
async fn draft(
    conn: &mut PgConnection,
    package: Uuid,
    week: Date,
    lock: bool,
) -> Result<Option<(i64, Vec<SlotAssignment>)>, AppError> {
    let row = if lock {
        sqlx::query!(
            "select revision, payload from rota_drafts where package_id = $1 and week_start = $2 for update",
            package,
            week
        )
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| (r.revision, r.payload))
    } else {
        sqlx::query!(
            "select revision, payload from rota_drafts where package_id = $1 and week_start = $2",
            package,
            week
        )
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| (r.revision, r.payload))
    };
    row.map(|(revision, payload)| {
        serde_json::from_value(payload["slots"].clone())
            .map(|slots| (revision, slots))
            .map_err(|_| AppError::Internal)
    })
    .transpose()
}

/// The package's team, anyone else already on one of the week's slots, and `also`.
async fn panel(
    db: &PgPool,
    package: Uuid,
    assignments: &[SlotAssignment],
    also: &[Uuid],
) -> Result<Vec<PanelCarer>, AppError> {
    let on_slots: Vec<Uuid> = assignments
        .iter()
        .flat_map(|a| a.carer_ids.iter().map(|c| c.into_uuid()))
        .chain(also.iter().copied())
        .collect();
    let rows = sqlx::query!(
        r#"select u.id, person_name(u.id) as "name!",
                  exists (select 1 from carer_packages cp where cp.carer_id = u.id and cp.package_id = $1) as "on_team!",
                  not exists (
                      select 1 from package_tasks pt join tasks t on t.id = pt.task_id and t.deleted_at is null
                       where pt.package_id = $1
                         and not exists (select 1 from competency_ratings r
                                          where r.carer_id = u.id and r.task_id = pt.task_id
                                            and r.effective_level >= 'COMPETENT')
                  ) as "competent!"
             from users u
            where u.role = 'CARER' and u.is_active and u.deleted_at is null
              and (u.id in (select carer_id from carer_packages where package_id = $1) or u.id = any($2))
            order by 2"#,
        package,
        &on_slots
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PanelCarer {
            id: UserId::from_uuid(r.id),
            name: r.name,
            on_team: r.on_team,
            competent: r.competent,
        })
        .collect())
}

/// The engine's input for editing `week` of `package` with `week_assignments` on its
/// slots: the panel carers, their shifts (all packages) from the start of the longest
/// reference period to two weeks after, the packages' tasks, confirmed competencies,
/// opt-outs and the organisation's settings.
async fn engine_input(
    db: &PgPool,
    package: Uuid,
    week: Date,
    carers: &[UserId],
    week_assignments: &[SlotAssignment],
) -> Result<RotaInput, AppError> {
    let settings = rule_settings(db).await?;
    let history_weeks = settings
        .wtr_weekly_average
        .reference_weeks
        .max(settings.night_reference_weeks());
    let from = london::start_of_day(week - Duration::weeks(i64::from(history_weeks)));
    let to = london::start_of_day(week + Duration::weeks(1 + WEEKS_AFTER));
    let week_shifts: HashMap<Uuid, &SlotAssignment> = week_assignments
        .iter()
        .map(|a| (a.shift_id.into_uuid(), a))
        .collect();
    let carer_ids: Vec<Uuid> = carers.iter().map(|c| c.into_uuid()).collect();
    let week_ids: Vec<Uuid> = week_shifts.keys().copied().collect();

    let people = sqlx::query!(
        r#"select u.id, p.date_of_birth, p.contracted_weekly_hours::float8 as hours, p.employment_started_on,
                  o.effective_from as "opt_out_from?",
                  case when o.withdrawn_on is null then null
                       else o.withdrawn_on + o.notice_weeks * 7 end as "opt_out_to?: Date"
             from users u
             left join user_profiles p on p.user_id = u.id
             left join lateral (select * from wtr_opt_outs w where w.carer_id = u.id
                                 order by w.effective_from desc limit 1) o on true
            where u.id = any($1)"#,
        &carer_ids
    )
    .fetch_all(db)
    .await?;
    let competent = sqlx::query!(
        "select carer_id, task_id from competency_ratings
          where carer_id = any($1) and effective_level >= 'COMPETENT'",
        &carer_ids
    )
    .fetch_all(db)
    .await?;
    let mut competent_by_carer: HashMap<Uuid, Vec<TaskId>> = HashMap::new();
    for row in competent {
        competent_by_carer
            .entry(row.carer_id)
            .or_default()
            .push(TaskId::from_uuid(row.task_id));
    }
    let carers_in: Vec<Carer> = people
        .into_iter()
        .map(|p| Carer {
            id: UserId::from_uuid(p.id),
            date_of_birth: p.date_of_birth,
            weekly_hours_limit: p.hours,
            opt_out: p.opt_out_from.map(|from| OptOut {
                from,
                to: p.opt_out_to.map(|to| to - Duration::days(1)),
            }),
            night_worker: None,
            employed_from: p.employment_started_on,
            competent_task_ids: competent_by_carer.remove(&p.id).unwrap_or_default(),
        })
        .collect();

    // Their published shifts in the window (this week's slots come from the draft).
    let rows = sqlx::query!(
        r#"select s.id, s.package_id, s.starts_at, s.ends_at, s.shift_type::text as "kind!", s.break_minutes,
                  array_agg(e.carer_id order by e.carer_id) filter (where e.carer_id = any($1)) as "carers?"
             from shifts s
             join rota_entries e on e.shift_id = s.id
            where s.deleted_at is null and s.status <> 'CANCELLED'
              and s.starts_at < $3 and s.ends_at > $2
              and e.carer_id = any($1) and not (s.id = any($4))
            group by s.id"#,
        &carer_ids,
        from,
        to,
        &week_ids
    )
    .fetch_all(db)
    .await?;
    let week_rows = sqlx::query!(
        r#"select id, package_id, starts_at, ends_at, shift_type::text as "kind!", break_minutes
             from shifts where id = any($1)"#,
        &week_ids
    )
    .fetch_all(db)
    .await?;
    let in_panel: BTreeSet<UserId> = carers.iter().copied().collect();
    let mut shifts: Vec<Shift> = rows
        .into_iter()
        .map(|r| Shift {
            id: ShiftId::from_uuid(r.id),
            package_id: CarePackageId::from_uuid(r.package_id),
            start: r.starts_at,
            end: r.ends_at,
            carer_ids: r
                .carers
                .unwrap_or_default()
                .into_iter()
                .map(UserId::from_uuid)
                .collect(),
            kind: r.kind.parse().ok(),
            break_minutes: r.break_minutes.max(0) as u32,
        })
        .collect();
    shifts.extend(week_rows.into_iter().map(|r| {
        Shift {
            id: ShiftId::from_uuid(r.id),
            package_id: CarePackageId::from_uuid(r.package_id),
            start: r.starts_at,
            end: r.ends_at,
            carer_ids: week_shifts
                .get(&r.id)
                .map(|a| {
                    a.carer_ids
                        .iter()
                        .copied()
                        .filter(|c| in_panel.contains(c))
                        .collect()
                })
                .unwrap_or_default(),
            kind: r.kind.parse().ok(),
            break_minutes: r.break_minutes.max(0) as u32,
        }
    }));
    shifts.sort_by_key(|s| (s.start, s.id));

    let mut package_ids: Vec<Uuid> = shifts.iter().map(|s| s.package_id.into_uuid()).collect();
    package_ids.push(package);
    package_ids.sort_unstable();
    package_ids.dedup();
    let tasks = sqlx::query!(
        "select p.id, coalesce(array_agg(pt.task_id) filter (where t.id is not null), '{}') as \"tasks!\"
           from care_packages p
           left join package_tasks pt on pt.package_id = p.id
           left join tasks t on t.id = pt.task_id and t.deleted_at is null
          where p.id = any($1)
          group by p.id",
        &package_ids
    )
    .fetch_all(db)
    .await?;
    Ok(RotaInput {
        carers: carers_in,
        packages: tasks
            .into_iter()
            .map(|p| Package {
                id: CarePackageId::from_uuid(p.id),
                task_ids: p.tasks.into_iter().map(TaskId::from_uuid).collect(),
            })
            .collect(),
        shifts,
        settings,
        planning_from: Some(week),
    })
}

fn panel_ids(carers: &[PanelCarer]) -> Vec<UserId> {
    carers.iter().map(|c| c.id).collect()
}

/// The rule breaches in a package's week as published (the compliance summary): the
/// engine's verdict on what carers were told, whatever a draft holds since.
pub async fn published_breaches(
    state: &AppState,
    actor: &Actor,
    package: Uuid,
    week: Date,
) -> Result<Vec<caretrack::rota::Violation>, AppError> {
    let slots = ensure_slots(state, actor, package, week).await?;
    let assignments = published(&state.db, &slots).await?;
    let mut carers: Vec<UserId> = assignments
        .iter()
        .flat_map(|a| a.carer_ids.iter().copied())
        .collect();
    carers.sort_unstable();
    carers.dedup();
    let input = engine_input(&state.db, package, week, &carers, &assignments).await?;
    Ok(check_week(input, &slots)?.violations)
}

/// The server's check of the week: what touches one of its slots.
fn check_week(input: RotaInput, slots: &[Slot]) -> Result<Report, AppError> {
    let ids: Vec<ShiftId> = slots.iter().map(|s| s.shift_id).collect();
    let rota = Rota::new(input).map_err(|error| {
        tracing::error!(%error, "the stored rota is not valid engine input");
        AppError::Internal
    })?;
    Ok(Report::new(touching(rota.validate(), &ids)))
}

async fn package_name(db: &PgPool, package: Uuid) -> Result<String, AppError> {
    sqlx::query_scalar!(
        "select name from care_packages where id = $1 and deleted_at is null",
        package
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| AppError::NotFound("That care package".into()))
}

pub async fn load_week(
    state: &AppState,
    actor: &Actor,
    package: CarePackageId,
    week: Date,
) -> Result<RotaWeek, AppError> {
    let id = package.into_uuid();
    let name = package_name(&state.db, id).await?;
    let slots = ensure_slots(state, actor, id, week).await?;
    let published = published(&state.db, &slots).await?;
    let mut conn = state.db.acquire().await?;
    let (revision, assignments) = draft(&mut conn, id, week, false)
        .await?
        .unwrap_or_else(|| (0, published.clone()));
    let previous = week_as_planned(&state.db, &mut conn, id, week - Duration::weeks(1)).await?;
    drop(conn);
    let previous_carers: Vec<Uuid> = previous.iter().flatten().map(|c| c.into_uuid()).collect();
    let carers = panel(&state.db, id, &assignments, &previous_carers).await?;
    let input = engine_input(&state.db, id, week, &panel_ids(&carers), &assignments).await?;
    let published_at = sqlx::query_scalar!(
        "select max(published_at) from rota_publications where package_id = $1 and week_start = $2",
        id,
        week
    )
    .fetch_one(&state.db)
    .await?
    .map(london::format_datetime);
    Ok(RotaWeek {
        package: Named { id: package, name },
        week_start: super::week_text(week),
        week_label: london::format_date(week),
        previous_week: super::week_text(week - Duration::weeks(1)),
        next_week: super::week_text(week + Duration::weeks(1)),
        slots,
        carers,
        input,
        revision,
        published,
        published_at,
        previous,
        slot_form: slot_plan(&state.db, id).await?.form(),
    })
}

/// Who is on each of a week's 14 slots (Monday DAY, Monday NIGHT, …) as its draft has
/// it, or as published; without creating any shift.
async fn week_as_planned(
    db: &PgPool,
    conn: &mut PgConnection,
    package: Uuid,
    week: Date,
) -> Result<Vec<Vec<UserId>>, AppError> {
    let shifts = sqlx::query!(
        r#"select s.id, s.starts_at, s.shift_type::text as "kind!",
                  coalesce(array_agg(e.carer_id order by e.published_at, e.carer_id) filter (where e.carer_id is not null), '{}') as "carers!"
             from shifts s left join rota_entries e on e.shift_id = s.id
            where s.package_id = $1 and s.deleted_at is null and s.status <> 'CANCELLED'
              and s.starts_at >= $2 and s.starts_at < $3
            group by s.id"#,
        package,
        london::start_of_day(week),
        london::start_of_day(week + Duration::weeks(1)),
    )
    .fetch_all(db)
    .await?;
    let saved = draft(conn, package, week, false).await?.map(|(_, a)| a);
    let mut slots = vec![Vec::new(); 14];
    for shift in shifts {
        let day = (london::business_day(shift.starts_at) - week).whole_days();
        let Ok(day) = usize::try_from(day) else {
            continue;
        };
        let position = day * 2 + usize::from(shift.kind == ShiftKind::Night.as_str());
        let Some(slot) = slots.get_mut(position) else {
            continue;
        };
        *slot = match &saved {
            Some(saved) => saved
                .iter()
                .find(|a| a.shift_id.into_uuid() == shift.id)
                .map(|a| a.carer_ids.clone())
                .unwrap_or_default(),
            None => shift.carers.into_iter().map(UserId::from_uuid).collect(),
        };
    }
    Ok(slots)
}

/// "Apply this week to …": `week`'s saved plan becomes the draft of each of `weeks`
/// weeks from `from` (their drafts are replaced; the user was asked), each checked.
pub async fn apply_pattern(
    state: &AppState,
    actor: &Actor,
    package: CarePackageId,
    week: Date,
    from: Date,
    weeks: u32,
) -> Result<Vec<PatternWeek>, AppError> {
    if !(1..=super::api::MAX_PATTERN_WEEKS).contains(&weeks) {
        return Err(AppError::validation(
            "weeks",
            format!(
                "Apply the pattern to between 1 and {} weeks.",
                super::api::MAX_PATTERN_WEEKS
            ),
        ));
    }
    let targets: Vec<Date> = (0..i64::from(weeks))
        .map(|w| from + Duration::weeks(w))
        .collect();
    if targets.contains(&week) {
        return Err(AppError::validation(
            "from",
            "Choose weeks other than the one the pattern comes from.",
        ));
    }
    let id = package.into_uuid();
    package_name(&state.db, id).await?;
    let mut conn = state.db.acquire().await?;
    let pattern = week_as_planned(&state.db, &mut conn, id, week).await?;
    drop(conn);
    let pattern_carers: Vec<Uuid> = pattern.iter().flatten().map(|c| c.into_uuid()).collect();
    // Every week is worked out first, then all are written in one transaction: a week
    // refused leaves none changed.
    let mut planned = Vec::with_capacity(targets.len());
    for target in targets {
        let slots = ensure_slots(state, actor, id, target).await?;
        let assignments: Vec<SlotAssignment> = slots
            .iter()
            .zip(&pattern)
            .map(|(slot, carers)| SlotAssignment {
                shift_id: slot.shift_id,
                carer_ids: carers.clone(),
            })
            .collect();
        let carers = panel(&state.db, id, &assignments, &pattern_carers).await?;
        let assignments = checked_assignments(&slots, &carers, assignments)?;
        planned.push((target, slots, carers, assignments));
    }
    let mut tx = state.db.begin().await?;
    let mut revisions = Vec::with_capacity(planned.len());
    for (target, _, _, assignments) in &planned {
        let replaced = draft(&mut tx, id, *target, true).await?;
        let revision = sqlx::query_scalar!(
            "insert into rota_drafts (package_id, week_start, payload, revision, updated_by)
             values ($1, $2, $3, 1, $4)
             on conflict (package_id, week_start)
             do update set payload = excluded.payload, revision = rota_drafts.revision + 1,
                           updated_by = excluded.updated_by, updated_at = now()
             returning revision",
            id,
            *target,
            serde_json::json!({ "slots": assignments }),
            actor.user_id
        )
        .fetch_one(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            Entry::new("rota.apply_pattern")
                .entity("care_package", id)
                .before(serde_json::json!({ "draft": replaced.map(|(_, slots)| slots) }))
                .after(serde_json::json!({
                    "from_week": super::week_text(week),
                    "week": super::week_text(*target),
                    "revision": revision,
                    "slots": assignments,
                })),
        )
        .await?;
        revisions.push(revision);
    }
    tx.commit().await?;
    let mut answers = Vec::with_capacity(planned.len());
    for ((target, slots, carers, assignments), revision) in planned.into_iter().zip(revisions) {
        let input = engine_input(&state.db, id, target, &panel_ids(&carers), &assignments).await?;
        let report = check_week(input, &slots)?;
        answers.push(PatternWeek {
            week_start: super::week_text(target),
            week_label: london::format_date(target),
            revision,
            errors: report.errors,
            warnings: report.warnings,
            blocking: report.blocking,
        });
    }
    Ok(answers)
}

/// Checks that every assignment is for one of the week's slots and names carers who may
/// be rostered there; answers them in slot order.
fn checked_assignments(
    slots: &[Slot],
    carers: &[PanelCarer],
    assignments: Vec<SlotAssignment>,
) -> Result<Vec<SlotAssignment>, AppError> {
    let mut by_shift: BTreeMap<ShiftId, Vec<UserId>> = BTreeMap::new();
    for assignment in assignments {
        if !slots.iter().any(|s| s.shift_id == assignment.shift_id) {
            return Err(AppError::validation(
                "assignments",
                "A shift in the rota is not part of this week.",
            ));
        }
        let mut seen = BTreeSet::new();
        for carer in &assignment.carer_ids {
            if !carers.iter().any(|c| c.id == *carer) {
                return Err(AppError::validation(
                    "assignments",
                    "Only carers at this package (or already on its rota) can be placed.",
                ));
            }
            if !seen.insert(*carer) {
                return Err(AppError::validation(
                    "assignments",
                    "A carer is on one shift twice.",
                ));
            }
        }
        by_shift
            .entry(assignment.shift_id)
            .or_default()
            .extend(assignment.carer_ids);
    }
    Ok(slots
        .iter()
        .map(|slot| SlotAssignment {
            shift_id: slot.shift_id,
            carer_ids: by_shift.remove(&slot.shift_id).unwrap_or_default(),
        })
        .collect())
}

pub async fn save_draft(
    state: &AppState,
    actor: &Actor,
    package: CarePackageId,
    week: Date,
    assignments: Vec<SlotAssignment>,
    base_revision: i64,
) -> Result<SavedDraft, AppError> {
    let id = package.into_uuid();
    package_name(&state.db, id).await?;
    let slots = ensure_slots(state, actor, id, week).await?;
    // The team, plus whoever is published or on the saved draft: they may stay.
    let mut known = published(&state.db, &slots).await?;
    let mut conn = state.db.acquire().await?;
    if let Some((_, saved)) = draft(&mut conn, id, week, false).await? {
        known.extend(saved);
    }
    drop(conn);
    let carers = panel(&state.db, id, &known, &[]).await?;
    let assignments = checked_assignments(&slots, &carers, assignments)?;

    let mut tx = state.db.begin().await?;
    let current = draft(&mut tx, id, week, true)
        .await?
        .map_or(0, |(revision, _)| revision);
    if current != base_revision {
        return Err(stale_revision());
    }
    let revision = current + 1;
    // The row lock above cannot hold a row that does not exist yet: when two first
    // saves race, the second finds the first's row here and is refused, not applied.
    let saved = sqlx::query!(
        "insert into rota_drafts (package_id, week_start, payload, revision, updated_by)
         values ($1, $2, $3, $4, $5)
         on conflict (package_id, week_start)
         do update set payload = excluded.payload, revision = excluded.revision,
                       updated_by = excluded.updated_by, updated_at = now()
          where rota_drafts.revision = excluded.revision - 1",
        id,
        week,
        serde_json::json!({ "slots": assignments }),
        revision,
        actor.user_id
    )
    .execute(&mut *tx)
    .await?;
    if saved.rows_affected() != 1 {
        return Err(stale_revision());
    }
    audit::record(
        &mut tx,
        actor,
        Entry::new("rota.draft_save")
            .entity("care_package", id)
            .after(serde_json::json!({ "week": super::week_text(week), "revision": revision })),
    )
    .await?;
    tx.commit().await?;

    let carers = panel(&state.db, id, &assignments, &[]).await?;
    let input = engine_input(&state.db, id, week, &panel_ids(&carers), &assignments).await?;
    Ok(SavedDraft {
        revision,
        report: check_week(input, &slots)?,
    })
}

/// A save or publish from a page that has not seen the latest draft: refused, never
/// merged.
fn stale_revision() -> AppError {
    AppError::Conflict(
        "Someone else changed this week's rota while you were editing. Reload to see their changes.".into(),
    )
}

/// Whether `reason` accepts `violation`.
fn accepts(reason: &Override, violation: &Violation) -> bool {
    reason.rule == violation.rule
        && reason.carer_id == violation.carer_id
        && reason.shift_ids == violation.shift_ids
        && !reason.reason.trim().is_empty()
        && caretrack::conduct::long_text(&reason.reason, "reason").is_ok()
}

pub async fn publish(
    state: &AppState,
    actor: &Actor,
    package: CarePackageId,
    week: Date,
    revision: i64,
    overrides: Vec<Override>,
) -> Result<Published, AppError> {
    let id = package.into_uuid();
    let name = package_name(&state.db, id).await?;
    let slots = ensure_slots(state, actor, id, week).await?;
    // The carers concerned are locked first (as the shift sender does), so no other
    // placement of them can slip in between this check and the commit.
    let mut concerned: Vec<Uuid> = published(&state.db, &slots)
        .await?
        .into_iter()
        .flat_map(|a| a.carer_ids)
        .map(|c| c.into_uuid())
        .collect();
    let mut conn = state.db.acquire().await?;
    if let Some((_, saved)) = draft(&mut conn, id, week, false).await? {
        concerned.extend(
            saved
                .into_iter()
                .flat_map(|a| a.carer_ids)
                .map(|c| c.into_uuid()),
        );
    }
    drop(conn);
    let mut tx = state.db.begin().await?;
    super::sender_ssr::lock_carers(&mut tx, &concerned).await?;
    let Some((current, assignments)) = draft(&mut tx, id, week, true).await? else {
        return Err(AppError::validation(
            "revision",
            "Nothing has changed since the rota was last published.",
        ));
    };
    if current != revision {
        return Err(stale_revision());
    }
    let carers = panel(&state.db, id, &assignments, &[]).await?;
    let input = engine_input(&state.db, id, week, &panel_ids(&carers), &assignments).await?;
    let report = check_week(input, &slots)?;
    if let Some(blocking) = report.violations.iter().find(|v| v.blocks_publishing()) {
        return Err(AppError::validation(
            "rota",
            format!(
                "This rota cannot be published while it breaks a rule: {}",
                blocking.message
            ),
        ));
    }
    let mut accepted = Vec::new();
    for violation in report.violations.iter().filter(|v| v.overridable) {
        let Some(reason) = overrides.iter().find(|o| accepts(o, violation)) else {
            return Err(AppError::validation(
                "overrides",
                format!("Give a reason to accept: {}", violation.message),
            ));
        };
        accepted.push((violation, reason.reason.trim().to_owned()));
    }

    let before = published(&state.db, &slots).await?;
    let (mut added, mut removed) = (0u32, 0u32);
    let mut affected: BTreeSet<Uuid> = BTreeSet::new();
    for (now, was) in assignments.iter().zip(&before) {
        let shift = now.shift_id.into_uuid();
        for carer in was.carer_ids.iter().filter(|c| !now.carer_ids.contains(c)) {
            sqlx::query!(
                "delete from rota_entries where shift_id = $1 and carer_id = $2",
                shift,
                carer.into_uuid()
            )
            .execute(&mut *tx)
            .await?;
            removed += 1;
            affected.insert(carer.into_uuid());
        }
        for carer in now.carer_ids.iter().filter(|c| !was.carer_ids.contains(c)) {
            sqlx::query!(
                "insert into rota_entries (shift_id, carer_id, published_by) values ($1, $2, $3)",
                shift,
                carer.into_uuid(),
                actor.user_id
            )
            .execute(&mut *tx)
            .await?;
            added += 1;
            affected.insert(carer.into_uuid());
        }
        // A shift out to carers stays out until it has its carers; then those still
        // waiting are told.
        let filled_from_open = sqlx::query_scalar!(
            r#"with before as (select status from shifts where id = $1)
               update shifts set status = case when status = 'OPEN' and $4 < headcount then 'OPEN'::shift_status
                                               when $2 then 'FILLED'::shift_status else 'DRAFT'::shift_status end,
                                 published_at = now(), published_by = $3
                where id = $1
            returning (select status from before) = 'OPEN' and status = 'FILLED' as "filled!""#,
            shift,
            !now.carer_ids.is_empty(),
            actor.user_id,
            i32::try_from(now.carer_ids.len()).unwrap_or(i32::MAX)
        )
        .fetch_one(&mut *tx)
        .await?;
        if filled_from_open {
            let row = shift_row(&state.db, shift).await?;
            super::sender_ssr::reject_waiting(state, &mut tx, actor, &row).await?;
        }
    }
    for (violation, reason) in &accepted {
        let shift_ids: Vec<Uuid> = violation.shift_ids.iter().map(|s| s.into_uuid()).collect();
        sqlx::query!(
            "insert into rota_rule_overrides (rota_entry_id, rule_id, reason, details, overridden_by)
             select e.id, $3, $4, $5, $6 from rota_entries e
              where e.shift_id = any($1) and ($2::uuid is null or e.carer_id = $2)
             on conflict (rota_entry_id, rule_id)
             do update set reason = excluded.reason, details = excluded.details,
                           overridden_by = excluded.overridden_by, overridden_at = now()",
            &shift_ids,
            violation.carer_id.map(|c| c.into_uuid()),
            violation.rule.as_str(),
            reason,
            serde_json::json!({ "message": violation.message, "details": violation.details }),
            actor.user_id
        )
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            Entry::new("rota.override")
                .entity("care_package", id)
                .after(serde_json::json!({
                    "rule": violation.rule,
                    "carer_id": violation.carer_id,
                    "shift_ids": violation.shift_ids,
                    "message": violation.message,
                    "reason": reason,
                })),
        )
        .await?;
    }
    let summary = serde_json::json!({
        "added": added, "removed": removed, "overrides": accepted.len(), "revision": revision,
    });
    sqlx::query!(
        "insert into rota_publications (package_id, week_start, published_by, summary) values ($1, $2, $3, $4)",
        id,
        week,
        actor.user_id,
        summary
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "delete from rota_drafts where package_id = $1 and week_start = $2",
        id,
        week
    )
    .execute(&mut *tx)
    .await?;
    let week_of = london::format_date(week);
    let affected: Vec<Uuid> = affected.into_iter().collect();
    let people = sqlx::query!(
        r#"select id, email, person_name(id) as "name!" from users where id = any($1)"#,
        &affected
    )
    .fetch_all(&mut *tx)
    .await?;
    for person in &people {
        let notice = Notice::new(
            NotificationKind::RotaPublished,
            format!("Your rota at {name} for the week of {week_of} has changed."),
        )
        .link("/carer/rota")
        .data(serde_json::json!({ "package_id": id.to_string() }));
        if !notify(&mut tx, person.id, &notice)
            .await?
            .wants(Channel::Email)
        {
            continue;
        }
        if let Ok(to) = EmailAddress::parse(&person.email) {
            let email = Email::RotaPublished(RotaPublished {
                carer_name: person.name.clone(),
                package_name: name.clone(),
                week_of: week_of.clone(),
                rota_url: format!("{}/carer/rota", state.settings.public_url),
            });
            enqueue_email(&mut tx, &to, &email).await?;
        }
    }
    audit::record(
        &mut tx,
        actor,
        Entry::new("rota.publish")
            .entity("care_package", id)
            .after(serde_json::json!({ "week": super::week_text(week), "summary": summary })),
    )
    .await?;
    tx.commit().await?;
    let event = Event::RotaPublished {
        package_id: id.into(),
        week: super::week_text(week),
    };
    bus::emit_to(
        [Room::Package(id.into()), Room::Role(Role::Admin)]
            .into_iter()
            .chain(people.iter().map(|p| Room::User(p.id.into()))),
        &event,
    );
    Ok(Published {
        added,
        removed,
        carers_notified: people.len() as u32,
    })
}

/// A carer's confirmed shifts that end after `from` and start before `to` (at most 500).
pub async fn my_rota(
    db: &PgPool,
    carer: Uuid,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<Vec<MyShift>, AppError> {
    let rows = sqlx::query!(
        r#"select s.id, p.name as package, s.starts_at, s.ends_at, s.shift_type::text as "kind!",
                  coalesce(array_agg(person_name(o.carer_id) order by person_name(o.carer_id)) filter (where o.carer_id is not null), '{}') as "colleagues!"
             from rota_entries e
             join shifts s on s.id = e.shift_id and s.deleted_at is null and s.status <> 'CANCELLED'
             join care_packages p on p.id = s.package_id
             left join rota_entries o on o.shift_id = s.id and o.carer_id <> e.carer_id
            where e.carer_id = $1 and s.ends_at > $2 and s.starts_at < $3
            group by s.id, p.name
            order by s.starts_at
            limit 500"#,
        carer,
        from,
        to
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let day = london::business_day(r.starts_at);
            MyShift {
                shift_id: ShiftId::from_uuid(r.id),
                package: r.package,
                date: super::week_text(day),
                day_label: london::format_date(day),
                times: format!("{}–{}", hhmm(r.starts_at), hhmm(r.ends_at)),
                kind: r.kind.parse().unwrap_or(ShiftKind::Day),
                colleagues: r.colleagues,
            }
        })
        .collect())
}

/// Weeks shown on the carer's calendar (the list runs on to eight).
const CALENDAR_WEEKS: i64 = 4;

/// The carer's page: eight weeks from now as a list, four from this Monday as a calendar.
pub async fn my_rota_page(state: &AppState, carer: Uuid) -> Result<PersonalRota, AppError> {
    let now = OffsetDateTime::now_utc();
    let today = london::business_day(now);
    let monday = super::week_of(now);
    let shifts = my_rota(
        &state.db,
        carer,
        now,
        london::start_of_day(monday + Duration::weeks(8)),
    )
    .await?;
    let weeks = (0..CALENDAR_WEEKS)
        .map(|w| {
            let first = monday + Duration::weeks(w);
            CalendarWeek {
                label: format!("Week of {}", london::format_date(first)),
                days: (0..7)
                    .map(|d| {
                        let day = first + Duration::days(d);
                        let date = super::week_text(day);
                        CalendarDay {
                            label: day
                                .format(time::macros::format_description!(
                                    "[weekday repr:short] [day padding:none]"
                                ))
                                .unwrap_or_default(),
                            today: day == today,
                            shifts: shifts
                                .iter()
                                .enumerate()
                                .filter(|(_, s)| s.date == date)
                                .map(|(i, _)| i)
                                .collect(),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let calendar_link_since = sqlx::query_scalar!(
        "select created_at from calendar_feeds where user_id = $1",
        carer
    )
    .fetch_optional(&state.db)
    .await?
    .map(london::format_datetime);
    Ok(PersonalRota {
        shifts,
        weeks,
        calendar_link_since,
    })
}

pub async fn new_calendar_link(state: &AppState, actor: &Actor) -> Result<String, AppError> {
    let user = actor.user_id.ok_or(AppError::Unauthenticated)?;
    let (token, hash) = crate::auth::tokens::new_opaque_token();
    let mut tx = state.db.begin().await?;
    sqlx::query!(
        "insert into calendar_feeds (user_id, token_hash) values ($1, $2)
         on conflict (user_id) do update set token_hash = excluded.token_hash, created_at = now(), last_read_at = null",
        user,
        &hash[..]
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        Entry::new("calendar_link.create").entity("user", user),
    )
    .await?;
    tx.commit().await?;
    Ok(format!(
        "{}/api/v1/calendar/{token}.ics",
        state.settings.public_url
    ))
}

pub async fn turn_off_calendar_link(state: &AppState, actor: &Actor) -> Result<(), AppError> {
    let user = actor.user_id.ok_or(AppError::Unauthenticated)?;
    let mut tx = state.db.begin().await?;
    let gone = sqlx::query!("delete from calendar_feeds where user_id = $1", user)
        .execute(&mut *tx)
        .await?;
    if gone.rows_affected() == 0 {
        return Err(AppError::NotFound("Your calendar link".into()));
    }
    audit::record(
        &mut tx,
        actor,
        Entry::new("calendar_link.revoke").entity("user", user),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The iCalendar feed behind a secret link: four weeks back to six months ahead.
/// `None` for a token that is not (or no longer) a link.
pub async fn calendar_feed(state: &AppState, token: &str) -> Result<Option<String>, AppError> {
    let hash = crate::auth::tokens::hash_token(token);
    let Some(user) = sqlx::query_scalar!(
        "update calendar_feeds f set last_read_at = now()
           from users u
          where f.token_hash = $1 and u.id = f.user_id and u.is_active and u.deleted_at is null
          returning f.user_id",
        &hash[..]
    )
    .fetch_optional(&state.db)
    .await?
    else {
        return Ok(None);
    };
    let now = OffsetDateTime::now_utc();
    let rows = sqlx::query!(
        r#"select s.id, s.starts_at, s.ends_at, s.shift_type::text as "kind!", p.name as package,
                  p.postcode_district,
                  coalesce(array_agg(person_name(o.carer_id) order by person_name(o.carer_id)) filter (where o.carer_id is not null), '{}') as "colleagues!"
             from rota_entries e
             join shifts s on s.id = e.shift_id and s.deleted_at is null and s.status <> 'CANCELLED'
             join care_packages p on p.id = s.package_id
             left join rota_entries o on o.shift_id = s.id and o.carer_id <> e.carer_id
            where e.carer_id = $1 and s.ends_at > $2 and s.starts_at < $3
            group by s.id, p.name, p.postcode_district
            order by s.starts_at
            limit 1000"#,
        user,
        now - Duration::weeks(4),
        now + Duration::weeks(26)
    )
    .fetch_all(&state.db)
    .await?;
    let name = sqlx::query_scalar!(r#"select person_name($1) as "n!""#, user)
        .fetch_one(&state.db)
        .await?;
    let events: Vec<caretrack::ical::Event> = rows
        .into_iter()
        .map(|r| {
            let kind = r.kind.parse().unwrap_or(ShiftKind::Day);
            caretrack::ical::Event {
                uid: format!("{}-{user}@caretrack", r.id),
                start: r.starts_at,
                end: r.ends_at,
                summary: format!("{} shift at {}", kind.label(), r.package),
                location: format!("{}, {}", r.package, r.postcode_district),
                description: if r.colleagues.is_empty() {
                    String::new()
                } else {
                    format!("With {}", r.colleagues.join(", "))
                },
            }
        })
        .collect();
    Ok(Some(caretrack::ical::calendar(
        &format!("{name} — CareTrack rota"),
        &events,
        now,
    )))
}

/// One shift of a package, as the sender and "who can cover?" need it.
pub(super) struct ShiftRow {
    pub id: Uuid,
    pub package: Uuid,
    pub package_name: String,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub kind: ShiftKind,
}

impl ShiftRow {
    /// "Wed 25 Nov, day 08:00–20:00".
    pub fn when(&self) -> String {
        shift_when(self.starts_at, self.ends_at, self.kind)
    }
}

pub(super) fn shift_when(
    starts_at: OffsetDateTime,
    ends_at: OffsetDateTime,
    kind: ShiftKind,
) -> String {
    format!(
        "{}, {} {}–{}",
        london::business_day(starts_at)
            .format(time::macros::format_description!(
                "[weekday repr:short] [day padding:none] [month repr:short]"
            ))
            .unwrap_or_default(),
        kind.label().to_lowercase(),
        hhmm(starts_at),
        hhmm(ends_at)
    )
}

pub(super) async fn shift_row(db: &PgPool, shift: Uuid) -> Result<ShiftRow, AppError> {
    let row = sqlx::query!(
        r#"select s.id, s.package_id, p.name, s.starts_at, s.ends_at, s.shift_type::text as "kind!"
             from shifts s join care_packages p on p.id = s.package_id and p.deleted_at is null
            where s.id = $1 and s.deleted_at is null and s.status <> 'CANCELLED'"#,
        shift
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| AppError::NotFound("That shift".into()))?;
    Ok(ShiftRow {
        id: row.id,
        package: row.package_id,
        package_name: row.name,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        kind: row.kind.parse().unwrap_or(ShiftKind::Day),
    })
}

/// Every carer in the panel for `shift`'s week (the team, whoever is on the week, and
/// `also`) tried on the shift, best first. `draft`: the week as the editor has it;
/// otherwise as carers were told (the shift sender adds to the published rota).
pub(super) async fn candidates(
    state: &AppState,
    actor: &Actor,
    shift: &ShiftRow,
    draft_too: bool,
    also: &[Uuid],
) -> Result<Vec<(PanelCarer, Candidate)>, AppError> {
    let week = super::week_of(shift.starts_at);
    let slots = ensure_slots(state, actor, shift.package, week).await?;
    let mut assignments = published(&state.db, &slots).await?;
    if draft_too {
        let mut conn = state.db.acquire().await?;
        if let Some((_, saved)) = draft(&mut conn, shift.package, week, false).await? {
            assignments = saved;
        }
    }
    let id = ShiftId::from_uuid(shift.id);
    if !assignments.iter().any(|a| a.shift_id == id) {
        // A shift off the grid (other times): as published.
        let on = sqlx::query_scalar!(
            "select carer_id from rota_entries where shift_id = $1",
            shift.id
        )
        .fetch_all(&state.db)
        .await?;
        assignments.push(SlotAssignment {
            shift_id: id,
            carer_ids: on.into_iter().map(UserId::from_uuid).collect(),
        });
    }
    let carers = panel(&state.db, shift.package, &assignments, also).await?;
    let input = engine_input(
        &state.db,
        shift.package,
        week,
        &panel_ids(&carers),
        &assignments,
    )
    .await?;
    let rota = Rota::new(input).map_err(|error| {
        tracing::error!(%error, "the stored rota is not valid engine input");
        AppError::Internal
    })?;
    let ranked = Checker::new(rota).cover(id).map_err(|error| {
        tracing::error!(%error, "the shift is missing from its own rota");
        AppError::Internal
    })?;
    Ok(ranked
        .into_iter()
        .filter_map(|candidate| {
            let carer = carers.iter().find(|c| c.id == candidate.carer_id)?.clone();
            Some((carer, candidate))
        })
        .collect())
}

/// "Who can cover?" one of a package's shifts, with the week as the editor has it.
pub async fn cover(
    state: &AppState,
    actor: &Actor,
    package: CarePackageId,
    shift: ShiftId,
) -> Result<Cover, AppError> {
    let row = shift_row(&state.db, shift.into_uuid()).await?;
    if row.package != package.into_uuid() {
        return Err(AppError::NotFound("That shift".into()));
    }
    let candidates = candidates(state, actor, &row, true, &[])
        .await?
        .into_iter()
        .map(|(carer, candidate)| CoverCandidate {
            name: carer.name,
            candidate,
        })
        .collect();
    Ok(Cover {
        shift_id: shift,
        package: row.package_name.clone(),
        when: row.when(),
        candidates,
    })
}
