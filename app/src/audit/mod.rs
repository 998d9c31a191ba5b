//! The audit trail: every security event and every data change, written on the same
//! transaction as the change (so there is no change without its record, and no record
//! of a change that rolled back). The table is append-only for the application's role
//! (`caretrack_app` may insert and read, nothing more) and each row is signed into a
//! chain with a key the database never sees (`chain`); `server audit verify` walks it.

pub mod chain;

use crate::auth::{CurrentUser, RequestMeta};
use caretrack::{
    Role,
    live::{Event, Room},
};
use serde_json::Value;
use sqlx::{PgConnection, types::Uuid};
use std::net::IpAddr;

/// Who did it and from where.
#[derive(Clone, Debug, Default)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub role: Option<Role>,
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

impl Actor {
    /// Someone (or, with `None`, a visitor) acting through the request `meta` describes.
    pub fn new(user_id: Option<Uuid>, role: Option<Role>, meta: &RequestMeta) -> Self {
        Self {
            user_id,
            role,
            ip: meta.ip,
            user_agent: meta.user_agent.clone(),
        }
    }

    /// The signed-in user acting through the request `meta` describes.
    pub fn user(user: &CurrentUser, meta: &RequestMeta) -> Self {
        Self::new(Some(user.user_id), Some(user.role), meta)
    }
}

/// One audit record. `action` is dotted lower-case, e.g. `auth.login_failed`.
#[derive(Clone, Debug)]
pub struct Entry<'a> {
    pub action: &'a str,
    pub entity_type: Option<&'a str>,
    pub entity_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl<'a> Entry<'a> {
    pub fn new(action: &'a str) -> Self {
        Self {
            action,
            entity_type: None,
            entity_id: None,
            before: None,
            after: None,
        }
    }

    pub fn entity(mut self, entity_type: &'a str, id: impl ToString) -> Self {
        self.entity_type = Some(entity_type);
        self.entity_id = Some(id.to_string());
        self
    }

    pub fn before(mut self, value: Value) -> Self {
        self.before = Some(value);
        self
    }

    pub fn after(mut self, value: Value) -> Self {
        self.after = Some(value);
        self
    }
}

/// Records `entry` on the transaction and commits it: the change and its record land
/// together or not at all (the way most services end).
pub async fn commit(
    mut tx: sqlx::Transaction<'_, sqlx::Postgres>,
    actor: &Actor,
    entry: Entry<'_>,
) -> Result<(), sqlx::Error> {
    record(&mut tx, actor, entry).await?;
    tx.commit().await
}

/// Appends a record on the caller's connection (normally its transaction). The chain's
/// lock is taken first and held to the end of the transaction; the row's id, its time
/// and the previous row's hash are read under it, so concurrent transactions append
/// one after another, in id order.
pub async fn record(
    conn: &mut PgConnection,
    actor: &Actor,
    entry: Entry<'_>,
) -> Result<(), sqlx::Error> {
    let keys = chain::keys()?;
    // User agents are free text from the client: keep them bounded.
    let user_agent = actor
        .user_agent
        .as_deref()
        .map(|ua| ua.chars().take(300).collect::<String>());
    // A transaction of its own (a savepoint inside the caller's): the chain's lock must
    // cover the read of the last row and the insert even on a bare connection.
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    sqlx::query("select pg_advisory_xact_lock(hashtext('audit_log_chain'))")
        .execute(&mut *tx)
        .await?;
    let last = sqlx::query!("select id, hash from audit_log order by id desc limit 1")
        .fetch_optional(&mut *tx)
        .await?;
    let (prev_id, prev_hash) = match last {
        Some(row) => (row.id, Some(row.hash)),
        None => (0, None),
    };
    // The database keeps microseconds: the time signed is the time stored.
    let now = time::OffsetDateTime::now_utc();
    let occurred_at = now
        .replace_nanosecond(now.nanosecond() / 1000 * 1000)
        .unwrap_or(now);
    let row = chain::Row {
        id: prev_id + 1,
        occurred_at: i64::try_from(occurred_at.unix_timestamp_nanos() / 1000).unwrap_or(i64::MAX),
        actor_id: actor.user_id,
        actor_role: actor.role.map(Role::as_str),
        ip: actor.ip,
        user_agent: user_agent.as_deref(),
        action: entry.action,
        entity_type: entry.entity_type,
        entity_id: entry.entity_id.as_deref(),
        before: entry.before.as_ref(),
        after: entry.after.as_ref(),
    };
    let (key_id, key) = keys.current();
    let hash = chain::sign(key, prev_hash.as_deref(), &row);
    sqlx::query!(
        "insert into audit_log (id, occurred_at, actor_id, actor_role, ip, user_agent, action, entity_type,
                                entity_id, before, after, prev_hash, hash, key_id)
         overriding system value
         values ($1, $2, $3, $4::text::user_role, $5::text::inet, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        row.id,
        occurred_at,
        actor.user_id,
        row.actor_role,
        actor.ip.map(|ip| ip.to_string()),
        user_agent,
        entry.action,
        entry.entity_type,
        entry.entity_id,
        entry.before,
        entry.after,
        prev_hash,
        hash,
        key_id,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    // The live feed of those who may read the log; sent once the record commits.
    crate::live::bus::emit_to(
        [Room::Role(Role::Admin), Room::Role(Role::Viewer)],
        &Event::AuditAppended {
            action: entry.action.to_owned(),
        },
    );
    Ok(())
}
