//! The browser's tokens: two HttpOnly cookies, `SameSite=Lax`, `Secure` outside
//! plain-http development.

use super::sessions::IssuedTokens;
use axum::http::{HeaderMap, HeaderValue, header};
use time::OffsetDateTime;

pub const ACCESS_COOKIE: &str = "ct_access";
pub const REFRESH_COOKIE: &str = "ct_refresh";
/// Readable by our pages (not HttpOnly), never sent by other sites (SameSite=Strict):
/// the double-submit CSRF token (see `crate::csrf`).
pub const CSRF_COOKIE: &str = "ct_csrf";

/// The value of one cookie from the `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn set_cookie(name: &str, value: &str, max_age_seconds: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let access = if name == CSRF_COOKIE {
        "SameSite=Strict"
    } else {
        "HttpOnly; SameSite=Lax"
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; {access}; Max-Age={}{secure}",
        max_age_seconds.max(0)
    ))
    .expect("token characters are valid in a header")
}

/// `Set-Cookie` headers carrying freshly issued tokens, and a new CSRF token.
pub fn token_cookies(tokens: &IssuedTokens, secure: bool) -> [HeaderValue; 3] {
    let now = OffsetDateTime::now_utc();
    let session_seconds = (tokens.session_expires_at - now).whole_seconds();
    [
        set_cookie(
            ACCESS_COOKIE,
            &tokens.access_token,
            (tokens.access_expires_at - now).whole_seconds(),
            secure,
        ),
        set_cookie(
            REFRESH_COOKIE,
            &tokens.refresh_token,
            session_seconds,
            secure,
        ),
        set_cookie(
            CSRF_COOKIE,
            &super::tokens::new_opaque_token().0,
            session_seconds,
            secure,
        ),
    ]
}

/// `Set-Cookie` headers removing every session cookie.
pub fn cleared_cookies(secure: bool) -> [HeaderValue; 3] {
    [
        set_cookie(ACCESS_COOKIE, "", 0, secure),
        set_cookie(REFRESH_COOKIE, "", 0, secure),
        set_cookie(CSRF_COOKIE, "", 0, secure),
    ]
}
