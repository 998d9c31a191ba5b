//! Wire types and server functions for invitations: managing them (care managers) and
//! accepting one (anyone holding a valid link).

#[cfg(feature = "ssr")]
use crate::auth::door::{Caller, serve, serve_anyone};
use crate::error::AppError;
use caretrack::Role;
#[cfg(feature = "ssr")]
use caretrack::permissions::Permission;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const PAGE_SIZE: i64 = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Expired,
    Revoked,
}

impl InvitationStatus {
    pub const fn label(self) -> &'static str {
        match self {
            InvitationStatus::Pending => "Pending",
            InvitationStatus::Accepted => "Accepted",
            InvitationStatus::Expired => "Expired",
            InvitationStatus::Revoked => "Revoked",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewInvitation {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub role: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationSummary {
    pub id: caretrack::ids::InvitationId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub status: InvitationStatus,
    /// When it was last sent, UK time.
    pub sent: String,
    pub send_count: i32,
    pub expires: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPage {
    pub items: Vec<InvitationSummary>,
    pub total: i64,
    pub page: i64,
}

/// What the invitee sees before accepting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub role: Role,
    pub organisation: String,
}

#[server(endpoint = "invite_person", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn invite_person(
    first_name: String,
    last_name: String,
    email: String,
    role: String,
) -> Result<InvitationSummary, AppError> {
    serve(
        Permission::ManageUsers,
        async |Caller { user, actor, state }| {
            let invitation = NewInvitation {
                first_name,
                last_name,
                email,
                role,
            };
            super::ssr::create(&state, &user, &actor, invitation).await
        },
    )
    .await
}

#[server(endpoint = "list_invitations", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn list_invitations(page: i64) -> Result<InvitationPage, AppError> {
    serve(Permission::ManageUsers, async |Caller { state, .. }| {
        super::ssr::list(&state, page).await
    })
    .await
}

#[server(endpoint = "resend_invitation", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn resend_invitation(id: caretrack::ids::InvitationId) -> Result<(), AppError> {
    serve(
        Permission::ManageUsers,
        async |Caller { user, actor, state }| super::ssr::resend(&state, &user, &actor, id).await,
    )
    .await
}

#[server(endpoint = "revoke_invitation", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn revoke_invitation(id: caretrack::ids::InvitationId) -> Result<(), AppError> {
    serve(
        Permission::ManageUsers,
        async |Caller { user, actor, state }| super::ssr::revoke(&state, &user, &actor, id).await,
    )
    .await
}

#[server(endpoint = "invitation_for", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn invitation_for(token: String) -> Result<InvitationView, AppError> {
    serve_anyone(async || {
        let state = crate::state::app_state()?;
        let meta = crate::auth::request_meta();
        let ip = meta.ip_key();
        crate::auth::rate_limit::hit(&state, crate::auth::rate_limit::INVITATION_PER_IP, &ip)
            .await?;
        super::ssr::view(&state, &token).await
    })
    .await
}

/// Creates the account from the invitation, signs in and goes to the role's home.
#[server(endpoint = "accept_invitation", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn accept_invitation(
    token: String,
    first_name: String,
    last_name: String,
    phone: String,
    password: String,
    password_again: String,
) -> Result<(), AppError> {
    serve_anyone(async || {
        let state = crate::state::app_state()?;
        let meta = crate::auth::request_meta();
        let ip = meta.ip_key();
        crate::auth::rate_limit::hit(&state, crate::auth::rate_limit::INVITATION_PER_IP, &ip)
            .await?;
        let input = super::ssr::Acceptance {
            token: &token,
            first_name: &first_name,
            last_name: &last_name,
            phone: &phone,
            password: &password,
            password_again: &password_again,
        };
        let (tokens, user) = super::ssr::accept(&state, input, &meta).await?;
        let response = expect_context::<leptos_axum::ResponseOptions>();
        for cookie in crate::auth::cookies::token_cookies(&tokens, state.auth.secure_cookies) {
            response.append_header(axum::http::header::SET_COOKIE, cookie);
        }
        leptos_axum::redirect(user.role.home_path());
        Ok(())
    })
    .await
}
