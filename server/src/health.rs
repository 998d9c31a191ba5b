//! Probes for load balancers and orchestrators.
//!
//! `/healthz`: the process is up and serving. `/readyz`: PostgreSQL and Redis answer;
//! 503 with the reasons otherwise (uses the same check as the system status page).

use crate::jobs::metrics::{self, JobMetrics};
use app::{
    state::AppState,
    status::ssr::{Detail, check_system},
};
use axum::{
    Extension, Json,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::json;
use sqlx::PgPool;
use std::sync::Arc;

pub async fn healthz() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let status = check_system(&state, Detail::Readiness).await;
    let body = json!({
        "status": if status.is_ready() { "ready" } else { "not ready" },
        // Open to anyone: whether each answered, and why not (never a version).
        "postgres": { "reachable": status.database.reachable },
        "redis": { "reachable": status.redis.reachable },
        "problems": status.problems(),
    });
    let code = if status.is_ready() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(body))
}

/// Who may read `/metrics`.
#[derive(Clone)]
pub struct MetricsAccess {
    /// Required bearer token, if configured.
    pub token: Option<Arc<str>>,
    /// Without a token: open (development, test) or hidden (production).
    pub open_without_token: bool,
}

pub async fn metrics(
    State(state): State<AppState>,
    Extension(access): Extension<MetricsAccess>,
    Extension(job_metrics): Extension<Arc<JobMetrics>>,
    Extension(hub): Extension<Arc<crate::live::Hub>>,
    Extension(http): Extension<Arc<crate::http_metrics::HttpMetrics>>,
    headers: HeaderMap,
) -> Response {
    if let Some(refusal) = access.refusal(&headers) {
        return refusal;
    }
    match metrics::render(&state.db, &job_metrics).await {
        Ok(mut body) => {
            body.push_str(&format!(
                "# HELP caretrack_live_sockets Live sockets open on this instance.\n\
                 # TYPE caretrack_live_sockets gauge\n\
                 caretrack_live_sockets {}\n",
                hub.sockets()
            ));
            render_pool(&state.db, &mut body);
            http.render(&mut body);
            exposition(body)
        }
        Err(err) => unreachable_database(err),
    }
}

/// `/metrics` of `server worker` (on `WORKER_METRICS_ADDR`): the queue, this process's
/// job counters and its database pool, guarded like the web server's.
pub async fn worker_metrics(
    State(pool): State<PgPool>,
    Extension(access): Extension<MetricsAccess>,
    Extension(job_metrics): Extension<Arc<JobMetrics>>,
    headers: HeaderMap,
) -> Response {
    if let Some(refusal) = access.refusal(&headers) {
        return refusal;
    }
    match metrics::render(&pool, &job_metrics).await {
        Ok(mut body) => {
            render_pool(&pool, &mut body);
            exposition(body)
        }
        Err(err) => unreachable_database(err),
    }
}

impl MetricsAccess {
    /// The answer to a scrape that may not read the metrics, if this one may not: 401
    /// without the configured bearer token, 404 when there is none and the metrics are
    /// hidden (production).
    pub fn refusal(&self, headers: &HeaderMap) -> Option<Response> {
        match &self.token {
            Some(token) => {
                let presented = headers
                    .get(header::AUTHORIZATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.strip_prefix("Bearer "))
                    .unwrap_or_default();
                (!constant_time_eq(presented.as_bytes(), token.as_bytes())).then(|| {
                    (StatusCode::UNAUTHORIZED, "metrics need the bearer token\n").into_response()
                })
            }
            None if !self.open_without_token => Some(StatusCode::NOT_FOUND.into_response()),
            None => None,
        }
    }
}

/// Appends this process's database pool figures to `out`.
pub fn render_pool(pool: &PgPool, out: &mut String) {
    let idle = pool.num_idle();
    out.push_str(&format!(
        "# HELP caretrack_db_pool_connections PostgreSQL connections of this instance's pool.\n\
         # TYPE caretrack_db_pool_connections gauge\n\
         caretrack_db_pool_connections{{state=\"idle\"}} {idle}\n\
         caretrack_db_pool_connections{{state=\"in_use\"}} {}\n\
         # HELP caretrack_db_pool_max_connections The pool's limit.\n\
         # TYPE caretrack_db_pool_max_connections gauge\n\
         caretrack_db_pool_max_connections {}\n",
        (pool.size() as usize).saturating_sub(idle),
        pool.options().get_max_connections()
    ));
}

fn exposition(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

fn unreachable_database(err: sqlx::Error) -> Response {
    tracing::warn!(error = %err, "metrics: database unreachable");
    (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n").into_response()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
