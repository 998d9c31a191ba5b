//! Pages loaded the first time they are opened: lazy routes, in a few groups.
//!
//! `cargo leptos build --split` moves each group's views, with the code only they use,
//! into a WASM chunk of its own, fetched when one of its routes is entered (on a first
//! load, when the main module hydrates the page: see [`crate::hydration`]). The main module holds what a carer opens
//! first — the shell, sign-in and the day's tasks (`/login`, `/carer`) — and the rest
//! waits until someone opens it: everyone's other pages ([`personal`]), the office's
//! ([`office`]), its assessment work and its rota editor.
//!
//! A group is one split point (a `#[lazy]` function choosing the page), not one per
//! page: wasm-split gives every combination of split points that share code a chunk of
//! its own, and with a point per page a page arrived in up to 200 small modules, each
//! compiled and instantiated on its own and none optimised with the rest.
//!
//! A lazy page is live only once its chunk has arrived and hydrated: `frontend` marks
//! the document hydrated when the whole of it has ([`crate::mark_hydrated`]).

/// The lazy routes of one group: a unit struct per page, whose view comes from the
/// group's split point `$load` (a `#[lazy]` function taking the page's `$which`), and
/// whose preload fetches that group's chunk.
macro_rules! lazy_pages {
    ($load:ident, $preload:ident, $which:ident { $($(#[$attr:meta])* $page:ident),+ $(,)? }) => {
        /// A page of this group.
        #[derive(Clone, Copy, Debug)]
        pub enum $which {
            $($page),+
        }

        $(
            $(#[$attr])*
            pub struct $page;

            impl leptos_router::LazyRoute for $page {
                fn data() -> Self {
                    Self
                }

                async fn view(_this: Self) -> leptos::prelude::AnyView {
                    $load($which::$page).await
                }

                async fn preload() {
                    #[cfg(target_arch = "wasm32")]
                    $preload().await;
                }
            }
        )+
    };
}

pub mod office;
pub mod personal;
