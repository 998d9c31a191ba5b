//! A person's live sessions as the device list shows them.

use crate::{error::AppError, state::AppState};
use serde::{Deserialize, Serialize};
use sqlx::types::Uuid;
use time::OffsetDateTime;

/// A row of "Your devices".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct SessionInfo {
    pub id: Uuid,
    pub device_label: String,
    pub ip: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ssr", schemars(with = "caretrack::schema::DateTime"))]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ssr", schemars(with = "caretrack::schema::DateTime"))]
    pub last_seen_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ssr", schemars(with = "caretrack::schema::DateTime"))]
    pub expires_at: OffsetDateTime,
    pub current: bool,
}

/// A user's live sessions, newest first.
#[tracing::instrument(skip_all)]
pub async fn list_live(
    state: &AppState,
    user_id: Uuid,
    current: Option<Uuid>,
) -> Result<Vec<SessionInfo>, AppError> {
    let rows = sqlx::query!(
        "select id, device_label, host(ip) as ip, created_at, last_seen_at, expires_at
           from sessions
          where user_id = $1 and revoked_at is null and expires_at > now()
          order by created_at desc",
        user_id
    )
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| SessionInfo {
            current: Some(row.id) == current,
            id: row.id,
            device_label: row.device_label,
            ip: row.ip,
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            expires_at: row.expires_at,
        })
        .collect())
}
