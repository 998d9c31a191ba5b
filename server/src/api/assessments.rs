//! `/api/v1/assessment-templates`, `/api/v1/assessments`, `/api/v1/ratings` and
//! `/api/v1/carers/{id}/competencies`: the same services as the pages' server functions
//! (`app::assessments`). Each route's permission is checked before the handler runs.

use super::{
    SignedIn,
    extract::{JsonBody, PathId, QueryParams},
};
use crate::api::extract::Acting;
use app::wire::Page;
use app::{
    assessments::{
        conduct::{
            api::{AssessmentFilter, AssessmentRow, ConductView, DraftEdit, DraftState},
            ssr as conduct,
        },
        ratings::{api::CarerRatings, ssr as ratings},
        templates::{api::TemplateSummary, ssr as templates},
    },
    error::AppError,
    state::AppState,
};
use axum::{
    Json,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use caretrack::{
    assessment::TemplateForm,
    conduct::{AssessmentStatus, JudgementForm},
    ids::{AssessmentTemplateId, TaskId},
    rating::RatingAction,
};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<i64>,
}

pub async fn list_templates(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<PageQuery>,
) -> Result<Json<Page<TemplateSummary>>, AppError> {
    Ok(Json(
        templates::list(&state, query.page.unwrap_or(1)).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct TemplateBody {
    form: TemplateForm,
    task_ids: Vec<TaskId>,
}

/// The new template's id.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "CreatedId")]
pub struct Created {
    id: AssessmentTemplateId,
}

/// A new template (version 1); a new version is saved through the page.
pub async fn create_template(
    State(state): State<AppState>,
    Acting { actor, .. }: Acting,
    JsonBody(body): JsonBody<TemplateBody>,
) -> Result<Response, AppError> {
    let id = templates::save(&state, &actor, None, &body.form, &body.task_ids).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.into() })).into_response())
}

#[derive(Deserialize)]
pub struct AssessmentQuery {
    /// `ready`, `in_progress`, `awaiting_approval`, `returned`, `completed`, `cancelled`.
    state: Option<String>,
    carer: Option<String>,
    template: Option<String>,
    page: Option<i64>,
}

pub async fn list_assessments(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<AssessmentQuery>,
) -> Result<Json<Page<AssessmentRow>>, AppError> {
    let status = match query.state.as_deref().filter(|s| !s.is_empty()) {
        Some(text) => Some(text.to_uppercase().parse::<AssessmentStatus>().map_err(|_| {
            AppError::validation(
                "state",
                "Use ready, in_progress, awaiting_approval, returned, completed or cancelled",
            )
        })?),
        None => None,
    };
    let carer = match query.carer.as_deref().filter(|s| !s.is_empty()) {
        Some(id) => Some(
            id.parse()
                .map_err(|_| AppError::validation("carer", "A carer's id is a UUID"))?,
        ),
        None => None,
    };
    let filter = AssessmentFilter {
        status,
        carer,
        template: query.template,
    };
    Ok(Json(
        conduct::list(&state, &filter, query.page.unwrap_or(1)).await?,
    ))
}

/// Everything the conductor shows: the items (with model answers), the draft, the
/// evidence, the outcome once submitted.
pub async fn get_assessment(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    PathId(id): PathId,
) -> Result<Json<ConductView>, AppError> {
    Ok(Json(conduct::view(&state, id, user.user_id).await?))
}

/// Starts a ready assessment (or resumes a returned one) as the caller.
pub async fn start(
    State(state): State<AppState>,
    Acting { actor, .. }: Acting,
    PathId(id): PathId,
) -> Result<StatusCode, AppError> {
    conduct::start(&state, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn save_draft(
    State(state): State<AppState>,
    Acting { actor, .. }: Acting,
    PathId(id): PathId,
    JsonBody(edit): JsonBody<DraftEdit>,
) -> Result<Json<DraftState>, AppError> {
    Ok(Json(conduct::save_draft(&state, &actor, id, &edit).await?))
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct Submitted {
    status: AssessmentStatus,
}

pub async fn submit(
    State(state): State<AppState>,
    Acting { actor, .. }: Acting,
    PathId(id): PathId,
    JsonBody(form): JsonBody<JudgementForm>,
) -> Result<Json<Submitted>, AppError> {
    let status = conduct::submit(&state, &actor, id, &form).await?;
    Ok(Json(Submitted { status }))
}

pub async fn confirm(
    State(state): State<AppState>,
    Acting { user, actor }: Acting,
    PathId(id): PathId,
) -> Result<StatusCode, AppError> {
    ratings::answer(&state, &user, &actor, id, RatingAction::Confirm, "").await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct DisputeBody {
    reason: String,
}

pub async fn dispute(
    State(state): State<AppState>,
    Acting { user, actor }: Acting,
    PathId(id): PathId,
    JsonBody(body): JsonBody<DisputeBody>,
) -> Result<StatusCode, AppError> {
    ratings::answer(
        &state,
        &user,
        &actor,
        id,
        RatingAction::Dispute,
        &body.reason,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A carer's ratings: waiting, every task's effective level, the history. Carers see
/// only their own (another carer's id is not found, as on the progress endpoint).
pub async fn competencies(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    PathId(id): PathId,
) -> Result<Json<CarerRatings>, AppError> {
    Ok(Json(ratings::competencies(&state, &user, id).await?))
}

/// This feature's REST routes: who may call each, and its documentation (`super::api`).
pub(super) fn routes(api: super::Api) -> super::Api {
    use super::Access;
    use super::openapi::{ASSESSMENTS, Body, Doc, Query, Reply};
    use axum::routing::{get, post};
    use caretrack::permissions::Permission;
    api
    .route(
        "GET",
        "/api/v1/assessment-templates",
        Access::Permission(Permission::ManageAssessmentTemplates),
        get(list_templates),
        Doc::new(ASSESSMENTS, "Assessment templates (their current versions)", Reply::json::<Page<TemplateSummary>>())
            .query(&[Query { name: "page", kind: "integer", required: false, description: "From 1; 25 a page" }]),
    )
    .route(
        "POST",
        "/api/v1/assessment-templates",
        Access::Permission(Permission::ManageAssessmentTemplates),
        post(create_template),
        Doc::new(ASSESSMENTS, "Write a template: sections of items, weights adding to 100, the scale, pass thresholds, the tasks it covers (a task belongs to one template)", Reply::created::<Created>())
            .body(Body::json::<TemplateBody>()),
    )
    .route(
        "GET",
        "/api/v1/assessments",
        Access::Permission(Permission::ConductAssessments),
        get(list_assessments),
        Doc::new(ASSESSMENTS, "Assessments: ready first, then returned, in progress, awaiting approval, completed", Reply::json::<Page<AssessmentRow>>())
            .query(&[
                Query { name: "state", kind: "string", required: false, description: "ready, in_progress, awaiting_approval, returned, completed or cancelled" },
                Query { name: "carer", kind: "string", required: false, description: "A carer's id" },
                Query { name: "template", kind: "string", required: false, description: "A template's id" },
                Query { name: "page", kind: "integer", required: false, description: "From 1; 25 a page" },
            ]),
    )
    .route(
        "GET",
        "/api/v1/assessments/{id}",
        Access::Permission(Permission::ConductAssessments),
        get(get_assessment),
        Doc::new(ASSESSMENTS, "One assessment as the conductor shows it: items with model answers, the saved draft, evidence, the outcome once submitted", Reply::json::<ConductView>()),
    )
    .route(
        "POST",
        "/api/v1/assessments/{id}/start",
        Access::Permission(Permission::ConductAssessments),
        post(start),
        Doc::new(ASSESSMENTS, "Start a ready assessment (or resume a returned one); you become its assessor", Reply::NoContent),
    )
    .route(
        "POST",
        "/api/v1/assessments/{id}/draft",
        Access::Permission(Permission::ConductAssessments),
        post(save_draft),
        Doc::new(ASSESSMENTS, "Autosave answers and scores: the last write per item wins; the answer names the items whose newer edit from another device this replaced", Reply::json::<DraftState>())
            .body(Body::json::<DraftEdit>()),
    )
    .route(
        "POST",
        "/api/v1/assessments/{id}/submit",
        Access::Permission(Permission::ConductAssessments),
        post(submit),
        Doc::new(ASSESSMENTS, "Score the saved draft and award a level (a level other than the suggestion needs a reason); completes it, or waits for approval", Reply::json::<Submitted>())
            .body(Body::json::<JudgementForm>()),
    )
    .route(
        "POST",
        "/api/v1/ratings/{id}/confirm",
        Access::Permission(Permission::ConfirmOwnRatings),
        post(confirm),
        Doc::new(ASSESSMENTS, "Confirm one of your pending ratings: it then counts for shifts", Reply::NoContent),
    )
    .route(
        "POST",
        "/api/v1/ratings/{id}/dispute",
        Access::Permission(Permission::ConfirmOwnRatings),
        post(dispute),
        Doc::new(ASSESSMENTS, "Dispute one of your pending ratings, with a reason: a care manager resolves it", Reply::NoContent)
            .body(Body::json::<DisputeBody>()),
    )
    .route(
        "GET",
        "/api/v1/carers/{id}/competencies",
        Access::Permission(Permission::ViewProgress),
        get(competencies),
        Doc::new(ASSESSMENTS, "A carer's ratings: waiting for them, effective levels per task, history (carers: their own only)", Reply::json::<CarerRatings>()),
    )
}
