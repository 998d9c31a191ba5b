//! Helpers shared by the integration tests: build the real router against the real
//! PostgreSQL (a fresh database per test, from `#[sqlx::test]`) and the real Redis
//! started by `scripts/services.sh`.

#![allow(dead_code)] // some helpers serve only the unit tests of one area

use app::{
    auth::{
        AuthConfig,
        passwords::{HashParams, PasswordHasher},
        tokens::JwtKeys,
    },
    crypto::FieldCipher,
    files::FileStorage,
    state::{AppSettings, AppState, Environment, RedisHandle},
};
use axum::{
    Router,
    body::{Body, to_bytes},
    http::{Request, StatusCode},
};
use leptos::prelude::LeptosOptions;
use sqlx::{PgPool, types::Uuid};
use std::sync::Arc;
use tower::ServiceExt;

pub fn redis_url() -> String {
    std::env::var("REDIS_URL").expect(
        "REDIS_URL is not set: run the tests with `make test` (it starts Redis and loads .env)",
    )
}

/// A Redis URL where nothing listens: a real refused connection, not a mock.
pub fn dead_redis_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("redis://127.0.0.1:{port}/0")
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits (up to 15 s) until a server started by a test accepts connections.
pub fn wait_for_port(port: u16, what: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "{what} did not start on port {port}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

pub fn test_cipher() -> FieldCipher {
    FieldCipher::new(vec![("test1".into(), [42u8; 32])]).unwrap()
}

/// Real token keys and argon2id, with a cheap cost so tests stay fast.
pub fn test_auth() -> AuthConfig {
    AuthConfig {
        jwt: JwtKeys::new(&[21; 32]),
        hasher: Arc::new(
            PasswordHasher::new(HashParams {
                memory_kib: 1024,
                iterations: 1,
                parallelism: 1,
            })
            .unwrap(),
        ),
        secure_cookies: false,
        refresh_reuse_grace: time::Duration::seconds(10),
    }
}

/// `TEST_LOG=1` shows the server's logs (with the service spans they happen in) beside
/// a test's output; `TEST_LOG=debug,sqlx=info` and the like choose what. Off by default.
pub fn show_logs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let Ok(filter) = std::env::var("TEST_LOG") else {
            return;
        };
        let filter = if filter == "1" {
            "info".to_owned()
        } else {
            filter
        };
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_test_writer()
            .try_init();
    });
}

/// The audit chain's key in every test (the server reads `AUDIT_CHAIN_KEYS`).
pub fn use_test_chain_key() {
    app::audit::chain::configure(
        app::audit::chain::ChainKeys::new(vec![("test1".into(), [17u8; 32])]).unwrap(),
    );
}

pub fn state_with(db: PgPool, redis_url: &str) -> AppState {
    show_logs();
    use_test_chain_key();
    AppState {
        db,
        redis: Arc::new(RedisHandle::new(redis::Client::open(redis_url).unwrap())),
        settings: Arc::new(AppSettings {
            environment: Environment::Test,
            organisation_name: "Test Care Ltd".into(),
            public_url: "https://care.example".into(),
            push_public_key: None,
        }),
        cipher: Arc::new(test_cipher()),
        // Files on local disk under the temp dir; tests of S3 swap in their own store.
        files: Arc::new(FileStorage {
            store: Arc::new(server::files::local::LocalStore::new(
                std::env::temp_dir().join("caretrack-test-files"),
                [5; 32],
            )),
            url_ttl: std::time::Duration::from_secs(60),
            scan_uploads: false,
        }),
        auth: Arc::new(test_auth()),
        leptos_options: LeptosOptions::builder().output_name("caretrack").build(),
    }
}

pub fn app(db: PgPool) -> Router {
    server::startup::build_router(state_with(db, &redis_url()))
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as sent (for binary answers such as spreadsheets).
    pub bytes: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body))
    }
}

pub async fn send(app: Router, mut request: Request<Body>) -> TestResponse {
    // Requests come from an address of their own unless the test chose one: rate limits
    // live in the shared Redis and must not carry over between tests or runs.
    if request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .is_none()
    {
        let n = Uuid::new_v4().into_bytes();
        let addr = std::net::SocketAddr::from(([10, n[0], n[1], n[2]], 40000));
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(addr));
    }
    // A request that never finishes fails its test by name instead of hanging the run.
    let what = format!("{} {}", request.method(), request.uri());
    let (response, bytes) = tokio::time::timeout(std::time::Duration::from_secs(60), async move {
        let response = app.oneshot(request).await.expect("the router never fails");
        let (parts, body) = response.into_parts();
        let bytes = to_bytes(body, 4 * 1024 * 1024).await.unwrap();
        (parts, bytes)
    })
    .await
    .unwrap_or_else(|_| panic!("{what} did not answer within 60 s"));
    let status = response.status;
    let headers = response.headers.clone();
    TestResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes: bytes.to_vec(),
    }
}

pub async fn get(app: Router, path: &str) -> TestResponse {
    send(app, Request::get(path).body(Body::empty()).unwrap()).await
}

/// Polls `sql` (a count) until it returns `expected` or `within` passes; returns the last
/// value seen, so the caller's assertion shows how far it got.
pub async fn wait_for_within(
    db: &PgPool,
    sql: &str,
    expected: i64,
    within: std::time::Duration,
) -> i64 {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let n: i64 = sqlx::query_scalar(sql).fetch_one(db).await.unwrap();
        if n == expected || tokio::time::Instant::now() > deadline {
            return n;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// `wait_for_within` with ten seconds.
pub async fn wait_for(db: &PgPool, sql: &str, expected: i64) -> i64 {
    wait_for_within(db, sql, expected, std::time::Duration::from_secs(10)).await
}

/// A new person of `role` (`"CARER"`, `"ADMIN"` …) called `first` Tester, with a
/// unique email address.
pub async fn person(db: &PgPool, role: &str, first: &str) -> Uuid {
    sqlx::query_scalar(
        "with u as (insert into users (email, role, password_hash, email_verified_at)
                    values ($1, $2::text::user_role, 'x', now()) returning id)
         insert into user_profiles (user_id, first_name, last_name) select id, $3, 'Tester' from u
         returning user_id",
    )
    .bind(format!(
        "{}-{}@care.example",
        first.to_lowercase(),
        Uuid::new_v4().simple()
    ))
    .bind(role)
    .bind(first)
    .fetch_one(db)
    .await
    .unwrap()
}

/// A care package called `name` (its sealed client details are placeholders: tests
/// that read them create packages through the service).
pub async fn package(db: &PgPool, name: &str) -> Uuid {
    sqlx::query_scalar(
        "insert into care_packages (name, postcode_district, client_name_enc, client_name_key_id, address_enc, address_key_id)
         values ($1, 'M14', '\\x00', 'k', '\\x00', 'k') returning id",
    )
    .bind(name)
    .fetch_one(db)
    .await
    .unwrap()
}

/// Runs the real job worker with `registry` until `sql` (a boolean query) holds,
/// polling every 50 ms for at most 10 s; whether it came to hold.
pub async fn work_until(
    state: AppState,
    registry: server::jobs::Registry,
    config: server::jobs::worker::WorkerConfig,
    sql: &str,
) -> bool {
    let db = state.db.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(server::jobs::worker::run(
        state,
        Arc::new(registry),
        config,
        async move {
            let _ = stopped.await;
        },
    ));
    let mut reached = false;
    for _ in 0..200 {
        if sqlx::query_scalar::<_, bool>(sql)
            .fetch_one(&db)
            .await
            .unwrap()
        {
            reached = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    stop.send(()).unwrap();
    handle.await.unwrap();
    reached
}
