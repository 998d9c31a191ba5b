//! Axum's extractors, answering bad input in the API's error shape
//! (`{error: {code, message, fields?}}`) instead of Axum's plain-text rejections.

use app::{
    audit::Actor,
    auth::{CurrentUser, RequestMeta},
    error::AppError,
};
use axum::{
    extract::{FromRequest, FromRequestParts, Request},
    http::request::Parts,
};
use serde::de::DeserializeOwned;

/// A JSON request body; malformed or incomplete JSON is a 422 naming the problem.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        axum::Json::<T>::from_request(request, state)
            .await
            .map(|axum::Json(value)| Self(value))
            .map_err(|rejection| AppError::validation("body", rejection.body_text()))
    }
}

/// Query-string parameters; unparsable ones are a 422.
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Self(value))
            .map_err(|rejection| AppError::validation("query", rejection.body_text()))
    }
}

/// A record id from the path; one that cannot be an id names nothing, so it is a 404.
pub struct PathId(pub sqlx::types::Uuid);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        axum::extract::Path::<sqlx::types::Uuid>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(id)| Self(id))
            .map_err(|_| AppError::NotFound("That record".into()))
    }
}

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

/// The signed-in caller as the services take them: who they are, and the actor (user,
/// address, browser) that audit entries name. 401 when signed out.
pub struct Acting {
    pub user: CurrentUser,
    pub actor: Actor,
}

impl<S: Send + Sync> FromRequestParts<S> for Acting {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let SignedIn(user) = SignedIn::from_request_parts(parts, state).await?;
        let meta = parts
            .extensions
            .get::<RequestMeta>()
            .cloned()
            .unwrap_or_default();
        Ok(Self {
            actor: Actor::user(&user, &meta),
            user,
        })
    }
}
