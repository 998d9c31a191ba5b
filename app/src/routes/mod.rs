//! Pages loaded the first time they are opened: lazy routes.
//!
//! `cargo leptos build --split` moves each one's view, with the code only it uses, into
//! a WASM chunk of its own, fetched when the route is entered (on a first load,
//! preloaded by the server's HTML). The main module holds what a carer opens first —
//! the shell, sign-in and the day's tasks (`/login`, `/carer`) — and the rest waits
//! until someone opens it: the office's pages ([`office`]) and everyone's others
//! ([`personal`]).
//!
//! Written out one by one: `#[lazy_route]` names each chunk by where it is written, so a
//! generating macro would give them all the same name.
//!
//! A lazy page is live only once its chunk has arrived and hydrated, so on a first load
//! it, not `App`, marks the document hydrated ([`page`]).

pub mod office;
pub mod personal;

use leptos::prelude::*;
use std::cell::Cell;

thread_local! {
    /// Set when a lazy route is entered; read in the browser by [`mark_hydrated_unless_lazy`].
    static LAZY_PAGE: Cell<bool> = const { Cell::new(false) };
}

/// A lazy route's `data()`: notes that the page being entered is lazy. The router calls
/// it as it matches the route, before any chunk is fetched.
fn lazy_page<T>(this: T) -> T {
    LAZY_PAGE.set(true);
    this
}

/// A lazy route's view: marks the document hydrated once it has been (effects run after
/// the view they are created with has hydrated, and only in the browser).
fn page(view: impl IntoView + 'static) -> AnyView {
    Effect::new(|_| mark_hydrated());
    view.into_any()
}

/// `App`'s mark, for a first load on a page in the main module: a lazy page marks the
/// document itself once its chunk has hydrated.
pub fn mark_hydrated_unless_lazy() {
    if !LAZY_PAGE.get() {
        mark_hydrated();
    }
}

/// Sets `data-hydrated` on the document's body: the page is live (people and end-to-end
/// tests can tell a static page from a live one).
fn mark_hydrated() {
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
