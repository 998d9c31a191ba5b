//! The REST surface under `/api/v1`, for integrations and black-box tests. Errors are
//! `{error: {code, message, fields?}}` (`AppError`'s `IntoResponse`).

pub mod assessments;
pub mod audit;
pub mod auth;
pub mod care;
pub mod exports;
pub mod extract;
pub mod files;
pub mod jobs;
pub mod openapi;
pub mod rota;

use app::{
    auth::{CurrentUser, RequestMeta, authorize},
    error::AppError,
    state::AppState,
};
use axum::{
    Router,
    extract::{FromRequestParts, Request, State},
    http::request::Parts,
    middleware::Next,
    response::Response,
    routing::{MethodRouter, delete, get, patch, post, put},
};
use caretrack::permissions::Permission;

/// The signed-in user, or 401.
pub struct SignedIn(pub CurrentUser);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<CurrentUser>()
            .copied()
            .map(SignedIn)
            .ok_or(AppError::Unauthenticated)
    }
}

/// Who may call a route: checked by the route's own extractors and guard, declared here
/// so that the access test can walk every route for every role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Public,
    SignedIn,
    Permission(Permission),
}

/// One row of the REST table.
#[derive(Clone, Copy, Debug)]
pub struct ApiRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub doc: openapi::Doc,
}

/// The routes with what each needs: the router and the table are both built from it.
struct Api {
    routes: Vec<(ApiRoute, MethodRouter<AppState>)>,
}

impl Api {
    fn route(
        mut self,
        method: &'static str,
        path: &'static str,
        access: Access,
        handler: MethodRouter<AppState>,
        doc: openapi::Doc,
    ) -> Self {
        let route = ApiRoute {
            method,
            path,
            access,
            doc,
        };
        self.routes.push((route, handler));
        self
    }
}

/// Refuses the request unless the signed-in caller has `permission` (before the handler
/// reads its input). Refusals are audited by `authorize`.
async fn require(
    State((state, permission)): State<(AppState, Permission)>,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let user = request
        .extensions()
        .get::<CurrentUser>()
        .copied()
        .ok_or(AppError::Unauthenticated)?;
    let meta = request
        .extensions()
        .get::<RequestMeta>()
        .cloned()
        .unwrap_or_default();
    authorize(&state, &user, &meta, permission).await?;
    Ok(next.run(request).await)
}

fn api() -> Api {
    use Access::{Public, SignedIn};
    use openapi::{
        ADMIN, ASSESSMENTS, AUTH, Body, CARE, Doc, FILES, PRACTICE, Query, ROTA, Reply, SHIFTS,
    };
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
    let manage_jobs = Access::Permission(Permission::ManageJobs);
    Api { routes: Vec::new() }
    .route(
        "POST",
        "/api/v1/auth/login",
        Public,
        post(auth::login),
        Doc::new(
            AUTH,
            "Sign in; answers with tokens, or asks for a second step",
            Reply::Json("LoginResult"),
        )
        .body(Body::Json("LoginRequest"))
        .refused("The email or password is incorrect (the same answer for a locked account)"),
    )
    .route(
        "POST",
        "/api/v1/auth/mfa",
        Public,
        post(auth::mfa),
        Doc::new(
            AUTH,
            "Second step: a code from the authenticator app or a backup code",
            Reply::Json("Tokens"),
        )
        .body(Body::Json("MfaRequest"))
        .refused("The code or the sign-in attempt is not valid"),
    )
    .route(
        "POST",
        "/api/v1/auth/refresh",
        Public,
        post(auth::refresh),
        Doc::new(
            AUTH,
            "New tokens for a refresh token (single use)",
            Reply::Json("Tokens"),
        )
        .body(Body::Json("RefreshRequest"))
        .refused("The refresh token is unknown, used or expired (a reused one ends the session)"),
    )
    .route(
        "POST",
        "/api/v1/auth/logout",
        SignedIn,
        post(auth::logout),
        Doc::new(AUTH, "End this session", Reply::NoContent),
    )
    .route(
        "GET",
        "/api/v1/me",
        SignedIn,
        get(auth::me),
        Doc::new(AUTH, "Who is signed in", Reply::Json("User")),
    )
    .route(
        "GET",
        "/api/v1/me/sessions",
        SignedIn,
        get(auth::my_sessions),
        Doc::new(AUTH, "Your live sessions (devices)", Reply::List("Session")),
    )
    .route(
        "DELETE",
        "/api/v1/me/sessions/{id}",
        SignedIn,
        delete(auth::revoke_my_session),
        Doc::new(AUTH, "Sign one of your devices out", Reply::NoContent),
    )
    // Which purposes a role may upload is checked inside (caretrack::files::upload_permission).
    .route(
        "POST",
        "/api/v1/files",
        SignedIn,
        post(files::upload),
        Doc::new(
            FILES,
            "Upload a file (JPEG, PNG or PDF); it is virus-scanned before anyone can download it",
            Reply::Created("StoredFile"),
        )
        .body(Body::File)
        .query(&[
            Query {
                name: "purpose",
                kind: "string",
                required: true,
                description: "What the file is for, e.g. PROFILE_PHOTO",
            },
            Query {
                name: "name",
                kind: "string",
                required: false,
                description: "The file's name on your device",
            },
        ]),
    )
    .route(
        "GET",
        "/api/v1/files/{id}",
        SignedIn,
        get(files::download),
        Doc::new(FILES, "Download a file", Reply::Redirect),
    )
    .route(
        "GET",
        "/api/v1/files/{id}/url",
        SignedIn,
        get(files::download_url),
        Doc::new(
            FILES,
            "A short-lived download link",
            Reply::Json("DownloadUrl"),
        ),
    )
    .route(
        "GET",
        "/api/v1/admin/audit.csv",
        Access::Permission(Permission::ViewAudit),
        get(audit::export),
        Doc::new(ADMIN, "The audit log as CSV", Reply::Csv).query(&[
            Query {
                name: "user",
                kind: "string",
                required: false,
                description: "The actor's email address",
            },
            Query {
                name: "action",
                kind: "string",
                required: false,
                description: "An action or its start, e.g. `auth.`",
            },
            Query {
                name: "entity_type",
                kind: "string",
                required: false,
                description: "e.g. user",
            },
            Query {
                name: "from",
                kind: "string",
                required: false,
                description: "YYYY-MM-DD, inclusive",
            },
            Query {
                name: "to",
                kind: "string",
                required: false,
                description: "YYYY-MM-DD, inclusive",
            },
        ]),
    )
    .route(
        "GET",
        "/api/v1/admin/users.csv",
        Access::Permission(Permission::ViewUsers),
        get(exports::users),
        Doc::new(ADMIN, "People as CSV, filtered like the People page", Reply::Csv).query(&[
            Query {
                name: "tab",
                kind: "string",
                required: false,
                description: "`Carers` (the default) or `Office`",
            },
            Query {
                name: "search",
                kind: "string",
                required: false,
                description: "Part of the name or email",
            },
            Query {
                name: "fully_assessed",
                kind: "boolean",
                required: false,
                description: "Only carers rated in every task they are assigned",
            },
        ]),
    )
    .route(
        "GET",
        "/api/v1/admin/progress.csv",
        Access::Permission(Permission::ViewProgress),
        get(exports::progress),
        Doc::new(
            ADMIN,
            "Every carer's progress and competency per task, as CSV",
            Reply::Csv,
        ),
    )
    .route(
        "GET",
        "/api/v1/admin/jobs",
        manage_jobs,
        get(jobs::overview),
        Doc::new(
            ADMIN,
            "Background jobs: counts by queue and status, failures (25 a page)",
            Reply::Json("JobsOverview"),
        )
        .query(&[Query {
            name: "page",
            kind: "integer",
            required: false,
            description: "From 1",
        }]),
    )
    .route(
        "POST",
        "/api/v1/admin/jobs/{id}/retry",
        manage_jobs,
        post(jobs::retry),
        Doc::new(ADMIN, "Run a failed job again", Reply::NoContent),
    )
    .route(
        "POST",
        "/api/v1/admin/jobs/{id}/discard",
        manage_jobs,
        post(jobs::discard),
        Doc::new(ADMIN, "Give up on a failed job", Reply::NoContent),
    )
    .route(
        "GET",
        "/api/v1/care-packages",
        view_care,
        get(care::list_packages),
        Doc::new(CARE, "Care packages (carers: the ones they work at)", Reply::Json("PackagePage")).query(LIST),
    )
    .route(
        "POST",
        "/api/v1/care-packages",
        manage_care,
        post(care::create_package),
        Doc::new(CARE, "Create a care package; the client's name and address are encrypted at rest", Reply::Created("Package"))
            .body(Body::Json("PackageInput")),
    )
    .route(
        "GET",
        "/api/v1/care-packages/{id}",
        view_care,
        get(care::get_package),
        Doc::new(CARE, "A care package with its tasks and carers; client details only for managers and its carers", Reply::Json("Package")),
    )
    .route(
        "PATCH",
        "/api/v1/care-packages/{id}",
        manage_care,
        patch(care::update_package),
        Doc::new(CARE, "Change a care package (fields left out keep their values)", Reply::Json("Package"))
            .body(Body::Json("PackageInput")),
    )
    .route(
        "DELETE",
        "/api/v1/care-packages/{id}",
        manage_care,
        delete(care::delete_package),
        Doc::new(CARE, "Move a care package to the recycle bin", Reply::NoContent),
    )
    .route(
        "PUT",
        "/api/v1/care-packages/{id}/tasks",
        manage_care,
        put(care::set_package_tasks),
        Doc::new(CARE, "Set the tasks performed at a package (progress is global and never reset)", Reply::Json("AssignmentChange"))
            .body(Body::Json("TaskIds")),
    )
    .route(
        "PUT",
        "/api/v1/care-packages/{id}/carers",
        manage_care,
        put(care::set_package_carers),
        Doc::new(CARE, "Set the carers who work at a package", Reply::Json("AssignmentChange"))
            .body(Body::Json("CarerIds")),
    )
    .route(
        "GET",
        "/api/v1/tasks",
        view_care,
        get(care::list_tasks),
        Doc::new(CARE, "Tasks (carers: those of their packages)", Reply::Json("TaskPage")).query(LIST),
    )
    .route(
        "POST",
        "/api/v1/tasks",
        manage_care,
        post(care::create_task),
        Doc::new(CARE, "Create a task", Reply::Created("Task")).body(Body::Json("TaskInput")),
    )
    .route(
        "PATCH",
        "/api/v1/tasks/{id}",
        manage_care,
        patch(care::update_task),
        Doc::new(CARE, "Change a task (fields left out keep their values)", Reply::Json("Task"))
            .body(Body::Json("TaskInput")),
    )
    .route(
        "DELETE",
        "/api/v1/tasks/{id}",
        manage_care,
        delete(care::delete_task),
        Doc::new(CARE, "Move a task to the recycle bin", Reply::NoContent),
    )
    .route(
        "GET",
        "/api/v1/carers/{id}/progress",
        Access::Permission(Permission::ViewProgress),
        get(care::carer_progress),
        Doc::new(PRACTICE, "A carer's global progress per task (carers: their own only)", Reply::Json("CarerProgress")),
    )
    .route(
        "GET",
        "/api/v1/me/tasks/today",
        log_practice,
        get(care::today),
        Doc::new(PRACTICE, "The signed-in carer's tasks for today (tasks at their target are left out)", Reply::Json("Today")),
    )
    .route(
        "POST",
        "/api/v1/me/task-completions",
        log_practice,
        post(care::log_completion),
        Doc::new(PRACTICE, "Log completions for today: at most 100 per task per London day; a repeated idempotency key answers the first result", Reply::Created("LoggedPractice"))
            .body(Body::Json("CompletionInput")),
    )
    .route(
        "GET",
        "/api/v1/assessment-templates",
        Access::Permission(Permission::ManageAssessmentTemplates),
        get(assessments::list_templates),
        Doc::new(ASSESSMENTS, "Assessment templates (their current versions)", Reply::Json("TemplatePage"))
            .query(&[Query { name: "page", kind: "integer", required: false, description: "From 1; 25 a page" }]),
    )
    .route(
        "POST",
        "/api/v1/assessment-templates",
        Access::Permission(Permission::ManageAssessmentTemplates),
        post(assessments::create_template),
        Doc::new(ASSESSMENTS, "Write a template: sections of items, weights adding to 100, the scale, pass thresholds, the tasks it covers (a task belongs to one template)", Reply::Created("CreatedId"))
            .body(Body::Json("TemplateInput")),
    )
    .route(
        "GET",
        "/api/v1/assessments",
        Access::Permission(Permission::ConductAssessments),
        get(assessments::list_assessments),
        Doc::new(ASSESSMENTS, "Assessments: ready first, then returned, in progress, awaiting approval, completed", Reply::Json("AssessmentPage"))
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
        get(assessments::get_assessment),
        Doc::new(ASSESSMENTS, "One assessment as the conductor shows it: items with model answers, the saved draft, evidence, the outcome once submitted", Reply::Json("ConductView")),
    )
    .route(
        "POST",
        "/api/v1/assessments/{id}/start",
        Access::Permission(Permission::ConductAssessments),
        post(assessments::start),
        Doc::new(ASSESSMENTS, "Start a ready assessment (or resume a returned one); you become its assessor", Reply::NoContent),
    )
    .route(
        "POST",
        "/api/v1/assessments/{id}/draft",
        Access::Permission(Permission::ConductAssessments),
        post(assessments::save_draft),
        Doc::new(ASSESSMENTS, "Autosave answers and scores: the last write per item wins; the answer names the items whose newer edit from another device this replaced", Reply::Json("DraftState"))
            .body(Body::Json("DraftEdit")),
    )
    .route(
        "POST",
        "/api/v1/assessments/{id}/submit",
        Access::Permission(Permission::ConductAssessments),
        post(assessments::submit),
        Doc::new(ASSESSMENTS, "Score the saved draft and award a level (a level other than the suggestion needs a reason); completes it, or waits for approval", Reply::Json("Submitted"))
            .body(Body::Json("Judgement")),
    )
    .route(
        "POST",
        "/api/v1/ratings/{id}/confirm",
        Access::Permission(Permission::ConfirmOwnRatings),
        post(assessments::confirm),
        Doc::new(ASSESSMENTS, "Confirm one of your pending ratings: it then counts for shifts", Reply::NoContent),
    )
    .route(
        "POST",
        "/api/v1/ratings/{id}/dispute",
        Access::Permission(Permission::ConfirmOwnRatings),
        post(assessments::dispute),
        Doc::new(ASSESSMENTS, "Dispute one of your pending ratings, with a reason: a care manager resolves it", Reply::NoContent)
            .body(Body::Json("DisputeInput")),
    )
    .route(
        "GET",
        "/api/v1/carers/{id}/competencies",
        Access::Permission(Permission::ViewProgress),
        get(assessments::competencies),
        Doc::new(ASSESSMENTS, "A carer's ratings: waiting for them, effective levels per task, history (carers: their own only)", Reply::Json("CarerRatings")),
    )
    .route(
        "POST",
        "/api/v1/rota/check",
        Access::Permission(Permission::CheckRota),
        post(rota::check).layer(axum::extract::DefaultBodyLimit::max(rota::CHECK_BODY_LIMIT)),
        Doc::new(ROTA, "Check a rota against the 14 rules (provider rules and the Working Time Regulations) without saving anything: the same engine the rota editor runs in the browser", Reply::Json("RotaCheck"))
            .body(Body::Json("RotaInput")),
    )
    .route(
        "GET",
        "/api/v1/rota/{id}/cover",
        Access::Permission(Permission::ManageRota),
        get(rota::cover),
        Doc::new(ROTA, "Who can cover one of the package's shifts: its team and whoever is on its week, each tried on the shift by the rules engine (the week as its draft has it), best first, with the reasons", Reply::Json("Cover"))
            .query(&[Query { name: "slot", kind: "string", required: true, description: "The shift's id" }]),
    )
    .route(
        "GET",
        "/api/v1/rota/{id}",
        Access::Permission(Permission::ManageRota),
        get(rota::week),
        Doc::new(ROTA, "A package's week as the editor loads it: its 14 DAY/NIGHT slots (created on first open), the carers who may be placed, the draft (or what is published) with its revision, what carers were told, the week before, and the rules engine's input", Reply::Json("RotaWeek"))
            .query(&[Query { name: "week", kind: "string", required: false, description: "The Monday, YYYY-MM-DD; default this week" }]),
    )
    .route(
        "PUT",
        "/api/v1/rota/{id}/draft",
        Access::Permission(Permission::ManageRota),
        put(rota::save_draft),
        Doc::new(ROTA, "Save the week's draft: who is on each slot (carers never see drafts). `base_revision` is the revision the change was made on; answered with the new revision and the server's check", Reply::Json("SavedDraft"))
            .body(Body::Json("DraftInput"))
            .conflict("Someone saved the week since `base_revision`: load it again"),
    )
    .route(
        "POST",
        "/api/v1/rota/{id}/publish",
        Access::Permission(Permission::ManageRota),
        post(rota::publish),
        Doc::new(ROTA, "Publish the saved draft of a week: refused while it breaks a blocking rule; each overridable finding needs a reason (kept and audited); the carers whose shifts changed are told", Reply::Json("Published"))
            .body(Body::Json("PublishInput"))
            .conflict("The draft changed since `revision`: load it again"),
    )
    .route(
        "GET",
        "/api/v1/rota/{id}/slots",
        Access::Permission(Permission::ManageRota),
        get(rota::slots),
        Doc::new(ROTA, "The package's DAY and NIGHT shift times (London), breaks and headcounts", Reply::Json("SlotPlan")),
    )
    .route(
        "PUT",
        "/api/v1/rota/{id}/slots",
        Access::Permission(Permission::ManageRota),
        put(rota::save_slots),
        Doc::new(ROTA, "New shift times: future shifts nobody is on move to them, published ones keep theirs; every future shift takes the new break and headcount", Reply::Json("SlotsSaved"))
            .body(Body::Json("SlotPlan")),
    )
    .route(
        "GET",
        "/api/v1/rota/{id}/week.xlsx",
        Access::Permission(Permission::ManageRota),
        get(rota::export_week),
        Doc::new(ROTA, "A package's week as published, as an Excel workbook: the grid of days × DAY/NIGHT, and one row per carer per shift", Reply::Spreadsheet)
            .query(&[Query { name: "week", kind: "string", required: true, description: "The Monday, YYYY-MM-DD" }]),
    )
    .route(
        "GET",
        "/api/v1/rota/{id}/week.csv",
        Access::Permission(Permission::ManageRota),
        get(rota::export_week_csv),
        Doc::new(ROTA, "A package's week as published, as CSV: one row per carer per shift", Reply::Csv)
            .query(&[Query { name: "week", kind: "string", required: true, description: "The Monday, YYYY-MM-DD" }]),
    )
    .route(
        "GET",
        "/api/v1/me/rota",
        Access::Permission(Permission::ViewRota),
        get(rota::my_rota),
        Doc::new(ROTA, "The signed-in carer's confirmed shifts between two London dates", Reply::List("MyShift"))
            .query(&[
                Query { name: "from", kind: "string", required: false, description: "YYYY-MM-DD; default today" },
                Query { name: "to", kind: "string", required: false, description: "YYYY-MM-DD, not included; default eight weeks after `from`; at most 26 weeks after it" },
            ]),
    )
    .route(
        "GET",
        "/api/v1/calendar/{file}",
        Public,
        get(rota::calendar_feed),
        Doc::new(ROTA, "A carer's rota as an iCalendar feed, four weeks back to six months ahead. `{file}` is `<secret>.ics` from the carer's calendar link; the link is the credential, and a new or turned-off link makes the old one a 404", Reply::Calendar),
    )
    .route(
        "GET",
        "/api/v1/shifts/open",
        Access::Permission(Permission::ManageRota),
        get(rota::open_shifts),
        Doc::new(SHIFTS, "Shifts out to carers that have not ended, soonest first, with how many are waiting for a decision", Reply::Json("OpenShiftPage"))
            .query(&[Query { name: "page", kind: "integer", required: false, description: "From 1; 20 a page" }]),
    )
    .route(
        "POST",
        "/api/v1/shifts/{id}/send-out",
        Access::Permission(Permission::ManageRota),
        post(rota::send_out),
        Doc::new(SHIFTS, "Send a future shift that is short of carers out to carers: any carer, or only those with confirmed COMPETENT+ ratings in every task of its package", Reply::NoContent)
            .body(Body::Json("SendOutInput")),
    )
    .route(
        "GET",
        "/api/v1/shifts/{id}/applications",
        Access::Permission(Permission::ManageRota),
        get(rota::applications),
        Doc::new(SHIFTS, "A shift's applicants, each with the rules engine's check of selecting them (over the published rota of its week)", Reply::Json("ShiftApplicants")),
    )
    .route(
        "POST",
        "/api/v1/shifts/{id}/decisions",
        Access::Permission(Permission::ManageRota),
        post(rota::decide),
        Doc::new(SHIFTS, "Select (onto the published rota; refused while it breaks a blocking rule, a reason for other findings), reject or withdraw one application; the carer is told", Reply::NoContent)
            .body(Body::Json("DecisionInput"))
            .conflict("The application is decided already, the shift is full, or it is no longer out to carers"),
    )
    .route(
        "GET",
        "/api/v1/me/shifts/available",
        Access::Permission(Permission::ApplyForShifts),
        get(rota::available),
        Doc::new(SHIFTS, "Open shifts the signed-in carer may apply for (their confirmed ratings decide competent shifts)", Reply::Json("OpenShiftPage"))
            .query(&[Query { name: "page", kind: "integer", required: false, description: "From 1; 20 a page" }]),
    )
    .route(
        "POST",
        "/api/v1/shifts/{id}/interest",
        Access::Permission(Permission::ApplyForShifts),
        post(rota::interest),
        Doc::new(SHIFTS, "Confirm interest in an open shift, once; a carer cannot withdraw it (a manager can)", Reply::NoContent)
            .conflict("Interest confirmed already, or the shift is no longer open to this carer"),
    )
    .route(
        "GET",
        "/api/v1/me/shift-applications",
        Access::Permission(Permission::ApplyForShifts),
        get(rota::my_applications),
        Doc::new(SHIFTS, "The signed-in carer's applications, newest first", Reply::Json("MyApplicationPage"))
            .query(&[Query { name: "page", kind: "integer", required: false, description: "From 1; 20 a page" }]),
    )
    .route(
        "GET",
        "/api/v1/openapi.json",
        Public,
        get(openapi::json),
        Doc::new("", "This document", Reply::Json("")).hidden(),
    )
    .route(
        "GET",
        "/api/docs",
        Public,
        get(openapi::page),
        Doc::new("", "Swagger UI", Reply::Page).hidden(),
    )
}

/// The REST router. Routes that need a permission check it in a layer of their own,
/// from the same declaration the access test walks.
pub fn routes(state: &AppState) -> Router<AppState> {
    api()
        .routes
        .into_iter()
        .fold(Router::new(), |router, (route, handler)| {
            let handler = match route.access {
                Access::Permission(permission) => handler.route_layer(
                    axum::middleware::from_fn_with_state((state.clone(), permission), require),
                ),
                Access::Public | Access::SignedIn => handler,
            };
            router.route(route.path, handler)
        })
}

/// Every REST route with its declared access.
pub fn table() -> Vec<ApiRoute> {
    api().routes.into_iter().map(|(route, _)| route).collect()
}
