//! Wire types and server function of the audit log page (care managers and viewers).

#[cfg(feature = "ssr")]
use crate::auth::door::{Caller, serve};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use caretrack::permissions::Permission;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const PAGE_SIZE: i64 = 50;

/// What to look for; empty fields match everything. Dates are UK calendar days.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    /// The actor's email address (exact, any case).
    pub user: String,
    /// An action or the start of one: `auth.` finds every security event.
    pub action: String,
    pub entity_type: String,
    /// `YYYY-MM-DD`, inclusive.
    pub from: String,
    /// `YYYY-MM-DD`, inclusive.
    pub to: String,
}

impl AuditFilter {
    /// The filter as a query string, for the CSV link.
    pub fn query(&self) -> String {
        let encode = caretrack::text::percent_encode;
        format!(
            "user={}&action={}&entity_type={}&from={}&to={}",
            encode(&self.user),
            encode(&self.action),
            encode(&self.entity_type),
            encode(&self.from),
            encode(&self.to)
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    /// UK time.
    pub when: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub ip: String,
    pub before: String,
    pub after: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub items: Vec<AuditRow>,
    pub total: i64,
    pub page: i64,
}

#[server(endpoint = "search_audit", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn search_audit(filter: AuditFilter, page: i64) -> Result<AuditPage, AppError> {
    serve(Permission::ViewAudit, async |Caller { state, .. }| {
        super::ssr::search(&state.db, &filter, page).await
    })
    .await
}
