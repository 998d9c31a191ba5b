//! Starting a session at sign-in: the organisation's policy (lifetimes, devices per
//! person), the tokens issued, and admitting a request's access token.

use crate::auth::{
    RequestMeta,
    rate_limit::{self, PER_USER},
    tokens::new_opaque_token,
};
use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    state::AppState,
};
use caretrack::{Role, device::device_label};
use sqlx::{PgConnection, types::Uuid};
use time::OffsetDateTime;

use crate::auth::sessions::cache::{cache_live, forget, live_from, redis_key};

/// What the organisation has set (organisation_settings).
pub type Policy = caretrack::organisation::SecuritySettings;

/// Reads the organisation's settings.
#[tracing::instrument(skip_all)]
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

/// Starts a session for a user whose credentials were just verified, evicting their
/// oldest sessions beyond the organisation's maximum.
#[tracing::instrument(skip_all)]
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
        access_expires_at: now + crate::auth::tokens::ACCESS_TOKEN_LIFETIME,
        refresh_token,
        session_expires_at: expires_at,
    })
}

/// Everything an authenticated request asks of Redis, in one round trip: whether its
/// session is live (the mirror decides on a cache miss or when Redis is down), one more
/// request against the person's `PER_USER` limit (`RateLimited` once over), and, the
/// first time each minute, a note in the mirror that the session was seen (for the
/// devices list).
#[tracing::instrument(skip_all)]
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
