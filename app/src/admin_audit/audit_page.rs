use super::api::{AuditFilter, PAGE_SIZE, search_audit};
use crate::live::{Topic, use_live};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The audit log: filter by person, action, record type and dates; newest first, a page
/// at a time; the same selection as CSV.
#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        let get = |name: &str| q.get(name).unwrap_or_default();
        AuditFilter {
            user: get("user"),
            action: get("action"),
            entity_type: get("entity_type"),
            from: get("from"),
            to: get("to"),
        }
    };
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(1)
    };
    // The live feed: new records appear as they are written.
    let live = use_live(&[Topic::Audit]);
    let results = Resource::new(
        move || (filter(), page(), live.get()),
        |(filter, page, _)| search_audit(filter, page),
    );
    let page_link = move |n: i64| format!("/admin/audit?{}&page={n}", filter().query());
    view! {
        <Title text="Audit log" />
        <div class="page-header">
            <div>
                <h1>"Audit log"</h1>
                <p class="muted">
                    "Every sign-in, security change and change to records, with who, when and from where. It cannot be edited."
                </p>
            </div>
            <a
                class="button"
                data-test="audit-csv"
                href=move || format!("/api/v1/admin/audit.csv?{}", filter().query())
            >
                "Download CSV"
            </a>
        </div>
        <form
            class="card form form--grid"
            method="get"
            action="/admin/audit"
            data-test="audit-filter"
        >
            <label class="field">
                <span>"Person (email)"</span>
                <input type="email" name="user" value=move || filter().user />
            </label>
            <label class="field">
                <span>"Action"</span>
                <input name="action" placeholder="auth." value=move || filter().action />
            </label>
            <label class="field">
                <span>"Record type"</span>
                <input name="entity_type" placeholder="user" value=move || filter().entity_type />
            </label>
            <label class="field">
                <span>"From"</span>
                <input type="date" name="from" value=move || filter().from />
            </label>
            <label class="field">
                <span>"To"</span>
                <input type="date" name="to" value=move || filter().to />
            </label>
            <button class="button button--primary" type="submit">
                "Show"
            </button>
        </form>
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                results
                    .get()
                    .map(|result| match result {
                        Ok(list) => {
                            let pages = ((list.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
                            let current = list.page;
                            view! {
                                <table class="table" data-test="audit-rows">
                                    <thead>
                                        <tr>
                                            <th scope="col">"When"</th>
                                            <th scope="col">"Who"</th>
                                            <th scope="col">"Action"</th>
                                            <th scope="col">"Record"</th>
                                            <th scope="col">"From"</th>
                                            <th scope="col">"Change"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list
                                            .items
                                            .into_iter()
                                            .map(|row| {
                                                view! {
                                                    <tr data-test="audit-row">
                                                        <td>{row.when}</td>
                                                        <td>{row.actor}</td>
                                                        <td>
                                                            <code>{row.action}</code>
                                                        </td>
                                                        <td>{row.entity}</td>
                                                        <td>{row.ip}</td>
                                                        <td class="audit-change">
                                                            {(!row.before.is_empty())
                                                                .then(|| {
                                                                    view! {
                                                                        <div>
                                                                            <span class="muted">"Before "</span>
                                                                            <code>{row.before.clone()}</code>
                                                                        </div>
                                                                    }
                                                                })}
                                                            {(!row.after.is_empty())
                                                                .then(|| {
                                                                    view! {
                                                                        <div>
                                                                            <span class="muted">"After "</span>
                                                                            <code>{row.after.clone()}</code>
                                                                        </div>
                                                                    }
                                                                })}
                                                        </td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                                <nav class="pager" aria-label="Audit pages">
                                    {(current > 1)
                                        .then(|| {
                                            view! {
                                                <a class="button" href=page_link(current - 1)>
                                                    "Newer"
                                                </a>
                                            }
                                        })}
                                    <span class="muted">
                                        {format!(
                                            "Page {current} of {pages} · {} entries",
                                            list.total,
                                        )}
                                    </span>
                                    {(current < pages)
                                        .then(|| {
                                            view! {
                                                <a class="button" href=page_link(current + 1)>
                                                    "Older"
                                                </a>
                                            }
                                        })}
                                </nav>
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
