//! Building the application (state, router) and running it until a shutdown signal.

use crate::{
    ServerError,
    client_ip::TrustedProxies,
    config::Config,
    files::local::LocalStore,
    health::{self, MetricsAccess},
    jobs::{
        Registry,
        metrics::JobMetrics,
        prune::JobRetention,
        scheduler::{self, standard_schedule},
        worker::{self, WorkerConfig},
    },
    mail::{
        Mailer,
        dev_mailbox::{self, DevMailbox},
    },
};
use app::{
    App, shell,
    state::{AppState, Environment, RedisHandle},
};
use axum::{Extension, Router, handler::Handler, http::HeaderName, routing::get};
use leptos::prelude::{LeptosOptions, get_configuration};
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use leptos_router::SsrMode;
use secrecy::ExposeSecret;
use sqlx::{PgPool, postgres::PgPoolOptions};
use std::{sync::Arc, time::Duration};
use tokio::{sync::watch, task::JoinHandle};
use tower::ServiceBuilder;
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    services::ServeDir,
    trace::{DefaultOnResponse, TraceLayer},
};
use tracing::Level;

fn pool_options(config: &Config) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(config.database_max_connections)
        .acquire_timeout(Duration::from_secs(3))
}

/// Connects now (for one-shot commands, which need the database to do anything).
pub async fn connect_database(config: &Config) -> Result<PgPool, ServerError> {
    Ok(pool_options(config)
        .connect(config.database_url.expose_secret())
        .await?)
}

/// The migrations embedded in this build. Migrations the database has but this build
/// does not know (a newer release's, after a rollback to an older one) are ignored
/// instead of refused, so the previous release can start and run `server migrate`
/// against the newer schema: every migration must work with the previous release's
/// code anyway (docs/OPERATIONS.md, upgrades). Changed migrations are still refused.
pub fn migrator() -> sqlx::migrate::Migrator {
    let mut migrator = sqlx::migrate!("../migrations");
    migrator.set_ignore_missing(true);
    migrator
}

/// Applies pending migrations; returns how many were new. Safe with several instances
/// starting at once (sqlx takes an advisory lock).
pub async fn migrate(pool: &PgPool) -> Result<usize, ServerError> {
    let before: i64 =
        sqlx::query_scalar("select count(*) from pg_tables where tablename = '_sqlx_migrations'")
            .fetch_one(pool)
            .await?;
    let applied_before: i64 = if before > 0 {
        sqlx::query_scalar("select count(*) from _sqlx_migrations where success")
            .fetch_one(pool)
            .await?
    } else {
        0
    };
    migrator().run(pool).await?;
    let applied_after: i64 =
        sqlx::query_scalar("select count(*) from _sqlx_migrations where success")
            .fetch_one(pool)
            .await?;
    Ok(usize::try_from(applied_after - applied_before).unwrap_or(0))
}

/// The shared state. Connections open lazily, so the process starts (and reports
/// "not ready" on `/readyz`) even while PostgreSQL or Redis is down.
pub fn build_state(
    config: &Config,
    leptos_options: LeptosOptions,
) -> Result<AppState, ServerError> {
    let db = pool_options(config).connect_lazy(config.database_url.expose_secret())?;
    let redis = redis::Client::open(config.redis_url.expose_secret())
        .map_err(|err| ServerError::Refused(format!("REDIS_URL: {err}")))?;
    Ok(AppState {
        db,
        redis: Arc::new(RedisHandle::new(redis)),
        settings: Arc::new(config.app_settings()),
        cipher: Arc::new(config.field_cipher()),
        files: Arc::new(config.files.storage(config.url_signing_key())),
        auth: Arc::new(config.auth_config().map_err(ServerError::Refused)?),
        leptos_options,
    })
}

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
    let routes = whole_pages(generate_route_list(App));
    let request_id = HeaderName::from_static("x-request-id");
    let options = state.leptos_options.clone();
    let options_for_cache = state.leptos_options.clone();
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
        .layer(axum::middleware::from_fn({
            let policy = crate::caching::AssetPolicy::new(
                &options_for_cache.site_pkg_dir,
                options_for_cache.hash_files,
            );
            move |request, next| crate::caching::add(policy.clone(), request, next)
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
                            // The path only (query strings can carry tokens), with
                            // the secrets some paths hold masked.
                            tracing::info_span!(
                                "request",
                                method = %req.method(),
                                path = %loggable_path(req.uri().path()),
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

/// Who may read `/metrics`: with `METRICS_TOKEN` only its bearer; without one, anyone
/// outside production and nobody in it.
fn metrics_access(config: &Config) -> MetricsAccess {
    MetricsAccess {
        token: config
            .metrics_token
            .as_ref()
            .map(|t| Arc::from(t.expose_secret())),
        open_without_token: config.environment != Environment::Production,
    }
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

/// Outside production, creates the S3 bucket if it is missing (in production the
/// operator creates it, with versioning and lifecycle rules).
async fn prepare_file_storage(config: &Config) -> Result<(), ServerError> {
    if config.environment == Environment::Production {
        return Ok(());
    }
    if let Some(s3) = config.files.s3_store() {
        s3.ensure_bucket()
            .await
            .map_err(|err| ServerError::Refused(format!("S3 bucket: {err}")))?;
    }
    Ok(())
}

pub async fn serve(config: Config) -> Result<(), ServerError> {
    let leptos_options = leptos_options()?;
    let addr = leptos_options.site_addr;
    let state = build_state(&config, leptos_options)?;
    if config.migrate_on_start {
        let applied = migrate(&state.db).await?;
        tracing::info!(applied, "migrations applied at start");
    }
    prepare_file_storage(&config).await?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Bind { addr, source })?;
    let shutdown = shutdown_channel();
    let job_metrics = Arc::new(JobMetrics::default());
    let mailer = Arc::new(config.mailer().map_err(ServerError::Refused)?);
    let background = start_background(
        &config,
        &state,
        &shutdown,
        job_metrics.clone(),
        mailer.clone(),
    );
    let extras = RouterExtras {
        job_metrics: job_metrics.clone(),
        metrics_access: metrics_access(&config),
        dev_mailbox: (config.environment == Environment::Development)
            .then(|| mailer.directory_path().cloned().map(DevMailbox))
            .flatten(),
        local_files: config.files.local_store(config.url_signing_key()),
        live: Arc::default(),
        http_metrics: Arc::default(),
        trusted_proxies: Arc::new(config.trusted_proxies.clone()),
    };
    if !config.trusted_proxies.is_empty() {
        tracing::info!(proxies = %config.trusted_proxies, "client addresses taken from X-Forwarded-For through trusted proxies");
    }
    let live = start_live(&state, &extras.live, &shutdown);
    tracing::info!(
        environment = config.environment.as_str(),
        "listening on http://{addr}"
    );
    let app = build_router_with(state, extras)
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(until_shutdown(shutdown.clone()))
        .await?;
    let _ = live.await;
    finish(background).await;
    tracing::info!("shut down cleanly");
    Ok(())
}

/// Listens to the live bus, and closes every socket at shutdown (a server waiting for
/// open sockets to end by themselves would never stop).
fn start_live(
    state: &AppState,
    hub: &Arc<crate::live::Hub>,
    shutdown: &watch::Receiver<bool>,
) -> JoinHandle<()> {
    let closer = hub.clone();
    let flag = shutdown.clone();
    tokio::spawn(async move {
        until_shutdown(flag).await;
        closer.close_all();
    });
    tokio::spawn(crate::live::listen(
        hub.clone(),
        state.redis.clone(),
        until_shutdown(shutdown.clone()),
    ))
}

/// `server worker`: background jobs and the schedule; over HTTP only `/healthz` and
/// `/metrics`, when `WORKER_METRICS_ADDR` is set.
pub async fn work(config: Config) -> Result<(), ServerError> {
    if config.worker_concurrency == 0 {
        return Err(ServerError::Refused(
            "WORKER_CONCURRENCY is 0: a worker process must run at least one job at a time".into(),
        ));
    }
    let state = build_state(&config, leptos_options()?)?;
    if config.migrate_on_start {
        migrate(&state.db).await?;
    }
    let metrics_listener = match config.worker_metrics_addr {
        Some(addr) => Some(
            tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|source| ServerError::Bind { addr, source })?,
        ),
        None => None,
    };
    let shutdown = shutdown_channel();
    let mailer = Arc::new(config.mailer().map_err(ServerError::Refused)?);
    let job_metrics = Arc::new(JobMetrics::default());
    let mut background = start_background(&config, &state, &shutdown, job_metrics.clone(), mailer);
    if let Some(listener) = metrics_listener {
        let router = worker_router(state.db.clone(), job_metrics, metrics_access(&config));
        let stop = until_shutdown(shutdown.clone());
        if let Ok(addr) = listener.local_addr() {
            tracing::info!("worker metrics on http://{addr}/metrics");
        }
        background.push(tokio::spawn(async move {
            if let Err(err) = axum::serve(listener, router)
                .with_graceful_shutdown(stop)
                .await
            {
                tracing::error!(error = %err, "the worker's metrics listener stopped");
            }
        }));
    }
    until_shutdown(shutdown).await;
    finish(background).await;
    tracing::info!("worker shut down cleanly");
    Ok(())
}

fn leptos_options() -> Result<LeptosOptions, ServerError> {
    Ok(get_configuration(None)
        .map_err(|err| ServerError::Refused(format!("Leptos configuration: {err}")))?
        .leptos_options)
}

/// A shutdown flag every part of the process can wait on, raised by SIGINT/SIGTERM.
fn shutdown_channel() -> watch::Receiver<bool> {
    let (raise, flag) = watch::channel(false);
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = raise.send(true);
    });
    flag
}

async fn until_shutdown(mut flag: watch::Receiver<bool>) {
    let _ = flag.wait_for(|down| *down).await;
}

/// The job worker (unless WORKER_CONCURRENCY=0) and the scheduler (unless disabled).
fn start_background(
    config: &Config,
    state: &AppState,
    shutdown: &watch::Receiver<bool>,
    job_metrics: Arc<JobMetrics>,
    mailer: Arc<Mailer>,
) -> Vec<JoinHandle<()>> {
    let mut tasks = Vec::new();
    let pusher = config.vapid.clone().and_then(|vapid| {
        crate::push::Pusher::new(vapid)
            .inspect_err(|err| tracing::error!(error = %err, "pushes will not be sent"))
            .ok()
            .map(Arc::new)
    });
    if config.worker_concurrency > 0 {
        tasks.push(tokio::spawn(worker::run(
            state.clone(),
            Arc::new({
                let mut registry = Registry::standard(
                    mailer,
                    config.files.clamd_addr.as_deref().map(Arc::from),
                    pusher,
                );
                registry
                    .keep_finished_jobs(JobRetention::keeping_succeeded_for(config.jobs_keep_days));
                registry
            }),
            WorkerConfig {
                lease: config.job_lease,
                metrics: job_metrics,
                ..WorkerConfig::new(config.worker_concurrency)
            },
            until_shutdown(shutdown.clone()),
        )));
    }
    if config.scheduler_enabled {
        tasks.push(tokio::spawn(scheduler::run(
            state.db.clone(),
            standard_schedule(),
            Duration::from_secs(30),
            Duration::from_secs(3600),
            until_shutdown(shutdown.clone()),
        )));
    }
    tasks
}

/// Waits for background tasks to finish their graceful shutdown.
async fn finish(tasks: Vec<JoinHandle<()>>) {
    for task in tasks {
        if let Err(err) = task.await {
            tracing::error!(error = %err, "a background task ended abnormally");
        }
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM (service managers, containers); in-flight
/// requests then finish before the process exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "could not listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "could not listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("SIGINT received: shutting down"),
        () = terminate => tracing::info!("SIGTERM received: shutting down"),
    }
}

/// Paths whose last segment is a secret (a calendar feed link, an invitation): logged
/// with it masked.
const SECRET_PATHS: [&str; 2] = ["/api/v1/calendar/", "/invite/"];

pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    match SECRET_PATHS.iter().find(|prefix| path.starts_with(*prefix)) {
        Some(prefix) => format!("{prefix}…").into(),
        None => path.into(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_in_paths_are_not_logged() {
        assert_eq!(
            super::loggable_path("/api/v1/calendar/abc.ics"),
            "/api/v1/calendar/…"
        );
        assert_eq!(super::loggable_path("/invite/xyz"), "/invite/…");
        assert_eq!(super::loggable_path("/admin/rota"), "/admin/rota");
    }
}
