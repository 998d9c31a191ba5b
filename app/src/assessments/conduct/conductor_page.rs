//! The conductor (`/admin/assessments/:id`; assessors and care managers, tablet first):
//! knowledge → practical skills → emergency scenarios → review and rating.
//!
//! Every change autosaves (debounced) as the draft on the server, and until the server
//! has it, in this browser's local storage too: a reload or a dropped connection loses
//! nothing, and another device picks the draft up. Last write wins per item; a save that
//! replaced another device's newer edit says so, and edits arriving from another device
//! (seen on save, or by polling every 10 s) are shown with a notice. The score and the
//! suggested level are worked out here by the domain core, the same code the server
//! runs on submission.

use super::api::{ConductView, DecideAssessment, Outcome, StartAssessment, assessment_for_conduct};
use super::conductor::{Conductor, EvidenceList};
use caretrack::conduct::AssessmentStatus;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ConductPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let reload = RwSignal::new(0u32);
    let detail = Resource::new(
        move || (id(), reload.get()),
        |(id, _)| async move {
            match id.parse() {
                Ok(id) => assessment_for_conduct(id).await,
                Err(_) => Err(crate::error::AppError::NotFound("The assessment".into())),
            }
        },
    );
    view! {
        <Title text="Assessment" />
        <p>
            <a href="/admin/progress/assessments">"← Assessments"</a>
        </p>
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                detail
                    .get()
                    .map(|result| match result {
                        Ok(view) if view.status.is_editable() && view.conducting => {
                            view! { <Conductor detail=view reload /> }.into_any()
                        }
                        Ok(view) => view! { <Overview detail=view reload /> }.into_any(),
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

pub(in crate::assessments) fn heading(detail: &ConductView) -> impl IntoView + use<> {
    view! {
        <div class="page-header">
            <div>
                <h1>{format!("{}: {}", detail.title, detail.carer.name)}</h1>
                <p class="muted">
                    {format!(
                        "Version {} · {} · covers {}",
                        detail.version,
                        detail.status.label(),
                        detail.tasks.join(", "),
                    )}
                </p>
            </div>
        </div>
    }
}

/// An assessment not open for changes by the viewer: ready to start, being conducted by
/// someone else (who may be taken over from), or submitted.
#[component]
fn Overview(detail: ConductView, reload: RwSignal<u32>) -> impl IntoView {
    let start = ServerAction::<StartAssessment>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = start.value().get() {
            reload.update(|n| *n += 1);
        }
    });
    let id = detail.id;
    let taking_over = RwSignal::new(false);
    let refusal = move || {
        start.value().get().and_then(Result::err).map(|err| {
            view! {
                <p class="field-error" role="alert">
                    {err.to_string()}
                </p>
            }
        })
    };
    let body = match (detail.status, detail.outcome.clone()) {
        (status, _) if status.is_editable() => view! {
            <div class="card" data-test="conducted-by-another">
                <p>
                    {format!(
                        "{} is conducting this assessment. Taking it over makes you its assessor; it is recorded, and you cannot then approve it.",
                        detail.assessor.clone().unwrap_or_else(|| "Another assessor".into()),
                    )}
                </p>
                {move || {
                    if taking_over.get() {
                        view! {
                            <div
                                class="confirm"
                                role="alertdialog"
                                aria-label="Confirm taking over"
                            >
                                <p>"Take this assessment over?"</p>
                                <button
                                    class="button button--primary"
                                    type="button"
                                    data-test="confirm-take-over"
                                    disabled=move || start.pending().get()
                                    on:click=move |_| {
                                        start.dispatch(StartAssessment { id });
                                    }
                                >
                                    "Yes, take it over"
                                </button>
                                <button
                                    class="button"
                                    type="button"
                                    on:click=move |_| taking_over.set(false)
                                >
                                    "Cancel"
                                </button>
                            </div>
                        }
                            .into_any()
                    } else {
                        view! {
                            <button
                                class="button"
                                type="button"
                                data-test="take-over"
                                on:click=move |_| taking_over.set(true)
                            >
                                "Take it over"
                            </button>
                        }
                            .into_any()
                    }
                }}
                {refusal}
            </div>
        }
        .into_any(),
        (AssessmentStatus::Ready, _) => view! {
            <div class="card">
                <p>{format!("{} is ready for this assessment.", detail.carer.name)}</p>
                <button
                    class="button button--primary"
                    type="button"
                    data-test="start-assessment"
                    on:click=move |_| {
                        start.dispatch(StartAssessment { id });
                    }
                >
                    "Start the assessment"
                </button>
                {refusal}
            </div>
        }
        .into_any(),
        (_, Some(outcome)) => view! { <OutcomeCard outcome /> }.into_any(),
        _ => view! { <p class="card muted">"This assessment was cancelled."</p> }.into_any(),
    };
    let approval = detail
        .may_approve
        .then(|| view! { <ApprovalForm id=detail.id reload /> });
    view! {
        {heading(&detail)}
        {body}
        {approval}
        <EvidenceList id=detail.id evidence=RwSignal::new(detail.evidence.clone()) editable=false />
    }
}

/// The approval chain: approve (the rating goes to the carer) or return to the
/// assessor with comments, after confirming.
#[component]
fn ApprovalForm(id: caretrack::ids::AssessmentId, reload: RwSignal<u32>) -> impl IntoView {
    let decide = ServerAction::<DecideAssessment>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = decide.value().get() {
            reload.update(|n| *n += 1);
        }
    });
    let comments = RwSignal::new(String::new());
    let asking = RwSignal::new(None::<bool>);
    let id = StoredValue::new(id);
    view! {
        <section class="card" data-test="approval">
            <h2>"Approval"</h2>
            <p class="muted">
                "Your organisation has a second person approve each rating before it goes to the carer."
            </p>
            <label class="field">
                <span>"Comments (required to return it)"</span>
                <textarea
                    rows="3"
                    data-test="approval-comments"
                    prop:value=move || comments.get()
                    on:input=move |ev| comments.set(event_target_value(&ev))
                ></textarea>
            </label>
            {move || match asking.get() {
                None => {
                    view! {
                        <div class="actions">
                            <button
                                class="button button--primary"
                                type="button"
                                data-test="approve"
                                on:click=move |_| asking.set(Some(true))
                            >
                                "Approve"
                            </button>
                            <button
                                class="button"
                                type="button"
                                data-test="return"
                                on:click=move |_| asking.set(Some(false))
                            >
                                "Return to the assessor"
                            </button>
                        </div>
                    }
                        .into_any()
                }
                Some(approve) => {
                    view! {
                        <div class="confirm" role="alertdialog" aria-label="Confirm your decision">
                            <p>
                                {if approve {
                                    "Approve? The rating goes to the carer for confirmation."
                                } else {
                                    "Return it to the assessor with your comments?"
                                }}
                            </p>
                            <button
                                class="button button--primary"
                                type="button"
                                data-test="confirm-decision"
                                disabled=move || decide.pending().get()
                                on:click=move |_| {
                                    decide
                                        .dispatch(DecideAssessment {
                                            id: id.get_value(),
                                            approve,
                                            comments: comments.get_untracked(),
                                        });
                                }
                            >
                                {if approve { "Yes, approve" } else { "Yes, return it" }}
                            </button>
                            <button class="button" type="button" on:click=move |_| asking.set(None)>
                                "Cancel"
                            </button>
                        </div>
                    }
                        .into_any()
                }
            }}
            {move || {
                decide
                    .value()
                    .get()
                    .and_then(Result::err)
                    .map(|err| {
                        view! {
                            <p class="field-error" role="alert">
                                {err.to_string()}
                            </p>
                        }
                    })
            }}
        </section>
    }
}

#[component]
fn OutcomeCard(outcome: Outcome) -> impl IntoView {
    view! {
        <section class="card" data-test="outcome">
            <h2>"Result"</h2>
            <dl class="facts">
                <dt>"Weighted score"</dt>
                <dd>{outcome.score}</dd>
                <dt>"Suggested level"</dt>
                <dd>{outcome.suggested.label()}</dd>
                <dt>"Level awarded"</dt>
                <dd data-test="final-level">{outcome.final_level.label()}</dd>
                {outcome
                    .reason
                    .map(|reason| {
                        view! {
                            <dt>"Professional judgement"</dt>
                            <dd>{reason}</dd>
                        }
                    })}
                <dt>"Comments for the carer"</dt>
                <dd>{outcome.comments}</dd>
                {outcome
                    .approval_comments
                    .map(|c| {
                        view! {
                            <dt>"Approver's comments"</dt>
                            <dd>{c}</dd>
                        }
                    })}
            </dl>
        </section>
    }
}
