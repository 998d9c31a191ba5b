//! Wire types and server functions for care packages, tasks, assignments and daily
//! practice. The REST handlers under `/api/v1` call the same services (`super::ssr`).

#[cfg(feature = "ssr")]
use crate::auth::door::{Caller, serve};
use crate::error::AppError;
use crate::wire::{Named, Page};
#[cfg(feature = "ssr")]
use caretrack::permissions::Permission;
use caretrack::{
    care::ProgressReport,
    ids::{CarePackageId, TaskId, UserId},
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const PAGE_SIZE: i64 = 25;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct PackageSummary {
    pub id: CarePackageId,
    pub name: String,
    pub postcode_district: String,
    pub tasks: i64,
    pub carers: i64,
}

/// A package with what is attached to it. The client's name and address are present
/// only for those allowed to read them (`caretrack::care::may_see_client_details`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct PackageDetail {
    pub id: CarePackageId,
    pub name: String,
    pub postcode_district: String,
    pub client_name: Option<String>,
    pub address_lines: Option<Vec<String>>,
    pub tasks: Vec<Named<TaskId>>,
    pub carers: Vec<Named<UserId>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct TaskSummary {
    pub id: TaskId,
    pub name: String,
    pub category: String,
    pub description: String,
    pub target_count: i32,
    /// Packages the task is performed at.
    pub packages: i64,
}

/// A task on a carer's list for today.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct TodayTask {
    pub task_id: TaskId,
    pub name: String,
    pub category: String,
    pub description: String,
    pub logged_today: i32,
    pub remaining_today: i32,
    pub progress: ProgressReport,
    /// Where the carer performs it (the first is the default for a log).
    pub packages: Vec<Named<CarePackageId>>,
}

/// The carer's day: the tasks still short of their target, and overall progress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Today {
    pub tasks: Vec<TodayTask>,
    /// Tasks assigned in all (including those complete).
    pub assigned: i64,
    /// Over every assigned task; `None` when none is assigned.
    pub overall_percent: Option<f64>,
    /// The carer's latest logs, newest first.
    pub recent: Vec<RecentLog>,
    /// New ratings waiting for the carer to confirm or dispute them.
    pub pending_confirmations: i64,
    pub unread_notifications: i64,
}

/// One of a carer's recent logs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct RecentLog {
    pub task: String,
    pub count: i32,
    /// UK time it happened.
    pub when: String,
    /// Logged on the phone while offline and sent later.
    pub offline: bool,
}

/// The answer to a logged completion (and, for a replay, the first answer again).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct LoggedPractice {
    pub task_id: TaskId,
    pub logged_today: i32,
    pub remaining_today: i32,
    pub progress: ProgressReport,
    /// An assessment covering this task is ready for the carer: this log completed the
    /// practice it needs (on a replay: one is ready now).
    pub assessment_ready: bool,
}

/// A log made while the phone had no connection, kept on it until sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct QueuedLog {
    /// Made when the log was typed; sent again as often as needed, counted once.
    pub idempotency_key: String,
    /// Who made it: only they send it (a phone may be shared by carers who sign in
    /// and out on it).
    pub carer: UserId,
    pub task_id: TaskId,
    pub care_package_id: CarePackageId,
    /// As typed (checked by the server like an online log).
    pub count: String,
    /// When it was made, RFC 3339 from the phone's clock: the day it counts for.
    pub logged_at: String,
    /// For telling the carer what was refused.
    pub task_name: String,
}

/// What became of one sent log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub enum SyncOutcome {
    /// Counted now (or before: a key already counted answers its first result).
    Counted,
    /// Refused for good (over the day's cap, no longer assigned, too old …): why.
    Refused(String),
    /// Not decided (the server could not do it just now): keep it and send it again.
    Later,
}

/// The most logs one sync sends.
pub const SYNC_BATCH: usize = 100;

/// One task's row in a carer's progress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ProgressRow {
    pub task_id: TaskId,
    pub name: String,
    pub category: String,
    pub progress: ProgressReport,
    /// Whether the task is still on the carer's list (assigned through a package).
    pub assigned: bool,
    /// UK time of the last log, for people.
    pub last_logged: Option<String>,
    /// The effective level, and a newer rating if one waits: "Competent (Proficient
    /// awaiting confirmation)".
    pub rating: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct CarerProgress {
    pub carer: Named<UserId>,
    pub rows: Vec<ProgressRow>,
    pub overall_percent: Option<f64>,
}

#[server(endpoint = "care_packages", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn list_packages(search: String, page: i64) -> Result<Page<PackageSummary>, AppError> {
    serve(
        Permission::ViewCare,
        async |Caller { user, state, .. }| {
            super::ssr::packages::list(&state, &user, &search, page).await
        },
    )
    .await
}

#[server(endpoint = "care_package", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn load_package(id: CarePackageId) -> Result<PackageDetail, AppError> {
    serve(
        Permission::ViewCare,
        async |Caller { user, state, .. }| super::ssr::packages::detail(&state, &user, id).await,
    )
    .await
}

/// Creates a package (no `id`) or changes one.
#[server(endpoint = "save_care_package", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn save_package(
    #[server(default)] id: Option<CarePackageId>,
    name: String,
    postcode_district: String,
    client_name: String,
    address: String,
) -> Result<CarePackageId, AppError> {
    serve(
        Permission::ManageCare,
        async |Caller { actor, state, .. }| {
            let form = caretrack::care::PackageForm {
                name,
                postcode_district,
                client_name,
                address,
            };
            super::ssr::packages::save(&state, &actor, id, &form).await
        },
    )
    .await
}

#[server(endpoint = "delete_care_package", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn delete_package(id: CarePackageId) -> Result<(), AppError> {
    serve(
        Permission::ManageCare,
        async |Caller { actor, state, .. }| super::ssr::packages::delete(&state, &actor, id).await,
    )
    .await
}

#[server(endpoint = "tasks", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn list_tasks(search: String, page: i64) -> Result<Page<TaskSummary>, AppError> {
    serve(
        Permission::ViewCare,
        async |Caller { user, state, .. }| {
            super::ssr::tasks::list(&state, &user, &search, page).await
        },
    )
    .await
}

#[server(endpoint = "save_task", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn save_task(
    #[server(default)] id: Option<TaskId>,
    name: String,
    category: String,
    description: String,
    target_count: String,
) -> Result<TaskId, AppError> {
    serve(
        Permission::ManageCare,
        async |Caller { actor, state, .. }| {
            let form = caretrack::care::TaskForm {
                name,
                category,
                description,
                target_count,
            };
            super::ssr::tasks::save(&state, &actor, id, &form).await
        },
    )
    .await
}

#[server(endpoint = "delete_task", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn delete_task(id: TaskId) -> Result<(), AppError> {
    serve(
        Permission::ManageCare,
        async |Caller { actor, state, .. }| super::ssr::tasks::delete(&state, &actor, id).await,
    )
    .await
}

#[server(endpoint = "today", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn load_today() -> Result<Today, AppError> {
    serve(
        Permission::LogPractice,
        async |Caller { user, state, .. }| super::ssr::practice::today(&state, user.user_id).await,
    )
    .await
}

/// Logs completions of a task for today. `count` is the text typed, so that a slip is
/// an error beside the field rather than a failed request.
#[server(endpoint = "log_practice", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn log_practice(
    task_id: TaskId,
    care_package_id: CarePackageId,
    count: String,
    idempotency_key: String,
) -> Result<LoggedPractice, AppError> {
    serve(
        Permission::LogPractice,
        async |Caller { user, state, .. }| {
            super::ssr::practice::log_typed(
                &state,
                user.user_id,
                super::ssr::practice::Entry {
                    task_id,
                    care_package_id,
                    idempotency_key: &idempotency_key,
                    logged_at: None,
                },
                &count,
            )
            .await
        },
    )
    .await
}

/// Sends logs kept offline, oldest first: each is counted once by its idempotency
/// key, for the day it was made, within that day's cap. Answers one outcome per log,
/// in order.
#[server(endpoint = "sync_practice", client = crate::csrf::CsrfClient, output = crate::codec::Json, input = leptos::server_fn::codec::Json)]
pub async fn sync_practice(logs: Vec<QueuedLog>) -> Result<Vec<SyncOutcome>, AppError> {
    serve(
        Permission::LogPractice,
        async |Caller { user, state, .. }| {
            super::ssr::practice::sync(&state, user.user_id, &logs).await
        },
    )
    .await
}

#[server(endpoint = "carer_progress", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn load_progress(carer: UserId) -> Result<CarerProgress, AppError> {
    serve(
        Permission::ViewProgress,
        async |Caller { user, state, .. }| {
            super::ssr::practice::progress(&state, &user, carer).await
        },
    )
    .await
}

/// The signed-in carer's own progress per task, with their ratings.
#[server(endpoint = "my_progress", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn my_progress() -> Result<CarerProgress, AppError> {
    serve(
        Permission::ViewProgress,
        async |Caller { user, state, .. }| {
            super::ssr::practice::progress(&state, &user, user.user_id.into()).await
        },
    )
    .await
}

/// What an assignment change did (names, for the confirmation message).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct AssignmentChange {
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// What assigning a package to a carer would do to their list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct CarerImpact {
    pub carer: Named<UserId>,
    /// Tasks of the package not yet on the carer's list.
    pub new_tasks: i64,
    /// Of those, tasks the carer already has progress on (it counts: progress is global).
    pub with_progress: i64,
}

#[server(endpoint = "set_package_tasks", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn set_package_tasks(
    package: CarePackageId,
    tasks: Vec<TaskId>,
) -> Result<AssignmentChange, AppError> {
    serve(
        Permission::ManageCare,
        async |Caller { actor, state, .. }| {
            super::ssr::assignments::set_package_tasks(&state, &actor, package, &tasks).await
        },
    )
    .await
}

#[server(endpoint = "set_package_carers", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn set_package_carers(
    package: CarePackageId,
    carers: Vec<UserId>,
) -> Result<AssignmentChange, AppError> {
    serve(
        Permission::ManageCare,
        async |Caller { actor, state, .. }| {
            super::ssr::assignments::set_package_carers(&state, &actor, package, &carers).await
        },
    )
    .await
}

#[server(endpoint = "preview_package_carers", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn preview_package_carers(
    package: CarePackageId,
    carers: Vec<UserId>,
) -> Result<Vec<CarerImpact>, AppError> {
    serve(Permission::ManageCare, async |Caller { state, .. }| {
        super::ssr::assignments::preview_package_carers(&state, package, &carers).await
    })
    .await
}

/// Every live task, by name: the choices when assigning tasks to a package.
#[server(endpoint = "task_choices", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn task_choices() -> Result<Vec<Named<TaskId>>, AppError> {
    serve(Permission::ManageCare, async |Caller { state, .. }| {
        super::ssr::assignments::task_choices(&state).await
    })
    .await
}

/// Active carers, by name (carers: only themselves).
#[server(endpoint = "carer_choices", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn carer_choices() -> Result<Vec<Named<UserId>>, AppError> {
    serve(
        Permission::ViewProgress,
        async |Caller { user, state, .. }| {
            super::ssr::assignments::carer_choices(&state, &user).await
        },
    )
    .await
}

/// Sets a carer's progress on a task back to 0, with the reason (audited).
#[server(endpoint = "reset_progress", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn reset_progress(carer: UserId, task: TaskId, reason: String) -> Result<(), AppError> {
    serve(
        Permission::ResetProgress,
        async |Caller { actor, state, .. }| {
            super::ssr::practice::reset(&state, &actor, carer, task, &reason).await
        },
    )
    .await
}
