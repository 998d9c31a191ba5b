//! Wire types and server functions of the notification centre (everyone signed in).

#[cfg(feature = "ssr")]
use crate::auth::door::{Caller, serve, serve_anyone};
use crate::error::AppError;
use caretrack::notification::Choice;
#[cfg(feature = "ssr")]
use caretrack::permissions::Permission;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const PAGE_SIZE: i64 = 20;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationItem {
    pub id: caretrack::ids::NotificationId,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    /// UK time.
    pub when: String,
    pub read: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationPage {
    pub items: Vec<NotificationItem>,
    pub total: i64,
    pub unread: i64,
    pub page: i64,
}

/// One's notifications, newest first; `unread_only` leaves out the read ones.
#[server(endpoint = "my_notifications", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn my_notifications(page: i64, unread_only: bool) -> Result<NotificationPage, AppError> {
    serve(
        Permission::ManageOwnAccount,
        async |Caller { user, state, .. }| {
            super::ssr::list(&state.db, user.user_id, page, unread_only).await
        },
    )
    .await
}

/// How many of one's notifications are unread (the bell, on every page: a visitor
/// has none, rather than an error that would mark the page unauthorised).
#[server(endpoint = "unread_notifications", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn unread_notifications() -> Result<i64, AppError> {
    serve_anyone(async || {
        let Ok(user) = crate::auth::current_user() else {
            return Ok(0);
        };
        let state = crate::state::app_state()?;
        super::ssr::unread(&state.db, user.user_id).await
    })
    .await
}

/// Marks one notification read; it must be one's own. Answers the unread count.
#[server(endpoint = "mark_notification_read", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn mark_notification_read(id: caretrack::ids::NotificationId) -> Result<i64, AppError> {
    serve(
        Permission::ManageOwnAccount,
        async |Caller { user, state, .. }| {
            super::ssr::mark_read(&state.db, user.user_id, Some(id.into_uuid())).await
        },
    )
    .await
}

/// Marks every notification read. Answers the unread count (0).
#[server(endpoint = "mark_all_notifications_read", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn mark_all_notifications_read() -> Result<i64, AppError> {
    serve(
        Permission::ManageOwnAccount,
        async |Caller { user, state, .. }| {
            super::ssr::mark_read(&state.db, user.user_id, None).await
        },
    )
    .await
}

/// One's choices, for the kinds one's role receives.
#[server(endpoint = "notification_choices", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn notification_choices() -> Result<Vec<Choice>, AppError> {
    serve(
        Permission::ManageOwnAccount,
        async |Caller { user, state, .. }| {
            super::ssr::choices(&state.db, user.user_id, user.role).await
        },
    )
    .await
}

/// Saves one's choices (kinds the role does not receive are refused).
#[server(endpoint = "save_notification_choices", client = crate::csrf::CsrfClient, output = crate::codec::Json, input = leptos::server_fn::codec::Json)]
pub async fn save_notification_choices(choices: Vec<Choice>) -> Result<Vec<Choice>, AppError> {
    serve(
        Permission::ManageOwnAccount,
        async |Caller { user, state, .. }| super::ssr::save_choices(&state, &user, &choices).await,
    )
    .await
}
