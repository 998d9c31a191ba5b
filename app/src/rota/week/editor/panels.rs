//! Beside the grid: the carers to drag from, the rule check, and the publish preview.

use super::editing::{Editing, slot_name};
use crate::rota::week::api::{Override, PanelCarer, SlotAssignment};
use caretrack::{
    ids::UserId,
    london,
    rota::{Change, Severity, Violation},
};
use leptos::prelude::*;

/// The carers who can be placed: competence colour-coded, hours this week, a filter.
#[component]
pub(super) fn CarerPanel(
    carers: Vec<PanelCarer>,
    editing: Editing,
    week_start: String,
) -> impl IntoView {
    let competent_only = RwSignal::new(false);
    let week = crate::rota::parse_week(&week_start).ok().map(|monday| {
        (
            london::start_of_day(monday),
            london::start_of_day(monday + time::Duration::weeks(1)),
        )
    });
    let carers = StoredValue::new(carers);
    view! {
        <section class="card rota__carers" data-test="carer-panel">
            <h2>"Carers"</h2>
            <label class="checkbox small">
                <input
                    type="checkbox"
                    data-test="competent-only"
                    on:change=move |ev| competent_only.set(event_target_checked(&ev))
                />
                " Competent only"
            </label>
            <p class="small muted">
                "Drag a carer onto a shift, or choose one and use “Place here”. Drag a placed carer off the grid (here) to take them off."
            </p>
            <ul
                class="rota__chips"
                on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                on:drop=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    if let Some((carer, Some(shift))) = editing.dragging.get_untracked() {
                        editing.dragging.set(None);
                        editing.apply(Change::Unassign { carer, shift });
                    }
                }
            >
                {move || {
                    carers
                        .get_value()
                        .into_iter()
                        .filter(|c| !competent_only.get() || c.competent)
                        .map(|c| {
                            let id = c.id;
                            let hours = move || {
                                editing.version.track();
                                week.map(|(from, to)| {
                                        editing
                                            .checker
                                            .with_value(|checker| {
                                                checker.rota().hours_within(id, from, to)
                                            })
                                    })
                                    .unwrap_or_default()
                            };
                            let class = if c.competent {
                                "chip chip--competent"
                            } else {
                                "chip chip--learning"
                            };
                            let status = if c.competent {
                                "competent"
                            } else {
                                "not yet competent"
                            };
                            view! {
                                <li
                                    class=class
                                    draggable="true"
                                    data-test="panel-carer"
                                    data-carer=id.to_string()
                                    data-competent=c.competent.to_string()
                                    on:dragstart=move |ev: leptos::ev::DragEvent| {
                                        if let Some(data) = ev.data_transfer() {
                                            let _ = data.set_data("text/plain", &id.to_string());
                                            data.set_effect_allowed("copy");
                                        }
                                        editing.dragging.set(Some((id, None)));
                                    }
                                >
                                    <strong>{c.name.clone()}</strong>
                                    <span class="small muted">{status}</span>
                                    <span class="small" data-test="hours">
                                        {move || format!("{:.1} h this week", hours())}
                                    </span>
                                    {(!c.on_team)
                                        .then(|| {
                                            view! { <span class="small muted">"other package"</span> }
                                        })}
                                    <button
                                        type="button"
                                        class="button button--small chip__choose"
                                        data-test="choose"
                                        aria-pressed=move || {
                                            (editing.chosen.get() == Some(id)).to_string()
                                        }
                                        aria-label=format!("Choose {} to place", c.name)
                                        on:click=move |_| {
                                            editing
                                                .chosen
                                                .update(|chosen| {
                                                    *chosen = if *chosen == Some(id) { None } else { Some(id) };
                                                })
                                        }
                                    >
                                        {move || {
                                            if editing.chosen.get() == Some(id) {
                                                "Chosen"
                                            } else {
                                                "Choose"
                                            }
                                        }}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </section>
    }
}

/// Every finding for the week, explained.
#[component]
pub(super) fn Sidebar(
    editing: Editing,
    name_of: impl Fn(UserId) -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <aside class="card rota__sidebar" data-test="violations" aria-live="polite">
            <h2>"Rule check"</h2>
            {move || {
                let found = editing.findings.get();
                if found.is_empty() {
                    return view! {
                        <p class="muted" data-test="no-violations">
                            "No rule is broken this week."
                        </p>
                    }
                        .into_any();
                }
                view! {
                    <ul class="history">
                        {found
                            .into_iter()
                            .map(|v| {
                                let who = v
                                    .carer_id
                                    .map(|c| format!("{}: ", name_of(c)))
                                    .unwrap_or_default();
                                let kind = match (v.severity, v.overridable) {
                                    (Severity::Error, false) => "Blocks publishing",
                                    (Severity::Error, true) => {
                                        "Error — can be accepted with a reason"
                                    }
                                    (Severity::Warning, _) => {
                                        "Warning — accept with a reason to publish"
                                    }
                                };
                                view! {
                                    <li data-test="violation" data-rule=v.rule.as_str()>
                                        <strong>{v.rule.label()}</strong>
                                        <span class="small muted">{format!(" · {kind}")}</span>
                                        <p>{format!("{who}{}", v.message)}</p>
                                        <p class="small muted">{v.rule.explanation()}</p>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </aside>
    }
}

/// What publishing will change, the reasons for accepting findings, and the last word.
#[component]
pub(super) fn Preview(
    editing: Editing,
    published: Vec<SlotAssignment>,
    reasons: RwSignal<Vec<(Violation, String)>>,
    name_of: impl Fn(UserId) -> String + Copy + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
    on_publish: impl Fn(Vec<Override>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let now = editing.assignments();
    let mut changes = Vec::new();
    for (after, before) in now.iter().zip(&published) {
        for carer in after
            .carer_ids
            .iter()
            .filter(|c| !before.carer_ids.contains(c))
        {
            changes.push(format!(
                "+ {} on {}",
                name_of(*carer),
                slot_name(editing, after.shift_id)
            ));
        }
        for carer in before
            .carer_ids
            .iter()
            .filter(|c| !after.carer_ids.contains(c))
        {
            changes.push(format!(
                "− {} off {}",
                name_of(*carer),
                slot_name(editing, after.shift_id)
            ));
        }
    }
    let blocking = editing
        .findings
        .get_untracked()
        .iter()
        .filter(|v| v.blocks_publishing())
        .count();
    let nothing = changes.is_empty();
    // (`view!` attributes cannot hold a `>`.)
    let blocked = blocking > 0;
    view! {
        <div
            class="confirm card"
            role="dialog"
            aria-label="Publish the rota"
            data-test="publish-preview"
        >
            <h2>"Publish this week"</h2>
            {if nothing {
                view! { <p class="muted">"Nothing differs from what carers were last told."</p> }
                    .into_any()
            } else {
                view! {
                    <ul data-test="changes">
                        {changes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}
                    </ul>
                }
                    .into_any()
            }}
            {(blocking > 0)
                .then(|| {
                    view! {
                        <div class="alert alert--error" role="alert">
                            {format!("{blocking} broken rules block publishing: fix them first.")}
                        </div>
                    }
                })}
            {move || {
                reasons
                    .get()
                    .into_iter()
                    .enumerate()
                    .map(|(i, (violation, reason))| {
                        view! {
                            <label class="field" data-test="override">
                                <span>{format!("Reason to accept: {}", violation.message)}</span>
                                <input
                                    type="text"
                                    prop:value=reason
                                    data-test="override-reason"
                                    on:input=move |ev| {
                                        let text = event_target_value(&ev);
                                        reasons.update(|all| all[i].1 = text);
                                    }
                                />
                            </label>
                        }
                    })
                    .collect_view()
            }}
            <div class="confirm__actions">
                <button
                    class="button"
                    type="button"
                    data-test="cancel-publish"
                    on:click=move |_| on_cancel()
                >
                    "Keep editing"
                </button>
                <button
                    class="button button--primary"
                    type="button"
                    data-test="confirm-publish"
                    disabled=move || {
                        blocked || reasons.with(|all| all.iter().any(|(_, r)| r.trim().is_empty()))
                    }
                    on:click=move |_| {
                        let overrides = reasons
                            .get_untracked()
                            .into_iter()
                            .map(|(v, reason)| Override {
                                rule: v.rule,
                                carer_id: v.carer_id,
                                shift_ids: v.shift_ids,
                                reason,
                            })
                            .collect();
                        on_publish(overrides);
                    }
                >
                    "Publish and tell carers"
                </button>
            </div>
        </div>
    }
}
