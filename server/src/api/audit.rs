//! `GET /api/v1/admin/audit.csv`: the audit log (filtered like the page) as CSV,
//! streamed a thousand rows at a time. The export is itself audited.

use super::{SignedIn, extract::QueryParams};
use app::{
    admin_audit::{api::AuditFilter, ssr},
    audit::{self, Actor, Entry},
    auth::RequestMeta,
    error::AppError,
    state::AppState,
};
use axum::{
    Extension,
    body::Body,
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};

pub async fn export(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    SignedIn(user): SignedIn,
    QueryParams(filter): QueryParams<AuditFilter>,
) -> Result<Response, AppError> {
    // Refuse bad filters as JSON, before the CSV starts.
    ssr::criteria(&state.db, &filter).await?;
    let mut conn = state.db.acquire().await?;
    audit::record(
        &mut conn,
        &Actor::user(&user, &meta),
        Entry::new("audit.export").after(serde_json::to_value(&filter).unwrap_or_default()),
    )
    .await?;
    drop(conn);

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
    let today = caretrack::london::business_day(time::OffsetDateTime::now_utc());
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"caretrack-audit-{today}.csv\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(body),
    )
        .into_response())
}
