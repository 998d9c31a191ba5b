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
/// What a plain form post was refused with, for the page it goes back to: set by the
/// server's `form_refusal` layer, read and cleared by that page
/// ([`crate::components::form_refusal`]). HttpOnly and short-lived.
pub const REFUSAL_COOKIE: &str = "ct_refused";
/// The longest refusal kept: app messages are one sentence.
const REFUSAL_MAX_CHARS: usize = 300;

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

/// `Set-Cookie` carrying a refusal to the page a plain form post goes back to (two
/// minutes: the browser follows the redirect at once).
pub fn refusal_cookie(message: &str, secure: bool) -> HeaderValue {
    use base64::Engine;
    let message: String = message.chars().take(REFUSAL_MAX_CHARS).collect();
    let value = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(message);
    set_cookie(REFUSAL_COOKIE, &value, 120, secure)
}

/// `Set-Cookie` removing the refusal once its page has shown it.
pub fn cleared_refusal_cookie(secure: bool) -> HeaderValue {
    set_cookie(REFUSAL_COOKIE, "", 0, secure)
}

/// The refusal a request carries, if any (a value that does not decode is none).
pub fn refusal(headers: &HeaderMap) -> Option<String> {
    use base64::Engine;
    let value = cookie(headers, REFUSAL_COOKIE).filter(|value| !value.is_empty())?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(value)
        .ok()?;
    let message = String::from_utf8(bytes).ok()?;
    Some(message.chars().take(REFUSAL_MAX_CHARS).collect())
}

/// `Set-Cookie` headers removing every session cookie.
pub fn cleared_cookies(secure: bool) -> [HeaderValue; 3] {
    [
        set_cookie(ACCESS_COOKIE, "", 0, secure),
        set_cookie(REFRESH_COOKIE, "", 0, secure),
        set_cookie(CSRF_COOKIE, "", 0, secure),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_travels_in_a_cookie_and_back() {
        let set = refusal_cookie("Only 2 more today — «count»; ok?", false);
        let set = set.to_str().unwrap();
        assert!(set.starts_with("ct_refused="), "{set}");
        assert!(
            set.contains("HttpOnly") && set.contains("Max-Age=120"),
            "{set}"
        );
        let value = set.split(';').next().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=1; {value}")).unwrap(),
        );
        assert_eq!(
            refusal(&headers).as_deref(),
            Some("Only 2 more today — «count»; ok?")
        );
    }

    #[test]
    fn a_refusal_is_bounded_and_a_broken_one_is_none() {
        let long = "x".repeat(1000);
        let set = refusal_cookie(&long, true);
        let value = set.to_str().unwrap().split(';').next().unwrap().to_owned();
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(&value).unwrap());
        assert_eq!(refusal(&headers).map(|m| m.len()), Some(300));
        headers.insert(header::COOKIE, HeaderValue::from_static("ct_refused=%%%"));
        assert_eq!(refusal(&headers), None);
        assert!(
            cleared_refusal_cookie(true)
                .to_str()
                .unwrap()
                .contains("Max-Age=0")
        );
    }
}
