//! `/admin/rota?package=…&week=…`: the rota editor. A week of one package as a grid of
//! days × DAY/NIGHT; carers are dragged onto slots, between them and off the rota (or,
//! from the keyboard, chosen and placed with buttons). Every change is checked at once
//! in the browser by the same engine the server runs (`caretrack::rota::Checker`, in
//! WASM); the server checks again on save and publish, and a difference is shown as the
//! bug it would be.

use super::api::load_rota_week;
use super::editor::Editor;
use crate::care::api::list_packages;
use caretrack::ids::CarePackageId;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn RotaPage() -> impl IntoView {
    let query = use_query_map();
    let package = Memo::new(move |_| {
        query
            .read()
            .get("package")
            .and_then(|id| id.parse::<CarePackageId>().ok())
    });
    // No week: the server picks this week (the browser's `time` has no clock).
    let week = Memo::new(move |_| query.read().get("week").unwrap_or_default());
    let reload = RwSignal::new(0u32);
    let rota = Resource::new(
        move || (package.get(), week.get(), reload.get()),
        |(package, week, _)| async move {
            match package {
                Some(package) => load_rota_week(package, week).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Title text="Rota" />
        <h1>"Rota"</h1>
        <PackagePicker package />
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                rota.get()
                    .map(|result| match result {
                        Ok(Some(week)) => view! { <Editor week reload /> }.into_any(),
                        Ok(None) => {
                            view! { <p class="muted">"Choose a care package to plan its rota."</p> }
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
    }
}

/// Which package's rota: a search (the list is paged on the server, so any package can
/// be found) and a select of what it finds, which navigates.
#[component]
fn PackagePicker(package: Memo<Option<CarePackageId>>) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let packages = Resource::new(move || search.get(), |search| list_packages(search, 1));
    let navigate = use_navigate();
    view! {
        <label class="field field--inline">
            <span>"Find a package"</span>
            <input
                type="search"
                data-test="rota-package-search"
                placeholder="Name or postcode district"
                on:change=move |ev| search.set(event_target_value(&ev))
            />
        </label>
        <Transition fallback=|| ()>
            {move || {
                let navigate = navigate.clone();
                packages
                    .get()
                    .map(|result| match result {
                        Ok(page) => {
                            view! {
                                <label class="field field--inline">
                                    <span>"Care package"</span>
                                    <select
                                        data-test="rota-package"
                                        on:change=move |ev| {
                                            let id = event_target_value(&ev);
                                            navigate(
                                                &format!("/admin/rota?package={id}"),
                                                Default::default(),
                                            );
                                        }
                                    >
                                        <option value="" selected=package.get_untracked().is_none()>
                                            "Choose…"
                                        </option>
                                        {page
                                            .items
                                            .into_iter()
                                            .map(|p| {
                                                let chosen = package.get_untracked() == Some(p.id);
                                                view! {
                                                    <option value=p.id.to_string() selected=chosen>
                                                        {p.name}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                </label>
                            }
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
    }
}
