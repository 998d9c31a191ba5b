//! `/admin/assessments/templates/:id`: one template's editor (sections of items, weights,
//! the scale, thresholds, covered tasks), checked in the browser first, and deleting it.

use super::api::{
    SaveAssessmentTemplate, TemplateDetail, assessment_template, delete_assessment_template,
};
use crate::wire::Named;
use crate::{
    care::api::task_choices,
    components::toast::{ToastKind, use_toasts},
};
use caretrack::{
    assessment::{ItemForm, Section, TemplateDraft, TemplateForm, Thresholds},
    ids::TaskId,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};
use std::collections::BTreeSet;

/// `/admin/assessments/templates/:id`, where `new` starts a template.
#[component]
pub fn TemplatePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").filter(|id| id != "new");
    // Bumped by each save, so the page shows the version just written.
    let saved = RwSignal::new(0u32);
    let detail = Resource::new(
        move || (id(), saved.get()),
        |(id, _)| async move {
            match id {
                Some(id) => match id.parse() {
                    Ok(id) => assessment_template(id).await.map(Some),
                    Err(_) => Err(crate::error::AppError::NotFound(
                        "The assessment template".into(),
                    )),
                },
                None => Ok(None),
            }
        },
    );
    let tasks = Resource::new(|| (), |_| task_choices());
    view! {
        <Title text="Assessment template" />
        <p>
            <a href="/admin/assessments/templates">"← Assessment templates"</a>
        </p>
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || match (detail.get(), tasks.get()) {
                (Some(Ok(detail)), Some(Ok(tasks))) => {
                    view! { <TemplateEditor detail tasks saved /> }.into_any()
                }
                (Some(Err(err)), _) | (_, Some(Err(err))) => {
                    view! {
                        <div class="alert alert--error" role="alert">
                            {err.to_string()}
                        </div>
                    }
                        .into_any()
                }
                _ => ().into_any(),
            }}
        </Transition>
    }
}

/// One item row: its own signals, so typing in it does not redraw the others.
#[derive(Clone, Copy)]
struct ItemRow {
    key: u64,
    prompt: RwSignal<String>,
    answer: RwSignal<String>,
    not_applicable: RwSignal<bool>,
}

impl ItemRow {
    fn new(key: u64, item: ItemForm) -> Self {
        Self {
            key,
            prompt: RwSignal::new(item.prompt),
            answer: RwSignal::new(item.model_answer),
            not_applicable: RwSignal::new(item.allows_not_applicable),
        }
    }

    fn form(self) -> ItemForm {
        ItemForm {
            prompt: self.prompt.get(),
            model_answer: self.answer.get(),
            allows_not_applicable: self.not_applicable.get(),
        }
    }
}

#[component]
fn TemplateEditor(
    detail: Option<TemplateDetail>,
    tasks: Vec<Named<TaskId>>,
    saved: RwSignal<u32>,
) -> impl IntoView {
    let toasts = use_toasts();
    let navigate = use_navigate();
    let id = detail.as_ref().map(|d| d.id);
    let delete_id = id;
    let heading = detail.as_ref().map_or_else(
        || "New assessment template".to_owned(),
        |d| format!("{} (version {})", d.form.title, d.version),
    );
    let chosen: RwSignal<BTreeSet<TaskId>> = RwSignal::new(
        detail
            .as_ref()
            .map(|d| d.tasks.iter().map(|t| t.id).collect())
            .unwrap_or_default(),
    );
    let start = detail.map(|d| d.form).unwrap_or_else(|| TemplateForm {
        knowledge_weight: "30".into(),
        practical_weight: "50".into(),
        emergency_weight: "20".into(),
        score_scale_max: "4".into(),
        thresholds: ["40".into(), "60".into(), "80".into(), "95".into()],
        ..TemplateForm::default()
    });
    let text = |value: &str| RwSignal::new(value.to_owned());
    let title = text(&start.title);
    let description = text(&start.description);
    let weights = [
        text(&start.knowledge_weight),
        text(&start.practical_weight),
        text(&start.emergency_weight),
    ];
    let scale = text(&start.score_scale_max);
    let thresholds = start.thresholds.clone().map(|t| RwSignal::new(t));
    let review = text(&start.review_months);
    let next_key = StoredValue::new(0u64);
    let rows = |items: Vec<ItemForm>| {
        let rows: Vec<ItemRow> = items
            .into_iter()
            .map(|item| {
                let key = next_key.get_value();
                next_key.set_value(key + 1);
                ItemRow::new(key, item)
            })
            .collect();
        RwSignal::new(rows)
    };
    let sections = [
        (Section::Knowledge, rows(start.knowledge)),
        (Section::Practical, rows(start.practical)),
        (Section::Emergency, rows(start.emergency)),
    ];
    let form = move || TemplateForm {
        title: title.get(),
        description: description.get(),
        knowledge_weight: weights[0].get(),
        practical_weight: weights[1].get(),
        emergency_weight: weights[2].get(),
        score_scale_max: scale.get(),
        thresholds: thresholds.map(|t| t.get()),
        review_months: review.get(),
        knowledge: sections[0].1.get().into_iter().map(ItemRow::form).collect(),
        practical: sections[1].1.get().into_iter().map(ItemRow::form).collect(),
        emergency: sections[2].1.get().into_iter().map(ItemRow::form).collect(),
    };
    let save = ServerAction::<SaveAssessmentTemplate>::new();
    // The browser's own check (the server's, compiled to WASM) before sending.
    let checked: RwSignal<Option<String>> = RwSignal::new(None);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = form();
        if let Err(err) = TemplateDraft::parse(&form) {
            checked.set(Some(err.message));
            return;
        }
        if chosen.read().is_empty() {
            checked.set(Some("Choose the tasks this assessment covers".into()));
            return;
        }
        checked.set(None);
        save.dispatch(SaveAssessmentTemplate {
            id,
            form,
            task_ids: chosen.get().into_iter().collect(),
        });
    };
    Effect::new(move |_| match save.value().get() {
        Some(Ok(template_id)) => {
            toasts.show(ToastKind::Success, "Saved as a new version");
            saved.update(|n| *n += 1);
            navigate(
                &format!("/admin/assessments/templates/{template_id}"),
                Default::default(),
            );
        }
        Some(Err(err)) => checked.set(Some(err.to_string())),
        None => {}
    });
    let number = move |label: &'static str, signal: RwSignal<String>, test: &'static str| {
        view! {
            <label class="field field--inline">
                <span>{label}</span>
                <input
                    type="number"
                    inputmode="numeric"
                    data-test=test
                    prop:value=move || signal.get()
                    on:input=move |ev| signal.set(event_target_value(&ev))
                />
            </label>
        }
    };
    view! {
        <h1>{heading}</h1>
        <form class="card stack" data-test="template-form" on:submit=submit novalidate>
            <label class="field">
                <span>"Title"</span>
                <input
                    type="text"
                    data-test="template-title"
                    prop:value=move || title.get()
                    on:input=move |ev| title.set(event_target_value(&ev))
                />
            </label>
            <label class="field">
                <span>"Description"</span>
                <textarea
                    rows="2"
                    prop:value=move || description.get()
                    on:input=move |ev| description.set(event_target_value(&ev))
                ></textarea>
            </label>
            <fieldset>
                <legend>"Covers these tasks"</legend>
                {tasks
                    .into_iter()
                    .map(|task| {
                        let id = task.id;
                        view! {
                            <label class="checkbox">
                                <input
                                    type="checkbox"
                                    data-test="template-task"
                                    data-name=task.name.clone()
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
                                " "
                                {task.name}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <fieldset>
                <legend>"Scoring"</legend>
                {number("Knowledge weight (%)", weights[0], "weight-knowledge")}
                {number("Practical weight (%)", weights[1], "weight-practical")}
                {number("Emergency weight (%)", weights[2], "weight-emergency")}
                {number("Items scored from 0 to", scale, "scale")}
                {Thresholds::LEVELS
                    .into_iter()
                    .zip(thresholds)
                    .map(|(level, signal)| {
                        view! {
                            <label class="field field--inline">
                                <span>{format!("{} from (%)", level.label())}</span>
                                <input
                                    type="number"
                                    inputmode="numeric"
                                    prop:value=move || signal.get()
                                    on:input=move |ev| signal.set(event_target_value(&ev))
                                />
                            </label>
                        }
                    })
                    .collect_view()}
                {number("Review after (months; blank for none)", review, "review-months")}
            </fieldset>
            {sections
                .map(|(section, rows)| view! { <SectionItems section rows next_key /> })
                .collect_view()}
            {move || {
                checked
                    .get()
                    .map(|message| {
                        view! {
                            <div class="alert alert--error" role="alert" data-test="template-error">
                                {message}
                            </div>
                        }
                    })
            }}
            <button
                class="button button--primary"
                type="submit"
                disabled=move || save.pending().get()
            >
                "Save template"
            </button>
        </form>
        {delete_id.map(|id| view! { <DeleteTemplate id /> })}
    }
}

#[component]
fn SectionItems(
    section: Section,
    rows: RwSignal<Vec<ItemRow>>,
    next_key: StoredValue<u64>,
) -> impl IntoView {
    let practical = section == Section::Practical;
    let add = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        rows.update(|rows| rows.push(ItemRow::new(key, ItemForm::default())));
    };
    view! {
        <fieldset data-test="section" data-section=section.as_str()>
            <legend>{section.label()}</legend>
            <For each=move || rows.get() key=|row| row.key let(row)>
                <div class="card stack" data-test="item">
                    <label class="field">
                        <span>{if practical { "Skill observed" } else { "Question" }}</span>
                        <input
                            type="text"
                            data-test="item-prompt"
                            prop:value=move || row.prompt.get()
                            on:input=move |ev| row.prompt.set(event_target_value(&ev))
                        />
                    </label>
                    {if practical {
                        view! {
                            <label class="checkbox">
                                <input
                                    type="checkbox"
                                    prop:checked=move || row.not_applicable.get()
                                    on:change=move |ev| {
                                        row.not_applicable.set(event_target_checked(&ev))
                                    }
                                />
                                " May be marked not applicable"
                            </label>
                        }
                            .into_any()
                    } else {
                        view! {
                            <label class="field">
                                <span>"Model answer (shown to the assessor only)"</span>
                                <textarea
                                    rows="2"
                                    data-test="item-answer"
                                    prop:value=move || row.answer.get()
                                    on:input=move |ev| row.answer.set(event_target_value(&ev))
                                ></textarea>
                            </label>
                        }
                            .into_any()
                    }}
                    <button
                        class="button"
                        type="button"
                        on:click=move |_| rows.update(|rows| rows.retain(|r| r.key != row.key))
                    >
                        "Remove"
                    </button>
                </div>
            </For>
            <button class="button" type="button" data-test="add-item" on:click=add>
                {format!("Add to {}", section.label().to_lowercase())}
            </button>
        </fieldset>
    }
}

/// Deleting a template, after asking: it goes to the recycle bin and lets go of its tasks.
#[component]
fn DeleteTemplate(id: caretrack::ids::AssessmentTemplateId) -> impl IntoView {
    let toasts = use_toasts();
    let navigate = use_navigate();
    let asking = RwSignal::new(false);
    let delete = Action::new(move |id: &caretrack::ids::AssessmentTemplateId| {
        delete_assessment_template(*id)
    });
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(())) => {
            toasts.show(ToastKind::Success, "Moved to the recycle bin");
            navigate("/admin/assessments/templates", Default::default());
        }
        Some(Err(err)) => toasts.show(ToastKind::Error, err.to_string()),
        None => {}
    });
    let id = StoredValue::new(id);
    view! {
        <div class="actions">
            <Show
                when=move || asking.get()
                fallback=move || {
                    view! {
                        <button
                            class="button button--danger"
                            type="button"
                            data-test="delete-template"
                            on:click=move |_| asking.set(true)
                        >
                            "Delete template…"
                        </button>
                    }
                }
            >
                <div class="confirm" role="alert">
                    "Delete this template? It goes to the recycle bin and its tasks are free for another template; completed assessments keep their record. "
                    <button
                        class="button button--danger"
                        type="button"
                        data-test="confirm-delete-template"
                        on:click=move |_| {
                            asking.set(false);
                            delete.dispatch(id.get_value());
                        }
                    >
                        "Delete"
                    </button>
                    <button class="button" type="button" on:click=move |_| asking.set(false)>
                        "Cancel"
                    </button>
                </div>
            </Show>
        </div>
    }
}
