//! Wire types and server functions of the carer's side of ratings: what is waiting for
//! them, their ratings and history, an assessment's answers, confirm and dispute.

use crate::error::AppError;
use caretrack::{CompetencyLevel, RatingState, assessment::Section};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A rating waiting for the carer's confirmation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRating {
    pub id: String,
    pub task: String,
    pub level: CompetencyLevel,
    /// The assessment's title (none for a manager's amendment without one).
    pub title: Option<String>,
    pub assessment_id: Option<String>,
    pub rated_by: Option<String>,
    pub rated_at: String,
    pub comments: String,
    /// A manager's note when this is an amended rating after a dispute.
    pub resolution: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct RatingChange {
    pub task: String,
    pub level: CompetencyLevel,
    pub state: RatingState,
    pub reason: Option<String>,
    pub by: Option<String>,
    pub at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarerRatings {
    pub pending: Vec<PendingRating>,
    pub ratings: Vec<MyRating>,
    pub history: Vec<RatingChange>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerLine {
    pub section: Section,
    pub prompt: String,
    pub answer: String,
    pub score: Option<u8>,
    pub not_applicable: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentAnswers {
    pub title: String,
    pub scale_max: u8,
    pub score: Option<String>,
    pub lines: Vec<AnswerLine>,
}

#[cfg(feature = "ssr")]
async fn carer() -> Result<
    (
        crate::auth::CurrentUser,
        crate::audit::Actor,
        crate::state::AppState,
    ),
    AppError,
> {
    crate::auth::guard(caretrack::permissions::Permission::ConfirmOwnRatings).await
}

#[server(endpoint = "my_ratings", client = crate::csrf::CsrfClient)]
pub async fn my_ratings() -> Result<CarerRatings, AppError> {
    let (user, _, state) = carer().await?;
    crate::error::with_status(super::ratings::for_carer(&state, user.user_id).await)
}

#[server(endpoint = "my_assessment_answers", client = crate::csrf::CsrfClient)]
pub async fn my_assessment_answers(assessment_id: String) -> Result<AssessmentAnswers, AppError> {
    let (user, _, state) = carer().await?;
    let id = assessment_id
        .parse()
        .map_err(|_| AppError::NotFound("The assessment".into()))?;
    crate::error::with_status(super::ratings::answers_for_carer(&state, user.user_id, id).await)
}

/// Confirms (`dispute` false) or disputes, with a reason, one of the caller's pending
/// ratings.
#[server(endpoint = "answer_rating", client = crate::csrf::CsrfClient)]
pub async fn answer_rating(id: String, dispute: bool, reason: String) -> Result<(), AppError> {
    let (user, actor, state) = carer().await?;
    let id = id
        .parse()
        .map_err(|_| AppError::NotFound("The rating".into()))?;
    let action = if dispute {
        caretrack::rating::RatingAction::Dispute
    } else {
        caretrack::rating::RatingAction::Confirm
    };
    crate::error::with_status(
        super::ratings::answer(&state, &user, &actor, id, action, &reason).await,
    )
}
