//! The HTTP surface: probes, server-side rendering, server functions.

use crate::common::*;
use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn healthz_says_ok_with_a_request_id(db: PgPool) {
    let res = get(app(db), "/healthz").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json(), serde_json::json!({ "status": "ok" }));
    let id = res.headers["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 36, "a UUID request id, got {id:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn readyz_is_ready_when_postgres_and_redis_answer(db: PgPool) {
    let res = get(app(db), "/readyz").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let body = res.json();
    assert_eq!(body["status"], "ready");
    // The probe is open to anyone: it names no versions.
    assert_eq!(body["postgres"], serde_json::json!({ "reachable": true }));
    assert_eq!(body["redis"], serde_json::json!({ "reachable": true }));
    assert_eq!(body["problems"], serde_json::json!([]));
}

#[sqlx::test(migrations = "../migrations")]
async fn readyz_is_503_naming_redis_when_redis_is_down(db: PgPool) {
    let router = server::startup::build_router(state_with(db, &dead_redis_url()));
    let res = get(router, "/readyz").await;
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE);
    let body = res.json();
    assert_eq!(body["status"], "not ready");
    assert_eq!(body["postgres"]["reachable"], true);
    assert_eq!(body["redis"]["reachable"], false);
    assert!(
        body["problems"][0].as_str().unwrap().starts_with("Redis:"),
        "{body}"
    );
}

#[tokio::test]
async fn readyz_is_503_naming_postgres_when_the_database_is_down() {
    // A pool pointed at a port where nothing listens: connections are really refused.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let db = sqlx::postgres::PgPoolOptions::new()
        .acquire_timeout(std::time::Duration::from_millis(500))
        .connect_lazy(&format!("postgres://nobody@127.0.0.1:{port}/none"))
        .unwrap();
    let res = get(
        server::startup::build_router(state_with(db, &redis_url())),
        "/readyz",
    )
    .await;
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE);
    let body = res.json();
    assert_eq!(body["postgres"]["reachable"], false);
    assert_eq!(body["redis"]["reachable"], true);
    let problem = body["problems"][0].as_str().unwrap();
    assert!(problem.starts_with("PostgreSQL:"), "{problem}");
    assert!(!problem.contains("nobody"), "credentials leaked: {problem}");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_home_page_is_rendered_on_the_server(db: PgPool) {
    let res = get(app(db), "/").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.body.contains("<title>CareTrack Pro</title>"),
        "{}",
        res.body
    );
    assert!(res.body.contains("Know every carer is competent"));
    // The hydration script and the WASM bundle are referenced.
    assert!(res.body.contains("/pkg/caretrack.js"));
    assert!(res.body.contains("href=\"/status\""));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_status_page_renders_live_figures_on_the_server(db: PgPool) {
    // A visitor is told up or down.
    let res = get(app(db.clone()), "/status").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("Operational"), "{}", res.body);
    assert!(res.body.contains("Reachable"));
    assert!(!res.body.contains("data-test=\"database-time\""));
    assert!(
        !res.body.contains("PostgreSQL 1"),
        "no version for a visitor"
    );
    // Someone signed in sees the live figures.
    let state = state_with(db, &redis_url());
    let (_, _, token) = crate::live::signed_in(&state, caretrack::Role::Viewer, "Vic").await;
    let request = Request::get("/status")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let res = send(server::startup::build_router(state), request).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.body.contains("data-test=\"database-time\""),
        "{}",
        res.body
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_pages_are_404(db: PgPool) {
    let res = get(app(db), "/no/such/page").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.body.contains("Page not found"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_status_server_function_reads_the_database(db: PgPool) {
    sqlx::query("insert into tasks (name, target_count) values ('Medication administration', 20)")
        .execute(&db)
        .await
        .unwrap();
    let state = crate::common::state_with(db.clone(), &crate::common::redis_url());
    let (_, _, token) = crate::live::signed_in(&state, caretrack::Role::Carer, "Sam").await;
    let status = |token: Option<String>| {
        let mut request = Request::post("/api/system_status")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        send(
            server::startup::build_router(state.clone()),
            request.body(Body::empty()).unwrap(),
        )
    };
    let res = status(Some(token)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let body = res.json();
    assert_eq!(body["database"]["reachable"], true);
    assert_eq!(body["redis"]["reachable"], true);
    assert_eq!(body["figures"]["tasks"], 1);
    assert!(body["figures"]["migrations_applied"].as_i64().unwrap() >= 5);
    assert!(
        body["database"]["detail"]
            .as_str()
            .unwrap()
            .contains("PostgreSQL")
    );

    // A visitor is told up or down, and nothing an attacker could use.
    let res = status(None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let body = res.json();
    assert_eq!(body["database"]["reachable"], true);
    assert_eq!(body["redis"]["reachable"], true);
    assert_eq!(body["figures"], serde_json::Value::Null);
    assert_eq!(body["version"], "");
    assert_eq!(body["database"]["detail"], "");
    assert_eq!(body["database"]["latency_ms"], 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refused_plain_form_post_goes_back_to_its_page_with_the_reason(db: PgPool) {
    // Signing in before the WASM has arrived: a plain form post from `/login`.
    let request = Request::post("/api/sign_in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::REFERER, "http://localhost:3000/login")
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, "ct_csrf=form-token")
        .body(Body::from(
            "_csrf=form-token&email=nobody%40example.com&password=wrong-password-1",
        ))
        .unwrap();
    let refused = send(app(db.clone()), request).await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER, "{}", refused.body);
    assert_eq!(refused.headers[header::LOCATION], "/login");
    let cookie = refused.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.starts_with("ct_refused=") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let refusal = cookie.split(';').next().unwrap().to_owned();

    // The page it goes back to says why, once, and clears the cookie.
    let page = send(
        app(db),
        Request::get("/login")
            .header(header::COOKIE, refusal)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"data-test="form-refused""#)
            && page.body.contains("The email or password is incorrect."),
        "{}",
        page.body
    );
    let cleared: Vec<_> = page.headers.get_all(header::SET_COOKIE).iter().collect();
    assert!(
        cleared
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("ct_refused=;")
                && c.to_str().unwrap().contains("Max-Age=0")),
        "{cleared:?}"
    );
}

/// A private Redis server for a test that stops and restarts it.
struct OwnRedis {
    port: u16,
    child: std::process::Child,
}

impl OwnRedis {
    fn start(port: u16) -> Self {
        let child = std::process::Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server is installed by scripts/bootstrap.sh");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "redis-server did not start"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Self { port, child }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn readiness_recovers_when_redis_comes_back(db: PgPool) {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut redis = OwnRedis::start(port);
    let router =
        server::startup::build_router(state_with(db, &format!("redis://127.0.0.1:{port}/0")));

    assert_eq!(get(router.clone(), "/readyz").await.status, StatusCode::OK);
    redis.stop();
    assert_eq!(
        get(router.clone(), "/readyz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );

    let _redis = OwnRedis::start(redis.port);
    // The connection manager reconnects on the next command; allow it a few tries.
    let mut status = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..20 {
        status = get(router.clone(), "/readyz").await.status;
        if status == StatusCode::OK {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(
        status,
        StatusCode::OK,
        "readiness did not recover after Redis restarted"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn metrics_report_the_queue_and_are_guarded(db: PgPool) {
    use server::health::MetricsAccess;
    sqlx::query("insert into jobs (kind) values ('email.send'), ('email.send')")
        .execute(&db)
        .await
        .unwrap();

    let res = get(app(db.clone()), "/metrics").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.body
            .contains("caretrack_jobs{queue=\"default\",status=\"QUEUED\"} 2"),
        "{}",
        res.body
    );
    assert!(res.body.contains("caretrack_jobs_enqueued_total 2"));
    assert!(
        res.body
            .contains("# TYPE caretrack_jobs_succeeded_total counter")
    );

    let guarded = |token: Option<&str>, open| {
        server::startup::build_router_with(
            state_with(db.clone(), &redis_url()),
            server::startup::RouterExtras {
                metrics_access: MetricsAccess {
                    token: token.map(std::sync::Arc::from),
                    open_without_token: open,
                },
                ..Default::default()
            },
        )
    };
    // Production without a token: not there at all.
    assert_eq!(
        get(guarded(None, false), "/metrics").await.status,
        StatusCode::NOT_FOUND
    );
    // With a token: only with the right bearer.
    assert_eq!(
        get(guarded(Some("s3cret"), false), "/metrics").await.status,
        StatusCode::UNAUTHORIZED
    );
    let with = |bearer: &str| {
        Request::get("/metrics")
            .header(header::AUTHORIZATION, format!("Bearer {bearer}"))
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(
        send(guarded(Some("s3cret"), false), with("wrong"))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send(guarded(Some("s3cret"), false), with("s3cret"))
            .await
            .status,
        StatusCode::OK
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_carry_a_nonce_policy_and_everything_else_a_closed_one(db: PgPool) {
    let page = get(app(db.clone()), "/").await;
    let policy = page.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy");
    assert!(nonce.len() >= 16, "{nonce}");
    assert!(
        page.body.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the same nonce"
    );
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"));
    let again = get(app(db.clone()), "/").await;
    assert!(
        !again.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains(nonce),
        "a new nonce per response"
    );

    let json = get(app(db), "/api/v1/me").await;
    assert_eq!(
        json.headers["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
    );
    for response in [&page, &json] {
        assert_eq!(response.headers["x-content-type-options"], "nosniff");
        assert_eq!(response.headers["x-frame-options"], "DENY");
        assert_eq!(
            response.headers["referrer-policy"],
            "strict-origin-when-cross-origin"
        );
        assert!(response.headers.contains_key("permissions-policy"));
        assert!(
            !response.headers.contains_key("strict-transport-security"),
            "HSTS only in production"
        );
    }
}

/// Rate, errors and duration per route pattern (never per path), the pool's state.
#[sqlx::test(migrations = "../migrations")]
async fn metrics_count_requests_by_route_pattern_and_show_the_pool(db: PgPool) {
    let router = app(db.clone());
    for path in [
        "/healthz",
        "/healthz",
        "/api/v1/files/00000000-0000-4000-8000-000000000001",
        "/api/no_such_function",
    ] {
        get(router.clone(), path).await;
    }
    let res = get(router, "/metrics").await;
    assert_eq!(res.status, StatusCode::OK);
    for line in [
        r#"caretrack_http_requests_total{method="GET",route="/healthz",status="2xx"} 2"#,
        r#"caretrack_http_request_duration_seconds_count{method="GET",route="/healthz"} 2"#,
        r#"caretrack_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="+Inf"} 2"#,
        "# TYPE caretrack_db_pool_connections gauge",
    ] {
        assert!(
            res.body.lines().any(|l| l == line),
            "{line} missing from\n{}",
            res.body
        );
    }
    assert!(
        res.body.contains(r#"route="/api/v1/files/{id}""#),
        "the pattern, not the id: {}",
        res.body
    );
    assert!(!res.body.contains("00000000-0000-4000-8000-000000000001"));
    assert!(!res.body.contains("no_such_function"));
    assert!(res.body.contains("caretrack_db_pool_max_connections "));
}
