//! One care package: its client, its tasks and its carers. Care managers change the
//! details, choose tasks and carers (with a preview of what a carer gains), and delete
//! the package after confirming.

use super::api::{
    CarerImpact, DeletePackage, PackageDetail, SavePackage, SetPackageCarers, SetPackageTasks,
    carer_choices, load_package, preview_package_carers, task_choices,
};
use crate::{
    components::{
        form::{Field, field_error, form_error},
        toast::{ToastKind, use_toasts},
    },
    identity::use_can,
};
use caretrack::{
    ids::{CarePackageId, TaskId, UserId},
    permissions::Permission,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeSet;

const FIELDS: [&str; 4] = ["name", "postcode_district", "client_name", "address"];

#[component]
pub fn PackagePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<CarePackageId>().ok())
    };
    let version = RwSignal::new(0u32);
    let package = Resource::new(
        move || (id(), version.get()),
        |(id, _)| async move {
            match id {
                Some(id) => load_package(id).await,
                None => Err(crate::error::AppError::NotFound("The care package".into())),
            }
        },
    );
    let may_manage = use_can(Permission::ManageCare);
    view! {
        <Title text="Care package" />
        <p>
            <a href="/admin/packages">"← Care packages"</a>
        </p>
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                package
                    .get()
                    .map(|result| match result {
                        Ok(package) => view! { <Package package version may_manage /> }.into_any(),
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
fn Package(
    package: PackageDetail,
    version: RwSignal<u32>,
    may_manage: Signal<bool>,
) -> impl IntoView {
    let details = match (&package.client_name, &package.address_lines) {
        (Some(client), Some(lines)) => view! {
            <dl class="details" data-test="client-details">
                <dt>"Client"</dt>
                <dd>{client.clone()}</dd>
                <dt>"Address"</dt>
                <dd>
                    {lines
                        .iter()
                        .map(|l| {
                            view! {
                                {l.clone()}
                                <br />
                            }
                        })
                        .collect_view()}{package.postcode_district.clone()}
                </dd>
            </dl>
        }
        .into_any(),
        _ => view! {
            <p class="muted">
                "The client's name and address are shown to care managers and the package's carers only."
            </p>
        }.into_any(),
    };
    let tasks: Vec<String> = package.tasks.iter().map(|t| t.name.clone()).collect();
    let carers: Vec<String> = package.carers.iter().map(|c| c.name.clone()).collect();
    let items = |names: &[String]| {
        names
            .iter()
            .map(|name| view! { <li>{name.clone()}</li> })
            .collect_view()
    };
    let editable = package.clone();
    view! {
        <div class="page-header">
            <div>
                <h1 data-test="package-name">{package.name.clone()}</h1>
                <p class="muted">{format!("Postcode district {}", package.postcode_district)}</p>
            </div>
        </div>
        <section class="card">{details}</section>
        <Show
            when=move || may_manage.get()
            fallback=move || {
                view! {
                    <section class="card">
                        <h2>"Tasks"</h2>
                        <ul>{items(&tasks)}</ul>
                    </section>
                    <section class="card">
                        <h2>"Carers"</h2>
                        <ul>{items(&carers)}</ul>
                    </section>
                }
            }
        >
            <EditPackage package=editable.clone() version />
            <ChooseTasks package=editable.clone() version />
            <ChooseCarers package=editable.clone() version />
            <DeletePackageCard id=editable.id name=editable.name.clone() />
        </Show>
    }
}

#[component]
fn EditPackage(package: PackageDetail, version: RwSignal<u32>) -> impl IntoView {
    let toasts = use_toasts();
    let save = ServerAction::<SavePackage>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            toasts.show(ToastKind::Success, "Care package saved.");
            version.update(|v| *v += 1);
        }
    });
    let address = package.address_lines.clone().unwrap_or_default().join("\n");
    view! {
        <section class="card">
            <h2>"Details"</h2>
            <ActionForm action=save attr:class="form" attr:data-test="package-form">
                <input type="hidden" name="id" value=package.id.to_string() />
                <Field
                    form="package"
                    label="Package name"
                    name="name"
                    value=package.name.clone()
                    required=true
                    error=field_error(save.value(), "name")
                />
                <Field
                    form="package"
                    label="Postcode district"
                    name="postcode_district"
                    value=package.postcode_district.clone()
                    required=true
                    error=field_error(save.value(), "postcode_district")
                />
                <Field
                    form="package"
                    label="Client's name"
                    name="client_name"
                    value=package.client_name.clone().unwrap_or_default()
                    required=true
                    error=field_error(save.value(), "client_name")
                />
                <label class="field" for="package-address">
                    <span>"Address"</span>
                    <textarea
                        id="package-address"
                        name="address"
                        rows="4"
                        required=true
                        aria-describedby="package-address-error"
                    >
                        {address}
                    </textarea>
                    <span class="field__error" id="package-address-error" role="alert">
                        {field_error(save.value(), "address")}
                    </span>
                </label>
                {move || {
                    form_error(save.value(), &FIELDS)()
                        .map(|m| {
                            view! {
                                <p class="alert alert--error" role="alert">
                                    {m}
                                </p>
                            }
                        })
                }}
                <button class="button button--primary" type="submit">
                    "Save details"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn ChooseTasks(package: PackageDetail, version: RwSignal<u32>) -> impl IntoView {
    let toasts = use_toasts();
    let choices = Resource::new(|| (), |_| task_choices());
    let chosen = RwSignal::new(
        package
            .tasks
            .iter()
            .map(|t| t.id)
            .collect::<BTreeSet<TaskId>>(),
    );
    let save = ServerAction::<SetPackageTasks>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(change)) => {
            toasts.show(
                ToastKind::Success,
                summary(&change.added, &change.removed, "task"),
            );
            version.update(|v| *v += 1);
        }
        Some(Err(err)) => toasts.show(ToastKind::Error, err.to_string()),
        None => {}
    });
    let id = package.id;
    view! {
        <section class="card" data-test="choose-tasks">
            <h2>"Tasks performed here"</h2>
            <p class="muted">
                "Every carer of this package gets these tasks. Progress is per carer and task, so tasks they already practise elsewhere keep their progress."
            </p>
            <Transition fallback=|| {
                view! { <p class="muted">"Loading…"</p> }
            }>
                {move || {
                    choices
                        .get()
                        .map(|list| match list {
                            Ok(list) => {
                                list.into_iter()
                                    .map(|task| {
                                        let tid = task.id;
                                        view! {
                                            <label class="field--check">
                                                <input
                                                    type="checkbox"
                                                    prop:checked=move || chosen.read().contains(&tid)
                                                    on:change=move |ev| {
                                                        chosen
                                                            .update(|set| {
                                                                if event_target_checked(&ev) {
                                                                    set.insert(tid);
                                                                } else {
                                                                    set.remove(&tid);
                                                                }
                                                            })
                                                    }
                                                />
                                                <span>{task.name}</span>
                                            </label>
                                        }
                                    })
                                    .collect_view()
                                    .into_any()
                            }
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
            <button
                class="button button--primary"
                type="button"
                data-test="save-tasks"
                on:click=move |_| {
                    save.dispatch(SetPackageTasks {
                        package: id,
                        tasks: chosen.get().into_iter().collect(),
                    });
                }
            >
                "Save tasks"
            </button>
        </section>
    }
}

#[component]
fn ChooseCarers(package: PackageDetail, version: RwSignal<u32>) -> impl IntoView {
    let toasts = use_toasts();
    let choices = Resource::new(|| (), |_| carer_choices());
    let current: BTreeSet<UserId> = package.carers.iter().map(|c| c.id).collect();
    let chosen = RwSignal::new(current.clone());
    let id = package.id;
    // What the carers being added would gain, refreshed as the ticks change.
    let preview = Resource::new(
        move || chosen.get(),
        move |chosen| {
            let added: Vec<UserId> = chosen.difference(&current).copied().collect();
            async move {
                if added.is_empty() {
                    Ok(Vec::new())
                } else {
                    preview_package_carers(id, added).await
                }
            }
        },
    );
    let save = ServerAction::<SetPackageCarers>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(change)) => {
            toasts.show(
                ToastKind::Success,
                summary(&change.added, &change.removed, "carer"),
            );
            version.update(|v| *v += 1);
        }
        Some(Err(err)) => toasts.show(ToastKind::Error, err.to_string()),
        None => {}
    });
    view! {
        <section class="card" data-test="choose-carers">
            <h2>"Carers who work here"</h2>
            <Transition fallback=|| {
                view! { <p class="muted">"Loading…"</p> }
            }>
                {move || {
                    choices
                        .get()
                        .map(|list| match list {
                            Ok(list) => {
                                list.into_iter()
                                    .map(|carer| {
                                        let cid = carer.id;
                                        view! {
                                            <label class="field--check">
                                                <input
                                                    type="checkbox"
                                                    prop:checked=move || chosen.read().contains(&cid)
                                                    on:change=move |ev| {
                                                        chosen
                                                            .update(|set| {
                                                                if event_target_checked(&ev) {
                                                                    set.insert(cid);
                                                                } else {
                                                                    set.remove(&cid);
                                                                }
                                                            })
                                                    }
                                                />
                                                <span>{carer.name}</span>
                                            </label>
                                        }
                                    })
                                    .collect_view()
                                    .into_any()
                            }
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
                    preview
                        .get()
                        .and_then(Result::ok)
                        .map(|impacts| {
                            view! {
                                <ul class="preview" data-test="carer-preview" aria-live="polite">
                                    {impacts
                                        .into_iter()
                                        .map(|impact| view! { <li>{impact_text(&impact)}</li> })
                                        .collect_view()}
                                </ul>
                            }
                        })
                }}
            </Transition>
            <button
                class="button button--primary"
                type="button"
                data-test="save-carers"
                on:click=move |_| {
                    save.dispatch(SetPackageCarers {
                        package: id,
                        carers: chosen.get().into_iter().collect(),
                    });
                }
            >
                "Save carers"
            </button>
        </section>
    }
}

/// "Sam Okafor gets 3 new tasks; existing progress on 2 of them counts."
fn impact_text(impact: &CarerImpact) -> String {
    let tasks = match impact.new_tasks {
        0 => {
            return format!(
                "{} already has every task of this package.",
                impact.carer.name
            );
        }
        1 => "1 new task".to_owned(),
        n => format!("{n} new tasks"),
    };
    match impact.with_progress {
        0 => format!("{} gets {tasks}.", impact.carer.name),
        n => format!(
            "{} gets {tasks}; existing progress on {n} of them counts.",
            impact.carer.name
        ),
    }
}

fn summary(added: &[String], removed: &[String], what: &str) -> String {
    match (added.len(), removed.len()) {
        (0, 0) => "Nothing changed.".to_owned(),
        (a, r) => format!("Saved: {a} {what}(s) added, {r} removed."),
    }
}

#[component]
fn DeletePackageCard(id: CarePackageId, name: String) -> impl IntoView {
    let confirm = RwSignal::new(false);
    let delete = ServerAction::<DeletePackage>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            let navigate = leptos_router::hooks::use_navigate();
            navigate("/admin/packages?deleted=1", Default::default());
        }
    });
    view! {
        <section class="card">
            <h2>"Delete"</h2>
            <Show
                when=move || confirm.get()
                fallback=move || {
                    view! {
                        <button
                            class="button button--danger"
                            type="button"
                            data-test="delete-package"
                            on:click=move |_| confirm.set(true)
                        >
                            "Delete this care package…"
                        </button>
                    }
                }
            >
                <div class="confirm" role="alert">
                    {format!(
                        "Delete {name}? Its carers stop seeing its tasks. It waits in the recycle bin, where it can be restored, until the nightly purge. ",
                    )}
                    <button
                        class="button button--danger"
                        type="button"
                        data-test="confirm-delete-package"
                        on:click=move |_| {
                            delete.dispatch(DeletePackage { id });
                        }
                    >
                        "Delete"
                    </button>
                    <button class="button" type="button" on:click=move |_| confirm.set(false)>
                        "Cancel"
                    </button>
                </div>
            </Show>
            {move || {
                delete
                    .value()
                    .get()
                    .and_then(Result::err)
                    .map(|err| {
                        view! {
                            <p class="alert alert--error" role="alert">
                                {err.to_string()}
                            </p>
                        }
                    })
            }}
        </section>
    }
}
