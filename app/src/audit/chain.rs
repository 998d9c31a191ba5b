//! The audit log's hash chain. Each row carries a keyed hash (HMAC-SHA256) of its own
//! content and of the row before's hash. The key lives outside the database
//! (`AUDIT_CHAIN_KEYS`), so someone who can write to the database, even its owner with
//! the guards switched off, cannot forge a row or re-chain the rows after an edit: only
//! the server can. Rows are appended under a transaction-scoped lock and take their id
//! under it, so the chain's order is the ids' order however many transactions append at
//! once. Rows written before the key existed carry no `key_id` and the database's own
//! unkeyed digest (`audit_log_digest`); `server audit verify` checks both kinds.
//!
//! The chain's head is anchored outside the table by the daily `audit.anchor` job (a
//! signed note of the last row's id and hash in object storage), so cutting rows off
//! the end is caught too.

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use sqlx::types::Uuid;
use std::{net::IpAddr, sync::OnceLock};

/// The keys the chain is signed with: the first signs new rows, the others still verify
/// the rows they signed.
pub struct ChainKeys {
    keys: Vec<(String, [u8; 32])>,
}

impl ChainKeys {
    pub fn new(keys: Vec<(String, [u8; 32])>) -> Result<Self, String> {
        if keys.is_empty() {
            return Err("at least one audit chain key is needed".into());
        }
        Ok(Self { keys })
    }

    /// The key new rows are signed with, and its id.
    pub fn current(&self) -> (&str, &[u8; 32]) {
        let (id, key) = &self.keys[0];
        (id, key)
    }

    pub fn get(&self, id: &str) -> Option<&[u8; 32]> {
        self.keys.iter().find(|(k, _)| k == id).map(|(_, key)| key)
    }
}

static KEYS: OnceLock<ChainKeys> = OnceLock::new();

/// Sets the process's chain keys, once, at start (every command that writes to the
/// database does it before its first audit record). A second call keeps the first keys.
pub fn configure(keys: ChainKeys) {
    let _ = KEYS.set(keys);
}

/// The process's chain keys, or a configuration error: an audit record is never
/// written unsigned.
pub fn keys() -> Result<&'static ChainKeys, sqlx::Error> {
    KEYS.get().ok_or_else(|| {
        sqlx::Error::Configuration(
            "the audit chain key is not configured (AUDIT_CHAIN_KEYS)".into(),
        )
    })
}

/// One row's content, as it is signed.
#[derive(Clone, Debug)]
pub struct Row<'a> {
    pub id: i64,
    /// Microseconds since the Unix epoch (the database keeps microseconds).
    pub occurred_at: i64,
    pub actor_id: Option<Uuid>,
    pub actor_role: Option<&'a str>,
    pub ip: Option<IpAddr>,
    pub user_agent: Option<&'a str>,
    pub action: &'a str,
    pub entity_type: Option<&'a str>,
    pub entity_id: Option<&'a str>,
    pub before: Option<&'a Value>,
    pub after: Option<&'a Value>,
}

/// The keyed hash of `row` following a row whose hash was `prev`. Every field is
/// length-prefixed (absent and empty differ), and JSON is written canonically (keys in
/// order), so the hash read back from `jsonb` is the hash written.
pub fn sign(key: &[u8; 32], prev: Option<&[u8]>, row: &Row<'_>) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(b"caretrack audit row v1");
    let mut field = |value: Option<&[u8]>| match value {
        None => mac.update(&[0]),
        Some(bytes) => {
            mac.update(&[1]);
            mac.update(&(bytes.len() as u64).to_be_bytes());
            mac.update(bytes);
        }
    };
    field(prev);
    field(Some(&row.id.to_be_bytes()));
    field(Some(&row.occurred_at.to_be_bytes()));
    field(row.actor_id.as_ref().map(|id| id.as_bytes().as_slice()));
    field(row.actor_role.map(str::as_bytes));
    let ip = row.ip.map(|ip| ip.to_string());
    field(ip.as_deref().map(str::as_bytes));
    field(row.user_agent.map(str::as_bytes));
    field(Some(row.action.as_bytes()));
    field(row.entity_type.map(str::as_bytes));
    field(row.entity_id.map(str::as_bytes));
    let before = row.before.map(canonical);
    field(before.as_deref().map(str::as_bytes));
    let after = row.after.map(canonical);
    field(after.as_deref().map(str::as_bytes));
    mac.finalize().into_bytes().to_vec()
}

/// The signature of an anchor: the chain's head (`id`, `hash`) as seen at `at` (Unix
/// seconds).
pub fn sign_anchor(key: &[u8; 32], id: i64, hash: &[u8], at: i64) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(b"caretrack audit anchor v1");
    mac.update(&id.to_be_bytes());
    mac.update(&(hash.len() as u64).to_be_bytes());
    mac.update(hash);
    mac.update(&at.to_be_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// A short keyed fingerprint of something a visitor typed (an address that may be a
/// mistyped password): the same text always gives the same fingerprint, so repeated
/// attempts can be matched, but the text cannot be guessed back without the key.
pub fn fingerprint(text: &str) -> Result<String, sqlx::Error> {
    let (_, key) = keys()?.current();
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(b"caretrack audit fingerprint v1");
    mac.update(text.as_bytes());
    Ok(caretrack::text::hex(&mac.finalize().into_bytes()[..8]))
}

/// JSON with object keys in byte order and no spaces: the same text for the same value
/// whatever order the keys were inserted or stored in.
fn canonical(value: &Value) -> String {
    fn write(value: &Value, out: &mut String) {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
                out.push('{');
                for (i, (key, value)) in entries.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(key.clone()).to_string());
                    out.push(':');
                    write(value, out);
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            scalar => out.push_str(&scalar.to_string()),
        }
    }
    let mut out = String::new();
    write(value, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row<'a>(after: Option<&'a Value>) -> Row<'a> {
        Row {
            id: 7,
            occurred_at: 1_765_000_000_123_456,
            actor_id: None,
            actor_role: Some("ADMIN"),
            ip: Some("10.1.2.3".parse().unwrap()),
            user_agent: Some("Firefox"),
            action: "users.invite",
            entity_type: Some("user"),
            entity_id: Some("42"),
            before: None,
            after,
        }
    }

    #[test]
    fn the_hash_covers_every_field_the_key_and_the_row_before() {
        let key = [9u8; 32];
        let after = json!({ "role": "CARER", "email": "a@example.com" });
        let base = sign(&key, Some(b"prev"), &row(Some(&after)));
        assert_eq!(base.len(), 32);
        assert_eq!(base, sign(&key, Some(b"prev"), &row(Some(&after))));
        assert_ne!(base, sign(&[8u8; 32], Some(b"prev"), &row(Some(&after))));
        assert_ne!(base, sign(&key, Some(b"other"), &row(Some(&after))));
        assert_ne!(base, sign(&key, None, &row(Some(&after))));
        let changed = json!({ "role": "ADMIN", "email": "a@example.com" });
        assert_ne!(base, sign(&key, Some(b"prev"), &row(Some(&changed))));
        let mut later = row(Some(&after));
        later.id = 8;
        assert_ne!(base, sign(&key, Some(b"prev"), &later));
        // Absent and empty are different values.
        let mut empty = row(Some(&after));
        empty.entity_id = Some("");
        let mut absent = row(Some(&after));
        absent.entity_id = None;
        assert_ne!(sign(&key, None, &empty), sign(&key, None, &absent));
    }

    #[test]
    fn json_is_hashed_the_same_whatever_its_key_order() {
        let a: Value = serde_json::from_str(r#"{"b":1,"a":{"y":[1,"x"],"x":null}}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"a":{"x":null,"y":[1,"x"]},"b":1}"#).unwrap();
        assert_eq!(canonical(&a), r#"{"a":{"x":null,"y":[1,"x"]},"b":1}"#);
        assert_eq!(canonical(&a), canonical(&b));
    }

    #[test]
    fn an_anchor_signs_the_head_and_the_time() {
        let key = [3u8; 32];
        let anchor = sign_anchor(&key, 10, b"hash", 1000);
        assert_eq!(anchor, sign_anchor(&key, 10, b"hash", 1000));
        assert_ne!(anchor, sign_anchor(&key, 11, b"hash", 1000));
        assert_ne!(anchor, sign_anchor(&key, 10, b"hasi", 1000));
        assert_ne!(anchor, sign_anchor(&key, 10, b"hash", 1001));
    }
}
