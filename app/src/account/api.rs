//! Server functions for one's own account, and for forgotten passwords.

#[cfg(feature = "ssr")]
use crate::auth::door::{Caller, serve, serve_anyone};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use caretrack::permissions::Permission;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
fn context() -> Result<(crate::state::AppState, crate::auth::RequestMeta), AppError> {
    Ok((crate::state::app_state()?, crate::auth::request_meta()))
}

/// Emails a reset link if the address has an account; says the same either way.
#[server(endpoint = "request_password_reset", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    serve_anyone(async || {
        let (state, meta) = context()?;
        super::ssr::request_reset(&state, &email, &meta).await
    })
    .await
}

#[server(endpoint = "reset_password", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn reset_password(
    token: String,
    password: String,
    password_again: String,
) -> Result<(), AppError> {
    serve_anyone(async || {
        let (state, meta) = context()?;

        super::ssr::reset_password(&state, &token, &password, &password_again, &meta).await?;
        leptos_axum::redirect("/login?reset=done");
        Ok(())
    })
    .await
}

#[server(endpoint = "change_password", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn change_password(
    current_password: String,
    password: String,
    password_again: String,
) -> Result<(), AppError> {
    serve(
        Permission::ManageOwnAccount,
        async |Caller { user, actor, state }| {
            super::ssr::change_password(
                &state,
                &user,
                &current_password,
                &password,
                &password_again,
                &actor,
            )
            .await
        },
    )
    .await
}

#[server(endpoint = "request_email_change", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn request_email_change(
    new_email: String,
    current_password: String,
) -> Result<(), AppError> {
    serve(
        Permission::ManageOwnAccount,
        async |Caller { user, actor, state }| {
            super::ssr::request_email_change(&state, &user, &new_email, &current_password, &actor)
                .await
        },
    )
    .await
}

#[server(endpoint = "confirm_email_change", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn confirm_email_change(token: String) -> Result<String, AppError> {
    serve_anyone(async || {
        let (state, meta) = context()?;
        super::ssr::confirm_email_change(&state, &token, &meta).await
    })
    .await
}

/// A signed-in device, as the devices list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub id: String,
    pub label: String,
    pub ip: Option<String>,
    pub signed_in: String,
    pub last_seen: String,
    pub current: bool,
}

#[server(endpoint = "my_devices", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn my_devices() -> Result<Vec<Device>, AppError> {
    serve(
        Permission::ManageOwnAccount,
        async |Caller { user, state, .. }| {
            let sessions =
                crate::auth::sessions::list_live(&state, user.user_id, Some(user.session_id))
                    .await?;
            Ok(sessions
                .into_iter()
                .map(|s| Device {
                    id: s.id.to_string(),
                    label: s.device_label,
                    ip: s.ip,
                    signed_in: caretrack::london::format_datetime(s.created_at),
                    last_seen: caretrack::london::format_datetime(s.last_seen_at),
                    current: s.current,
                })
                .collect())
        },
    )
    .await
}

/// Signs one of the caller's own devices out (not found for anyone else's).
#[server(endpoint = "sign_out_device", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn sign_out_device(id: String) -> Result<(), AppError> {
    serve(
        Permission::ManageOwnAccount,
        async |Caller { user, actor, state }| {
            // Read here, not as a typed argument: a device id that is not one is not
            // found (404), where an unreadable argument elsewhere is refused (422).
            let id: caretrack::ids::SessionId = id
                .parse()
                .map_err(|_| AppError::NotFound("The device".into()))?;
            crate::auth::sessions::sign_out_own(&state, &user, id.into_uuid(), &actor).await
        },
    )
    .await
}

/// Two-step verification as the account page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    pub enabled: bool,
    pub backup_codes_left: i64,
}

#[server(endpoint = "two_factor_status", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn load_two_factor_status() -> Result<TwoFactorStatus, AppError> {
    serve(
        Permission::ManageOwnAccount,
        async |Caller { user, state, .. }| {
            let (enabled, backup_codes_left) =
                crate::auth::two_factor::status(&state, user.user_id).await?;
            Ok(TwoFactorStatus {
                enabled,
                backup_codes_left,
            })
        },
    )
    .await
}

/// A new secret to scan: the QR code (an SVG `data:` URL, as the CSP allows images) and
/// the secret for typing in.
#[server(endpoint = "start_two_factor", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn start_two_factor() -> Result<(String, String), AppError> {
    serve(
        Permission::ManageOwnAccount,
        async |Caller { user, state, .. }| {
            let enrolment = crate::auth::two_factor::start_enrolment(&state, &user).await?;
            use base64::{Engine, engine::general_purpose::STANDARD};
            let qr = format!(
                "data:image/svg+xml;base64,{}",
                STANDARD.encode(enrolment.qr_svg)
            );
            Ok((qr, enrolment.secret))
        },
    )
    .await
}

/// Confirms with a first code; returns the backup codes (shown once).
#[server(endpoint = "confirm_two_factor", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn confirm_two_factor(code: String) -> Result<Vec<String>, AppError> {
    serve(
        Permission::ManageOwnAccount,
        async |Caller { user, actor, state }| {
            crate::auth::two_factor::confirm_enrolment(&state, &user, &actor, &code).await
        },
    )
    .await
}

#[server(endpoint = "disable_two_factor", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn disable_two_factor(current_password: String, code: String) -> Result<(), AppError> {
    serve(
        Permission::ManageOwnAccount,
        async |Caller { user, actor, state }| {
            crate::auth::two_factor::disable(&state, &user, &actor, &current_password, &code).await
        },
    )
    .await
}
