//! The shift sender's wire types and server functions.

#[cfg(feature = "ssr")]
use crate::auth::door::{Caller, serve};
use crate::error::AppError;
use crate::wire::Page;
#[cfg(feature = "ssr")]
use caretrack::permissions::Permission;
use caretrack::{
    ids::{ShiftId, UserId},
    rota::{ShiftKind, Violation},
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const PAGE_SIZE: i64 = 20;

/// Where a carer's interest in a shift stands (`application_status` in the database).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ApplicationStatus {
    Interested,
    Selected,
    Rejected,
    Withdrawn,
}

impl ApplicationStatus {
    pub fn from_db(text: &str) -> ApplicationStatus {
        match text {
            "SELECTED" => ApplicationStatus::Selected,
            "REJECTED" => ApplicationStatus::Rejected,
            "WITHDRAWN" => ApplicationStatus::Withdrawn,
            _ => ApplicationStatus::Interested,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ApplicationStatus::Interested => "Waiting for a decision",
            ApplicationStatus::Selected => "Selected: it is on your rota",
            ApplicationStatus::Rejected => "Not selected",
            ApplicationStatus::Withdrawn => "Withdrawn by a manager",
        }
    }
}

/// What a manager does with one application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Select,
    Reject,
    Withdraw,
}

/// A shift sent out to carers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct OpenShift {
    pub shift_id: ShiftId,
    pub package: String,
    /// "Wed 25 Nov, day 08:00–20:00", London time.
    pub when: String,
    pub kind: ShiftKind,
    /// Only carers competent in the package's tasks may apply.
    pub competent_only: bool,
    pub headcount: i32,
    /// Carers on it now.
    pub filled: i64,
    /// Applications waiting for a decision.
    pub waiting: i64,
    pub note: Option<String>,
}

/// A carer's own application.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct MyApplication {
    pub shift: OpenShift,
    pub status: ApplicationStatus,
    pub applied_at: String,
}

/// An applicant as the manager sees them: the engine's check of placing them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Applicant {
    pub carer_id: UserId,
    pub name: String,
    pub status: ApplicationStatus,
    pub applied_at: String,
    pub competent: bool,
    /// What selecting them would break (empty: nothing).
    pub violations: Vec<Violation>,
    /// Selecting them is refused while this holds.
    pub blocked: bool,
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ShiftApplicants {
    pub shift: OpenShift,
    pub on_shift: Vec<String>,
    pub applicants: Vec<Applicant>,
}

/// Sends a shift out: carers eligible for it see it under "Available shifts".
#[server(endpoint = "send_shift_out", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn send_shift_out(
    shift: ShiftId,
    competent_only: bool,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    serve(
        Permission::ManageRota,
        async |Caller { actor, state, .. }| {
            super::ssr::open(&state, &actor, shift, competent_only, &note).await
        },
    )
    .await
}

/// Stops taking interest: waiting applicants are told they were not selected.
#[server(endpoint = "close_shift", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn close_shift(shift: ShiftId) -> Result<u32, AppError> {
    serve(
        Permission::ManageRota,
        async |Caller { actor, state, .. }| super::ssr::close(&state, &actor, shift).await,
    )
    .await
}

#[server(endpoint = "open_shifts", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn list_open_shifts(page: i64) -> Result<Page<OpenShift>, AppError> {
    serve(Permission::ManageRota, async |Caller { state, .. }| {
        super::ssr::open_shifts(&state.db, page).await
    })
    .await
}

#[server(endpoint = "shift_applicants", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn load_applicants(shift: ShiftId) -> Result<ShiftApplicants, AppError> {
    serve(
        Permission::ManageRota,
        async |Caller { actor, state, .. }| super::ssr::applicants(&state, &actor, shift).await,
    )
    .await
}

/// Selects, rejects or withdraws one application. Selecting runs the rules engine:
/// refused while it breaks a blocking rule; other findings need `reason`.
#[server(endpoint = "decide_application", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn decide_application(
    shift: ShiftId,
    carer: UserId,
    decision: Decision,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    serve(
        Permission::ManageRota,
        async |Caller { actor, state, .. }| {
            super::ssr::decide(&state, &actor, shift, carer, decision, &reason).await
        },
    )
    .await
}

/// Open shifts the signed-in carer may apply for.
#[server(endpoint = "available_shifts", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn available_shifts(page: i64) -> Result<Page<OpenShift>, AppError> {
    serve(
        Permission::ApplyForShifts,
        async |Caller { user, state, .. }| {
            super::ssr::available(&state.db, user.user_id, page).await
        },
    )
    .await
}

#[server(endpoint = "confirm_interest", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn confirm_interest(shift: ShiftId) -> Result<(), AppError> {
    serve(
        Permission::ApplyForShifts,
        async |Caller { actor, state, .. }| super::ssr::apply(&state, &actor, shift).await,
    )
    .await
}

#[server(endpoint = "my_applications", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn my_applications(page: i64) -> Result<Page<MyApplication>, AppError> {
    serve(
        Permission::ApplyForShifts,
        async |Caller { user, state, .. }| {
            super::ssr::applications(&state.db, user.user_id, page).await
        },
    )
    .await
}
