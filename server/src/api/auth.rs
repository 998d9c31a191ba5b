//! `/api/v1/auth/*` and `/api/v1/me*`: signing in and out with bearer tokens.

use super::{
    SignedIn,
    extract::{JsonBody, PathId},
};
use crate::api::extract::Acting;
use crate::authn::bearer;
use app::{
    auth::{
        RequestMeta,
        cookies::{REFRESH_COOKIE, cleared_cookies, cookie},
        login::{self, LoginOutcome, SignedInUser},
        sessions::{self, IssuedTokens, RefreshOutcome, SessionInfo},
        tokens::ACCESS_TOKEN_LIFETIME,
        two_factor,
    },
    error::AppError,
    state::AppState,
};
use axum::{
    Extension, Json,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, schemars::JsonSchema)]
pub struct LoginRequest {
    email: String,
    password: String,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct TokenResponse {
    access_token: String,
    refresh_token: String,
    token_type: &'static str,
    /// Seconds until the access token expires.
    expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<SignedInUser>,
}

impl TokenResponse {
    fn new(tokens: IssuedTokens, user: Option<SignedInUser>) -> Self {
        Self {
            // Issued just now: the full lifetime.
            expires_in: ACCESS_TOKEN_LIFETIME.whole_seconds(),
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            token_type: "Bearer",
            user,
        }
    }
}

/// What a sign-in answers: tokens, or the second step.
#[derive(Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum LoginAnswer {
    SignedIn(TokenResponse),
    SecondStep(MfaRequired),
}

/// A code from the authenticator app (or a backup code) is needed next.
#[derive(Serialize, schemars::JsonSchema)]
pub struct MfaRequired {
    /// Always `true`.
    mfa_required: bool,
    /// Send with the code to `/api/v1/auth/mfa`.
    mfa_token: String,
}

/// `{access_token, …}`, or `{mfa_required: true, mfa_token}` when a code is needed next.
pub async fn login(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    JsonBody(body): JsonBody<LoginRequest>,
) -> Result<Json<LoginAnswer>, AppError> {
    Ok(Json(
        match login::login(&state, &body.email, &body.password, &meta).await? {
            LoginOutcome::SignedIn(tokens, user) => {
                LoginAnswer::SignedIn(TokenResponse::new(tokens, Some(user)))
            }
            LoginOutcome::SecondStep { mfa_token } => LoginAnswer::SecondStep(MfaRequired {
                mfa_required: true,
                mfa_token,
            }),
        },
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct MfaRequest {
    mfa_token: String,
    code: String,
}

/// The second step: a code from the authenticator app, or a backup code.
pub async fn mfa(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    JsonBody(body): JsonBody<MfaRequest>,
) -> Result<Json<TokenResponse>, AppError> {
    let (tokens, user_id, role) =
        two_factor::answer_challenge(&state, &body.mfa_token, &body.code, &meta).await?;
    let email = sqlx::query_scalar!("select email from users where id = $1", user_id)
        .fetch_one(&state.db)
        .await?;
    Ok(Json(TokenResponse::new(
        tokens,
        Some(SignedInUser {
            id: user_id,
            email,
            role,
        }),
    )))
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct RefreshRequest {
    refresh_token: String,
}

pub async fn refresh(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    JsonBody(body): JsonBody<RefreshRequest>,
) -> Result<Json<TokenResponse>, AppError> {
    let ip = meta.ip_key();
    app::auth::rate_limit::hit(&state, app::auth::rate_limit::REFRESH_PER_IP, &ip).await?;
    match sessions::refresh(&state, &body.refresh_token, &meta).await? {
        RefreshOutcome::Rotated(tokens, _) => Ok(Json(TokenResponse::new(tokens, None))),
        // API clients do not race themselves; a second use is treated as what it looks like.
        RefreshOutcome::Concurrent(_) | RefreshOutcome::Reused | RefreshOutcome::Invalid => {
            Err(AppError::Unauthenticated)
        }
    }
}

/// Ends the current session (bearer or cookie) and clears the cookies.
pub async fn logout(
    State(state): State<AppState>,
    Acting { user, actor }: Acting,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    sessions::revoke(&state, user.session_id, "SIGNED_OUT", &actor).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    if bearer(&headers).is_none() || cookie(&headers, REFRESH_COOKIE).is_some() {
        for value in cleared_cookies(state.auth.secure_cookies) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    Ok(response)
}

pub async fn me(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
) -> Result<Json<SignedInUser>, AppError> {
    let me = app::identity::ssr::me(&state, &user).await?;
    Ok(Json(SignedInUser {
        id: user.user_id,
        email: me.email,
        role: user.role,
    }))
}

pub async fn my_sessions(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
) -> Result<Json<Vec<SessionInfo>>, AppError> {
    Ok(Json(
        sessions::list_live(&state, user.user_id, Some(user.session_id)).await?,
    ))
}

pub async fn revoke_my_session(
    State(state): State<AppState>,
    Acting { user, actor }: Acting,
    PathId(id): PathId,
) -> Result<StatusCode, AppError> {
    sessions::sign_out_own(&state, &user, id, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This feature's REST routes: who may call each, and its documentation (`super::api`).
pub(super) fn routes(api: super::Api) -> super::Api {
    use super::Access::Public;
    use super::openapi::{AUTH, Body, Doc, Reply};
    // One's own session and devices: open to a care manager who has still to set up
    // the two-step verification the organisation requires.
    let own_account =
        super::Access::Permission(caretrack::permissions::Permission::ManageOwnAccount);
    use axum::routing::{delete, get, post};
    api.route(
        "POST",
        "/api/v1/auth/login",
        Public,
        post(login),
        Doc::new(
            AUTH,
            "Sign in; answers with tokens, or asks for a second step",
            Reply::json::<LoginAnswer>(),
        )
        .body(Body::json::<LoginRequest>())
        .refused("The email or password is incorrect (the same answer for a locked account)"),
    )
    .route(
        "POST",
        "/api/v1/auth/mfa",
        Public,
        post(mfa),
        Doc::new(
            AUTH,
            "Second step: a code from the authenticator app or a backup code",
            Reply::json::<TokenResponse>(),
        )
        .body(Body::json::<MfaRequest>())
        .refused("The code or the sign-in attempt is not valid"),
    )
    .route(
        "POST",
        "/api/v1/auth/refresh",
        Public,
        post(refresh),
        Doc::new(
            AUTH,
            "New tokens for a refresh token (single use)",
            Reply::json::<TokenResponse>(),
        )
        .body(Body::json::<RefreshRequest>())
        .refused("The refresh token is unknown, used or expired (a reused one ends the session)"),
    )
    .route(
        "POST",
        "/api/v1/auth/logout",
        own_account,
        post(logout),
        Doc::new(AUTH, "End this session", Reply::NoContent),
    )
    .route(
        "GET",
        "/api/v1/me",
        own_account,
        get(me),
        Doc::new(AUTH, "Who is signed in", Reply::json::<SignedInUser>()),
    )
    .route(
        "GET",
        "/api/v1/me/sessions",
        own_account,
        get(my_sessions),
        Doc::new(
            AUTH,
            "Your live sessions (devices)",
            Reply::list::<SessionInfo>(),
        ),
    )
    .route(
        "DELETE",
        "/api/v1/me/sessions/{id}",
        own_account,
        delete(revoke_my_session),
        Doc::new(AUTH, "Sign one of your devices out", Reply::NoContent),
    )
    // Which purposes a role may upload is checked inside (caretrack::files::upload_permission).
}
