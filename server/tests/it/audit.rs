//! The audit log's tamper evidence, and the first-admin command.

use crate::common;

use app::audit::{Actor, Entry, chain::ChainKeys};
use server::admin_cli::create_admin;
use server::audit_chain::{self, AnchorCheck, ChainReport};
use sqlx::PgPool;

fn keys() -> ChainKeys {
    common::use_test_chain_key();
    ChainKeys::new(vec![("test1".into(), [17u8; 32])]).unwrap()
}

async fn verify_audit_chain(db: &PgPool) -> Result<ChainReport, server::ServerError> {
    audit_chain::verify(db, &keys()).await
}

async fn audited_admin(db: &PgPool, email: &str) {
    common::use_test_chain_key();
    let hasher = common::test_auth().hasher;
    create_admin(
        db,
        hasher,
        email,
        "Alex",
        "Morgan",
        "a long and unusual passphrase",
    )
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn create_admin_makes_a_verified_manager_and_refuses_weak_passwords(db: PgPool) {
    audited_admin(&db, "Alex.Morgan@Example.com").await;
    let (role, verified, name): (String, bool, String) = sqlx::query_as(
        "select u.role::text, u.email_verified_at is not null, p.first_name || ' ' || p.last_name
           from users u join user_profiles p on p.user_id = u.id where u.email = 'alex.morgan@example.com'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(
        (role.as_str(), verified, name.as_str()),
        ("ADMIN", true, "Alex Morgan")
    );
    let audited: i64 =
        sqlx::query_scalar("select count(*) from audit_log where action = 'users.create_admin'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(audited, 1);

    let hasher = common::test_auth().hasher;
    let again = create_admin(
        &db,
        hasher.clone(),
        "alex.morgan@example.com",
        "A",
        "B",
        "another long passphrase here",
    )
    .await;
    assert!(again.unwrap_err().to_string().contains("already exists"));
    let weak = create_admin(
        &db,
        hasher,
        "new@example.com",
        "New",
        "Admin",
        "Password2026!",
    )
    .await;
    assert!(weak.unwrap_err().to_string().contains("common"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_chain_verifies_until_a_row_is_edited_by_hand(db: PgPool) {
    for n in 0..5 {
        audited_admin(&db, &format!("admin{n}@example.com")).await;
    }
    let rows: i64 = sqlx::query_scalar("select count(*) from audit_log")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(
        verify_audit_chain(&db).await.unwrap(),
        ChainReport {
            rows,
            first_broken: None,
            anchor: None,
        }
    );

    // The application cannot change history…
    let refused = sqlx::query("update audit_log set action = 'users.nothing_to_see' where id = 3")
        .execute(&db)
        .await;
    assert!(refused.unwrap_err().to_string().contains("append-only"));
    let refused = sqlx::query("delete from audit_log where id = 3")
        .execute(&db)
        .await;
    assert!(refused.is_err());

    // …and an owner who disables the guard and edits a row is caught.
    let third: i64 = sqlx::query_scalar("select id from audit_log order by id offset 2 limit 1")
        .fetch_one(&db)
        .await
        .unwrap();
    sqlx::query("alter table audit_log disable trigger audit_log_no_update")
        .execute(&db)
        .await
        .unwrap();
    sqlx::query(
        "update audit_log set after = '{\"email\": \"someone-else@example.com\"}' where id = $1",
    )
    .bind(third)
    .execute(&db)
    .await
    .unwrap();
    let report = verify_audit_chain(&db).await.unwrap();
    assert_eq!(report.first_broken, Some(third));

    // Re-hashing the edited row the way the database could (its unkeyed digest) does
    // not help: the rows are signed with a key the database never sees.
    sqlx::query("alter table audit_log disable trigger audit_log_chain")
        .execute(&db)
        .await
        .unwrap();
    sqlx::query("update audit_log set hash = audit_log_digest(prev_hash, audit_log) where id = $1")
        .bind(third)
        .execute(&db)
        .await
        .unwrap();
    let report = verify_audit_chain(&db).await.unwrap();
    assert_eq!(report.first_broken, Some(third));
}

#[sqlx::test(migrations = "../migrations")]
async fn unsigned_rows_pass_only_during_the_upgrade(db: PgPool) {
    for n in 0..2 {
        audited_admin(&db, &format!("signed{n}@example.com")).await;
    }
    // The previous release, still serving while this one starts, writes unsigned rows.
    sqlx::query("insert into audit_log (action) values ('users.from_the_old_release')")
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(verify_audit_chain(&db).await.unwrap().first_broken, None);
    // An unsigned row long after signing began is a forgery, however it is chained.
    let forged: i64 = sqlx::query_scalar(
        "insert into audit_log (occurred_at, action)
         values (now() + interval '2 hours', 'users.forged') returning id",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(
        verify_audit_chain(&db).await.unwrap().first_broken,
        Some(forged)
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn concurrent_transactions_chain_in_id_order(db: PgPool) {
    common::use_test_chain_key();
    // Twenty transactions append at once and commit in scrambled order: each takes its
    // id under the chain's lock, so the chain follows the ids.
    let writers = (0..20u64).map(|n| {
        let db = db.clone();
        tokio::spawn(async move {
            let mut tx = db.begin().await.unwrap();
            app::audit::record(
                &mut tx,
                &Actor::default(),
                Entry::new("test.concurrent").after(serde_json::json!({ "n": n })),
            )
            .await
            .unwrap();
            tokio::time::sleep(std::time::Duration::from_millis((n * 7) % 13)).await;
            tx.commit().await.unwrap();
        })
    });
    // Ten more at once on bare connections (a refusal's record, an export's), outside
    // any transaction of the caller's: each still takes the lock for its read and insert.
    let bare = (0..10u64).map(|n| {
        let db = db.clone();
        tokio::spawn(async move {
            let mut conn = db.acquire().await.unwrap();
            app::audit::record(
                &mut conn,
                &Actor::default(),
                Entry::new("test.bare").after(serde_json::json!({ "n": n })),
            )
            .await
            .unwrap();
        })
    });
    for writer in writers.chain(bare).collect::<Vec<_>>() {
        writer.await.unwrap();
    }
    let ids: Vec<i64> = sqlx::query_scalar("select id from audit_log order by id")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(ids, (1..=30).collect::<Vec<i64>>());
    assert_eq!(
        verify_audit_chain(&db).await.unwrap(),
        ChainReport {
            rows: 30,
            first_broken: None,
            anchor: None,
        }
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_anchor_catches_rows_cut_off_the_end(db: PgPool) {
    let keys = keys();
    let dir = std::env::temp_dir().join(format!("anchor-{}", uuid::Uuid::new_v4()));
    let store = server::files::local::LocalStore::new(dir.clone(), [5; 32]);
    assert_eq!(
        audit_chain::check_anchor(&db, &store, &keys).await.unwrap(),
        AnchorCheck::Missing
    );
    for n in 0..4 {
        audited_admin(&db, &format!("anchored{n}@example.com")).await;
    }
    let anchor = audit_chain::anchor(&db, &store, &keys)
        .await
        .unwrap()
        .expect("a head to anchor");
    assert_eq!(
        audit_chain::check_anchor(&db, &store, &keys).await.unwrap(),
        AnchorCheck::Holds { id: anchor.id }
    );

    // A key that did not sign the anchor does not accept it.
    let other = ChainKeys::new(vec![("test1".into(), [18u8; 32])]).unwrap();
    assert_eq!(
        audit_chain::check_anchor(&db, &store, &other)
            .await
            .unwrap(),
        AnchorCheck::Forged
    );

    // An older anchor put back over the latest (to hide a cut since) is reported.
    let hash: Vec<u8> = sqlx::query_scalar("select hash from audit_log where id = $1")
        .bind(anchor.id)
        .fetch_one(&db)
        .await
        .unwrap();
    let at = time::OffsetDateTime::now_utc().unix_timestamp() - 3 * 86_400;
    let old = audit_chain::Anchor {
        at,
        signature: caretrack::text::hex(&app::audit::chain::sign_anchor(
            &[17u8; 32],
            anchor.id,
            &hash,
            at,
        )),
        ..anchor
    };
    use app::files::ObjectStore;
    let fresh = store.get(audit_chain::LATEST_ANCHOR).await.unwrap();
    store
        .put(
            audit_chain::LATEST_ANCHOR,
            serde_json::to_vec(&old).unwrap(),
            "application/json",
        )
        .await
        .unwrap();
    assert_eq!(
        audit_chain::check_anchor(&db, &store, &keys).await.unwrap(),
        AnchorCheck::Stale {
            id: old.id,
            days: 3
        }
    );
    store
        .put(audit_chain::LATEST_ANCHOR, fresh, "application/json")
        .await
        .unwrap();

    // The owner removes the newest rows: what is left still chains, but the anchor
    // names a row that is gone.
    sqlx::query("alter table audit_log disable trigger audit_log_no_update")
        .execute(&db)
        .await
        .unwrap();
    sqlx::query("delete from audit_log where id >= $1")
        .bind(old.id - 1)
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(verify_audit_chain(&db).await.unwrap().first_broken, None);
    assert_eq!(
        audit_chain::check_anchor(&db, &store, &keys).await.unwrap(),
        AnchorCheck::Broken { id: old.id }
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_application_role_may_append_but_not_rewrite_history(db: PgPool) {
    common::use_test_chain_key();
    audited_admin(&db, "owner@example.com").await;
    let mut conn = db.acquire().await.unwrap();
    sqlx::query("set role caretrack_app")
        .execute(&mut *conn)
        .await
        .unwrap();
    // What the server does every day works as the role…
    let mut tx = sqlx::Connection::begin(&mut *conn).await.unwrap();
    app::audit::record(&mut tx, &Actor::default(), Entry::new("test.as_app_role"))
        .await
        .unwrap();
    sqlx::query("update users set last_login_at = now()")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // …and changing history or its guards is refused by PostgreSQL itself.
    for statement in [
        "update audit_log set action = 'users.nothing_to_see'",
        "delete from audit_log",
        "truncate audit_log",
        "alter table audit_log disable trigger audit_log_no_update",
        "drop trigger audit_log_chain on audit_log",
        "drop table sessions",
        "insert into _sqlx_migrations (version, description, success, checksum, execution_time) values (1, 'x', true, '\\x00', 0)",
    ] {
        let err = sqlx::query(statement)
            .execute(&mut *conn)
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("permission denied") || text.contains("must be owner"),
            "{statement}: {text}"
        );
    }
    sqlx::query("reset role").execute(&mut *conn).await.unwrap();
    assert_eq!(verify_audit_chain(&db).await.unwrap().first_broken, None);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_log_is_searchable_and_exports_as_csv_for_those_allowed(db: PgPool) {
    use app::admin_audit::{api::AuditFilter, ssr};
    use axum::{body::Body, http::Request};
    let state = common::state_with(db.clone(), &common::redis_url());
    audited_admin(&db, "alex@example.com").await;
    audited_admin(&db, "=cmd@example.com").await;
    let everything = ssr::search(&db, &AuditFilter::default(), 1).await.unwrap();
    assert_eq!(everything.total, 2);
    let by_action = AuditFilter {
        action: "users.".into(),
        ..Default::default()
    };
    assert_eq!(ssr::search(&db, &by_action, 1).await.unwrap().total, 2);
    let none = AuditFilter {
        action: "auth.".into(),
        ..Default::default()
    };
    assert_eq!(ssr::search(&db, &none, 1).await.unwrap().total, 0);
    let backwards = AuditFilter {
        from: "2026-11-21".into(),
        to: "2026-11-01".into(),
        ..Default::default()
    };
    assert!(ssr::search(&db, &backwards, 1).await.is_err());
    let unknown_person = AuditFilter {
        user: "nobody@example.com".into(),
        ..Default::default()
    };
    assert_eq!(ssr::search(&db, &unknown_person, 1).await.unwrap().total, 0);

    let router = server::startup::build_router(state.clone());
    let token_for = |role: caretrack::Role| {
        let state = state.clone();
        async move {
            let id: sqlx::types::Uuid = sqlx::query_scalar(
                "insert into users (email, role, password_hash) values ($1, $2::text::user_role, 'x') returning id",
            )
            .bind(format!("{}-{}@example.com", role.as_str().to_lowercase(), sqlx::types::Uuid::new_v4().simple()))
            .bind(role.as_str())
            .fetch_one(&state.db)
            .await
            .unwrap();
            app::auth::sessions::start(&state, id, role, &Default::default())
                .await
                .unwrap()
                .access_token
        }
    };
    let csv = |token: String| {
        Request::get("/api/v1/admin/audit.csv?action=users.")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap()
    };
    let refused = common::send(router.clone(), csv(token_for(caretrack::Role::Carer).await)).await;
    assert_eq!(refused.status, 403);
    let viewer = common::send(
        router.clone(),
        csv(token_for(caretrack::Role::Viewer).await),
    )
    .await;
    assert_eq!(viewer.status, 200, "{}", viewer.body);
    assert!(
        viewer.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let lines: Vec<&str> = viewer.body.lines().collect();
    assert_eq!(
        lines[0],
        "id,occurred_at_utc,actor_email,actor_role,ip,user_agent,action,entity_type,entity_id,before,after"
    );
    assert_eq!(lines.len(), 3, "{}", viewer.body);
    assert!(
        lines.iter().all(|line| !line.contains(",=cmd")),
        "formulas are defused: {}",
        viewer.body
    );
    let exported: i64 =
        sqlx::query_scalar("select count(*) from audit_log where action = 'audit.export'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(exported, 1, "the export is itself audited");
}
