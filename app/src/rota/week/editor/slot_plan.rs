//! The package's slot plan from the editor: its DAY and NIGHT times, breaks and
//! headcounts, and applying a week's pattern to later weeks.

use crate::components::toast::{ToastKind, use_toasts};
use crate::rota::slots::api::save_slot_plan;
use crate::rota::week::api::{MAX_PATTERN_WEEKS, apply_rota_pattern};
use caretrack::{
    ids::CarePackageId,
    rota::{SlotForm, SlotPlan},
};
use leptos::prelude::*;

/// The package's DAY and NIGHT slots: times, break and headcount, checked as typed
/// by the same `SlotPlan::parse` the server runs; saving asks first (future shifts
/// nobody is on move to the new times).
#[component]
pub(super) fn SlotSettings(
    package: CarePackageId,
    current: SlotForm,
    reload: RwSignal<u32>,
    dirty: Memo<bool>,
) -> impl IntoView {
    let toasts = use_toasts();
    // Loaded with the week (no resource of its own to hydrate).
    let form = RwSignal::new(Some(current));
    let asking = RwSignal::new(false);
    let save = Action::new(move |form: &SlotForm| save_slot_plan(package, form.clone()));
    Effect::new(move |_| {
        if let Some(result) = save.value().get() {
            match result {
                Ok(moved) => {
                    toasts.show(
                        ToastKind::Success,
                        format!("Shift times saved; {moved} future shifts moved to them."),
                    );
                    reload.update(|r| *r += 1);
                }
                Err(err) => toasts.show(ToastKind::Error, err.to_string()),
            }
        }
    });
    let problem = Memo::new(move |_| form.get().and_then(|f| SlotPlan::parse(&f).err()));
    let input = move |label: &'static str,
                      name: &'static str,
                      kind: &'static str,
                      get: fn(&SlotForm) -> &String,
                      set: fn(&mut SlotForm, String)| {
        view! {
            <label class="field field--inline">
                <span class="small">{label}</span>
                <input
                    type=kind
                    data-test=name
                    name=name
                    prop:value=move || {
                        form.with(|f| f.as_ref().map(|f| get(f).clone()).unwrap_or_default())
                    }
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        form.update(|f| {
                            if let Some(f) = f {
                                set(f, value)
                            }
                        });
                    }
                />
                {move || {
                    problem
                        .get()
                        .filter(|p| p.field == name)
                        .map(|p| {
                            view! {
                                <span class="field__error" role="alert">
                                    {p.message}
                                </span>
                            }
                        })
                }}
            </label>
        }
    };
    view! {
        <details class="card rota__slot-settings" data-test="slot-settings">
            <summary>"Shift times for this package"</summary>
            {
                view! {
                    <div class="rota__slot-fields">
                        {input(
                            "Day starts",
                            "day_starts",
                            "time",
                            |f| &f.day_starts,
                            |f, v| f.day_starts = v,
                        )}
                        {input(
                            "Day ends",
                            "day_ends",
                            "time",
                            |f| &f.day_ends,
                            |f, v| f.day_ends = v,
                        )}
                        {input(
                            "Day break (minutes)",
                            "day_break_minutes",
                            "number",
                            |f| &f.day_break_minutes,
                            |f, v| f.day_break_minutes = v,
                        )}
                        {input(
                            "Carers by day",
                            "day_headcount",
                            "number",
                            |f| &f.day_headcount,
                            |f, v| f.day_headcount = v,
                        )}
                    </div>
                    <div class="rota__slot-fields">
                        {input(
                            "Night starts",
                            "night_starts",
                            "time",
                            |f| &f.night_starts,
                            |f, v| f.night_starts = v,
                        )}
                        {input(
                            "Night ends",
                            "night_ends",
                            "time",
                            |f| &f.night_ends,
                            |f, v| f.night_ends = v,
                        )}
                        {input(
                            "Night break (minutes)",
                            "night_break_minutes",
                            "number",
                            |f| &f.night_break_minutes,
                            |f, v| f.night_break_minutes = v,
                        )}
                        {input(
                            "Carers by night",
                            "night_headcount",
                            "number",
                            |f| &f.night_headcount,
                            |f, v| f.night_headcount = v,
                        )}
                    </div>
                    {move || {
                        if asking.get() {
                            view! {
                                <div class="confirm" role="alert">
                                    "Save these times? Future shifts nobody is on yet move to them; shifts carers have been told about keep theirs. Every future shift takes the new break and number of carers."
                                    <button
                                        class="button button--primary"
                                        type="button"
                                        data-test="confirm-slot-settings"
                                        on:click=move |_| {
                                            asking.set(false);
                                            if let Some(f) = form.get_untracked() {
                                                save.dispatch(f);
                                            }
                                        }
                                    >
                                        "Save"
                                    </button>
                                    <button
                                        class="button"
                                        type="button"
                                        on:click=move |_| asking.set(false)
                                    >
                                        "Cancel"
                                    </button>
                                </div>
                            }
                                .into_any()
                        } else {
                            view! {
                                {move || {
                                    dirty
                                        .get()
                                        .then(|| {
                                            view! {
                                                <p class="small muted">
                                                    "Save the rota draft first: saving shift times reloads the week."
                                                </p>
                                            }
                                        })
                                }}
                                <button
                                    class="button"
                                    type="button"
                                    data-test="save-slot-settings"
                                    disabled=move || {
                                        problem.get().is_some() || save.pending().get()
                                            || dirty.get()
                                    }
                                    on:click=move |_| asking.set(true)
                                >
                                    "Save shift times…"
                                </button>
                            }
                                .into_any()
                        }
                    }}
                }
            }
        </details>
    }
}

/// "Apply this week to …": the saved week is copied into the drafts of the weeks chosen
/// (asks first: their drafts are replaced), and the server's check of each is listed.
#[component]
pub(super) fn PatternDialog(
    package: CarePackageId,
    week_start: String,
    next_week: String,
    dirty: Memo<bool>,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let from = RwSignal::new(next_week);
    let weeks = RwSignal::new(4u32);
    let toasts = use_toasts();
    let apply = Action::new(move |(from, weeks): &(String, u32)| {
        let (week, from, weeks) = (week_start.clone(), from.clone(), *weeks);
        async move { apply_rota_pattern(package, week, from, weeks).await }
    });
    Effect::new(move |_| {
        if let Some(Err(err)) = apply.value().get() {
            toasts.show(ToastKind::Error, err.to_string());
        }
    });
    view! {
        <div
            class="confirm card"
            role="dialog"
            aria-label="Apply this week to other weeks"
            data-test="pattern-dialog"
        >
            <h2>"Apply this week to other weeks"</h2>
            {move || {
                dirty
                    .get()
                    .then(|| {
                        view! {
                            <p class="alert alert--error" role="alert">
                                "Save the draft first: the pattern is the week as saved."
                            </p>
                        }
                    })
            }}
            <label class="field">
                <span>"From the week starting (a Monday)"</span>
                <input
                    type="date"
                    data-test="pattern-from"
                    prop:value=move || from.get()
                    on:change=move |ev| from.set(event_target_value(&ev))
                />
            </label>
            <label class="field">
                <span>{format!("For how many weeks (1–{MAX_PATTERN_WEEKS})")}</span>
                <input
                    type="number"
                    min="1"
                    max=MAX_PATTERN_WEEKS.to_string()
                    data-test="pattern-weeks"
                    prop:value=move || weeks.get().to_string()
                    on:change=move |ev| weeks.set(event_target_value(&ev).parse().unwrap_or(0))
                />
            </label>
            <p class="small">
                "Each of those weeks gets this week's carers as its draft, replacing any draft it had. Nothing is published until you publish each week."
            </p>
            <div class="confirm__actions">
                <button class="button" type="button" on:click=move |_| on_close()>
                    "Close"
                </button>
                <button
                    class="button button--primary"
                    type="button"
                    data-test="confirm-pattern"
                    disabled=move || dirty.get() || apply.pending().get()
                    on:click=move |_| {
                        apply.dispatch((from.get_untracked(), weeks.get_untracked()));
                    }
                >
                    {move || {
                        if apply.pending().get() { "Applying…" } else { "Replace those drafts" }
                    }}
                </button>
            </div>
            {move || {
                apply
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|done| {
                        view! {
                            <ul class="history" data-test="pattern-results">
                                {done
                                    .into_iter()
                                    .map(|w| {
                                        let href = format!(
                                            "/admin/rota?package={package}&week={}",
                                            w.week_start,
                                        );
                                        let found = if w.errors + w.warnings == 0 {
                                            "no rule broken".to_owned()
                                        } else {
                                            format!(
                                                "{} errors ({} blocking), {} warnings",
                                                w.errors,
                                                w.blocking,
                                                w.warnings,
                                            )
                                        };
                                        view! {
                                            <li data-test="pattern-week">
                                                <a href=href>{format!("Week of {}", w.week_label)}</a>
                                                {format!(" · draft saved · {found}")}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                    })
            }}
        </div>
    }
}
