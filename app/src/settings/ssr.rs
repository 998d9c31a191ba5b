//! Reading and changing the organisation's settings row.

use crate::{
    audit::{self, Actor, Entry},
    auth::{CurrentUser, sessions::load_policy},
    error::AppError,
    state::AppState,
};
use caretrack::organisation::{SecuritySettings, SecuritySettingsForm};

#[tracing::instrument(skip_all)]
pub async fn load(state: &AppState) -> Result<SecuritySettings, AppError> {
    let mut conn = state.db.acquire().await?;
    Ok(load_policy(&mut conn).await?)
}

/// Saves the settings and records the change (before and after) in the same transaction.
/// Requiring two-step verification is refused while the manager asking has none, so that
/// the switch cannot shut out the person who flips it.
#[tracing::instrument(skip_all)]
pub async fn save(
    state: &AppState,
    user: &CurrentUser,
    actor: &Actor,
    form: &SecuritySettingsForm,
) -> Result<SecuritySettings, AppError> {
    let settings = SecuritySettings::parse(form)?;
    let mut tx = state.db.begin().await?;
    // One change at a time: the row stays locked until this one is recorded.
    sqlx::query!("select id from organisation_settings for update")
        .fetch_one(&mut *tx)
        .await?;
    let before = load_policy(&mut tx).await?;
    if before == settings {
        return Ok(settings);
    }
    if settings.require_admin_2fa && !before.require_admin_2fa {
        let has_two_factor = sqlx::query_scalar!(
            r#"select totp_enabled_at is not null as "enabled!" from users where id = $1"#,
            user.user_id
        )
        .fetch_one(&mut *tx)
        .await?;
        if !has_two_factor {
            return Err(AppError::validation(
                "require_admin_2fa",
                "Set up two-step verification for yourself first (on Your account), so that you are not locked out.",
            ));
        }
    }
    sqlx::query!(
        "update organisation_settings
            set require_admin_2fa = $1, max_sessions_per_user = $2, admin_session_hours = $3,
                carer_session_hours = $4, lockout_threshold = $5, lockout_minutes = $6",
        settings.require_admin_2fa,
        settings.max_sessions_per_user,
        settings.admin_session_hours,
        settings.carer_session_hours,
        settings.lockout_threshold,
        settings.lockout_minutes
    )
    .execute(&mut *tx)
    .await?;
    audit::commit(
        tx,
        actor,
        Entry::new("settings.update")
            .entity("organisation_settings", "organisation")
            .before(serde_json::to_value(before).unwrap_or_default())
            .after(serde_json::to_value(settings).unwrap_or_default()),
    )
    .await?;
    Ok(settings)
}
