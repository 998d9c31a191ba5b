//! Progress page 4: ratings waiting for the carer's confirmation, and disputes a manager
//! resolves (uphold, amend, reassess).

use super::api::{QueueKind, QueueRow, ResolveRating, rating_queue};
use crate::assessments::conduct::ProgressTabs;
use crate::components::{
    pager::Pager,
    toast::{ToastKind, use_toasts},
};
use crate::live::{Topic, use_live};
use crate::wire::Page;
use caretrack::{CompetencyLevel, rating::RatingAction};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ConfirmationsPage() -> impl IntoView {
    let which = RwSignal::new(QueueKind::Disputed);
    let page = RwSignal::new(1i64);
    let version = RwSignal::new(0u32);
    let live = use_live(&[Topic::Rating, Topic::Competency]);
    let queue = Resource::new(
        move || (which.get(), page.get(), version.get(), live.get()),
        |(which, page, _, _)| rating_queue(which, page),
    );
    let tab = move |this: QueueKind, label: &'static str| {
        view! {
            <button
                class="tab"
                type="button"
                role="tab"
                aria-selected=move || (which.get() == this).to_string()
                on:click=move |_| {
                    which.set(this);
                    page.set(1);
                }
            >
                {label}
            </button>
        }
    };
    view! {
        <Title text="Confirmations" />
        <div class="page-header">
            <div>
                <h1>"Progress"</h1>
                <p class="muted">
                    "Ratings waiting for carers to confirm them, the ones they dispute, and reviews coming up. Carers are reminded after 48 hours, then daily for a week."
                </p>
            </div>
        </div>
        <ProgressTabs current="/admin/progress/confirmations" />
        <div class="tabs" role="tablist">
            {tab(QueueKind::Disputed, "Disputed")}
            {tab(QueueKind::Pending, "Waiting for the carer")}
            {tab(QueueKind::Reviews, "Reviews due")}
        </div>
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                queue
                    .get()
                    .map(|result| match result {
                        Ok(list) => view! { <Queue list page version /> }.into_any(),
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
fn Queue(list: Page<QueueRow>, page: RwSignal<i64>, version: RwSignal<u32>) -> impl IntoView {
    if list.total == 0 {
        return view! {
            <p class="card muted" data-test="queue-empty">
                "Nothing here."
            </p>
        }
        .into_any();
    }
    view! {
        {list.items.into_iter().map(|row| view! { <QueueCard row version /> }).collect_view()}
        <Pager page current=list.page total=list.total page_size=list.page_size what="ratings" />
    }
    .into_any()
}

#[component]
fn QueueCard(row: QueueRow, version: RwSignal<u32>) -> impl IntoView {
    let resolve = ServerAction::<ResolveRating>::new();
    let toasts = use_toasts();
    Effect::new(move |_| {
        if let Some(Ok(())) = resolve.value().get() {
            toasts.show(ToastKind::Success, "Dispute resolved; the carer is told.");
            version.update(|v| *v += 1);
        }
    });
    let amended = RwSignal::new(row.level);
    let id = StoredValue::new(row.id);
    let disputed = row.dispute_reason.is_some();
    let facts = format!(
        "{} · by {} · {}",
        row.level.label(),
        row.rated_by.clone().unwrap_or_default(),
        row.rated_at
    );
    view! {
        <article
            class="card"
            data-test="queue-row"
            data-carer=row.carer.name.clone()
            data-task=row.task.clone()
        >
            <h3>{format!("{}: {}", row.carer.name, row.task)}</h3>
            <p class="muted small">{facts}{format!(" · counts as {}", row.effective.label())}</p>
            {row
                .reminded_at
                .map(|at| view! { <p class="small">{format!("Last reminded {at}")}</p> })}
            {row
                .review_due
                .map(|due| {
                    view! {
                        <p
                            class="small"
                            class:field-error=row.review_overdue
                            data-test="review-due"
                        >
                            {if row.review_overdue {
                                format!("Review overdue since {due}")
                            } else {
                                format!("Review due {due}")
                            }}
                        </p>
                    }
                })}
            {row
                .dispute_reason
                .map(|reason| {
                    view! {
                        <p>
                            <strong>
                                {format!("Disputed {}: ", row.disputed_at.unwrap_or_default())}
                            </strong>
                            {reason}
                        </p>
                    }
                })}
            {disputed.then(|| view! { <ResolveForm id resolve amended /> }.into_any())}
            {move || {
                resolve
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

/// Uphold, amend (choosing the level) or order a reassessment, with a note for the
/// carer, after choosing and confirming.
#[component]
fn ResolveForm(
    id: StoredValue<caretrack::ids::RatingId>,
    resolve: ServerAction<ResolveRating>,
    amended: RwSignal<CompetencyLevel>,
) -> impl IntoView {
    let choice = RwSignal::new(None::<RatingAction>);
    let note = RwSignal::new(String::new());
    view! {
        <div class="actions">
            {[RatingAction::Uphold, RatingAction::Amend, RatingAction::Reassess]
                .into_iter()
                .map(|action| {
                    view! {
                        <button class="button" type="button" data-test=format!("resolve-{}", action.as_str().to_lowercase())
                            class:button--primary=move || choice.get() == Some(action)
                            on:click=move |_| choice.set(Some(action))>{action.label()}</button>
                    }
                })
                .collect_view()}
        </div>
        <Show when=move || choice.get().is_some()>
            <div class="confirm">
                <Show when=move || choice.get() == Some(RatingAction::Amend)>
                    <label class="field">
                        <span>"Amended level"</span>
                        <select
                            data-test="amended-level"
                            on:change=move |ev| {
                                if let Ok(l) = event_target_value(&ev).parse() {
                                    amended.set(l);
                                }
                            }
                        >
                            {caretrack::conduct::AWARDABLE
                                .iter()
                                .map(|&l| {
                                    view! {
                                        <option
                                            value=l.as_str()
                                            selected=move || amended.get() == l
                                        >
                                            {l.label()}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                </Show>
                <label class="field">
                    <span>"Your decision and why (the carer sees it)"</span>
                    <textarea
                        rows="2"
                        data-test="resolution-note"
                        prop:value=move || note.get()
                        on:input=move |ev| note.set(event_target_value(&ev))
                    ></textarea>
                </label>
                <button
                    class="button button--primary"
                    type="button"
                    data-test="confirm-resolve"
                    disabled=move || resolve.pending().get()
                    on:click=move |_| {
                        if let Some(action) = choice.get_untracked() {
                            resolve
                                .dispatch(ResolveRating {
                                    id: id.get_value(),
                                    action,
                                    level: (action == RatingAction::Amend)
                                        .then(|| amended.get_untracked()),
                                    note: note.get_untracked(),
                                });
                        }
                    }
                >
                    {move || match choice.get() {
                        Some(RatingAction::Uphold) => "Uphold this rating",
                        Some(RatingAction::Amend) => "Amend this rating",
                        _ => "Order a reassessment",
                    }}
                </button>
                <button class="button" type="button" on:click=move |_| choice.set(None)>
                    "Cancel"
                </button>
            </div>
        </Show>
    }
}
