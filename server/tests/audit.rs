//! The audit log's tamper evidence, and the first-admin command.

mod common;

use server::admin_cli::{ChainReport, create_admin, verify_audit_chain};
use sqlx::PgPool;

async fn audited_admin(db: &PgPool, email: &str) {
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
            first_broken: None
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
}
