//! Operator commands: `create-admin` (the first account of a new installation) and
//! `audit verify` (walk the audit log's hash chain).

use crate::ServerError;
use app::auth::passwords::PasswordHasher;
use caretrack::{EmailAddress, PersonName, password::check_password};
use sqlx::{PgPool, types::Uuid};

/// Creates an active care-manager account with a verified email. The password is read
/// from standard input (one line), so it never appears in the shell history or `ps`.
pub async fn create_admin(
    pool: &PgPool,
    hasher: std::sync::Arc<PasswordHasher>,
    email: &str,
    first_name: &str,
    last_name: &str,
    password: &str,
) -> Result<Uuid, ServerError> {
    let refuse = |message: String| ServerError::Refused(message);
    let email = EmailAddress::parse(email).map_err(|e| refuse(e.message))?;
    let first =
        PersonName::parse(first_name).map_err(|e| refuse(format!("first name: {}", e.message)))?;
    let last =
        PersonName::parse(last_name).map_err(|e| refuse(format!("last name: {}", e.message)))?;
    check_password(password, email.as_str()).map_err(|e| refuse(e.message))?;
    let hash = hasher.hash(password.to_owned()).await;

    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!(
        "insert into users (email, role, password_hash, email_verified_at)
         values ($1, 'ADMIN', $2, now())
         on conflict (email) do nothing
         returning id",
        email.as_str(),
        hash
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| refuse(format!("an account for {} already exists", email.as_str())))?;
    sqlx::query!(
        "insert into user_profiles (user_id, first_name, last_name) values ($1, $2, $3)",
        id,
        first.as_str(),
        last.as_str()
    )
    .execute(&mut *tx)
    .await?;
    app::audit::record(
        &mut tx,
        &app::audit::Actor::default(),
        app::audit::Entry::new("users.create_admin")
            .entity("user", id)
            .after(serde_json::json!({ "email": email.as_str(), "role": "ADMIN", "via": "command line" })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The result of walking the chain.
#[derive(Debug, PartialEq, Eq)]
pub struct ChainReport {
    pub rows: i64,
    /// The id of the first row whose hash does not match its content and predecessor.
    pub first_broken: Option<i64>,
}

/// Recomputes every row's hash from its content and the previous row's hash, in id
/// order, a page at a time; stops at the first mismatch.
pub async fn verify_audit_chain(pool: &PgPool) -> Result<ChainReport, ServerError> {
    const PAGE: i64 = 5_000;
    let mut after_id = 0i64;
    let mut previous: Option<Vec<u8>> = None;
    let mut rows = 0i64;
    loop {
        let page = sqlx::query!(
            r#"select id, hash, prev_hash, audit_log_digest(prev_hash, a) as "expected!"
                 from audit_log a where id > $1 order by id limit $2"#,
            after_id,
            PAGE
        )
        .fetch_all(pool)
        .await?;
        let Some(last) = page.last() else {
            return Ok(ChainReport {
                rows,
                first_broken: None,
            });
        };
        after_id = last.id;
        for row in page {
            rows += 1;
            if row.prev_hash != previous || row.hash != row.expected {
                return Ok(ChainReport {
                    rows,
                    first_broken: Some(row.id),
                });
            }
            previous = Some(row.hash);
        }
    }
}
