use super::api::{Counts, Dashboard, load_dashboard};
use crate::live::api::who_is_online;
use crate::{
    identity::{SignInPrompt, use_me},
    live::{Topic, use_live_every},
};
use caretrack::{Role, care::format_percent};
use leptos::prelude::*;
use leptos_meta::Title;
use std::time::Duration;

/// Everything the dashboard counts or lists (its recent activity is the audit log).
const COUNTED: &[Topic] = &[
    Topic::Dashboard,
    Topic::Audit,
    Topic::TaskProgress,
    Topic::Rating,
    Topic::Competency,
    Topic::Assessment,
    Topic::Shift,
    Topic::Rota,
    Topic::Package,
];

/// The care manager's home. The figures are live (refetched at most once a second
/// while changes arrive).
#[component]
pub fn AdminHome() -> impl IntoView {
    let me = use_me();
    let tick = use_live_every(COUNTED, Duration::from_secs(1));
    let dashboard = Resource::new(move || tick.get(), |_| load_dashboard());
    view! {
        <Title text="Care manager" />
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                me.get()
                    .map(|me| match me {
                        Ok(Some(me)) if me.role == Role::Admin => {
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
                        Ok(Some(me)) => {
                            view! {
                                <div class="alert" role="alert">
                                    "This page is for care managers. "
                                    <a href=me.role.home_path()>"Go to your home page"</a>
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
        <Transition fallback=|| ()>
            {move || {
                dashboard.get().and_then(Result::ok).map(|dashboard| view! { <Cards dashboard /> })
            }}
        </Transition>
        <OnlineNow />
    }
}

/// Who has CareTrack open now. Presence is time-based (a socket's key lapses 45 s after
/// its last heartbeat), so the list is read again every 30 s as well as with the
/// dashboard.
#[component]
fn OnlineNow() -> impl IntoView {
    let tick = crate::components::ticker::use_ticker(Duration::from_secs(30));
    let live = use_live_every(COUNTED, Duration::from_secs(1));
    let online = Resource::new(move || (tick.get(), live.get()), |_| who_is_online());
    view! {
        <section class="card" data-test="online-now">
            <h2>"Online now"</h2>
            <Transition fallback=|| {
                view! { <p class="muted">"Loading…"</p> }
            }>
                {move || {
                    online
                        .get()
                        .map(|result| match result {
                            Err(err) => view! { <p class="muted">{err.to_string()}</p> }.into_any(),
                            Ok(people) if people.is_empty() => {
                                view! { <p class="muted">"Nobody is online right now."</p> }
                                    .into_any()
                            }
                            Ok(people) => {
                                view! {
                                    <ul class="online-list">
                                        {people
                                            .into_iter()
                                            .map(|person| {
                                                view! {
                                                    <li data-test="online-person">
                                                        <span
                                                            class="live-dot"
                                                            data-connected="true"
                                                            aria-hidden="true"
                                                        ></span>
                                                        " "
                                                        {person.name}
                                                        " "
                                                        <span class="muted">{person.role.label()}</span>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn Card(
    title: &'static str,
    href: Option<&'static str>,
    figure: String,
    detail: String,
    test: &'static str,
) -> impl IntoView {
    let heading = match href {
        Some(href) => view! {
            <h2>
                <a href=href>{title}</a>
            </h2>
        }
        .into_any(),
        None => view! { <h2>{title}</h2> }.into_any(),
    };
    view! {
        <section class="card dash-card" data-test=test>
            {heading}
            <p class="dash-card__figure" data-test="figure">
                {figure}
            </p>
            <p class="muted">{detail}</p>
        </section>
    }
}

#[component]
fn Cards(dashboard: Dashboard) -> impl IntoView {
    let Counts {
        carers,
        office_staff,
        pending_invitations,
        care_packages,
        tasks,
        carer_assignments,
        task_assignments,
        completions_today,
        carers_active_today,
        average_progress,
        recycle_bin,
        reports_ready,
        reports_in_progress,
        audit_events_today,
        assessments_ready,
        assessments_in_progress,
        assessments_awaiting_approval,
        ratings_pending,
        ratings_disputed,
        reviews_overdue,
        reviews_due,
    } = dashboard.counts;
    let recent = dashboard
        .recent
        .into_iter()
        .map(|a| {
            view! {
                <li>
                    <strong>{a.who}</strong>
                    " "
                    {a.what}
                    <br />
                    <small class="muted">{a.when}</small>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="dash-grid" aria-live="polite">
            <Card
                title="People"
                href=Some("/admin/users")
                test="dash-users"
                figure=carers.to_string()
                detail=format!(
                    "carers · {office_staff} office staff · {pending_invitations} invitations open",
                )
            />
            <Card
                title="Care packages"
                href=Some("/admin/packages")
                test="dash-packages"
                figure=care_packages.to_string()
                detail="clients receiving care".into()
            />
            <Card
                title="Tasks"
                href=Some("/admin/tasks")
                test="dash-tasks"
                figure=tasks.to_string()
                detail="care activities with targets".into()
            />
            <Card
                title="Assignments"
                href=Some("/admin/packages")
                test="dash-assignments"
                figure=carer_assignments.to_string()
                detail=format!("carer placements · {task_assignments} package tasks")
            />
            <Card
                title="Progress"
                href=Some("/admin/progress")
                test="dash-progress"
                figure=completions_today.to_string()
                detail=format!(
                    "completions logged today by {carers_active_today} carer(s) · average {}",
                    average_progress.map(format_percent).unwrap_or_else(|| "–".into()),
                )
            />
            <Card
                title="Assessments"
                href=Some("/admin/progress/assessments")
                test="dash-assessments"
                figure=assessments_ready.to_string()
                detail=format!(
                    "ready to start · {assessments_in_progress} in progress · {assessments_awaiting_approval} awaiting approval",
                )
            />
            <Card
                title="Ratings"
                href=Some("/admin/progress/confirmations")
                test="dash-ratings"
                figure=ratings_pending.to_string()
                detail=format!(
                    "waiting for carers to confirm · {ratings_disputed} disputed · reviews: {reviews_overdue} overdue, {reviews_due} due within 30 days",
                )
            />
            <Card
                title="PDF reports"
                href=Some("/admin/reports")
                test="dash-reports"
                figure=reports_ready.to_string()
                detail=format!("ready to download · {reports_in_progress} being made")
            />
            <Card
                title="Recycle bin"
                href=Some("/admin/recycle-bin")
                test="dash-bin"
                figure=recycle_bin.to_string()
                detail="deleted records, kept for restore".into()
            />
            <Card
                title="Audit log"
                href=Some("/admin/audit")
                test="dash-audit"
                figure=audit_events_today.to_string()
                detail="events today".into()
            />
        </div>
        <section class="card">
            <h2>"Recent activity"</h2>
            <ul class="activity" data-test="activity">
                {recent}
            </ul>
        </section>
    }
}
