use super::api::{DependencyHealth, SystemStatus, check_system_status};
use crate::components::toast::{ToastKind, use_toasts};
use leptos::prelude::*;
use leptos_meta::Title;

/// Shows whether PostgreSQL and Redis are reachable, with live figures from the database.
/// The first check is rendered on the server; "Check again" runs the server function
/// from the browser.
#[component]
pub fn SystemStatusPage() -> impl IntoView {
    let check_number = RwSignal::new(1u32);
    // Each result carries the number of the check it answers.
    let status = Resource::new(
        move || check_number.get(),
        |n| async move { (n, check_system_status().await) },
    );
    let checking = RwSignal::new(false);
    let toasts = use_toasts();

    // Tell the person how a check they asked for ended: once, when its own result has
    // arrived (not for the first load, which the page itself shows).
    let announce_check = RwSignal::new(None::<u32>);
    Effect::new(move |_| {
        let Some((n, result)) = status.get() else {
            return;
        };
        if announce_check.get_untracked() != Some(n) {
            return;
        }
        announce_check.set(None);
        match result {
            Ok(s) if s.is_ready() => toasts.show(ToastKind::Success, "All systems reachable"),
            Ok(s) => toasts.show(ToastKind::Error, s.problems().join("; ")),
            Err(err) => toasts.show(ToastKind::Error, err.to_string()),
        }
    });

    view! {
        <Title text="System status" />
        <div class="page-header">
            <div>
                <h1>"System status"</h1>
                <p class="muted">"Live checks of the services CareTrack Pro depends on."</p>
            </div>
            <button
                class="button button--primary"
                type="button"
                data-test="check-again"
                disabled=move || checking.get()
                on:click=move |_| {
                    let next = check_number.get_untracked() + 1;
                    announce_check.set(Some(next));
                    check_number.set(next);
                }
            >
                {move || if checking.get() { "Checking…" } else { "Check again" }}
            </button>
        </div>
        <Transition
            fallback=|| view! { <p class="muted">"Checking…"</p> }
            set_pending=checking.write_only()
        >
            {move || {
                status
                    .get()
                    .map(|(n, result)| match result {
                        Ok(s) => view! { <StatusReport status=s check=n /> }.into_any(),
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
fn StatusReport(status: SystemStatus, check: u32) -> impl IntoView {
    let overall = if status.is_ready() {
        view! { <span class="badge badge--ok">"Operational"</span> }.into_any()
    } else {
        view! { <span class="badge badge--error">"Degraded"</span> }.into_any()
    };
    let figures = status.figures.clone();
    view! {
        <section class="card" data-test="status-report">
            <div class="status-summary">
                {overall}
                <span class="muted">
                    "Check " <span data-test="check-number">{check}</span>
                    {(!status.version.is_empty())
                        .then(|| {
                            format!(" · version {} · {}", status.version, status.environment)
                        })}
                </span>
            </div>
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Service"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Details"</th>
                        <th scope="col" class="numeric">
                            "Round trip"
                        </th>
                    </tr>
                </thead>
                <tbody>
                    <DependencyRow name="PostgreSQL" health=status.database.clone() />
                    <DependencyRow name="Redis" health=status.redis.clone() />
                </tbody>
            </table>
        </section>
        {figures
            .map(|f| {
                view! {
                    <section class="stat-grid" aria-label="Figures from the database">
                        <Stat
                            label="Database clock"
                            value=database_clock(f.database_time)
                            test="database-time"
                        />
                        <Stat
                            label="Active users"
                            value=f.active_users.to_string()
                            test="active-users"
                        />
                        <Stat
                            label="Care packages"
                            value=f.care_packages.to_string()
                            test="care-packages"
                        />
                        <Stat label="Tasks" value=f.tasks.to_string() test="tasks" />
                        <Stat
                            label="Migrations applied"
                            value=f.migrations_applied.to_string()
                            test="migrations"
                        />
                    </section>
                }
            })}
    }
}

#[component]
fn DependencyRow(name: &'static str, health: DependencyHealth) -> impl IntoView {
    let (class, label) = if health.reachable {
        ("badge badge--ok", "Reachable")
    } else {
        ("badge badge--error", "Unreachable")
    };
    view! {
        <tr>
            <th scope="row">{name}</th>
            <td>
                <span class=class>{label}</span>
            </td>
            <td>{health.detail}</td>
            <td class="numeric">{format!("{} ms", health.latency_ms)}</td>
        </tr>
    }
}

#[component]
fn Stat(label: &'static str, value: String, test: &'static str) -> impl IntoView {
    view! {
        <div class="stat">
            <span class="stat__label">{label}</span>
            <span class="stat__value" data-test=test>
                {value}
            </span>
        </div>
    }
}

/// The database's own clock, to the millisecond, so every check visibly moves it on.
fn database_clock(at: time::OffsetDateTime) -> String {
    let london = caretrack::london::to_london(at);
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        london.hour(),
        london.minute(),
        london.second(),
        london.millisecond()
    )
}
