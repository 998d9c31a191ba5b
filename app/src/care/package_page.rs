//! One care package: its client, its tasks and its carers. Care managers change the
//! details, choose tasks and carers (with a preview of what a carer gains), and delete
//! the package after confirming.

use super::api::{DeletePackage, PackageDetail, SavePackage, load_package};
use super::package_assignments::{ChooseCarers, ChooseTasks};
use crate::{
    components::{
        form::{Field, field_error, form_error},
        toast::{ToastKind, use_toasts},
    },
    identity::use_can,
};
use caretrack::{ids::CarePackageId, permissions::Permission};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

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
