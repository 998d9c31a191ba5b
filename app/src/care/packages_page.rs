//! Care packages for the office: search, a page at a time, and a form for a new one.

use super::api::{SavePackage, list_packages};
use crate::wire::Page;
use crate::{
    components::{
        form::{Field, field_error, form_error},
        pager::{Pager, SearchBox},
        toast::{ToastKind, use_toasts},
    },
    identity::use_can,
};
use caretrack::{
    care::{ADDRESS_MAX_LINES, NAME_MAX},
    permissions::Permission,
};
use leptos::prelude::*;
use leptos_meta::Title;

const FIELDS: [&str; 4] = ["name", "postcode_district", "client_name", "address"];

#[component]
pub fn PackagesPage() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let page = RwSignal::new(1i64);
    let version = RwSignal::new(0u32);
    let packages = Resource::new(
        move || (search.get(), page.get(), version.get()),
        |(search, page, _)| list_packages(search, page),
    );
    let may_manage = use_can(Permission::ManageCare);
    view! {
        <Title text="Care packages" />
        <div class="page-header">
            <div>
                <h1>"Care packages"</h1>
                <p class="muted">
                    "Clients and where they live. Only the postcode district is stored in clear; names and addresses are encrypted."
                </p>
            </div>
        </div>
        <Transition fallback=|| ()>
            <Show when=move || may_manage.get()>
                <NewPackage version />
            </Show>
        </Transition>
        <SearchBox search page placeholder="Name or district" test="package-search" />
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                packages
                    .get()
                    .map(|result| match result {
                        Ok(list) => view! { <PackageTable list page /> }.into_any(),
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
fn PackageTable(list: Page<super::api::PackageSummary>, page: RwSignal<i64>) -> impl IntoView {
    if list.total == 0 {
        return view! {
            <p class="card muted" data-test="no-packages">
                "No care packages match."
            </p>
        }
        .into_any();
    }
    view! {
        <table class="table" data-test="packages">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"District"</th>
                    <th scope="col">"Tasks"</th>
                    <th scope="col">"Carers"</th>
                </tr>
            </thead>
            <tbody>
                {list
                    .items
                    .into_iter()
                    .map(|p| {
                        view! {
                            <tr data-test="package" data-name=p.name.clone()>
                                <th scope="row">
                                    <a href=format!("/admin/packages/{}", p.id)>{p.name.clone()}</a>
                                </th>
                                <td>{p.postcode_district}</td>
                                <td>{p.tasks}</td>
                                <td>{p.carers}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <Pager
            page
            current=list.page
            total=list.total
            page_size=list.page_size
            what="care packages"
        />
    }
    .into_any()
}

#[component]
fn NewPackage(version: RwSignal<u32>) -> impl IntoView {
    let toasts = use_toasts();
    let open = RwSignal::new(false);
    let save = ServerAction::<SavePackage>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            toasts.show(ToastKind::Success, "Care package added.");
            open.set(false);
            version.update(|v| *v += 1);
        }
    });
    view! {
        <Show
            when=move || open.get()
            fallback=move || {
                view! {
                    <p>
                        <button
                            class="button button--primary"
                            type="button"
                            data-test="new-package"
                            on:click=move |_| open.set(true)
                        >
                            "New care package"
                        </button>
                    </p>
                }
            }
        >
            <section class="card">
                <h2>"New care package"</h2>
                <ActionForm action=save attr:class="form" attr:data-test="package-form">
                    <Field
                        form="package"
                        label="Package name"
                        name="name"
                        required=true
                        hint="How the office refers to it. Stored in clear text, so use a place or a code, never the client's details."
                        error=field_error(save.value(), "name")
                    />
                    <Field
                        form="package"
                        label="Postcode district"
                        name="postcode_district"
                        required=true
                        hint="The first part of the postcode only, e.g. M14"
                        error=field_error(save.value(), "postcode_district")
                    />
                    <Field
                        form="package"
                        label="Client's name"
                        name="client_name"
                        required=true
                        error=field_error(save.value(), "client_name")
                    />
                    <label class="field" for="package-address">
                        <span>"Address"</span>
                        <small class="muted">
                            {format!("One line per line, at most {ADDRESS_MAX_LINES} lines.")}
                        </small>
                        <textarea
                            id="package-address"
                            name="address"
                            rows="4"
                            required=true
                            aria-describedby="package-address-error"
                            maxlength=(NAME_MAX * ADDRESS_MAX_LINES).to_string()
                        ></textarea>
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
                    <div class="actions">
                        <button class="button button--primary" type="submit">
                            "Add care package"
                        </button>
                        <button class="button" type="button" on:click=move |_| open.set(false)>
                            "Cancel"
                        </button>
                    </div>
                </ActionForm>
            </section>
        </Show>
    }
}
