//! Wire types and server functions of the People page (care managers).

use crate::error::AppError;
use caretrack::Role;
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
    pub id: String,
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

#[cfg(feature = "ssr")]
async fn with(
    permission: caretrack::permissions::Permission,
) -> Result<(crate::audit::Actor, crate::state::AppState), AppError> {
    let (_, actor, state) = crate::auth::guard(permission).await?;
    Ok((actor, state))
}

#[server(endpoint = "list_users", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn list_users(
    tab: Tab,
    search: String,
    fully_assessed: bool,
    page: i64,
) -> Result<UserPage, AppError> {
    let (_, state) = with(caretrack::permissions::Permission::ViewUsers).await?;
    super::ssr::list(&state, tab, &search, fully_assessed, page).await
}

/// Moves someone to the recycle bin.
#[server(endpoint = "delete_user", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn delete_user(id: String) -> Result<(), AppError> {
    let (actor, state) = with(caretrack::permissions::Permission::ManageUsers).await?;
    crate::error::with_status(super::ssr::delete(&state, &actor, &id).await)
}

#[server(endpoint = "set_user_active", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn set_user_active(id: String, active: bool) -> Result<(), AppError> {
    let (actor, state) = with(caretrack::permissions::Permission::ManageUsers).await?;
    crate::error::with_status(super::ssr::set_active(&state, &actor, &id, active).await)
}

#[server(endpoint = "change_user_role", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn change_user_role(id: String, role: String) -> Result<(), AppError> {
    let (actor, state) = with(caretrack::permissions::Permission::ManageUsers).await?;
    crate::error::with_status(super::ssr::change_role(&state, &actor, &id, &role).await)
}

#[server(endpoint = "sign_out_user", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn sign_out_user(id: String) -> Result<usize, AppError> {
    let (actor, state) = with(caretrack::permissions::Permission::RevokeAnySession).await?;
    crate::error::with_status(super::ssr::sign_out_everywhere(&state, &actor, &id).await)
}
