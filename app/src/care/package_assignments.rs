//! Who does what at a package: choosing its tasks and its carers, with what each carer
//! would gain or lose shown before saving.

use super::api::{
    CarerImpact, PackageDetail, SetPackageCarers, SetPackageTasks, carer_choices,
    preview_package_carers, task_choices,
};
use crate::components::toast::{ToastKind, use_toasts};
use caretrack::ids::{TaskId, UserId};
use leptos::prelude::*;
use std::collections::BTreeSet;

#[component]
pub(super) fn ChooseTasks(package: PackageDetail, version: RwSignal<u32>) -> impl IntoView {
    let toasts = use_toasts();
    let choices = Resource::new(|| (), |_| task_choices());
    let chosen = RwSignal::new(
        package
            .tasks
            .iter()
            .map(|t| t.id)
            .collect::<BTreeSet<TaskId>>(),
    );
    let save = ServerAction::<SetPackageTasks>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(change)) => {
            toasts.show(
                ToastKind::Success,
                summary(&change.added, &change.removed, "task"),
            );
            version.update(|v| *v += 1);
        }
        Some(Err(err)) => toasts.show(ToastKind::Error, err.to_string()),
        None => {}
    });
    let id = package.id;
    view! {
        <section class="card" data-test="choose-tasks">
            <h2>"Tasks performed here"</h2>
            <p class="muted">
                "Every carer of this package gets these tasks. Progress is per carer and task, so tasks they already practise elsewhere keep their progress."
            </p>
            <Transition fallback=|| {
                view! { <p class="muted">"Loading…"</p> }
            }>
                {move || {
                    choices
                        .get()
                        .map(|list| match list {
                            Ok(list) => {
                                list.into_iter()
                                    .map(|task| {
                                        let tid = task.id;
                                        view! {
                                            <label class="field--check">
                                                <input
                                                    type="checkbox"
                                                    prop:checked=move || chosen.read().contains(&tid)
                                                    on:change=move |ev| {
                                                        chosen
                                                            .update(|set| {
                                                                if event_target_checked(&ev) {
                                                                    set.insert(tid);
                                                                } else {
                                                                    set.remove(&tid);
                                                                }
                                                            })
                                                    }
                                                />
                                                <span>{task.name}</span>
                                            </label>
                                        }
                                    })
                                    .collect_view()
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
            <button
                class="button button--primary"
                type="button"
                data-test="save-tasks"
                on:click=move |_| {
                    save.dispatch(SetPackageTasks {
                        package: id,
                        tasks: chosen.get().into_iter().collect(),
                    });
                }
            >
                "Save tasks"
            </button>
        </section>
    }
}

#[component]
pub(super) fn ChooseCarers(package: PackageDetail, version: RwSignal<u32>) -> impl IntoView {
    let toasts = use_toasts();
    let choices = Resource::new(|| (), |_| carer_choices());
    let current: BTreeSet<UserId> = package.carers.iter().map(|c| c.id).collect();
    let chosen = RwSignal::new(current.clone());
    let id = package.id;
    // What the carers being added would gain, refreshed as the ticks change.
    let preview = Resource::new(
        move || chosen.get(),
        move |chosen| {
            let added: Vec<UserId> = chosen.difference(&current).copied().collect();
            async move {
                if added.is_empty() {
                    Ok(Vec::new())
                } else {
                    preview_package_carers(id, added).await
                }
            }
        },
    );
    let save = ServerAction::<SetPackageCarers>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(change)) => {
            toasts.show(
                ToastKind::Success,
                summary(&change.added, &change.removed, "carer"),
            );
            version.update(|v| *v += 1);
        }
        Some(Err(err)) => toasts.show(ToastKind::Error, err.to_string()),
        None => {}
    });
    view! {
        <section class="card" data-test="choose-carers">
            <h2>"Carers who work here"</h2>
            <Transition fallback=|| {
                view! { <p class="muted">"Loading…"</p> }
            }>
                {move || {
                    choices
                        .get()
                        .map(|list| match list {
                            Ok(list) => {
                                list.into_iter()
                                    .map(|carer| {
                                        let cid = carer.id;
                                        view! {
                                            <label class="field--check">
                                                <input
                                                    type="checkbox"
                                                    prop:checked=move || chosen.read().contains(&cid)
                                                    on:change=move |ev| {
                                                        chosen
                                                            .update(|set| {
                                                                if event_target_checked(&ev) {
                                                                    set.insert(cid);
                                                                } else {
                                                                    set.remove(&cid);
                                                                }
                                                            })
                                                    }
                                                />
                                                <span>{carer.name}</span>
                                            </label>
                                        }
                                    })
                                    .collect_view()
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
            <Transition fallback=|| ()>
                {move || {
                    preview
                        .get()
                        .and_then(Result::ok)
                        .map(|impacts| {
                            view! {
                                <ul class="preview" data-test="carer-preview" aria-live="polite">
                                    {impacts
                                        .into_iter()
                                        .map(|impact| view! { <li>{impact_text(&impact)}</li> })
                                        .collect_view()}
                                </ul>
                            }
                        })
                }}
            </Transition>
            <button
                class="button button--primary"
                type="button"
                data-test="save-carers"
                on:click=move |_| {
                    save.dispatch(SetPackageCarers {
                        package: id,
                        carers: chosen.get().into_iter().collect(),
                    });
                }
            >
                "Save carers"
            </button>
        </section>
    }
}

/// "Sam Okafor gets 3 new tasks; existing progress on 2 of them counts."
fn impact_text(impact: &CarerImpact) -> String {
    let tasks = match impact.new_tasks {
        0 => {
            return format!(
                "{} already has every task of this package.",
                impact.carer.name
            );
        }
        1 => "1 new task".to_owned(),
        n => format!("{n} new tasks"),
    };
    match impact.with_progress {
        0 => format!("{} gets {tasks}.", impact.carer.name),
        n => format!(
            "{} gets {tasks}; existing progress on {n} of them counts.",
            impact.carer.name
        ),
    }
}

fn summary(added: &[String], removed: &[String], what: &str) -> String {
    match (added.len(), removed.len()) {
        (0, 0) => "Nothing changed.".to_owned(),
        (a, r) => format!("Saved: {a} {what}(s) added, {r} removed."),
    }
}
