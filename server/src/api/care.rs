//! `/api/v1/care-packages`, `/api/v1/tasks`, `/api/v1/carers/{id}/progress` and the
//! carer's own `/api/v1/me/tasks/today` and `/api/v1/me/task-completions`: the same
//! services as the pages' server functions (`app::care::ssr`). Each route's permission
//! is checked before the handler runs (`super::require`).

use super::{
    SignedIn,
    extract::{JsonBody, PathId, QueryParams},
};
use crate::api::extract::Acting;
use app::wire::Page;
use app::{
    care::{
        api::{
            AssignmentChange, CarerProgress, LoggedPractice, PackageDetail, PackageSummary,
            TaskSummary, Today,
        },
        ssr::{assignments, packages, practice, tasks},
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
    DailyCompletionCount,
    care::{PackageForm, TaskForm},
    ids::{CarePackageId, TaskId, UserId},
};
use serde::Deserialize;
use time::OffsetDateTime;

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    search: String,
    page: Option<i64>,
}

pub async fn list_packages(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Json<Page<PackageSummary>>, AppError> {
    Ok(Json(
        packages::list(&state, &user, &query.search, query.page.unwrap_or(1)).await?,
    ))
}

pub async fn get_package(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    PathId(id): PathId,
) -> Result<Json<PackageDetail>, AppError> {
    Ok(Json(packages::detail(&state, &user, id.into()).await?))
}

/// A package's fields; on `PATCH`, those left out keep their values.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct PackageBody {
    name: Option<String>,
    postcode_district: Option<String>,
    client_name: Option<String>,
    address_lines: Option<Vec<String>>,
}

pub async fn create_package(
    State(state): State<AppState>,
    Acting { user, actor }: Acting,
    JsonBody(body): JsonBody<PackageBody>,
) -> Result<Response, AppError> {
    let form = PackageForm {
        name: body.name.unwrap_or_default(),
        postcode_district: body.postcode_district.unwrap_or_default(),
        client_name: body.client_name.unwrap_or_default(),
        address: body.address_lines.unwrap_or_default().join("\n"),
    };
    let id = packages::save(&state, &actor, None, &form).await?;
    let created = packages::detail(&state, &user, id).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

pub async fn update_package(
    State(state): State<AppState>,
    Acting { user, actor }: Acting,
    PathId(id): PathId,
    JsonBody(body): JsonBody<PackageBody>,
) -> Result<Json<PackageDetail>, AppError> {
    let id = CarePackageId::from(id);
    let current = packages::detail(&state, &user, id).await?;
    let form = PackageForm {
        name: body.name.unwrap_or(current.name),
        postcode_district: body.postcode_district.unwrap_or(current.postcode_district),
        client_name: body.client_name.or(current.client_name).unwrap_or_default(),
        address: body
            .address_lines
            .or(current.address_lines)
            .unwrap_or_default()
            .join("\n"),
    };
    packages::save(&state, &actor, Some(id), &form).await?;
    Ok(Json(packages::detail(&state, &user, id).await?))
}

pub async fn delete_package(
    State(state): State<AppState>,
    Acting { actor, .. }: Acting,
    PathId(id): PathId,
) -> Result<StatusCode, AppError> {
    packages::delete(&state, &actor, id.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct TaskIds {
    task_ids: Vec<TaskId>,
}

pub async fn set_package_tasks(
    State(state): State<AppState>,
    Acting { actor, .. }: Acting,
    PathId(id): PathId,
    JsonBody(body): JsonBody<TaskIds>,
) -> Result<Json<AssignmentChange>, AppError> {
    Ok(Json(
        assignments::set_package_tasks(&state, &actor, id.into(), &body.task_ids).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct CarerIds {
    carer_ids: Vec<UserId>,
}

pub async fn set_package_carers(
    State(state): State<AppState>,
    Acting { actor, .. }: Acting,
    PathId(id): PathId,
    JsonBody(body): JsonBody<CarerIds>,
) -> Result<Json<AssignmentChange>, AppError> {
    Ok(Json(
        assignments::set_package_carers(&state, &actor, id.into(), &body.carer_ids).await?,
    ))
}

pub async fn list_tasks(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Json<Page<TaskSummary>>, AppError> {
    Ok(Json(
        tasks::list(&state, &user, &query.search, query.page.unwrap_or(1)).await?,
    ))
}

/// A task's fields; on `PATCH`, those left out keep their values.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct TaskBody {
    name: Option<String>,
    category: Option<String>,
    description: Option<String>,
    target_count: Option<i32>,
}

impl TaskBody {
    fn into_form(self, current: Option<TaskSummary>) -> TaskForm {
        let (name, category, description, target) = match current {
            Some(t) => (
                t.name,
                t.category,
                t.description,
                t.target_count.to_string(),
            ),
            None => Default::default(),
        };
        TaskForm {
            name: self.name.unwrap_or(name),
            category: self.category.unwrap_or(category),
            description: self.description.unwrap_or(description),
            target_count: self.target_count.map(|n| n.to_string()).unwrap_or(target),
        }
    }
}

pub async fn create_task(
    State(state): State<AppState>,
    Acting { actor, .. }: Acting,
    JsonBody(body): JsonBody<TaskBody>,
) -> Result<Response, AppError> {
    let id = tasks::save(&state, &actor, None, &body.into_form(None)).await?;
    Ok((StatusCode::CREATED, Json(tasks::get(&state, id).await?)).into_response())
}

pub async fn update_task(
    State(state): State<AppState>,
    Acting { actor, .. }: Acting,
    PathId(id): PathId,
    JsonBody(body): JsonBody<TaskBody>,
) -> Result<Json<TaskSummary>, AppError> {
    let id = TaskId::from(id);
    let current = tasks::get(&state, id).await?;
    tasks::save(&state, &actor, Some(id), &body.into_form(Some(current))).await?;
    Ok(Json(tasks::get(&state, id).await?))
}

pub async fn delete_task(
    State(state): State<AppState>,
    Acting { actor, .. }: Acting,
    PathId(id): PathId,
) -> Result<StatusCode, AppError> {
    tasks::delete(&state, &actor, id.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn carer_progress(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    PathId(id): PathId,
) -> Result<Json<CarerProgress>, AppError> {
    Ok(Json(practice::progress(&state, &user, id.into()).await?))
}

pub async fn today(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
) -> Result<Json<Today>, AppError> {
    Ok(Json(practice::today(&state, user.user_id).await?))
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct CompletionBody {
    task_id: TaskId,
    care_package_id: CarePackageId,
    count: i32,
    idempotency_key: String,
    /// When it happened, for a log made offline (RFC 3339); now if left out.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schemars(with = "Option<caretrack::schema::DateTime>")]
    logged_at: Option<OffsetDateTime>,
}

pub async fn log_completion(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    JsonBody(body): JsonBody<CompletionBody>,
) -> Result<(StatusCode, Json<LoggedPractice>), AppError> {
    let count = DailyCompletionCount::new(body.count)?;
    let logged = practice::log(
        &state,
        user.user_id,
        practice::Entry {
            task_id: body.task_id,
            care_package_id: body.care_package_id,
            idempotency_key: &body.idempotency_key,
            logged_at: body.logged_at,
        },
        count,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(logged)))
}

/// This feature's REST routes: who may call each, and its documentation (`super::api`).
pub(super) fn routes(api: super::Api) -> super::Api {
    use super::Access;
    use super::openapi::{Body, CARE, Doc, PRACTICE, Query, Reply};
    use axum::routing::{delete, get, patch, post, put};
    use caretrack::permissions::Permission;
    let view_care = Access::Permission(Permission::ViewCare);
    let manage_care = Access::Permission(Permission::ManageCare);
    let log_practice = Access::Permission(Permission::LogPractice);
    const LIST: &[Query] = &[
        Query {
            name: "search",
            kind: "string",
            required: false,
            description: "Part of the name (or district, category)",
        },
        Query {
            name: "page",
            kind: "integer",
            required: false,
            description: "From 1; 25 a page",
        },
    ];

    api
    .route(
        "GET",
        "/api/v1/care-packages",
        view_care,
        get(list_packages),
        Doc::new(CARE, "Care packages (carers: the ones they work at)", Reply::json::<Page<PackageSummary>>()).query(LIST),
    )
    .route(
        "POST",
        "/api/v1/care-packages",
        manage_care,
        post(create_package),
        Doc::new(CARE, "Create a care package; the client's name and address are encrypted at rest", Reply::created::<PackageDetail>())
            .body(Body::json::<PackageBody>()),
    )
    .route(
        "GET",
        "/api/v1/care-packages/{id}",
        view_care,
        get(get_package),
        Doc::new(CARE, "A care package with its tasks and carers; client details only for managers and its carers", Reply::json::<PackageDetail>()),
    )
    .route(
        "PATCH",
        "/api/v1/care-packages/{id}",
        manage_care,
        patch(update_package),
        Doc::new(CARE, "Change a care package (fields left out keep their values)", Reply::json::<PackageDetail>())
            .body(Body::json::<PackageBody>()),
    )
    .route(
        "DELETE",
        "/api/v1/care-packages/{id}",
        manage_care,
        delete(delete_package),
        Doc::new(CARE, "Move a care package to the recycle bin", Reply::NoContent),
    )
    .route(
        "PUT",
        "/api/v1/care-packages/{id}/tasks",
        manage_care,
        put(set_package_tasks),
        Doc::new(CARE, "Set the tasks performed at a package (progress is global and never reset)", Reply::json::<AssignmentChange>())
            .body(Body::json::<TaskIds>()),
    )
    .route(
        "PUT",
        "/api/v1/care-packages/{id}/carers",
        manage_care,
        put(set_package_carers),
        Doc::new(CARE, "Set the carers who work at a package", Reply::json::<AssignmentChange>())
            .body(Body::json::<CarerIds>()),
    )
    .route(
        "GET",
        "/api/v1/tasks",
        view_care,
        get(list_tasks),
        Doc::new(CARE, "Tasks (carers: those of their packages)", Reply::json::<Page<TaskSummary>>()).query(LIST),
    )
    .route(
        "POST",
        "/api/v1/tasks",
        manage_care,
        post(create_task),
        Doc::new(CARE, "Create a task", Reply::created::<TaskSummary>()).body(Body::json::<TaskBody>()),
    )
    .route(
        "PATCH",
        "/api/v1/tasks/{id}",
        manage_care,
        patch(update_task),
        Doc::new(CARE, "Change a task (fields left out keep their values)", Reply::json::<TaskSummary>())
            .body(Body::json::<TaskBody>()),
    )
    .route(
        "DELETE",
        "/api/v1/tasks/{id}",
        manage_care,
        delete(delete_task),
        Doc::new(CARE, "Move a task to the recycle bin", Reply::NoContent),
    )
    .route(
        "GET",
        "/api/v1/carers/{id}/progress",
        Access::Permission(Permission::ViewProgress),
        get(carer_progress),
        Doc::new(PRACTICE, "A carer's global progress per task (carers: their own only)", Reply::json::<CarerProgress>()),
    )
    .route(
        "GET",
        "/api/v1/me/tasks/today",
        log_practice,
        get(today),
        Doc::new(PRACTICE, "The signed-in carer's tasks for today (tasks at their target are left out)", Reply::json::<Today>()),
    )
    .route(
        "POST",
        "/api/v1/me/task-completions",
        log_practice,
        post(log_completion),
        Doc::new(PRACTICE, "Log completions for today: at most 100 per task per London day; a repeated idempotency key answers the first result", Reply::created::<LoggedPractice>())
            .body(Body::json::<CompletionBody>()),
    )
}
