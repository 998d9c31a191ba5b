//! The shift sender's carer page, `/carer/shifts`: shifts the carer may apply for, and
//! their applications.

use super::api::{PAGE_SIZE, available_shifts, confirm_interest, my_applications};
use crate::components::{
    pager::Pager,
    toast::{ToastKind, use_toasts},
};
use crate::live::{Topic, use_live};
use caretrack::ids::ShiftId;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AvailableShiftsPage() -> impl IntoView {
    let page = RwSignal::new(1i64);
    let applied_page = RwSignal::new(1i64);
    let version = RwSignal::new(0u32);
    let toasts = use_toasts();
    let live = use_live(&[Topic::Shift]);
    let shifts = Resource::new(
        move || (page.get(), version.get(), live.get()),
        |(page, _, _)| available_shifts(page),
    );
    let applications = Resource::new(
        move || (applied_page.get(), version.get(), live.get()),
        |(page, _, _)| my_applications(page),
    );
    let apply = Action::new(move |shift: &ShiftId| confirm_interest(*shift));
    Effect::new(move |_| {
        if let Some(result) = apply.value().get() {
            match result {
                Ok(()) => {
                    toasts.show(
                        ToastKind::Success,
                        "Interest confirmed: your manager will decide.",
                    );
                    version.update(|v| *v += 1);
                }
                Err(err) => toasts.show(ToastKind::Error, err.to_string()),
            }
        }
    });
    let asking = RwSignal::new(None::<ShiftId>);
    view! {
        <Title text="Shifts" />
        <p>
            <a href="/carer">"← Today"</a>
        </p>
        <h1>"Shifts"</h1>
        <h2>"Available to you"</h2>
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                shifts
                    .get()
                    .map(|result| match result {
                        Ok(list) if list.items.is_empty() => {
                            view! {
                                <p class="muted" data-test="no-available">
                                    "No open shift is waiting for you right now."
                                </p>
                            }
                                .into_any()
                        }
                        Ok(list) => {
                            view! {
                                <ul class="history" data-test="available-shifts">
                                    {list
                                        .items
                                        .into_iter()
                                        .map(|shift| {
                                            let id = shift.shift_id;
                                            view! {
                                                <li
                                                    class="card"
                                                    data-test="available-shift"
                                                    data-shift=id.to_string()
                                                >
                                                    <strong>{shift.when.clone()}</strong>
                                                    <p>{shift.package.clone()}</p>
                                                    {shift
                                                        .note
                                                        .clone()
                                                        .map(|note| view! { <p class="small">{note}</p> })}
                                                    {move || {
                                                        if asking.get() == Some(id) {
                                                            view! {
                                                                <div class="confirm" role="alert">
                                                                    "Confirm interest? You cannot take it back yourself: ask your manager if plans change. "
                                                                    <button
                                                                        class="button button--primary"
                                                                        type="button"
                                                                        data-test="confirm-interest"
                                                                        on:click=move |_| {
                                                                            asking.set(None);
                                                                            apply.dispatch(id);
                                                                        }
                                                                    >
                                                                        "Confirm interest"
                                                                    </button>
                                                                    <button
                                                                        class="button"
                                                                        type="button"
                                                                        on:click=move |_| asking.set(None)
                                                                    >
                                                                        "Cancel"
                                                                    </button>
                                                                </div>
                                                            }
                                                                .into_any()
                                                        } else {
                                                            view! {
                                                                <button
                                                                    class="button button--primary"
                                                                    type="button"
                                                                    data-test="interest"
                                                                    on:click=move |_| asking.set(Some(id))
                                                                >
                                                                    "I can work this…"
                                                                </button>
                                                            }
                                                                .into_any()
                                                        }
                                                    }}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                                <Pager
                                    page
                                    current=list.page
                                    total=list.total
                                    page_size=PAGE_SIZE
                                    what="shifts"
                                />
                            }
                                .into_any()
                        }
                        Err(err) => {
                            view! {
                                <div class="alert alert--error" role="alert">
                                    {err.to_string()}
                                </div>
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
        <h2>"Your applications"</h2>
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                applications
                    .get()
                    .map(|result| match result {
                        Ok(list) if list.items.is_empty() => {
                            view! {
                                <p class="muted" data-test="no-applications">
                                    "You have not confirmed interest in a shift yet."
                                </p>
                            }
                                .into_any()
                        }
                        Ok(list) => {
                            view! {
                                <ul class="history" data-test="applications">
                                    {list
                                        .items
                                        .into_iter()
                                        .map(|a| {
                                            view! {
                                                <li
                                                    data-test="application"
                                                    data-shift=a.shift.shift_id.to_string()
                                                    data-status=format!("{:?}", a.status)
                                                >
                                                    <strong>{a.shift.when.clone()}</strong>
                                                    <span>
                                                        {format!(" · {} · {}", a.shift.package, a.status.label())}
                                                    </span>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                                <Pager
                                    page=applied_page
                                    current=list.page
                                    total=list.total
                                    page_size=PAGE_SIZE
                                    what="applications"
                                />
                            }
                                .into_any()
                        }
                        Err(err) => {
                            view! {
                                <div class="alert alert--error" role="alert">
                                    {err.to_string()}
                                </div>
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}
