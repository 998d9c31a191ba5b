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

use super::conduct_api::{
    ConductItem, ConductView, DecideAssessment, DraftEdit, DraftState, Evidence, ItemEdit, Outcome,
    ReviewEdit, StartAssessment, assessment_draft, assessment_for_conduct, remove_evidence,
    save_assessment_draft, submit_assessment,
};
use crate::{
    components::{local_store, ticker::use_ticker},
    error::AppError,
};
use caretrack::{
    CompetencyLevel, ValidationError,
    assessment::{ScoringError, Section, Thresholds, WeightedScore, Weights},
    conduct::{
        AWARDABLE, AssessmentStatus, Judgement, JudgementForm, Response, Step, adopt_stored,
        suggestion,
    },
};
use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[component]
pub fn ConductPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let reload = RwSignal::new(0u32);
    let detail = Resource::new(
        move || (id(), reload.get()),
        |(id, _)| assessment_for_conduct(id),
    );
    view! {
        <Title text="Assessment" />
        <p><a href="/admin/progress/assessments">"← Assessments"</a></p>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || detail.get().map(|result| match result {
                Ok(view) if view.status.is_editable() => view! { <Conductor detail=view reload /> }.into_any(),
                Ok(view) => view! { <Overview detail=view reload /> }.into_any(),
                Err(err) => view! { <div class="alert alert--error" role="alert">{err.to_string()}</div> }.into_any(),
            })}
        </Transition>
    }
}

fn heading(detail: &ConductView) -> impl IntoView + use<> {
    view! {
        <div class="page-header"><div>
            <h1>{format!("{}: {}", detail.title, detail.carer.name)}</h1>
            <p class="muted">{format!(
                "Version {} · {} · covers {}",
                detail.version,
                detail.status.label(),
                detail.tasks.join(", ")
            )}</p>
        </div></div>
    }
}

/// An assessment not open for changes: ready to start, or submitted.
#[component]
fn Overview(detail: ConductView, reload: RwSignal<u32>) -> impl IntoView {
    let start = ServerAction::<StartAssessment>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = start.value().get() {
            reload.update(|n| *n += 1);
        }
    });
    let id = detail.id.clone();
    let body = match (detail.status, detail.outcome.clone()) {
        (AssessmentStatus::Ready, _) => view! {
            <div class="card">
                <p>{format!("{} is ready for this assessment.", detail.carer.name)}</p>
                <button class="button button--primary" type="button" data-test="start-assessment"
                    on:click=move |_| { start.dispatch(StartAssessment { id: id.clone() }); }>"Start the assessment"</button>
                {move || start.value().get().and_then(Result::err).map(|err| view! {
                    <p class="field-error" role="alert">{err.to_string()}</p>
                })}
            </div>
        }
        .into_any(),
        (_, Some(outcome)) => view! { <OutcomeCard outcome /> }.into_any(),
        _ => view! { <p class="card muted">"This assessment was cancelled."</p> }.into_any(),
    };
    let approval = detail
        .may_approve
        .then(|| view! { <ApprovalForm id=detail.id.clone() reload /> });
    view! {
        {heading(&detail)}
        {body}
        {approval}
        <EvidenceList id=detail.id.clone() evidence=RwSignal::new(detail.evidence.clone()) editable=false />
    }
}

/// The approval chain: approve (the rating goes to the carer) or return to the
/// assessor with comments, after confirming.
#[component]
fn ApprovalForm(id: String, reload: RwSignal<u32>) -> impl IntoView {
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
            <p class="muted">"Your organisation has a second person approve each rating before it goes to the carer."</p>
            <label class="field">
                <span>"Comments (required to return it)"</span>
                <textarea rows="3" data-test="approval-comments" prop:value=move || comments.get()
                    on:input=move |ev| comments.set(event_target_value(&ev))></textarea>
            </label>
            {move || match asking.get() {
                None => view! {
                    <div class="actions">
                        <button class="button button--primary" type="button" data-test="approve"
                            on:click=move |_| asking.set(Some(true))>"Approve"</button>
                        <button class="button" type="button" data-test="return"
                            on:click=move |_| asking.set(Some(false))>"Return to the assessor"</button>
                    </div>
                }.into_any(),
                Some(approve) => view! {
                    <div class="confirm" role="alertdialog" aria-label="Confirm your decision">
                        <p>{if approve { "Approve? The rating goes to the carer for confirmation." } else { "Return it to the assessor with your comments?" }}</p>
                        <button class="button button--primary" type="button" data-test="confirm-decision"
                            disabled=move || decide.pending().get()
                            on:click=move |_| {
                                decide.dispatch(DecideAssessment { id: id.get_value(), approve, comments: comments.get_untracked() });
                            }>{if approve { "Yes, approve" } else { "Yes, return it" }}</button>
                        <button class="button" type="button" on:click=move |_| asking.set(None)>"Cancel"</button>
                    </div>
                }.into_any(),
            }}
            {move || decide.value().get().and_then(Result::err).map(|err| view! {
                <p class="field-error" role="alert">{err.to_string()}</p>
            })}
        </section>
    }
}

#[component]
fn OutcomeCard(outcome: Outcome) -> impl IntoView {
    view! {
        <section class="card" data-test="outcome">
            <h2>"Result"</h2>
            <dl class="facts">
                <dt>"Weighted score"</dt><dd>{outcome.score}</dd>
                <dt>"Suggested level"</dt><dd>{outcome.suggested.label()}</dd>
                <dt>"Level awarded"</dt><dd data-test="final-level">{outcome.final_level.label()}</dd>
                {outcome.reason.map(|reason| view! { <dt>"Professional judgement"</dt><dd>{reason}</dd> })}
                <dt>"Comments for the carer"</dt><dd>{outcome.comments}</dd>
                {outcome.approval_comments.map(|c| view! { <dt>"Approver's comments"</dt><dd>{c}</dd> })}
            </dl>
        </section>
    }
}

/// One item's response in this browser: what is shown, the revision last seen from the
/// server, and whether it holds an edit the server does not have yet.
#[derive(Clone, Copy)]
struct ItemState {
    item: StoredValue<ConductItem>,
    response: RwSignal<Response>,
    known: RwSignal<i64>,
    dirty: RwSignal<bool>,
    updated_by: RwSignal<Option<String>>,
}

#[derive(Clone, Debug, PartialEq)]
enum SaveStatus {
    Saved,
    Waiting,
    Saving,
    /// Not reachable: kept on this device, retried.
    Offline,
    /// Refused (a validation error): the message says why.
    Refused(String),
}

/// What local storage keeps until the server has it.
#[derive(Default, Serialize, Deserialize)]
struct Backup {
    items: Vec<(String, Response)>,
    review: Option<JudgementForm>,
}

/// The conductor's draft in this browser, and its syncing with the server.
#[derive(Clone, Copy)]
struct Draft {
    id: StoredValue<String>,
    device: StoredValue<String>,
    items: StoredValue<Vec<ItemState>>,
    review: RwSignal<JudgementForm>,
    review_known: RwSignal<i64>,
    review_dirty: RwSignal<bool>,
    step: RwSignal<Step>,
    step_dirty: RwSignal<bool>,
    saving: RwSignal<bool>,
    again: RwSignal<bool>,
    status: RwSignal<SaveStatus>,
    notice: RwSignal<Option<String>>,
    generation: StoredValue<u64>,
}

impl Draft {
    fn backup_key(&self) -> String {
        format!("ct-assessment-draft-{}", self.id.get_value())
    }

    fn anything_dirty(&self) -> bool {
        self.review_dirty.get_untracked()
            || self.step_dirty.get_untracked()
            || self
                .items
                .with_value(|items| items.iter().any(|s| s.dirty.get_untracked()))
    }

    /// Keeps the unsaved edits on this device.
    fn backup(&self) {
        let backup = Backup {
            items: self.items.with_value(|items| {
                items
                    .iter()
                    .filter(|s| s.dirty.get_untracked())
                    .map(|s| {
                        (
                            s.item.with_value(|i| i.id.clone()),
                            s.response.get_untracked(),
                        )
                    })
                    .collect()
            }),
            review: self
                .review_dirty
                .get_untracked()
                .then(|| self.review.get_untracked()),
        };
        if let Ok(json) = serde_json::to_string(&backup) {
            local_store::set(&self.backup_key(), &json);
        }
    }

    /// After a local edit: keep it here and save it soon.
    fn changed(self) {
        self.backup();
        self.status.set(SaveStatus::Waiting);
        self.schedule(Duration::from_millis(600));
    }

    fn schedule(self, delay: Duration) {
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        set_timeout(
            move || {
                if self.generation.get_value() == generation {
                    self.save_now();
                }
            },
            delay,
        );
    }

    fn save_now(self) {
        if self.saving.get_untracked() {
            self.again.set(true);
            return;
        }
        let sent: Vec<(ItemState, Response)> = self.items.with_value(|items| {
            items
                .iter()
                .filter(|s| s.dirty.get_untracked())
                .map(|s| (*s, s.response.get_untracked()))
                .collect()
        });
        let review = self
            .review_dirty
            .get_untracked()
            .then(|| self.review.get_untracked());
        if sent.is_empty() && review.is_none() && !self.step_dirty.get_untracked() {
            self.status.set(SaveStatus::Saved);
            return;
        }
        let edit = DraftEdit {
            device_id: self.device.get_value(),
            step: self.step.get_untracked(),
            items: sent
                .iter()
                .map(|(s, response)| ItemEdit {
                    item_id: s.item.with_value(|i| i.id.clone()),
                    response: response.clone(),
                    base_revision: s.known.get_untracked(),
                })
                .collect(),
            review: review.clone().map(|form| ReviewEdit {
                form,
                base_revision: self.review_known.get_untracked(),
            }),
        };
        self.saving.set(true);
        self.step_dirty.set(false);
        self.status.set(SaveStatus::Saving);
        spawn_local(async move {
            let result = save_assessment_draft(self.id.get_value(), edit).await;
            self.saving.set(false);
            match result {
                Ok(stored) => {
                    for (s, response) in &sent {
                        if s.response.get_untracked() == *response {
                            s.dirty.set(false);
                        }
                    }
                    if review.is_some_and(|form| self.review.get_untracked() == form) {
                        self.review_dirty.set(false);
                    }
                    let overwritten = stored.overwritten.clone();
                    let sent_ids: Vec<String> = sent
                        .iter()
                        .map(|(s, _)| s.item.with_value(|i| i.id.clone()))
                        .collect();
                    self.merge(stored, &sent_ids);
                    if !overwritten.is_empty() {
                        self.notice.set(Some(format!(
                            "Saved. Your change replaced a newer edit made on another device: {}.",
                            overwritten.join("; ")
                        )));
                    }
                    if self.anything_dirty() {
                        self.backup();
                        self.schedule(Duration::from_millis(300));
                    } else {
                        local_store::remove(&self.backup_key());
                        self.status.set(SaveStatus::Saved);
                    }
                }
                Err(AppError::Transport(_) | AppError::Unavailable(_)) => {
                    self.step_dirty.set(true);
                    self.status.set(SaveStatus::Offline);
                    self.schedule(Duration::from_secs(5));
                }
                Err(err) => self.status.set(SaveStatus::Refused(err.to_string())),
            }
            if self.again.get_untracked() {
                self.again.set(false);
                self.save_now();
            }
        });
    }

    /// Takes what the server holds where this device has nothing newer; `sent` are the
    /// items this device just saved (their stored revision is now the one it knows).
    fn merge(&self, stored: DraftState, sent: &[String]) {
        let mut from_elsewhere = Vec::new();
        self.items.with_value(|items| {
            for remote in stored.items {
                let Some(s) = items
                    .iter()
                    .find(|s| s.item.with_value(|i| i.id == remote.item_id))
                else {
                    continue;
                };
                let known = s.known.get_untracked();
                if sent.contains(&remote.item_id) {
                    s.known.set(remote.revision);
                    s.updated_by.set(remote.updated_by);
                } else if adopt_stored(known, remote.revision, s.dirty.get_untracked()) {
                    if s.response.get_untracked() != remote.response {
                        from_elsewhere.push(s.item.with_value(|i| i.prompt.clone()));
                        s.response.set(remote.response);
                    }
                    s.known.set(remote.revision);
                    s.updated_by.set(remote.updated_by);
                }
            }
        });
        let review_known = self.review_known.get_untracked();
        if adopt_stored(
            review_known,
            stored.review.revision,
            self.review_dirty.get_untracked(),
        ) {
            if self.review.get_untracked() != stored.review.form && review_known > 0 {
                from_elsewhere.push(Step::Review.label().to_owned());
            }
            self.review.set(stored.review.form);
        }
        self.review_known
            .set(stored.review.revision.max(review_known));
        if !from_elsewhere.is_empty() {
            self.notice.set(Some(format!(
                "Updated from another device: {}.",
                from_elsewhere.join("; ")
            )));
        }
    }

    /// Edits this device kept while the server did not have them: shown again and saved.
    fn restore_backup(self) {
        let Some(backup) = local_store::get(&self.backup_key())
            .and_then(|json| serde_json::from_str::<Backup>(&json).ok())
        else {
            return;
        };
        self.items.with_value(|items| {
            for (id, response) in backup.items {
                if let Some(s) = items.iter().find(|s| s.item.with_value(|i| i.id == id))
                    && s.response.get_untracked() != response
                {
                    s.response.set(response);
                    s.dirty.set(true);
                }
            }
        });
        if let Some(form) = backup.review
            && self.review.get_untracked() != form
        {
            self.review.set(form);
            self.review_dirty.set(true);
        }
        if self.anything_dirty() {
            self.notice.set(Some(
                "Unsaved answers kept on this device were restored and are being saved.".into(),
            ));
            self.changed();
        }
    }
}

#[component]
fn Conductor(detail: ConductView, reload: RwSignal<u32>) -> impl IntoView {
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
        id: StoredValue::new(detail.id.clone()),
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
    let assessment_id = detail.id.clone();
    let approval_required = detail.approval_required;
    let carer = detail.carer.name.clone();
    let returned = detail.returned_comments.clone().map(|comments| {
        view! {
            <div class="alert alert--warning" role="status" data-test="returned">
                <strong>"Returned by the approver: "</strong>{comments}
            </div>
        }
    });
    view! {
        {heading(&detail)}
        {returned}
        <SaveLine draft />
        <nav class="steps" aria-label="Steps">
            {Step::ALL.iter().map(|&s| {
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
            }).collect_view()}
        </nav>
        {move || {
            let step = draft.step.get();
            let body = match step.section() {
                Some(section) => {
                    let cards = draft.items.with_value(|items| {
                        items.iter().copied()
                            .filter(|s| s.item.with_value(|i| i.section == section))
                            .map(|state| view! { <ItemCard state scale_max draft /> })
                            .collect_view()
                    });
                    view! {
                        <section data-test="conduct-section" data-section=section.as_str()>
                            <h2>{format!("Step {} of 4: {}", step.number(), step.label())}</h2>
                            {cards}
                        </section>
                    }.into_any()
                }
                None => view! {
                    <ReviewStep draft preview carer=carer.clone() approval_required reload />
                    <EvidenceList id=assessment_id.clone() evidence editable=true />
                }.into_any(),
            };
            view! {
                {body}
                <div class="actions">
                    {step.previous().map(|back| view! {
                        <button class="button" type="button" data-test="step-back" on:click=move |_| go(back)>"Back"</button>
                    })}
                    {step.next().map(|next| view! {
                        <button class="button button--primary" type="button" data-test="step-next" on:click=move |_| go(next)>
                            {format!("Next: {}", next.label())}
                        </button>
                    })}
                </div>
            }
        }}
    }
}

fn score_now(
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
fn settled_of(draft: Draft, step: Step) -> String {
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
fn SaveLine(draft: Draft) -> impl IntoView {
    view! {
        <div class="save-line" aria-live="polite" data-test="save-status">
            {move || match draft.status.get() {
                SaveStatus::Saved => view! { <span class="muted">"All changes saved"</span> }.into_any(),
                SaveStatus::Waiting | SaveStatus::Saving => view! { <span class="muted">"Saving…"</span> }.into_any(),
                SaveStatus::Offline => view! {
                    <span class="alert alert--warning">"Offline: your answers are kept on this device and saved when the connection returns."</span>
                }.into_any(),
                SaveStatus::Refused(message) => view! { <span class="alert alert--error" role="alert">{message}</span> }.into_any(),
            }}
            {move || draft.notice.get().map(|notice| view! {
                <p class="alert alert--info" data-test="draft-notice">
                    {notice}
                    " "
                    <button class="button button--link" type="button" on:click=move |_| draft.notice.set(None)>"Dismiss"</button>
                </p>
            })}
        </div>
    }
}

#[component]
fn ItemCard(state: ItemState, scale_max: u8, draft: Draft) -> impl IntoView {
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
            {item.model_answer.clone().filter(|a| !a.trim().is_empty()).map(|answer| view! {
                <details class="model-answer" open>
                    <summary>"Model answer (assessor only)"</summary>
                    <p>{answer}</p>
                </details>
            })}
            <label class="field">
                <span>{answer_label}</span>
                <textarea rows="3" data-test="answer"
                    prop:value=move || state.response.with(|r| r.answer.clone())
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        edit(&|r| r.answer = value.clone());
                    }></textarea>
            </label>
            <fieldset class="score-choice">
                <legend>{format!("Score (0 to {scale_max})")}</legend>
                {(0..=scale_max).map(|n| view! {
                    <label class="score-choice__option">
                        <input type="radio" name=name.clone() value=n.to_string() data-test=format!("score-{n}")
                            prop:checked=move || state.response.with(|r| r.score == Some(n))
                            on:change=move |_| edit(&|r| { r.score = Some(n); r.not_applicable = false; }) />
                        <span>{n}</span>
                    </label>
                }).collect_view()}
                {item.rule.allows_not_applicable.then(|| view! {
                    <label class="score-choice__option score-choice__option--wide">
                        <input type="checkbox" data-test="not-applicable"
                            prop:checked=move || state.response.with(|r| r.not_applicable)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                edit(&|r| { r.not_applicable = on; if on { r.score = None; } });
                            } />
                        <span>"Not applicable"</span>
                    </label>
                })}
            </fieldset>
            {move || state.updated_by.get().map(|by| view! { <p class="muted small">{format!("Last saved by {by}")}</p> })}
        </article>
    }
}

#[component]
fn ReviewStep(
    draft: Draft,
    preview: Memo<Result<(WeightedScore, CompetencyLevel), ScoringError>>,
    carer: String,
    approval_required: bool,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let error = RwSignal::new(None::<ValidationError>);
    let asking = RwSignal::new(false);
    let submitting = RwSignal::new(false);
    let set_review = move |change: &dyn Fn(&mut JudgementForm)| {
        draft.review.update(|f| change(f));
        draft.review_dirty.set(true);
        error.set(None);
        draft.changed();
    };
    let suggested = move || preview.get().ok().map(|(_, level)| level);
    let overrides = move || {
        let chosen = draft
            .review
            .with(|f| f.final_level.parse::<CompetencyLevel>().ok());
        matches!((chosen, suggested()), (Some(c), Some(s)) if c != s)
    };
    // The same check the server makes, before asking.
    let check = move || -> Result<(), ValidationError> {
        let (_, level) = preview
            .get_untracked()
            .map_err(|err| ValidationError::new("items", err.to_string()))?;
        Judgement::parse(&draft.review.get_untracked(), level).map(|_| ())
    };
    let submit = move || {
        submitting.set(true);
        let form = draft.review.get_untracked();
        spawn_local(async move {
            let result = submit_assessment(draft.id.get_value(), form).await;
            submitting.set(false);
            asking.set(false);
            match result {
                Ok(_) => reload.update(|n| *n += 1),
                Err(AppError::Validation { field, message }) => {
                    let field = if field == "reason" { "reason" } else { "items" };
                    error.set(Some(ValidationError::new(field, message)));
                }
                Err(err) => error.set(Some(ValidationError::new("items", err.to_string()))),
            }
        });
    };
    let field_error = move |field: &'static str| {
        move || {
            error
                .get()
                .filter(|e| e.field == field)
                .map(|e| view! { <p class="field-error" role="alert">{e.message}</p> })
        }
    };
    let submit_label = if approval_required {
        "Submit for approval"
    } else {
        "Submit the rating"
    };
    let confirm_text = if approval_required {
        "A second assessor or a care manager approves it before it goes to the carer.".to_owned()
    } else {
        format!("The rating goes to {carer}, who confirms or disputes it.")
    };
    view! {
        <section class="card" data-test="review-step">
            <h2>"Step 4 of 4: Review and rating"</h2>
            <p data-test="score-preview">
                {move || match preview.get() {
                    Ok((score, level)) => format!("Weighted score {score}: the suggested level is {}.", level.label()),
                    Err(err) => err.to_string(),
                }}
            </p>
            <label class="field" for="final-level">
                <span>"Level awarded"</span>
                <select id="final-level" data-test="final-level"
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        set_review(&|f| f.final_level = value.clone());
                    }>
                    <option value="" selected=move || draft.review.with(|f| f.final_level.is_empty())>"Choose a level"</option>
                    {AWARDABLE.iter().map(|&level| view! {
                        <option value=level.as_str()
                            selected=move || draft.review.with(|f| f.final_level == level.as_str())>
                            {move || if suggested() == Some(level) { format!("{} (suggested)", level.label()) } else { level.label().to_owned() }}
                        </option>
                    }).collect_view()}
                </select>
                {field_error("final_level")}
            </label>
            <label class="field" for="judgement-reason">
                <span>{move || if overrides() {
                    "Reason for your professional judgement (required: the level differs from the suggestion)"
                } else {
                    "Reason for your professional judgement (only when the level differs from the suggestion)"
                }}</span>
                <textarea id="judgement-reason" rows="3" data-test="judgement-reason"
                    prop:value=move || draft.review.with(|f| f.reason.clone())
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        set_review(&|f| f.reason = value.clone());
                    }></textarea>
                {field_error("reason")}
            </label>
            <label class="field" for="assessor-comments">
                <span>"Comments for the carer"</span>
                <textarea id="assessor-comments" rows="3" data-test="assessor-comments"
                    prop:value=move || draft.review.with(|f| f.comments.clone())
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        set_review(&|f| f.comments = value.clone());
                    }></textarea>
                {field_error("comments")}
            </label>
            {field_error("items")}
            <Show when=move || !asking.get()
                fallback=move || view! {
                    <div class="confirm" role="alertdialog" aria-label="Submit the assessment?">
                        <p>{confirm_text.clone()}" Answers cannot be changed afterwards."</p>
                        <button class="button button--primary" type="button" data-test="confirm-submit"
                            disabled=move || submitting.get() on:click=move |_| submit()>{submit_label}</button>
                        <button class="button" type="button" on:click=move |_| asking.set(false)>"Cancel"</button>
                    </div>
                }>
                <button class="button button--primary" type="button" data-test="submit-assessment"
                    disabled=move || draft.status.get() != SaveStatus::Saved
                    on:click=move |_| match check() {
                        Ok(()) => asking.set(true),
                        Err(err) => error.set(Some(err)),
                    }>{submit_label}</button>
            </Show>
        </section>
    }
}

/// The evidence attached to an assessment: download links, and while it is open,
/// uploading (through the file service) and removing, which asks first.
#[component]
fn EvidenceList(id: String, evidence: RwSignal<Vec<Evidence>>, editable: bool) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let removing = RwSignal::new(None::<String>);
    let id = StoredValue::new(id);
    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            input.set_value("");
            busy.set(true);
            problem.set(None);
            spawn_local(async move {
                let name = file.name();
                let result = match upload_evidence(file).await {
                    Ok(stored) => super::conduct_api::attach_evidence(
                        id.get_value(),
                        stored.file_id.clone(),
                        String::new(),
                    )
                    .await
                    .map(|()| stored)
                    .map_err(|err| err.to_string()),
                    Err(err) => Err(err),
                };
                busy.set(false);
                match result {
                    Ok(stored) => evidence.update(|list| list.push(stored)),
                    Err(err) => problem.set(Some(format!("{name}: {err}"))),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let remove = move |file_id: String| {
        spawn_local(async move {
            match remove_evidence(id.get_value(), file_id.clone()).await {
                Ok(()) => evidence.update(|list| list.retain(|e| e.file_id != file_id)),
                Err(err) => problem.set(Some(err.to_string())),
            }
            removing.set(None);
        });
    };
    view! {
        <section class="card" data-test="evidence">
            <h2>"Evidence"</h2>
            {move || {
                let list = evidence.get();
                if list.is_empty() {
                    return view! { <p class="muted">"No files attached."</p> }.into_any();
                }
                view! {
                    <ul class="evidence-list">
                        {list.into_iter().map(|e| {
                            let file_id = e.file_id.clone();
                            let asking = {
                                let file_id = file_id.clone();
                                move || removing.get().as_deref() == Some(file_id.as_str())
                            };
                            view! {
                                <li data-test="evidence-file">
                                    <a href=format!("/api/v1/files/{}", e.file_id) target="_blank" rel="noopener">{e.name}</a>
                                    <span class="muted small">{format!(" {} · added by {}", e.size, e.added_by)}</span>
                                    {editable.then(|| {
                                        let (ask_id, remove_id) = (file_id.clone(), file_id.clone());
                                        view! {
                                            <Show when=asking.clone() fallback=move || {
                                                let ask_id = ask_id.clone();
                                                view! { <button class="button button--link" type="button" on:click=move |_| removing.set(Some(ask_id.clone()))>"Remove"</button> }
                                            }>
                                                {
                                                    let remove_id = remove_id.clone();
                                                    view! {
                                                        <span>" Remove this file? "</span>
                                                        <button class="button button--danger" type="button" on:click=move |_| remove(remove_id.clone())>"Remove"</button>
                                                        <button class="button" type="button" on:click=move |_| removing.set(None)>"Keep"</button>
                                                    }
                                                }
                                            </Show>
                                        }
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {editable.then(|| view! {
                <label class="field">
                    <span>"Attach a photo or document (JPEG, PNG or PDF)"</span>
                    <input type="file" accept="image/jpeg,image/png,application/pdf" data-test="evidence-upload"
                        disabled=move || busy.get() on:change=on_file />
                </label>
                {move || busy.get().then(|| view! { <p class="muted">"Uploading…"</p> })}
            })}
            {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
        </section>
    }
}

/// Sends a file to the file service (`POST /api/v1/files`), as the evidence of an
/// assessment; answers it as the list shows it.
#[cfg(feature = "hydrate")]
async fn upload_evidence(file: web_sys::File) -> Result<Evidence, String> {
    #[derive(Deserialize)]
    struct Stored {
        id: String,
        original_name: String,
        size_bytes: u64,
    }
    #[derive(Deserialize)]
    struct Problem {
        message: String,
    }
    let url = format!(
        "/api/v1/files?purpose=ASSESSMENT_EVIDENCE&name={}",
        caretrack::text::percent_encode(&file.name())
    );
    let content_type = file.type_();
    let response = gloo_net::http::Request::post(&url)
        .header(
            crate::csrf::HEADER,
            &crate::csrf::csrf_token().unwrap_or_default(),
        )
        .header("content-type", &content_type)
        .body(file)
        .map_err(|err| err.to_string())?
        .send()
        .await
        .map_err(|_| "the upload did not reach CareTrack; try again".to_owned())?;
    if response.ok() {
        let stored: Stored = response.json().await.map_err(|err| err.to_string())?;
        Ok(Evidence {
            file_id: stored.id,
            name: stored.original_name,
            size: caretrack::files::format_size(stored.size_bytes),
            caption: String::new(),
            added_by: "you".into(),
        })
    } else {
        Err(response
            .json::<Problem>()
            .await
            .map(|p| p.message)
            .unwrap_or_else(|_| format!("refused ({})", response.status())))
    }
}
