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
use std::sync::Arc;

pub async fn healthz() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let status = check_system(&state, Detail::Readiness).await;
    let body = json!({
        "status": if status.is_ready() { "ready" } else { "not ready" },
        "postgres": { "reachable": status.database.reachable, "detail": status.database.detail },
        "redis": { "reachable": status.redis.reachable, "detail": status.redis.detail },
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
    match &access.token {
        Some(token) => {
            let presented = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or_default();
            if !constant_time_eq(presented.as_bytes(), token.as_bytes()) {
                return (StatusCode::UNAUTHORIZED, "metrics need the bearer token\n")
                    .into_response();
            }
        }
        None if !access.open_without_token => return StatusCode::NOT_FOUND.into_response(),
        None => {}
    }
    match metrics::render(&state.db, &job_metrics).await {
        Ok(mut body) => {
            body.push_str(&format!(
                "# HELP caretrack_live_sockets Live sockets open on this instance.\n\
                 # TYPE caretrack_live_sockets gauge\n\
                 caretrack_live_sockets {}\n",
                hub.sockets()
            ));
            let pool = &state.db;
            let idle = pool.num_idle();
            body.push_str(&format!(
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
            http.render(&mut body);
            ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
        }
        Err(err) => {
            tracing::warn!(error = %err, "metrics: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n").into_response()
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
