//! Server functions of live updates: who is online (care managers).

#[cfg(feature = "ssr")]
use crate::auth::door::{Caller, serve};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use caretrack::permissions::Permission;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A person with at least one open tab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnlinePerson {
    pub name: String,
    pub role: caretrack::Role,
}

/// Everyone online now, by name (presence keys expire 45 s after a socket's last
/// heartbeat).
#[server(endpoint = "who_is_online", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn who_is_online() -> Result<Vec<OnlinePerson>, AppError> {
    serve(Permission::ViewUsers, async |Caller { state, .. }| {
        let ids = super::bus::presence::online(&state.redis)
            .await
            .map_err(|err| {
                tracing::warn!(error = %err, "presence could not be read");
                AppError::Unavailable("Presence".into())
            })?;
        let rows = sqlx::query!(
            r#"select person_name(id) as "name!", role::text as "role!" from users
            where id = any($1) and deleted_at is null order by 1"#,
            &ids
        )
        .fetch_all(&state.db)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                Some(OnlinePerson {
                    name: row.name,
                    role: row.role.parse().ok()?,
                })
            })
            .collect())
    })
    .await
}
