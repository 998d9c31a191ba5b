//! Managing people: lists, deactivation, role changes, the last care manager.

use crate::common;

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

    let carers = ssr::list(&state, Tab::Carers, "", false, 1).await.unwrap();
    assert_eq!(
        carers
            .items
            .iter()
            .map(|u| u.name.as_str())
            .collect::<Vec<_>>(),
        vec!["Jo Brennan", "Sam Okafor"]
    );
    let office = ssr::list(&state, Tab::Office, "", false, 1).await.unwrap();
    assert_eq!(office.total, 2);
    let found = ssr::list(&state, Tab::Carers, "okaf", false, 1)
        .await
        .unwrap();
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].email, "sam@care.example");
    assert_eq!(
        ssr::list(&state, Tab::Carers, "%", false, 1)
            .await
            .unwrap()
            .total,
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

    ssr::set_active(&state, &actor, sam.into(), false)
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
    ssr::set_active(&state, &actor, sam.into(), true)
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
        ssr::set_active(&state, &actor, alex.into(), false)
            .await
            .unwrap_err(),
        last
    );
    assert_eq!(
        ssr::change_role(&state, &actor, alex.into(), "CARER")
            .await
            .unwrap_err(),
        last
    );

    // With a second manager, either may step down — but not both.
    let priya = person(&state, "priya@care.example", Role::Admin, "Priya", "Shah").await;
    ssr::change_role(&state, &actor, alex.into(), "ASSESSOR")
        .await
        .unwrap();
    assert_eq!(
        ssr::set_active(&state, &actor, priya.into(), false)
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
    ssr::change_role(&state, &actor, jo.into(), "ASSESSOR")
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
        ssr::sign_out_everywhere(&state, &actor, jo.into())
            .await
            .unwrap(),
        2
    );
    assert!(matches!(
        ssr::sign_out_everywhere(&state, &actor, Uuid::new_v4().into()).await,
        Err(AppError::NotFound(_))
    ));
}

fn manager_actor(id: Uuid) -> Actor {
    Actor {
        user_id: Some(id),
        role: Some(Role::Admin),
        ..Actor::default()
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deleted_person_waits_in_the_recycle_bin_and_comes_back(db: PgPool) {
    use app::recycle_bin::{api::BinKind, ssr as bin};
    let state = common::state_with(db.clone(), &common::redis_url());
    let alex = person(&state, "alex@care.example", Role::Admin, "Alex", "Morgan").await;
    let email = format!("sam-{}@care.example", Uuid::new_v4().simple());
    let sam = person(&state, &email, Role::Carer, "Sam", "Okafor").await;
    let meta = meta();
    let (tokens, _) = login(&state, &email, PASSWORD, &meta)
        .await
        .unwrap()
        .session()
        .unwrap();
    let actor = manager_actor(alex);

    assert_eq!(
        ssr::delete(&state, &actor, alex.into()).await.unwrap_err(),
        AppError::Conflict("You cannot delete yourself. Ask another care manager.".into())
    );
    ssr::delete(&state, &actor, sam.into()).await.unwrap();
    assert!(
        !sessions::is_live(&state, tokens.session_id, sam, Role::Carer)
            .await
            .unwrap(),
        "signed out everywhere"
    );
    assert_eq!(
        login(&state, &email, PASSWORD, &meta).await.unwrap_err(),
        AppError::InvalidCredentials
    );
    let people = ssr::list(&state, Tab::Carers, "", false, 1).await.unwrap();
    assert!(
        people.items.iter().all(|p| p.email != email),
        "gone from People"
    );

    let counts = bin::counts(&state).await.unwrap();
    assert_eq!((counts.carers, counts.office_staff), (1, 0));
    let listed = bin::list(&state, BinKind::Carer, 1).await.unwrap();
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].name, "Sam Okafor");
    assert_eq!(listed.items[0].deleted_by, "Alex Morgan");
    assert_eq!(
        listed.items[0].purge_on, "When you decide",
        "carers are never swept"
    );
    // The sweep leaves carers however long they wait.
    sqlx::query("update users set deleted_at = now() - interval '400 days', purge_warned_at = now() - interval '390 days' where id = $1")
        .bind(sam)
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(bin::warn_of_purges(&state).await.unwrap(), 0);
    assert_eq!(bin::purge_expired(&state).await.unwrap(), 0);
    // Restoring as the other kind does nothing; as a carer, it brings Sam back.
    assert_eq!(
        bin::restore(&state, &actor, BinKind::OfficeStaff, &[sam.to_string()])
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        bin::restore(&state, &actor, BinKind::Carer, &[sam.to_string()])
            .await
            .unwrap(),
        1
    );
    assert!(login(&state, &email, PASSWORD, &meta).await.is_ok());

    let audit: Vec<(String, serde_json::Value)> =
        sqlx::query_as("select action, after from audit_log where entity_id = $1 and action not like 'auth.%' order by id")
            .bind(sam.to_string())
            .fetch_all(&db)
            .await
            .unwrap();
    let actions: Vec<&str> = audit.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(actions, ["users.delete", "recycle_bin.restore"]);
    assert!(
        audit
            .iter()
            .all(|(_, after)| !after.to_string().contains("Sam")),
        "the audit log names people by id only: {audit:?}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn purging_a_person_erases_them_and_leaves_an_anonymous_stub(db: PgPool) {
    use app::recycle_bin::{api::BinKind, ssr as bin};
    let state = common::state_with(db.clone(), &common::redis_url());
    let alex = person(&state, "alex@care.example", Role::Admin, "Alex", "Morgan").await;
    let actor = manager_actor(alex);
    let email = "megan.erase@care.example";
    let megan = person(&state, email, Role::Carer, "Megan", "Hughes").await;
    sqlx::query(
        "update user_profiles set phone = '+447700900123', date_of_birth = '1990-04-02' where user_id = $1",
    )
    .bind(megan)
    .execute(&db)
    .await
    .unwrap();
    let task: Uuid = sqlx::query_scalar(
        "insert into tasks (name, target_count) values ('Moving and handling', 10) returning id",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    sqlx::query(
        "insert into task_progress (carer_id, task_id, completed_count) values ($1, $2, 7)",
    )
    .bind(megan)
    .bind(task)
    .execute(&db)
    .await
    .unwrap();
    sqlx::query(
        "insert into email_messages (recipient, template, payload) values ($1, 'password_reset', '{\"name\": \"Megan\"}')",
    )
    .bind(email)
    .execute(&db)
    .await
    .unwrap();
    login(&state, email, PASSWORD, &meta()).await.unwrap();

    ssr::delete(&state, &actor, megan.into()).await.unwrap();
    assert_eq!(
        bin::purge(&state, &actor, BinKind::OfficeStaff, &[megan.to_string()])
            .await
            .unwrap(),
        0,
        "a carer is purged from the carers' tab only"
    );
    assert_eq!(
        bin::purge(&state, &actor, BinKind::Carer, &[megan.to_string()])
            .await
            .unwrap(),
        1
    );

    let stub: (String, Option<String>, Option<time::Date>, String, bool) = sqlx::query_as(
        "select u.email, p.phone, p.date_of_birth, p.first_name || ' ' || p.last_name, u.is_active
           from users u join user_profiles p on p.user_id = u.id where u.id = $1",
    )
    .bind(megan)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(
        stub,
        (
            format!("erased-{megan}@erased.invalid"),
            None,
            None,
            "Erased person".into(),
            false
        )
    );
    // Nothing left anywhere names her: not the emails sent, not her sessions.
    let traces: i64 = sqlx::query_scalar(
        "select (select count(*) from email_messages where recipient = $1 or payload::text like '%Megan%')
              + (select count(*) from sessions where user_id = $2)
              + (select count(*) from user_profiles where first_name = 'Megan')",
    )
    .bind(email)
    .bind(megan)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(traces, 0);
    let progress: i32 = sqlx::query_scalar(
        "select completed_count from task_progress where carer_id = $1 and task_id = $2",
    )
    .bind(megan)
    .bind(task)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(progress, 7, "her practice counts on, anonymously");
    assert_eq!(
        bin::counts(&state).await.unwrap().carers,
        0,
        "out of the bin"
    );
    assert_eq!(
        bin::restore(&state, &actor, BinKind::Carer, &[megan.to_string()])
            .await
            .unwrap(),
        0,
        "an erased person cannot come back"
    );
    assert_eq!(
        login(&state, email, PASSWORD, &meta()).await.unwrap_err(),
        AppError::InvalidCredentials
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn office_staff_are_erased_by_the_sweep_after_a_weeks_warning(db: PgPool) {
    use app::recycle_bin::{api::BinKind, ssr as bin};
    let state = common::state_with(db.clone(), &common::redis_url());
    let alex = person(&state, "alex@care.example", Role::Admin, "Alex", "Morgan").await;
    let actor = manager_actor(alex);
    let priya = person(
        &state,
        "priya.old@care.example",
        Role::Assessor,
        "Priya",
        "Shah",
    )
    .await;
    ssr::delete(&state, &actor, priya.into()).await.unwrap();
    let listed = bin::list(&state, BinKind::OfficeStaff, 1).await.unwrap();
    assert_ne!(listed.items[0].purge_on, "When you decide");

    sqlx::query("update users set deleted_at = now() - interval '24 days' where id = $1")
        .bind(priya)
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(bin::warn_of_purges(&state).await.unwrap(), 1);
    let (to, payload): (String, serde_json::Value) = sqlx::query_as(
        "select recipient, payload from email_messages where template = 'retention_warning'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(to, "alex@care.example");
    assert_eq!(payload["item_count"], 1);
    assert_eq!(payload["admin_name"], "Alex");

    // Day 30: due, but the warning is not a week old yet — a week's notice is promised.
    sqlx::query("update users set deleted_at = now() - interval '30 days 1 hour', purge_warned_at = now() - interval '6 days' where id = $1")
        .bind(priya)
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(bin::purge_expired(&state).await.unwrap(), 0);
    sqlx::query(
        "update users set purge_warned_at = now() - interval '7 days 1 minute' where id = $1",
    )
    .bind(priya)
    .execute(&db)
    .await
    .unwrap();
    assert_eq!(bin::purge_expired(&state).await.unwrap(), 1);
    let erased: bool =
        sqlx::query_scalar("select anonymised_at is not null from users where id = $1")
            .bind(priya)
            .fetch_one(&db)
            .await
            .unwrap();
    assert!(erased);
    let purges: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action = 'recycle_bin.purge' and entity_id = $1 and actor_id is null",
    )
    .bind(priya.to_string())
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(purges, 1, "the sweep's erasure is audited");
}

#[sqlx::test(migrations = "../migrations")]
async fn fully_assessed_means_an_effective_rating_on_every_assigned_task(db: PgPool) {
    let state = common::state_with(db.clone(), &common::redis_url());
    let package: Uuid = sqlx::query_scalar(
        "insert into care_packages (name, postcode_district, client_name_enc, client_name_key_id, address_enc, address_key_id)
         values ('Oak House', 'M14', '\\x00', 'k', '\\x00', 'k') returning id",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    let tasks: Vec<Uuid> = sqlx::query_scalar(
        "with t as (insert into tasks (name, target_count) values ('Medication', 5), ('Hoist', 5) returning id)
         insert into package_tasks (package_id, task_id) select $1, id from t returning task_id",
    )
    .bind(package)
    .fetch_all(&db)
    .await
    .unwrap();
    let mut carers = Vec::new();
    for (first, rated) in [("Ada", 2), ("Ben", 1), ("Cai", 0)] {
        let id = person(
            &state,
            &format!("{}@care.example", first.to_lowercase()),
            Role::Carer,
            first,
            "Tester",
        )
        .await;
        sqlx::query("insert into carer_packages (carer_id, package_id) values ($1, $2)")
            .bind(id)
            .bind(package)
            .execute(&db)
            .await
            .unwrap();
        for task in &tasks[..rated] {
            sqlx::query(
                "insert into competency_ratings (carer_id, task_id, level, state, source, effective_level, reason)
                 values ($1, $2, 'COMPETENT', 'CONFIRMED', 'MANUAL', 'COMPETENT', 'Observed')",
            )
            .bind(id)
            .bind(task)
            .execute(&db)
            .await
            .unwrap();
        }
        carers.push(id);
    }
    // Dee has no tasks at all: nothing assessed is not "fully assessed".
    person(&state, "dee@care.example", Role::Carer, "Dee", "Tester").await;
    // A pending rating is not effective yet.
    sqlx::query(
        "update competency_ratings set state = 'PENDING', effective_level = 'NOT_ASSESSED'
          where carer_id = $1 and task_id = $2",
    )
    .bind(carers[0])
    .bind(tasks[1])
    .execute(&db)
    .await
    .unwrap();
    let names = |page: app::users::api::UserPage| {
        page.items.into_iter().map(|u| u.name).collect::<Vec<_>>()
    };
    assert!(names(ssr::list(&state, Tab::Carers, "", true, 1).await.unwrap()).is_empty());
    sqlx::query("update competency_ratings set state = 'CONFIRMED', effective_level = 'COMPETENT'")
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(
        names(ssr::list(&state, Tab::Carers, "", true, 1).await.unwrap()),
        ["Ada Tester"]
    );
    assert_eq!(
        ssr::list(&state, Tab::Carers, "", false, 1)
            .await
            .unwrap()
            .total,
        4
    );
}
