//! Two-step verification with an authenticator app: enrolment (secret sealed at rest,
//! confirmed by a first code), ten single-use backup codes stored hashed, the sign-in
//! challenge, and switching it off (password and a code).

use super::{
    CurrentUser, RequestMeta,
    sessions::{self, IssuedTokens},
    tokens::{hash_token, new_opaque_token},
    totp,
};
use crate::{
    audit::{self, Actor, Entry},
    crypto::FieldLocation,
    error::AppError,
    state::AppState,
};
use caretrack::Role;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, types::Uuid};
use std::time::{SystemTime, UNIX_EPOCH};

/// How long a sign-in may wait for its second step, and how many codes it may try.
const CHALLENGE_SECONDS: u64 = 300;
const CHALLENGE_ATTEMPTS: u32 = 5;

fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

/// Where a person's TOTP secret is sealed (also used by `server keys rotate`).
pub fn secret_location(user_id: &Uuid) -> FieldLocation<'_> {
    FieldLocation {
        table: "users",
        column: "totp_secret",
        row_id: user_id,
    }
}

/// What the enrolment screen shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    /// The QR code as an SVG document.
    pub qr_svg: String,
    /// The secret for typing in by hand, in groups of four.
    pub secret: String,
}

/// Starts (or restarts) enrolment: a new secret, stored sealed but not yet in force.
#[tracing::instrument(skip_all)]
pub async fn start_enrolment(state: &AppState, user: &CurrentUser) -> Result<Enrolment, AppError> {
    let row = sqlx::query!(
        "select email, totp_enabled_at is not null as \"enabled!\" from users where id = $1",
        user.user_id
    )
    .fetch_one(&state.db)
    .await?;
    if row.enabled {
        return Err(AppError::Conflict(
            "Two-step verification is already on.".into(),
        ));
    }
    let secret = totp::new_secret();
    let encoded = totp::base32_encode(&secret);
    let sealed = state.cipher.seal(&encoded, secret_location(&user.user_id));
    sqlx::query!(
        "update users set totp_secret_enc = $2, totp_secret_key_id = $3, totp_last_step = null where id = $1",
        user.user_id,
        sealed.ciphertext,
        sealed.key_id
    )
    .execute(&state.db)
    .await?;
    let uri = totp::otpauth_uri(&state.settings.organisation_name, &row.email, &secret);
    let grouped = encoded
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Enrolment {
        qr_svg: totp::qr_svg(&uri),
        secret: grouped,
    })
}

/// The user's secret and last accepted step, locked for the check.
async fn secret_of(
    state: &AppState,
    conn: &mut PgConnection,
    user_id: Uuid,
) -> Result<Option<(Vec<u8>, Option<i64>, bool)>, AppError> {
    let row = sqlx::query!(
        r#"select totp_secret_enc, totp_secret_key_id, totp_last_step, totp_enabled_at is not null as "enabled!"
             from users where id = $1 for update"#,
        user_id
    )
    .fetch_one(&mut *conn)
    .await?;
    let (Some(sealed), Some(key_id)) = (row.totp_secret_enc, row.totp_secret_key_id) else {
        return Ok(None);
    };
    let encoded = state
        .cipher
        .open(&key_id, &sealed, secret_location(&user_id))
        .map_err(|err| {
            tracing::error!(error = %err, "a TOTP secret could not be opened");
            AppError::Internal
        })?;
    let secret = totp::base32_decode(&encoded).ok_or(AppError::Internal)?;
    Ok(Some((secret, row.totp_last_step, row.enabled)))
}

/// Checks a code from the app (recording its step) or an unused backup code (using it
/// up), on the caller's transaction.
async fn check_code(
    state: &AppState,
    conn: &mut PgConnection,
    user_id: Uuid,
    code: &str,
) -> Result<bool, AppError> {
    let Some((secret, last_step, _)) = secret_of(state, conn, user_id).await? else {
        return Ok(false);
    };
    if let Some(step) = totp::verify(&secret, code, now_unix(), last_step) {
        sqlx::query!(
            "update users set totp_last_step = $2 where id = $1",
            user_id,
            step
        )
        .execute(&mut *conn)
        .await?;
        return Ok(true);
    }
    let hash = hash_token(&totp::normalise_backup_code(code));
    let used = sqlx::query!(
        "update two_factor_backup_codes set used_at = now()
          where user_id = $1 and code_hash = $2 and used_at is null",
        user_id,
        &hash[..]
    )
    .execute(&mut *conn)
    .await?;
    Ok(used.rows_affected() == 1)
}

/// Confirms enrolment with a first code; returns the backup codes, shown once.
#[tracing::instrument(skip_all)]
pub async fn confirm_enrolment(
    state: &AppState,
    user: &CurrentUser,
    actor: &Actor,
    code: &str,
) -> Result<Vec<String>, AppError> {
    let mut tx = state.db.begin().await?;
    let Some((secret, last_step, enabled)) = secret_of(state, &mut tx, user.user_id).await? else {
        return Err(AppError::Conflict(
            "Start again: scan the QR code first.".into(),
        ));
    };
    if enabled {
        return Err(AppError::Conflict(
            "Two-step verification is already on.".into(),
        ));
    }
    let Some(step) = totp::verify(&secret, code, now_unix(), last_step) else {
        return Err(AppError::validation(
            "code",
            "That code did not match. Check the time on your phone and try the newest code.",
        ));
    };
    sqlx::query!(
        "update users set totp_enabled_at = now(), totp_last_step = $2 where id = $1",
        user.user_id,
        step
    )
    .execute(&mut *tx)
    .await?;
    let codes = replace_backup_codes(&mut tx, user.user_id).await?;
    audit::commit(
        tx,
        actor,
        Entry::new("auth.two_factor_enabled").entity("user", user.user_id),
    )
    .await?;
    Ok(codes)
}

async fn replace_backup_codes(
    conn: &mut PgConnection,
    user_id: Uuid,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query!(
        "delete from two_factor_backup_codes where user_id = $1",
        user_id
    )
    .execute(&mut *conn)
    .await?;
    let codes = totp::new_backup_codes();
    for code in &codes {
        let hash = hash_token(&totp::normalise_backup_code(code));
        sqlx::query!(
            "insert into two_factor_backup_codes (user_id, code_hash) values ($1, $2)",
            user_id,
            &hash[..]
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(codes)
}

/// Turns two-step verification off; needs the password and a code.
#[tracing::instrument(skip_all)]
pub async fn disable(
    state: &AppState,
    user: &CurrentUser,
    actor: &Actor,
    password: &str,
    code: &str,
) -> Result<(), AppError> {
    super::verify_current_password(state, user, password).await?;
    let mut tx = state.db.begin().await?;
    if !check_code(state, &mut tx, user.user_id, code).await? {
        return Err(AppError::validation("code", "That code did not match."));
    }
    sqlx::query!(
        "update users set totp_secret_enc = null, totp_secret_key_id = null, totp_enabled_at = null,
                          totp_last_step = null
          where id = $1",
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "delete from two_factor_backup_codes where user_id = $1",
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    audit::commit(
        tx,
        actor,
        Entry::new("auth.two_factor_disabled").entity("user", user.user_id),
    )
    .await?;
    Ok(())
}

/// Whether two-step verification is on, and how many backup codes are left.
#[tracing::instrument(skip_all)]
pub async fn status(state: &AppState, user_id: Uuid) -> Result<(bool, i64), AppError> {
    let row = sqlx::query!(
        r#"select totp_enabled_at is not null as "enabled!",
                  (select count(*) from two_factor_backup_codes where user_id = $1 and used_at is null) as "left!"
             from users where id = $1"#,
        user_id
    )
    .fetch_one(&state.db)
    .await?;
    Ok((row.enabled, row.left))
}

fn challenge_key(token: &str) -> String {
    format!("mfa:{}", caretrack::text::hex(&hash_token(token)))
}

/// The codes a challenge may still try, counted down atomically before each check.
fn tries_key(token: &str) -> String {
    format!("mfa-tries:{}", caretrack::text::hex(&hash_token(token)))
}

/// After a correct password: a short-lived challenge the second step must answer.
#[tracing::instrument(skip_all)]
pub async fn issue_challenge(
    state: &AppState,
    user_id: Uuid,
    role: Role,
) -> Result<String, AppError> {
    let (token, _) = new_opaque_token();
    let mut redis = state.redis.connection().await?;
    let (): () = redis::pipe()
        .atomic()
        .set_ex(
            challenge_key(&token),
            format!("{user_id}:{}", role.as_str()),
            CHALLENGE_SECONDS,
        )
        .ignore()
        .set_ex(tries_key(&token), CHALLENGE_ATTEMPTS, CHALLENGE_SECONDS)
        .ignore()
        .query_async(&mut redis)
        .await?;
    Ok(token)
}

/// Answers a sign-in challenge with a code; signs in on success. Each try is counted
/// before the code is checked, twice over: against the challenge (five, then it ends:
/// sign in again with the password), and against the account, like a wrong password
/// (the lockout). Parallel guesses each see the tries before them.
#[tracing::instrument(skip_all)]
pub async fn answer_challenge(
    state: &AppState,
    token: &str,
    code: &str,
    meta: &RequestMeta,
) -> Result<(IssuedTokens, Uuid, Role), AppError> {
    let expired = || {
        AppError::Conflict(
            "This sign-in has timed out. Enter your email and password again.".into(),
        )
    };
    // Counted before anything is looked up, whichever door the code came through.
    super::rate_limit::hit(state, super::rate_limit::LOGIN_PER_IP, &meta.ip_key()).await?;
    let (key, tries) = (challenge_key(token), tries_key(token));
    let mut redis = state.redis.connection().await?;
    let (left, value): (i64, Option<String>) = redis::pipe()
        .atomic()
        .decr(&tries, 1)
        .get(&key)
        .query_async(&mut redis)
        .await?;
    let end_challenge = async |redis: &mut redis::aio::ConnectionManager| -> Result<(), AppError> {
        let (): () = redis::cmd("DEL")
            .arg(&key)
            .arg(&tries)
            .query_async(redis)
            .await?;
        Ok(())
    };
    let Some(value) = value.filter(|_| left >= 0) else {
        end_challenge(&mut redis).await?;
        return Err(expired());
    };
    let (Some(user_id), Some(role)) = value.split_once(':').map_or((None, None), |(u, r)| {
        (u.parse::<Uuid>().ok(), r.parse::<Role>().ok())
    }) else {
        return Err(expired());
    };

    let mut tx = state.db.begin().await?;
    // The account's count of attempts, taken with this try before the code is checked.
    let policy = super::sessions::load_policy(&mut tx).await?;
    let counted = sqlx::query!(
        r#"update users set failed_login_attempts = failed_login_attempts + 1
            where id = $1
        returning failed_login_attempts, coalesce(locked_until > now(), false) as "locked!""#,
        user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let actor = Actor::new(Some(user_id), Some(role), meta);
    let allowed = !counted.locked && counted.failed_login_attempts <= policy.lockout_threshold;
    let ok = allowed && check_code(state, &mut tx, user_id, code).await?;
    if !ok {
        audit::record(
            &mut tx,
            &actor,
            Entry::new("auth.two_factor_failed").entity("user", user_id),
        )
        .await?;
        super::login::lock_if_due(&mut tx, &actor, user_id).await?;
        tx.commit().await?;
        if left == 0 || !allowed {
            end_challenge(&mut redis).await?;
        }
        if !allowed {
            return Err(expired());
        }
        return Err(AppError::validation("code", "That code did not match."));
    }
    tx.commit().await?;
    end_challenge(&mut redis).await?;
    super::login::signed_in_now(state, user_id).await?;
    let tokens = sessions::start(state, user_id, role, meta).await?;
    Ok((tokens, user_id, role))
}
