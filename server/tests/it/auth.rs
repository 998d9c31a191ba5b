//! Signing in, sessions and the guard, through the real router against the real
//! PostgreSQL and Redis. Each test signs in from its own address and with its own email
//! addresses, because rate limits and failure counters live in the shared Redis.

use crate::common;

use crate::common::TestResponse;
use app::{
    auth::{AuthConfig, rate_limit::LOGIN_PER_IP},
    state::AppState,
};
use axum::{
    Router,
    body::Body,
    extract::ConnectInfo,
    http::{Request, StatusCode},
};
use caretrack::Role;
use serde_json::{Value, json};
use sqlx::{PgPool, types::Uuid};
use std::{net::SocketAddr, sync::Arc};

const PASSWORD: &str = "a long and unusual passphrase";

struct Harness {
    state: AppState,
    router: Router,
    ip: SocketAddr,
}

impl Harness {
    fn new(db: PgPool) -> Self {
        Self::with_state(common::state_with(db, &common::redis_url()))
    }

    fn with_state(state: AppState) -> Self {
        let router = server::startup::build_router(state.clone());
        let n = Uuid::new_v4().as_bytes()[..3].to_vec();
        let ip = SocketAddr::from(([10, n[0], n[1], n[2]], 40000));
        Self { state, router, ip }
    }

    async fn user(&self, role: Role) -> (Uuid, String) {
        let email = format!(
            "{}-{}@example.com",
            role.as_str().to_lowercase(),
            Uuid::new_v4().simple()
        );
        let hash = self.state.auth.hasher.hash_now(PASSWORD);
        let id: Uuid = sqlx::query_scalar(
            "insert into users (email, role, password_hash, email_verified_at)
             values ($1, $2::text::user_role, $3, now()) returning id",
        )
        .bind(&email)
        .bind(role.as_str())
        .bind(hash)
        .fetch_one(&self.state.db)
        .await
        .unwrap();
        (id, email)
    }

    async fn send(&self, mut request: Request<Body>) -> TestResponse {
        request.extensions_mut().insert(ConnectInfo(self.ip));
        common::send(self.router.clone(), request).await
    }

    async fn post_json(&self, path: &str, body: Value) -> TestResponse {
        self.send(
            Request::post(path)
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    async fn login(&self, email: &str, password: &str) -> TestResponse {
        self.post_json(
            "/api/v1/auth/login",
            json!({ "email": email, "password": password }),
        )
        .await
    }

    async fn get_with_token(&self, path: &str, token: &str) -> TestResponse {
        self.send(
            Request::get(path)
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    async fn signed_in(&self, role: Role) -> (Uuid, Value) {
        let (id, email) = self.user(role).await;
        let response = self.login(&email, PASSWORD).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        (id, response.json())
    }

    async fn audit_count(&self, action: &str) -> i64 {
        sqlx::query_scalar("select count(*) from audit_log where action = $1")
            .bind(action)
            .fetch_one(&self.state.db)
            .await
            .unwrap()
    }
}

fn token(body: &Value, name: &str) -> String {
    body[name]
        .as_str()
        .unwrap_or_else(|| panic!("no {name} in {body}"))
        .to_owned()
}

#[sqlx::test(migrations = "../migrations")]
async fn signing_in_gives_tokens_that_identify_the_user(db: PgPool) {
    let h = Harness::new(db);
    let (id, body) = h.signed_in(Role::Carer).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["user"]["role"], "CARER");
    assert_eq!(body["user"]["id"], id.to_string());

    let me = h
        .get_with_token("/api/v1/me", &token(&body, "access_token"))
        .await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    assert_eq!(me.json()["id"], id.to_string());
    assert_eq!(h.audit_count("auth.login").await, 1);

    let anonymous = h
        .send(Request::get("/api/v1/me").body(Body::empty()).unwrap())
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.json()["error"]["code"], "unauthenticated");
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_email_wrong_password_and_deactivated_account_get_the_same_answer(db: PgPool) {
    let h = Harness::new(db);
    let (_, email) = h.user(Role::Carer).await;
    let (inactive_id, inactive) = h.user(Role::Carer).await;
    sqlx::query("update users set is_active = false where id = $1")
        .bind(inactive_id)
        .execute(&h.state.db)
        .await
        .unwrap();

    let wrong = h.login(&email, "not the password at all").await;
    let unknown = h
        .login(
            &format!("nobody-{}@example.com", Uuid::new_v4().simple()),
            PASSWORD,
        )
        .await;
    let deactivated = h.login(&inactive, PASSWORD).await;
    for response in [&wrong, &unknown, &deactivated] {
        assert_eq!(response.status, StatusCode::UNAUTHORIZED);
        assert_eq!(response.body, wrong.body, "identical answers");
    }
    assert_eq!(
        wrong.json()["error"]["message"],
        "The email or password is incorrect."
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn five_failures_lock_the_account_even_against_the_right_password(db: PgPool) {
    let h = Harness::new(db);
    let (id, email) = h.user(Role::Admin).await;
    for attempt in 1..=5 {
        assert_eq!(
            h.login(&email, "wrong wrong wrong wrong").await.status,
            StatusCode::UNAUTHORIZED
        );
        // Failures are recorded after the answer: wait for this one before the next.
        let recorded = common::wait_for(
            &h.state.db,
            &format!("select failed_login_attempts::bigint from users where id = '{id}'"),
            attempt,
        )
        .await;
        assert_eq!(recorded, attempt);
    }
    let right_password = h.login(&email, PASSWORD).await;
    assert_eq!(right_password.status, StatusCode::UNAUTHORIZED, "locked");
    assert_eq!(
        right_password.json()["error"]["code"],
        "invalid_credentials"
    );
    let locked: bool = sqlx::query_scalar(
        "select locked_until > now() + interval '29 minutes' from users where id = $1",
    )
    .bind(id)
    .fetch_one(&h.state.db)
    .await
    .unwrap();
    assert!(locked, "locked for 30 minutes");
    assert_eq!(h.audit_count("auth.lockout").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn refresh_rotates_and_reusing_an_old_token_revokes_the_session(db: PgPool) {
    let mut state = common::state_with(db, &common::redis_url());
    // No grace for parallel browser requests here: API clients get none either.
    state.auth = Arc::new(AuthConfig {
        refresh_reuse_grace: time::Duration::ZERO,
        ..common::test_auth()
    });
    let h = Harness::with_state(state);
    let (_, body) = h.signed_in(Role::Carer).await;
    let first_refresh = token(&body, "refresh_token");

    let rotated = h
        .post_json(
            "/api/v1/auth/refresh",
            json!({ "refresh_token": first_refresh }),
        )
        .await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    let second_refresh = token(&rotated.json(), "refresh_token");
    let second_access = token(&rotated.json(), "access_token");
    assert_ne!(second_refresh, first_refresh);
    assert_eq!(
        h.get_with_token("/api/v1/me", &second_access).await.status,
        StatusCode::OK
    );

    let reused = h
        .post_json(
            "/api/v1/auth/refresh",
            json!({ "refresh_token": first_refresh }),
        )
        .await;
    assert_eq!(reused.status, StatusCode::UNAUTHORIZED);
    // The whole session is gone: the newest tokens stop working too.
    assert_eq!(
        h.get_with_token("/api/v1/me", &second_access).await.status,
        StatusCode::UNAUTHORIZED
    );
    let after = h
        .post_json(
            "/api/v1/auth/refresh",
            json!({ "refresh_token": second_refresh }),
        )
        .await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(h.audit_count("auth.refresh_reuse").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_fourth_sign_in_evicts_the_oldest_session(db: PgPool) {
    let h = Harness::new(db);
    let (_, email) = h.user(Role::Carer).await;
    let mut access = Vec::new();
    for _ in 0..4 {
        let response = h.login(&email, PASSWORD).await;
        assert_eq!(response.status, StatusCode::OK);
        access.push(token(&response.json(), "access_token"));
        // Sessions are ordered by start time; keep them distinct.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(
        h.get_with_token("/api/v1/me", &access[0]).await.status,
        StatusCode::UNAUTHORIZED,
        "oldest evicted"
    );
    for token in &access[1..] {
        assert_eq!(
            h.get_with_token("/api/v1/me", token).await.status,
            StatusCode::OK
        );
    }
    let devices = h
        .get_with_token("/api/v1/me/sessions", &access[3])
        .await
        .json();
    assert_eq!(devices.as_array().unwrap().len(), 3);
    assert_eq!(
        devices
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["current"] == true)
            .count(),
        1
    );
    assert_eq!(h.audit_count("auth.session_evicted").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn revoking_a_session_takes_effect_on_its_next_request(db: PgPool) {
    let h = Harness::new(db);
    let (_, email) = h.user(Role::Carer).await;
    let phone = token(&h.login(&email, PASSWORD).await.json(), "access_token");
    let laptop = token(&h.login(&email, PASSWORD).await.json(), "access_token");
    let devices = h
        .get_with_token("/api/v1/me/sessions", &laptop)
        .await
        .json();
    let phone_session = devices
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["current"] == false)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let revoked = h
        .send(
            Request::delete(format!("/api/v1/me/sessions/{phone_session}"))
                .header("authorization", format!("Bearer {laptop}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    assert_eq!(
        h.get_with_token("/api/v1/me", &phone).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        h.get_with_token("/api/v1/me", &laptop).await.status,
        StatusCode::OK
    );

    // Someone else's session id is not found, not revoked.
    let (_, other) = h.signed_in(Role::Carer).await;
    let other_sessions = h
        .get_with_token("/api/v1/me/sessions", &token(&other, "access_token"))
        .await
        .json();
    let other_id = other_sessions[0]["id"].as_str().unwrap();
    let refused = h
        .send(
            Request::delete(format!("/api/v1/me/sessions/{other_id}"))
                .header("authorization", format!("Bearer {laptop}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "../migrations")]
async fn forged_and_unsigned_tokens_are_refused(db: PgPool) {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let h = Harness::new(db);
    let (_, body) = h.signed_in(Role::Carer).await;
    let access = token(&body, "access_token");
    let payload = access.split('.').nth(1).unwrap();
    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    claims["role"] = "ADMIN".into();
    let forged_payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let none_header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let signature = access.rsplit('.').next().unwrap();
    let head = access.split('.').next().unwrap();
    for forged in [
        format!("{none_header}.{payload}."),
        format!("{none_header}.{forged_payload}."),
        format!("{head}.{forged_payload}.{signature}"),
    ] {
        assert_eq!(
            h.get_with_token("/api/v1/me", &forged).await.status,
            StatusCode::UNAUTHORIZED,
            "{forged}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn too_many_sign_ins_from_one_address_get_429_with_retry_after(db: PgPool) {
    let h = Harness::new(db);
    let mut statuses = Vec::new();
    for _ in 0..=LOGIN_PER_IP.max {
        let email = format!("guess-{}@example.com", Uuid::new_v4().simple());
        let response = h.login(&email, "password guess").await;
        statuses.push(response.status);
        if response.status == StatusCode::TOO_MANY_REQUESTS {
            let retry_after: u64 = response.headers["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=900).contains(&retry_after), "{retry_after}");
            assert_eq!(response.json()["error"]["code"], "rate_limited");
        }
    }
    assert!(
        statuses[..LOGIN_PER_IP.max as usize]
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED)
    );
    assert_eq!(
        statuses[LOGIN_PER_IP.max as usize],
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn browsers_refresh_transparently_and_cross_site_posts_are_refused(db: PgPool) {
    let h = Harness::new(db);
    let (id, body) = h.signed_in(Role::Carer).await;
    let refresh = token(&body, "refresh_token");

    // The access cookie has gone (expired): the refresh cookie signs the request in and
    // new cookies come back.
    let me = h
        .send(
            Request::get("/api/v1/me")
                .header("cookie", format!("ct_refresh={refresh}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    assert_eq!(me.json()["id"], id.to_string());
    let set_cookies: Vec<String> = me
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(
        set_cookies
            .iter()
            .any(|c| c.starts_with("ct_access=") && c.contains("HttpOnly")),
        "{set_cookies:?}"
    );
    let cookie_value = |name: &str| {
        set_cookies
            .iter()
            .find_map(|c| c.strip_prefix(&format!("{name}=")))
            .and_then(|c| c.split(';').next())
            .unwrap()
            .to_owned()
    };
    let new_refresh = cookie_value("ct_refresh");
    let csrf = cookie_value("ct_csrf");
    assert_ne!(new_refresh, refresh);
    assert!(set_cookies.iter().any(|c| c.starts_with("ct_csrf=")
        && c.contains("SameSite=Strict")
        && !c.contains("HttpOnly")));
    let cookies = format!("ct_refresh={new_refresh}; ct_csrf={csrf}");

    let logout = |site: Option<&'static str>,
                  token_header: Option<String>,
                  form: Option<String>| {
        let mut request = Request::post("/api/v1/auth/logout").header("cookie", cookies.clone());
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        if let Some(token) = token_header {
            request = request.header("x-csrf-token", token);
        }
        match form {
            Some(form) => request
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(form))
                .unwrap(),
            None => request.body(Body::empty()).unwrap(),
        }
    };
    // A form on another site posting with the victim's cookies (even with a token).
    let cross_site = h
        .send(logout(Some("cross-site"), Some(csrf.clone()), None))
        .await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);
    assert_eq!(
        h.send(logout(None, Some(csrf.clone()), None)).await.status,
        StatusCode::FORBIDDEN,
        "no origin"
    );
    // Our own origin, but no token or the wrong one.
    assert_eq!(
        h.send(logout(Some("same-origin"), None, None)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        h.send(logout(Some("same-origin"), Some("guess".into()), None))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        h.send(logout(
            Some("same-origin"),
            None,
            Some("_csrf=guess".into())
        ))
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    // The token in a form field (a page posting before its script has loaded).
    let own_page = h
        .send(logout(
            Some("same-origin"),
            None,
            Some(format!("_csrf={csrf}")),
        ))
        .await;
    assert_eq!(own_page.status, StatusCode::NO_CONTENT, "{}", own_page.body);
    assert_eq!(h.audit_count("auth.logout").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_jobs_api_is_for_admins_only(db: PgPool) {
    let h = Harness::new(db);
    let (_, carer) = h.signed_in(Role::Carer).await;
    let (_, admin) = h.signed_in(Role::Admin).await;
    sqlx::query(
        "insert into jobs (kind, status, attempts, max_attempts, last_error, finished_at)
         values ('email.send', 'DEAD', 8, 8, 'SMTP 550: mailbox unavailable', now())",
    )
    .execute(&h.state.db)
    .await
    .unwrap();

    let anonymous = h
        .send(
            Request::get("/api/v1/admin/jobs")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let refused = h
        .get_with_token("/api/v1/admin/jobs", &token(&carer, "access_token"))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(h.audit_count("auth.permission_denied").await, 1);

    let overview = h
        .get_with_token("/api/v1/admin/jobs", &token(&admin, "access_token"))
        .await;
    assert_eq!(overview.status, StatusCode::OK, "{}", overview.body);
    let overview = overview.json();
    assert_eq!(overview["failures_total"], 1);
    assert_eq!(
        overview["failures"][0]["last_error"],
        "SMTP 550: mailbox unavailable"
    );
    assert_eq!(
        overview["counts"][0],
        json!({ "queue": "default", "status": "DEAD", "count": 1 })
    );

    let id = overview["failures"][0]["id"].as_str().unwrap();
    let retry = h
        .send(
            Request::post(format!("/api/v1/admin/jobs/{id}/retry"))
                .header(
                    "authorization",
                    format!("Bearer {}", token(&admin, "access_token")),
                )
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(retry.status, StatusCode::NO_CONTENT, "{}", retry.body);
    let status: String = sqlx::query_scalar("select status::text from jobs")
        .fetch_one(&h.state.db)
        .await
        .unwrap();
    assert_eq!(status, "QUEUED");
    assert_eq!(h.audit_count("jobs.retry").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn static_files_never_touch_the_session(db: PgPool) {
    let h = Harness::new(db);
    let (_, body) = h.signed_in(Role::Carer).await;
    let refresh = token(&body, "refresh_token");
    // A stylesheet or WASM request with only the refresh cookie: served as it is,
    // without rotating the refresh token behind the page's back.
    let asset = h
        .send(
            Request::get("/pkg/caretrack.css")
                .header("cookie", format!("ct_refresh={refresh}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        asset.headers.get("set-cookie").is_none(),
        "{:?}",
        asset.headers
    );
    let still_good = h
        .post_json("/api/v1/auth/refresh", json!({ "refresh_token": refresh }))
        .await;
    assert_eq!(
        still_good.status,
        StatusCode::OK,
        "the token was not used: {}",
        still_good.body
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn parallel_page_requests_share_one_refresh(db: PgPool) {
    let h = Harness::new(db);
    let (id, body) = h.signed_in(Role::Carer).await;
    let refresh = token(&body, "refresh_token");
    let me = |cookie: String| {
        Request::get("/api/v1/me")
            .header("cookie", cookie)
            .body(Body::empty())
            .unwrap()
    };
    // Two requests of one page both carry the old refresh cookie.
    let (first, second) = tokio::join!(
        h.send(me(format!("ct_refresh={refresh}"))),
        h.send(me(format!("ct_refresh={refresh}")))
    );
    for response in [&first, &second] {
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        assert_eq!(response.json()["id"], id.to_string());
    }
    let rotated = [&first, &second]
        .iter()
        .filter(|r| r.headers.get("set-cookie").is_some())
        .count();
    assert_eq!(
        rotated, 1,
        "one of them rotates; the other is served without new cookies"
    );
    assert_eq!(
        h.audit_count("auth.refresh_reuse").await,
        0,
        "not mistaken for theft"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn signing_in_and_revoking_work_while_redis_is_down(db: PgPool) {
    // Redis is where rate limits and the session cache live; PostgreSQL holds the truth.
    let h = Harness::with_state(common::state_with(db, &common::dead_redis_url()));
    let (_, email) = h.user(Role::Carer).await;
    let login = h.login(&email, PASSWORD).await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    let access = token(&login.json(), "access_token");
    let me = h.get_with_token("/api/v1/me", &access).await;
    assert_eq!(
        me.status,
        StatusCode::OK,
        "sessions are checked in PostgreSQL: {}",
        me.body
    );

    let logout = h
        .send(
            Request::post("/api/v1/auth/logout")
                .header("authorization", format!("Bearer {access}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(logout.status, StatusCode::NO_CONTENT);
    assert_eq!(
        h.get_with_token("/api/v1/me", &access).await.status,
        StatusCode::UNAUTHORIZED,
        "revocation holds"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn only_failed_sign_ins_count_against_an_address(db: PgPool) {
    use app::auth::rate_limit::LOGIN_PER_ACCOUNT;
    let h = Harness::new(db);
    // Successful sign-ins, more than the limit, from several devices: never refused.
    let (_, email) = h.user(Role::Carer).await;
    for _ in 0..=LOGIN_PER_ACCOUNT.max + 4 {
        let response = h.login(&email, PASSWORD).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    }

    // An address that has failed as often as allowed in this window is refused before
    // its password is even checked, with how long to wait.
    let guessed = format!("guessed-{}@example.com", Uuid::new_v4().simple());
    let window = LOGIN_PER_ACCOUNT.window.as_secs();
    let slot = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / window;
    let mut redis = redis::Client::open(common::redis_url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let _: () = redis::cmd("SET")
        .arg(format!("rl:{}:{guessed}:{slot}", LOGIN_PER_ACCOUNT.name))
        .arg(LOGIN_PER_ACCOUNT.max)
        .arg("EX")
        .arg(60)
        .query_async(&mut redis)
        .await
        .unwrap();
    let refused = h.login(&guessed, "anything at all").await;
    assert_eq!(
        refused.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        refused.body
    );
    let wait: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2 * window).contains(&wait), "{wait}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_person_over_their_request_limit_gets_429_and_is_still_known_after(db: PgPool) {
    use app::auth::rate_limit::PER_USER;
    let h = Harness::new(db);
    let (id, email) = h.user(Role::Carer).await;
    let login = h.login(&email, PASSWORD).await;
    let access = token(&login.json(), "access_token");
    assert_eq!(
        h.get_with_token("/api/v1/me", &access).await.status,
        StatusCode::OK
    );
    // This minute's counter at the limit: the next request is one too many.
    let window = PER_USER.window.as_secs();
    let slot = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / window;
    let mut redis = redis::Client::open(common::redis_url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let key = format!("rl:{}:{id}:{slot}", PER_USER.name);
    let _: () = redis::cmd("SET")
        .arg(&key)
        .arg(PER_USER.max)
        .arg("EX")
        .arg(2 * window)
        .query_async(&mut redis)
        .await
        .unwrap();
    let refused = h.get_with_token("/api/v1/me", &access).await;
    assert_eq!(
        refused.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        refused.body
    );
    assert!(refused.headers.contains_key("retry-after"));
    // Once the count is back under the limit the same session works: it was not ended.
    let _: () = redis::cmd("DEL")
        .arg(&key)
        .query_async(&mut redis)
        .await
        .unwrap();
    assert_eq!(
        h.get_with_token("/api/v1/me", &access).await.status,
        StatusCode::OK
    );
}
