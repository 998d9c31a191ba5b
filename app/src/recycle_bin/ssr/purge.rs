//! Purging for good (bulk, audited); a person is erased to an anonymous stub.

use crate::recycle_bin::api::BinKind;
use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    state::AppState,
};
use caretrack::london;
use sqlx::{PgConnection, types::Uuid};

use crate::recycle_bin::ssr::list::ids;

/// When the sweep purges a record, or why it leaves it to a manager.
pub(super) fn purge_on(kind: BinKind, purge_at: Option<time::OffsetDateTime>) -> String {
    match (purge_at, kind) {
        (Some(at), _) => london::format_date(london::business_day(at)),
        (None, BinKind::Task) => "When you decide (practice recorded)".into(),
        (None, BinKind::AssessmentTemplate) => "When you decide (assessments used it)".into(),
        (None, _) => "When you decide".into(),
    }
}

/// Deletes records for good; people are erased. Only records already in the bin can be
/// purged.
#[tracing::instrument(skip_all)]
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

#[tracing::instrument(skip_all)]
pub(super) async fn purge_in(
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

/// The right-to-erasure purge: the people's personal data goes (name, email, phone,
/// date of birth, password, 2FA, sessions, notifications, the emails sent to them, the
/// invitation that brought them) and an anonymous stub stays, so their practice,
/// ratings and shifts still add up and the audit chain (which names people by id only)
/// stays whole.
#[tracing::instrument(skip_all)]
pub(super) async fn erase(
    conn: &mut PgConnection,
    carers: bool,
    ids: &[Uuid],
) -> Result<Vec<Uuid>, AppError> {
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
#[tracing::instrument(skip_all)]
pub(super) async fn record(
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
