//! Email through a real SMTP server (Debian's aiosmtpd, started per test), the retry and
//! failure path, and the development mailbox.

use crate::common;

use app::mail::{Email, Invitation, enqueue_email};
use caretrack::{EmailAddress, retry::RetryPolicy};
use server::{
    jobs::{Registry, worker::WorkerConfig},
    mail::{Brand, Mailer, send_queued_email},
};
use sqlx::{PgPool, types::Uuid};
use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::Arc,
    time::Duration,
};

/// A real SMTP server that stores what it receives in a Maildir.
struct SmtpServer {
    port: u16,
    maildir: PathBuf,
    child: Child,
}

impl SmtpServer {
    fn start() -> Self {
        let port = common::free_port();
        let maildir = std::env::temp_dir().join(format!("caretrack-smtp-{}", Uuid::new_v4()));
        let child = Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd is installed by scripts/bootstrap.sh (python3-aiosmtpd)");
        common::wait_for_port(port, "aiosmtpd");
        Self {
            port,
            maildir,
            child,
        }
    }

    fn messages(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else {
            return Vec::new();
        };
        entries
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.maildir);
    }
}

fn brand() -> Brand {
    Brand {
        organisation_name: "Sunrise Care".into(),
        logo_url: String::new(),
    }
}

fn from() -> lettre::message::Mailbox {
    "Sunrise Care <rota@sunrise.example>".parse().unwrap()
}

fn invitation() -> Email {
    Email::Invitation(Invitation {
        invitee_name: "Sam Okafor".into(),
        inviter_name: "Alex Morgan".into(),
        role: "a care worker".into(),
        accept_url: "https://care.example/i/abc".into(),
        expires_on: "28 Nov 2026".into(),
    })
}

fn fast_worker() -> WorkerConfig {
    WorkerConfig {
        poll_interval: Duration::from_millis(100),
        retry: RetryPolicy {
            base: time::Duration::milliseconds(10),
            cap: time::Duration::milliseconds(30),
            max_attempts: 8,
        },
        ..WorkerConfig::new(2)
    }
}

async fn run_worker_until(db: &PgPool, mailer: Arc<Mailer>, sql: &str) -> bool {
    common::work_until(
        common::state_with(db.clone(), &common::redis_url()),
        Registry::standard(mailer, None, None),
        fast_worker(),
        sql,
    )
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn queued_emails_are_delivered_through_a_real_smtp_server(db: PgPool) {
    let smtp = SmtpServer::start();
    let mailer = Arc::new(
        Mailer::smtp(&format!("smtp://127.0.0.1:{}", smtp.port), from(), brand()).unwrap(),
    );
    let to = EmailAddress::parse("Sam@Example.com").unwrap();
    let mut tx = db.begin().await.unwrap();
    let id = enqueue_email(&mut tx, &to, &invitation()).await.unwrap();
    tx.commit().await.unwrap();

    let sent = run_worker_until(
        &db,
        mailer.clone(),
        "select bool_and(status = 'SENT') from email_messages",
    )
    .await;
    assert!(sent, "the email was not marked sent");
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    let message_id: String =
        sqlx::query_scalar("select message_id from email_messages where id = $1")
            .bind(id)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(message_id, format!("<{id}@sunrise.example>"));
    assert!(
        message.contains(&format!("Message-ID: {message_id}")),
        "{message}"
    );
    assert!(message.contains("Subject: You're invited to join Sunrise Care on CareTrack Pro"));
    assert!(message.contains("To: sam@example.com"));
    assert!(
        message.contains("From: \"Sunrise Care\" <rota@sunrise.example>")
            || message.contains("From: Sunrise Care <rota@sunrise.example>"),
        "{message}"
    );
    assert!(message.contains("multipart/alternative"));
    assert!(message.contains("text/html"));
    assert!(message.contains("Accept your invitation and choose your password:"));

    // Sending an email already marked sent does nothing (no duplicate delivery).
    send_queued_email(&db, &mailer, id, false).await.unwrap();
    assert_eq!(smtp.messages().len(), 1);

    // The link it carried does not wait in the database after it is sent.
    let payload: serde_json::Value =
        sqlx::query_scalar("select payload from email_messages where id = $1")
            .bind(id)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(payload, serde_json::json!({}));
}

#[sqlx::test(migrations = "../migrations")]
async fn an_unreachable_smtp_server_is_retried_then_the_email_fails(db: PgPool) {
    let mailer = Arc::new(
        Mailer::smtp(
            &format!("smtp://127.0.0.1:{}", common::free_port()),
            from(),
            brand(),
        )
        .unwrap(),
    );
    let mut conn = db.acquire().await.unwrap();
    let to = EmailAddress::parse("sam@example.com").unwrap();
    let id = enqueue_email(&mut conn, &to, &invitation()).await.unwrap();
    drop(conn);

    let failed = run_worker_until(
        &db,
        mailer,
        "select bool_and(status = 'FAILED') from email_messages",
    )
    .await;
    assert!(failed, "the email never failed");
    let (attempts, last_error): (i32, String) =
        sqlx::query_as("select attempts, last_error from email_messages where id = $1")
            .bind(id)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(attempts, 8);
    assert!(
        last_error.starts_with("SMTP delivery failed"),
        "{last_error}"
    );
    let job_status: String =
        sqlx::query_scalar("select status::text from jobs where kind = 'email.send'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(job_status, "DEAD");
    let payload: serde_json::Value =
        sqlx::query_scalar("select payload from email_messages where id = $1")
            .bind(id)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_ne!(
        payload,
        serde_json::json!({}),
        "kept, so the dead job can be retried"
    );
    // A week later the hourly cleanup clears its links (the row's update time is set
    // back with its trigger off, as a week passing would leave it).
    for statement in [
        "alter table email_messages disable trigger email_messages_updated_at",
        "update email_messages set updated_at = now() - interval '8 days'",
        "alter table email_messages enable trigger email_messages_updated_at",
    ] {
        sqlx::query(statement).execute(&db).await.unwrap();
    }
    server::jobs::scheduler::clean_up_expired_credentials(&db)
        .await
        .unwrap();
    let payload: serde_json::Value =
        sqlx::query_scalar("select payload from email_messages where id = $1")
            .bind(id)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(
        payload,
        serde_json::json!({}),
        "a week after failing, no link is kept"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_dev_mailbox_lists_emails_written_to_files(db: PgPool) {
    let dir = std::env::temp_dir().join(format!("caretrack-mailbox-{}", Uuid::new_v4()));
    let mailer = Mailer::directory(dir.clone(), from(), brand());
    let mut conn = db.acquire().await.unwrap();
    let to = EmailAddress::parse("sam@example.com").unwrap();
    let id = enqueue_email(&mut conn, &to, &invitation()).await.unwrap();
    drop(conn);
    let payload: serde_json::Value =
        sqlx::query_scalar("select payload from email_messages where id = $1")
            .bind(id)
            .fetch_one(&db)
            .await
            .unwrap();
    send_queued_email(&db, &mailer, id, false).await.unwrap();
    // A retry (the message went out but was not recorded: the row is as it was) overwrites
    // the same file rather than adding one.
    sqlx::query(
        "update email_messages set status = 'QUEUED', sent_at = null, payload = $2 where id = $1",
    )
    .bind(id)
    .bind(payload)
    .execute(&db)
    .await
    .unwrap();
    send_queued_email(&db, &mailer, id, false).await.unwrap();
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);

    let router = server::startup::build_router_with(
        common::state_with(db.clone(), &common::redis_url()),
        server::startup::RouterExtras {
            dev_mailbox: Some(server::mail::dev_mailbox::DevMailbox(dir.clone())),
            ..Default::default()
        },
    );
    let list = common::get(router.clone(), "/dev/mailbox").await;
    assert_eq!(list.status, axum::http::StatusCode::OK);
    assert!(
        list.body
            .contains("You&#x27;re invited to join Sunrise Care")
            || list
                .body
                .contains("You&#39;re invited to join Sunrise Care"),
        "{}",
        list.body
    );
    let one = common::get(router.clone(), &format!("/dev/mailbox/{id}.eml")).await;
    assert_eq!(one.status, axum::http::StatusCode::OK);
    assert!(
        one.body
            .contains(&format!("Message-ID: <{id}@sunrise.example>"))
    );
    for sneaky in [
        "/dev/mailbox/..%2F..%2Fetc%2Fpasswd",
        "/dev/mailbox/x.txt",
        "/dev/mailbox/.eml",
    ] {
        assert_eq!(
            common::get(router.clone(), sneaky).await.status,
            axum::http::StatusCode::NOT_FOUND,
            "{sneaky}"
        );
    }
    // Without the file mailer (production, or SMTP configured) the page is not there.
    let plain = common::get(common::app(db), "/dev/mailbox").await;
    assert_eq!(plain.status, axum::http::StatusCode::NOT_FOUND);
    let _ = std::fs::remove_dir_all(dir);
}
