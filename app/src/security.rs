//! The Content-Security-Policy of every rendered page. Scripts run only from our own
//! origin or with this response's nonce (leptos_axum generates one per render and puts it
//! on the hydration scripts); no inline script, style attribute or plugin from anywhere
//! else; the page cannot be framed.

use leptos::prelude::*;

/// Sets the policy on the current server response (called while rendering the shell).
pub fn set_content_security_policy(options: &LeptosOptions) {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let development = use_context::<crate::state::AppState>()
        .is_some_and(|state| state.settings.environment != crate::state::Environment::Production);
    // `cargo leptos watch` reloads the page over a WebSocket on its own port.
    let live_reload = if development {
        format!(" ws://{}:{}", options.site_addr.ip(), options.reload_port)
    } else {
        String::new()
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{nonce}'; img-src 'self' data: blob:; font-src 'self'; \
         connect-src 'self'{live_reload}; manifest-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = axum::http::HeaderValue::from_str(&policy) {
        response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
}
