//! `/api/v1/files`: uploads (the request body is the file, read with the purpose's size
//! limit and abandoned as soon as it is exceeded) and downloads (a redirect to a
//! short-lived presigned URL, after the ownership check).

use super::{
    SignedIn,
    extract::{PathId, QueryParams},
};
use app::{
    auth::{RequestMeta, authorize},
    error::AppError,
    files::{self, DownloadUrl, StoredFile, Upload, Viewer},
    state::AppState,
};
use axum::{
    Extension, Json,
    body::Body,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use caretrack::files::{FilePurpose, UploadRejection, check_size, upload_permission};
use serde::Deserialize;
use sqlx::types::Uuid;

#[derive(Deserialize)]
pub struct UploadQuery {
    purpose: String,
    /// The file's name on the uploader's device (shown again on download).
    name: Option<String>,
}

fn rejected(rejection: UploadRejection) -> AppError {
    AppError::validation("file", rejection.to_string())
}

pub async fn upload(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    SignedIn(user): SignedIn,
    QueryParams(query): QueryParams<UploadQuery>,
    headers: axum::http::HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<StoredFile>), AppError> {
    let purpose: FilePurpose = query
        .purpose
        .parse()
        .map_err(|_| AppError::validation("purpose", "Choose what the file is for."))?;
    let rules = check_size(purpose, 0).map_err(rejected)?;
    if let Some(permission) = upload_permission(purpose) {
        authorize(&state, &user, &meta, permission).await?;
    }
    // Counted before the body is read: each upload may be an image to decode.
    app::auth::rate_limit::hit(
        &state,
        app::auth::rate_limit::UPLOADS_PER_USER,
        &user.user_id.to_string(),
    )
    .await?;
    // Refuse at once when the client says it is too large; otherwise count while reading.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(size) = declared {
        check_size(purpose, size).map_err(rejected)?;
    }
    let limit = usize::try_from(rules.max_bytes).unwrap_or(usize::MAX);
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| {
        rejected(UploadRejection::TooLarge {
            purpose,
            limit: rules.max_bytes,
        })
    })?;
    let upload = Upload {
        owner: Some(user.user_id),
        purpose,
        original_name: query.name.unwrap_or_else(|| "file".into()),
        bytes: bytes.to_vec(),
    };
    let stored = files::upload(&state.db, &state.files, upload).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

async fn link(
    state: &AppState,
    user: app::auth::CurrentUser,
    id: Uuid,
) -> Result<DownloadUrl, AppError> {
    Ok(files::download_url(
        &state.db,
        &state.files,
        id,
        Viewer {
            user_id: user.user_id,
            role: user.role,
        },
    )
    .await?)
}

/// `GET /api/v1/files/{id}`: 303 to a presigned URL.
pub async fn download(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let link = link(&state, user, id).await?;
    Ok(Redirect::to(&link.url).into_response())
}

/// `GET /api/v1/files/{id}/url`: the presigned URL and when it expires, as JSON.
pub async fn download_url(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    PathId(id): PathId,
) -> Result<Json<DownloadUrl>, AppError> {
    Ok(Json(link(&state, user, id).await?))
}

/// This feature's REST routes: who may call each, and its documentation (`super::api`).
pub(super) fn routes(api: super::Api) -> super::Api {
    use super::Access::SignedIn;
    use super::openapi::{Body, Doc, FILES, Query, Reply};
    use axum::routing::{get, post};
    api.route(
        "POST",
        "/api/v1/files",
        SignedIn,
        post(upload),
        Doc::new(
            FILES,
            "Upload a file (JPEG, PNG or PDF); it is virus-scanned before anyone can download it",
            Reply::created::<StoredFile>(),
        )
        .body(Body::File)
        .query(&[
            Query {
                name: "purpose",
                kind: "string",
                required: true,
                description: "What the file is for, e.g. PROFILE_PHOTO",
            },
            Query {
                name: "name",
                kind: "string",
                required: false,
                description: "The file's name on your device",
            },
        ]),
    )
    .route(
        "GET",
        "/api/v1/files/{id}",
        SignedIn,
        get(download),
        Doc::new(FILES, "Download a file", Reply::Redirect),
    )
    .route(
        "GET",
        "/api/v1/files/{id}/url",
        SignedIn,
        get(download_url),
        Doc::new(
            FILES,
            "A short-lived download link",
            Reply::json::<DownloadUrl>(),
        ),
    )
}
