//! The REST surface under `/api/v1`, for integrations and black-box tests. Errors are
//! `{error: {code, message, fields?}}` (`AppError`'s `IntoResponse`).

pub mod auth;
pub mod files;
pub mod jobs;

use app::{auth::CurrentUser, error::AppError, state::AppState};
use axum::{
    Router,
    extract::FromRequestParts,
    http::request::Parts,
    routing::{delete, get, post},
};

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

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/login", post(auth::login))
        .route("/api/v1/auth/mfa", post(auth::mfa))
        .route("/api/v1/auth/refresh", post(auth::refresh))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route("/api/v1/me", get(auth::me))
        .route("/api/v1/me/sessions", get(auth::my_sessions))
        .route("/api/v1/me/sessions/{id}", delete(auth::revoke_my_session))
        .route("/api/v1/files", post(files::upload))
        .route("/api/v1/files/{id}", get(files::download))
        .route("/api/v1/files/{id}/url", get(files::download_url))
        .route("/api/v1/admin/jobs", get(jobs::overview))
        .route("/api/v1/admin/jobs/{id}/retry", post(jobs::retry))
        .route("/api/v1/admin/jobs/{id}/discard", post(jobs::discard))
}
