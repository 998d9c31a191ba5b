//! Who is signed in, asked once per navigation by the layout and shared with every page
//! through context (pages do not ask again).

use super::api::Me;
use crate::error::AppError;
use caretrack::permissions::Permission;
use leptos::prelude::*;

/// The layout's answer to "who is signed in?".
#[derive(Clone, Copy)]
pub struct CurrentMe(pub Resource<Result<Option<Me>, AppError>>);

/// Who is signed in (a resource: read it inside `Transition`).
pub fn use_me() -> Resource<Result<Option<Me>, AppError>> {
    expect_context::<CurrentMe>().0
}

/// Who is signed in as last known: a failed connection (offline) keeps the answer
/// before it, so a phone that loses its line does not forget whose it is.
pub fn known_me(me: Resource<Result<Option<Me>, AppError>>) -> Memo<Option<Me>> {
    Memo::new(move |before: Option<&Option<Me>>| match me.get() {
        Some(Ok(me)) => me,
        Some(Err(AppError::Transport(_))) | None => before.cloned().flatten(),
        Some(Err(_)) => None,
    })
}

/// Whether the signed-in person has `permission` (false while unknown or signed out);
/// for showing or hiding controls the server checks anyway.
pub fn use_can(permission: Permission) -> Signal<bool> {
    let me = use_me();
    Signal::derive(move || {
        me.get()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|me| me.role.can(permission))
    })
}
