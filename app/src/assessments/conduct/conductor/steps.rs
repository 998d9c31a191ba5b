//! The conductor's steps: knowledge → practical skills → emergency scenarios, item by
//! item, with the score as it stands and the save line.

use crate::assessments::conduct::api::{ConductView, assessment_draft};
use crate::assessments::conduct::conductor_page::heading;
use crate::components::{local_store, ticker::use_ticker};
use caretrack::{
    CompetencyLevel,
    assessment::{ScoringError, Section, Thresholds, WeightedScore, Weights},
    conduct::{Response, Step, suggestion},
};
use leptos::{prelude::*, task::spawn_local};
use std::time::Duration;

use {
    crate::assessments::conduct::conductor::draft::{Draft, ItemState, SaveStatus},
    crate::assessments::conduct::conductor::evidence::EvidenceList,
    crate::assessments::conduct::conductor::review::ReviewStep,
};

#[component]
pub(in crate::assessments) fn Conductor(
    detail: ConductView,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let stored = detail.draft.clone();
    let items: Vec<ItemState> = detail
        .items
        .iter()
        .map(|item| {
            let saved = stored.items.iter().find(|s| s.item_id == item.id);
            ItemState {
                item: StoredValue::new(item.clone()),
                response: RwSignal::new(saved.map(|s| s.response.clone()).unwrap_or_default()),
                known: RwSignal::new(saved.map_or(0, |s| s.revision)),
                dirty: RwSignal::new(false),
                updated_by: RwSignal::new(saved.and_then(|s| s.updated_by.clone())),
            }
        })
        .collect();
    let draft = Draft {
        id: StoredValue::new(detail.id),
        device: StoredValue::new(local_store::device_id()),
        items: StoredValue::new(items),
        review: RwSignal::new(stored.review.form.clone()),
        review_known: RwSignal::new(stored.review.revision),
        review_dirty: RwSignal::new(false),
        step: RwSignal::new(detail.step),
        step_dirty: RwSignal::new(false),
        saving: RwSignal::new(false),
        again: RwSignal::new(false),
        status: RwSignal::new(SaveStatus::Saved),
        notice: RwSignal::new(None),
        generation: StoredValue::new(0),
    };
    // In the browser only: what this device kept, then polling for other devices' edits.
    Effect::new(move |_| draft.restore_backup());
    let tick = use_ticker(Duration::from_secs(10));
    Effect::new(move |previous: Option<()>| {
        tick.track();
        if previous.is_none() || draft.saving.get_untracked() || draft.anything_dirty() {
            return;
        }
        spawn_local(async move {
            if let Ok(stored) = assessment_draft(draft.id.get_value()).await
                && !draft.saving.get_untracked()
            {
                draft.merge(stored, &[]);
            }
        });
    });

    let (weights, scale_max, thresholds) =
        (detail.weights, detail.scale_max, detail.thresholds.clone());
    let preview = Memo::new(move |_| score_now(draft, weights, scale_max, &thresholds));
    let go = move |to: Step| {
        draft.step.set(to);
        draft.step_dirty.set(true);
        draft.changed();
        window().scroll_to_with_x_and_y(0.0, 0.0);
    };
    let evidence = RwSignal::new(detail.evidence.clone());
    let assessment_id = detail.id;
    let approval_required = detail.approval_required;
    let carer = detail.carer.name.clone();
    let returned = detail.returned_comments.clone().map(|comments| {
        view! {
            <div class="alert alert--warning" role="status" data-test="returned">
                <strong>"Returned by the approver: "</strong>
                {comments}
            </div>
        }
    });
    view! {
        {heading(&detail)}
        {returned}
        <SaveLine draft />
        <nav class="steps" aria-label="Steps">
            {Step::ALL
                .iter()
                .map(|&s| {
                    let count = move || settled_of(draft, s);
                    view! {
                        <button type="button" class="step" class:step--current=move || draft.step.get() == s
                        aria-current=move || (draft.step.get() == s).then_some("step")
                        data-test=format!("step-{}", s.as_str().to_lowercase())
                        on:click=move |_| go(s)>
                        <span class="step__number">{s.number()}</span>
                        <span>{s.label()}</span>
                        <span class="muted small">{count}</span>
                    </button>
                    }
                })
                .collect_view()}
        </nav>
        {move || {
            let step = draft.step.get();
            let body = match step.section() {
                Some(section) => {
                    let cards = draft
                        .items
                        .with_value(|items| {
                            items
                                .iter()
                                .copied()
                                .filter(|s| s.item.with_value(|i| i.section == section))
                                .map(|state| view! { <ItemCard state scale_max draft /> })
                                .collect_view()
                        });
                    view! {
                        <section data-test="conduct-section" data-section=section.as_str()>
                            <h2>{format!("Step {} of 4: {}", step.number(), step.label())}</h2>
                            {cards}
                        </section>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <ReviewStep draft preview carer=carer.clone() approval_required reload />
                        <EvidenceList id=assessment_id evidence editable=true />
                    }
                        .into_any()
                }
            };
            view! {
                {body}
                <div class="actions">
                    {step
                        .previous()
                        .map(|back| {
                            view! {
                                <button
                                    class="button"
                                    type="button"
                                    data-test="step-back"
                                    on:click=move |_| go(back)
                                >
                                    "Back"
                                </button>
                            }
                        })}
                    {step
                        .next()
                        .map(|next| {
                            view! {
                                <button
                                    class="button button--primary"
                                    type="button"
                                    data-test="step-next"
                                    on:click=move |_| go(next)
                                >
                                    {format!("Next: {}", next.label())}
                                </button>
                            }
                        })}
                </div>
            }
        }}
    }
}

pub(in crate::assessments) fn score_now(
    draft: Draft,
    weights: Weights,
    scale_max: u8,
    thresholds: &Thresholds,
) -> Result<(WeightedScore, CompetencyLevel), ScoringError> {
    let pairs: Vec<_> = draft.items.with_value(|items| {
        items
            .iter()
            .map(|s| (s.item.with_value(|i| i.rule), s.response.get()))
            .collect()
    });
    suggestion(weights, scale_max, thresholds, pairs)
}

/// "3 of 4 scored" for a section's step.
pub(in crate::assessments) fn settled_of(draft: Draft, step: Step) -> String {
    let Some(section) = step.section() else {
        return String::new();
    };
    let (done, all) = draft.items.with_value(|items| {
        items
            .iter()
            .filter(|s| s.item.with_value(|i| i.section == section))
            .fold((0, 0), |(done, all), s| {
                (
                    done + usize::from(s.response.with(Response::is_settled)),
                    all + 1,
                )
            })
    });
    format!("{done} of {all} scored")
}

#[component]
pub(in crate::assessments) fn SaveLine(draft: Draft) -> impl IntoView {
    view! {
        <div class="save-line" aria-live="polite" data-test="save-status">
            {move || match draft.status.get() {
                SaveStatus::Saved => {
                    view! { <span class="muted">"All changes saved"</span> }.into_any()
                }
                SaveStatus::Waiting | SaveStatus::Saving => {
                    view! { <span class="muted">"Saving…"</span> }.into_any()
                }
                SaveStatus::Offline => {
                    view! {
                        <span class="alert alert--warning">
                            "Offline: your answers are kept on this device and saved when the connection returns."
                        </span>
                    }
                        .into_any()
                }
                SaveStatus::Refused(message) => {
                    view! {
                        <span class="alert alert--error" role="alert">
                            {message}
                        </span>
                    }
                        .into_any()
                }
            }}
            {move || {
                draft
                    .notice
                    .get()
                    .map(|notice| {
                        view! {
                            <p class="alert alert--info" data-test="draft-notice">
                                {notice}
                                " "
                                <button
                                    class="button button--link"
                                    type="button"
                                    on:click=move |_| draft.notice.set(None)
                                >
                                    "Dismiss"
                                </button>
                            </p>
                        }
                    })
            }}
        </div>
    }
}

#[component]
pub(in crate::assessments) fn ItemCard(
    state: ItemState,
    scale_max: u8,
    draft: Draft,
) -> impl IntoView {
    let item = state.item.get_value();
    let edit = move |change: &dyn Fn(&mut Response)| {
        state.response.update(|r| change(r));
        state.dirty.set(true);
        draft.changed();
    };
    let answer_label = match item.section {
        Section::Knowledge => "The carer's answer",
        Section::Practical => "What you observed",
        Section::Emergency => "The carer's response",
    };
    let name = format!("score-{}", item.id);
    view! {
        <article class="card conduct-item" data-test="conduct-item" data-prompt=item.prompt.clone()>
            <h3>{format!("{}. {}", item.position, item.prompt)}</h3>
            {item
                .model_answer
                .clone()
                .filter(|a| !a.trim().is_empty())
                .map(|answer| {
                    view! {
                        <details class="model-answer" open>
                            <summary>"Model answer (assessor only)"</summary>
                            <p>{answer}</p>
                        </details>
                    }
                })}
            <label class="field">
                <span>{answer_label}</span>
                <textarea
                    rows="3"
                    data-test="answer"
                    prop:value=move || state.response.with(|r| r.answer.clone())
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        edit(&|r| r.answer = value.clone());
                    }
                ></textarea>
            </label>
            <fieldset class="score-choice">
                <legend>{format!("Score (0 to {scale_max})")}</legend>
                {(0..=scale_max)
                    .map(|n| {
                        view! {
                            <label class="score-choice__option">
                                <input
                                    type="radio"
                                    name=name.clone()
                                    value=n.to_string()
                                    data-test=format!("score-{n}")
                                    prop:checked=move || state.response.with(|r| r.score == Some(n))
                                    on:change=move |_| edit(
                                        &|r| {
                                            r.score = Some(n);
                                            r.not_applicable = false;
                                        },
                                    )
                                />
                                <span>{n}</span>
                            </label>
                        }
                    })
                    .collect_view()}
                {item
                    .rule
                    .allows_not_applicable
                    .then(|| {
                        view! {
                            <label class="score-choice__option score-choice__option--wide">
                                <input
                                    type="checkbox"
                                    data-test="not-applicable"
                                    prop:checked=move || state.response.with(|r| r.not_applicable)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        edit(
                                            &|r| {
                                                r.not_applicable = on;
                                                if on {
                                                    r.score = None;
                                                }
                                            },
                                        );
                                    }
                                />
                                <span>"Not applicable"</span>
                            </label>
                        }
                    })}
            </fieldset>
            {move || {
                state
                    .updated_by
                    .get()
                    .map(|by| view! { <p class="muted small">{format!("Last saved by {by}")}</p> })
            }}
        </article>
    }
}
