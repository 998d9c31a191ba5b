use super::api::{
    FAILURES_PER_PAGE, FailedJob, JobsOverview, discard_job, load_jobs_overview, retry_job,
};
use crate::components::{
    pager::Pager,
    toast::{ToastKind, use_toasts},
};
use leptos::prelude::*;
use leptos_meta::Title;
use std::time::Duration;

const STATUSES: [&str; 5] = ["QUEUED", "RUNNING", "FAILED", "DEAD", "SUCCEEDED"];

/// The background job queue: counts by queue and state, recent failures with their
/// errors, retry and discard. Refreshes itself every five seconds.
#[component]
pub fn JobsPage() -> impl IntoView {
    let page = RwSignal::new(1i64);
    let tick = crate::components::ticker::use_ticker(Duration::from_secs(5));
    let overview = Resource::new(
        move || (page.get(), tick.get()),
        |(page, _)| load_jobs_overview(page),
    );
    let refresh = move || tick.update(|t| *t += 1);

    view! {
        <Title text="Jobs" />
        <div class="page-header">
            <div>
                <h1>"Background jobs"</h1>
                <p class="muted">"Emails, scans and scheduled work. Updates every few seconds."</p>
            </div>
        </div>
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                overview
                    .get()
                    .map(|result| match result {
                        Ok(data) => view! { <Overview data page refresh /> }.into_any(),
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
fn Overview(
    data: JobsOverview,
    page: RwSignal<i64>,
    refresh: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let mut queues: Vec<String> = data.counts.iter().map(|c| c.queue.clone()).collect();
    queues.dedup();
    let count = |queue: &str, status: &str| {
        data.counts
            .iter()
            .find(|c| c.queue == queue && c.status == status)
            .map_or(0, |c| c.count)
    };
    let rows = queues
        .iter()
        .map(|queue| {
            let cells = STATUSES
                .iter()
                .map(|status| {
                    view! {
                        <td class="numeric" data-test=format!("count-{queue}-{status}")>
                            {count(queue, status)}
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{queue.clone()}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let current = data.page;
    view! {
        <section class="card">
            <h2>"By queue"</h2>
            <table class="table" data-test="job-counts">
                <thead>
                    <tr>
                        <th scope="col">"Queue"</th>
                        {STATUSES
                            .iter()
                            .map(|s| {
                                view! {
                                    <th scope="col" class="numeric">
                                        {status_label(s)}
                                    </th>
                                }
                            })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
        <section class="card">
            <h2>
                "Recent failures " <span class="muted">{format!("({})", data.failures_total)}</span>
            </h2>
            {if data.failures.is_empty() {
                view! {
                    <p class="muted" data-test="no-failures">
                        "No failed jobs."
                    </p>
                }
                    .into_any()
            } else {
                view! {
                    <ul class="failure-list" data-test="failures">
                        {data
                            .failures
                            .into_iter()
                            .map(|job| view! { <FailureRow job refresh /> })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
            <Pager
                page
                current
                total=data.failures_total
                page_size=FAILURES_PER_PAGE
                what="failed jobs"
            />
        </section>
    }
}

fn status_label(status: &str) -> &'static str {
    match status {
        "QUEUED" => "Waiting",
        "RUNNING" => "Running",
        "FAILED" => "Retrying",
        "DEAD" => "Dead",
        _ => "Done",
    }
}

#[component]
fn FailureRow(job: FailedJob, refresh: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let toasts = use_toasts();
    let confirming = RwSignal::new(false);
    let id = job.id;
    let retry = Action::new(move |id: &caretrack::ids::JobId| retry_job(*id));
    let discard = Action::new(move |id: &caretrack::ids::JobId| discard_job(*id));
    Effect::new(move |_| {
        for (result, done) in [
            (retry.value().get(), "Job queued to run again"),
            (discard.value().get(), "Job discarded"),
        ] {
            match result {
                Some(Ok(())) => {
                    toasts.show(ToastKind::Success, done);
                    refresh();
                }
                Some(Err(err)) => toasts.show(ToastKind::Error, err.to_string()),
                None => {}
            }
        }
    });
    let (retry_id, discard_id) = (id, id);
    let badge = if job.status == "DEAD" {
        "badge badge--error"
    } else {
        "badge badge--warn"
    };
    view! {
        <li class="failure" data-test="failure" data-job-id=id.to_string()>
            <div class="failure__head">
                <span class=badge>{status_label(&job.status)}</span>
                <strong>{job.kind.clone()}</strong>
                <span class="muted">
                    {format!(
                        "attempt {} of {} · {} · {}",
                        job.attempts,
                        job.max_attempts,
                        job.queue,
                        job.updated,
                    )}
                </span>
            </div>
            <pre class="failure__error" data-test="failure-error">
                {job.last_error.clone()}
            </pre>
            <div class="failure__actions">
                <button
                    class="button"
                    type="button"
                    data-test="retry"
                    on:click=move |_| {
                        retry.dispatch(retry_id);
                    }
                >
                    "Retry now"
                </button>
                <Show
                    when=move || confirming.get()
                    fallback=move || {
                        view! {
                            <button
                                class="button button--danger"
                                type="button"
                                data-test="discard"
                                on:click=move |_| confirming.set(true)
                            >
                                "Discard…"
                            </button>
                        }
                    }
                >
                    <span class="confirm" role="alert">
                        "Discard this job for good? "
                        <button
                            class="button button--danger"
                            type="button"
                            data-test="confirm-discard"
                            on:click={
                                let discard_id = discard_id;
                                move |_| {
                                    confirming.set(false);
                                    discard.dispatch(discard_id);
                                }
                            }
                        >
                            "Discard"
                        </button>
                        <button
                            class="button"
                            type="button"
                            on:click=move |_| confirming.set(false)
                        >
                            "Cancel"
                        </button>
                    </span>
                </Show>
            </div>
        </li>
    }
}
