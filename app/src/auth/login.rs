//! Signing in with an email and a password.
//!
//! An unknown email, a wrong password, a deactivated account and a locked account get
//! the same answer: the password is checked against a hash (a dummy one when there is
//! no account), the progressive delay is counted per email address whether or not it
//! has an account, and the bookkeeping of a failure happens after the answer is sent.
//!
//! Every attempt is counted before the password is checked, atomically (Redis `INCR`
//! per address, and the account's own counter in one `UPDATE … RETURNING`), so parallel
//! guesses cannot slip past the lockout while the first are still hashing; past the
//! allowance nothing is hashed at all.

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

fn attempts_key(email: &str) -> String {
    format!("login-attempts:{email}")
}

/// Counts this attempt for the address typed, atomically and before anything is
/// checked: parallel guesses each see the ones before them. Answers the attempt's
/// number within the lockout window (`None` when Redis cannot count).
async fn count_attempt(state: &AppState, email: &str, window_seconds: i64) -> Option<u32> {
    let counted: Result<(u32,), redis::RedisError> = async {
        let mut redis = state.redis.connection().await?;
        // The window starts at the first attempt and does not slide: someone held back
        // is free again once it ends, however often they try meanwhile.
        redis::pipe()
            .atomic()
            .incr(attempts_key(email), 1)
            .cmd("EXPIRE")
            .arg(attempts_key(email))
            .arg(window_seconds)
            .arg("NX")
            .ignore()
            .query_async(&mut redis)
            .await
    }
    .await;
    match counted {
        Ok((n,)) => Some(n),
        Err(err) => {
            tracing::error!(error = %err, "sign-in attempts not counted: Redis unavailable");
            None
        }
    }
}

/// Starts the address's count of sign-in attempts again: a completed sign-in, or a
/// password reset (which lifts a lock).
pub async fn forget_attempts(state: &AppState, email: &str) {
    if let Ok(mut redis) = state.redis.connection().await {
        let _: Result<(), _> = redis::cmd("DEL")
            .arg(attempts_key(email))
            .query_async(&mut redis)
            .await;
    }
}

/// The account behind an address, its attempt counted first (in one statement, so
/// parallel attempts each get their own number). A lock that has run out starts the
/// count again.
struct Counted {
    id: Uuid,
    role: String,
    password_hash: String,
    usable: bool,
    locked: bool,
    attempts: i32,
    second_step: bool,
}

async fn count_account_attempt(state: &AppState, email: &str) -> Result<Option<Counted>, AppError> {
    Ok(sqlx::query_as!(
        Counted,
        r#"update users
              set failed_login_attempts =
                      case when locked_until <= now() then 1 else failed_login_attempts + 1 end,
                  locked_until = case when locked_until <= now() then null else locked_until end
            where email = $1
        returning id, role::text as "role!", password_hash,
                  (is_active and deleted_at is null) as "usable!",
                  coalesce(locked_until > now(), false) as "locked!",
                  failed_login_attempts as attempts,
                  totp_enabled_at is not null as "second_step!""#,
        email
    )
    .fetch_optional(&state.db)
    .await?)
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
    // Every attempt counts, before the password is looked at: a burst of parallel
    // guesses cannot all pass while the first ones are still being checked. A sign-in
    // that succeeds gives its count back.
    rate_limit::hit(state, LOGIN_PER_ACCOUNT, &email).await?;
    let policy = sessions::load_policy(&mut *state.db.acquire().await?).await?;
    let threshold = u32::try_from(policy.lockout_threshold).unwrap_or(5);
    let window = i64::from(policy.lockout_minutes) * 60;
    let attempt = count_attempt(state, &email, window).await;
    let account = count_account_attempt(state, &email).await?;
    // Past the allowance the password is not checked at all (no hashing for a guesser),
    // for an address with an account or without alike, so the answer tells nothing.
    let over = attempt.is_some_and(|n| n > threshold)
        || account
            .as_ref()
            .is_some_and(|a| a.locked || u32::try_from(a.attempts).unwrap_or(u32::MAX) > threshold);
    let delay = progressive_delay(attempt.unwrap_or(1).saturating_sub(1));
    let verified = if over {
        // No hashing, but as long as one: the answer's timing tells nothing.
        tokio::time::sleep(state.auth.hasher.typical_time()).await;
        false
    } else {
        state
            .auth
            .hasher
            .verify(
                account.as_ref().map(|a| a.password_hash.clone()),
                password.to_owned(),
            )
            .await?
    };
    tokio::time::sleep(delay).await;

    match account {
        Some(account) if verified && account.usable => {
            let role: Role = account.role.parse().map_err(|_| AppError::Internal)?;
            if account.second_step {
                // The attempt stays counted until the code is right: each wrong code
                // counts too, and a right password does not buy fresh guesses at it.
                sqlx::query!(
                    "update users set last_login_at = now() where id = $1",
                    account.id
                )
                .execute(&state.db)
                .await?;
                forget_attempts(state, &email).await;
                let mfa_token = super::two_factor::issue_challenge(state, account.id, role).await?;
                return Ok(LoginOutcome::SecondStep { mfa_token });
            }
            signed_in_now(state, account.id).await?;
            forget_attempts(state, &email).await;
            rate_limit::give_back(state, LOGIN_PER_ACCOUNT, &email).await;
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

/// A sign-in completed: the account's count of attempts starts again.
pub(super) async fn signed_in_now(state: &AppState, user_id: Uuid) -> Result<(), AppError> {
    sqlx::query!(
        "update users set failed_login_attempts = 0, locked_until = null, last_login_at = now() where id = $1",
        user_id
    )
    .execute(&state.db)
    .await?;
    Ok(())
}

/// A wrong password or code for an account whose attempt was counted already: locks it
/// once the count reaches the threshold (audited once, when the lock begins).
pub(super) async fn lock_if_due(
    conn: &mut sqlx::PgConnection,
    actor: &Actor,
    user_id: Uuid,
) -> Result<(), AppError> {
    let policy = sessions::load_policy(&mut *conn).await?;
    let locked = sqlx::query_scalar!(
        r#"update users set locked_until = now() + make_interval(mins => $3)
            where id = $1 and failed_login_attempts >= $2
              and (locked_until is null or locked_until <= now())
        returning failed_login_attempts"#,
        user_id,
        policy.lockout_threshold,
        policy.lockout_minutes
    )
    .fetch_optional(&mut *conn)
    .await?;
    if locked.is_some() {
        audit::record(
            &mut *conn,
            actor,
            Entry::new("auth.lockout")
                .entity("user", user_id)
                .after(serde_json::json!({ "minutes": policy.lockout_minutes })),
        )
        .await?;
    }
    Ok(())
}

async fn record_failure(
    state: &AppState,
    email: &str,
    account_id: Option<Uuid>,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let actor = Actor::new(None, None, meta);
    let Some(user_id) = account_id else {
        // What was typed is not kept (it may be a password typed in the wrong box, and
        // it may be long): a keyed fingerprint matches repeated attempts at one address.
        audit::commit(
            tx,
            &actor,
            Entry::new("auth.login_failed").after(serde_json::json!({
                "email_fingerprint": audit::chain::fingerprint(email)?,
                "account": false,
            })),
        )
        .await?;
        return Ok(());
    };
    let attempts = sqlx::query_scalar!(
        "select failed_login_attempts from users where id = $1",
        user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        &actor,
        Entry::new("auth.login_failed")
            .entity("user", user_id)
            .after(serde_json::json!({ "attempts": attempts })),
    )
    .await?;
    lock_if_due(&mut tx, &actor, user_id).await?;
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
