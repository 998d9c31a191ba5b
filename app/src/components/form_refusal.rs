//! Why a plain form post was not accepted, on the page it was sent from.
//!
//! Before the WASM arrives (or without JavaScript) a form is a plain post to its server
//! function. Leptos answers a refused one by sending the browser back to the page, and
//! drops the refusal on the way: the carer saw the page again and nothing else. The
//! server's `form_refusal` layer keeps it in a short-lived cookie; the page shows it
//! once, above its content, and clears it.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The refusal, while the page it was shown on is open.
#[component]
pub fn FormRefusal() -> impl IntoView {
    // Read on the server while the page renders, handed to the hydrating browser.
    let message = SharedValue::new(take_refusal).into_inner();
    let pathname = use_location().pathname;
    let shown_on = pathname.get_untracked();
    move || {
        let message = message.clone().filter(|_| pathname.get() == shown_on)?;
        Some(view! {
            <p class="alert alert--error" role="alert" data-test="form-refused">
                {message}
            </p>
        })
    }
}

#[cfg(feature = "ssr")]
fn take_refusal() -> Option<String> {
    let request = use_context::<axum::http::request::Parts>()?;
    let message = crate::auth::cookies::refusal(&request.headers)?;
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        let secure = crate::state::app_state().map_or(true, |state| state.auth.secure_cookies);
        response.append_header(
            axum::http::header::SET_COOKIE,
            crate::auth::cookies::cleared_refusal_cookie(secure),
        );
    }
    Some(message)
}

/// In the browser the refusal only ever comes from the server's page.
#[cfg(not(feature = "ssr"))]
fn take_refusal() -> Option<String> {
    None
}
