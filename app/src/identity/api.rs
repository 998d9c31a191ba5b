//! Server functions for signing in and out from the browser (cookies), and for who is
//! signed in.

#[cfg(feature = "ssr")]
use crate::auth::door::serve_anyone;
use crate::error::AppError;
use caretrack::Role;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in person, as the header and home pages show them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Me {
    /// Whose logs kept offline on this device are theirs to send.
    pub user_id: caretrack::ids::UserId,
    pub email: String,
    pub role: Role,
    pub display_name: String,
}

/// Where signing in stands after the password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub enum SignInStep {
    /// Signed in; the browser is being sent home.
    Done,
    /// A code from the authenticator app is needed; answer with this token.
    Code { mfa_token: String },
}

/// Sets the session cookies and sends the browser to the role's home page (or, for a
/// care manager who must first set up two-step verification, to their account page).
#[cfg(feature = "ssr")]
async fn finish_sign_in(
    state: &crate::state::AppState,
    tokens: &crate::auth::sessions::IssuedTokens,
    user_id: sqlx::types::Uuid,
    role: Role,
) -> Result<(), AppError> {
    let response = expect_context::<leptos_axum::ResponseOptions>();
    for cookie in crate::auth::cookies::token_cookies(tokens, state.auth.secure_cookies) {
        response.append_header(axum::http::header::SET_COOKIE, cookie);
    }
    let user = crate::auth::CurrentUser {
        user_id,
        role,
        session_id: tokens.session_id,
    };
    let destination = if crate::auth::needs_two_factor_setup(state, &user).await? {
        "/account?two-factor=required"
    } else {
        role.home_path()
    };
    leptos_axum::redirect(destination);
    Ok(())
}

/// Signs in with an email and password.
#[server(endpoint = "sign_in", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn sign_in(email: String, password: String) -> Result<SignInStep, AppError> {
    serve_anyone(async || {
        use crate::auth::{
            login::{LoginOutcome, login},
            request_meta,
        };
        let state = crate::state::app_state()?;
        match login(&state, &email, &password, &request_meta()).await? {
            LoginOutcome::SignedIn(tokens, user) => {
                finish_sign_in(&state, &tokens, user.id, user.role).await?;
                Ok(SignInStep::Done)
            }
            LoginOutcome::SecondStep { mfa_token } => Ok(SignInStep::Code { mfa_token }),
        }
    })
    .await
}

/// The second step of signing in: a code from the authenticator app or a backup code.
#[server(endpoint = "sign_in_second_step", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn sign_in_second_step(mfa_token: String, code: String) -> Result<(), AppError> {
    serve_anyone(async || {
        let state = crate::state::app_state()?;
        let meta = crate::auth::request_meta();
        let (tokens, user_id, role) =
            crate::auth::two_factor::answer_challenge(&state, &mfa_token, &code, &meta).await?;
        finish_sign_in(&state, &tokens, user_id, role).await
    })
    .await
}

/// Ends this browser's session and clears its cookies.
#[server(endpoint = "sign_out", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn sign_out() -> Result<(), AppError> {
    serve_anyone(async || {
        use crate::auth::{cookies::cleared_cookies, current_user, request_meta, sessions};
        let state = crate::state::app_state()?;
        if let Ok(user) = current_user() {
            let meta = request_meta();
            let actor = crate::audit::Actor::user(&user, &meta);
            sessions::revoke(&state, user.session_id, "SIGNED_OUT", &actor).await?;
        }
        let response = expect_context::<leptos_axum::ResponseOptions>();
        for cookie in cleared_cookies(state.auth.secure_cookies) {
            response.append_header(axum::http::header::SET_COOKIE, cookie);
        }
        leptos_axum::redirect("/login");
        Ok(())
    })
    .await
}

/// Who is signed in on this browser, if anyone.
#[server(endpoint = "whoami", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn whoami() -> Result<Option<Me>, AppError> {
    serve_anyone(async || {
        let Ok(user) = crate::auth::current_user() else {
            return Ok(None);
        };
        let state = crate::state::app_state()?;
        super::ssr::me(&state, &user).await.map(Some)
    })
    .await
}
