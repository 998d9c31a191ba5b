//! The rota editor's parts (the page itself is `super::editor_page`).

mod editing;
mod grid;
mod panels;
mod slot_cell;
mod slot_plan;
mod slot_tools;

pub(super) use grid::Editor;
