//! `/admin/analytics`: four charts, each with its own pager, each following the live
//! events that change it.

use super::api::{
    CarerHours, HoursChart, MonthCount, PackageCoverage, TaskBands, assessments_by_month,
    coverage_by_package, hours_by_carer, task_progress_bands,
};
use super::charts::{BarRow, Columns, Legend, Segment, StackedBars};
use crate::components::pager::Pager;
use crate::live::use_live;
use crate::wire::Page;
use caretrack::analytics::{ProgressBand, hours};
use caretrack::live::Topic;
use leptos::prelude::*;
use leptos_meta::Title;

const BAND_CLASSES: [&str; 4] = ["chart-s0", "chart-s1", "chart-s2", "chart-s3"];

fn failed(err: impl std::fmt::Display) -> AnyView {
    view! {
        <div class="alert alert--error" role="alert">
            {err.to_string()}
        </div>
    }
    .into_any()
}

fn loading() -> impl IntoView {
    view! { <p class="muted">"Loading…"</p> }
}

#[component]
pub fn AnalyticsPage() -> impl IntoView {
    view! {
        <Title text="Analytics" />
        <div class="page-header">
            <div>
                <h1>"Analytics"</h1>
                <p class="muted">
                    "Where carers stand on their tasks, how well each package is covered, how evenly the rota shares hours, nights and weekends, and how many assessments are completed."
                </p>
            </div>
        </div>
        <ProgressSection />
        <CoverageSection />
        <HoursSection />
        <AssessmentsSection />
    }
}

#[component]
fn ProgressSection() -> impl IntoView {
    let page = RwSignal::new(1i64);
    let live = use_live(&[Topic::TaskProgress, Topic::Package]);
    let chart = Resource::new(
        move || (page.get(), live.get()),
        |(page, _)| task_progress_bands(page),
    );
    view! {
        <section class="card chart-card" data-test="chart-progress">
            <div class="section-header">
                <h2>"Progress per task"</h2>
                <a
                    class="button"
                    href="/api/v1/admin/progress.csv"
                    download=""
                    data-test="progress-csv"
                >
                    "Download CSV"
                </a>
            </div>
            <p class="muted">
                "The carers assigned to each task, by how much of its target they have logged."
            </p>
            <Transition fallback=loading>
                {move || {
                    chart
                        .get()
                        .map(|result| match result {
                            Ok(tasks) => progress_view(tasks, page),
                            Err(err) => failed(err),
                        })
                }}
            </Transition>
        </section>
    }
}

fn progress_view(tasks: Page<TaskBands>, page: RwSignal<i64>) -> AnyView {
    if tasks.total == 0 {
        return view! { <p class="muted">"No tasks yet."</p> }.into_any();
    }
    let max = tasks
        .items
        .iter()
        .map(|t| u64::from(t.bands.total()))
        .max()
        .unwrap_or(0);
    let rows = tasks
        .items
        .into_iter()
        .map(|t| {
            let total = t.bands.total();
            BarRow {
                segments: ProgressBand::ALL
                    .into_iter()
                    .zip(BAND_CLASSES)
                    .map(|(band, class)| Segment {
                        value: u64::from(t.bands.get(band)),
                        class,
                        title: format!(
                            "{}: {} {}",
                            t.task.name,
                            t.bands.get(band),
                            band.label().to_lowercase()
                        ),
                    })
                    .collect(),
                note: if total == 0 {
                    "no carers".into()
                } else {
                    format!("{} of {total} done", t.bands.get(ProgressBand::Complete))
                },
                label: t.task.name,
            }
        })
        .collect();
    view! {
        <StackedBars caption="Carers per progress band, for each task".into() rows max unit="" />
        <Legend items=ProgressBand::ALL
            .into_iter()
            .zip(BAND_CLASSES)
            .map(|(band, class)| (class, band.label()))
            .collect() />
        <Pager page current=tasks.page total=tasks.total page_size=tasks.page_size what="tasks" />
    }
    .into_any()
}

#[component]
fn CoverageSection() -> impl IntoView {
    let page = RwSignal::new(1i64);
    let live = use_live(&[Topic::Competency, Topic::Package]);
    let chart = Resource::new(
        move || (page.get(), live.get()),
        |(page, _)| coverage_by_package(page),
    );
    view! {
        <section class="card chart-card" data-test="chart-coverage">
            <h2>"Competency coverage per package"</h2>
            <p class="muted">
                "For each task a package needs: how many of its carers hold a confirmed rating of Competent or above."
            </p>
            <Transition fallback=loading>
                {move || {
                    chart
                        .get()
                        .map(|result| match result {
                            Ok(packages) => coverage_view(packages, page),
                            Err(err) => failed(err),
                        })
                }}
            </Transition>
        </section>
    }
}

fn coverage_view(packages: Page<PackageCoverage>, page: RwSignal<i64>) -> AnyView {
    if packages.total == 0 {
        return view! { <p class="muted">"No care packages yet."</p> }.into_any();
    }
    let charts = packages
        .items
        .into_iter()
        .map(|p| {
            let carers = p.carers;
            let heading = format!(
                "{} · {carers} carer{}",
                p.package.name,
                if carers == 1 { "" } else { "s" }
            );
            let body = if p.tasks.is_empty() {
                view! { <p class="muted">"No tasks assigned to this package."</p> }.into_any()
            } else {
                let rows = p
                    .tasks
                    .into_iter()
                    .map(|t| {
                        let missing = carers.saturating_sub(t.competent);
                        BarRow {
                            segments: vec![
                                Segment {
                                    value: u64::from(t.competent),
                                    class: "chart-s3",
                                    title: format!("{}: {} competent", t.task.name, t.competent),
                                },
                                Segment {
                                    value: u64::from(missing),
                                    class: "chart-s0",
                                    title: format!("{}: {missing} not yet competent", t.task.name),
                                },
                            ],
                            note: format!("{} of {carers}", t.competent),
                            label: t.task.name,
                        }
                    })
                    .collect();
                view! {
                    <StackedBars
                        caption=format!("Competent carers per task at {}", p.package.name)
                        rows
                        max=u64::from(carers)
                    />
                }
                .into_any()
            };
            view! {
                <h3 class="chart-subhead">{heading}</h3>
                {body}
            }
        })
        .collect_view();
    view! {
        {charts}
        <Legend items=vec![
            ("chart-s3", "Competent or above (confirmed)"),
            ("chart-s0", "Not yet"),
        ] />
        <Pager
            page
            current=packages.page
            total=packages.total
            page_size=packages.page_size
            what="packages"
        />
    }
    .into_any()
}

#[component]
fn HoursSection() -> impl IntoView {
    let page = RwSignal::new(1i64);
    let live = use_live(&[Topic::Rota, Topic::Shift]);
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    // The period shown: empty (the server's default, four weeks) until one is chosen.
    let shown = RwSignal::new((String::new(), String::new()));
    let chart = Resource::new(
        move || (shown.get(), page.get(), live.get()),
        |((from, to), page, _)| hours_by_carer(from, to, page),
    );
    // The form starts from the period the server chose.
    Effect::new(move |_| {
        if let Some(Ok(chart)) = chart.get()
            && from.get_untracked().is_empty()
            && to.get_untracked().is_empty()
        {
            from.set(chart.from);
            to.set(chart.to);
        }
    });
    let show = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        page.set(1);
        shown.set((from.get_untracked(), to.get_untracked()));
    };
    view! {
        <section class="card chart-card" data-test="chart-hours">
            <h2>"Hours, nights and weekends per carer"</h2>
            <p class="muted">
                "Rota hours for shifts starting in the period, busiest first. Every active carer is listed: a fair rota shares nights and weekends as well as hours."
            </p>
            <form class="form form--inline" on:submit=show data-test="hours-form">
                <label class="field field--inline">
                    <span>"From"</span>
                    <input
                        type="date"
                        data-test="hours-from"
                        prop:value=move || from.get()
                        on:input=move |ev| from.set(event_target_value(&ev))
                    />
                </label>
                <label class="field field--inline">
                    <span>"To"</span>
                    <input
                        type="date"
                        data-test="hours-to"
                        prop:value=move || to.get()
                        on:input=move |ev| to.set(event_target_value(&ev))
                    />
                </label>
                <button class="button" type="submit" data-test="hours-show">
                    "Show"
                </button>
            </form>
            <Transition fallback=loading>
                {move || {
                    chart
                        .get()
                        .map(|result| match result {
                            Ok(chart) => hours_view(chart, page),
                            Err(err) => {
                                view! {
                                    <div
                                        class="alert alert--error"
                                        role="alert"
                                        data-test="hours-error"
                                    >
                                        {err.to_string()}
                                    </div>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}

fn hours_row(row: CarerHours) -> BarRow {
    let mix = row.mix;
    let name = &row.carer.name;
    let share = mix
        .unsocial_percent()
        .map_or(String::new(), |p| format!(" · {p} %"));
    BarRow {
        segments: vec![
            Segment {
                value: u64::try_from(mix.weekday_minutes).unwrap_or(0),
                class: "chart-s1",
                title: format!("{name}: {} h weekday days", hours(mix.weekday_minutes)),
            },
            Segment {
                value: u64::try_from(mix.weekend_minutes).unwrap_or(0),
                class: "chart-s2",
                title: format!("{name}: {} h weekend days", hours(mix.weekend_minutes)),
            },
            Segment {
                value: u64::try_from(mix.night_minutes).unwrap_or(0),
                class: "chart-s3",
                title: format!(
                    "{name}: {} h nights ({} night shift{})",
                    hours(mix.night_minutes),
                    mix.nights,
                    if mix.nights == 1 { "" } else { "s" }
                ),
            },
        ],
        note: format!("{} h{share}", hours(mix.total_minutes())),
        label: row.carer.name,
    }
}

fn hours_view(chart: HoursChart, page: RwSignal<i64>) -> AnyView {
    if chart.carers.total == 0 {
        return view! { <p class="muted">"No active carers."</p> }.into_any();
    }
    let f = chart.fairness;
    let summary = format!(
        "{}: {} carers, {} h each on average; {} h between the most and the fewest hours; {} of worked hours are nights or weekends on average.",
        chart.period,
        f.carers,
        hours(f.mean_minutes),
        hours(f.spread_minutes),
        f.mean_unsocial_percent
            .map_or("none".to_owned(), |p| format!("{p} %")),
    );
    let rows = chart.carers.items.into_iter().map(hours_row).collect();
    let max = u64::try_from(chart.busiest_minutes).unwrap_or(0);
    view! {
        <p data-test="hours-summary">{summary}</p>
        <StackedBars
            caption="Rota hours per carer, split into weekday days, weekend days and nights".into()
            rows
            max
            unit="h"
            scale=60
        />
        <Legend items=vec![
            ("chart-s1", "Weekday days"),
            ("chart-s2", "Weekend days"),
            ("chart-s3", "Nights"),
        ] />
        <p class="muted small">
            "The figure after each bar is the carer's hours, then the share that are nights or weekend days."
        </p>
        <Pager
            page
            current=chart.carers.page
            total=chart.carers.total
            page_size=chart.carers.page_size
            what="carers"
        />
    }
    .into_any()
}

#[component]
fn AssessmentsSection() -> impl IntoView {
    let live = use_live(&[Topic::Assessment]);
    let chart = Resource::new(move || live.get(), |_| assessments_by_month());
    view! {
        <section class="card chart-card" data-test="chart-assessments">
            <h2>"Assessments completed per month"</h2>
            <Transition fallback=loading>
                {move || {
                    chart
                        .get()
                        .map(|result| match result {
                            Ok(months) => assessments_view(months),
                            Err(err) => failed(err),
                        })
                }}
            </Transition>
        </section>
    }
}

fn assessments_view(months: Vec<MonthCount>) -> AnyView {
    let total: u32 = months.iter().map(|m| m.completed).sum();
    let columns = months
        .into_iter()
        .map(|m| (m.month.label(), u64::from(m.completed)))
        .collect();
    view! {
        <p class="muted" data-test="assessments-total">
            {format!("{total} in the last {} months.", super::api::MONTHS)}
        </p>
        <Columns caption="Assessments completed in each of the last twelve months".into() columns />
    }
    .into_any()
}
