//! Identity and access: who is asking (resolved once per request by the server's
//! authentication layer) and whether they may (one guard over the permission table in
//! `caretrack::permissions`).

pub mod cookies;
pub mod door;
pub mod login;
pub mod passwords;
pub mod rate_limit;
pub mod sessions;
pub mod tokens;
pub mod totp;
pub mod two_factor;

use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    state::app_state,
};
use caretrack::{
    Role,
    permissions::{Permission, Scope},
};
use leptos::prelude::use_context;
use std::net::IpAddr;
use std::sync::Arc;

/// The signed-in person, put in the request's extensions by the authentication layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CurrentUser {
    pub user_id: sqlx::types::Uuid,
    pub role: Role,
    pub session_id: sqlx::types::Uuid,
}

/// Where a request came from: for audit records, rate limits and the device list.
#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

impl RequestMeta {
    /// The client address as a rate-limit key ("unknown" when there is none).
    pub fn ip_key(&self) -> String {
        self.ip
            .map(|ip| ip.to_string())
            .unwrap_or_else(|| "unknown".into())
    }
}

/// Keys and settings for signing in, built once from configuration.
pub struct AuthConfig {
    pub jwt: tokens::JwtKeys,
    pub hasher: Arc<passwords::PasswordHasher>,
    /// Cookies carry `Secure` (everywhere but plain-http development).
    pub secure_cookies: bool,
    /// A refresh token presented again within this time of its rotation is a parallel
    /// request from the same browser, not theft.
    pub refresh_reuse_grace: time::Duration,
}

impl CurrentUser {
    /// The scope of `permission` for this user, or `Forbidden`.
    pub fn scope(&self, permission: Permission) -> Result<Scope, AppError> {
        self.role.scope(permission).ok_or(AppError::Forbidden)
    }
}

/// The request's parts inside a server function (provided by leptos_axum).
fn request_parts() -> Option<axum::http::request::Parts> {
    use_context::<axum::http::request::Parts>()
}

/// The signed-in user of the current server function call, or `Unauthenticated`.
pub fn current_user() -> Result<CurrentUser, AppError> {
    request_parts()
        .and_then(|parts| parts.extensions.get::<CurrentUser>().copied())
        .ok_or(AppError::Unauthenticated)
}

/// The request metadata of the current server function call.
pub fn request_meta() -> RequestMeta {
    request_parts()
        .and_then(|parts| parts.extensions.get::<RequestMeta>().cloned())
        .unwrap_or_default()
}

/// The guard every server function starts with: the signed-in user, if they hold
/// `permission`; a refusal is audited.
#[tracing::instrument(skip_all)]
pub async fn require(permission: Permission) -> Result<(CurrentUser, Scope), AppError> {
    let user = current_user()?;
    let state = app_state()?;
    let scope = authorize(&state, &user, &request_meta(), permission).await?;
    Ok((user, scope))
}

/// What a guarded server function works with: who is asking (as an audit actor too),
/// and the state. Refusals carry their own HTTP status.
#[tracing::instrument(skip_all)]
pub async fn guard(
    permission: Permission,
) -> Result<(CurrentUser, crate::audit::Actor, crate::state::AppState), AppError> {
    let (user, _) = require(permission).await?;
    let meta = request_meta();
    Ok((user, crate::audit::Actor::user(&user, &meta), app_state()?))
}

/// Checks the signed-in person's current password (to change the password or the email
/// address, or to turn two-step verification off); returns their email address. Each
/// try is counted before the check (`rate_limit::REENTRY_PER_USER`): a stolen session
/// cannot be used to guess the password behind it.
#[tracing::instrument(skip_all)]
pub async fn verify_current_password(
    state: &crate::state::AppState,
    user: &CurrentUser,
    password: &str,
) -> Result<String, AppError> {
    rate_limit::hit(
        state,
        rate_limit::REENTRY_PER_USER,
        &user.user_id.to_string(),
    )
    .await?;
    let row = sqlx::query!(
        "select email, password_hash from users where id = $1",
        user.user_id
    )
    .fetch_one(&state.db)
    .await?;
    if state
        .auth
        .hasher
        .verify(Some(row.password_hash), password.to_owned())
        .await?
    {
        Ok(row.email)
    } else {
        Err(AppError::validation(
            "current_password",
            "That is not your current password.",
        ))
    }
}

/// A new password must pass the policy and be typed the same twice.
pub fn check_new_password(password: &str, again: &str, email: &str) -> Result<(), AppError> {
    caretrack::password::check_password(password, email)?;
    if password != again {
        return Err(AppError::validation(
            "password_again",
            "The two passwords are different.",
        ));
    }
    Ok(())
}

/// The one check behind every server function and REST handler: the role must hold the
/// permission, and a care manager must have two-step verification set up when the
/// organisation requires it (until then only their own account is open to them).
#[tracing::instrument(skip_all)]
pub async fn authorize(
    state: &crate::state::AppState,
    user: &CurrentUser,
    meta: &RequestMeta,
    permission: Permission,
) -> Result<Scope, AppError> {
    let Some(scope) = user.role.scope(permission) else {
        deny(state, user, meta, permission).await;
        return Err(AppError::Forbidden);
    };
    if permission != Permission::ManageOwnAccount {
        admit(state, user).await?;
    }
    Ok(scope)
}

/// What every signed-in request passes before anything beyond the person's own
/// account: a care manager whose organisation requires two-step verification must set
/// it up first. `authorize` runs it for every permission; routes open to anyone signed
/// in (file downloads, uploads, the live socket) run it themselves.
#[tracing::instrument(skip_all)]
pub async fn admit(state: &crate::state::AppState, user: &CurrentUser) -> Result<(), AppError> {
    if user.role == Role::Admin && needs_two_factor_setup(state, user).await? {
        return Err(AppError::TwoFactorRequired);
    }
    Ok(())
}

/// Whether this care manager must set up two-step verification before anything else.
#[tracing::instrument(skip_all)]
pub async fn needs_two_factor_setup(
    state: &crate::state::AppState,
    user: &CurrentUser,
) -> Result<bool, AppError> {
    if user.role != Role::Admin {
        return Ok(false);
    }
    Ok(sqlx::query_scalar!(
        r#"select (s.require_admin_2fa and u.totp_enabled_at is null) as "needed!"
             from organisation_settings s, users u where u.id = $1"#,
        user.user_id
    )
    .fetch_optional(&state.db)
    .await?
    .unwrap_or(false))
}

/// Records a refused request (best effort: the refusal stands either way).
#[tracing::instrument(skip_all)]
pub async fn deny(
    state: &crate::state::AppState,
    user: &CurrentUser,
    meta: &RequestMeta,
    permission: Permission,
) {
    tracing::info!(user_id = %user.user_id, role = user.role.as_str(), permission = permission.as_str(), "permission denied");
    // Its own outbox, published at once: the record is committed though the request
    // fails (and during a page's streamed render there is no request outbox at all).
    let recorded = crate::live::bus::publishing(&state.redis, async {
        let mut conn = state.db.acquire().await?;
        audit::record(
            &mut conn,
            &Actor::user(user, meta),
            Entry::new("auth.permission_denied")
                .after(serde_json::json!({ "permission": permission.as_str() })),
        )
        .await
    })
    .await;
    if let Err(err) = recorded {
        tracing::error!(error = %err, "could not audit a permission denial");
    }
}
