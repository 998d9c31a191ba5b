//! The daily sweep: what is due is purged, and managers are told a week ahead.

use crate::mail::{Email, RetentionWarning, enqueue_email};
use crate::recycle_bin::api::BinKind;
use crate::{audit::Actor, error::AppError, state::AppState};
use caretrack::{EmailAddress, london};
use sqlx::types::Uuid;
use time::OffsetDateTime;

use crate::recycle_bin::ssr::purge::{purge_in, record};

/// The daily sweep: what `recycle_bin_due` says has waited long enough goes, once the
/// managers have had `WARN_DAYS` days' notice (`warn_of_purges`), each record in its own
/// transaction so one that cannot go (something still refers to it) does not hold back
/// the rest. Returns how many went.
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
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
