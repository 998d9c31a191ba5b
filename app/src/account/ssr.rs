//! Looking after one's own account: forgotten passwords (a single-use link valid for an
//! hour; every session ends when it is used), changing the password, and changing the
//! email address (confirmed from the new address).

use crate::{
    audit::{self, Actor, Entry},
    auth::{
        CurrentUser, RequestMeta,
        rate_limit::{self, RESET_PER_ACCOUNT, RESET_PER_IP},
        sessions,
        tokens::{hash_token, new_opaque_token},
    },
    error::AppError,
    mail::{Email, EmailChange, PasswordReset, enqueue_email},
    state::AppState,
};
use caretrack::EmailAddress;
use sqlx::types::Uuid;
use time::{Duration, OffsetDateTime};

pub const RESET_LIFETIME: Duration = Duration::hours(1);
pub const EMAIL_CHANGE_LIFETIME: Duration = Duration::hours(24);

async fn display_name(state: &AppState, user_id: Uuid) -> Result<String, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select coalesce(p.first_name, u.email) as "name!"
             from users u left join user_profiles p on p.user_id = u.id where u.id = $1"#,
        user_id
    )
    .fetch_one(&state.db)
    .await
}

/// Sends a reset link if the address belongs to an active account. The answer is the
/// same either way, and comes before the work is done, so it reveals nothing.
#[tracing::instrument(skip_all)]
pub async fn request_reset(
    state: &AppState,
    email: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    rate_limit::hit(state, RESET_PER_IP, &meta.ip_key()).await?;
    let Ok(email) = EmailAddress::parse(email) else {
        return Err(AppError::validation(
            "email",
            "Enter the email address you sign in with.",
        ));
    };
    rate_limit::hit(state, RESET_PER_ACCOUNT, email.as_str()).await?;
    let state = state.clone();
    let meta = meta.clone();
    tokio::spawn(async move {
        let sent = send_reset(&state, &email, &meta);
        if let Err(err) = crate::live::bus::publishing(&state.redis, sent).await {
            tracing::error!(error = %err, "could not send a password reset link");
        }
    });
    Ok(())
}

async fn send_reset(
    state: &AppState,
    email: &EmailAddress,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let Some(user_id) = sqlx::query_scalar!(
        "select id from users where email = $1 and is_active and deleted_at is null",
        email.as_str()
    )
    .fetch_optional(&state.db)
    .await?
    else {
        return Ok(());
    };
    let name = display_name(state, user_id).await?;
    let (token, hash) = new_opaque_token();
    let mut tx = state.db.begin().await?;
    sqlx::query!(
        "insert into password_reset_tokens (user_id, token_hash, requested_ip, expires_at)
         values ($1, $2, $3::text::inet, $4)",
        user_id,
        &hash[..],
        meta.ip.map(|ip| ip.to_string()),
        OffsetDateTime::now_utc() + RESET_LIFETIME
    )
    .execute(&mut *tx)
    .await?;
    let message = Email::PasswordReset(PasswordReset {
        name,
        reset_url: format!("{}/reset-password/{token}", state.settings.public_url),
        valid_for: "1 hour".into(),
    });
    enqueue_email(&mut tx, email, &message).await?;
    let actor = Actor::new(None, None, meta);
    audit::commit(
        tx,
        &actor,
        Entry::new("auth.password_reset_requested").entity("user", user_id),
    )
    .await?;
    Ok(())
}

/// Sets a new password from a reset link; every session of the account ends.
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    state: &AppState,
    token: &str,
    password: &str,
    password_again: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    rate_limit::hit(state, RESET_PER_IP, &meta.ip_key()).await?;
    let mut tx = state.db.begin().await?;
    let found = sqlx::query!(
        r#"select t.id, t.user_id, u.email, u.role::text as "role!"
             from password_reset_tokens t join users u on u.id = t.user_id
            where t.token_hash = $1 and t.used_at is null and t.expires_at > now()
              and u.is_active and u.deleted_at is null
              for update of t"#,
        &hash_token(token)[..]
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        AppError::Conflict(
            "This reset link has expired or has been used. Ask for a new one.".into(),
        )
    })?;
    crate::auth::check_new_password(password, password_again, &found.email)?;
    let hash = state.auth.hasher.hash(password.to_owned()).await?;
    sqlx::query!(
        "update users set password_hash = $2, password_changed_at = now(), failed_login_attempts = 0,
                          locked_until = null
          where id = $1",
        found.user_id,
        hash
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update password_reset_tokens set used_at = now() where user_id = $1 and used_at is null",
        found.user_id
    )
    .execute(&mut *tx)
    .await?;
    let ended = sessions::revoke_all_on(&mut tx, found.user_id, None, "PASSWORD_RESET").await?;
    let actor = Actor::new(Some(found.user_id), found.role.parse().ok(), meta);
    audit::commit(
        tx,
        &actor,
        Entry::new("auth.password_reset")
            .entity("user", found.user_id)
            .after(serde_json::json!({ "sessions_ended": ended.len() })),
    )
    .await?;
    sessions::forget_all(state, &ended).await;
    // The lock is lifted: the address's count of sign-in attempts starts again too.
    crate::auth::login::forget_attempts(state, &found.email).await;
    Ok(())
}

/// Changes the password of the signed-in person, who proves it is them with the current
/// one; their other sessions end.
#[tracing::instrument(skip_all)]
pub async fn change_password(
    state: &AppState,
    user: &CurrentUser,
    current: &str,
    password: &str,
    password_again: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    let email = crate::auth::verify_current_password(state, user, current).await?;
    crate::auth::check_new_password(password, password_again, &email)?;
    let hash = state.auth.hasher.hash(password.to_owned()).await?;
    let mut tx = state.db.begin().await?;
    sqlx::query!(
        "update users set password_hash = $2, password_changed_at = now() where id = $1",
        user.user_id,
        hash
    )
    .execute(&mut *tx)
    .await?;
    let others = sessions::revoke_all_on(
        &mut tx,
        user.user_id,
        Some(user.session_id),
        "REVOKED_BY_USER",
    )
    .await?;
    audit::commit(
        tx,
        actor,
        Entry::new("auth.password_changed")
            .entity("user", user.user_id)
            .after(serde_json::json!({ "other_sessions_ended": others.len() })),
    )
    .await?;
    sessions::forget_all(state, &others).await;
    Ok(())
}

/// Sends a confirmation link to the new address; the change happens when it is opened.
#[tracing::instrument(skip_all)]
pub async fn request_email_change(
    state: &AppState,
    user: &CurrentUser,
    new_email: &str,
    current_password: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    let new_email =
        EmailAddress::parse(new_email).map_err(|e| AppError::validation("new_email", e.message))?;
    let current_email = crate::auth::verify_current_password(state, user, current_password).await?;
    if new_email.as_str() == current_email {
        return Err(AppError::validation(
            "new_email",
            "That is already your email address.",
        ));
    }
    let taken = sqlx::query_scalar!(
        r#"select exists (select 1 from users where email = $1) as "taken!""#,
        new_email.as_str()
    )
    .fetch_one(&state.db)
    .await?;
    if taken {
        return Err(AppError::validation(
            "new_email",
            "Another account uses that address.",
        ));
    }
    let name = display_name(state, user.user_id).await?;
    let (token, hash) = new_opaque_token();
    let mut tx = state.db.begin().await?;
    sqlx::query!(
        "insert into email_change_tokens (user_id, new_email, token_hash, expires_at) values ($1, $2, $3, $4)",
        user.user_id,
        new_email.as_str(),
        &hash[..],
        OffsetDateTime::now_utc() + EMAIL_CHANGE_LIFETIME
    )
    .execute(&mut *tx)
    .await?;
    let message = Email::EmailChange(EmailChange {
        name,
        new_email: new_email.as_str().to_owned(),
        confirm_url: format!("{}/confirm-email/{token}", state.settings.public_url),
    });
    enqueue_email(&mut tx, &new_email, &message).await?;
    audit::commit(
        tx,
        actor,
        Entry::new("auth.email_change_requested")
            .entity("user", user.user_id)
            .after(serde_json::json!({ "new_email": new_email.as_str() })),
    )
    .await?;
    Ok(())
}

/// Confirms a new email address from the link sent to it.
#[tracing::instrument(skip_all)]
pub async fn confirm_email_change(
    state: &AppState,
    token: &str,
    meta: &RequestMeta,
) -> Result<String, AppError> {
    let mut tx = state.db.begin().await?;
    let found = sqlx::query!(
        r#"select t.id, t.user_id, t.new_email, u.email as old_email, u.role::text as "role!"
             from email_change_tokens t join users u on u.id = t.user_id
            where t.token_hash = $1 and t.used_at is null and t.expires_at > now()
              for update of t"#,
        &hash_token(token)[..]
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        AppError::Conflict("This confirmation link has expired or has been used.".into())
    })?;
    let changed = sqlx::query!(
        "update users set email = $2, email_verified_at = now() where id = $1
            and not exists (select 1 from users where email = $2)",
        found.user_id,
        found.new_email
    )
    .execute(&mut *tx)
    .await?;
    if changed.rows_affected() == 0 {
        return Err(AppError::Conflict(
            "Another account now uses that address.".into(),
        ));
    }
    sqlx::query!(
        "update email_change_tokens set used_at = now() where id = $1",
        found.id
    )
    .execute(&mut *tx)
    .await?;
    let actor = Actor::new(Some(found.user_id), found.role.parse().ok(), meta);
    audit::commit(
        tx,
        &actor,
        Entry::new("auth.email_changed")
            .entity("user", found.user_id)
            .before(serde_json::json!({ "email": found.old_email }))
            .after(serde_json::json!({ "email": found.new_email })),
    )
    .await?;
    Ok(found.new_email)
}
