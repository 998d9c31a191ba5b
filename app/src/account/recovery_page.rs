//! Getting back in without signing in: a forgotten password (the request and the reset
//! link) and confirming a changed email address.

use super::api::{ConfirmEmailChange, RequestPasswordReset, ResetPassword};
use crate::components::form::{Field, field_error, form_error};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// "Forgot your password?": asks for the address and always answers the same way.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let request = ServerAction::<RequestPasswordReset>::new();
    let sent = move || matches!(request.value().get(), Some(Ok(())));
    view! {
        <Title text="Reset your password" />
        <section class="card auth-card">
            <h1>"Reset your password"</h1>
            <Show
                when=sent
                fallback=move || {
                    view! {
                        <p class="muted">
                            "Enter the email address you sign in with. We will email you a link to choose a new password."
                        </p>
                        <ActionForm action=request attr:class="form">
                            <Field
                                label="Email"
                                name="email"
                                kind="email"
                                autocomplete="username"
                                required=true
                                error=field_error(request.value(), "email")
                            />
                            {move || {
                                form_error(request.value(), &["email"])()
                                    .map(|m| {
                                        view! {
                                            <p class="alert alert--error" role="alert">
                                                {m}
                                            </p>
                                        }
                                    })
                            }}
                            <button
                                class="button button--primary"
                                type="submit"
                                disabled=move || request.pending().get()
                            >
                                "Email me a link"
                            </button>
                        </ActionForm>
                    }
                }
            >
                <p class="alert" role="status" data-test="reset-sent">
                    "If that address has an account, a link is on its way. It works once, for 1 hour."
                </p>
            </Show>
            <p>
                <a href="/login">"Back to sign in"</a>
            </p>
        </section>
    }
}

/// Where a reset link leads.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let reset = ServerAction::<ResetPassword>::new();
    view! {
        <Title text="Choose a new password" />
        <section class="card auth-card">
            <h1>"Choose a new password"</h1>
            <p class="muted">
                "You will be signed out everywhere, then you can sign in with the new password."
            </p>
            <ActionForm action=reset attr:class="form">
                <input type="hidden" name="token" value=token />
                <Field
                    label="New password"
                    name="password"
                    kind="password"
                    autocomplete="new-password"
                    required=true
                    hint="At least 12 characters."
                    error=field_error(reset.value(), "password")
                />
                <Field
                    label="Type it again"
                    name="password_again"
                    kind="password"
                    autocomplete="new-password"
                    required=true
                    error=field_error(reset.value(), "password_again")
                />
                {move || {
                    form_error(reset.value(), &["password", "password_again"])()
                        .map(|m| {
                            view! {
                                <p class="alert alert--error" role="alert">
                                    {m}
                                </p>
                            }
                        })
                }}
                <button
                    class="button button--primary"
                    type="submit"
                    disabled=move || reset.pending().get()
                >
                    "Save new password"
                </button>
            </ActionForm>
        </section>
    }
}

/// Where the link sent to a new email address leads: one button to confirm.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let confirm = ServerAction::<ConfirmEmailChange>::new();
    view! {
        <Title text="Confirm your new email address" />
        <section class="card auth-card">
            <h1>"Confirm your new email address"</h1>
            {move || match confirm.value().get() {
                Some(Ok(email)) => {
                    view! {
                        <p class="alert" role="status" data-test="email-confirmed">
                            {format!("Done: you now sign in with {email}.")}
                        </p>
                    }
                        .into_any()
                }
                other => {
                    view! {
                        {other
                            .and_then(Result::err)
                            .map(|err| {
                                view! {
                                    <p class="alert alert--error" role="alert">
                                        {err.to_string()}
                                    </p>
                                }
                            })}
                        <ActionForm action=confirm attr:class="form">
                            <input type="hidden" name="token" value=token />
                            <button class="button button--primary" type="submit">
                                "Use this address"
                            </button>
                        </ActionForm>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
