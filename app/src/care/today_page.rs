//! The carer's home, phone first: "Today, have you performed …?" for each task still
//! short of its target, with global progress and what is left of today's allowance,
//! what is waiting for them (ratings to confirm, notifications) and their latest logs.

use super::api::{LogPractice, QueuedLog, Today, TodayTask, load_today};
use super::pending::{PendingLogs, now_rfc3339};
use crate::live::{Topic, use_live, use_package_rooms};
use crate::{
    components::{
        form::{Field, field_error, form_error},
        toast::{ToastKind, use_toasts},
    },
    error::AppError,
    identity::{SignInPrompt, use_me},
};
use caretrack::care::{ProgressReport, format_percent};
use leptos::prelude::*;
use leptos_meta::Title;

/// A fresh idempotency key for one log: made where the form is rendered and kept until
/// the log is accepted, so a retried submission is never counted twice.
fn new_key() -> String {
    #[cfg(feature = "ssr")]
    {
        uuid::Uuid::new_v4().to_string()
    }
    #[cfg(not(feature = "ssr"))]
    {
        web_sys::window()
            .and_then(|window| window.crypto().ok())
            .map(|crypto| crypto.random_uuid())
            .unwrap_or_default()
    }
}

/// A progress bar with its numbers, for people and screen readers alike.
#[component]
pub fn ProgressBar(label: String, progress: ProgressReport) -> impl IntoView {
    let text = format!(
        "{} of {} · {}",
        progress.current,
        progress.target,
        format_percent(progress.percent)
    );
    view! {
        <div class="progress">
            <progress
                max=progress.target
                value=progress.current.min(progress.target)
                aria-label=label
            ></progress>
            <span class="progress__text" data-test="progress-text">
                {text}
            </span>
        </div>
    }
}

#[component]
pub fn CarerHome() -> impl IntoView {
    let me = use_me();
    let version = RwSignal::new(0u32);
    let live = use_live(&[
        Topic::TaskProgress,
        Topic::Package,
        Topic::Rating,
        Topic::Competency,
        Topic::Assessment,
        Topic::Notification,
    ]);
    // Logs kept on this phone while offline; counted ones refresh the page.
    let pending = PendingLogs::new();
    provide_context(pending);
    let today = Resource::new(
        move || (version.get(), live.get(), pending.counted.get()),
        |_| load_today(),
    );
    view! {
        <Title text="Today" />
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                me.get()
                    .map(|me| match me {
                        Ok(Some(me)) => {
                            view! {
                                <div class="page-header">
                                    <div>
                                        <h1 data-test="home-heading">
                                            {format!("Welcome, {}", me.display_name)}
                                        </h1>
                                        <p class="muted" data-test="home-role">
                                            {me.role.label()}
                                        </p>
                                    </div>
                                </div>
                            }
                                .into_any()
                        }
                        Ok(None) => view! { <SignInPrompt /> }.into_any(),
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
        <PendingPanel pending />
        <Transition fallback=|| ()>
            {move || {
                today
                    .get()
                    .map(|result| match result {
                        Ok(today) => view! { <TodayList today version /> }.into_any(),
                        Err(AppError::Unauthenticated) => ().into_any(),
                        Err(err) => {
                            // The prompt above already says so.
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

/// Logs waiting on this phone, and what the server refused when they were sent.
#[component]
fn PendingPanel(pending: PendingLogs) -> impl IntoView {
    view! {
        <Show when=move || { pending.count.get() > 0 }>
            <div class="alert alert--warning pending-sync" role="status">
                <span data-test="pending-sync">
                    {move || format!("Pending sync ({})", pending.count.get())}
                </span>
                " · kept on this phone until there is a connection. "
                <button
                    class="button"
                    type="button"
                    data-test="send-now"
                    on:click=move |_| pending.send()
                >
                    "Send now"
                </button>
            </div>
        </Show>
        <Show when=move || !pending.refused.get().is_empty()>
            <div class="alert alert--error" role="alert" data-test="refused-logs">
                <p>
                    {move || {
                        format!(
                            "{} log(s) made offline were not counted:",
                            pending.refused.get().len(),
                        )
                    }}
                </p>
                <ul>
                    {move || {
                        pending
                            .refused
                            .get()
                            .into_iter()
                            .map(|why| view! { <li>{why}</li> })
                            .collect_view()
                    }}
                </ul>
                <button
                    class="button"
                    type="button"
                    on:click=move |_| pending.refused.set(Vec::new())
                >
                    "Dismiss"
                </button>
            </div>
        </Show>
    }
}

#[component]
fn TodayList(today: Today, version: RwSignal<u32>) -> impl IntoView {
    // The rooms of the packages the carer works at: a change to one reaches this page.
    let mut packages: Vec<_> = today
        .tasks
        .iter()
        .flat_map(|task| task.packages.iter().map(|p| p.id))
        .collect();
    packages.sort_unstable();
    packages.dedup();
    use_package_rooms(Signal::derive(move || packages.clone()));
    let waiting = |n: i64, one: &str, many: &str| match n {
        0 => format!("No {many}"),
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    };
    let confirmations = waiting(
        today.pending_confirmations,
        "rating waiting for you to confirm",
        "ratings waiting for you to confirm",
    );
    let notifications = waiting(
        today.unread_notifications,
        "unread notification",
        "unread notifications",
    );
    let overall = today.overall_percent.map(|percent| {
        view! {
            <section class="card" data-test="overall">
                <h2>"Your progress"</h2>
                <div class="progress">
                    <progress max="100" value=percent aria-label="Overall progress"></progress>
                    <span class="progress__text">{format_percent(percent)}</span>
                </div>
                <p data-test="pending-confirmations">
                    <a href="/carer/ratings">{confirmations}</a>
                </p>
                <p class="muted" data-test="unread-notifications">
                    {notifications}
                </p>
            </section>
        }
    });
    let recent = (!today.recent.is_empty()).then(|| {
        view! {
            <section class="card" data-test="recent">
                <h2>"Recently logged"</h2>
                <ul class="plain-list">
                    {today
                        .recent
                        .into_iter()
                        .map(|log| {
                            view! {
                                <li data-test="recent-log">
                                    <strong>{format!("{} × {}", log.task, log.count)}</strong>
                                    <br />
                                    <small class="muted">
                                        {if log.offline {
                                            format!("{} (sent later)", log.when)
                                        } else {
                                            log.when
                                        }}
                                    </small>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    });
    let heading = view! {
        <h2 class="section-title">"Today"</h2>
        <p class="muted">
            "Log the care you have given today. It counts towards your progress on every package."
        </p>
    };
    let body = if today.assigned == 0 {
        view! {
            <p class="card" data-test="no-tasks">
                "You have no tasks yet. Your care manager adds you to a care package, and its tasks appear here."
            </p>
        }
        .into_any()
    } else if today.tasks.is_empty() {
        view! {
            <p class="alert alert--success" role="status" data-test="all-done">
                {format!(
                    "All tasks completed! ({})",
                    format_percent(today.overall_percent.unwrap_or(100.0)),
                )}
            </p>
        }
        .into_any()
    } else {
        today
            .tasks
            .into_iter()
            .map(|task| view! { <TaskCard task version /> })
            .collect_view()
            .into_any()
    };
    view! {
        {overall}
        {heading}
        <div class="task-list">{body}</div>
        {recent}
    }
}

#[component]
fn TaskCard(task: TodayTask, version: RwSignal<u32>) -> impl IntoView {
    let toasts = use_toasts();
    let log = ServerAction::<LogPractice>::new();
    // A new key once a log is accepted, so the next tap is a new log, not a replay.
    let key = RwSignal::new(new_key());
    let name = task.name.clone();
    // What was sent, kept while it is in flight: if the phone has no connection, the
    // log is kept on it with its key and sent later.
    let sent = StoredValue::new(None::<LogPractice>);
    Effect::new(move |_| {
        if let Some(input) = log.input().get() {
            sent.set_value(Some(input));
        }
    });
    let pending = use_context::<PendingLogs>();
    let task_name = name.clone();
    Effect::new(move |_| {
        if let Some(Err(AppError::Transport(_))) = log.value().get()
            && let (Some(pending), Some(input)) = (pending, sent.get_value())
            && let Some(carer) = pending.owner()
        {
            pending.keep(QueuedLog {
                idempotency_key: input.idempotency_key,
                carer,
                task_id: input.task_id,
                care_package_id: input.care_package_id,
                count: input.count,
                logged_at: now_rfc3339(),
                task_name: task_name.clone(),
            });
            log.value().set(None);
            key.set(new_key());
            toasts.show(
                ToastKind::Info,
                "No connection: kept on this phone and sent when you are back online.",
            );
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(logged)) = log.value().get() {
            toasts.show(
                ToastKind::Success,
                format!(
                    "Logged. {} today · {}",
                    logged.logged_today,
                    format_percent(logged.progress.percent)
                ),
            );
            if logged.assessment_ready {
                toasts.show(
                    ToastKind::Success,
                    "You have completed the practice for an assessment. An assessor will arrange it with you.",
                );
            }
            key.set(new_key());
            version.update(|v| *v += 1);
        }
    });
    let form = format!("task-{}", task.task_id);
    let package = match task.packages.as_slice() {
        [only] => {
            view! { <input type="hidden" name="care_package_id" value=only.id.to_string() /> }
                .into_any()
        }
        many => {
            let (label_for, select_id) = (format!("{form}-package"), format!("{form}-package"));
            view! {
                <label class="field" for=label_for>
                    <span>"Where?"</span>
                    <select id=select_id name="care_package_id">
                        {many
                            .iter()
                            .map(|p| {
                                view! { <option value=p.id.to_string()>{p.name.clone()}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
            }
            .into_any()
        }
    };
    let remaining = task.remaining_today;
    let hint = if task.logged_today > 0 {
        "Counted with what you logged earlier today."
    } else {
        "From 1 to 100 a day."
    };
    view! {
        <article class="card task-card" data-test="today-task" data-task=name.clone()>
            <h2>{format!("Today, have you performed {}?", task.name)}</h2>
            {(!task.description.is_empty())
                .then(|| view! { <p class="muted">{task.description.clone()}</p> })}
            <ProgressBar label=format!("Progress on {name}") progress=task.progress />
            {if remaining == 0 {
                view! {
                    <p class="muted" data-test="cap-reached">
                        {format!(
                            "You have logged {} today, the most for one day. Well done.",
                            task.logged_today,
                        )}
                    </p>
                }
                    .into_any()
            } else {
                view! {
                    // A plain form before the WASM arrives (or without JavaScript): the
                    // key and the CSRF token are in the HTML, and the server answers the
                    // post by sending the page back.
                    <ActionForm action=log attr:class="form form--inline">
                        <input type="hidden" name="_csrf" value=crate::csrf::csrf_token() />
                        <input type="hidden" name="task_id" value=task.task_id.to_string() />
                        <input type="hidden" name="idempotency_key" value=move || key.get() />
                        {package}
                        <Field
                            form=form
                            label="How many times?"
                            name="count"
                            kind="number"
                            min=1
                            max=remaining
                            value="1".to_owned()
                            required=true
                            hint=hint
                            error=field_error(log.value(), "count")
                        />
                        {move || {
                            form_error(log.value(), &["count"])()
                                .map(|m| {
                                    view! {
                                        <p class="alert alert--error" role="alert">
                                            {m}
                                        </p>
                                    }
                                })
                        }}
                        <button
                            class="button button--primary"
                            type="submit"
                            disabled=move || log.pending().get()
                        >
                            "Log"
                        </button>
                    </ActionForm>
                    <p class="muted" data-test="logged-today">
                        {format!("Logged today: {} · up to {} more", task.logged_today, remaining)}
                    </p>
                }
                    .into_any()
            }}
        </article>
    }
}
