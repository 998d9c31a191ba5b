use super::api::{SignIn, SignInSecondStep, SignInStep};
use crate::components::form::{Field, field_error, form_error};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

/// One sign-in page for every role; each lands on its own home afterwards. Works
/// before the WASM has loaded (a plain form post). With two-step verification on, a
/// second form asks for the code.
#[component]
pub fn LoginPage() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let second_step = ServerAction::<SignInSecondStep>::new();
    let error = move || {
        sign_in
            .value()
            .get()
            .and_then(Result::err)
            .map(|err| err.to_string())
    };
    let mfa_token = move || match sign_in.value().get() {
        Some(Ok(SignInStep::Code { mfa_token })) => Some(mfa_token),
        _ => None,
    };
    let query = leptos_router::hooks::use_query_map();
    let reset_done = move || query.read().get("reset").is_some_and(|v| v == "done");
    view! {
        <Title text="Sign in" />
        <section class="card auth-card">
            <h1>"Sign in"</h1>
            <Show
                when=move || mfa_token().is_some()
                fallback=move || {
                    view! {
                        <p class="muted">"Use the email address your care manager invited."</p>
                        <Show when=reset_done>
                            <p class="alert" role="status" data-test="reset-done">
                                "Your password has been changed. Sign in with the new one."
                            </p>
                        </Show>
                        <ActionForm action=sign_in attr:class="form" attr:data-test="login-form">
                            <label class="field">
                                <span>"Email"</span>
                                <input
                                    type="email"
                                    name="email"
                                    autocomplete="username"
                                    required
                                    inputmode="email"
                                />
                            </label>
                            <label class="field">
                                <span>"Password"</span>
                                <input
                                    type="password"
                                    name="password"
                                    autocomplete="current-password"
                                    required
                                />
                            </label>
                            {move || {
                                error()
                                    .map(|message| {
                                        view! {
                                            <p
                                                class="alert alert--error"
                                                role="alert"
                                                data-test="login-error"
                                            >
                                                {message}
                                            </p>
                                        }
                                    })
                            }}
                            <button
                                class="button button--primary"
                                type="submit"
                                disabled=move || sign_in.pending().get()
                            >
                                {move || {
                                    if sign_in.pending().get() {
                                        "Signing in…"
                                    } else {
                                        "Sign in"
                                    }
                                }}
                            </button>
                        </ActionForm>
                        <p>
                            <a href="/forgot-password" data-test="forgot-password">
                                "Forgot your password?"
                            </a>
                        </p>
                    }
                }
            >
                <p class="muted">
                    "Enter the 6-digit code from your authenticator app, or one of your backup codes."
                </p>
                <ActionForm action=second_step attr:class="form" attr:data-test="code-form">
                    <input
                        type="hidden"
                        name="mfa_token"
                        value=move || mfa_token().unwrap_or_default()
                    />
                    <Field
                        label="Code"
                        name="code"
                        autocomplete="one-time-code"
                        required=true
                        error=field_error(second_step.value(), "code")
                    />
                    {move || {
                        form_error(second_step.value(), &["code"])()
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
                        disabled=move || second_step.pending().get()
                    >
                        "Continue"
                    </button>
                </ActionForm>
            </Show>
        </section>
    }
}
