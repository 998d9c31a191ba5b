//! Guarantees the database itself gives, tested against real PostgreSQL.

use crate::common;

use app::crypto::FieldLocation;
use app::state::Environment;
use server::seed::{DEMO_PASSWORD, seed_demo};
use sqlx::{PgPool, Row, types::Uuid};

#[sqlx::test(migrations = "../migrations")]
async fn demo_seed_is_complete_and_idempotent(db: PgPool) {
    common::use_test_chain_key();
    let cipher = common::test_cipher();
    let first = seed_demo(&db, &cipher, Environment::Development)
        .await
        .unwrap();
    assert_eq!((first.users, first.packages, first.tasks), (6, 3, 6));
    let second = seed_demo(&db, &cipher, Environment::Development)
        .await
        .unwrap();
    assert_eq!(
        (
            second.users,
            second.packages,
            second.tasks,
            second.assignments
        ),
        (0, 0, 0, 0)
    );

    let roles: Vec<(String, i64)> =
        sqlx::query_as("select role::text, count(*) from users group by role order by role::text")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(
        roles,
        [
            ("ADMIN".into(), 1),
            ("ASSESSOR".into(), 1),
            ("CARER".into(), 4)
        ]
    );
    let audit: i64 =
        sqlx::query_scalar("select count(*) from audit_log where action = 'system.demo_seeded'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(audit, 1, "only the run that changed something is audited");

    // Client names are stored sealed, and open again only at their own row.
    let row = sqlx::query("select id, client_name_enc, client_name_key_id from care_packages where name = 'Maple Court'")
        .fetch_one(&db)
        .await
        .unwrap();
    let id: Uuid = row.get("id");
    let sealed: Vec<u8> = row.get("client_name_enc");
    assert!(!String::from_utf8_lossy(&sealed).contains("Edna"));
    let at = FieldLocation {
        table: "care_packages",
        column: "client_name",
        row_id: &id,
    };
    let key_id: String = row.get("client_name_key_id");
    assert_eq!(
        cipher.open(&key_id, &sealed, at).unwrap(),
        "Mrs Edna Clarke"
    );

    // The demo password verifies against the stored argon2id hash.
    let hash: String =
        sqlx::query_scalar("select password_hash from users where email = 'sam@example.com'")
            .fetch_one(&db)
            .await
            .unwrap();
    use argon2::{PasswordHash, PasswordVerifier};
    assert!(hash.starts_with("$argon2id$"));
    argon2::Argon2::default()
        .verify_password(DEMO_PASSWORD.as_bytes(), &PasswordHash::new(&hash).unwrap())
        .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn demo_seed_is_refused_in_production(db: PgPool) {
    let err = seed_demo(&db, &common::test_cipher(), Environment::Production)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("APP_ENV=production"), "{err}");
    let users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(users, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn audit_log_is_an_append_only_chain_the_application_signs(db: PgPool) {
    common::use_test_chain_key();
    for action in ["user.invited", "user.role_changed", "task.created"] {
        let mut tx = db.begin().await.unwrap();
        app::audit::record(
            &mut tx,
            &app::audit::Actor::default(),
            app::audit::Entry::new(action).after(serde_json::json!({ "n": 1 })),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    let linked: bool = sqlx::query_scalar(
        "select bool_and(a.prev_hash = p.hash and a.key_id = 'test1') from audit_log a join audit_log p on p.id = a.id - 1",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert!(linked);

    for statement in [
        "update audit_log set action = 'user.deleted' where id = 2",
        "delete from audit_log where id = 2",
        "truncate audit_log",
    ] {
        let err = sqlx::query(statement).execute(&db).await.unwrap_err();
        assert!(
            err.to_string().contains("append-only"),
            "{statement}: {err}"
        );
    }
    // A signed row out of order is refused.
    let err = sqlx::query(
        "insert into audit_log (id, action, hash, key_id) overriding system value values (9, 'user.forged', '\\x00', 'test1')",
    )
    .execute(&db)
    .await
    .unwrap_err();
    assert!(err.to_string().contains("audit_log row"), "{err}");
    // An unsigned row (the previous release, during an upgrade) is chained by the
    // database's digest, with its id taken under the lock.
    let (id, linked, digest): (i64, bool, bool) = sqlx::query_as(
        "with new as (insert into audit_log (action) values ('user.from_the_old_release') returning *)
         select new.id, new.prev_hash = (select hash from audit_log where id = 3),
                new.hash = audit_log_digest(new.prev_hash, new) from new",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!((id, linked, digest), (4, true, true));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_daily_cap_holds_under_concurrent_logging(db: PgPool) {
    let carer: Uuid = sqlx::query_scalar(
        "insert into users (email, role, password_hash) values ('c@example.com', 'CARER', 'x') returning id",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    let task: Uuid = sqlx::query_scalar(
        "insert into tasks (name, target_count) values ('Meals', 10) returning id",
    )
    .fetch_one(&db)
    .await
    .unwrap();

    // Two devices each log 60 for the same day at the same moment: one must be refused.
    let log = |db: PgPool| async move {
        sqlx::query(
            "insert into task_daily_totals (carer_id, task_id, business_date, total)
             values ($1, $2, date '2026-11-21', 60)
             on conflict (carer_id, task_id, business_date)
             do update set total = task_daily_totals.total + excluded.total",
        )
        .bind(carer)
        .bind(task)
        .execute(&db)
        .await
    };
    let (a, b) = tokio::join!(log(db.clone()), log(db.clone()));
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "exactly one of two concurrent 60s fits under 100: {a:?} {b:?}"
    );
    let total: i32 = sqlx::query_scalar("select total from task_daily_totals")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(total, 60);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_schema_refuses_inconsistent_data(db: PgPool) {
    let refused = |sql: &'static str| {
        let db = db.clone();
        async move { sqlx::query(sql).execute(&db).await.is_err() }
    };
    // Emails are stored normalised and are unique.
    assert!(refused("insert into users (email, role, password_hash) values ('Sam@Example.com', 'CARER', 'x')").await);
    sqlx::query(
        "insert into users (email, role, password_hash) values ('sam@example.com', 'CARER', 'x')",
    )
    .execute(&db)
    .await
    .unwrap();
    assert!(refused("insert into users (email, role, password_hash) values ('sam@example.com', 'ADMIN', 'x')").await);
    // Target counts are 1–1000; postcode districts are outward codes only.
    assert!(refused("insert into tasks (name, target_count) values ('t', 0)").await);
    assert!(refused("insert into tasks (name, target_count) values ('t', 1001)").await);
    assert!(
        refused("insert into care_packages (name, postcode_district, client_name_enc, client_name_key_id, address_enc, address_key_id) values ('p', 'M14 5AB', '\\x00', 'k', '\\x00', 'k')").await
    );
    // Statutory Working Time rules cannot be switched off.
    assert!(
        refused("update rule_settings set enabled = false where rule_id = 'wtr_daily_rest'").await
    );
    // A task is covered by at most one assessment template.
    let err = sqlx::query(
        "with t as (insert into tasks (name, target_count) values ('Meds', 5) returning id),
              a as (insert into assessment_templates default values returning id),
              b as (insert into assessment_templates default values returning id)
         insert into assessment_template_tasks (template_id, task_id)
         select a.id, t.id from a, t union all select b.id, t.id from b, t",
    )
    .execute(&db)
    .await
    .unwrap_err();
    let db_err = err.as_database_error().expect("refused by the database");
    assert!(db_err.is_unique_violation(), "{db_err}");
    assert_eq!(
        db_err.constraint(),
        Some("assessment_template_tasks_task_key")
    );
}

/// A rollback: the previous release's `server migrate` (and its start) meets a database
/// that already has the newer release's migrations. It carries on instead of refusing
/// the migrations it does not know; a migration changed after it was applied is still
/// refused.
#[sqlx::test(migrations = "../migrations")]
async fn an_older_release_migrates_a_database_with_newer_migrations(db: PgPool) {
    use sqlx::migrate::MigrateError;
    sqlx::query(
        "insert into _sqlx_migrations (version, description, success, checksum, execution_time)
         values (99991231000000, 'from a newer release', true, '\\x00'::bytea, 0)",
    )
    .execute(&db)
    .await
    .unwrap();
    // What the strict default would have said.
    let strict = sqlx::migrate!("../migrations").run(&db).await;
    assert!(
        matches!(strict, Err(MigrateError::VersionMissing(99991231000000))),
        "{strict:?}"
    );
    assert_eq!(server::startup::migrate(&db).await.unwrap(), 0);

    sqlx::query(
        "update _sqlx_migrations set checksum = '\\x00'::bytea
          where version = (select min(version) from _sqlx_migrations)",
    )
    .execute(&db)
    .await
    .unwrap();
    let changed = server::startup::migrate(&db).await;
    assert!(
        matches!(
            changed,
            Err(server::ServerError::Migrate(MigrateError::VersionMismatch(
                _
            )))
        ),
        "{changed:?}"
    );
}
