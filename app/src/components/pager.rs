//! Previous / next buttons under a paginated list.

use leptos::prelude::*;

/// `what` names the items in the summary ("Page 2 of 3 · 61 care packages").
#[component]
pub fn Pager(
    page: RwSignal<i64>,
    current: i64,
    total: i64,
    page_size: i64,
    what: &'static str,
) -> impl IntoView {
    let pages = ((total + page_size - 1) / page_size.max(1)).max(1);
    view! {
        <nav class="pager" aria-label=format!("Pages of {what}")>
            <button class="button" type="button" disabled=current <= 1 on:click=move |_| page.set(current - 1)>"Previous"</button>
            <span class="muted">{format!("Page {current} of {pages} · {total} {what}")}</span>
            <button class="button" type="button" disabled=current >= pages on:click=move |_| page.set(current + 1)>"Next"</button>
        </nav>
    }
}
