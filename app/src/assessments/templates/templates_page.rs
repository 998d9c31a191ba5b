//! Assessment templates for care managers: the list, and the editor (sections with
//! their items, weights, scale, pass thresholds, review interval, covered tasks). The
//! editor checks the form with the domain core's `TemplateDraft::parse` before sending
//! it, the same check the server makes; every save is a new version.

use super::api::{TemplateSummary, assessment_templates};
use crate::components::pager::Pager;
use crate::wire::Page;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TemplatesPage() -> impl IntoView {
    let page = RwSignal::new(1i64);
    let templates = Resource::new(move || page.get(), assessment_templates);
    view! {
        <Title text="Assessment templates" />
        <div class="page-header">
            <div>
                <h1>"Assessment templates"</h1>
                <p class="muted">
                    "What an assessor asks and observes, how it is scored, and which tasks it covers. A carer's assessment becomes ready when they reach 100 % on every task it covers."
                </p>
            </div>
            <a
                class="button button--primary"
                href="/admin/assessments/templates/new"
                data-test="new-template"
            >
                "New template"
            </a>
        </div>
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                templates
                    .get()
                    .map(|result| match result {
                        Ok(list) => view! { <TemplateTable list page /> }.into_any(),
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
fn TemplateTable(list: Page<TemplateSummary>, page: RwSignal<i64>) -> impl IntoView {
    if list.total == 0 {
        return view! {
            <p class="card muted" data-test="no-templates">
                "No templates yet."
            </p>
        }
        .into_any();
    }
    view! {
        <table class="table" data-test="templates">
            <thead>
                <tr>
                    <th scope="col">"Title"</th>
                    <th scope="col">"Covers"</th>
                    <th scope="col" class="numeric">
                        "Items"
                    </th>
                    <th scope="col" class="numeric">
                        "Version"
                    </th>
                </tr>
            </thead>
            <tbody>
                {list
                    .items
                    .into_iter()
                    .map(|t| {
                        let (href, name) = (
                            format!("/admin/assessments/templates/{}", t.id),
                            t.title.clone(),
                        );
                        view! {
                            <tr data-test="template" data-title=name>
                                <th scope="row">
                                    <a href=href>{t.title}</a>
                                </th>
                                <td>{t.tasks.join(", ")}</td>
                                <td class="numeric">{t.items}</td>
                                <td class="numeric">{t.version}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <Pager page current=list.page total=list.total page_size=list.page_size what="templates" />
    }
    .into_any()
}
