//! `GET /api/v1/admin/audit.csv`: the audit log (filtered like the page) as CSV,
//! streamed a thousand rows at a time. The export is itself audited.

use super::{
    exports::{audit_export, csv_attachment, dated},
    extract::QueryParams,
};
use crate::api::extract::Acting;
use app::{
    admin_audit::{api::AuditFilter, ssr},
    error::AppError,
    state::AppState,
};
use axum::{body::Body, extract::State, response::Response};

pub async fn export(
    State(state): State<AppState>,
    Acting { actor, .. }: Acting,
    QueryParams(filter): QueryParams<AuditFilter>,
) -> Result<Response, AppError> {
    // Refuse bad filters as JSON, before the CSV starts.
    ssr::criteria(&state.db, &filter).await?;
    audit_export(
        &state,
        &actor,
        "audit.export",
        serde_json::to_value(&filter).unwrap_or_default(),
    )
    .await?;

    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel::<String>();
    let db = state.db.clone();
    tokio::spawn(async move {
        if let Err(err) = ssr::export_csv(&db, &filter, |chunk| {
            let _ = sender.send(chunk);
        })
        .await
        {
            tracing::error!(error = %err, "audit export stopped part-way");
        }
    });
    let body = futures::stream::unfold(receiver, |mut receiver| async move {
        receiver
            .recv()
            .await
            .map(|chunk| (Ok::<_, std::io::Error>(chunk), receiver))
    });
    Ok(csv_attachment(&dated("audit"), Body::from_stream(body)))
}

/// This feature's REST routes: who may call each, and its documentation (`super::api`).
pub(super) fn routes(api: super::Api) -> super::Api {
    use super::Access;
    use super::openapi::{ADMIN, Doc, Query, Reply};
    use axum::routing::get;
    use caretrack::permissions::Permission;
    api.route(
        "GET",
        "/api/v1/admin/audit.csv",
        Access::Permission(Permission::ViewAudit),
        get(export),
        Doc::new(ADMIN, "The audit log as CSV", Reply::Csv).query(&[
            Query {
                name: "user",
                kind: "string",
                required: false,
                description: "The actor's email address",
            },
            Query {
                name: "action",
                kind: "string",
                required: false,
                description: "An action or its start, e.g. `auth.`",
            },
            Query {
                name: "entity_type",
                kind: "string",
                required: false,
                description: "e.g. user",
            },
            Query {
                name: "from",
                kind: "string",
                required: false,
                description: "YYYY-MM-DD, inclusive",
            },
            Query {
                name: "to",
                kind: "string",
                required: false,
                description: "YYYY-MM-DD, inclusive",
            },
        ]),
    )
}
