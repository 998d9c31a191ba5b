//! Managing people: lists, deactivation, role changes, the last care manager.

mod common;

use app::{
    audit::Actor,
    auth::{RequestMeta, login::login, sessions},
    error::AppError,
    state::AppState,
    users::{api::Tab, ssr},
};
use caretrack::Role;
use sqlx::{PgPool, types::Uuid};

const PASSWORD: &str = "the minibus leaves at ten";

async fn person(state: &AppState, email: &str, role: Role, first: &str, last: &str) -> Uuid {
    sqlx::query_scalar(
        "with u as (insert into users (email, role, password_hash) values ($1, $2::text::user_role, $3) returning id)
         insert into user_profiles (user_id, first_name, last_name) select id, $4, $5 from u returning user_id",
    )
    .bind(email)
    .bind(role.as_str())
    .bind(state.auth.hasher.hash_now(PASSWORD))
    .bind(first)
    .bind(last)
    .fetch_one(&state.db)
    .await
    .unwrap()
}

fn meta() -> RequestMeta {
    let n = Uuid::new_v4().as_bytes()[..3].to_vec();
    RequestMeta {
        ip: Some(std::net::IpAddr::from([10, n[0], n[1], n[2]])),
        user_agent: None,
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn tabs_and_search_find_people(db: PgPool) {
    let state = common::state_with(db, &common::redis_url());
    person(&state, "alex@care.example", Role::Admin, "Alex", "Morgan").await;
    person(
        &state,
        "priya@care.example",
        Role::Assessor,
        "Priya",
        "Shah",
    )
    .await;
    person(&state, "sam@care.example", Role::Carer, "Sam", "Okafor").await;
    person(&state, "jo@care.example", Role::Carer, "Jo", "Brennan").await;

    let carers = ssr::list(&state, Tab::Carers, "", 1).await.unwrap();
    assert_eq!(
        carers
            .items
            .iter()
            .map(|u| u.name.as_str())
            .collect::<Vec<_>>(),
        vec!["Jo Brennan", "Sam Okafor"]
    );
    let office = ssr::list(&state, Tab::Office, "", 1).await.unwrap();
    assert_eq!(office.total, 2);
    let found = ssr::list(&state, Tab::Carers, "okaf", 1).await.unwrap();
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].email, "sam@care.example");
    assert_eq!(
        ssr::list(&state, Tab::Carers, "%", 1).await.unwrap().total,
        0,
        "wildcards are literal"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn deactivating_signs_out_and_keeps_out_until_reactivated(db: PgPool) {
    let state = common::state_with(db.clone(), &common::redis_url());
    let email = format!("sam-{}@care.example", Uuid::new_v4().simple());
    let sam = person(&state, &email, Role::Carer, "Sam", "Okafor").await;
    let meta = meta();
    let (tokens, _) = login(&state, &email, PASSWORD, &meta)
        .await
        .unwrap()
        .session()
        .unwrap();
    let actor = Actor::default();

    ssr::set_active(&state, &actor, &sam.to_string(), false)
        .await
        .unwrap();
    assert!(
        !sessions::is_live(&state, tokens.session_id, sam, Role::Carer)
            .await
            .unwrap()
    );
    assert_eq!(
        login(&state, &email, PASSWORD, &meta).await.unwrap_err(),
        AppError::InvalidCredentials
    );
    ssr::set_active(&state, &actor, &sam.to_string(), true)
        .await
        .unwrap();
    assert!(login(&state, &email, PASSWORD, &meta).await.is_ok());

    let (before, after): (serde_json::Value, serde_json::Value) =
        sqlx::query_as("select before, after from audit_log where action = 'users.deactivate'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(before["active"], true);
    assert_eq!(after["active"], false);
    assert_eq!(after["sessions_ended"], 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_last_care_manager_cannot_be_removed(db: PgPool) {
    let state = common::state_with(db.clone(), &common::redis_url());
    let alex = person(&state, "alex@care.example", Role::Admin, "Alex", "Morgan").await;
    let actor = Actor::default();
    let last = AppError::Conflict(
        "This is the only active care manager. Make someone else a care manager first.".into(),
    );
    assert_eq!(
        ssr::set_active(&state, &actor, &alex.to_string(), false)
            .await
            .unwrap_err(),
        last
    );
    assert_eq!(
        ssr::change_role(&state, &actor, &alex.to_string(), "CARER")
            .await
            .unwrap_err(),
        last
    );

    // With a second manager, either may step down — but not both.
    let priya = person(&state, "priya@care.example", Role::Admin, "Priya", "Shah").await;
    ssr::change_role(&state, &actor, &alex.to_string(), "ASSESSOR")
        .await
        .unwrap();
    assert_eq!(
        ssr::set_active(&state, &actor, &priya.to_string(), false)
            .await
            .unwrap_err(),
        last
    );
    let role: String = sqlx::query_scalar("select role::text from users where id = $1")
        .bind(alex)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(role, "ASSESSOR");
    let (before, after): (serde_json::Value, serde_json::Value) =
        sqlx::query_as("select before, after from audit_log where action = 'users.role_change'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(
        (before["role"].as_str(), after["role"].as_str()),
        (Some("ADMIN"), Some("ASSESSOR"))
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_role_change_and_a_manager_sign_out_end_sessions(db: PgPool) {
    let state = common::state_with(db, &common::redis_url());
    let email = format!("jo-{}@care.example", Uuid::new_v4().simple());
    let jo = person(&state, &email, Role::Carer, "Jo", "Brennan").await;
    let meta = meta();
    let actor = Actor::default();
    let (first, _) = login(&state, &email, PASSWORD, &meta)
        .await
        .unwrap()
        .session()
        .unwrap();
    ssr::change_role(&state, &actor, &jo.to_string(), "ASSESSOR")
        .await
        .unwrap();
    assert!(
        !sessions::is_live(&state, first.session_id, jo, Role::Carer)
            .await
            .unwrap()
    );
    let (_, signed_in) = login(&state, &email, PASSWORD, &meta)
        .await
        .unwrap()
        .session()
        .unwrap();
    assert_eq!(
        signed_in.role,
        Role::Assessor,
        "the new role applies at the next sign-in"
    );

    login(&state, &email, PASSWORD, &meta)
        .await
        .unwrap()
        .session()
        .unwrap();
    assert_eq!(
        ssr::sign_out_everywhere(&state, &actor, &jo.to_string())
            .await
            .unwrap(),
        2
    );
    assert!(matches!(
        ssr::sign_out_everywhere(&state, &actor, &Uuid::new_v4().to_string()).await,
        Err(AppError::NotFound(_))
    ));
}
