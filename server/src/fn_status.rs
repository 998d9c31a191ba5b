//! A server function's error answers with the error's own HTTP status (401, 403, 404,
//! 409, 422, 429, 503 …) instead of server_fn's blanket 500, so logs and monitoring tell
//! refusals from faults. One layer for every function: none can forget it.

use app::error::AppError;
use axum::{
    body::{Body, Bytes, to_bytes},
    extract::Request,
    http::{StatusCode, header, response::Parts},
    middleware::Next,
    response::Response,
};
use leptos::server_fn::error::{FromServerFnError, SERVER_FN_ERROR_HEADER};

/// The most of an error answer read back (an `AppError` with every field of a long form
/// is a few hundred bytes).
const MAX_ERROR_BYTES: usize = 64 * 1024;

pub async fn status_from_error(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if !response.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        return response;
    }
    let (mut parts, bytes, error) = read_error(response).await;
    parts.status =
        StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(seconds) = error.retry_after() {
        parts
            .headers
            .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// A server function's error answer, read back: its head, its body and the error in it
/// (an unreadable or oversized body is an internal error with an empty body).
pub async fn read_error(response: Response) -> (Parts, Bytes, AppError) {
    let (mut parts, body) = response.into_parts();
    match to_bytes(body, MAX_ERROR_BYTES).await {
        Ok(bytes) => {
            let error = AppError::de(bytes.clone());
            (parts, bytes, error)
        }
        Err(_) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            (parts, Bytes::new(), AppError::Internal)
        }
    }
}
