//! The dashboard's figures and the server function that reads them.

#[cfg(feature = "ssr")]
use crate::auth::door::{Caller, serve};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use caretrack::permissions::Permission;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    pub carers: i64,
    pub office_staff: i64,
    pub pending_invitations: i64,
    pub care_packages: i64,
    pub tasks: i64,
    /// Carer ↔ package links.
    pub carer_assignments: i64,
    /// Package ↔ task links.
    pub task_assignments: i64,
    /// Completions logged today (Europe/London).
    pub completions_today: i64,
    /// Carers who logged anything today.
    pub carers_active_today: i64,
    /// Over every carer × assigned task; `None` with nothing assigned.
    pub average_progress: Option<f64>,
    /// Everything in the recycle bin.
    pub recycle_bin: i64,
    /// PDF reports ready to download, and being made.
    pub reports_ready: i64,
    pub reports_in_progress: i64,
    /// Assessments ready to start, in progress (or returned), awaiting approval.
    pub assessments_ready: i64,
    pub assessments_in_progress: i64,
    pub assessments_awaiting_approval: i64,
    /// Ratings waiting for carers, and disputed.
    pub ratings_pending: i64,
    pub ratings_disputed: i64,
    /// Effective ratings overdue for review, and due within 30 days.
    pub reviews_overdue: i64,
    pub reviews_due: i64,
    pub audit_events_today: i64,
}

/// One line of the recent-activity feed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub id: i64,
    /// UK time, for people.
    pub when: String,
    pub who: String,
    pub what: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub counts: Counts,
    pub recent: Vec<Activity>,
}

#[server(endpoint = "dashboard", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn load_dashboard() -> Result<Dashboard, AppError> {
    serve(Permission::ManageCare, async |Caller { state, .. }| {
        super::ssr::dashboard(&state).await
    })
    .await
}
