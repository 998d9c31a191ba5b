//! Progress page 2, the assessment workflow: who is ready, what is in progress or
//! waiting for approval, what is done; filtered by status, carer and template. Ready
//! rows start the assessment, the others open it. The list refetches every 10 s, so a
//! carer who just became ready appears without a reload.

use super::api::{AssessmentFilter, AssessmentRow, StartAssessment, assessments};
use crate::assessments::templates::api::assessment_templates;
use crate::identity::use_can;
use crate::wire::Page;
use crate::{
    care::api::carer_choices,
    components::pager::Pager,
    live::{Topic, use_live},
};
use caretrack::{conduct::AssessmentStatus, permissions::Permission};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

/// The four progress pages, as tabs above each.
#[component]
pub fn ProgressTabs(current: &'static str) -> impl IntoView {
    let tabs = [
        (Permission::ViewProgress, "/admin/progress", "Overview"),
        (
            Permission::ConductAssessments,
            "/admin/progress/assessments",
            "Assessments",
        ),
        (
            Permission::ManageRatings,
            "/admin/progress/ratings",
            "Manual ratings",
        ),
        (
            Permission::ResolveDisputes,
            "/admin/progress/confirmations",
            "Confirmations",
        ),
    ];
    let allowed = tabs.map(|(permission, _, _)| use_can(permission));
    view! {
        <nav class="tabs" aria-label="Progress pages">
            // Who may open which page comes from the signed-in person (a resource).
            <Transition fallback=|| ()>
                {move || {
                    tabs.iter()
                        .zip(allowed)
                        .filter(|((_, href, _), allowed)| allowed.get() || *href == current)
                        .map(|((_, href, label), _)| {
                            let here = *href == current;
                            view! {
                                <a class="tab" aria-current=here.then_some("page") href=*href>
                                    {*label}
                                </a>
                            }
                        })
                        .collect_view()
                }}
            </Transition>
        </nav>
    }
}

#[component]
pub fn AssessmentsPage() -> impl IntoView {
    let page = RwSignal::new(1i64);
    let filter = RwSignal::new(AssessmentFilter::default());
    let tick = use_live(&[Topic::Assessment, Topic::TaskProgress, Topic::Rating]);
    let list = Resource::new(
        move || (filter.get(), page.get(), tick.get()),
        |(filter, page, _)| assessments(filter, page),
    );
    let carers = Resource::new(|| (), |_| carer_choices());
    let templates = Resource::new(|| (), |_| assessment_templates(1));
    let set_filter = move |change: &dyn Fn(&mut AssessmentFilter)| {
        filter.update(|f| change(f));
        page.set(1);
    };
    // Held by the page, not the row: the list refetches on every live event (starting an
    // assessment sends one), and a row drawn again must not lose the start it sent.
    let start = Starting {
        action: ServerAction::<StartAssessment>::new(),
        id: RwSignal::new(None),
    };
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = start.action.value().get()
            && let Some(id) = start.id.get_untracked()
        {
            navigate(&format!("/admin/assessments/{id}"), Default::default());
        }
    });
    view! {
        <Title text="Assessments" />
        <div class="page-header">
            <div>
                <h1>"Progress"</h1>
                <p class="muted">
                    "Carers become ready for an assessment when their practice reaches every covered task's target."
                </p>
            </div>
        </div>
        <ProgressTabs current="/admin/progress/assessments" />
        <div class="filters">
            <label class="field field--inline">
                <span>"Status"</span>
                <select
                    data-test="filter-status"
                    on:change=move |ev| {
                        let status = event_target_value(&ev).parse().ok();
                        set_filter(&|f| f.status = status);
                    }
                >
                    <option value="">"Any"</option>
                    {AssessmentStatus::ALL
                        .iter()
                        .map(|s| view! { <option value=s.as_str()>{s.label()}</option> })
                        .collect_view()}
                </select>
            </label>
            <Transition fallback=|| ()>
                {move || {
                    carers
                        .get()
                        .and_then(Result::ok)
                        .map(|list| {
                            view! {
                                <label class="field field--inline">
                                    <span>"Carer"</span>
                                    <select
                                        data-test="filter-carer"
                                        on:change=move |ev| {
                                            let carer = event_target_value(&ev).parse().ok();
                                            set_filter(&|f| f.carer = carer);
                                        }
                                    >
                                        <option value="">"Anyone"</option>
                                        {list
                                            .into_iter()
                                            .map(|c| {
                                                view! { <option value=c.id.to_string()>{c.name}</option> }
                                            })
                                            .collect_view()}
                                    </select>
                                </label>
                            }
                        })
                }}
                {move || {
                    templates
                        .get()
                        .and_then(Result::ok)
                        .map(|list| {
                            view! {
                                <label class="field field--inline">
                                    <span>"Template"</span>
                                    <select
                                        data-test="filter-template"
                                        on:change=move |ev| {
                                            let template = Some(event_target_value(&ev))
                                                .filter(|t| !t.is_empty());
                                            set_filter(&|f| f.template = template.clone());
                                        }
                                    >
                                        <option value="">"Any"</option>
                                        {list
                                            .items
                                            .into_iter()
                                            .map(|t| {
                                                view! { <option value=t.id.to_string()>{t.title}</option> }
                                            })
                                            .collect_view()}
                                    </select>
                                </label>
                            }
                        })
                }}
            </Transition>
        </div>
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                list.get()
                    .map(|result| match result {
                        Ok(list) => view! { <AssessmentTable list page start /> }.into_any(),
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
fn AssessmentTable(
    list: Page<AssessmentRow>,
    page: RwSignal<i64>,
    start: Starting,
) -> impl IntoView {
    if list.total == 0 {
        return view! {
            <p class="card muted" data-test="no-assessments">
                "No assessments match."
            </p>
        }
        .into_any();
    }
    view! {
        <table class="table" data-test="assessments">
            <thead>
                <tr>
                    <th scope="col">"Carer"</th>
                    <th scope="col">"Assessment"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Ready since"</th>
                    <th scope="col">"Assessor"</th>
                    <th scope="col">"Result"</th>
                    <th scope="col">
                        <span class="visually-hidden">"Action"</span>
                    </th>
                </tr>
            </thead>
            <tbody>
                {list.items.into_iter().map(|row| view! { <Row row start /> }).collect_view()}
            </tbody>
        </table>
        <Pager
            page
            current=list.page
            total=list.total
            page_size=list.page_size
            what="assessments"
        />
    }
    .into_any()
}

/// The start of an assessment the page is waiting for: which one, and its answer.
#[derive(Clone, Copy)]
struct Starting {
    action: ServerAction<StartAssessment>,
    id: RwSignal<Option<caretrack::ids::AssessmentId>>,
}

#[component]
fn Row(row: AssessmentRow, start: Starting) -> impl IntoView {
    let href = format!("/admin/assessments/{}", row.id);
    let this = row.id;
    let is_this = move || start.id.get() == Some(this);
    let result = match (row.final_level, row.score.clone()) {
        (Some(level), Some(score)) => format!("{} ({score})", level.label()),
        _ => String::new(),
    };
    let id = row.id;
    let action = match row.status {
        AssessmentStatus::Ready => view! {
            <button
                class="button button--primary"
                type="button"
                data-test="start-assessment"
                disabled=move || start.action.pending().get()
                on:click=move |_| {
                    start.id.set(Some(id));
                    start.action.dispatch(StartAssessment { id });
                }
            >
                "Start"
            </button>
        }
        .into_any(),
        AssessmentStatus::InProgress | AssessmentStatus::Returned => view! {
            <a class="button" href=href.clone() data-test="resume-assessment">
                "Resume"
            </a>
        }
        .into_any(),
        _ => view! {
            <a class="button" href=href.clone()>
                "Open"
            </a>
        }
        .into_any(),
    };
    let (carer, carer_attr) = (row.carer.name.clone(), row.carer.name);
    view! {
        <tr data-test="assessment" data-carer=carer_attr data-status=row.status.as_str()>
            <th scope="row">{carer}</th>
            <td>{format!("{} (v{})", row.title, row.version)}</td>
            <td>
                <span class="badge">{row.status.label()}</span>
            </td>
            <td>{row.ready_at}</td>
            <td>{row.assessor.unwrap_or_default()}</td>
            <td>{result}</td>
            <td>
                {action}
                {move || {
                    is_this()
                        .then(|| start.action.value().get().and_then(Result::err))
                        .flatten()
                        .map(|err| {
                            view! {
                                <p class="field-error" role="alert">
                                    {err.to_string()}
                                </p>
                            }
                        })
                }}
            </td>
        </tr>
    }
}
