//! A package's week in the editor (`/admin/rota`): carers dragged onto its slots and
//! checked in the browser by the engine, drafts, and publishing (the server checks again,
//! and is authoritative).

pub mod api;
mod editor;
mod editor_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use editor_page::RotaPage;
