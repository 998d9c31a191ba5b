//! The organisation's rule settings: read and saved (the server validates and audits).

#[cfg(feature = "ssr")]
use crate::auth::door::{Caller, serve};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use caretrack::permissions::Permission;
use caretrack::rota::RuleSettings;
use leptos::prelude::*;

#[server(endpoint = "rule_settings", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn load_rule_settings() -> Result<RuleSettings, AppError> {
    serve(
        Permission::ManageSettings,
        async |Caller { state, .. }| super::ssr::rule_settings(&state.db).await,
    )
    .await
}

#[server(endpoint = "save_rule_settings", client = crate::csrf::CsrfClient, output = crate::codec::Json, input = leptos::server_fn::codec::Json)]
pub async fn save_rule_settings(settings: RuleSettings) -> Result<RuleSettings, AppError> {
    serve(
        Permission::ManageSettings,
        async |Caller { actor, state, .. }| {
            super::ssr::save_rule_settings(&state, &actor, settings).await
        },
    )
    .await
}
