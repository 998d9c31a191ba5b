//! The REST surface under `/api/v1`, for integrations and black-box tests. Errors are
//! `{error: {code, message, fields?}}` (`AppError`'s `IntoResponse`).

pub mod audit;
pub mod auth;
pub mod extract;
pub mod files;
pub mod jobs;
pub mod openapi;

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
    pub doc: openapi::Doc,
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
        doc: openapi::Doc,
    ) -> Self {
        self.table.push(ApiRoute {
            method,
            path,
            access,
            doc,
        });
        self.router = self.router.route(path, handler);
        self
    }
}

fn api() -> Api {
    use Access::{Public, SignedIn};
    use openapi::{ADMIN, AUTH, Body, Doc, FILES, Query, Reply};
    let manage_jobs = Access::Permission(Permission::ManageJobs);
    Api {
        router: Router::new(),
        table: Vec::new(),
    }
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

pub fn routes() -> Router<AppState> {
    api().router
}

/// Every REST route with its declared access.
pub fn table() -> Vec<ApiRoute> {
    api().table
}
