//! Forgotten and changed passwords, and email changes, against the real database and
//! Redis (and the emails they queue).

use crate::common;

use app::{
    account::ssr,
    audit::Actor,
    auth::{CurrentUser, RequestMeta, login::login, sessions},
    error::AppError,
    state::AppState,
};
use caretrack::Role;
use sqlx::{PgPool, types::Uuid};

const PASSWORD: &str = "morning round starts at seven";
const NEW_PASSWORD: &str = "evening round ends at nine";

fn meta() -> RequestMeta {
    // Its own address per test run: rate limits live in the shared Redis.
    let n = Uuid::new_v4().as_bytes()[..3].to_vec();
    RequestMeta {
        ip: Some(std::net::IpAddr::from([10, n[0], n[1], n[2]])),
        user_agent: Some("test".into()),
    }
}

async fn carer(state: &AppState, email: &str) -> Uuid {
    sqlx::query_scalar(
        "with u as (insert into users (email, role, password_hash) values ($1, 'CARER', $2) returning id)
         insert into user_profiles (user_id, first_name, last_name) select id, 'Sam', 'Okafor' from u returning user_id",
    )
    .bind(email)
    .bind(state.auth.hasher.hash_now(PASSWORD))
    .fetch_one(&state.db)
    .await
    .unwrap()
}

async fn link_in_email(db: &PgPool, to: &str, field: &str, prefix: &str) -> String {
    let sql = format!("select count(*) from email_messages where recipient = '{to}'");
    assert_eq!(common::wait_for(db, &sql, 1).await, 1, "one email to {to}");
    let url: String = sqlx::query_scalar(&format!(
        "select payload->>'{field}' from email_messages where recipient = $1"
    ))
    .bind(to)
    .fetch_one(db)
    .await
    .unwrap();
    url.strip_prefix(&format!("https://care.example/{prefix}/"))
        .expect("a link to this app")
        .to_owned()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_reset_link_sets_a_new_password_once_and_signs_out_everywhere(db: PgPool) {
    let state = common::state_with(db.clone(), &common::redis_url());
    let email = format!("reset-{}@care.example", Uuid::new_v4().simple());
    carer(&state, &email).await;
    let meta = meta();
    let (phone, _) = login(&state, &email, PASSWORD, &meta)
        .await
        .unwrap()
        .session()
        .unwrap();
    let (laptop, _) = login(&state, &email, PASSWORD, &meta)
        .await
        .unwrap()
        .session()
        .unwrap();

    ssr::request_reset(&state, &email, &meta).await.unwrap();
    let token = link_in_email(&db, &email, "reset_url", "reset-password").await;

    let weak = ssr::reset_password(&state, &token, "password2026", "password2026", &meta)
        .await
        .unwrap_err();
    assert!(matches!(weak, AppError::Validation { ref field, .. } if field == "password"));
    ssr::reset_password(&state, &token, NEW_PASSWORD, NEW_PASSWORD, &meta)
        .await
        .unwrap();

    for tokens in [&phone, &laptop] {
        let claims = state.auth.jwt.verify(&tokens.access_token).unwrap();
        assert!(
            !sessions::is_live(&state, claims.sid, claims.sub, claims.role)
                .await
                .unwrap(),
            "signed out everywhere"
        );
    }
    assert_eq!(
        login(&state, &email, PASSWORD, &meta).await.unwrap_err(),
        AppError::InvalidCredentials
    );
    assert!(login(&state, &email, NEW_PASSWORD, &meta).await.is_ok());
    let again = ssr::reset_password(&state, &token, NEW_PASSWORD, NEW_PASSWORD, &meta)
        .await
        .unwrap_err();
    assert!(again.to_string().contains("expired or has been used"));
    let actions: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where action like 'auth.password%' order by id",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    assert_eq!(
        actions,
        vec!["auth.password_reset_requested", "auth.password_reset"]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_addresses_get_the_same_answer_and_no_email(db: PgPool) {
    let state = common::state_with(db.clone(), &common::redis_url());
    let nobody = format!("nobody-{}@care.example", Uuid::new_v4().simple());
    ssr::request_reset(&state, &nobody, &meta()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let emails: i64 = sqlx::query_scalar("select count(*) from email_messages")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(emails, 0);
    let invalid = ssr::request_reset(&state, "not an address", &meta())
        .await
        .unwrap_err();
    assert!(matches!(invalid, AppError::Validation { .. }));
}

#[sqlx::test(migrations = "../migrations")]
async fn changing_the_password_needs_the_current_one_and_ends_other_sessions(db: PgPool) {
    let state = common::state_with(db.clone(), &common::redis_url());
    let email = format!("change-{}@care.example", Uuid::new_v4().simple());
    let id = carer(&state, &email).await;
    let meta = meta();
    let (here, _) = login(&state, &email, PASSWORD, &meta)
        .await
        .unwrap()
        .session()
        .unwrap();
    let (elsewhere, _) = login(&state, &email, PASSWORD, &meta)
        .await
        .unwrap()
        .session()
        .unwrap();
    let me = CurrentUser {
        user_id: id,
        role: Role::Carer,
        session_id: here.session_id,
    };
    let actor = Actor::user(&me, &Default::default());

    let wrong = ssr::change_password(&state, &me, "not it", NEW_PASSWORD, NEW_PASSWORD, &actor)
        .await
        .unwrap_err();
    assert_eq!(
        wrong,
        AppError::validation("current_password", "That is not your current password.")
    );
    ssr::change_password(&state, &me, PASSWORD, NEW_PASSWORD, NEW_PASSWORD, &actor)
        .await
        .unwrap();
    assert!(
        sessions::is_live(&state, here.session_id, id, Role::Carer)
            .await
            .unwrap(),
        "this device stays signed in"
    );
    assert!(
        !sessions::is_live(&state, elsewhere.session_id, id, Role::Carer)
            .await
            .unwrap()
    );
    assert!(login(&state, &email, NEW_PASSWORD, &meta).await.is_ok());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_new_email_address_is_used_once_it_is_confirmed(db: PgPool) {
    let state = common::state_with(db.clone(), &common::redis_url());
    let id = carer(&state, "old@care.example").await;
    carer(&state, "taken@care.example").await;
    let me = CurrentUser {
        user_id: id,
        role: Role::Carer,
        session_id: Uuid::new_v4(),
    };
    let actor = Actor::user(&me, &Default::default());

    let taken = ssr::request_email_change(&state, &me, "taken@care.example", PASSWORD, &actor)
        .await
        .unwrap_err();
    assert!(matches!(taken, AppError::Validation { ref field, .. } if field == "new_email"));
    let wrong = ssr::request_email_change(&state, &me, "new@care.example", "nope", &actor)
        .await
        .unwrap_err();
    assert!(matches!(wrong, AppError::Validation { ref field, .. } if field == "current_password"));
    ssr::request_email_change(&state, &me, "New@Care.example", PASSWORD, &actor)
        .await
        .unwrap();
    let token = link_in_email(&db, "new@care.example", "confirm_url", "confirm-email").await;

    let email: String = sqlx::query_scalar("select email from users where id = $1")
        .bind(id)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(email, "old@care.example", "unchanged until confirmed");
    assert_eq!(
        ssr::confirm_email_change(&state, &token, &meta())
            .await
            .unwrap(),
        "new@care.example"
    );
    let email: String = sqlx::query_scalar("select email from users where id = $1")
        .bind(id)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(email, "new@care.example");
    assert!(
        ssr::confirm_email_change(&state, &token, &meta())
            .await
            .is_err(),
        "once only"
    );
}
