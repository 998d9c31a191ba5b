//! Wire types and server functions of the People page (care managers).

#[cfg(feature = "ssr")]
use crate::auth::door::{Caller, serve};
use crate::error::AppError;
use caretrack::Role;
#[cfg(feature = "ssr")]
use caretrack::permissions::Permission;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const PAGE_SIZE: i64 = 25;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tab {
    Carers,
    /// Care managers, assessors and viewers.
    Office,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: caretrack::ids::UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
    pub locked: bool,
    pub last_sign_in: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    pub items: Vec<UserRow>,
    pub total: i64,
    pub page: i64,
}

#[server(endpoint = "list_users", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn list_users(
    tab: Tab,
    search: String,
    fully_assessed: bool,
    page: i64,
) -> Result<UserPage, AppError> {
    serve(Permission::ViewUsers, async |Caller { state, .. }| {
        super::ssr::list(&state, tab, &search, fully_assessed, page).await
    })
    .await
}

/// Moves someone to the recycle bin.
#[server(endpoint = "delete_user", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn delete_user(id: caretrack::ids::UserId) -> Result<(), AppError> {
    serve(
        Permission::ManageUsers,
        async |Caller { actor, state, .. }| super::ssr::delete(&state, &actor, id).await,
    )
    .await
}

#[server(endpoint = "set_user_active", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn set_user_active(id: caretrack::ids::UserId, active: bool) -> Result<(), AppError> {
    serve(
        Permission::ManageUsers,
        async |Caller { actor, state, .. }| {
            super::ssr::set_active(&state, &actor, id, active).await
        },
    )
    .await
}

#[server(endpoint = "change_user_role", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn change_user_role(id: caretrack::ids::UserId, role: String) -> Result<(), AppError> {
    serve(
        Permission::ManageUsers,
        async |Caller { actor, state, .. }| {
            super::ssr::change_role(&state, &actor, id, &role).await
        },
    )
    .await
}

#[server(endpoint = "sign_out_user", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn sign_out_user(id: caretrack::ids::UserId) -> Result<u64, AppError> {
    serve(
        Permission::RevokeAnySession,
        async |Caller { actor, state, .. }| {
            super::ssr::sign_out_everywhere(&state, &actor, id).await
        },
    )
    .await
}
