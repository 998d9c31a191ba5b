//! Checking the audit log's chain (`server audit verify`) and anchoring its head outside
//! the database (the daily `audit.anchor` job).
//!
//! Each row is signed with a key the database never sees (`app::audit::chain`), so an
//! edited row, a forged one or a re-chained tail fails the walk. What signing alone
//! cannot show is rows cut off the end: the chain up to the cut still verifies. So once
//! a day the head (the last row's id and hash) is written, signed, to object storage
//! beside the uploads, and the walk checks that the anchored row is still there with
//! the anchored hash. An anchor more than two days old is reported too (the job has
//! stopped, or an old anchor was put back to hide a cut).

use crate::{ServerError, jobs::JobContext, jobs::JobFailure};
use app::{
    audit::chain::{self, ChainKeys},
    files::ObjectStore,
};
use caretrack::text::hex;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use std::net::IpAddr;

/// The scheduled job that anchors the chain's head.
pub const ANCHOR_KIND: &str = "audit.anchor";
/// Where the latest anchor is kept (each day's is kept too, under its date).
pub const LATEST_ANCHOR: &str = "audit-anchors/latest.json";

/// How long after the first signed row unsigned rows are still accepted: the previous
/// release, still serving while this one starts, writes them (the database chains them
/// by its digest). After that an unsigned row is a forgery.
const UPGRADE_WINDOW: time::Duration = time::Duration::HOUR;
/// An anchor older than this means the daily job has stopped, or an old one was put back.
const ANCHOR_MAX_AGE: time::Duration = time::Duration::days(2);

/// The result of walking the chain.
#[derive(Debug, PartialEq, Eq)]
pub struct ChainReport {
    pub rows: i64,
    /// The id of the first row whose hash does not match its content and predecessor.
    pub first_broken: Option<i64>,
    /// What the latest anchor says of the table (`None`: no anchor was checked).
    pub anchor: Option<AnchorCheck>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum AnchorCheck {
    /// The anchored row is there with the anchored hash.
    Holds { id: i64 },
    /// No anchor has been written yet.
    Missing,
    /// The anchor's own signature is wrong: it was not written by this server.
    Forged,
    /// The anchored row is gone or different: rows were cut off or rewritten.
    Broken { id: i64 },
    /// The latest anchor is more than two days old: the daily job is not running, or an
    /// older anchor was copied over the latest (which would hide rows cut off since).
    Stale { id: i64, days: i64 },
}

/// The chain's head at a moment, signed with the chain key.
#[derive(Debug, Serialize, Deserialize)]
pub struct Anchor {
    pub id: i64,
    /// Hex of the row's hash.
    pub hash: String,
    /// Unix seconds.
    pub at: i64,
    pub key_id: String,
    /// Hex of the signature over id, hash and time.
    pub signature: String,
}

/// Recomputes every row's hash from its content and the previous row's hash, in id
/// order, a page at a time; stops at the first mismatch. Rows signed by the server are
/// checked with their key; older rows with the database's own digest.
pub async fn verify(pool: &PgPool, keys: &ChainKeys) -> Result<ChainReport, ServerError> {
    const PAGE: i64 = 5_000;
    let mut after_id = 0i64;
    let mut previous: Option<Vec<u8>> = None;
    let mut rows = 0i64;
    // When the first signed row was written, and whether a signed row past the upgrade
    // window has been seen: from then on every row must be signed.
    let mut signing_began: Option<time::OffsetDateTime> = None;
    let mut window_closed = false;
    loop {
        let page = sqlx::query!(
            r#"select id, occurred_at, actor_id, actor_role::text as actor_role, host(ip) as ip,
                      user_agent, action, entity_type, entity_id, before, after, prev_hash, hash,
                      key_id, audit_log_digest(prev_hash, a) as "digest!"
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
                anchor: None,
            });
        };
        after_id = last.id;
        for row in page {
            rows += 1;
            let unsigned_too_late = match (row.key_id.is_some(), signing_began) {
                (true, None) => {
                    signing_began = Some(row.occurred_at);
                    false
                }
                (true, Some(began)) => {
                    window_closed |= row.occurred_at > began + UPGRADE_WINDOW;
                    false
                }
                (false, Some(began)) => window_closed || row.occurred_at > began + UPGRADE_WINDOW,
                (false, None) => false,
            };
            let expected = match row.key_id.as_deref() {
                _ if unsigned_too_late => None,
                None => Some(row.digest.clone()),
                Some(key_id) => keys.get(key_id).map(|key| {
                    let ip: Option<IpAddr> = row.ip.as_deref().and_then(|ip| ip.parse().ok());
                    let occurred_at =
                        i64::try_from(row.occurred_at.unix_timestamp_nanos() / 1000).unwrap_or(0);
                    chain::sign(
                        key,
                        row.prev_hash.as_deref(),
                        &chain::Row {
                            id: row.id,
                            occurred_at,
                            actor_id: row.actor_id,
                            actor_role: row.actor_role.as_deref(),
                            ip,
                            user_agent: row.user_agent.as_deref(),
                            action: &row.action,
                            entity_type: row.entity_type.as_deref(),
                            entity_id: row.entity_id.as_deref(),
                            before: row.before.as_ref(),
                            after: row.after.as_ref(),
                        },
                    )
                }),
            };
            // Old rows may skip ids (a rolled-back insert used one up); the hashes link.
            if row.prev_hash != previous || expected.as_ref() != Some(&row.hash) {
                return Ok(ChainReport {
                    rows,
                    first_broken: Some(row.id),
                    anchor: None,
                });
            }
            previous = Some(row.hash);
        }
    }
}

/// Checks the latest anchor in `store` against the table.
pub async fn check_anchor(
    pool: &PgPool,
    store: &dyn ObjectStore,
    keys: &ChainKeys,
) -> Result<AnchorCheck, ServerError> {
    let bytes = match store.get(LATEST_ANCHOR).await {
        Ok(bytes) => bytes,
        Err(app::files::StorageError::NotFound(_)) => return Ok(AnchorCheck::Missing),
        Err(err) => {
            return Err(ServerError::Refused(format!(
                "reading the audit anchor: {err}"
            )));
        }
    };
    let anchor: Anchor = serde_json::from_slice(&bytes)
        .map_err(|err| ServerError::Refused(format!("the audit anchor is not readable: {err}")))?;
    let Some(key) = keys.get(&anchor.key_id) else {
        return Ok(AnchorCheck::Forged);
    };
    let hash = unhex(&anchor.hash);
    if hex(&chain::sign_anchor(key, anchor.id, &hash, anchor.at)) != anchor.signature {
        return Ok(AnchorCheck::Forged);
    }
    let stored: Option<Vec<u8>> =
        sqlx::query_scalar!("select hash from audit_log where id = $1", anchor.id)
            .fetch_optional(pool)
            .await?;
    let age = time::OffsetDateTime::now_utc().unix_timestamp() - anchor.at;
    Ok(match stored {
        Some(stored) if stored != hash => AnchorCheck::Broken { id: anchor.id },
        None => AnchorCheck::Broken { id: anchor.id },
        Some(_) if age > ANCHOR_MAX_AGE.whole_seconds() => AnchorCheck::Stale {
            id: anchor.id,
            days: age / 86_400,
        },
        Some(_) => AnchorCheck::Holds { id: anchor.id },
    })
}

/// Writes the chain's head, signed, to `store` (as the latest anchor and as the day's).
/// An empty log has nothing to anchor.
pub async fn anchor(
    pool: &PgPool,
    store: &dyn ObjectStore,
    keys: &ChainKeys,
) -> Result<Option<Anchor>, String> {
    let head = sqlx::query!("select id, hash from audit_log order by id desc limit 1")
        .fetch_optional(pool)
        .await
        .map_err(|err| format!("reading the audit log's head: {err}"))?;
    let Some(head) = head else {
        return Ok(None);
    };
    let now = time::OffsetDateTime::now_utc();
    let (key_id, key) = keys.current();
    let at = now.unix_timestamp();
    let anchor = Anchor {
        id: head.id,
        hash: hex(&head.hash),
        at,
        key_id: key_id.to_owned(),
        signature: hex(&chain::sign_anchor(key, head.id, &head.hash, at)),
    };
    let body = serde_json::to_vec_pretty(&anchor).expect("an anchor serialises");
    let day = caretrack::days::text(caretrack::london::business_day(now));
    for key in [
        format!("audit-anchors/{day}.json"),
        LATEST_ANCHOR.to_owned(),
    ] {
        store
            .put(&key, body.clone(), "application/json")
            .await
            .map_err(|err| format!("writing the audit anchor: {err}"))?;
    }
    Ok(Some(anchor))
}

/// The `audit.anchor` job.
pub async fn run_anchor(ctx: JobContext) -> Result<(), JobFailure> {
    let keys = chain::keys().map_err(|err| err.to_string())?;
    let anchored = anchor(&ctx.state.db, &*ctx.state.files.store, keys).await?;
    if let Some(anchor) = anchored {
        tracing::info!(id = anchor.id, "audit chain anchored");
    }
    Ok(())
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len() / 2)
        .filter_map(|i| u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}
