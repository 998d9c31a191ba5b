//! A plain form post that its server function refused goes back to its page with the
//! refusal. Before the WASM arrives, or without JavaScript, a form is a plain post
//! (`Accept: text/html`); Leptos sends the browser back to the `Referer` and drops the
//! error, so the person saw the same page and nothing else. This layer answers such a
//! refusal itself: `303 See Other` to the page (its path only: never another site), with
//! the message in a short-lived cookie the page shows once
//! (`app::components::form_refusal`).

use app::{auth::cookies::refusal_cookie, state::AppState};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;

pub async fn redirect_back(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let back = plain_form_post(request.method(), request.uri(), request.headers());
    let response = next.run(request).await;
    let Some(back) = back else {
        return response;
    };
    if !response.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        return response;
    }
    let message = crate::fn_status::read_error(response).await.2.to_string();
    let mut answer = (StatusCode::SEE_OTHER, Body::empty()).into_response();
    let headers = answer.headers_mut();
    if let Ok(location) = HeaderValue::from_str(&back) {
        headers.insert(header::LOCATION, location);
    }
    headers.insert(
        header::SET_COOKIE,
        refusal_cookie(&message, state.auth.secure_cookies),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    answer
}

/// Where a plain form post to a server function came from: the `Referer`'s path and
/// query, when the request is one (a script's call asks for JSON, and the REST API under
/// `/api/v1/` is not a form's).
fn plain_form_post(method: &Method, uri: &Uri, headers: &HeaderMap) -> Option<String> {
    let path = uri.path();
    if method != Method::POST || !path.starts_with("/api/") || path.starts_with("/api/v1/") {
        return None;
    }
    let accepts_html = headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("text/html"));
    if !accepts_html {
        return None;
    }
    let referer: Uri = headers.get(header::REFERER)?.to_str().ok()?.parse().ok()?;
    let back = referer.path_and_query()?.as_str();
    // A path on this site only: `//host` would leave it.
    (back.starts_with('/') && !back.starts_with("//")).then(|| back.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(accept: &str, referer: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(accept).unwrap());
        headers.insert(header::REFERER, HeaderValue::from_str(referer).unwrap());
        headers
    }

    fn back(method: Method, path: &str, accept: &str, referer: &str) -> Option<String> {
        plain_form_post(&method, &path.parse().unwrap(), &headers(accept, referer))
    }

    #[test]
    fn a_plain_form_post_goes_back_to_its_page_on_this_site() {
        let html = "text/html,application/xhtml+xml";
        assert_eq!(
            back(
                Method::POST,
                "/api/log_practice",
                html,
                "https://care.example/carer?x=1"
            ),
            Some("/carer?x=1".into())
        );
        // Another site's address keeps only its path: the browser stays here.
        assert_eq!(
            back(
                Method::POST,
                "/api/log_practice",
                html,
                "https://evil.example/carer"
            ),
            Some("/carer".into())
        );
    }

    #[test]
    fn scripts_the_rest_api_and_odd_referers_are_left_alone() {
        let html = "text/html";
        assert_eq!(
            back(
                Method::POST,
                "/api/log_practice",
                "application/json",
                "https://a.example/carer"
            ),
            None
        );
        assert_eq!(
            back(
                Method::POST,
                "/api/v1/practice",
                html,
                "https://a.example/carer"
            ),
            None
        );
        assert_eq!(
            back(
                Method::GET,
                "/api/log_practice",
                html,
                "https://a.example/carer"
            ),
            None
        );
        assert_eq!(
            back(Method::POST, "/carer", html, "https://a.example/carer"),
            None
        );
        assert_eq!(
            back(Method::POST, "/api/log_practice", html, "//evil.example/x"),
            None
        );
    }
}
