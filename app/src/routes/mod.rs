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
//! A lazy page is live only once its chunk has arrived and hydrated: `frontend` marks
//! the document hydrated when the whole of it has ([`crate::mark_hydrated`]).

pub mod office;
pub mod personal;
