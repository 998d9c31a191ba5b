//! Sessions: live in Redis (`session:<id>`, expiring with the session), mirrored in
//! PostgreSQL for the device list, revocation and audit. Redis is a cache of the
//! mirror: when a key is missing or Redis is down, the mirror decides, so a Redis
//! restart signs nobody out and a revocation always holds.

use super::{
    CurrentUser, RequestMeta,
    rate_limit::{self, PER_USER},
    tokens::{hash_token, new_opaque_token},
};
use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    state::AppState,
};
use caretrack::{Role, device::device_label};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, types::Uuid};
use time::OffsetDateTime;

/// What the organisation has set (organisation_settings).
pub type Policy = caretrack::organisation::SecuritySettings;

/// Reads the organisation's settings.
pub async fn load_policy(conn: &mut PgConnection) -> Result<Policy, sqlx::Error> {
    sqlx::query_as!(
        Policy,
        "select max_sessions_per_user, admin_session_hours, carer_session_hours,
                lockout_threshold, lockout_minutes, require_admin_2fa
           from organisation_settings"
    )
    .fetch_one(conn)
    .await
}

/// The tokens handed to a client that has just signed in or refreshed.
#[derive(Clone, Debug)]
pub struct IssuedTokens {
    pub session_id: Uuid,
    pub access_token: String,
    pub access_expires_at: OffsetDateTime,
    pub refresh_token: String,
    pub session_expires_at: OffsetDateTime,
}

fn redis_key(session_id: Uuid) -> String {
    format!("session:{session_id}")
}

/// Starts a session for a user whose credentials were just verified, evicting their
/// oldest sessions beyond the organisation's maximum.
pub async fn start(
    state: &AppState,
    user_id: Uuid,
    role: Role,
    meta: &RequestMeta,
) -> Result<IssuedTokens, AppError> {
    let now = OffsetDateTime::now_utc();
    let mut tx = state.db.begin().await?;
    let policy = load_policy(&mut tx).await?;
    let expires_at = now + policy.session_lifetime(role);
    let session_id = Uuid::new_v4();
    sqlx::query!(
        "insert into sessions (id, user_id, device_label, user_agent, ip, expires_at)
         values ($1, $2, $3, $4, $5::text::inet, $6)",
        session_id,
        user_id,
        device_label(meta.user_agent.as_deref()),
        meta.user_agent
            .as_deref()
            .map(|ua| ua.chars().take(300).collect::<String>()),
        meta.ip.map(|ip| ip.to_string()),
        expires_at,
    )
    .execute(&mut *tx)
    .await?;
    let (refresh_token, refresh_hash) = new_opaque_token();
    sqlx::query!(
        "insert into refresh_tokens (session_id, token_hash, expires_at) values ($1, $2, $3)",
        session_id,
        &refresh_hash[..],
        expires_at
    )
    .execute(&mut *tx)
    .await?;
    let evicted = sqlx::query_scalar!(
        "update sessions set revoked_at = now(), revoked_reason = 'EVICTED'
          where id in (select id from sessions
                        where user_id = $1 and revoked_at is null and expires_at > now()
                        order by created_at desc, id
                        offset $2)
          returning id",
        user_id,
        i64::from(policy.max_sessions_per_user)
    )
    .fetch_all(&mut *tx)
    .await?;
    let actor = Actor::new(Some(user_id), Some(role), meta);
    audit::record(
        &mut tx,
        &actor,
        Entry::new("auth.login").entity("session", session_id),
    )
    .await?;
    for evicted_id in &evicted {
        audit::record(
            &mut tx,
            &actor,
            Entry::new("auth.session_evicted").entity("session", evicted_id),
        )
        .await?;
    }
    tx.commit().await?;

    cache_live(state, session_id, user_id, role, expires_at).await;
    for evicted_id in evicted {
        forget(state, evicted_id).await;
    }
    Ok(IssuedTokens {
        session_id,
        access_token: state.auth.jwt.issue(user_id, role, session_id, now),
        access_expires_at: now + super::tokens::ACCESS_TOKEN_LIFETIME,
        refresh_token,
        session_expires_at: expires_at,
    })
}

async fn cache_live(
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

async fn forget(state: &AppState, session_id: Uuid) {
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
async fn live_from(
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
        audit::record(
            &mut tx,
            &actor,
            Entry::new("auth.refresh_reuse").entity("session", found.session_id),
        )
        .await?;
        tx.commit().await?;
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
        access_expires_at: now + super::tokens::ACCESS_TOKEN_LIFETIME,
        refresh_token: new_token,
        session_expires_at: found.session_expires_at,
    };
    Ok(RefreshOutcome::Rotated(tokens, user))
}

async fn revoke_on(
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
/// role change), on the caller's transaction; returns the ids to drop from Redis after commit.
pub async fn revoke_all_on(
    conn: &mut PgConnection,
    user_id: Uuid,
    except: Option<Uuid>,
    reason: &str,
) -> Result<Vec<Uuid>, sqlx::Error> {
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

/// Drops revoked sessions from Redis (after the revoking transaction committed).
pub async fn forget_all(state: &AppState, session_ids: &[Uuid]) {
    for id in session_ids {
        forget(state, *id).await;
    }
}

/// A row of "Your devices".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub id: Uuid,
    pub device_label: String,
    pub ip: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub last_seen_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    pub current: bool,
}

/// A user's live sessions, newest first.
pub async fn list_live(
    state: &AppState,
    user_id: Uuid,
    current: Option<Uuid>,
) -> Result<Vec<SessionInfo>, AppError> {
    let rows = sqlx::query!(
        "select id, device_label, host(ip) as ip, created_at, last_seen_at, expires_at
           from sessions
          where user_id = $1 and revoked_at is null and expires_at > now()
          order by created_at desc",
        user_id
    )
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| SessionInfo {
            current: Some(row.id) == current,
            id: row.id,
            device_label: row.device_label,
            ip: row.ip,
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            expires_at: row.expires_at,
        })
        .collect())
}

/// Everything an authenticated request asks of Redis, in one round trip: whether its
/// session is live (the mirror decides on a cache miss or when Redis is down), one more
/// request against the person's `PER_USER` limit (`RateLimited` once over), and, the
/// first time each minute, a note in the mirror that the session was seen (for the
/// devices list).
pub async fn admit(
    state: &AppState,
    session_id: Uuid,
    user_id: Uuid,
    role: Role,
) -> Result<bool, AppError> {
    let mut pipe = redis::pipe();
    pipe.atomic().get(redis_key(session_id));
    let elapsed = rate_limit::count_into(&mut pipe, PER_USER, &user_id.to_string());
    pipe.cmd("SET")
        .arg(format!("seen:{session_id}"))
        .arg(1)
        .arg("NX")
        .arg("EX")
        .arg(60);
    // The cached session, this and the last window's counts, and whether "seen" was set.
    type Answer = (Option<String>, u32, Option<u32>, Option<String>);
    let answer: Result<Answer, redis::RedisError> = async {
        let mut redis = state.redis.connection().await?;
        pipe.query_async(&mut redis).await
    }
    .await;
    let (cached, counted, first_this_minute) = match answer {
        Ok((cached, current, previous, seen)) => (
            cached,
            Ok((current, previous.unwrap_or(0), elapsed)),
            seen.is_some(),
        ),
        Err(err) => (None, Err(err), false),
    };
    rate_limit::decide(PER_USER, counted, 0)?;
    let live = live_from(state, cached, session_id, user_id, role).await?;
    if live && first_this_minute {
        let db = state.db.clone();
        tokio::spawn(async move {
            let _ = sqlx::query!(
                "update sessions set last_seen_at = now() where id = $1",
                session_id
            )
            .execute(&db)
            .await;
        });
    }
    Ok(live)
}
