//! Progress overview (office): pick a carer and see their global progress per task;
//! care managers can reset a task's progress, giving a reason (audited).

use super::{
    api::{CarerProgress, ProgressRow, ResetProgress, carer_choices, load_progress},
    today_page::ProgressBar,
};
use crate::live::{Topic, use_live};
use crate::{
    components::{
        form::{Field, field_error, form_error},
        toast::{ToastKind, use_toasts},
    },
    identity::use_can,
};
use caretrack::{care::format_percent, ids::UserId, permissions::Permission};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ProgressPage() -> impl IntoView {
    let query = use_query_map();
    let carers = Resource::new(|| (), |_| carer_choices());
    let chosen = RwSignal::new(
        query
            .read_untracked()
            .get("carer")
            .and_then(|id| id.parse::<UserId>().ok()),
    );
    let version = RwSignal::new(0u32);
    let live = use_live(&[Topic::TaskProgress, Topic::Rating, Topic::Competency]);
    let progress = Resource::new(
        move || (chosen.get(), version.get(), live.get()),
        |(carer, _, _)| async move {
            match carer {
                Some(carer) => load_progress(carer).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let may_reset = use_can(Permission::ResetProgress);
    view! {
        <Title text="Progress" />
        <div class="page-header">
            <div>
                <h1>"Progress"</h1>
                <p class="muted">
                    "Each carer's practice per task, counted across every package they work at."
                </p>
            </div>
            <a
                class="button"
                href="/api/v1/admin/progress.csv"
                download=""
                data-test="progress-csv"
            >
                "Download CSV (every carer)"
            </a>
        </div>
        <crate::assessments::ProgressTabs current="/admin/progress" />
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                carers
                    .get()
                    .map(|list| match list {
                        Ok(list) => {
                            view! {
                                <label class="field field--inline" for="progress-carer">
                                    <span>"Carer"</span>
                                    <select
                                        id="progress-carer"
                                        data-test="progress-carer"
                                        on:change=move |ev| {
                                            chosen.set(event_target_value(&ev).parse().ok())
                                        }
                                    >
                                        <option value="" selected=move || chosen.get().is_none()>
                                            "Choose a carer"
                                        </option>
                                        {list
                                            .into_iter()
                                            .map(|carer| {
                                                let id = carer.id;
                                                view! {
                                                    <option
                                                        value=id.to_string()
                                                        selected=move || chosen.get() == Some(id)
                                                    >
                                                        {carer.name}
                                                    </option>
                                                }
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
                progress
                    .get()
                    .map(|result| match result {
                        Ok(Some(progress)) => {
                            view! { <Bars progress version may_reset /> }.into_any()
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
    }
}

#[component]
fn Bars(progress: CarerProgress, version: RwSignal<u32>, may_reset: Signal<bool>) -> impl IntoView {
    let carer = progress.carer.id;
    let overall = progress
        .overall_percent
        .map(|p| format!("Overall {}", format_percent(p)))
        .unwrap_or_else(|| "No tasks assigned".into());
    if progress.rows.is_empty() {
        return view! {
            <p class="card muted" data-test="no-progress">
                {format!("{} has no tasks and no practice logged yet.", progress.carer.name)}
            </p>
        }
        .into_any();
    }
    view! {
        <section class="card" data-test="progress">
            <h2>{progress.carer.name.clone()}</h2>
            <p class="muted" data-test="overall">
                {overall}
            </p>
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Task"</th>
                        <th scope="col">"Progress"</th>
                        <th scope="col">"Rating"</th>
                        <th scope="col">"Last logged"</th>
                        <th scope="col">
                            <span class="visually-hidden">"Actions"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    {progress
                        .rows
                        .into_iter()
                        .map(|row| view! { <Row row carer version may_reset /> })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
    .into_any()
}

#[component]
fn Row(
    row: ProgressRow,
    carer: UserId,
    version: RwSignal<u32>,
    may_reset: Signal<bool>,
) -> impl IntoView {
    let toasts = use_toasts();
    let open = RwSignal::new(false);
    let reset = ServerAction::<ResetProgress>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = reset.value().get() {
            toasts.show(ToastKind::Success, "Progress reset.");
            version.update(|v| *v += 1);
        }
    });
    let form = StoredValue::new(format!("reset-{}", row.task_id));
    let task = row.task_id;
    let name = row.name.clone();
    let has_progress = row.progress.current > 0;
    view! {
        <tr data-test="progress-row" data-task=row.name.clone()>
            <th scope="row">
                {row.name.clone()}
                {(!row.assigned)
                    .then(|| {
                        view! {
                            <br />
                            <small class="muted">"No longer assigned"</small>
                        }
                    })}
            </th>
            <td>
                <ProgressBar label=format!("Progress on {name}") progress=row.progress />
            </td>
            <td data-test="rating">{row.rating.clone()}</td>
            <td>{row.last_logged.clone().unwrap_or_else(|| "Never".into())}</td>
            <td class="actions">
                <Show when=move || may_reset.get() && has_progress>
                    <Show
                        when=move || open.get()
                        fallback=move || {
                            view! {
                                <button
                                    class="button"
                                    type="button"
                                    data-test="reset"
                                    on:click=move |_| open.set(true)
                                >
                                    "Reset…"
                                </button>
                            }
                        }
                    >
                        <ActionForm
                            action=reset
                            attr:class="form confirm"
                            attr:data-test="reset-form"
                        >
                            <input type="hidden" name="carer" value=carer.to_string() />
                            <input type="hidden" name="task" value=task.to_string() />
                            <Field
                                form=form.get_value()
                                label="Why reset to 0?"
                                name="reason"
                                required=true
                                error=field_error(reset.value(), "reason")
                            />
                            {move || {
                                form_error(reset.value(), &["reason"])()
                                    .map(|m| {
                                        view! {
                                            <p class="alert alert--error" role="alert">
                                                {m}
                                            </p>
                                        }
                                    })
                            }}
                            <button class="button button--danger" type="submit">
                                "Reset progress"
                            </button>
                            <button class="button" type="button" on:click=move |_| open.set(false)>
                                "Cancel"
                            </button>
                        </ActionForm>
                    </Show>
                </Show>
            </td>
        </tr>
    }
}
