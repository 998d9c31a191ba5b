//! The token half of the CSRF defence (the other half is the same-origin check in the
//! server's authentication layer). Signing in sets a random `ct_csrf` cookie that pages
//! can read and other sites cannot; every state-changing request that carries session
//! cookies must repeat it, in the `X-CSRF-Token` header (server functions called from the
//! browser, through [`CsrfClient`]) or in a `_csrf` form field (forms posted before the
//! WASM has loaded).

use leptos::server_fn::{
    client::{Client, browser::BrowserClient},
    error::FromServerFnError,
    request::browser::BrowserRequest,
    response::browser::BrowserResponse,
};
use std::future::Future;

pub const HEADER: &str = "x-csrf-token";
pub const FORM_FIELD: &str = "_csrf";

/// The token of this browser's session, if signed in: from the request on the server
/// (for hidden form fields), from `document.cookie` in the browser.
pub fn csrf_token() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        let parts = leptos::prelude::use_context::<axum::http::request::Parts>()?;
        crate::auth::cookies::cookie(&parts.headers, crate::auth::cookies::CSRF_COOKIE)
            .map(str::to_owned)
    }
    #[cfg(not(feature = "ssr"))]
    {
        use leptos::wasm_bindgen::JsCast;
        let document = leptos::prelude::document()
            .dyn_into::<web_sys::HtmlDocument>()
            .ok()?;
        let cookies = document.cookie().ok()?;
        cookies
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == "ct_csrf")
            .map(|(_, value)| value.to_owned())
    }
}

/// The browser client for server functions, adding the CSRF header. Every server
/// function names it: `#[server(client = crate::csrf::CsrfClient)]`.
pub struct CsrfClient;

impl<E, I, O> Client<E, I, O> for CsrfClient
where
    E: FromServerFnError,
    I: FromServerFnError,
    O: FromServerFnError,
{
    type Request = BrowserRequest;
    type Response = BrowserResponse;

    fn send(request: Self::Request) -> impl Future<Output = Result<Self::Response, E>> + Send {
        if let Some(token) = csrf_token() {
            request.headers().set(HEADER, &token);
        }
        <BrowserClient as Client<E, I, O>>::send(request)
    }

    #[allow(clippy::type_complexity)]
    fn open_websocket(
        path: &str,
    ) -> impl Future<
        Output = Result<
            (
                impl futures::Stream<Item = Result<bytes::Bytes, bytes::Bytes>> + Send + 'static,
                impl futures::Sink<bytes::Bytes> + Send + 'static,
            ),
            E,
        >,
    > + Send {
        <BrowserClient as Client<E, I, O>>::open_websocket(path)
    }

    fn spawn(future: impl Future<Output = ()> + Send + 'static) {
        <BrowserClient as Client<E, I, O>>::spawn(future)
    }
}
