//! The last step: review and rating, with the core's suggested level.

use crate::assessments::conduct::api::submit_assessment;
use crate::error::AppError;
use caretrack::{
    CompetencyLevel, ValidationError,
    assessment::{ScoringError, WeightedScore},
    conduct::{AWARDABLE, Judgement, JudgementForm},
};
use leptos::{prelude::*, task::spawn_local};

use crate::assessments::conduct::conductor::draft::{Draft, SaveStatus};

#[component]
pub(in crate::assessments) fn ReviewStep(
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
            error.get().filter(|e| e.field == field).map(|e| {
                view! {
                    <p class="field-error" role="alert">
                        {e.message}
                    </p>
                }
            })
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
                    Ok((score, level)) => {
                        format!("Weighted score {score}: the suggested level is {}.", level.label())
                    }
                    Err(err) => err.to_string(),
                }}
            </p>
            <label class="field" for="final-level">
                <span>"Level awarded"</span>
                <select
                    id="final-level"
                    data-test="final-level"
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        set_review(&|f| f.final_level = value.clone());
                    }
                >
                    <option
                        value=""
                        selected=move || draft.review.with(|f| f.final_level.is_empty())
                    >
                        "Choose a level"
                    </option>
                    {AWARDABLE
                        .iter()
                        .map(|&level| {
                            view! {
                                <option
                                    value=level.as_str()
                                    selected=move || {
                                        draft.review.with(|f| f.final_level == level.as_str())
                                    }
                                >
                                    {move || {
                                        if suggested() == Some(level) {
                                            format!("{} (suggested)", level.label())
                                        } else {
                                            level.label().to_owned()
                                        }
                                    }}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                {field_error("final_level")}
            </label>
            <label class="field" for="judgement-reason">
                <span>
                    {move || {
                        if overrides() {
                            "Reason for your professional judgement (required: the level differs from the suggestion)"
                        } else {
                            "Reason for your professional judgement (only when the level differs from the suggestion)"
                        }
                    }}
                </span>
                <textarea
                    id="judgement-reason"
                    rows="3"
                    data-test="judgement-reason"
                    prop:value=move || draft.review.with(|f| f.reason.clone())
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        set_review(&|f| f.reason = value.clone());
                    }
                ></textarea>
                {field_error("reason")}
            </label>
            <label class="field" for="assessor-comments">
                <span>"Comments for the carer"</span>
                <textarea
                    id="assessor-comments"
                    rows="3"
                    data-test="assessor-comments"
                    prop:value=move || draft.review.with(|f| f.comments.clone())
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        set_review(&|f| f.comments = value.clone());
                    }
                ></textarea>
                {field_error("comments")}
            </label>
            {field_error("items")}
            <Show
                when=move || !asking.get()
                fallback=move || {
                    view! {
                        <div class="confirm" role="alertdialog" aria-label="Submit the assessment?">
                            <p>{confirm_text.clone()}" Answers cannot be changed afterwards."</p>
                            <button
                                class="button button--primary"
                                type="button"
                                data-test="confirm-submit"
                                disabled=move || submitting.get()
                                on:click=move |_| submit()
                            >
                                {submit_label}
                            </button>
                            <button
                                class="button"
                                type="button"
                                on:click=move |_| asking.set(false)
                            >
                                "Cancel"
                            </button>
                        </div>
                    }
                }
            >
                <button
                    class="button button--primary"
                    type="button"
                    data-test="submit-assessment"
                    disabled=move || draft.status.get() != SaveStatus::Saved
                    on:click=move |_| match check() {
                        Ok(()) => asking.set(true),
                        Err(err) => error.set(Some(err)),
                    }
                >
                    {submit_label}
                </button>
            </Show>
        </section>
    }
}
