//! Building the application (state, router) and running it until a shutdown signal:
//! `database` (pool, migrations), `router` (every route and layer), `shutdown` (signals
//! and waiting for tasks); here the state and the two long-running commands, `serve`
//! and `work`.

mod database;
mod router;
mod shutdown;

pub use database::{connect_database, migrate, migrate_as_owner, migrator};
pub use router::{
    RouterExtras, build_router, build_router_with, loggable_route, page_routes, worker_router,
};

use crate::{
    ServerError,
    config::Config,
    health::MetricsAccess,
    jobs::{
        Registry,
        metrics::JobMetrics,
        prune::JobRetention,
        scheduler::{self, standard_schedule},
        worker::{self, WorkerConfig},
    },
    mail::{Mailer, dev_mailbox::DevMailbox},
};
use app::state::{AppState, Environment, RedisHandle};
use leptos::prelude::{LeptosOptions, get_configuration};
use secrecy::ExposeSecret;
use shutdown::{finish, shutdown_channel, until_shutdown};
use std::{sync::Arc, time::Duration};
use tokio::{sync::watch, task::JoinHandle};

/// The shared state. Connections open lazily, so the process starts (and reports
/// "not ready" on `/readyz`) even while PostgreSQL or Redis is down.
pub fn build_state(
    config: &Config,
    leptos_options: LeptosOptions,
) -> Result<AppState, ServerError> {
    let db = database::serving_pool(config)?;
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
    app::build_files::check(&leptos_options).map_err(ServerError::Refused)?;
    let addr = leptos_options.site_addr;
    if config.migrate_on_start {
        let applied = migrate_as_owner(&config).await?;
        tracing::info!(applied, "migrations applied at start");
    }
    let state = build_state(&config, leptos_options)?;
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
    if config.migrate_on_start {
        migrate_as_owner(&config).await?;
    }
    let state = build_state(&config, leptos_options()?)?;
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
