//! Wire types and server functions of the Jobs page (admin only).

#[cfg(feature = "ssr")]
use crate::auth::door::{Caller, serve};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use caretrack::permissions::Permission;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Failures shown per page.
pub const FAILURES_PER_PAGE: i64 = 20;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct QueueCount {
    pub queue: String,
    pub status: String,
    pub count: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct FailedJob {
    pub id: caretrack::ids::JobId,
    pub kind: String,
    pub queue: String,
    /// `FAILED` (waiting to retry) or `DEAD` (out of attempts).
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub last_error: String,
    /// When it last changed, UK time ("21 Nov 2026, 14:05").
    pub updated: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct JobsOverview {
    pub counts: Vec<QueueCount>,
    pub failures: Vec<FailedJob>,
    pub failures_total: i64,
    pub page: i64,
}

#[server(endpoint = "admin_jobs_overview", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn load_jobs_overview(page: i64) -> Result<JobsOverview, AppError> {
    serve(Permission::ManageJobs, async |Caller { state, .. }| {
        super::ssr::overview(&state.db, page).await
    })
    .await
}

#[server(endpoint = "admin_jobs_retry", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn retry_job(id: caretrack::ids::JobId) -> Result<(), AppError> {
    serve(
        Permission::ManageJobs,
        async |Caller { actor, state, .. }| super::ssr::retry(&state.db, id, &actor).await,
    )
    .await
}

#[server(endpoint = "admin_jobs_discard", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn discard_job(id: caretrack::ids::JobId) -> Result<(), AppError> {
    serve(
        Permission::ManageJobs,
        async |Caller { actor, state, .. }| super::ssr::discard(&state.db, id, &actor).await,
    )
    .await
}
