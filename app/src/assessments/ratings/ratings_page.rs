//! Progress pages 3 and 4 for care managers.
//!
//! Page 3, manual management: choose a task, see every carer who has it with their
//! effective level and progress, tick one or many, set a level with a reason. The
//! preview says what changes (and that NOT_ASSESSED resets progress) before asking.
//!
//! Page 4, confirmation management: ratings waiting for carers (with the reminders
//! sent) and disputed ratings, which a manager upholds, amends or sends for
//! reassessment with a note for the carer, after confirming.

use super::api::{SetRating, task_ratings};
use crate::assessments::conduct::ProgressTabs;
use crate::{
    care::api::task_choices,
    components::toast::{ToastKind, use_toasts},
};
use caretrack::{
    CompetencyLevel,
    ids::{TaskId, UserId},
};
use leptos::prelude::*;
use leptos_meta::Title;
use std::collections::BTreeSet;

#[component]
pub fn ManualRatingsPage() -> impl IntoView {
    let tasks = Resource::new(|| (), |_| task_choices());
    let task = RwSignal::new(None::<TaskId>);
    let version = RwSignal::new(0u32);
    let carers = Resource::new(
        move || (task.get(), version.get()),
        |(task, _)| async move {
            match task {
                Some(task) => task_ratings(task).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let chosen = RwSignal::new(BTreeSet::<UserId>::new());
    let level = RwSignal::new(CompetencyLevel::Competent);
    let reason = RwSignal::new(String::new());
    let asking = RwSignal::new(false);
    let set = ServerAction::<SetRating>::new();
    let toasts = use_toasts();
    Effect::new(move |_| match set.value().get() {
        Some(Ok(n)) => {
            toasts.show(ToastKind::Success, format!("Rating set for {n} carer(s)."));
            chosen.set(BTreeSet::new());
            reason.set(String::new());
            asking.set(false);
            version.update(|v| *v += 1);
        }
        Some(Err(err)) => {
            asking.set(false);
            toasts.show(ToastKind::Error, err.to_string());
        }
        None => {}
    });
    let preview = move || {
        let n = chosen.with(BTreeSet::len);
        let mut text = format!(
            "Sets {} for {n} carer(s), effective at once; each is told.",
            level.get().label()
        );
        if level.get() == CompetencyLevel::NotAssessed {
            text.push_str(" Their progress on this task goes back to 0.");
        }
        text
    };
    view! {
        <Title text="Manual ratings" />
        <div class="page-header">
            <div>
                <h1>"Progress"</h1>
                <p class="muted">
                    "Set a rating directly, with a reason: for one carer, or many at once."
                </p>
            </div>
        </div>
        <ProgressTabs current="/admin/progress/ratings" />
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                tasks
                    .get()
                    .map(|list| match list {
                        Ok(list) => {
                            view! {
                                <label class="field field--inline" for="rating-task">
                                    <span>"Task"</span>
                                    <select
                                        id="rating-task"
                                        data-test="rating-task"
                                        on:change=move |ev| {
                                            task.set(event_target_value(&ev).parse().ok());
                                            chosen.set(BTreeSet::new());
                                        }
                                    >
                                        <option value="">"Choose a task"</option>
                                        {list
                                            .into_iter()
                                            .map(|t| {
                                                view! { <option value=t.id.to_string()>{t.name}</option> }
                                            })
                                            .collect_view()}
                                    </select>
                                </label>
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
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                carers
                    .get()
                    .map(|result| match result {
                        Ok(Some(rows)) if rows.is_empty() => {
                            view! { <p class="card muted">"No carer has this task yet."</p> }
                                .into_any()
                        }
                        Ok(Some(rows)) => {
                            view! {
                                <table class="table" data-test="task-ratings">
                                    <thead>
                                        <tr>
                                            <th scope="col">
                                                <span class="visually-hidden">"Choose"</span>
                                            </th>
                                            <th scope="col">"Carer"</th>
                                            <th scope="col">"Counts as"</th>
                                            <th scope="col">"Latest"</th>
                                            <th scope="col">"Progress"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {rows
                                            .into_iter()
                                            .map(|row| {
                                                let id = row.carer.id;
                                                let name = row.carer.name.clone();
                                                view! {
                                                    <tr data-test="task-rating" data-carer=name.clone()>
                                                        <td>
                                                            <input
                                                                type="checkbox"
                                                                aria-label=format!("Choose {name}")
                                                                prop:checked=move || chosen.read().contains(&id)
                                                                on:change=move |ev| {
                                                                    chosen
                                                                        .update(|set| {
                                                                            if event_target_checked(&ev) {
                                                                                set.insert(id);
                                                                            } else {
                                                                                set.remove(&id);
                                                                            }
                                                                        })
                                                                }
                                                            />
                                                        </td>
                                                        <th scope="row">{row.carer.name}</th>
                                                        <td>{row.effective.label()}</td>
                                                        <td>
                                                            {row.state.map(|s| s.label()).unwrap_or("Never rated")}
                                                        </td>
                                                        <td>{row.progress}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            }
                                .into_any()
                        }
                        Ok(None) => ().into_any(),
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
        <Show when=move || task.get().is_some()>
            <section class="card" data-test="set-rating">
                <label class="field" for="manual-level">
                    <span>"Level"</span>
                    <select
                        id="manual-level"
                        data-test="manual-level"
                        on:change=move |ev| {
                            if let Ok(l) = event_target_value(&ev).parse() {
                                level.set(l);
                            }
                        }
                    >
                        {CompetencyLevel::ALL
                            .iter()
                            .map(|&l| {
                                view! {
                                    <option value=l.as_str() selected=move || level.get() == l>
                                        {l.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label class="field" for="manual-reason">
                    <span>"Reason (recorded, and shown to the carer)"</span>
                    <textarea
                        id="manual-reason"
                        rows="2"
                        data-test="manual-reason"
                        prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))
                    ></textarea>
                </label>
                <p class="muted" data-test="manual-preview">
                    {preview}
                </p>
                <Show
                    when=move || asking.get()
                    fallback=move || {
                        view! {
                            <button
                                class="button button--primary"
                                type="button"
                                data-test="set-rating-button"
                                disabled=move || chosen.with(BTreeSet::is_empty)
                                on:click=move |_| asking.set(true)
                            >
                                "Set the rating"
                            </button>
                        }
                    }
                >
                    <div class="confirm" role="alertdialog" aria-label="Set this rating?">
                        <p>{preview}" Continue?"</p>
                        <button
                            class="button button--primary"
                            type="button"
                            data-test="confirm-set-rating"
                            disabled=move || set.pending().get()
                            on:click=move |_| {
                                if let Some(task) = task.get_untracked() {
                                    set.dispatch(SetRating {
                                        carers: chosen.get_untracked().into_iter().collect(),
                                        task,
                                        level: level.get_untracked(),
                                        reason: reason.get_untracked(),
                                    });
                                }
                            }
                        >
                            "Yes, set it"
                        </button>
                        <button class="button" type="button" on:click=move |_| asking.set(false)>
                            "Cancel"
                        </button>
                    </div>
                </Show>
            </section>
        </Show>
    }
}
