//! The HTTP router: probes, metrics, REST, live sockets, server functions and pages,
//! the built site's files, and the layers around them all (authentication, metrics,
//! caching, compression, security headers, request ids and trace spans).

use crate::{
    client_ip::TrustedProxies,
    files::local::LocalStore,
    health::{self, MetricsAccess},
    jobs::metrics::JobMetrics,
    mail::dev_mailbox::{self, DevMailbox},
};
use app::{App, shell, state::AppState};
use axum::{Extension, Router, handler::Handler, http::HeaderName, routing::get};
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use leptos_router::SsrMode;
use sqlx::PgPool;
use std::sync::{Arc, OnceLock};
use tower::ServiceBuilder;
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    services::ServeDir,
    trace::{DefaultOnResponse, TraceLayer},
};
use tracing::Level;

/// What the router needs beyond `AppState`.
pub struct RouterExtras {
    pub job_metrics: Arc<JobMetrics>,
    pub metrics_access: MetricsAccess,
    /// Mounts /dev/mailbox (development with the file mailer only).
    pub dev_mailbox: Option<DevMailbox>,
    /// Mounts /files/local/… (files kept on local disk only).
    pub local_files: Option<Arc<LocalStore>>,
    /// This instance's live sockets (`/ws`); `live::listen` feeds it from the bus.
    pub live: Arc<crate::live::Hub>,
    /// Requests by route, status and duration (`/metrics`).
    pub http_metrics: Arc<crate::http_metrics::HttpMetrics>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (none: the TCP peer
    /// is the client).
    pub trusted_proxies: Arc<TrustedProxies>,
}

impl Default for RouterExtras {
    /// Fresh job counters, `/metrics` open, no dev mailbox (tests).
    fn default() -> Self {
        Self {
            job_metrics: Arc::default(),
            metrics_access: MetricsAccess {
                token: None,
                open_without_token: true,
            },
            dev_mailbox: None,
            local_files: None,
            live: Arc::default(),
            http_metrics: Arc::default(),
            trusted_proxies: Arc::default(),
        }
    }
}

/// Every route with default extras (tests).
pub fn build_router(state: AppState) -> Router {
    build_router_with(state, RouterExtras::default())
}

/// Every route: probes, metrics, server functions, pages, static files.
pub fn build_router_with(state: AppState, extras: RouterExtras) -> Router {
    let routes = page_routes().to_vec();
    let request_id = HeaderName::from_static("x-request-id");
    let options = state.leptos_options.clone();
    let cache_policy = crate::caching::AssetPolicy::new(
        &state.leptos_options.site_pkg_dir,
        state.leptos_options.hash_files,
    );
    Router::<AppState>::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .merge(dev_mailbox_routes(extras.dev_mailbox))
        .merge(local_file_routes(extras.local_files))
        .route("/ws", get(crate::live::upgrade))
        .route("/sw.js", get(crate::pwa::service_worker))
        .route("/offline.html", get(crate::pwa::offline_page))
        .merge(crate::api::routes(&state))
        .leptos_routes(&state, routes, move || shell(options.clone()))
        // A server function's error answers with its own status, not server_fn's 500.
        .route_layer(axum::middleware::from_fn(
            crate::fn_status::status_from_error,
        ))
        // A refused plain form post goes back to its page with the refusal.
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::form_refusal::redirect_back,
        ))
        // A request's live events go out once it has succeeded.
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::live::publish_after,
        ))
        // Routes only: static files (WASM, CSS, icons) and the not-found page need no
        // session lookups, rate-limit counts or token refreshes.
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::authn::authenticate,
        ))
        // Outermost of the route layers: the time includes authentication.
        .route_layer(axum::middleware::from_fn(crate::http_metrics::measure))
        // The built site's files (precompressed variants chosen by Accept-Encoding,
        // conditional requests answered 304); anything else is the app's 404 page.
        .fallback_service(
            ServeDir::new(&*state.leptos_options.site_root)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(
                    leptos_axum::file_and_error_handler::<AppState, _>(shell)
                        .with_state(state.clone()),
                ),
        )
        .layer(axum::middleware::from_fn(move |request, next| {
            crate::caching::add(cache_policy.clone(), request, next)
        }))
        .layer(crate::caching::compression())
        .layer(axum::middleware::from_fn({
            let environment = state.settings.environment;
            move |request, next| crate::security_headers::add(environment, request, next)
        }))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|req: &axum::http::Request<_>| {
                            let id = req
                                .headers()
                                .get("x-request-id")
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("-");
                            // The route's pattern, never the path: a path may hold a
                            // token (a password reset, an invitation, a calendar link).
                            tracing::info_span!(
                                "request",
                                method = %req.method(),
                                route = %loggable_route(req),
                                request_id = %id,
                            )
                        })
                        .on_response(DefaultOnResponse::new().level(Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::new(request_id)),
        )
        .layer(Extension(extras.live))
        .layer(Extension(extras.job_metrics))
        .layer(Extension(extras.http_metrics))
        .layer(Extension(extras.metrics_access))
        .layer(Extension(extras.trusted_proxies))
        .with_state(state)
}

/// The app's pages, listed once per process. Listing runs the whole app with resource
/// loading suppressed by a process-wide flag (leptos-rs/leptos#4773): a page rendering
/// on another thread meanwhile waits forever for its data. A server lists before it
/// serves; the integration tests build a router per test, side by side, so every router
/// (and any test that walks the pages) takes this one listing.
pub fn page_routes() -> &'static [AxumRouteListing] {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| whole_pages(generate_route_list(App)))
}

/// Every page is rendered whole before it is sent (`SsrMode::Async`): the HTML holds the
/// page's real content — a carer's tasks and their forms — readable and usable before the
/// WASM arrives, or without JavaScript at all, with no placeholders swapped by scripts.
/// Out-of-order streaming would gain nothing here: responses are compressed, and the
/// compressor sends a page once it has all of it.
fn whole_pages(routes: Vec<AxumRouteListing>) -> Vec<AxumRouteListing> {
    routes
        .into_iter()
        .map(|route| {
            AxumRouteListing::new(
                route.path().to_owned(),
                SsrMode::Async,
                route.methods(),
                Vec::new(),
            )
        })
        .collect()
}

/// What `server worker` serves on `WORKER_METRICS_ADDR`: `/healthz` and `/metrics` (the
/// queue, this process's job counters and database pool), guarded like `serve`'s.
pub fn worker_router(db: PgPool, job_metrics: Arc<JobMetrics>, access: MetricsAccess) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(health::worker_metrics))
        .layer(Extension(job_metrics))
        .layer(Extension(access))
        .with_state(db)
}

fn dev_mailbox_routes(mailbox: Option<DevMailbox>) -> Router<AppState> {
    match mailbox {
        Some(mailbox) => Router::new()
            .route("/dev/mailbox", get(dev_mailbox::list))
            .route("/dev/mailbox/{file}", get(dev_mailbox::show))
            .layer(Extension(mailbox)),
        None => Router::new(),
    }
}

fn local_file_routes(store: Option<Arc<LocalStore>>) -> Router<AppState> {
    match store {
        Some(store) => Router::new()
            .route("/files/local/{*key}", get(crate::files::local::download))
            .layer(Extension(store)),
        None => Router::new(),
    }
}

/// What a request's log lines name it by: its route's pattern (`/reset-password/{token}`),
/// a server function's own path (they share one catch-all route, and their paths are
/// fixed by the code), or "(unrouted)" for the site's files and anything not found.
pub fn loggable_route<B>(req: &axum::http::Request<B>) -> String {
    static SERVER_FNS: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    let Some(pattern) = req.extensions().get::<axum::extract::MatchedPath>() else {
        return "(unrouted)".to_owned();
    };
    let pattern = pattern.as_str();
    if !pattern.starts_with("/api/{") {
        return pattern.to_owned();
    }
    let server_fns = SERVER_FNS.get_or_init(|| {
        leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path)
            .collect()
    });
    let path = req.uri().path();
    match server_fns.get(path) {
        Some(known) => (*known).to_owned(),
        None => "/api/(unknown)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use axum::{Router, body::Body, http::Request, routing::get};
    use std::sync::{Arc, Mutex};
    use tower::ServiceExt;

    #[tokio::test]
    async fn requests_are_logged_by_route_never_by_path() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        let router = Router::new()
            .route("/reset-password/{token}", get(|| async {}))
            .fallback(|| async { "not found" })
            .layer(axum::middleware::from_fn(
                move |req: axum::extract::Request, next: axum::middleware::Next| {
                    record.lock().unwrap().push(super::loggable_route(&req));
                    next.run(req)
                },
            ));
        for path in [
            "/reset-password/Zk3d9QpLm2Xv8RtY6wNa4BcE",
            "/confirm-email/Zk3d9QpLm2Xv8RtY6wNa4BcE",
        ] {
            let request = Request::get(path).body(Body::empty()).unwrap();
            router.clone().oneshot(request).await.unwrap();
        }
        assert_eq!(
            *seen.lock().unwrap(),
            ["/reset-password/{token}", "(unrouted)"]
        );
    }
}
