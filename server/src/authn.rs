//! The authentication layer: runs before every route and resolves who is asking.
//!
//! API clients send `Authorization: Bearer <access token>`. Browsers carry the access
//! and refresh tokens in HttpOnly cookies; when the access token has expired the layer
//! rotates the refresh token transparently and sets the new cookies on the response.
//! Either way the session named by the token must still be live, so a revoked session
//! stops working on its next request.
//!
//! Cookie-carrying requests that change state must come from our own pages
//! (`Sec-Fetch-Site: same-origin`, or a matching `Origin`) and repeat the CSRF token
//! (`app::csrf`): a cross-site form post is refused before it reaches a handler.

use crate::client_ip::TrustedProxies;
use app::{
    auth::{
        CurrentUser, RequestMeta,
        cookies::{
            ACCESS_COOKIE, CSRF_COOKIE, REFRESH_COOKIE, cleared_cookies, cookie, token_cookies,
        },
        rate_limit::{self, REFRESH_PER_IP},
        sessions::{self, RefreshOutcome},
    },
    csrf,
    error::AppError,
    state::AppState,
};
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, HeaderValue, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::{net::SocketAddr, sync::Arc};

pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Who is asking from where. The address is the client's as far as the trusted proxies
/// (`TRUSTED_PROXIES`, put in the request's extensions by the router) tell it: the one
/// every per-address limit counts against and every audit record and session keeps.
fn request_meta(request: &Request) -> RequestMeta {
    let extensions = request.extensions();
    let proxies = extensions.get::<Arc<TrustedProxies>>();
    RequestMeta {
        ip: extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| match proxies {
                Some(proxies) => proxies.client_ip(info.0.ip(), request.headers()),
                None => info.0.ip().to_canonical(),
            }),
        user_agent: request
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}

/// Whether a state-changing request carrying cookies comes from our own pages.
fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    // Older browsers: the Origin must be this host.
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    match (origin, host) {
        (Some(origin), Some(host)) => {
            origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"))
                == Some(host)
        }
        _ => false,
    }
}

/// Endpoints that sign in: they need no token (there may be no session yet), only the
/// same-origin check.
const SIGN_IN_PATHS: [&str; 5] = [
    "/api/sign_in",
    "/api/sign_in_second_step",
    "/api/v1/auth/login",
    "/api/v1/auth/mfa",
    "/api/v1/auth/refresh",
];
/// Larger form posts are not ours (uploads are multipart and send the header).
const MAX_FORM_BYTES: usize = 64 * 1024;

/// The CSRF defence for requests that carry session cookies and change state: same
/// origin, and the `ct_csrf` cookie repeated in the header or a `_csrf` form field.
/// Hands the request back (its body re-assembled if it was read) or why it is refused.
async fn check_csrf(request: Request) -> Result<Request, &'static str> {
    let headers = request.headers();
    let path = request.uri().path();
    let has_cookies =
        cookie(headers, ACCESS_COOKIE).is_some() || cookie(headers, REFRESH_COOKIE).is_some();
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    // Signing in needs no cookies, so a page elsewhere could sign a visitor in to an
    // account of its choosing (login CSRF): the browser's sign-in must come from our own
    // pages, and no browser on another site may use the REST one (API clients, which
    // send no `Sec-Fetch-Site`, still can).
    if unsafe_method && SIGN_IN_PATHS.contains(&path) {
        let from_elsewhere = headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|site| !matches!(site, "same-origin" | "none"));
        let browser_door = path.starts_with("/api/sign_in");
        if from_elsewhere || (browser_door && !same_origin(headers)) {
            return Err("sign-in not from our own pages");
        }
    }
    if !has_cookies || !unsafe_method || bearer(headers).is_some() {
        return Ok(request);
    }
    if !same_origin(headers) {
        return Err("not same-origin");
    }
    if SIGN_IN_PATHS.contains(&path) {
        return Ok(request);
    }
    let Some(expected) = cookie(headers, CSRF_COOKIE).map(str::to_owned) else {
        return Err("no CSRF cookie");
    };
    if let Some(given) = headers.get(csrf::HEADER).and_then(|v| v.to_str().ok()) {
        return if given == expected {
            Ok(request)
        } else {
            Err("CSRF header mismatch")
        };
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err("no CSRF token");
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_FORM_BYTES).await else {
        return Err("form too large to check");
    };
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let given = fields
        .iter()
        .find(|(name, _)| name == csrf::FORM_FIELD)
        .map(|(_, value)| value.as_str());
    if given != Some(expected.as_str()) {
        return Err("CSRF form field missing or wrong");
    }
    Ok(Request::from_parts(parts, axum::body::Body::from(bytes)))
}

pub async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let meta = request_meta(&request);
    // The route's pattern, never the path itself (a path may hold a token).
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let mut request = match check_csrf(request).await {
        Ok(request) => request,
        Err(why) => {
            tracing::warn!(
                route = route.as_deref().unwrap_or("(unmatched)"),
                why,
                "state-changing request refused as cross-site"
            );
            return AppError::Forbidden.into_response();
        }
    };

    let mut new_cookies: Vec<HeaderValue> = Vec::new();
    let user = match resolve(&state, request.headers(), &meta, &mut new_cookies).await {
        Ok(user) => user,
        Err(err) => return err.into_response(),
    };
    request.extensions_mut().insert(meta);
    if let Some(user) = user {
        request.extensions_mut().insert(user);
    }
    let mut response = next.run(request).await;
    for value in new_cookies {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The person behind a valid access token whose session is live (and who is within their
/// request limit: `RateLimited` otherwise).
async fn live_user(state: &AppState, token: &str) -> Result<Option<CurrentUser>, AppError> {
    let Some(claims) = state.auth.jwt.verify(token) else {
        return Ok(None);
    };
    match sessions::admit(state, claims.sid, claims.sub, claims.role).await {
        Ok(true) => Ok(Some(CurrentUser {
            user_id: claims.sub,
            role: claims.role,
            session_id: claims.sid,
        })),
        Ok(false) => Ok(None),
        Err(AppError::RateLimited(seconds)) => Err(AppError::RateLimited(seconds)),
        Err(err) => {
            tracing::error!(error = %err, "could not check a session");
            Ok(None)
        }
    }
}

async fn resolve(
    state: &AppState,
    headers: &HeaderMap,
    meta: &RequestMeta,
    new_cookies: &mut Vec<HeaderValue>,
) -> Result<Option<CurrentUser>, AppError> {
    if let Some(token) = bearer(headers) {
        return live_user(state, token).await;
    }
    if let Some(token) = cookie(headers, ACCESS_COOKIE)
        && let Some(user) = live_user(state, token).await?
    {
        return Ok(Some(user));
    }
    let Some(refresh_token) = cookie(headers, REFRESH_COOKIE) else {
        return Ok(None);
    };
    let ip_key = meta.ip_key();
    rate_limit::hit(state, REFRESH_PER_IP, &ip_key).await?;
    let secure = state.auth.secure_cookies;
    match sessions::refresh(state, refresh_token, meta).await {
        Ok(RefreshOutcome::Rotated(tokens, user)) => {
            new_cookies.extend(token_cookies(&tokens, secure));
            Ok(Some(user))
        }
        Ok(RefreshOutcome::Concurrent(user)) => Ok(Some(user)),
        Ok(RefreshOutcome::Reused | RefreshOutcome::Invalid) => {
            new_cookies.extend(cleared_cookies(secure));
            Ok(None)
        }
        Err(err) => {
            tracing::error!(error = %err, "transparent refresh failed");
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; ct_access=abc.def.ghi"),
        );
        headers.append(header::COOKIE, HeaderValue::from_static("ct_refresh=xyz"));
        assert_eq!(cookie(&headers, ACCESS_COOKIE), Some("abc.def.ghi"));
        assert_eq!(cookie(&headers, REFRESH_COOKIE), Some("xyz"));
        assert_eq!(cookie(&headers, "missing"), None);
    }

    #[test]
    fn only_our_own_pages_may_post_with_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(same_origin(&headers));
        headers.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&headers));
        let mut old_browser = HeaderMap::new();
        old_browser.insert(header::HOST, HeaderValue::from_static("care.example"));
        old_browser.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://care.example"),
        );
        assert!(same_origin(&old_browser));
        old_browser.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!same_origin(&old_browser));
        assert!(!same_origin(&HeaderMap::new()), "no evidence of origin");
    }

    #[tokio::test]
    async fn signing_in_must_come_from_our_own_pages_even_without_cookies() {
        let post = |path: &str, site: Option<&'static str>| {
            let mut request = Request::post(path);
            if let Some(site) = site {
                request = request.header("sec-fetch-site", site);
            }
            request.body(axum::body::Body::empty()).unwrap()
        };
        // The browser's door: only from our pages.
        assert!(check_csrf(post("/api/sign_in", None)).await.is_err());
        assert!(
            check_csrf(post("/api/sign_in", Some("cross-site")))
                .await
                .is_err()
        );
        assert!(
            check_csrf(post("/api/sign_in_second_step", Some("same-site")))
                .await
                .is_err()
        );
        assert!(
            check_csrf(post("/api/sign_in", Some("same-origin")))
                .await
                .is_ok()
        );
        // The REST door: API clients send no Sec-Fetch-Site; browsers elsewhere do.
        assert!(check_csrf(post("/api/v1/auth/login", None)).await.is_ok());
        assert!(
            check_csrf(post("/api/v1/auth/login", Some("cross-site")))
                .await
                .is_err()
        );
        assert!(
            check_csrf(post("/api/v1/auth/mfa", Some("same-origin")))
                .await
                .is_ok()
        );
        // Other public posts without cookies are not this check's business.
        assert!(
            check_csrf(post("/api/request_password_reset", None))
                .await
                .is_ok()
        );
    }
}
