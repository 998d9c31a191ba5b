use super::api::{
    PAGE_SIZE, Tab, UserRow, change_user_role, delete_user, list_users, set_user_active,
    sign_out_user,
};
use crate::components::{
    pager::{Pager, SearchBox},
    toast::{ToastKind, use_toasts},
};
use caretrack::Role;
use leptos::prelude::*;
use leptos_meta::Title;

/// Carers and office staff in two tabs, searchable, a page at a time.
#[component]
pub fn UsersPage() -> impl IntoView {
    let tab = RwSignal::new(Tab::Carers);
    let search = RwSignal::new(String::new());
    let fully_assessed = RwSignal::new(false);
    let page = RwSignal::new(1i64);
    let version = RwSignal::new(0u32);
    let users = Resource::new(
        move || {
            let tab = tab.get();
            // The filter is about carers' ratings; office staff have none.
            let fully_assessed = tab == Tab::Carers && fully_assessed.get();
            (tab, search.get(), fully_assessed, page.get(), version.get())
        },
        |(tab, search, fully_assessed, page, _)| list_users(tab, search, fully_assessed, page),
    );
    let tab_button = move |label: &'static str, value: Tab| {
        view! {
            <button
                class="tab"
                type="button"
                role="tab"
                aria-selected=move || (tab.get() == value).to_string()
                on:click=move |_| {
                    tab.set(value);
                    page.set(1);
                }
            >
                {label}
            </button>
        }
    };
    view! {
        <Title text="People" />
        <div class="page-header">
            <div>
                <h1>"People"</h1>
                <p class="muted">"Everyone with an account. New people join by invitation."</p>
            </div>
            <div class="actions">
                <a
                    class="button"
                    data-test="users-csv"
                    download=""
                    href=move || {
                        let tab = tab.get();
                        format!(
                            "/api/v1/admin/users.csv?tab={tab:?}&search={}&fully_assessed={}",
                            caretrack::text::percent_encode(&search.get()),
                            tab == Tab::Carers && fully_assessed.get(),
                        )
                    }
                >
                    "Download CSV"
                </a>
                <a class="button button--primary" href="/admin/invitations">
                    "Invite someone"
                </a>
            </div>
        </div>
        <div class="tabs" role="tablist">
            {tab_button("Carers", Tab::Carers)}
            {tab_button("Office staff", Tab::Office)}
        </div>
        <div class="filters">
            <SearchBox search page placeholder="Name or email" test="user-search" />
            <Show when=move || tab.get() == Tab::Carers>
                <label class="checkbox">
                    <input
                        type="checkbox"
                        data-test="fully-assessed"
                        prop:checked=move || fully_assessed.get()
                        on:change=move |ev| {
                            fully_assessed.set(event_target_checked(&ev));
                            page.set(1);
                        }
                    />
                    " Fully assessed only (a rating on every assigned task)"
                </label>
            </Show>
        </div>
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                users
                    .get()
                    .map(|result| match result {
                        Ok(list) => {
                            let (current, total) = (list.page, list.total);
                            view! {
                                <table class="table" data-test="users">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Name"</th>
                                            <th scope="col">"Email"</th>
                                            <th scope="col">"Role"</th>
                                            <th scope="col">"Last signed in"</th>
                                            <th scope="col">"Status"</th>
                                            <th scope="col">
                                                <span class="visually-hidden">"Actions"</span>
                                            </th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list
                                            .items
                                            .into_iter()
                                            .map(|user| view! { <UserRowView user version /> })
                                            .collect_view()}
                                    </tbody>
                                </table>
                                <Pager page current total page_size=PAGE_SIZE what="people" />
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

/// Which confirmation is open on a row.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Confirm {
    None,
    Deactivate,
    SignOut,
    Delete,
    Role(Role),
}

#[component]
fn UserRowView(user: UserRow, version: RwSignal<u32>) -> impl IntoView {
    let toasts = use_toasts();
    let confirm = RwSignal::new(Confirm::None);
    let id = user.id;
    let set_active =
        Action::new(|(id, active): &(caretrack::ids::UserId, bool)| set_user_active(*id, *active));
    let set_role = Action::new(|(id, role): &(caretrack::ids::UserId, String)| {
        change_user_role(*id, role.clone())
    });
    let sign_out = Action::new(|id: &caretrack::ids::UserId| sign_out_user(*id));
    let delete = Action::new(|id: &caretrack::ids::UserId| delete_user(*id));
    let report = move |result: Option<Result<String, crate::error::AppError>>| match result {
        Some(Ok(message)) => {
            toasts.show(ToastKind::Success, message);
            version.update(|v| *v += 1);
        }
        Some(Err(err)) => toasts.show(ToastKind::Error, err.to_string()),
        None => {}
    };
    Effect::new(move |_| {
        report(
            set_active
                .value()
                .get()
                .map(|r| r.map(|()| "Saved".to_owned())),
        )
    });
    Effect::new(move |_| {
        report(
            set_role
                .value()
                .get()
                .map(|r| r.map(|()| "Role changed; they will sign in again".to_owned())),
        )
    });
    Effect::new(move |_| {
        report(
            sign_out
                .value()
                .get()
                .map(|r| r.map(|n| format!("Signed out of {n} device(s)"))),
        )
    });

    let status = match (user.active, user.locked) {
        (false, _) => view! { <span class="badge">"Deactivated"</span> }.into_any(),
        (true, true) => view! { <span class="badge badge--warn">"Locked out"</span> }.into_any(),
        (true, false) => view! { <span class="badge badge--ok">"Active"</span> }.into_any(),
    };
    Effect::new(move |_| {
        report(
            delete
                .value()
                .get()
                .map(|r| r.map(|()| "Moved to the recycle bin".to_owned())),
        )
    });
    let (role_id, active_id, sign_out_id, delete_id) = (id, id, id, id);
    let delete_prompt = format!(
        "Move {} to the recycle bin? They are signed out and cannot sign in; their placements and practice wait there with them until you restore or purge them. ",
        user.name
    );
    let active = user.active;
    let current_role = user.role;
    let email_attr = user.email.clone();
    view! {
        <tr data-test="user" data-email=email_attr>
            <th scope="row">{user.name}</th>
            <td>{user.email}</td>
            <td>
                <select
                    aria-label="Role"
                    data-test="role"
                    on:change=move |ev| {
                        if let Ok(role) = event_target_value(&ev).parse::<Role>() {
                            confirm.set(Confirm::Role(role));
                        }
                    }
                >
                    {Role::ALL
                        .iter()
                        .map(|role| {
                            view! {
                                <option value=role.as_str() selected=*role == current_role>
                                    {role.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </td>
            <td>{user.last_sign_in.unwrap_or_else(|| "Never".into())}</td>
            <td>{status}</td>
            <td class="actions">
                {move || match confirm.get() {
                    Confirm::None => {
                        view! {
                            {if active {
                                view! {
                                    <button
                                        class="button button--danger"
                                        type="button"
                                        data-test="deactivate"
                                        on:click=move |_| confirm.set(Confirm::Deactivate)
                                    >
                                        "Deactivate…"
                                    </button>
                                }
                                    .into_any()
                            } else {
                                let id = active_id;
                                view! {
                                    <button
                                        class="button"
                                        type="button"
                                        data-test="reactivate"
                                        on:click=move |_| {
                                            set_active.dispatch((id, true));
                                        }
                                    >
                                        "Reactivate"
                                    </button>
                                }
                                    .into_any()
                            }}
                            <button
                                class="button"
                                type="button"
                                data-test="sign-out-everywhere"
                                on:click=move |_| confirm.set(Confirm::SignOut)
                            >
                                "Sign out everywhere…"
                            </button>
                            <button
                                class="button button--danger"
                                type="button"
                                data-test="delete"
                                on:click=move |_| confirm.set(Confirm::Delete)
                            >
                                "Delete…"
                            </button>
                        }
                            .into_any()
                    }
                    Confirm::Delete => {
                        // Asked on a row of its own below (the explanation is long).
                        view! { <span class="muted">"Delete?"</span> }
                            .into_any()
                    }
                    Confirm::Deactivate => {
                        let id = active_id;
                        view! {
                            <span class="confirm" role="alert">
                                "Deactivate? They are signed out and cannot sign in until reactivated. "
                                <button
                                    class="button button--danger"
                                    type="button"
                                    data-test="confirm-deactivate"
                                    on:click=move |_| {
                                        confirm.set(Confirm::None);
                                        set_active.dispatch((id, false));
                                    }
                                >
                                    "Deactivate"
                                </button>
                                <button
                                    class="button"
                                    type="button"
                                    on:click=move |_| confirm.set(Confirm::None)
                                >
                                    "Cancel"
                                </button>
                            </span>
                        }
                            .into_any()
                    }
                    Confirm::Role(role) => {
                        let id = role_id;
                        view! {
                            <span class="confirm" role="alert">
                                {format!(
                                    "Make them {}? They are signed out and sign in again with the new role. ",
                                    role.label().to_lowercase(),
                                )}
                                <button
                                    class="button button--primary"
                                    type="button"
                                    data-test="confirm-role"
                                    on:click=move |_| {
                                        confirm.set(Confirm::None);
                                        set_role.dispatch((id, role.as_str().to_owned()));
                                    }
                                >
                                    "Change role"
                                </button>
                                <button
                                    class="button"
                                    type="button"
                                    on:click=move |_| {
                                        confirm.set(Confirm::None);
                                        version.update(|v| *v += 1);
                                    }
                                >
                                    "Cancel"
                                </button>
                            </span>
                        }
                            .into_any()
                    }
                    Confirm::SignOut => {
                        let id = sign_out_id;
                        view! {
                            <span class="confirm" role="alert">
                                "Sign them out on every device? "
                                <button
                                    class="button button--danger"
                                    type="button"
                                    on:click=move |_| {
                                        confirm.set(Confirm::None);
                                        sign_out.dispatch(id);
                                    }
                                >
                                    "Sign out"
                                </button>
                                <button
                                    class="button"
                                    type="button"
                                    on:click=move |_| confirm.set(Confirm::None)
                                >
                                    "Cancel"
                                </button>
                            </span>
                        }
                            .into_any()
                    }
                }}
            </td>
        </tr>
        <Show when=move || confirm.get() == Confirm::Delete>
            <tr class="confirm-row" data-test="delete-confirmation">
                <td colspan="6">
                    <div class="confirm" role="alert">
                        {delete_prompt.clone()}
                        <button
                            class="button button--danger"
                            type="button"
                            data-test="confirm-delete"
                            on:click={
                                let id = delete_id;
                                move |_| {
                                    confirm.set(Confirm::None);
                                    delete.dispatch(id);
                                }
                            }
                        >
                            "Delete"
                        </button>
                        <button
                            class="button"
                            type="button"
                            on:click=move |_| confirm.set(Confirm::None)
                        >
                            "Cancel"
                        </button>
                    </div>
                </td>
            </tr>
        </Show>
    }
}
