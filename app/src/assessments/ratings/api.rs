//! Wire types and server functions of the carer's side of ratings: what is waiting for
//! them, their ratings and history, an assessment's answers, confirm and dispute.

#[cfg(feature = "ssr")]
use crate::auth::door::{Caller, serve};
use crate::error::AppError;
use crate::wire::{Named, Page};
#[cfg(feature = "ssr")]
use caretrack::permissions::Permission;
use caretrack::{
    CompetencyLevel, RatingState,
    assessment::Section,
    ids::{TaskId, UserId},
    rating::RatingAction,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A rating waiting for the carer's confirmation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct PendingRating {
    pub id: caretrack::ids::RatingId,
    pub task: String,
    pub level: CompetencyLevel,
    /// The assessment's title (none for a manager's amendment without one).
    pub title: Option<String>,
    pub assessment_id: Option<caretrack::ids::AssessmentId>,
    pub rated_by: Option<String>,
    pub rated_at: String,
    pub comments: String,
    /// A manager's note when this is an amended rating after a dispute.
    pub resolution: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct MyRating {
    pub task: String,
    /// The latest rating issued.
    pub level: CompetencyLevel,
    pub state: RatingState,
    /// The last confirmed level: the one that counts for shifts.
    pub effective: CompetencyLevel,
    pub review_due: Option<String>,
    pub dispute_reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct RatingChange {
    pub task: String,
    pub level: CompetencyLevel,
    pub state: RatingState,
    pub reason: Option<String>,
    pub by: Option<String>,
    pub at: String,
}

/// A milestone the carer reached: a task's target, an assessment completed, a
/// competent-or-better rating confirmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Achievement {
    pub what: String,
    pub when: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct CarerRatings {
    pub pending: Vec<PendingRating>,
    pub ratings: Vec<MyRating>,
    pub history: Vec<RatingChange>,
    /// Newest first, the latest 20.
    pub achievements: Vec<Achievement>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct AnswerLine {
    pub section: Section,
    pub prompt: String,
    pub answer: String,
    pub score: Option<u8>,
    pub not_applicable: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct AssessmentAnswers {
    pub title: String,
    pub scale_max: u8,
    pub score: Option<String>,
    pub lines: Vec<AnswerLine>,
}

#[server(endpoint = "my_ratings", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn my_ratings() -> Result<CarerRatings, AppError> {
    serve(
        Permission::ConfirmOwnRatings,
        async |Caller { user, state, .. }| super::ssr::for_carer(&state, user.user_id).await,
    )
    .await
}

#[server(endpoint = "my_assessment_answers", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn my_assessment_answers(
    assessment_id: caretrack::ids::AssessmentId,
) -> Result<AssessmentAnswers, AppError> {
    serve(
        Permission::ConfirmOwnRatings,
        async |Caller { user, state, .. }| {
            super::ssr::answers_for_carer(&state, user.user_id, assessment_id.into_uuid()).await
        },
    )
    .await
}

/// Confirms (`dispute` false) or disputes, with a reason, one of the caller's pending
/// ratings.
#[server(endpoint = "answer_rating", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn answer_rating(
    id: caretrack::ids::RatingId,
    dispute: bool,
    reason: String,
) -> Result<(), AppError> {
    serve(
        Permission::ConfirmOwnRatings,
        async |Caller { user, actor, state }| {
            let id = id.into_uuid();
            let action = if dispute {
                caretrack::rating::RatingAction::Dispute
            } else {
                caretrack::rating::RatingAction::Confirm
            };
            super::ssr::answer(&state, &user, &actor, id, action, &reason).await
        },
    )
    .await
}

/// A rating on progress page 4: waiting for the carer, or disputed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct QueueRow {
    pub id: caretrack::ids::RatingId,
    pub carer: Named<UserId>,
    pub task: String,
    pub level: CompetencyLevel,
    pub effective: CompetencyLevel,
    pub rated_by: Option<String>,
    pub rated_at: String,
    pub reminded_at: Option<String>,
    pub disputed_at: Option<String>,
    pub dispute_reason: Option<String>,
    pub review_due: Option<String>,
    pub review_overdue: bool,
}

/// Which ratings progress page 4 lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub enum QueueKind {
    Disputed,
    Pending,
    /// Effective ratings overdue for review or due within 30 days.
    Reviews,
}

/// A carer's standing on one task (progress page 3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct TaskRating {
    pub carer: Named<UserId>,
    pub effective: CompetencyLevel,
    /// The latest rating's state; none when never rated.
    pub state: Option<RatingState>,
    pub progress: String,
}

#[server(endpoint = "rating_queue", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn rating_queue(queue: QueueKind, page: i64) -> Result<Page<QueueRow>, AppError> {
    serve(
        Permission::ResolveDisputes,
        async |Caller { state, .. }| super::ssr::queue(&state, queue, page).await,
    )
    .await
}

/// Upholds, amends (with `level`) or sends for reassessment a disputed rating.
#[server(endpoint = "resolve_rating", client = crate::csrf::CsrfClient, output = crate::codec::Json, input = leptos::server_fn::codec::Json)]
pub async fn resolve_rating(
    id: caretrack::ids::RatingId,
    action: RatingAction,
    level: Option<CompetencyLevel>,
    note: String,
) -> Result<(), AppError> {
    serve(
        Permission::ResolveDisputes,
        async |Caller { actor, state, .. }| {
            let id = id.into_uuid();
            super::ssr::resolve(&state, &actor, id, action, level, &note).await
        },
    )
    .await
}

#[server(endpoint = "task_ratings", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn task_ratings(task: TaskId) -> Result<Vec<TaskRating>, AppError> {
    serve(
        Permission::ManageRatings,
        async |Caller { state, .. }| super::ssr::task_ratings(&state, *task.as_uuid()).await,
    )
    .await
}

/// Sets a rating for one or many carers on a task, with a reason; answers how many.
#[server(endpoint = "set_rating", client = crate::csrf::CsrfClient, output = crate::codec::Json, input = leptos::server_fn::codec::Json)]
pub async fn set_rating(
    carers: Vec<UserId>,
    task: TaskId,
    level: CompetencyLevel,
    reason: String,
) -> Result<u64, AppError> {
    serve(
        Permission::ManageRatings,
        async |Caller { actor, state, .. }| {
            let carers: Vec<_> = carers.iter().map(|c| *c.as_uuid()).collect();

            super::ssr::set_manually(&state, &actor, &carers, *task.as_uuid(), level, &reason)
                .await
                .map(|n| n as u64)
        },
    )
    .await
}
