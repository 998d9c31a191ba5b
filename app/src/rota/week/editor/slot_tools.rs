//! A slot's tools: the package's slot times, applying a week's pattern to later weeks,
//! "who can cover?" and sending a shift out to carers.

use super::editing::Editing;
use crate::components::toast::{ToastKind, use_toasts};
use crate::rota::sender::api::send_shift_out;
use caretrack::{
    ids::{ShiftId, UserId},
    rota::Change,
};
use leptos::prelude::*;

/// For a slot short of carers: "Who can cover?" (every panel carer tried on it by the
/// engine, here in the browser) and sending it out to carers.
#[component]
pub(super) fn SlotTools(
    shift: ShiftId,
    headcount: usize,
    open: bool,
    editing: Editing,
    name_of: impl Fn(UserId) -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let short = move || editing.carers_on(shift).len() < headcount;
    let covering = RwSignal::new(false);
    let sending = RwSignal::new(false);
    let open = RwSignal::new(open);
    view! {
        {move || {
            open.get()
                .then(|| {
                    view! {
                        <span class="badge" data-test="slot-open">
                            "Out to carers"
                        </span>
                    }
                })
        }}
        <Show when=short>
            <div class="rota__slot-tools">
                <button
                    type="button"
                    class="button button--small"
                    data-test="cover"
                    aria-expanded=move || covering.get().to_string()
                    on:click=move |_| covering.update(|c| *c = !*c)
                >
                    "Who can cover?"
                </button>
                {move || {
                    (!open.get())
                        .then(|| {
                            view! {
                                <button
                                    type="button"
                                    class="button button--small"
                                    data-test="send-out"
                                    on:click=move |_| sending.set(true)
                                >
                                    "Send out…"
                                </button>
                            }
                        })
                }}
            </div>
        </Show>
        <Show when=move || covering.get() && short()>
            <CoverList shift editing name_of />
        </Show>
        <Show when=move || sending.get()>
            <SendOut shift open sending />
        </Show>
    }
}

/// The best five candidates for a slot, with the reasons; "Place" assigns one.
#[component]
pub(super) fn CoverList(
    shift: ShiftId,
    editing: Editing,
    name_of: impl Fn(UserId) -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ranked = move || {
        editing.version.track();
        editing
            .checker
            .try_update_value(|c| c.cover(shift).unwrap_or_default())
            .unwrap_or_default()
    };
    view! {
        <ol class="rota__cover small" data-test="cover-list">
            {move || {
                ranked()
                    .into_iter()
                    .take(5)
                    .map(|c| {
                        let carer = c.carer_id;
                        let class = if c.blocked() {
                            "text-error"
                        } else if c.violations.is_empty() {
                            ""
                        } else {
                            "text-warning"
                        };
                        view! {
                            <li data-test="candidate" data-carer=carer.to_string() class=class>
                                <strong>{name_of(carer)}</strong>
                                <button
                                    type="button"
                                    class="button button--small"
                                    data-test="place-candidate"
                                    on:click=move |_| editing.apply(Change::Assign { carer, shift })
                                >
                                    "Place"
                                </button>
                                <ul>
                                    {c
                                        .reasons
                                        .into_iter()
                                        .map(|r| view! { <li>{r}</li> })
                                        .collect_view()}
                                </ul>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ol>
    }
}

/// Sends a slot out to carers (asks first): any carer, or only competent ones.
#[component]
pub(super) fn SendOut(
    shift: ShiftId,
    open: RwSignal<bool>,
    sending: RwSignal<bool>,
) -> impl IntoView {
    let toasts = use_toasts();
    let competent_only = RwSignal::new(true);
    let note = RwSignal::new(String::new());
    let send = Action::new(move |(competent_only, note): &(bool, String)| {
        let (competent_only, note) = (*competent_only, note.clone());
        async move { send_shift_out(shift, competent_only, note).await }
    });
    Effect::new(move |_| {
        if let Some(result) = send.value().get() {
            match result {
                Ok(()) => {
                    open.set(true);
                    sending.set(false);
                    toasts.show(
                        ToastKind::Success,
                        "Sent out: carers who may work it can now say so.",
                    );
                }
                Err(err) => toasts.show(ToastKind::Error, err.to_string()),
            }
        }
    });
    view! {
        <div
            class="confirm"
            role="dialog"
            aria-label="Send this shift out to carers"
            data-test="send-out-dialog"
        >
            <p class="small">
                "Send this shift out? Carers who may work it see it under Shifts and can confirm interest; you choose on Open shifts."
            </p>
            <label class="checkbox small">
                <input
                    type="checkbox"
                    data-test="competent-only-shift"
                    prop:checked=move || competent_only.get()
                    on:change=move |ev| competent_only.set(event_target_checked(&ev))
                />
                " Only carers competent in this package's tasks"
            </label>
            <label class="field">
                <span class="small">"Note for carers (optional)"</span>
                <input
                    type="text"
                    data-test="send-out-note"
                    on:input=move |ev| note.set(event_target_value(&ev))
                />
            </label>
            <button
                class="button button--primary button--small"
                type="button"
                data-test="confirm-send-out"
                disabled=move || send.pending().get()
                on:click=move |_| {
                    send.dispatch((competent_only.get_untracked(), note.get_untracked()));
                }
            >
                "Send out"
            </button>
            <button class="button button--small" type="button" on:click=move |_| sending.set(false)>
                "Cancel"
            </button>
        </div>
    }
}
