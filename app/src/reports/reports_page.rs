//! `/admin/reports`: ask for a report, follow its progress live, download it.

use super::api::{
    ReportChoices, ReportList, ReportRequest, ReportRow, ReportStatus, archive_report,
    load_report_choices, load_reports, report_link, request_report,
};
use crate::components::{
    pager::Pager,
    toast::{ToastKind, use_toasts},
};
use crate::error::AppError;
use crate::live::use_live;
use caretrack::live::Topic;
use caretrack::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ReportsPage() -> impl IntoView {
    let page = RwSignal::new(1i64);
    let version = RwSignal::new(0u32);
    // Progress, completion and expiry arrive as live events.
    let live = use_live(&[Topic::Report]);
    let list = Resource::new(
        move || (page.get(), version.get(), live.get()),
        |(page, _, _)| load_reports(page),
    );
    let choices = Resource::new(|| (), |_| load_report_choices());
    let manager = crate::identity::use_can(Permission::ArchiveReports);
    view! {
        <Title text="Reports" />
        <div class="page-header">
            <div>
                <h1>"PDF reports"</h1>
                <p class="muted">
                    {format!(
                        "Reports are made in the background: this page shows how far each one has got. A ready report downloads through a link that works for a few minutes; its file is removed after {} days unless a care manager archives it.",
                        super::KEEP_DAYS,
                    )}
                </p>
            </div>
        </div>
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                choices
                    .get()
                    .map(|result| match result {
                        Ok(choices) => view! { <RequestForms choices version /> }.into_any(),
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
        <h2>"Made so far"</h2>
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                list.get()
                    .map(|result| match result {
                        Ok(list) => view! { <ReportTable list page version manager /> }.into_any(),
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
fn RequestForms(choices: ReportChoices, version: RwSignal<u32>) -> impl IntoView {
    let toasts = use_toasts();
    let ask = Action::new(|request: &ReportRequest| request_report(request.clone()));
    let failure = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match ask.value().get() {
        Some(Ok(_)) => {
            failure.set(None);
            toasts.show(
                ToastKind::Success,
                "Report queued: it appears below as it is made.",
            );
            version.update(|v| *v += 1);
        }
        Some(Err(err)) => failure.set(Some(err)),
        None => {}
    });

    let first_carer = choices
        .carers
        .first()
        .map(|c| c.id.to_string())
        .unwrap_or_default();
    let first_package = choices
        .packages
        .first()
        .map(|p| p.id.to_string())
        .unwrap_or_default();
    let carer = RwSignal::new(first_carer);
    let package = RwSignal::new(first_package);
    let week = RwSignal::new(choices.this_monday.clone());
    let from = RwSignal::new(choices.last_month.0.clone());
    let to = RwSignal::new(choices.last_month.1.clone());
    let busy = ask.pending();

    let evidence = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match carer.get_untracked().parse() {
            Ok(carer_id) => {
                ask.dispatch(ReportRequest::EvidencePack { carer_id });
            }
            Err(_) => failure.set(Some(AppError::validation("carer", "Choose a carer."))),
        }
    };
    let rota = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match package.get_untracked().parse() {
            Ok(package_id) => {
                ask.dispatch(ReportRequest::RotaWeek {
                    package_id,
                    week: week.get_untracked(),
                });
            }
            Err(_) => failure.set(Some(AppError::validation(
                "package",
                "Choose a care package.",
            ))),
        }
    };
    let compliance = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ask.dispatch(ReportRequest::Compliance {
            from: from.get_untracked(),
            to: to.get_untracked(),
        });
    };
    let carers = choices.carers;
    let packages = choices.packages;
    view! {
        {move || {
            failure
                .get()
                .map(|err| {
                    view! {
                        <div class="alert alert--error" role="alert" data-test="report-error">
                            {err.to_string()}
                        </div>
                    }
                })
        }}
        <div class="cards">
            <form class="card form" on:submit=evidence data-test="evidence-form">
                <h2>"Competency evidence pack"</h2>
                <p class="muted">
                    "One carer: details, progress, ratings with their assessors, assessment answers and scores, and every confirmation or dispute."
                </p>
                <label class="field">
                    <span>"Carer"</span>
                    <select
                        data-test="report-carer"
                        prop:value=move || carer.get()
                        on:change=move |ev| carer.set(event_target_value(&ev))
                    >
                        {carers
                            .into_iter()
                            .map(|c| view! { <option value=c.id.to_string()>{c.name}</option> })
                            .collect_view()}
                    </select>
                </label>
                <button
                    class="button button--primary"
                    type="submit"
                    data-test="make-evidence-pack"
                    disabled=busy
                >
                    "Make evidence pack"
                </button>
            </form>
            <form class="card form" on:submit=rota data-test="rota-form">
                <h2>"Rota for a week"</h2>
                <p class="muted">"One care package's week, A4 landscape, ready to print."</p>
                <label class="field">
                    <span>"Care package"</span>
                    <select
                        data-test="report-package"
                        prop:value=move || package.get()
                        on:change=move |ev| package.set(event_target_value(&ev))
                    >
                        {packages
                            .into_iter()
                            .map(|p| view! { <option value=p.id.to_string()>{p.name}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>"Week starting (a Monday)"</span>
                    <input
                        type="date"
                        data-test="report-week"
                        prop:value=move || week.get()
                        on:input=move |ev| week.set(event_target_value(&ev))
                    />
                </label>
                <button
                    class="button button--primary"
                    type="submit"
                    data-test="make-rota"
                    disabled=busy
                >
                    "Make rota"
                </button>
            </form>
            <form class="card form" on:submit=compliance data-test="compliance-form">
                <h2>"Compliance summary"</h2>
                <p class="muted">
                    "A period's Working Time Regulations breaches and overrides, ratings waiting for confirmation and overdue reviews."
                </p>
                <label class="field">
                    <span>"From"</span>
                    <input
                        type="date"
                        data-test="report-from"
                        prop:value=move || from.get()
                        on:input=move |ev| from.set(event_target_value(&ev))
                    />
                </label>
                <label class="field">
                    <span>"To"</span>
                    <input
                        type="date"
                        data-test="report-to"
                        prop:value=move || to.get()
                        on:input=move |ev| to.set(event_target_value(&ev))
                    />
                </label>
                <button
                    class="button button--primary"
                    type="submit"
                    data-test="make-compliance"
                    disabled=busy
                >
                    "Make summary"
                </button>
            </form>
        </div>
    }
}

#[component]
fn ReportTable(
    list: ReportList,
    page: RwSignal<i64>,
    version: RwSignal<u32>,
    manager: Signal<bool>,
) -> impl IntoView {
    if list.total == 0 {
        return view! {
            <p class="card muted" data-test="reports-empty">
                "No reports yet."
            </p>
        }
        .into_any();
    }
    view! {
        <table class="table" data-test="reports">
            <thead>
                <tr>
                    <th scope="col">"Report"</th>
                    <th scope="col">"Asked for"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">
                        <span class="visually-hidden">"Actions"</span>
                    </th>
                </tr>
            </thead>
            <tbody>
                {list
                    .rows
                    .into_iter()
                    .map(|row| view! { <Row row version manager /> })
                    .collect_view()}
            </tbody>
        </table>
        <Pager page current=list.page total=list.total page_size=list.page_size what="reports" />
    }
    .into_any()
}

#[component]
fn Row(row: ReportRow, version: RwSignal<u32>, manager: Signal<bool>) -> impl IntoView {
    let toasts = use_toasts();
    let id = row.id;
    let download = Action::new(move |id: &caretrack::ids::ReportId| report_link(*id));
    Effect::new(move |_| match download.value().get() {
        Some(Ok(url)) => {
            // The link is presigned for a few minutes: follow it now.
            let _ = window().location().set_href(&url);
        }
        Some(Err(err)) => toasts.show(ToastKind::Error, err.to_string()),
        None => {}
    });
    let archive = Action::new(move |(id, keep): &(caretrack::ids::ReportId, bool)| {
        archive_report(*id, *keep)
    });
    let confirm_release = RwSignal::new(false);
    Effect::new(move |_| match archive.value().get() {
        Some(Ok(())) => version.update(|v| *v += 1),
        Some(Err(err)) => toasts.show(ToastKind::Error, err.to_string()),
        None => {}
    });
    let status = match row.status {
        s if s.in_progress() => view! {
            <progress max="100" value=row.progress.to_string() aria-label="Progress"></progress>
            <br />
            <small class="muted" data-test="report-stage">
                {format!("{} · {} %", row.stage, row.progress)}
            </small>
        }
        .into_any(),
        ReportStatus::Failed => {
            view! { <small class="error">{row.error.clone()}</small> }.into_any()
        }
        _ => {
            view! { <small class="muted">{row.details.clone()}<br />{row.keeping.clone()}</small> }
                .into_any()
        }
    };
    let ready = row.status == ReportStatus::Ready;
    let archived = row.archived;
    let (download_id, archive_id, release_id) = (id, id, id);
    view! {
        <tr data-test="report" data-status=format!("{:?}", row.status).to_uppercase()>
            <th scope="row">{row.title}</th>
            <td>
                {row.requested}<br />
                <small class="muted">{format!("by {}", row.requested_by)}</small>
            </td>
            <td>
                <span class="badge">{row.status.label()}</span>
                <br />
                {status}
            </td>
            <td class="actions">
                {ready
                    .then(|| {
                        view! {
                            <button
                                class="button button--primary"
                                type="button"
                                data-test="download-report"
                                disabled=download.pending()
                                on:click=move |_| {
                                    download.dispatch(download_id);
                                }
                            >
                                "Download PDF"
                            </button>
                        }
                    })}
                {move || {
                    (ready && manager.get())
                        .then(|| {
                            if archived {
                                if confirm_release.get() {
                                    view! {
                                        <span class="confirm" role="alert">
                                            {format!(
                                                "Let it expire? Its file is removed {} days from now. ",
                                                super::KEEP_DAYS,
                                            )}
                                            <button
                                                class="button button--danger"
                                                type="button"
                                                data-test="confirm-unarchive"
                                                on:click=move |_| {
                                                    confirm_release.set(false);
                                                    archive.dispatch((release_id, false));
                                                }
                                            >
                                                "Let it expire"
                                            </button>
                                            <button
                                                class="button"
                                                type="button"
                                                on:click=move |_| confirm_release.set(false)
                                            >
                                                "Cancel"
                                            </button>
                                        </span>
                                    }
                                        .into_any()
                                } else {
                                    view! {
                                        <button
                                            class="button"
                                            type="button"
                                            data-test="unarchive-report"
                                            on:click=move |_| confirm_release.set(true)
                                        >
                                            "Unarchive…"
                                        </button>
                                    }
                                        .into_any()
                                }
                            } else {
                                view! {
                                    <button
                                        class="button"
                                        type="button"
                                        data-test="archive-report"
                                        on:click=move |_| {
                                            archive.dispatch((archive_id, true));
                                        }
                                    >
                                        "Archive"
                                    </button>
                                }
                                    .into_any()
                            }
                        })
                }}
            </td>
        </tr>
    }
}
