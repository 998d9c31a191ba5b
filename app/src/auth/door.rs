//! The one door every server function's body goes through. [`serve`] checks the caller
//! holds the permission (a refusal is audited), runs the body with who is asking, and
//! gives any failure its HTTP status, both over HTTP and during server-side rendering,
//! where a page's resources call the functions directly and no route layer sees them.
//! A function anyone may call (signing in, a reset or invitation link) goes through
//! [`serve_anyone`]. A test below fails for a server function whose body is not one of
//! the two.

use super::{CurrentUser, guard};
use crate::{audit::Actor, error::AppError, state::AppState};
use caretrack::permissions::Permission;

/// Who is calling, once the door has let them in.
pub struct Caller {
    pub user: CurrentUser,
    /// The same person as the audit log names them (with the request's device and address).
    pub actor: Actor,
    pub state: AppState,
}

/// Runs `body` for a caller holding `permission`.
pub async fn serve<T>(
    permission: Permission,
    body: impl AsyncFnOnce(Caller) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let result = match guard(permission).await {
        Ok((user, actor, state)) => body(Caller { user, actor, state }).await,
        Err(refused) => Err(refused),
    };
    with_status(result)
}

/// Runs `body` for anyone, signed in or not.
pub async fn serve_anyone<T>(
    body: impl AsyncFnOnce() -> Result<T, AppError>,
) -> Result<T, AppError> {
    with_status(body().await)
}

/// Answers a failure with its own HTTP status (401, 403, 422 …) rather than a blanket
/// 500, so logs and monitoring tell refusals from faults.
pub(crate) fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result
        && let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = axum::http::StatusCode::from_u16(err.status_code())
    {
        response.set_status(status);
        if let Some(seconds) = err.retry_after() {
            response.insert_header(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(seconds),
            );
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path.display().to_string(), text));
            }
        }
    }

    /// The body of each `#[server]` function: from its signature's `{` to the `}` that
    /// closes it at the start of a line.
    fn server_functions(text: &str) -> Vec<(&str, &str)> {
        let mut found = Vec::new();
        let mut rest = text;
        while let Some(at) = rest.find("\n#[server(") {
            rest = &rest[at + 1..];
            let name_at = rest.find("pub async fn ").expect("a server fn") + "pub async fn ".len();
            let name = &rest[name_at..][..rest[name_at..].find('(').unwrap()];
            let open = rest.find(" {\n").expect("a body");
            let close = rest[open..].find("\n}").expect("the body's end") + open;
            found.push((name, &rest[open..close]));
            rest = &rest[close..];
        }
        found
    }

    #[test]
    fn every_server_function_goes_through_the_door() {
        let mut files = Vec::new();
        sources(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut count = 0;
        let mut missing = Vec::new();
        for (path, text) in &files {
            for (name, body) in server_functions(text) {
                count += 1;
                let body = body.trim_start_matches([' ', '{', '\n']);
                let through_door = body.starts_with("serve(") || body.starts_with("serve_anyone(");
                if !through_door || !text.contains("use crate::auth::door::") {
                    missing.push(format!("{path}: {name}"));
                }
            }
        }
        assert!(count > 100, "found only {count} server functions");
        assert!(missing.is_empty(), "not through the door: {missing:#?}");
    }
}
