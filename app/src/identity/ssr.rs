//! Who is signed in, as both doors answer it (`whoami` and `GET /api/v1/me`).

use super::api::Me;
use crate::{auth::CurrentUser, error::AppError, state::AppState};

/// The signed-in user with their email and the name the pages greet them by (their
/// email until their profile has a name).
#[tracing::instrument(skip_all)]
pub async fn me(state: &AppState, user: &CurrentUser) -> Result<Me, AppError> {
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
    Ok(Me {
        user_id: user.user_id.into(),
        email: row.email,
        role: user.role,
        display_name,
    })
}
