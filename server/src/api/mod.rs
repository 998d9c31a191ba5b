//! The REST surface under `/api/v1`, for integrations and black-box tests. Errors are
//! `{error: {code, message, fields?}}` (`AppError`'s `IntoResponse`).

pub mod audit;
pub mod auth;
pub mod files;
pub mod jobs;

use app::{auth::CurrentUser, error::AppError, state::AppState};
use axum::{
    Router,
    extract::FromRequestParts,
    http::request::Parts,
    routing::{MethodRouter, delete, get, post},
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
}

/// Builds the router and, from the same calls, the table of what it serves.
struct Api {
    router: Router<AppState>,
    table: Vec<ApiRoute>,
}

impl Api {
    fn route(
        mut self,
        method: &'static str,
        path: &'static str,
        access: Access,
        handler: MethodRouter<AppState>,
    ) -> Self {
        self.table.push(ApiRoute {
            method,
            path,
            access,
        });
        self.router = self.router.route(path, handler);
        self
    }
}

fn api() -> Api {
    use Access::{Public, SignedIn};
    let manage_jobs = Access::Permission(Permission::ManageJobs);
    Api {
        router: Router::new(),
        table: Vec::new(),
    }
    .route("POST", "/api/v1/auth/login", Public, post(auth::login))
    .route("POST", "/api/v1/auth/mfa", Public, post(auth::mfa))
    .route("POST", "/api/v1/auth/refresh", Public, post(auth::refresh))
    .route("POST", "/api/v1/auth/logout", SignedIn, post(auth::logout))
    .route("GET", "/api/v1/me", SignedIn, get(auth::me))
    .route(
        "GET",
        "/api/v1/me/sessions",
        SignedIn,
        get(auth::my_sessions),
    )
    .route(
        "DELETE",
        "/api/v1/me/sessions/{id}",
        SignedIn,
        delete(auth::revoke_my_session),
    )
    // Which purposes a role may upload is checked inside (caretrack::files::upload_permission).
    .route("POST", "/api/v1/files", SignedIn, post(files::upload))
    .route("GET", "/api/v1/files/{id}", SignedIn, get(files::download))
    .route(
        "GET",
        "/api/v1/files/{id}/url",
        SignedIn,
        get(files::download_url),
    )
    .route(
        "GET",
        "/api/v1/admin/audit.csv",
        Access::Permission(Permission::ViewAudit),
        get(audit::export),
    )
    .route(
        "GET",
        "/api/v1/admin/jobs",
        manage_jobs,
        get(jobs::overview),
    )
    .route(
        "POST",
        "/api/v1/admin/jobs/{id}/retry",
        manage_jobs,
        post(jobs::retry),
    )
    .route(
        "POST",
        "/api/v1/admin/jobs/{id}/discard",
        manage_jobs,
        post(jobs::discard),
    )
}

pub fn routes() -> Router<AppState> {
    api().router
}

/// Every REST route with its declared access.
pub fn table() -> Vec<ApiRoute> {
    api().table
}
