use super::api::{
    AcceptInvitation, InvitationStatus, InvitationSummary, InvitePerson, PAGE_SIZE, invitation_for,
    list_invitations, resend_invitation, revoke_invitation,
};
use crate::components::{
    form::{Field, field_error, form_error},
    pager::Pager,
    toast::{ToastKind, use_toasts},
};
use caretrack::Role;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Care managers invite people and follow their invitations.
#[component]
pub fn InvitationsPage() -> impl IntoView {
    let toasts = use_toasts();
    let invite = ServerAction::<InvitePerson>::new();
    let page = RwSignal::new(1i64);
    let version = RwSignal::new(0u32);
    let invitations = Resource::new(
        move || (page.get(), version.get(), invite.version().get()),
        |(p, _, _)| list_invitations(p),
    );
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(sent)) = invite.value().get() {
            toasts.show(
                ToastKind::Success,
                format!("Invitation sent to {}", sent.email),
            );
            if let Some(form) = form.get() {
                form.reset();
            }
        }
    });
    let fields: &'static [&'static str] = &["first_name", "last_name", "email", "role"];
    view! {
        <Title text="Invitations" />
        <div class="page-header">
            <div>
                <h1>"Invitations"</h1>
                <p class="muted">
                    "People join CareTrack only by invitation. Links work for 7 days and only once."
                </p>
            </div>
        </div>
        <section class="card">
            <h2>"Invite someone"</h2>
            <ActionForm
                action=invite
                node_ref=form
                attr:class="form form--grid"
                attr:data-test="invite-form"
            >
                <Field
                    label="First name"
                    name="first_name"
                    autocomplete="off"
                    required=true
                    error=field_error(invite.value(), "first_name")
                />
                <Field
                    label="Last name"
                    name="last_name"
                    autocomplete="off"
                    required=true
                    error=field_error(invite.value(), "last_name")
                />
                <Field
                    label="Email"
                    name="email"
                    kind="email"
                    autocomplete="off"
                    required=true
                    error=field_error(invite.value(), "email")
                />
                <label class="field">
                    <span>"Role"</span>
                    <select name="role" required>
                        {Role::ALL
                            .iter()
                            .map(|role| {
                                view! {
                                    <option value=role.as_str() selected=*role == Role::Carer>
                                        {role.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                {move || {
                    form_error(invite.value(), fields)()
                        .map(|message| {
                            view! {
                                <p class="alert alert--error" role="alert">
                                    {message}
                                </p>
                            }
                        })
                }}
                <button
                    class="button button--primary"
                    type="submit"
                    disabled=move || invite.pending().get()
                >
                    {move || if invite.pending().get() { "Sending…" } else { "Send invitation" }}
                </button>
            </ActionForm>
        </section>
        <section class="card">
            <h2>"Sent"</h2>
            <Transition fallback=|| {
                view! { <p class="muted">"Loading…"</p> }
            }>
                {move || {
                    invitations
                        .get()
                        .map(|result| match result {
                            Ok(list) => {
                                let current = list.page;
                                view! {
                                    {if list.items.is_empty() {
                                        view! { <p class="muted">"No invitations yet."</p> }
                                            .into_any()
                                    } else {
                                        view! {
                                            <table class="table" data-test="invitations">
                                                <thead>
                                                    <tr>
                                                        <th scope="col">"Name"</th>
                                                        <th scope="col">"Email"</th>
                                                        <th scope="col">"Role"</th>
                                                        <th scope="col">"Status"</th>
                                                        <th scope="col">"Sent"</th>
                                                        <th scope="col">"Expires"</th>
                                                        <th scope="col">
                                                            <span class="visually-hidden">"Actions"</span>
                                                        </th>
                                                    </tr>
                                                </thead>
                                                <tbody>
                                                    {list
                                                        .items
                                                        .into_iter()
                                                        .map(|item| view! { <InvitationRow item version /> })
                                                        .collect_view()}
                                                </tbody>
                                            </table>
                                        }
                                            .into_any()
                                    }}
                                    <Pager
                                        page
                                        current
                                        total=list.total
                                        page_size=PAGE_SIZE
                                        what="invitations"
                                    />
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
        </section>
    }
}

#[component]
fn InvitationRow(item: InvitationSummary, version: RwSignal<u32>) -> impl IntoView {
    let toasts = use_toasts();
    let confirming = RwSignal::new(false);
    let resend = Action::new(move |id: &caretrack::ids::InvitationId| resend_invitation(*id));
    let revoke = Action::new(move |id: &caretrack::ids::InvitationId| revoke_invitation(*id));
    Effect::new(move |_| {
        for (result, done) in [
            (resend.value().get(), "Invitation sent again"),
            (revoke.value().get(), "Invitation revoked"),
        ] {
            match result {
                Some(Ok(())) => {
                    toasts.show(ToastKind::Success, done);
                    version.update(|v| *v += 1);
                }
                Some(Err(err)) => toasts.show(ToastKind::Error, err.to_string()),
                None => {}
            }
        }
    });
    let open = matches!(
        item.status,
        InvitationStatus::Pending | InvitationStatus::Expired
    );
    let badge = match item.status {
        InvitationStatus::Pending => "badge badge--warn",
        InvitationStatus::Accepted => "badge badge--ok",
        InvitationStatus::Expired | InvitationStatus::Revoked => "badge",
    };
    let (resend_id, revoke_id) = (item.id, item.id);
    let email_attr = item.email.clone();
    view! {
        <tr data-test="invitation" data-email=email_attr>
            <th scope="row">{item.name}</th>
            <td>{item.email}</td>
            <td>{item.role.label()}</td>
            <td>
                <span class=badge data-test="invitation-status">
                    {item.status.label()}
                </span>
            </td>
            <td>
                {item.sent}
                {(item.send_count > 1).then(|| format!(" (sent {} times)", item.send_count))}
            </td>
            <td>{item.expires}</td>
            <td class="actions">
                {open
                    .then(|| {
                        view! {
                            <button
                                class="button"
                                type="button"
                                data-test="resend"
                                on:click=move |_| {
                                    resend.dispatch(resend_id);
                                }
                            >
                                "Send again"
                            </button>
                            <Show
                                when=move || confirming.get()
                                fallback=move || {
                                    view! {
                                        <button
                                            class="button button--danger"
                                            type="button"
                                            data-test="revoke"
                                            on:click=move |_| confirming.set(true)
                                        >
                                            "Revoke…"
                                        </button>
                                    }
                                }
                            >
                                <span class="confirm" role="alert">
                                    "Withdraw this invitation? "
                                    <button
                                        class="button button--danger"
                                        type="button"
                                        data-test="confirm-revoke"
                                        on:click={
                                            let id = revoke_id;
                                            move |_| {
                                                confirming.set(false);
                                                revoke.dispatch(id);
                                            }
                                        }
                                    >
                                        "Revoke"
                                    </button>
                                    <button
                                        class="button"
                                        type="button"
                                        on:click=move |_| confirming.set(false)
                                    >
                                        "Cancel"
                                    </button>
                                </span>
                            </Show>
                        }
                    })}
            </td>
        </tr>
    }
}

/// Where an invitation link leads: choose a password, complete the profile, sign in.
#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let invitation = Resource::new(token, invitation_for);
    let accept = ServerAction::<AcceptInvitation>::new();
    let fields: &'static [&'static str] = &[
        "first_name",
        "last_name",
        "phone",
        "password",
        "password_again",
    ];
    view! {
        <Title text="Join CareTrack" />
        <section class="card auth-card">
            <Transition fallback=|| {
                view! { <p class="muted">"Checking your invitation…"</p> }
            }>
                {move || {
                    invitation
                        .get()
                        .map(|result| match result {
                            Ok(invite) => {
                                view! {
                                    <h1>{format!("Welcome to {}", invite.organisation)}</h1>
                                    <p class="muted" data-test="invited-as">
                                        {format!(
                                            "You have been invited as {} with {}.",
                                            invite.role.label().to_lowercase(),
                                            invite.email,
                                        )}
                                    </p>
                                    <ActionForm
                                        action=accept
                                        attr:class="form"
                                        attr:data-test="accept-form"
                                    >
                                        <input type="hidden" name="token" value=token() />
                                        <Field
                                            label="First name"
                                            name="first_name"
                                            autocomplete="given-name"
                                            value=invite.first_name.clone()
                                            required=true
                                            error=field_error(accept.value(), "first_name")
                                        />
                                        <Field
                                            label="Last name"
                                            name="last_name"
                                            autocomplete="family-name"
                                            value=invite.last_name.clone()
                                            required=true
                                            error=field_error(accept.value(), "last_name")
                                        />
                                        <Field
                                            label="Mobile phone (optional)"
                                            name="phone"
                                            kind="tel"
                                            autocomplete="tel"
                                            hint="For shift offers by text, later."
                                            error=field_error(accept.value(), "phone")
                                        />
                                        <Field
                                            label="Choose a password"
                                            name="password"
                                            kind="password"
                                            autocomplete="new-password"
                                            required=true
                                            hint="At least 12 characters. A few unrelated words work well."
                                            error=field_error(accept.value(), "password")
                                        />
                                        <Field
                                            label="Type it again"
                                            name="password_again"
                                            kind="password"
                                            autocomplete="new-password"
                                            required=true
                                            error=field_error(accept.value(), "password_again")
                                        />
                                        {move || {
                                            form_error(accept.value(), fields)()
                                                .map(|message| {
                                                    view! {
                                                        <p class="alert alert--error" role="alert">
                                                            {message}
                                                        </p>
                                                    }
                                                })
                                        }}
                                        <button
                                            class="button button--primary"
                                            type="submit"
                                            disabled=move || accept.pending().get()
                                        >
                                            {move || {
                                                if accept.pending().get() {
                                                    "Creating your account…"
                                                } else {
                                                    "Create my account"
                                                }
                                            }}
                                        </button>
                                    </ActionForm>
                                }
                                    .into_any()
                            }
                            Err(err) => {
                                view! {
                                    <h1>"This link cannot be used"</h1>
                                    <p
                                        class="alert alert--error"
                                        role="alert"
                                        data-test="invitation-problem"
                                    >
                                        {err.to_string()}
                                    </p>
                                    <a class="button" href="/login">
                                        "Go to sign in"
                                    </a>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}
