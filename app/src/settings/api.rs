//! Server functions of the Settings page.

#[cfg(feature = "ssr")]
use crate::auth::door::{Caller, serve};
use crate::error::AppError;
use caretrack::organisation::SecuritySettings;
#[cfg(feature = "ssr")]
use caretrack::permissions::Permission;
use leptos::prelude::*;

#[server(endpoint = "organisation_settings", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn load_settings() -> Result<SecuritySettings, AppError> {
    serve(
        Permission::ManageSettings,
        async |Caller { state, .. }| super::ssr::load(&state).await,
    )
    .await
}

/// The form's fields as typed; numbers are checked by the domain core.
#[server(endpoint = "save_organisation_settings", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn save_settings(
    #[server(default)] require_admin_2fa: Option<String>,
    max_sessions_per_user: String,
    admin_session_hours: String,
    carer_session_hours: String,
    lockout_threshold: String,
    lockout_minutes: String,
) -> Result<SecuritySettings, AppError> {
    serve(
        Permission::ManageSettings,
        async |Caller { user, actor, state }| {
            let form = caretrack::organisation::SecuritySettingsForm {
                require_admin_2fa,
                max_sessions_per_user,
                admin_session_hours,
                carer_session_hours,
                lockout_threshold,
                lockout_minutes,
            };
            super::ssr::save(&state, &user, &actor, &form).await
        },
    )
    .await
}
