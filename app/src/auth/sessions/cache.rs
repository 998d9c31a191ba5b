//! Live sessions cached in Redis, so a request's check needs no database round trip.

use crate::{error::AppError, state::AppState};
use caretrack::Role;
use sqlx::types::Uuid;
use time::OffsetDateTime;

pub(super) fn redis_key(session_id: Uuid) -> String {
    format!("session:{session_id}")
}

#[tracing::instrument(skip_all)]
pub(super) async fn cache_live(
    state: &AppState,
    session_id: Uuid,
    user_id: Uuid,
    role: Role,
    expires_at: OffsetDateTime,
) {
    let ttl = (expires_at - OffsetDateTime::now_utc())
        .whole_seconds()
        .max(1) as u64;
    let result: Result<(), redis::RedisError> = async {
        let mut redis = state.redis.connection().await?;
        redis::cmd("SET")
            .arg(redis_key(session_id))
            .arg(format!("{user_id}:{}", role.as_str()))
            .arg("EX")
            .arg(ttl)
            .query_async(&mut redis)
            .await
    }
    .await;
    if let Err(err) = result {
        tracing::warn!(error = %err, "session not cached in Redis; PostgreSQL will answer for it");
    }
}

#[tracing::instrument(skip_all)]
pub(super) async fn forget(state: &AppState, session_id: Uuid) {
    let result: Result<(), redis::RedisError> = async {
        let mut redis = state.redis.connection().await?;
        redis::cmd("DEL")
            .arg(redis_key(session_id))
            .query_async(&mut redis)
            .await
    }
    .await;
    if let Err(err) = result {
        // The mirror already says revoked; a stale cache entry would let the session
        // live on, so the cache is checked against the mirror on every miss only. Log
        // loudly: an operator should know.
        tracing::error!(error = %err, %session_id, "revoked session could not be removed from Redis");
    }
}

/// Whether a session is live for this user and role. Redis first; PostgreSQL when the
/// key is missing (and then the cache is filled again) or Redis is down.
#[tracing::instrument(skip_all)]
pub async fn is_live(
    state: &AppState,
    session_id: Uuid,
    user_id: Uuid,
    role: Role,
) -> Result<bool, AppError> {
    let cached: Result<Option<String>, redis::RedisError> = async {
        let mut redis = state.redis.connection().await?;
        redis::cmd("GET")
            .arg(redis_key(session_id))
            .query_async(&mut redis)
            .await
    }
    .await;
    let cached = cached.unwrap_or_else(|err| {
        tracing::warn!(error = %err, "Redis unavailable: checking the session in PostgreSQL");
        None
    });
    live_from(state, cached, session_id, user_id, role).await
}

/// The cached answer if there is one, else the mirror's (filling the cache again).
#[tracing::instrument(skip_all)]
pub(super) async fn live_from(
    state: &AppState,
    cached: Option<String>,
    session_id: Uuid,
    user_id: Uuid,
    role: Role,
) -> Result<bool, AppError> {
    if let Some(value) = cached {
        return Ok(value == format!("{user_id}:{}", role.as_str()));
    }
    let live = sqlx::query!(
        r#"select s.expires_at, u.role::text as "role!"
             from sessions s join users u on u.id = s.user_id
            where s.id = $1 and s.user_id = $2 and s.revoked_at is null and s.expires_at > now()
              and u.is_active and u.deleted_at is null"#,
        session_id,
        user_id
    )
    .fetch_optional(&state.db)
    .await?;
    match live {
        Some(row) if row.role == role.as_str() => {
            cache_live(state, session_id, user_id, role, row.expires_at).await;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// Drops revoked sessions from Redis (after the revoking transaction committed).
#[tracing::instrument(skip_all)]
pub async fn forget_all(state: &AppState, session_ids: &[Uuid]) {
    for id in session_ids {
        forget(state, *id).await;
    }
}
