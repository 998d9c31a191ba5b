//! What the product promises under attack, each proven against the real router,
//! PostgreSQL and Redis: guesses counted before they are checked (in parallel too),
//! hashing bounded, typed text kept out of the audit log, re-entered passwords and
//! uploads limited, and a calendar link that ends with its owner's sessions.

use crate::common;

use app::{
    auth::{
        AuthConfig, RequestMeta,
        passwords::{HashParams, PasswordHasher},
        totp, two_factor,
    },
    error::AppError,
    state::AppState,
};
use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{Request, StatusCode, header},
};
use caretrack::Role;
use serde_json::json;
use sqlx::{PgPool, types::Uuid};
use std::{net::SocketAddr, sync::Arc};

const PASSWORD: &str = "the kettle is by the window";

/// Someone of `role` with `PASSWORD`; their id and email address.
async fn account(state: &AppState, role: Role) -> (Uuid, String) {
    let email = format!(
        "{}-{}@care.example",
        role.as_str().to_lowercase(),
        Uuid::new_v4().simple()
    );
    let id = sqlx::query_scalar(
        "with u as (insert into users (email, role, password_hash, email_verified_at)
                    values ($1, $2::text::user_role, $3, now()) returning id)
         insert into user_profiles (user_id, first_name, last_name) select id, 'Robin', 'Hale' from u
         returning user_id",
    )
    .bind(&email)
    .bind(role.as_str())
    .bind(state.auth.hasher.hash_now(PASSWORD))
    .fetch_one(&state.db)
    .await
    .unwrap();
    (id, email)
}

/// `POST path` with a JSON body, from an address of its own.
fn post(path: &str, body: serde_json::Value) -> Request<Body> {
    let n = Uuid::new_v4().into_bytes();
    let mut request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((
            [10, n[0], n[1], n[2]],
            40000,
        ))));
    request
}

/// Sends every request at once; answers their statuses and bodies.
async fn all_at_once(state: &AppState, requests: Vec<Request<Body>>) -> Vec<common::TestResponse> {
    let router = server::startup::build_router(state.clone());
    let sent: Vec<_> = requests
        .into_iter()
        .map(|request| tokio::spawn(common::send(router.clone(), request)))
        .collect();
    let mut answers = Vec::new();
    for answer in sent {
        answers.push(answer.await.unwrap());
    }
    answers
}

#[sqlx::test(migrations = "../migrations")]
async fn parallel_password_guesses_are_counted_before_any_is_checked(db: PgPool) {
    let state = common::state_with(db, &common::redis_url());
    let (id, email) = account(&state, Role::Carer).await;
    let hashed_before = state.auth.hasher.runs();
    let guesses = (0..30)
        .map(|n| {
            post(
                "/api/v1/auth/login",
                json!({ "email": email, "password": format!("guess number {n}") }),
            )
        })
        .collect();
    let answers = all_at_once(&state, guesses).await;
    for answer in &answers {
        assert!(
            matches!(answer.status.as_u16(), 401 | 429),
            "{}: {}",
            answer.status,
            answer.body
        );
    }
    // The lockout allows five tries: only they were hashed, however many came at once.
    let hashed = state.auth.hasher.runs() - hashed_before;
    assert!(hashed <= 5, "{hashed} of 30 parallel guesses were hashed");
    let attempts: i32 = sqlx::query_scalar("select failed_login_attempts from users where id = $1")
        .bind(id)
        .fetch_one(&state.db)
        .await
        .unwrap();
    assert!(attempts >= 20, "{attempts} attempts counted");
    // The right password now changes nothing: the account is held.
    let right = all_at_once(
        &state,
        vec![post(
            "/api/v1/auth/login",
            json!({ "email": email, "password": PASSWORD }),
        )],
    )
    .await;
    assert!(
        matches!(right[0].status.as_u16(), 401 | 429),
        "{}",
        right[0].body
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_burst_of_sign_ins_beyond_the_hashing_capacity_is_told_to_come_back(db: PgPool) {
    let mut state = common::state_with(db, &common::redis_url());
    // One hash at a time and one waiting, each costly enough that the burst overlaps.
    state.auth = Arc::new(AuthConfig {
        hasher: Arc::new(
            PasswordHasher::with_limits(
                HashParams {
                    memory_kib: 16 * 1024,
                    iterations: 3,
                    parallelism: 1,
                },
                1,
                2,
            )
            .unwrap(),
        ),
        ..common::test_auth()
    });
    let burst = (0..20)
        .map(|n| {
            post(
                "/api/v1/auth/login",
                json!({ "email": format!("nobody-{n}-{}@care.example", Uuid::new_v4().simple()), "password": PASSWORD }),
            )
        })
        .collect();
    let answers = all_at_once(&state, burst).await;
    let busy: Vec<_> = answers
        .iter()
        .filter(|a| a.status == StatusCode::SERVICE_UNAVAILABLE)
        .collect();
    assert!(
        !busy.is_empty(),
        "20 sign-ins at once with room for 2 all went through"
    );
    for answer in &busy {
        assert_eq!(answer.json()["error"]["code"], "busy");
        let wait: u64 = answer.headers[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(wait >= 1);
    }
    for answer in &answers {
        assert!(
            matches!(answer.status.as_u16(), 401 | 503),
            "{}: {}",
            answer.status,
            answer.body
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn parallel_code_guesses_each_count_and_lock_the_account(db: PgPool) {
    let state = common::state_with(db, &common::redis_url());
    let (id, email) = account(&state, Role::Admin).await;
    let user = app::auth::CurrentUser {
        user_id: id,
        role: Role::Admin,
        session_id: Uuid::new_v4(),
    };
    let actor = app::audit::Actor::user(&user, &RequestMeta::default());
    let enrolment = two_factor::start_enrolment(&state, &user).await.unwrap();
    let secret = totp::base32_decode(&enrolment.secret).unwrap();
    let step = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / totp::STEP_SECONDS;
    let right = format!("{:06}", totp::code_at(&secret, step));
    two_factor::confirm_enrolment(&state, &user, &actor, &right)
        .await
        .unwrap();

    let signed = all_at_once(
        &state,
        vec![post(
            "/api/v1/auth/login",
            json!({ "email": email, "password": PASSWORD }),
        )],
    )
    .await;
    let mfa_token = signed[0].json()["mfa_token"].as_str().unwrap().to_owned();
    // Twelve codes at once, none of them right (the right one never repeats a step).
    let guesses = (0..12)
        .map(|n| {
            let code = format!(
                "{:06}",
                (u64::from(totp::code_at(&secret, step + 2)) + n + 1) % 1_000_000
            );
            post(
                "/api/v1/auth/mfa",
                json!({ "mfa_token": mfa_token, "code": code }),
            )
        })
        .collect();
    let answers = all_at_once(&state, guesses).await;
    let checked = answers
        .iter()
        .filter(|a| a.status == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    assert!(checked <= 4, "{checked} of 12 parallel codes were checked");
    for answer in &answers {
        assert!(
            matches!(answer.status.as_u16(), 409 | 422),
            "{}: {}",
            answer.status,
            answer.body
        );
    }
    // Each wrong code counted against the account like a wrong password: it is locked.
    let locked = common::wait_for(
        &state.db,
        &format!("select count(*) from users where id = '{id}' and locked_until > now()"),
        1,
    )
    .await;
    assert_eq!(locked, 1, "the account is locked");
    let again = all_at_once(
        &state,
        vec![post(
            "/api/v1/auth/login",
            json!({ "email": email, "password": PASSWORD }),
        )],
    )
    .await;
    assert_eq!(
        again[0].status,
        StatusCode::UNAUTHORIZED,
        "{}",
        again[0].body
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_failed_sign_in_keeps_no_typed_text_in_the_audit_log(db: PgPool) {
    let state = common::state_with(db, &common::redis_url());
    // A password typed into the address box, and a very long address.
    let typed = [
        "Summer2026!hunter".to_owned(),
        format!("{}@care.example", "x".repeat(100_000)),
    ];
    let answers = all_at_once(
        &state,
        typed
            .iter()
            .map(|email| {
                post(
                    "/api/v1/auth/login",
                    json!({ "email": email, "password": "wrong" }),
                )
            })
            .collect(),
    )
    .await;
    for answer in &answers {
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.body);
    }
    let recorded = common::wait_for(
        &state.db,
        "select count(*) from audit_log where action = 'auth.login_failed'",
        2,
    )
    .await;
    assert_eq!(recorded, 2);
    let rows: Vec<serde_json::Value> =
        sqlx::query_scalar("select after from audit_log where action = 'auth.login_failed'")
            .fetch_all(&state.db)
            .await
            .unwrap();
    for after in &rows {
        let text = after.to_string();
        assert!(text.len() < 200, "{} bytes kept", text.len());
        assert!(!text.contains("hunter") && !text.contains("xxxx"), "{text}");
        assert_eq!(
            after["email_fingerprint"].as_str().unwrap().len(),
            16,
            "{text}"
        );
    }
    assert_ne!(rows[0]["email_fingerprint"], rows[1]["email_fingerprint"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn typing_the_current_password_again_is_limited(db: PgPool) {
    let state = common::state_with(db, &common::redis_url());
    let (id, _) = account(&state, Role::Carer).await;
    let user = app::auth::CurrentUser {
        user_id: id,
        role: Role::Carer,
        session_id: Uuid::new_v4(),
    };
    let actor = app::audit::Actor::user(&user, &RequestMeta::default());
    let change = |current: &'static str| {
        let (state, actor) = (state.clone(), actor.clone());
        async move {
            app::account::ssr::change_password(
                &state,
                &user,
                current,
                "a brand new passphrase here",
                "a brand new passphrase here",
                &actor,
            )
            .await
        }
    };
    for _ in 0..5 {
        let wrong = change("not my password").await.unwrap_err();
        assert!(
            matches!(&wrong, AppError::Validation { field, .. } if field == "current_password"),
            "{wrong:?}"
        );
    }
    // The sixth try in the window is refused before the password is looked at, right or not.
    assert!(matches!(
        change(PASSWORD).await,
        Err(AppError::RateLimited(_))
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn uploads_are_limited_per_person(db: PgPool) {
    let state = common::state_with(db, &common::redis_url());
    let (id, _) = account(&state, Role::Assessor).await;
    let token = app::auth::sessions::start(&state, id, Role::Assessor, &RequestMeta::default())
        .await
        .unwrap()
        .access_token;
    let router = server::startup::build_router(state.clone());
    let mut statuses = Vec::new();
    for _ in 0..31 {
        let response = common::send(
            router.clone(),
            Request::post("/api/v1/files?purpose=ASSESSMENT_EVIDENCE&name=note.pdf")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::from("%PDF-1.4\n% a short note\n"))
                .unwrap(),
        )
        .await;
        statuses.push(response.status.as_u16());
    }
    assert!(statuses[..30].iter().all(|s| *s == 201), "{statuses:?}");
    assert_eq!(statuses[30], 429);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_calendar_link_ends_with_its_owners_sessions_and_names_colleagues_by_first_name(
    db: PgPool,
) {
    use app::rota::carer_rota::ssr::{calendar_feed, new_calendar_link};
    let state = common::state_with(db.clone(), &common::redis_url());
    let (carer, email) = account(&state, Role::Carer).await;
    let (colleague, _) = account(&state, Role::Carer).await;
    sqlx::query(
        "update user_profiles set first_name = 'Jamie', last_name = 'Okoro' where user_id = $1",
    )
    .bind(colleague)
    .execute(&db)
    .await
    .unwrap();
    let package = common::package(&db, "Rowan House").await;
    let shift: Uuid = sqlx::query_scalar(
        "insert into shifts (package_id, starts_at, ends_at, shift_type, break_minutes)
         values ($1, now() + interval '2 days', now() + interval '2 days 8 hours', 'DAY', 30) returning id",
    )
    .bind(package)
    .fetch_one(&db)
    .await
    .unwrap();
    for who in [carer, colleague] {
        sqlx::query("insert into rota_entries (shift_id, carer_id) values ($1, $2)")
            .bind(shift)
            .bind(who)
            .execute(&db)
            .await
            .unwrap();
    }
    let actor = app::audit::Actor {
        user_id: Some(carer),
        role: Some(Role::Carer),
        ..Default::default()
    };
    let token = |link: String| {
        link.rsplit('/')
            .next()
            .unwrap()
            .trim_end_matches(".ics")
            .to_owned()
    };

    let link = token(new_calendar_link(&state, &actor).await.unwrap());
    let feed = calendar_feed(&state, &link)
        .await
        .unwrap()
        .expect("a live link");
    assert!(feed.contains("With Jamie"), "{feed}");
    assert!(
        !feed.contains("Okoro"),
        "a colleague's surname in the feed: {feed}"
    );

    // Signed out everywhere by a care manager: the link ends with the sessions.
    let manager = app::audit::Actor::default();
    app::users::ssr::sign_out_everywhere(&state, &manager, carer.into())
        .await
        .unwrap();
    assert_eq!(calendar_feed(&state, &link).await.unwrap(), None);

    // A password reset ends a new link too.
    let link = token(new_calendar_link(&state, &actor).await.unwrap());
    let meta = RequestMeta {
        ip: Some(std::net::IpAddr::from([10, 9, 8, 7])),
        user_agent: None,
    };
    app::account::ssr::request_reset(&state, &email, &meta)
        .await
        .unwrap();
    // The email is queued off the request's clock.
    let queued = format!("select count(*) from email_messages where recipient = '{email}'");
    assert_eq!(common::wait_for(&db, &queued, 1).await, 1);
    let url: String =
        sqlx::query_scalar("select payload->>'reset_url' from email_messages where recipient = $1")
            .bind(&email)
            .fetch_one(&db)
            .await
            .unwrap();
    let reset = url.rsplit('/').next().unwrap().to_owned();
    app::account::ssr::reset_password(
        &state,
        &reset,
        "an entirely new passphrase",
        "an entirely new passphrase",
        &meta,
    )
    .await
    .unwrap();
    assert_eq!(calendar_feed(&state, &link).await.unwrap(), None);
}
