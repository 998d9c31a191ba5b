//! Signing in with an email and a password.
//!
//! An unknown email, a wrong password, a deactivated account and a locked account get
//! the same answer, in the same time: the password is always checked against a hash (a
//! dummy one when there is no account), the progressive delay is counted per email
//! address whether or not it has an account, and the bookkeeping of a failure happens
//! after the answer is sent.

use super::{
    RequestMeta,
    rate_limit::{self, LOGIN_PER_ACCOUNT, LOGIN_PER_IP},
    sessions::{self, IssuedTokens},
};
use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    state::AppState,
};
use caretrack::{EmailAddress, Role};
use serde::{Deserialize, Serialize};
use sqlx::types::Uuid;
use std::time::Duration;

/// How a correct password ends: signed in, or (with two-step verification on) asked for
/// a code from the authenticator app.
#[derive(Clone, Debug)]
pub enum LoginOutcome {
    SignedIn(IssuedTokens, SignedInUser),
    SecondStep { mfa_token: String },
}

impl LoginOutcome {
    /// The session, when no second step is needed.
    pub fn session(self) -> Option<(IssuedTokens, SignedInUser)> {
        match self {
            LoginOutcome::SignedIn(tokens, user) => Some((tokens, user)),
            LoginOutcome::SecondStep { .. } => None,
        }
    }
}

/// Who signed in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct SignedInUser {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
}

/// The pause before answering after `failures` recent failures for an address:
/// nothing for the first two, then 0.5 s doubling to at most 8 s.
pub fn progressive_delay(failures: u32) -> Duration {
    match failures {
        0..=2 => Duration::ZERO,
        n => Duration::from_millis(500u64 << (n - 3).min(4)),
    }
}

fn failure_key(email: &str) -> String {
    format!("login-failures:{email}")
}

async fn recent_failures(state: &AppState, email: &str) -> u32 {
    let result: Result<Option<u32>, redis::RedisError> = async {
        let mut redis = state.redis.connection().await?;
        redis::cmd("GET")
            .arg(failure_key(email))
            .query_async(&mut redis)
            .await
    }
    .await;
    result.ok().flatten().unwrap_or(0)
}

#[tracing::instrument(skip_all)]
pub async fn login(
    state: &AppState,
    email: &str,
    password: &str,
    meta: &RequestMeta,
) -> Result<LoginOutcome, AppError> {
    let ip_key = meta.ip_key();
    rate_limit::hit(state, LOGIN_PER_IP, &ip_key).await?;
    // The address as typed, normalised the same way whether or not it is valid.
    let email = EmailAddress::parse(email)
        .map(|e| e.as_str().to_owned())
        .unwrap_or_else(|_| email.trim().to_lowercase());
    // Only failures count against the address (recorded with the failure below).
    rate_limit::check(state, LOGIN_PER_ACCOUNT, &email).await?;

    let delay = progressive_delay(recent_failures(state, &email).await);
    let account = sqlx::query!(
        r#"select id, role::text as "role!", password_hash,
                  (is_active and deleted_at is null) as "usable!",
                  coalesce(locked_until > now(), false) as "locked!",
                  totp_enabled_at is not null as "second_step!"
             from users where email = $1"#,
        email
    )
    .fetch_optional(&state.db)
    .await?;
    let verified = state
        .auth
        .hasher
        .verify(
            account.as_ref().map(|a| a.password_hash.clone()),
            password.to_owned(),
        )
        .await;
    tokio::time::sleep(delay).await;

    match account {
        Some(account) if verified && account.usable && !account.locked => {
            let role: Role = account.role.parse().map_err(|_| AppError::Internal)?;
            sqlx::query!(
                "update users set failed_login_attempts = 0, locked_until = null, last_login_at = now() where id = $1",
                account.id
            )
            .execute(&state.db)
            .await?;
            clear_failures(state, &email).await;
            if account.second_step {
                let mfa_token = super::two_factor::issue_challenge(state, account.id, role).await?;
                return Ok(LoginOutcome::SecondStep { mfa_token });
            }
            let tokens = sessions::start(state, account.id, role, meta).await?;
            Ok(LoginOutcome::SignedIn(
                tokens,
                SignedInUser {
                    id: account.id,
                    email,
                    role,
                },
            ))
        }
        account => {
            // Answer now; record the failure off the request's clock.
            let state = state.clone();
            let meta = meta.clone();
            let account_id = account.map(|a| a.id);
            tokio::spawn(async move {
                let recorded = record_failure(&state, &email, account_id, &meta);
                if let Err(err) = crate::live::bus::publishing(&state.redis, recorded).await {
                    tracing::error!(error = %err, "could not record a failed sign-in");
                }
            });
            Err(AppError::InvalidCredentials)
        }
    }
}

async fn clear_failures(state: &AppState, email: &str) {
    if let Ok(mut redis) = state.redis.connection().await {
        let _: Result<(), _> = redis::cmd("DEL")
            .arg(failure_key(email))
            .query_async(&mut redis)
            .await;
    }
}

async fn record_failure(
    state: &AppState,
    email: &str,
    account_id: Option<Uuid>,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    // Counted whatever the outcome; the refusal, if any, applies to the next attempt.
    let _ = rate_limit::hit(state, LOGIN_PER_ACCOUNT, email).await;
    let mut tx = state.db.begin().await?;
    let policy = sessions::load_policy(&mut tx).await?;
    let window = i64::from(policy.lockout_minutes) * 60;
    if let Ok(mut redis) = state.redis.connection().await {
        let _: Result<(u32, bool), _> = redis::pipe()
            .atomic()
            .incr(failure_key(email), 1)
            .expire(failure_key(email), window)
            .query_async(&mut redis)
            .await;
    }
    let actor = Actor::new(None, None, meta);
    let Some(user_id) = account_id else {
        audit::commit(
            tx,
            &actor,
            Entry::new("auth.login_failed")
                .after(serde_json::json!({ "email": email, "account": false })),
        )
        .await?;
        return Ok(());
    };
    let row = sqlx::query!(
        r#"update users
              set failed_login_attempts =
                      case when locked_until <= now() then 1 else failed_login_attempts + 1 end,
                  locked_until = case
                      when locked_until > now() then locked_until
                      when (case when locked_until <= now() then 1 else failed_login_attempts + 1 end) >= $2
                      then now() + make_interval(mins => $3)
                      end
            where id = $1
        returning failed_login_attempts, coalesce(locked_until > now(), false) as "locked!""#,
        user_id,
        policy.lockout_threshold,
        policy.lockout_minutes
    )
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        &actor,
        Entry::new("auth.login_failed")
            .entity("user", user_id)
            .after(serde_json::json!({ "attempts": row.failed_login_attempts })),
    )
    .await?;
    if row.locked && row.failed_login_attempts == policy.lockout_threshold {
        audit::record(
            &mut tx,
            &actor,
            Entry::new("auth.lockout")
                .entity("user", user_id)
                .after(serde_json::json!({ "minutes": policy.lockout_minutes })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::progressive_delay;
    use std::time::Duration;

    #[test]
    fn the_delay_grows_then_stops_growing() {
        assert_eq!(progressive_delay(0), Duration::ZERO);
        assert_eq!(progressive_delay(2), Duration::ZERO);
        assert_eq!(progressive_delay(3), Duration::from_millis(500));
        assert_eq!(progressive_delay(4), Duration::from_secs(1));
        assert_eq!(progressive_delay(7), Duration::from_secs(8));
        assert_eq!(progressive_delay(50), Duration::from_secs(8));
    }
}
