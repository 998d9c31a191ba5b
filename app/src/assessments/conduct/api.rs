//! Wire types and server functions of the assessment workflow: the list on progress
//! page 2, starting an assessment, the conductor's view, its autosaved draft, evidence,
//! and the submission.

#[cfg(feature = "ssr")]
use crate::auth::door::{Caller, serve};
use crate::error::AppError;
use crate::wire::{Named, Page};
#[cfg(feature = "ssr")]
use caretrack::permissions::Permission;
use caretrack::{
    CompetencyLevel,
    assessment::{Section, Thresholds, Weights},
    conduct::{AssessmentStatus, ItemRule, JudgementForm, Response, Step},
    ids::UserId,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What progress page 2 shows; every part optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct AssessmentFilter {
    pub status: Option<AssessmentStatus>,
    pub carer: Option<UserId>,
    pub template: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct AssessmentRow {
    pub id: caretrack::ids::AssessmentId,
    pub carer: Named<UserId>,
    pub title: String,
    pub version: i32,
    pub status: AssessmentStatus,
    /// When it became ready (London time).
    pub ready_at: String,
    pub assessor: Option<String>,
    /// "72.50 %", once submitted.
    pub score: Option<String>,
    pub final_level: Option<CompetencyLevel>,
}

/// One item as stored in the draft, with who wrote it last.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct StoredResponse {
    pub item_id: String,
    pub response: Response,
    /// 0 while nothing is stored.
    pub revision: i64,
    pub updated_by: Option<String>,
}

/// The review step as stored in the draft.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct StoredReview {
    pub form: JudgementForm,
    pub revision: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ConductItem {
    pub id: String,
    pub section: Section,
    pub position: i32,
    pub prompt: String,
    /// Knowledge and emergency items; served to assessors only.
    pub model_answer: Option<String>,
    pub rule: ItemRule,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Evidence {
    pub file_id: caretrack::ids::FileId,
    pub name: String,
    pub size: String,
    pub caption: String,
    pub added_by: String,
}

/// What the assessor decided, once submitted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Outcome {
    pub score: String,
    pub suggested: CompetencyLevel,
    pub final_level: CompetencyLevel,
    pub reason: Option<String>,
    pub comments: String,
    pub approval_comments: Option<String>,
}

/// Everything the conductor needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ConductView {
    pub id: caretrack::ids::AssessmentId,
    pub carer: Named<UserId>,
    pub title: String,
    pub version: i32,
    pub status: AssessmentStatus,
    pub assessor: Option<String>,
    pub weights: Weights,
    pub scale_max: u8,
    pub thresholds: Thresholds,
    /// The tasks the rating will cover.
    pub tasks: Vec<String>,
    pub items: Vec<ConductItem>,
    pub step: Step,
    pub draft: DraftState,
    pub evidence: Vec<Evidence>,
    /// Submitting sends it for approval first (organisation setting).
    pub approval_required: bool,
    /// The viewer may approve or return it (waiting for approval, and they neither
    /// conducted nor submitted it).
    pub may_approve: bool,
    /// The viewer is the assessor conducting it (only they may change it; another
    /// takes it over first).
    pub conducting: bool,
    /// Why the approver returned it, while it is returned.
    pub returned_comments: Option<String>,
    pub outcome: Option<Outcome>,
}

/// The stored draft: every item's response and the review.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct DraftState {
    pub items: Vec<StoredResponse>,
    pub review: StoredReview,
    /// What this save replaced that another device had changed since this one last
    /// looked (item prompts, or the review step): last write wins, and says so.
    pub overwritten: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ItemEdit {
    pub item_id: String,
    pub response: Response,
    /// The revision this device last saw (0: none).
    pub base_revision: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ReviewEdit {
    pub form: JudgementForm,
    pub base_revision: i64,
}

/// One autosave: the edited items, the review if it changed, and the step shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct DraftEdit {
    /// This browser's id (kept in its local storage).
    pub device_id: String,
    pub step: Step,
    pub items: Vec<ItemEdit>,
    pub review: Option<ReviewEdit>,
}

#[server(endpoint = "assessments", client = crate::csrf::CsrfClient, output = crate::codec::Json, input = leptos::server_fn::codec::Json)]
pub async fn assessments(
    filter: AssessmentFilter,
    page: i64,
) -> Result<Page<AssessmentRow>, AppError> {
    serve(
        Permission::ConductAssessments,
        async |Caller { state, .. }| super::ssr::list(&state, &filter, page).await,
    )
    .await
}

/// Starts a ready assessment (or takes a returned one up again) as the caller.
#[server(endpoint = "start_assessment", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn start_assessment(id: caretrack::ids::AssessmentId) -> Result<(), AppError> {
    serve(
        Permission::ConductAssessments,
        async |Caller { actor, state, .. }| super::ssr::start(&state, &actor, id.into_uuid()).await,
    )
    .await
}

#[server(endpoint = "assessment_for_conduct", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn assessment_for_conduct(
    id: caretrack::ids::AssessmentId,
) -> Result<ConductView, AppError> {
    serve(
        Permission::ConductAssessments,
        async |Caller { actor, state, .. }| {
            let viewer = actor.user_id.ok_or(AppError::Unauthenticated)?;
            super::ssr::view(&state, id.into_uuid(), viewer).await
        },
    )
    .await
}

/// The approval chain: approves (`approve`) or returns, with comments, a submitted
/// assessment someone else conducted.
#[server(endpoint = "decide_assessment", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn decide_assessment(
    id: caretrack::ids::AssessmentId,
    approve: bool,
    comments: String,
) -> Result<AssessmentStatus, AppError> {
    serve(
        Permission::ConductAssessments,
        async |Caller { actor, state, .. }| {
            super::ssr::decide(&state, &actor, id.into_uuid(), approve, &comments).await
        },
    )
    .await
}

/// The stored draft, for a device catching up with another one.
#[server(endpoint = "assessment_draft", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn assessment_draft(id: caretrack::ids::AssessmentId) -> Result<DraftState, AppError> {
    serve(
        Permission::ConductAssessments,
        async |Caller { state, .. }| super::ssr::draft(&state.db, id.into_uuid()).await,
    )
    .await
}

#[server(endpoint = "save_assessment_draft", client = crate::csrf::CsrfClient, output = crate::codec::Json, input = leptos::server_fn::codec::Json)]
pub async fn save_assessment_draft(
    id: caretrack::ids::AssessmentId,
    edit: DraftEdit,
) -> Result<DraftState, AppError> {
    serve(
        Permission::ConductAssessments,
        async |Caller { actor, state, .. }| {
            super::ssr::save_draft(&state, &actor, id.into_uuid(), &edit).await
        },
    )
    .await
}

/// Scores the stored draft and records the judgement; answers the new status.
#[server(endpoint = "submit_assessment", client = crate::csrf::CsrfClient, output = crate::codec::Json, input = leptos::server_fn::codec::Json)]
pub async fn submit_assessment(
    id: caretrack::ids::AssessmentId,
    form: JudgementForm,
) -> Result<AssessmentStatus, AppError> {
    serve(
        Permission::ConductAssessments,
        async |Caller { actor, state, .. }| {
            super::ssr::submit(&state, &actor, id.into_uuid(), &form).await
        },
    )
    .await
}

/// Attaches an uploaded file (purpose ASSESSMENT_EVIDENCE) to an open assessment.
#[server(endpoint = "attach_evidence", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn attach_evidence(
    id: caretrack::ids::AssessmentId,
    file_id: caretrack::ids::FileId,
    caption: String,
) -> Result<(), AppError> {
    serve(
        Permission::ConductAssessments,
        async |Caller { actor, state, .. }| {
            let file = file_id.into_uuid();
            super::ssr::attach_evidence(&state, &actor, id.into_uuid(), file, &caption).await
        },
    )
    .await
}

#[server(endpoint = "remove_evidence", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn remove_evidence(
    id: caretrack::ids::AssessmentId,
    file_id: caretrack::ids::FileId,
) -> Result<(), AppError> {
    serve(
        Permission::ConductAssessments,
        async |Caller { actor, state, .. }| {
            let file = file_id.into_uuid();
            super::ssr::remove_evidence(&state, &actor, id.into_uuid(), file).await
        },
    )
    .await
}
