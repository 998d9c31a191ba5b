//! Server functions for signing in and out from the browser (cookies), and for who is
//! signed in.

use crate::error::AppError;
use caretrack::Role;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in person, as the header and home pages show them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub email: String,
    pub role: Role,
    pub display_name: String,
}

/// Signs in with an email and password, sets the session cookies and sends the browser
/// to the role's home page.
#[server(endpoint = "sign_in", client = crate::csrf::CsrfClient)]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    use crate::auth::{cookies::token_cookies, login::login, request_meta};
    let state = crate::state::app_state()?;
    let (tokens, user) =
        crate::error::with_status(login(&state, &email, &password, &request_meta()).await)?;
    let response = expect_context::<leptos_axum::ResponseOptions>();
    for cookie in token_cookies(&tokens, state.auth.secure_cookies) {
        response.append_header(axum::http::header::SET_COOKIE, cookie);
    }
    leptos_axum::redirect(user.role.home_path());
    Ok(())
}

/// Ends this browser's session and clears its cookies.
#[server(endpoint = "sign_out", client = crate::csrf::CsrfClient)]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::auth::{cookies::cleared_cookies, current_user, request_meta, sessions};
    let state = crate::state::app_state()?;
    if let Ok(user) = current_user() {
        let meta = request_meta();
        let actor = crate::audit::Actor::user(&user, meta.ip, meta.user_agent);
        sessions::revoke(&state, user.session_id, "SIGNED_OUT", &actor).await?;
    }
    let response = expect_context::<leptos_axum::ResponseOptions>();
    for cookie in cleared_cookies(state.auth.secure_cookies) {
        response.append_header(axum::http::header::SET_COOKIE, cookie);
    }
    leptos_axum::redirect("/login");
    Ok(())
}

/// Who is signed in on this browser, if anyone.
#[server(endpoint = "whoami", client = crate::csrf::CsrfClient)]
pub async fn whoami() -> Result<Option<Me>, AppError> {
    let Ok(user) = crate::auth::current_user() else {
        return Ok(None);
    };
    let state = crate::state::app_state()?;
    let row = sqlx::query!(
        r#"select u.email, p.first_name as "first_name?", p.last_name as "last_name?"
             from users u left join user_profiles p on p.user_id = u.id where u.id = $1"#,
        user.user_id
    )
    .fetch_one(&state.db)
    .await?;
    let display_name = match (row.first_name, row.last_name) {
        (Some(first), Some(last)) => format!("{first} {last}"),
        _ => row.email.clone(),
    };
    Ok(Some(Me {
        email: row.email,
        role: user.role,
        display_name,
    }))
}
