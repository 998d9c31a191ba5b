//! Refreshing: a refresh token is single use; a reused one ends the session.

use crate::auth::{
    CurrentUser, RequestMeta,
    tokens::{hash_token, new_opaque_token},
};
use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    state::AppState,
};
use caretrack::Role;
use time::OffsetDateTime;

use {
    crate::auth::sessions::cache::forget, crate::auth::sessions::revoke::revoke_on,
    crate::auth::sessions::start::IssuedTokens,
};

pub enum RefreshOutcome {
    Rotated(IssuedTokens, CurrentUser),
    /// A token rotated moments ago by a parallel request from the same client: the
    /// request is served, and the other response carries the new tokens.
    Concurrent(CurrentUser),
    /// An old token presented again: the whole session is revoked.
    Reused,
    Invalid,
}

/// Exchanges a refresh token for new tokens (rotation).
#[tracing::instrument(skip_all)]
pub async fn refresh(
    state: &AppState,
    token: &str,
    meta: &RequestMeta,
) -> Result<RefreshOutcome, AppError> {
    let now = OffsetDateTime::now_utc();
    let mut tx = state.db.begin().await?;
    let Some(found) = sqlx::query!(
        r#"select t.id, t.session_id, t.used_at, t.expires_at, s.user_id, s.revoked_at,
                  s.expires_at as session_expires_at, u.role::text as "role!",
                  (u.is_active and u.deleted_at is null) as "active!"
             from refresh_tokens t
             join sessions s on s.id = t.session_id
             join users u on u.id = s.user_id
            where t.token_hash = $1
              for update of t, s"#,
        &hash_token(token)[..]
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(RefreshOutcome::Invalid);
    };
    let role: Role = found.role.parse().map_err(|_| AppError::Internal)?;
    let user = CurrentUser {
        user_id: found.user_id,
        role,
        session_id: found.session_id,
    };
    if found.revoked_at.is_some()
        || found.session_expires_at <= now
        || found.expires_at <= now
        || !found.active
    {
        return Ok(RefreshOutcome::Invalid);
    }
    if let Some(used_at) = found.used_at {
        if now - used_at <= state.auth.refresh_reuse_grace {
            return Ok(RefreshOutcome::Concurrent(user));
        }
        revoke_on(&mut tx, found.session_id, "REFRESH_REUSE").await?;
        let actor = Actor::new(Some(user.user_id), Some(role), meta);
        audit::commit(
            tx,
            &actor,
            Entry::new("auth.refresh_reuse").entity("session", found.session_id),
        )
        .await?;
        forget(state, found.session_id).await;
        tracing::warn!(session_id = %found.session_id, "refresh token reused: session revoked");
        return Ok(RefreshOutcome::Reused);
    }
    let (new_token, new_hash) = new_opaque_token();
    sqlx::query!(
        "with next as (insert into refresh_tokens (session_id, token_hash, expires_at)
                       values ($1, $2, $3) returning id)
         update refresh_tokens set used_at = now(), replaced_by = (select id from next) where id = $4",
        found.session_id,
        &new_hash[..],
        found.session_expires_at,
        found.id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let tokens = IssuedTokens {
        session_id: found.session_id,
        access_token: state
            .auth
            .jwt
            .issue(user.user_id, role, found.session_id, now),
        access_expires_at: now + crate::auth::tokens::ACCESS_TOKEN_LIFETIME,
        refresh_token: new_token,
        session_expires_at: found.session_expires_at,
    };
    Ok(RefreshOutcome::Rotated(tokens, user))
}
