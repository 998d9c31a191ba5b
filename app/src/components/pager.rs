//! The controls of a paginated list: the search box above it, previous / next below.

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
    // Worked out here: a `>` inside the view's attributes would end the tag early.
    let (first, last) = (current <= 1, current >= pages);
    view! {
        <nav class="pager" aria-label=format!("Pages of {what}")>
            <button
                class="button"
                type="button"
                disabled=first
                on:click=move |_| page.set(current - 1)
            >
                "Previous"
            </button>
            <span class="muted">{format!("Page {current} of {pages} · {total} {what}")}</span>
            <button
                class="button"
                type="button"
                disabled=last
                on:click=move |_| page.set(current + 1)
            >
                "Next"
            </button>
        </nav>
    }
}

/// The search box above a paginated list: typing filters and goes back to page 1.
#[component]
pub fn SearchBox(
    search: RwSignal<String>,
    page: RwSignal<i64>,
    placeholder: &'static str,
    test: &'static str,
) -> impl IntoView {
    view! {
        <label class="field field--inline">
            <span>"Search"</span>
            <input
                type="search"
                placeholder=placeholder
                data-test=test
                on:input=move |ev| {
                    search.set(event_target_value(&ev));
                    page.set(1);
                }
            />
        </label>
    }
}
