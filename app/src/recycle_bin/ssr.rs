//! Listing, restoring and purging deleted care packages, tasks and people. Records stay
//! in the bin for `organisation_settings.recycle_bin_days` (30 by default) before the
//! daily sweep purges them (the view `recycle_bin_due` says what and when), and the
//! managers are emailed a week before. Purging a package keeps carers' practice history
//! (the completions lose their package); purging a task removes everyone's progress on
//! it, so the sweep leaves tasks with practice or ratings recorded for a manager to
//! decide, as it leaves carers. Purging a person erases them (`erase`).

use super::api::{BinCounts, BinItem, BinKind, BinPage, PAGE_SIZE};
use crate::mail::{Email, RetentionWarning, enqueue_email};
use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    state::AppState,
};
use caretrack::{EmailAddress, Role, london};
use sqlx::{PgConnection, types::Uuid};
use time::OffsetDateTime;

fn ids(raw: &[String]) -> Result<Vec<Uuid>, AppError> {
    raw.iter()
        .map(|id| {
            id.parse()
                .map_err(|_| AppError::NotFound("That record".into()))
        })
        .collect()
}

fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

pub async fn counts(state: &AppState) -> Result<BinCounts, AppError> {
    let rows = sqlx::query!(
        r#"select kind as "kind!", count(*) as "n!" from recycle_bin_items group by kind"#
    )
    .fetch_all(&state.db)
    .await?;
    let keep_days = sqlx::query_scalar!("select recycle_bin_days from organisation_settings")
        .fetch_one(&state.db)
        .await?;
    let count = |kind: BinKind| {
        rows.iter()
            .find(|row| row.kind == kind.as_str())
            .map_or(0, |row| row.n)
    };
    Ok(BinCounts {
        care_packages: count(BinKind::CarePackage),
        tasks: count(BinKind::Task),
        assessment_templates: count(BinKind::AssessmentTemplate),
        carers: count(BinKind::Carer),
        office_staff: count(BinKind::OfficeStaff),
        keep_days,
    })
}

/// When the sweep purges a record, or why it leaves it to a manager.
fn purge_on(kind: BinKind, purge_at: Option<time::OffsetDateTime>) -> String {
    match (purge_at, kind) {
        (Some(at), _) => london::format_date(london::business_day(at)),
        (None, BinKind::Task) => "When you decide (practice recorded)".into(),
        (None, BinKind::AssessmentTemplate) => "When you decide (assessments used it)".into(),
        (None, _) => "When you decide".into(),
    }
}

/// One deleted record as the list queries read it: `first` and `second` are the two
/// counts its kind's impact speaks of, `role` is a person's.
struct BinRow {
    id: Uuid,
    name: String,
    deleted_at: OffsetDateTime,
    purge_at: Option<OffsetDateTime>,
    deleted_by: String,
    first: i64,
    second: i64,
    role: Option<String>,
    total: i64,
}

/// What a restore brings back (and a purge removes), in words.
fn impact(kind: BinKind, row: &BinRow) -> Result<String, AppError> {
    Ok(match kind {
        BinKind::CarePackage => format!(
            "{} and {} come back with it",
            plural(row.first, "task", "tasks"),
            plural(row.second, "carer's placement", "carers' placements")
        ),
        BinKind::Task => format!(
            "Returns to {}; {} progress on it (a purge deletes that practice record)",
            plural(row.first, "package", "packages"),
            plural(row.second, "carer has", "carers have")
        ),
        BinKind::AssessmentTemplate => format!(
            "Covers its {} again, unless another template has taken one; {} used it",
            plural(row.first, "task", "tasks"),
            plural(row.second, "assessment", "assessments")
        ),
        BinKind::Carer => format!(
            "{} and their progress on {} come back; a purge erases their name and contact details and keeps the practice record anonymously",
            plural(row.first, "placement", "placements"),
            plural(row.second, "task", "tasks")
        ),
        BinKind::OfficeStaff => {
            let role: Role = row
                .role
                .as_deref()
                .and_then(|r| r.parse().ok())
                .ok_or(AppError::Internal)?;
            format!(
                "Comes back as {} and signs in again; a purge erases their name and contact details",
                role.label().to_lowercase()
            )
        }
    })
}

pub async fn list(state: &AppState, kind: BinKind, page: i64) -> Result<BinPage, AppError> {
    let page = page.max(1);
    let offset = (page - 1) * PAGE_SIZE;
    // Each query: the record, who deleted it, when the sweep purges it, two counts.
    let rows = match kind {
        BinKind::CarePackage => sqlx::query_as!(
            BinRow,
            r#"select p.id, p.name, p.deleted_at as "deleted_at!", d.purge_at as "purge_at?",
                      coalesce(pr.first_name || ' ' || pr.last_name, u.email, 'CareTrack') as "deleted_by!",
                      (select count(*) from package_tasks where package_id = p.id) as "first!",
                      (select count(*) from carer_packages where package_id = p.id) as "second!",
                      null::text as "role?",
                      count(*) over () as "total!"
                 from care_packages p
                 left join recycle_bin_due d on d.kind = 'CarePackage' and d.id = p.id
                 left join users u on u.id = p.deleted_by
                 left join user_profiles pr on pr.user_id = p.deleted_by
                where p.deleted_at is not null
                order by p.deleted_at desc, p.id
                limit $1 offset $2"#,
            PAGE_SIZE,
            offset
        )
        .fetch_all(&state.db)
        .await?,
        BinKind::Task => sqlx::query_as!(
            BinRow,
            r#"select t.id, t.name, t.deleted_at as "deleted_at!", d.purge_at as "purge_at?",
                      coalesce(pr.first_name || ' ' || pr.last_name, u.email, 'CareTrack') as "deleted_by!",
                      (select count(*) from package_tasks where task_id = t.id) as "first!",
                      (select count(*) from task_progress where task_id = t.id and completed_count > 0) as "second!",
                      null::text as "role?",
                      count(*) over () as "total!"
                 from tasks t
                 left join recycle_bin_due d on d.kind = 'Task' and d.id = t.id
                 left join users u on u.id = t.deleted_by
                 left join user_profiles pr on pr.user_id = t.deleted_by
                where t.deleted_at is not null
                order by t.deleted_at desc, t.id
                limit $1 offset $2"#,
            PAGE_SIZE,
            offset
        )
        .fetch_all(&state.db)
        .await?,
        BinKind::AssessmentTemplate => sqlx::query_as!(
            BinRow,
            r#"select t.id, v.title as name, t.deleted_at as "deleted_at!", d.purge_at as "purge_at?",
                      coalesce(pr.first_name || ' ' || pr.last_name, u.email, 'CareTrack') as "deleted_by!",
                      cardinality(v.covered_task_ids)::bigint as "first!",
                      (select count(*) from assessments a where a.template_id = t.id) as "second!",
                      null::text as "role?",
                      count(*) over () as "total!"
                 from assessment_templates t
                 join assessment_template_versions v
                   on v.template_id = t.id and v.version = t.current_version
                 left join recycle_bin_due d on d.kind = 'AssessmentTemplate' and d.id = t.id
                 left join users u on u.id = t.deleted_by
                 left join user_profiles pr on pr.user_id = t.deleted_by
                where t.deleted_at is not null
                order by t.deleted_at desc, t.id
                limit $1 offset $2"#,
            PAGE_SIZE,
            offset
        )
        .fetch_all(&state.db)
        .await?,
        BinKind::Carer | BinKind::OfficeStaff => sqlx::query_as!(
            BinRow,
            r#"select x.id, coalesce(p.first_name || ' ' || p.last_name, x.email) as "name!",
                      x.deleted_at as "deleted_at!", d.purge_at as "purge_at?",
                      coalesce(pr.first_name || ' ' || pr.last_name, u.email, 'CareTrack') as "deleted_by!",
                      (select count(*) from carer_packages where carer_id = x.id) as "first!",
                      (select count(*) from task_progress where carer_id = x.id and completed_count > 0) as "second!",
                      x.role::text as "role?",
                      count(*) over () as "total!"
                 from users x
                 left join user_profiles p on p.user_id = x.id
                 left join recycle_bin_due d on d.kind = $3 and d.id = x.id
                 left join users u on u.id = x.deleted_by
                 left join user_profiles pr on pr.user_id = x.deleted_by
                where x.deleted_at is not null and x.anonymised_at is null
                  and (x.role = 'CARER') = $4
                order by x.deleted_at desc, x.id
                limit $1 offset $2"#,
            PAGE_SIZE,
            offset,
            kind.as_str(),
            kind == BinKind::Carer,
        )
        .fetch_all(&state.db)
        .await?,
    };
    let total = rows.first().map_or(0, |r| r.total);
    let items = rows
        .iter()
        .map(|r| {
            Ok(BinItem {
                id: r.id.to_string(),
                name: r.name.clone(),
                deleted: london::format_datetime(r.deleted_at),
                deleted_by: r.deleted_by.clone(),
                purge_on: purge_on(kind, r.purge_at),
                impact: impact(kind, r)?,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(BinPage {
        kind,
        items,
        total,
        page,
        page_size: PAGE_SIZE,
    })
}

/// Brings records back as they were (their assignments were kept). A task whose name a
/// live task has taken meanwhile cannot come back until one of them is renamed. People
/// come back as they were (active or not) and sign in again.
pub async fn restore(
    state: &AppState,
    actor: &Actor,
    kind: BinKind,
    raw: &[String],
) -> Result<usize, AppError> {
    let ids = ids(raw)?;
    let mut tx = state.db.begin().await?;
    let restored: Vec<Uuid> = match kind {
        BinKind::CarePackage => {
            sqlx::query_scalar!(
            "update care_packages set deleted_at = null, deleted_by = null, purge_warned_at = null
              where id = any($1) and deleted_at is not null returning id",
            &ids
        )
            .fetch_all(&mut *tx)
            .await?
        }
        BinKind::Task => sqlx::query_scalar!(
            "update tasks set deleted_at = null, deleted_by = null, purge_warned_at = null
              where id = any($1) and deleted_at is not null returning id",
            &ids
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(|err| match &err {
            sqlx::Error::Database(db) if db.constraint() == Some("tasks_live_name_key") => {
                AppError::Conflict(
                    "A task with the same name exists now. Rename one of them first.".into(),
                )
            }
            _ => err.into(),
        })?,
        BinKind::AssessmentTemplate => restore_templates(&mut tx, &ids).await?,
        BinKind::Carer | BinKind::OfficeStaff => {
            sqlx::query_scalar!(
                "update users set deleted_at = null, deleted_by = null, purge_warned_at = null
              where id = any($1) and deleted_at is not null and anonymised_at is null
                and (role = 'CARER') = $2
              returning id",
                &ids,
                kind == BinKind::Carer
            )
            .fetch_all(&mut *tx)
            .await?
        }
    };
    record(&mut tx, actor, "recycle_bin.restore", kind, &restored).await?;
    tx.commit().await?;
    Ok(restored.len())
}

/// Deletes records for good; people are erased. Only records already in the bin can be
/// purged.
pub async fn purge(
    state: &AppState,
    actor: &Actor,
    kind: BinKind,
    raw: &[String],
) -> Result<usize, AppError> {
    let ids = ids(raw)?;
    let mut tx = state.db.begin().await?;
    let purged = purge_in(&mut tx, kind, &ids).await?;
    record(&mut tx, actor, "recycle_bin.purge", kind, &purged).await?;
    tx.commit().await?;
    Ok(purged.len())
}

async fn purge_in(
    conn: &mut PgConnection,
    kind: BinKind,
    ids: &[Uuid],
) -> Result<Vec<Uuid>, AppError> {
    Ok(match kind {
        BinKind::CarePackage => sqlx::query_scalar!(
            "delete from care_packages where id = any($1) and deleted_at is not null returning id",
            ids
        )
        .fetch_all(&mut *conn)
        .await?,
        BinKind::Task => {
            sqlx::query_scalar!(
                "delete from tasks where id = any($1) and deleted_at is not null returning id",
                ids
            )
            .fetch_all(&mut *conn)
            .await?
        }
        BinKind::AssessmentTemplate => sqlx::query_scalar!(
            "delete from assessment_templates where id = any($1) and deleted_at is not null
                and not exists (select 1 from assessments a where a.template_id = assessment_templates.id)
             returning id",
            ids
        )
        .fetch_all(&mut *conn)
        .await?,
        BinKind::Carer | BinKind::OfficeStaff => erase(conn, kind == BinKind::Carer, ids).await?,
    })
}

/// Templates come back covering the tasks their current version lists, unless another
/// template covers one of them now: then nothing is restored and the task is named.
async fn restore_templates(conn: &mut PgConnection, ids: &[Uuid]) -> Result<Vec<Uuid>, AppError> {
    if let Some(taken) = sqlx::query!(
        r#"select k.name as task, v.title
             from assessment_templates t
             join assessment_template_versions v
               on v.template_id = t.id and v.version = t.current_version
             join assessment_template_tasks tt on tt.task_id = any(v.covered_task_ids)
             join tasks k on k.id = tt.task_id
            where t.id = any($1) and t.deleted_at is not null
            limit 1"#,
        ids
    )
    .fetch_optional(&mut *conn)
    .await?
    {
        return Err(AppError::Conflict(format!(
            "{} is covered by another template now, so \"{}\" cannot come back as it was. Take the task out of the other template first.",
            taken.task, taken.title
        )));
    }
    let restored = sqlx::query_scalar!(
        "update assessment_templates set deleted_at = null, deleted_by = null, purge_warned_at = null
          where id = any($1) and deleted_at is not null returning id",
        ids
    )
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into assessment_template_tasks (template_id, task_id)
         select t.id, unnest(v.covered_task_ids)
           from assessment_templates t
           join assessment_template_versions v
             on v.template_id = t.id and v.version = t.current_version
          where t.id = any($1)
         on conflict (template_id, task_id) do nothing",
        &restored
    )
    .execute(&mut *conn)
    .await
    .map_err(crate::assessments::templates::ssr::task_taken)?;
    Ok(restored)
}

/// The right-to-erasure purge: the people's personal data goes (name, email, phone,
/// date of birth, password, 2FA, sessions, notifications, the emails sent to them, the
/// invitation that brought them) and an anonymous stub stays, so their practice,
/// ratings and shifts still add up and the audit chain (which names people by id only)
/// stays whole.
async fn erase(conn: &mut PgConnection, carers: bool, ids: &[Uuid]) -> Result<Vec<Uuid>, AppError> {
    let erased = sqlx::query!(
        r#"with old as (
               select id, email from users
                where id = any($1) and deleted_at is not null and anonymised_at is null
                  and (role = 'CARER') = $2
                for update
           ),
           stub as (
               update users u
                  set email = 'erased-' || u.id || '@erased.invalid', password_hash = '!',
                      is_active = false, email_verified_at = null, last_login_at = null,
                      failed_login_attempts = 0, locked_until = null, totp_secret_enc = null,
                      totp_secret_key_id = null, totp_enabled_at = null,
                      access_expires_at = null, anonymised_at = now()
                 from old where u.id = old.id
               returning u.id, u.email
           )
           select old.id as "id!", old.email as "old_email!", stub.email as "new_email!"
             from old join stub on stub.id = old.id"#,
        ids,
        carers
    )
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<Uuid> = erased.iter().map(|r| r.id).collect();
    let old_emails: Vec<String> = erased.iter().map(|r| r.old_email.clone()).collect();
    let new_emails: Vec<String> = erased.iter().map(|r| r.new_email.clone()).collect();
    sqlx::query!(
        "update user_profiles
            set first_name = 'Erased', last_name = 'person', phone = null, date_of_birth = null,
                job_title = null, employment_started_on = null, avatar_file_id = null
          where user_id = any($1)",
        &ids
    )
    .execute(&mut *conn)
    .await?;
    for table in [
        "two_factor_backup_codes",
        "sessions",
        "password_reset_tokens",
        "email_change_tokens",
        "notifications",
        "notification_preferences",
        "push_subscriptions",
    ] {
        sqlx::query(&format!("delete from {table} where user_id = any($1)"))
            .bind(&ids)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query!(
        "update invitations i set email = e.new, first_name = 'Erased', last_name = 'person'
           from unnest($1::text[], $2::text[]) as e(old, new) where i.email = e.old",
        &old_emails,
        &new_emails
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "update email_messages m
            set recipient = e.new, payload = '{}',
                status = case when m.status = 'QUEUED' then 'FAILED' else m.status end,
                last_error = case when m.status = 'QUEUED' then 'The recipient was erased.' else m.last_error end
           from unnest($1::text[], $2::text[]) as e(old, new) where m.recipient = e.old",
        &old_emails,
        &new_emails
    )
    .execute(&mut *conn)
    .await?;
    Ok(ids)
}

/// One audit entry per record. People are named by id only: the audit log outlives
/// their erasure.
async fn record(
    conn: &mut PgConnection,
    actor: &Actor,
    action: &str,
    kind: BinKind,
    records: &[Uuid],
) -> Result<(), AppError> {
    let entity = match kind {
        BinKind::CarePackage => "care_package",
        BinKind::Task => "task",
        BinKind::AssessmentTemplate => "assessment_template",
        BinKind::Carer | BinKind::OfficeStaff => "user",
    };
    for id in records {
        audit::record(
            conn,
            actor,
            Entry::new(action)
                .entity(entity, id)
                .after(serde_json::json!({ "kind": kind.as_str() })),
        )
        .await?;
    }
    Ok(())
}

/// The daily sweep: what `recycle_bin_due` says has waited long enough goes, once the
/// managers have had `WARN_DAYS` days' notice (`warn_of_purges`), each record in its own
/// transaction so one that cannot go (something still refers to it) does not hold back
/// the rest. Returns how many went.
pub async fn purge_expired(state: &AppState) -> Result<usize, AppError> {
    let due = sqlx::query!(
        r#"select kind as "kind!", id as "id!" from recycle_bin_due
            where purge_at < now() and purge_warned_at <= now() - make_interval(days => $1)"#,
        WARN_DAYS
    )
    .fetch_all(&state.db)
    .await?;
    let system = Actor::default();
    let mut purged = 0;
    for row in due {
        let Some(kind) = BinKind::ALL.into_iter().find(|k| k.as_str() == row.kind) else {
            continue;
        };
        let result = async {
            let mut tx = state.db.begin().await?;
            let gone = purge_in(&mut tx, kind, &[row.id]).await?;
            record(&mut tx, &system, "recycle_bin.purge", kind, &gone).await?;
            tx.commit().await?;
            Ok::<usize, AppError>(gone.len())
        }
        .await;
        match result {
            Ok(n) => purged += n,
            Err(err) => {
                tracing::warn!(record = %row.id, error = %err, "could not purge from the recycle bin")
            }
        }
    }
    Ok(purged)
}

/// How far ahead the managers are told of a purge.
pub const WARN_DAYS: i32 = 7;

/// Emails every active care manager once about the records the sweep will purge within
/// `WARN_DAYS` (one email per run, however many records). Returns how many records the
/// email was about.
pub async fn warn_of_purges(state: &AppState) -> Result<usize, AppError> {
    let mut tx = state.db.begin().await?;
    let due = sqlx::query!(
        r#"select kind as "kind!", id as "id!", purge_at as "purge_at!" from recycle_bin_due
            where purge_warned_at is null and purge_at < now() + make_interval(days => $1)
            order by purge_at"#,
        WARN_DAYS
    )
    .fetch_all(&mut *tx)
    .await?;
    let Some(first) = due.first().map(|row| row.purge_at) else {
        return Ok(0);
    };
    let managers = sqlx::query!(
        r#"select u.email, coalesce(p.first_name, 'care manager') as "name!"
             from users u left join user_profiles p on p.user_id = u.id
            where u.role = 'ADMIN' and u.is_active and u.deleted_at is null"#
    )
    .fetch_all(&mut *tx)
    .await?;
    let email = |name: String| {
        Email::RetentionWarning(RetentionWarning {
            admin_name: name,
            item_count: due.len() as u32,
            purge_on: london::format_date(london::business_day(
                first.max(OffsetDateTime::now_utc()),
            )),
            recycle_bin_url: format!("{}/admin/recycle-bin", state.settings.public_url),
        })
    };
    for manager in managers {
        let Ok(to) = EmailAddress::parse(&manager.email) else {
            continue;
        };
        enqueue_email(&mut tx, &to, &email(manager.name)).await?;
    }
    let ids: Vec<Uuid> = due.iter().map(|row| row.id).collect();
    for table in ["care_packages", "tasks", "users", "assessment_templates"] {
        sqlx::query(&format!(
            "update {table} set purge_warned_at = now() where id = any($1)"
        ))
        .bind(&ids)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(due.len())
}
