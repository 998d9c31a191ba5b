//! The carer's ratings (`/carer/ratings`, phone first): new ratings waiting for their
//! confirmation, each with the assessor's comments and (on request) the answers, to
//! confirm or dispute with a reason; every task's effective level; the history.

use super::api::{
    AnswerRating, AssessmentAnswers, CarerRatings, PendingRating, my_assessment_answers, my_ratings,
};
use crate::care::{
    api::{CarerProgress, my_progress},
    today_page::ProgressBar,
};
use crate::live::{Topic, use_live};
use caretrack::{RatingState, care::format_percent, rating::RatingAction};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MyRatingsPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let live = use_live(&[Topic::Rating, Topic::Competency, Topic::TaskProgress]);
    let ratings = Resource::new(move || (version.get(), live.get()), |_| my_ratings());
    let progress = Resource::new(move || (version.get(), live.get()), |_| my_progress());
    view! {
        <Title text="Your progress and ratings" />
        <p>
            <a href="/carer">"← Today"</a>
        </p>
        <h1>"Your progress and ratings"</h1>
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                ratings
                    .get()
                    .map(|result| match result {
                        Ok(ratings) => view! { <Ratings ratings version /> }.into_any(),
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
        <Transition fallback=|| ()>
            {move || {
                progress
                    .get()
                    .map(|result| match result {
                        Ok(progress) => view! { <MyProgress progress /> }.into_any(),
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

/// Every task the carer has or practised: a bar, and the rating that counts.
#[component]
fn MyProgress(progress: CarerProgress) -> impl IntoView {
    let overall = progress
        .overall_percent
        .map(|p| format!("Overall {}", format_percent(p)))
        .unwrap_or_default();
    view! {
        <section class="card" data-test="my-progress">
            <h2>"Your progress"</h2>
            <p class="muted">{overall}</p>
            <ul class="history">
                {progress
                    .rows
                    .into_iter()
                    .map(|row| {
                        view! {
                            <li data-test="my-progress-row" data-task=row.name.clone()>
                                <strong>{row.name.clone()}</strong>
                                <ProgressBar
                                    label=format!("Progress on {}", row.name)
                                    progress=row.progress
                                />
                                <p class="small" data-test="rating">
                                    {format!("Rating: {}", row.rating)}
                                </p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Ratings(ratings: CarerRatings, version: RwSignal<u32>) -> impl IntoView {
    let pending = if ratings.pending.is_empty() {
        view! {
            <p class="muted" data-test="no-pending">
                "Nothing is waiting for your confirmation."
            </p>
        }
        .into_any()
    } else {
        ratings
            .pending
            .into_iter()
            .map(|rating| view! { <Pending rating version /> })
            .collect_view()
            .into_any()
    };
    view! {
        <section data-test="pending-ratings">
            <h2>"Waiting for your confirmation"</h2>
            {pending}
        </section>
        <section class="card">
            <h2>"Your competencies"</h2>
            <p class="muted">"Only confirmed levels count when shifts are offered."</p>
            <table class="table" data-test="my-competencies">
                <thead>
                    <tr>
                        <th scope="col">"Task"</th>
                        <th scope="col">"Counts as"</th>
                        <th scope="col">"Latest rating"</th>
                        <th scope="col">"Review due"</th>
                    </tr>
                </thead>
                <tbody>
                    {ratings
                        .ratings
                        .into_iter()
                        .map(|r| {
                            let latest = match r.state {
                                RatingState::Confirmed => r.level.label().to_owned(),
                                state => {
                                    format!(
                                        "{} ({})",
                                        r.level.label(),
                                        state.label().to_lowercase(),
                                    )
                                }
                            };
                            let task = r.task.clone();
                            view! {
                                <tr data-test="competency" data-task=task>
                                    <th scope="row">{r.task}</th>
                                    <td data-test="effective">{r.effective.label()}</td>
                                    <td>{latest}</td>
                                    <td>{r.review_due.unwrap_or_default()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
        <section class="card">
            <h2>"Achievements"</h2>
            {if ratings.achievements.is_empty() {
                view! {
                    <p class="muted">
                        "Milestones show here: each practice target reached, each assessment completed, each rating you confirm at Competent or above."
                    </p>
                }
                    .into_any()
            } else {
                view! {
                    <ul class="history" data-test="achievements">
                        {ratings
                            .achievements
                            .into_iter()
                            .map(|a| {
                                view! {
                                    <li>
                                        {a.what}
                                        <span class="muted small">{format!(" · {}", a.when)}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
        <section class="card">
            <h2>"History"</h2>
            <ul class="history" data-test="rating-history">
                {ratings
                    .history
                    .into_iter()
                    .map(|h| {
                        view! {
                            <li>
                                <strong>{h.task}</strong>
                                {format!(": {} — {}", h.level.label(), h.state.label())}
                                <span class="muted small">
                                    {format!(
                                        " · {}{}",
                                        h.at,
                                        h.by.map(|b| format!(" · {b}")).unwrap_or_default(),
                                    )}
                                </span>
                                {h.reason.map(|r| view! { <p class="small">{r}</p> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Pending(rating: PendingRating, version: RwSignal<u32>) -> impl IntoView {
    let answer = ServerAction::<AnswerRating>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = answer.value().get() {
            version.update(|v| *v += 1);
        }
    });
    // None: choosing; Some(Confirm) or Some(Dispute): asking about that.
    let asking = RwSignal::new(None::<RatingAction>);
    let reason = RwSignal::new(String::new());
    let answers = RwSignal::new(None::<Result<AssessmentAnswers, String>>);
    let id = StoredValue::new(rating.id);
    let assessment = StoredValue::new(rating.assessment_id);
    let send = move |dispute: bool| {
        answer.dispatch(AnswerRating {
            id: id.get_value(),
            dispute,
            reason: reason.get_untracked(),
        });
    };
    let show_answers = move |_| {
        let Some(assessment) = assessment.get_value() else {
            return;
        };
        leptos::task::spawn_local(async move {
            answers.set(Some(
                my_assessment_answers(assessment)
                    .await
                    .map_err(|e| e.to_string()),
            ));
        });
    };
    let from = match (&rating.title, &rating.rated_by) {
        (Some(title), Some(by)) => format!("{title} assessment by {by}, {}", rating.rated_at),
        (None, Some(by)) => format!("Set by {by}, {}", rating.rated_at),
        _ => rating.rated_at.clone(),
    };
    view! {
        <article class="card" data-test="pending-rating" data-task=rating.task.clone()>
            <h3>{format!("{}: {}", rating.task, rating.level.label())}</h3>
            <p class="muted small">{from}</p>
            {(!rating.comments.is_empty())
                .then(|| {
                    view! {
                        <p>
                            <strong>"Assessor's comments: "</strong>
                            {rating.comments.clone()}
                        </p>
                    }
                })}
            {rating
                .resolution
                .clone()
                .map(|r| {
                    view! {
                        <p>
                            <strong>"Manager's note: "</strong>
                            {r}
                        </p>
                    }
                })}
            {rating
                .assessment_id
                .is_some()
                .then(|| {
                    view! {
                        <button
                            class="button button--link"
                            type="button"
                            data-test="show-answers"
                            on:click=show_answers
                        >
                            "See the answers"
                        </button>
                    }
                })}
            {move || {
                answers
                    .get()
                    .map(|result| match result {
                        Ok(a) => {
                            view! {
                                <div class="answers" data-test="answers">
                                    <p class="small">
                                        {format!("Weighted score {}", a.score.unwrap_or_default())}
                                    </p>
                                    <ol>
                                        {a
                                            .lines
                                            .into_iter()
                                            .map(|line| {
                                                view! {
                                                    <li>
                                                        <strong>
                                                            {format!("{}: {}", line.section.label(), line.prompt)}
                                                        </strong>
                                                        <p class="small">{line.answer}</p>
                                                        <p class="small muted">
                                                            {if line.not_applicable {
                                                                "Not applicable".to_owned()
                                                            } else {
                                                                format!(
                                                                    "Score {} of {}",
                                                                    line.score.map(|s| s.to_string()).unwrap_or_default(),
                                                                    a.scale_max,
                                                                )
                                                            }}
                                                        </p>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ol>
                                </div>
                            }
                                .into_any()
                        }
                        Err(err) => view! { <p class="field-error">{err}</p> }.into_any(),
                    })
            }}
            {move || match asking.get() {
                None => {
                    view! {
                        <div class="actions">
                            <button
                                class="button button--primary"
                                type="button"
                                data-test="confirm-rating"
                                on:click=move |_| asking.set(Some(RatingAction::Confirm))
                            >
                                "Confirm"
                            </button>
                            <button
                                class="button"
                                type="button"
                                data-test="dispute-rating"
                                on:click=move |_| asking.set(Some(RatingAction::Dispute))
                            >
                                "Dispute"
                            </button>
                        </div>
                    }
                        .into_any()
                }
                Some(RatingAction::Dispute) => {
                    view! {
                        <div class="confirm">
                            <label class="field">
                                <span>"Why do you disagree? A care manager will look at it."</span>
                                <textarea
                                    rows="3"
                                    data-test="dispute-reason"
                                    prop:value=move || reason.get()
                                    on:input=move |ev| reason.set(event_target_value(&ev))
                                ></textarea>
                            </label>
                            <button
                                class="button button--primary"
                                type="button"
                                data-test="send-dispute"
                                disabled=move || answer.pending().get()
                                on:click=move |_| send(true)
                            >
                                "Send the dispute"
                            </button>
                            <button class="button" type="button" on:click=move |_| asking.set(None)>
                                "Cancel"
                            </button>
                        </div>
                    }
                        .into_any()
                }
                Some(_) => {
                    view! {
                        <div class="confirm" role="alertdialog" aria-label="Confirm this rating?">
                            <p>
                                "By confirming you agree this rating is right. It then counts when shifts are offered."
                            </p>
                            <button
                                class="button button--primary"
                                type="button"
                                data-test="confirm-yes"
                                disabled=move || answer.pending().get()
                                on:click=move |_| send(false)
                            >
                                "Yes, confirm"
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
                answer
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
        </article>
    }
}
