use super::api::{BinItem, BinKind, BinPage, load_bin, load_bin_counts, purge, restore};
use crate::components::{
    pager::Pager,
    toast::{ToastKind, use_toasts},
};
use leptos::prelude::*;
use leptos_meta::Title;
use std::collections::BTreeSet;

/// Deleted care packages, tasks and people: restore or purge, one or many at a time.
#[component]
pub fn RecycleBinPage() -> impl IntoView {
    let kind = RwSignal::new(BinKind::CarePackage);
    let page = RwSignal::new(1i64);
    let version = RwSignal::new(0u32);
    let counts = Resource::new(move || version.get(), |_| load_bin_counts());
    let items = Resource::new(
        move || (kind.get(), page.get(), version.get()),
        |(kind, page, _)| load_bin(kind, page),
    );
    let tab = move |value: BinKind| {
        let count = move || {
            counts
                .get()
                .and_then(Result::ok)
                .map(|c| match value {
                    BinKind::CarePackage => c.care_packages,
                    BinKind::Task => c.tasks,
                    BinKind::AssessmentTemplate => c.assessment_templates,
                    BinKind::Carer => c.carers,
                    BinKind::OfficeStaff => c.office_staff,
                })
                .unwrap_or(0)
        };
        view! {
            <button
                class="tab"
                type="button"
                role="tab"
                aria-selected=move || (kind.get() == value).to_string()
                on:click=move |_| {
                    kind.set(value);
                    page.set(1);
                }
            >
                {value.label()}
                " "
                <span class="badge" data-test="bin-count">
                    {count}
                </span>
            </button>
        }
    };
    view! {
        <Title text="Recycle bin" />
        <div class="page-header">
            <div>
                <h1>"Recycle bin"</h1>
                <Transition fallback=|| ()>
                    <p class="muted">
                        {move || {
                            counts
                                .get()
                                .and_then(Result::ok)
                                .map(|c| {
                                    format!(
                                        "Deleted records stay here for {} days; care managers are emailed a week before the nightly sweep purges them for good. Carers, tasks with practice recorded and templates an assessment used wait for you. Purging a person erases their personal data and keeps an anonymous record of their practice.",
                                        c.keep_days,
                                    )
                                })
                        }}
                    </p>
                </Transition>
            </div>
        </div>
        <div class="tabs" role="tablist">
            <Transition fallback=|| ()>
                {BinKind::ALL.into_iter().map(tab).collect_view()}
            </Transition>
        </div>
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                items
                    .get()
                    .map(|result| match result {
                        Ok(list) => view! { <BinList list page version /> }.into_any(),
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Confirm {
    None,
    Restore,
    Purge,
}

#[component]
fn BinList(list: BinPage, page: RwSignal<i64>, version: RwSignal<u32>) -> impl IntoView {
    let toasts = use_toasts();
    let kind = list.kind;
    let chosen = RwSignal::new(BTreeSet::<String>::new());
    let confirm = RwSignal::new(Confirm::None);
    let restore_action = Action::new(move |ids: &Vec<String>| restore(kind, ids.clone()));
    let purge_action = Action::new(move |ids: &Vec<String>| purge(kind, ids.clone()));
    let report = move |result: Option<Result<u64, crate::error::AppError>>, done: &str| match result
    {
        Some(Ok(n)) => {
            toasts.show(ToastKind::Success, format!("{n} {done}."));
            version.update(|v| *v += 1);
        }
        Some(Err(err)) => toasts.show(ToastKind::Error, err.to_string()),
        None => {}
    };
    Effect::new(move |_| report(restore_action.value().get(), "restored"));
    Effect::new(move |_| report(purge_action.value().get(), "purged for good"));
    if list.total == 0 {
        return view! {
            <p class="card muted" data-test="bin-empty">
                "Nothing here."
            </p>
        }
        .into_any();
    }
    // What the chosen records bring back (or take with them), shown before confirming.
    let impacts: Vec<(String, String, String)> = list
        .items
        .iter()
        .map(|item| (item.id.clone(), item.name.clone(), item.impact.clone()))
        .collect();
    let summary = move || {
        let chosen = chosen.get();
        impacts
            .iter()
            .filter(|(id, _, _)| chosen.contains(id))
            .map(|(_, name, impact)| view! { <li>{format!("{name}: {impact}")}</li> })
            .collect_view()
    };
    let selected = move || chosen.get().into_iter().collect::<Vec<_>>();
    view! {
        <table class="table" data-test="bin">
            <thead>
                <tr>
                    <th scope="col">
                        <span class="visually-hidden">"Choose"</span>
                    </th>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Deleted"</th>
                    <th scope="col">"Purge due"</th>
                    <th scope="col">"Comes back with it"</th>
                </tr>
            </thead>
            <tbody>
                {list.items.into_iter().map(|item| view! { <Row item chosen /> }).collect_view()}
            </tbody>
        </table>
        <Pager
            page
            current=list.page
            total=list.total
            page_size=list.page_size
            what="deleted records"
        />
        <div class="actions">
            {move || match confirm.get() {
                Confirm::None => {
                    view! {
                        <button
                            class="button"
                            type="button"
                            data-test="restore"
                            disabled=move || chosen.read().is_empty()
                            on:click=move |_| confirm.set(Confirm::Restore)
                        >
                            "Restore…"
                        </button>
                        <button
                            class="button button--danger"
                            type="button"
                            data-test="purge"
                            disabled=move || chosen.read().is_empty()
                            on:click=move |_| confirm.set(Confirm::Purge)
                        >
                            "Purge for good…"
                        </button>
                    }
                        .into_any()
                }
                Confirm::Restore => {
                    view! {
                        <div class="confirm" role="alert" data-test="confirm-restore">
                            <p>"Restore these? "</p>
                            <ul>{summary()}</ul>
                            <button
                                class="button button--primary"
                                type="button"
                                data-test="confirm-restore-button"
                                on:click=move |_| {
                                    confirm.set(Confirm::None);
                                    restore_action.dispatch(selected());
                                }
                            >
                                "Restore"
                            </button>
                            <button
                                class="button"
                                type="button"
                                on:click=move |_| confirm.set(Confirm::None)
                            >
                                "Cancel"
                            </button>
                        </div>
                    }
                        .into_any()
                }
                Confirm::Purge => {
                    view! {
                        <div class="confirm" role="alert" data-test="confirm-purge">
                            <p>"Purge these for good? This cannot be undone. "</p>
                            <ul>{summary()}</ul>
                            <button
                                class="button button--danger"
                                type="button"
                                data-test="confirm-purge-button"
                                on:click=move |_| {
                                    confirm.set(Confirm::None);
                                    purge_action.dispatch(selected());
                                }
                            >
                                "Purge"
                            </button>
                            <button
                                class="button"
                                type="button"
                                on:click=move |_| confirm.set(Confirm::None)
                            >
                                "Cancel"
                            </button>
                        </div>
                    }
                        .into_any()
                }
            }}
        </div>
    }
    .into_any()
}

#[component]
fn Row(item: BinItem, chosen: RwSignal<BTreeSet<String>>) -> impl IntoView {
    let id = item.id.clone();
    let checked_id = item.id.clone();
    let (label, data_name) = (format!("Choose {}", item.name), item.name.clone());
    view! {
        <tr data-test="bin-item" data-name=data_name>
            <td>
                <input
                    type="checkbox"
                    aria-label=label
                    prop:checked=move || chosen.read().contains(&checked_id)
                    on:change=move |ev| {
                        let id = id.clone();
                        chosen
                            .update(|set| {
                                if event_target_checked(&ev) {
                                    set.insert(id);
                                } else {
                                    set.remove(&id);
                                }
                            });
                    }
                />
            </td>
            <th scope="row">{item.name}</th>
            <td>
                {item.deleted}<br /><small class="muted">{format!("by {}", item.deleted_by)}</small>
            </td>
            <td>{item.purge_on}</td>
            <td>{item.impact}</td>
        </tr>
    }
}
