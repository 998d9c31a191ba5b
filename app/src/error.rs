//! One error type for every server function and REST handler.
//!
//! What crosses the wire is only the safe, user-facing part. Causes (SQL errors, Redis
//! errors, panics in dependencies) are logged on the server where they are converted and
//! never sent to the browser.

use caretrack::ValidationError;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Input refused; `field` names the form input so the message can sit beside it.
    #[error("{message}")]
    Validation { field: String, message: String },
    #[error("Please sign in to continue.")]
    Unauthenticated,
    /// The same answer for an unknown email, a wrong password and a locked account.
    #[error("The email or password is incorrect.")]
    InvalidCredentials,
    #[error("You do not have permission to do that.")]
    Forbidden,
    /// The organisation requires two-step verification for this role and it is not set up.
    #[error(
        "Your organisation requires two-step verification for care managers. Set it up on Your account first."
    )]
    TwoFactorRequired,
    #[error("{0} was not found.")]
    NotFound(String),
    /// A log would pass the daily cap for a task; `remaining` is what is left today.
    #[error("{}", caretrack::care::over_the_cap(*remaining).message)]
    OverDailyCap { remaining: i32 },
    /// The change clashes with existing data (e.g. an email already in use).
    #[error("{0}")]
    Conflict(String),
    /// Too many requests; the client may retry after this many seconds.
    #[error("Too many attempts. Please wait a moment and try again.")]
    RateLimited(u64),
    /// A dependency (database, cache, mail) is down; the request can be retried.
    #[error("{0} is unavailable right now. Please try again shortly.")]
    Unavailable(String),
    /// Too much work of this kind at once (password checks); retry after this many seconds.
    #[error("CareTrack is busy right now. Please try again in a moment.")]
    Busy(u64),
    #[error("Something went wrong on our side. It has been logged; please try again.")]
    Internal,
    /// The request never reached the server function, or its answer never came back.
    #[error("Could not reach CareTrack: {0}")]
    Transport(String),
}

impl AppError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The form input the error is about, if it is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Validation { field, .. } => Some(field),
            AppError::OverDailyCap { .. } => Some("count"),
            _ => None,
        }
    }

    /// A stable machine-readable name for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Validation { .. } => "validation_failed",
            AppError::Unauthenticated => "unauthenticated",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::Forbidden => "forbidden",
            AppError::TwoFactorRequired => "two_factor_required",
            AppError::NotFound(_) => "not_found",
            AppError::OverDailyCap { .. } => "over_daily_cap",
            AppError::Conflict(_) => "conflict",
            AppError::RateLimited(_) => "rate_limited",
            AppError::Unavailable(_) => "unavailable",
            AppError::Busy(_) => "busy",
            AppError::Internal => "internal",
            AppError::Transport(_) => "transport",
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Validation { .. } | AppError::OverDailyCap { .. } => 422,
            AppError::Unauthenticated | AppError::InvalidCredentials => 401,
            AppError::Forbidden | AppError::TwoFactorRequired => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) => 409,
            AppError::RateLimited(_) => 429,
            AppError::Unavailable(_) | AppError::Busy(_) => 503,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}

impl AppError {
    /// Seconds a client should wait before trying again (`Retry-After`): for a limit,
    /// until it lets the next request through; for an outage or a busy moment, a few.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::RateLimited(seconds) | AppError::Busy(seconds) => Some((*seconds).max(1)),
            AppError::Unavailable(_) => Some(5),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = crate::codec::JsonText;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        // On the server these mean the request's arguments could not be read: the
        // caller's fault, answered 422 and logged (the function never ran).
        #[cfg(feature = "ssr")]
        if let ServerFnErrorErr::Args(detail)
        | ServerFnErrorErr::MissingArg(detail)
        | ServerFnErrorErr::Deserialization(detail) = &value
        {
            tracing::warn!(%detail, "a server function's arguments could not be read");
            return crate::auth::door::with_status::<()>(Err(AppError::validation(
                "request",
                "The request could not be read. Reload the page and try again.",
            )))
            .unwrap_err();
        }
        AppError::Transport(value.to_string())
    }
}

impl From<ValidationError> for AppError {
    fn from(err: ValidationError) -> Self {
        AppError::validation(err.field, err.message)
    }
}

/// The schema's unique rules that what someone typed can break, each with the field it
/// marks and what to tell them: named here once for every feature and both doors. A
/// change refused by any other unique rule is a plain conflict.
#[cfg(feature = "ssr")]
const UNIQUE_FIELDS: [(&str, &str, &str); 3] = [
    (
        "tasks_live_name_key",
        "name",
        "There is already a task with this name.",
    ),
    (
        "users_email_key",
        "email",
        "There is already an account with this email address.",
    ),
    (
        "invitations_open_email_key",
        "email",
        "There is already an open invitation for this email address.",
    ),
];

/// What a unique rule's refusal means to the caller (see [`UNIQUE_FIELDS`]).
#[cfg(feature = "ssr")]
pub fn unique_violation(constraint: Option<&str>) -> AppError {
    match UNIQUE_FIELDS
        .iter()
        .find(|(name, _, _)| Some(*name) == constraint)
    {
        Some((_, field, message)) => AppError::validation(*field, *message),
        None => AppError::Conflict("That already exists.".into()),
    }
}

#[cfg(feature = "ssr")]
mod server {
    use super::AppError;

    impl From<sqlx::Error> for AppError {
        fn from(err: sqlx::Error) -> Self {
            match &err {
                sqlx::Error::RowNotFound => AppError::NotFound("The record".into()),
                sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed
                | sqlx::Error::Io(_)
                | sqlx::Error::Tls(_) => {
                    tracing::error!(error = %err, "database unreachable");
                    AppError::Unavailable("The database".into())
                }
                // The server going away under a query: shutting down or restarting
                // (57P01 admin shutdown, 57P02 crash, 57P03 cannot connect now), the
                // connection lost (class 08), or too many connections (53300). The
                // request may be tried again shortly, so 503, not a fault of ours. (A
                // query cancelled by its own timeout, 57014, stays a 500.)
                sqlx::Error::Database(db)
                    if db.code().is_some_and(|code| {
                        code.starts_with("57P") || code.starts_with("08") || code == "53300"
                    }) =>
                {
                    tracing::error!(error = %err, "database unavailable");
                    AppError::Unavailable("The database".into())
                }
                sqlx::Error::Database(db) if db.is_unique_violation() => {
                    tracing::info!(constraint = ?db.constraint(), "unique constraint refused a change");
                    super::unique_violation(db.constraint())
                }
                _ => {
                    tracing::error!(error = %err, "database error");
                    AppError::Internal
                }
            }
        }
    }

    impl From<redis::RedisError> for AppError {
        fn from(err: redis::RedisError) -> Self {
            tracing::error!(error = %err, "redis error");
            AppError::Unavailable("The session store".into())
        }
    }

    impl axum::response::IntoResponse for AppError {
        fn into_response(self) -> axum::response::Response {
            let status = axum::http::StatusCode::from_u16(self.status_code())
                .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
            // `{error: {code, message, fields?}}`: the shape every REST client sees.
            let mut error = serde_json::json!({ "code": self.code(), "message": self.to_string() });
            if let Some(field) = self.field() {
                error["fields"] = serde_json::json!({ field: self.to_string() });
            }
            if let AppError::OverDailyCap { remaining } = &self {
                error["remaining_today"] = serde_json::json!(remaining);
            }
            let mut response =
                (status, axum::Json(serde_json::json!({ "error": error }))).into_response();
            if let Some(seconds) = self.retry_after() {
                response.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from(seconds),
                );
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_errors_keep_their_field_and_answer_422() {
        let err: AppError = caretrack::PostcodeDistrict::parse("nope")
            .unwrap_err()
            .into();
        assert_eq!(err.status_code(), 422);
        match err {
            AppError::Validation { field, .. } => assert_eq!(field, "postcode_district"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_unique_rule_someone_typed_into_marks_its_field_and_others_are_conflicts() {
        match unique_violation(Some("users_email_key")) {
            AppError::Validation { field, message } => {
                assert_eq!(field, "email");
                assert!(message.contains("already an account"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(
            unique_violation(Some("tasks_live_name_key")).status_code(),
            422
        );
        assert_eq!(
            unique_violation(Some("jobs_dedupe_key")),
            AppError::Conflict("That already exists.".into())
        );
        assert_eq!(unique_violation(None).status_code(), 409);
    }

    #[test]
    fn internal_errors_say_nothing_about_their_cause() {
        assert!(
            !AppError::Internal
                .to_string()
                .to_lowercase()
                .contains("sql")
        );
        assert_eq!(AppError::Internal.status_code(), 500);
        assert_eq!(
            AppError::Unavailable("The database".into()).status_code(),
            503
        );
    }
}
