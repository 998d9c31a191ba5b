//! Ending sessions: one (sign out, a device from the list, one's own by id) or all of a
//! person's, audited.

use crate::auth::CurrentUser;
use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    state::AppState,
};
use sqlx::{PgConnection, types::Uuid};

use {crate::auth::sessions::cache::forget, crate::auth::sessions::devices::list_live};

#[tracing::instrument(skip_all)]
pub(super) async fn revoke_on(
    conn: &mut PgConnection,
    session_id: Uuid,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "update sessions set revoked_at = now(), revoked_reason = $2 where id = $1 and revoked_at is null",
        session_id,
        reason
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Signs out one of `user`'s own sessions (this one, or another device): someone else's
/// session, or one already ended, is not found. Both doors, the account page and
/// `DELETE /api/v1/me/sessions/{id}`, come here.
#[tracing::instrument(skip_all)]
pub async fn sign_out_own(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    actor: &Actor,
) -> Result<(), AppError> {
    // Live: neither revoked nor expired, as the device list shows them.
    let owned = list_live(state, user.user_id, None)
        .await?
        .iter()
        .any(|session| session.id == id);
    if !owned {
        return Err(AppError::NotFound("The session".into()));
    }
    let reason = if id == user.session_id {
        "SIGNED_OUT"
    } else {
        "REVOKED_BY_USER"
    };
    revoke(state, id, reason, actor).await.map(|_| ())
}

/// Ends one session (sign out, or revoked from a device list) and audits it.
#[tracing::instrument(skip_all)]
pub async fn revoke(
    state: &AppState,
    session_id: Uuid,
    reason: &'static str,
    actor: &Actor,
) -> Result<bool, AppError> {
    let mut tx = state.db.begin().await?;
    let revoked = revoke_on(&mut tx, session_id, reason).await?;
    if revoked {
        let action = if reason == "SIGNED_OUT" {
            "auth.logout"
        } else {
            "auth.session_revoked"
        };
        audit::record(
            &mut tx,
            actor,
            Entry::new(action)
                .entity("session", session_id)
                .after(serde_json::json!({ "reason": reason })),
        )
        .await?;
    }
    tx.commit().await?;
    forget(state, session_id).await;
    Ok(revoked)
}

/// Ends every session of a user but `except` (password reset or change, deactivation,
/// role change, signing out everywhere), on the caller's transaction; returns the ids to
/// drop from Redis after commit. The person's calendar link ends with them: it is a
/// credential too, and whoever made them sign out everywhere may have it.
#[tracing::instrument(skip_all)]
pub async fn revoke_all_on(
    conn: &mut PgConnection,
    user_id: Uuid,
    except: Option<Uuid>,
    reason: &str,
) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query!("delete from calendar_feeds where user_id = $1", user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query_scalar!(
        "update sessions set revoked_at = now(), revoked_reason = $2
          where user_id = $1 and revoked_at is null and ($3::uuid is null or id <> $3) returning id",
        user_id,
        reason,
        except
    )
    .fetch_all(conn)
    .await
}
