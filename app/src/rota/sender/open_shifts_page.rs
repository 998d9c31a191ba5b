//! The shift sender's manager page, `/admin/shifts`: shifts out to carers, their
//! applicants with each one's rule check, select / reject / withdraw. (The carer's side
//! is `available_shifts_page`.)

use super::api::{
    Applicant, ApplicationStatus, Decision, OpenShift, PAGE_SIZE, close_shift, decide_application,
    list_open_shifts, load_applicants,
};
use crate::components::{
    pager::Pager,
    toast::{ToastKind, use_toasts},
};
use crate::live::{Topic, use_live};
use caretrack::{ids::ShiftId, rota::Severity};
use leptos::prelude::*;
use leptos_meta::Title;

/// "Oak House · 1 of 2 filled · for competent carers".
fn shift_summary(shift: &OpenShift) -> String {
    let who = if shift.competent_only {
        "competent carers"
    } else {
        "any carer"
    };
    format!(
        "{} · {} of {} filled · for {who}",
        shift.package, shift.filled, shift.headcount
    )
}

#[component]
pub fn OpenShiftsPage() -> impl IntoView {
    let page = RwSignal::new(1i64);
    let version = RwSignal::new(0u32);
    let live = use_live(&[Topic::Shift]);
    let shifts = Resource::new(
        move || (page.get(), version.get(), live.get()),
        |(page, _, _)| list_open_shifts(page),
    );
    let chosen = RwSignal::new(None::<ShiftId>);
    view! {
        <Title text="Open shifts" />
        <h1>"Open shifts"</h1>
        <p class="muted">
            "Shifts sent out to carers from the rota. Carers who may work them confirm interest here; choose who gets each shift. Send a shift out from its slot on the "
            <a href="/admin/rota">"rota"</a>"."
        </p>
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                shifts
                    .get()
                    .map(|result| match result {
                        Ok(list) if list.items.is_empty() => {
                            view! {
                                <p class="muted" data-test="no-open-shifts">
                                    "No shift is out to carers."
                                </p>
                            }
                                .into_any()
                        }
                        Ok(list) => {
                            view! {
                                <ul class="history" data-test="open-shifts">
                                    {list
                                        .items
                                        .into_iter()
                                        .map(|shift| {
                                            let id = shift.shift_id;
                                            view! {
                                                <li
                                                    class="card"
                                                    data-test="open-shift"
                                                    data-shift=id.to_string()
                                                >
                                                    <strong>{shift.when.clone()}</strong>
                                                    <p>{shift_summary(&shift)}</p>
                                                    <p class="small" data-test="waiting">
                                                        {format!("{} waiting for a decision", shift.waiting)}
                                                    </p>
                                                    <button
                                                        class="button"
                                                        type="button"
                                                        data-test="show-applicants"
                                                        on:click=move |_| {
                                                            chosen
                                                                .update(|c| {
                                                                    *c = if *c == Some(id) { None } else { Some(id) };
                                                                })
                                                        }
                                                    >
                                                        {move || {
                                                            if chosen.get() == Some(id) {
                                                                "Hide applicants"
                                                            } else {
                                                                "Applicants"
                                                            }
                                                        }}
                                                    </button>
                                                    <Show when=move || chosen.get() == Some(id)>
                                                        <Applicants shift=id version />
                                                    </Show>
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
                                    what="open shifts"
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

/// One shift's applicants, each with the engine's check of selecting them.
#[component]
fn Applicants(shift: ShiftId, version: RwSignal<u32>) -> impl IntoView {
    let toasts = use_toasts();
    let applicants = Resource::new(move || version.get(), move |_| load_applicants(shift));
    let decide = Action::new(
        move |(carer, decision, reason): &(caretrack::ids::UserId, Decision, String)| {
            let (carer, decision, reason) = (*carer, *decision, reason.clone());
            async move { decide_application(shift, carer, decision, reason).await }
        },
    );
    let close = Action::new(move |_: &()| close_shift(shift));
    Effect::new(move |_| {
        if let Some(result) = decide.value().get() {
            match result {
                Ok(()) => {
                    toasts.show(ToastKind::Success, "Done: the carer has been told.");
                    version.update(|v| *v += 1);
                }
                Err(err) => toasts.show(ToastKind::Error, err.to_string()),
            }
        }
    });
    Effect::new(move |_| {
        if let Some(result) = close.value().get() {
            match result {
                Ok(rejected) => {
                    toasts.show(
                        ToastKind::Success,
                        format!("No longer out to carers; {rejected} waiting carers told."),
                    );
                    version.update(|v| *v += 1);
                }
                Err(err) => toasts.show(ToastKind::Error, err.to_string()),
            }
        }
    });
    let closing = RwSignal::new(false);
    view! {
        <Transition fallback=|| {
            view! { <p class="muted">"Checking applicants…"</p> }
        }>
            {move || {
                applicants
                    .get()
                    .map(|result| match result {
                        Ok(found) => {
                            view! {
                                <div data-test="applicants">
                                    <p class="small">
                                        {if found.on_shift.is_empty() {
                                            "Nobody is on this shift yet.".to_owned()
                                        } else {
                                            format!("On the shift: {}", found.on_shift.join(", "))
                                        }}
                                    </p>
                                    {if found.applicants.is_empty() {
                                        view! {
                                            <p class="muted">"Nobody has confirmed interest yet."</p>
                                        }
                                            .into_any()
                                    } else {
                                        view! {
                                            <ul class="history">
                                                {found
                                                    .applicants
                                                    .into_iter()
                                                    .map(|a| view! { <ApplicantRow applicant=a decide /> })
                                                    .collect_view()}
                                            </ul>
                                        }
                                            .into_any()
                                    }}
                                    {move || {
                                        if closing.get() {
                                            view! {
                                                <div class="confirm" role="alert">
                                                    "Stop taking interest? Carers still waiting are told they were not selected. "
                                                    <button
                                                        class="button button--danger"
                                                        type="button"
                                                        data-test="confirm-close"
                                                        on:click=move |_| {
                                                            closing.set(false);
                                                            close.dispatch(());
                                                        }
                                                    >
                                                        "Stop"
                                                    </button>
                                                    <button
                                                        class="button"
                                                        type="button"
                                                        on:click=move |_| closing.set(false)
                                                    >
                                                        "Cancel"
                                                    </button>
                                                </div>
                                            }
                                                .into_any()
                                        } else {
                                            view! {
                                                <button
                                                    class="button"
                                                    type="button"
                                                    data-test="close-shift"
                                                    on:click=move |_| closing.set(true)
                                                >
                                                    "Stop taking interest…"
                                                </button>
                                            }
                                                .into_any()
                                        }
                                    }}
                                </div>
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

#[component]
fn ApplicantRow(
    applicant: Applicant,
    decide: Action<(caretrack::ids::UserId, Decision, String), Result<(), crate::error::AppError>>,
) -> impl IntoView {
    let carer = applicant.carer_id;
    let asking = RwSignal::new(None::<Decision>);
    let reason = RwSignal::new(String::new());
    let needs_reason = !applicant.violations.is_empty();
    let waiting = applicant.status == ApplicationStatus::Interested;
    let can_withdraw = matches!(
        applicant.status,
        ApplicationStatus::Interested | ApplicationStatus::Selected
    );
    let blocked = applicant.blocked;
    let name = applicant.name.clone();
    view! {
        <li data-test="applicant" data-carer=carer.to_string() data-blocked=blocked.to_string()>
            <strong>{applicant.name.clone()}</strong>
            <span class="small muted">
                {format!(" · {} · confirmed {}", applicant.status.label(), applicant.applied_at)}
            </span>
            <ul class="small" data-test="rule-check">
                {applicant
                    .violations
                    .iter()
                    .map(|v| {
                        view! {
                            <li
                                class=if v.severity == Severity::Error {
                                    "text-error"
                                } else {
                                    "text-warning"
                                }
                                data-rule=v.rule.as_str()
                            >
                                {v.message.clone()}
                            </li>
                        }
                    })
                    .collect_view()}
                {applicant
                    .reasons
                    .iter()
                    .skip(applicant.violations.len())
                    .map(|r| view! { <li class="muted">{r.clone()}</li> })
                    .collect_view()}
            </ul>
            {move || match asking.get() {
                None => {
                    view! {
                        {waiting
                            .then(|| {
                                view! {
                                    <button
                                        class="button button--primary"
                                        type="button"
                                        data-test="select"
                                        disabled=blocked
                                        on:click=move |_| asking.set(Some(Decision::Select))
                                    >
                                        "Select…"
                                    </button>
                                    <button
                                        class="button"
                                        type="button"
                                        data-test="reject"
                                        on:click=move |_| asking.set(Some(Decision::Reject))
                                    >
                                        "Not this time…"
                                    </button>
                                }
                            })}
                        {can_withdraw
                            .then(|| {
                                view! {
                                    <button
                                        class="button button--danger"
                                        type="button"
                                        data-test="withdraw"
                                        on:click=move |_| asking.set(Some(Decision::Withdraw))
                                    >
                                        "Withdraw…"
                                    </button>
                                }
                            })}
                    }
                        .into_any()
                }
                Some(decision) => {
                    let question = match decision {
                        Decision::Select => {
                            format!(
                                "Give {name} this shift? It goes on their published rota and they are told.",
                            )
                        }
                        Decision::Reject => format!("Tell {name} they were not selected?"),
                        Decision::Withdraw => {
                            format!(
                                "Withdraw {name}'s interest? If they were selected, they come off the rota and the shift is out to carers again.",
                            )
                        }
                    };
                    view! {
                        <div class="confirm" role="alert">
                            <p>{question}</p>
                            {(decision == Decision::Select && needs_reason)
                                .then(|| {
                                    view! {
                                        <label class="field">
                                            <span>"Reason to accept the findings above"</span>
                                            <input
                                                type="text"
                                                data-test="select-reason"
                                                prop:value=move || reason.get()
                                                on:input=move |ev| reason.set(event_target_value(&ev))
                                            />
                                        </label>
                                    }
                                })}
                            <button
                                class="button button--primary"
                                type="button"
                                data-test="confirm-decision"
                                on:click=move |_| {
                                    asking.set(None);
                                    decide.dispatch((carer, decision, reason.get_untracked()));
                                }
                            >
                                "Confirm"
                            </button>
                            <button class="button" type="button" on:click=move |_| asking.set(None)>
                                "Cancel"
                            </button>
                        </div>
                    }
                        .into_any()
                }
            }}
        </li>
    }
}
