//! RED metrics per route (rate, errors, duration), kept in memory by this instance and
//! rendered at `/metrics` in the Prometheus text format.
//!
//! The route label is the router's pattern (`/admin/packages/{id}`), never the path a
//! client sent, so the number of series is bounded by the routes the app declares.
//! Server functions share one pattern (`/api/{*fn_name}`); their own name is used
//! instead, but only for requests that found their function, so made-up names cannot
//! grow the series either. Static files and the not-found page are served by the
//! fallback and are not counted.

use axum::{
    Extension,
    extract::{MatchedPath, Request},
    middleware::Next,
    response::Response,
};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Upper bounds of the duration histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct RouteStats {
    /// Responses by status class: 1xx … 5xx.
    by_class: [u64; 5],
    /// Requests at or under each bucket's bound (not cumulative here; summed when
    /// rendered).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    seconds: f64,
}

/// This instance's request counters, by method and route.
#[derive(Default)]
pub struct HttpMetrics {
    routes: Mutex<BTreeMap<(String, String), RouteStats>>,
}

impl HttpMetrics {
    pub fn record(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut routes = self.routes.lock().unwrap_or_else(|p| p.into_inner());
        let stats = routes
            .entry((method.to_owned(), route.to_owned()))
            .or_default();
        let class = usize::from((status / 100).clamp(1, 5)) - 1;
        stats.by_class[class] += 1;
        if let Some(bucket) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            stats.buckets[bucket] += 1;
        }
        stats.count += 1;
        stats.seconds += seconds;
    }

    /// Appends the Prometheus exposition of the counters to `out`.
    pub fn render(&self, out: &mut String) {
        let routes = self.routes.lock().unwrap_or_else(|p| p.into_inner());
        out.push_str(
            "# HELP caretrack_http_requests_total Requests answered, by route and status class.\n\
             # TYPE caretrack_http_requests_total counter\n",
        );
        for ((method, route), stats) in routes.iter() {
            for (class, count) in stats.by_class.iter().enumerate() {
                if *count > 0 {
                    let _ = writeln!(
                        out,
                        "caretrack_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{}xx\"}} {count}",
                        escape(route),
                        class + 1
                    );
                }
            }
        }
        out.push_str(
            "# HELP caretrack_http_request_duration_seconds Time to answer, by route.\n\
             # TYPE caretrack_http_request_duration_seconds histogram\n",
        );
        for ((method, route), stats) in routes.iter() {
            let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
            let mut cumulative = 0;
            for (bound, count) in BUCKETS.iter().zip(stats.buckets) {
                cumulative += count;
                let _ = writeln!(
                    out,
                    "caretrack_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "caretrack_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}\n\
                 caretrack_http_request_duration_seconds_sum{{{labels}}} {}\n\
                 caretrack_http_request_duration_seconds_count{{{labels}}} {}",
                stats.count, stats.seconds, stats.count
            );
        }
    }
}

/// A label value as the text format wants it.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The route layer: times each matched request and records it.
pub async fn measure(
    Extension(metrics): Extension<Arc<HttpMetrics>>,
    matched: Option<MatchedPath>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let pattern = matched.map(|m| m.as_str().to_owned());
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let route = match pattern.as_deref() {
        Some(pattern) if pattern.starts_with("/api/{") => {
            if matches!(status, 400 | 404 | 405) {
                "/api/(unknown)".to_owned()
            } else {
                path
            }
        }
        Some(pattern) => pattern.to_owned(),
        None => "(unmatched)".to_owned(),
    };
    metrics.record(&method, &route, status, started.elapsed().as_secs_f64());
    response
}

#[cfg(test)]
mod tests {
    use super::HttpMetrics;

    #[test]
    fn counts_by_status_class_and_renders_a_cumulative_histogram() {
        let metrics = HttpMetrics::default();
        metrics.record("GET", "/admin/packages/{id}", 200, 0.003);
        metrics.record("GET", "/admin/packages/{id}", 200, 0.2);
        metrics.record("GET", "/admin/packages/{id}", 503, 12.0);
        let mut out = String::new();
        metrics.render(&mut out);
        let labels = "method=\"GET\",route=\"/admin/packages/{id}\"";
        for line in [
            format!("caretrack_http_requests_total{{{labels},status=\"2xx\"}} 2"),
            format!("caretrack_http_requests_total{{{labels},status=\"5xx\"}} 1"),
            format!("caretrack_http_request_duration_seconds_bucket{{{labels},le=\"0.002\"}} 0"),
            format!("caretrack_http_request_duration_seconds_bucket{{{labels},le=\"0.005\"}} 1"),
            format!("caretrack_http_request_duration_seconds_bucket{{{labels},le=\"0.25\"}} 2"),
            format!("caretrack_http_request_duration_seconds_bucket{{{labels},le=\"10\"}} 2"),
            format!("caretrack_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} 3"),
            format!("caretrack_http_request_duration_seconds_count{{{labels}}} 3"),
        ] {
            assert!(out.lines().any(|l| l == line), "{line} missing from\n{out}");
        }
        assert!(
            !out.contains("status=\"4xx\""),
            "empty classes are left out"
        );
    }
}
