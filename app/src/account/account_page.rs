//! The signed-in person's own account page: password, email address, devices and
//! two-step verification.

use super::api::{
    ChangePassword, ConfirmTwoFactor, DisableTwoFactor, RequestEmailChange, load_two_factor_status,
    my_devices, sign_out_device, start_two_factor,
};
use crate::{
    components::{
        form::{Field, field_error, form_error},
        toast::{ToastKind, use_toasts},
    },
    identity::SignInPrompt,
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

/// The signed-in person's own account: password, email address and devices.
#[component]
pub fn AccountPage() -> impl IntoView {
    let toasts = use_toasts();
    let me = crate::identity::use_me();
    let query = leptos_router::hooks::use_query_map();
    let change_password = ServerAction::<ChangePassword>::new();
    let change_email = ServerAction::<RequestEmailChange>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = change_password.value().get() {
            toasts.show(
                ToastKind::Success,
                "Password changed. Your other devices have been signed out.",
            );
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = change_email.value().get() {
            toasts.show(
                ToastKind::Success,
                "Check the new address for a confirmation link.",
            );
        }
    });
    view! {
        <Title text="Your account" />
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                me.get()
                    .map(|me| match me {
                        Ok(Some(me)) => {
                            view! {
                                <div class="page-header">
                                    <div>
                                        <h1>"Your account"</h1>
                                        <p class="muted" data-test="account-email">
                                            {me.email.clone()}
                                        </p>
                                    </div>
                                </div>
                                <section class="card">
                                    <h2>"Change password"</h2>
                                    <ActionForm action=change_password attr:class="form">
                                        <Field
                                            label="Current password"
                                            name="current_password"
                                            kind="password"
                                            autocomplete="current-password"
                                            required=true
                                            error=field_error(
                                                change_password.value(),
                                                "current_password",
                                            )
                                        />
                                        <Field
                                            label="New password"
                                            name="password"
                                            kind="password"
                                            autocomplete="new-password"
                                            required=true
                                            hint="At least 12 characters."
                                            error=field_error(change_password.value(), "password")
                                        />
                                        <Field
                                            label="Type it again"
                                            name="password_again"
                                            kind="password"
                                            autocomplete="new-password"
                                            required=true
                                            error=field_error(change_password.value(), "password_again")
                                        />
                                        {move || {
                                            form_error(
                                                    change_password.value(),
                                                    &["current_password", "password", "password_again"],
                                                )()
                                                .map(|m| {
                                                    view! {
                                                        <p class="alert alert--error" role="alert">
                                                            {m}
                                                        </p>
                                                    }
                                                })
                                        }}
                                        <button class="button button--primary" type="submit">
                                            "Change password"
                                        </button>
                                    </ActionForm>
                                </section>
                                <section class="card">
                                    <h2>"Change email address"</h2>
                                    <ActionForm action=change_email attr:class="form">
                                        <Field
                                            label="New email address"
                                            name="new_email"
                                            kind="email"
                                            autocomplete="email"
                                            required=true
                                            error=field_error(change_email.value(), "new_email")
                                        />
                                        <Field
                                            form="email"
                                            label="Current password"
                                            name="current_password"
                                            kind="password"
                                            autocomplete="current-password"
                                            required=true
                                            error=field_error(change_email.value(), "current_password")
                                        />
                                        {move || {
                                            form_error(
                                                    change_email.value(),
                                                    &["new_email", "current_password"],
                                                )()
                                                .map(|m| {
                                                    view! {
                                                        <p class="alert alert--error" role="alert">
                                                            {m}
                                                        </p>
                                                    }
                                                })
                                        }}
                                        <button class="button button--primary" type="submit">
                                            "Send confirmation link"
                                        </button>
                                    </ActionForm>
                                </section>
                                <Show when=move || query.read().get("two-factor").is_some()>
                                    <p
                                        class="alert alert--error"
                                        role="alert"
                                        data-test="two-factor-required"
                                    >
                                        "Your organisation requires two-step verification for care managers. Set it up below to carry on."
                                    </p>
                                </Show>
                                <TwoFactor />
                                <Devices />
                            }
                                .into_any()
                        }
                        Ok(None) => view! { <SignInPrompt /> }.into_any(),
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
fn Devices() -> impl IntoView {
    let toasts = use_toasts();
    let version = RwSignal::new(0u32);
    let devices = Resource::new(move || version.get(), |_| my_devices());
    let sign_out = Action::new(|id: &String| sign_out_device(id.clone()));
    Effect::new(move |_| match sign_out.value().get() {
        Some(Ok(())) => {
            toasts.show(ToastKind::Success, "That device has been signed out.");
            version.update(|v| *v += 1);
        }
        Some(Err(err)) => toasts.show(ToastKind::Error, err.to_string()),
        None => {}
    });
    view! {
        <section class="card">
            <h2>"Your devices"</h2>
            <p class="muted">
                "Where you are signed in now. Sign out anything you do not recognise."
            </p>
            <Transition fallback=|| {
                view! { <p class="muted">"Loading…"</p> }
            }>
                {move || {
                    devices
                        .get()
                        .map(|list| match list {
                            Ok(list) => {
                                view! {
                                    <ul class="device-list" data-test="devices">
                                        {list
                                            .into_iter()
                                            .map(|device| {
                                                let id = device.id.clone();
                                                view! {
                                                    <li class="device" data-test="device">
                                                        <strong>{device.label}</strong>
                                                        {device
                                                            .current
                                                            .then(|| {
                                                                view! { <span class="badge badge--ok">"This device"</span> }
                                                            })}
                                                        <span class="muted">
                                                            {format!(
                                                                "Signed in {} · last seen {}{}",
                                                                device.signed_in,
                                                                device.last_seen,
                                                                device.ip.map(|ip| format!(" · {ip}")).unwrap_or_default(),
                                                            )}
                                                        </span>
                                                        {(!device.current)
                                                            .then(|| {
                                                                view! {
                                                                    <button
                                                                        class="button"
                                                                        type="button"
                                                                        on:click=move |_| {
                                                                            sign_out.dispatch(id.clone());
                                                                        }
                                                                    >
                                                                        "Sign out"
                                                                    </button>
                                                                }
                                                            })}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
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

/// Two-step verification: set up with an authenticator app, backup codes, switch off.
#[component]
fn TwoFactor() -> impl IntoView {
    let toasts = use_toasts();
    let version = RwSignal::new(0u32);
    let status = Resource::new(move || version.get(), |_| load_two_factor_status());
    let start = Action::new(|_: &()| start_two_factor());
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = disable.value().get() {
            toasts.show(ToastKind::Success, "Two-step verification is off.");
            version.update(|v| *v += 1);
        }
    });
    let backup_codes = move || confirm.value().get().and_then(Result::ok);
    view! {
        <section class="card" data-test="two-factor">
            <h2>"Two-step verification"</h2>
            {move || {
                backup_codes()
                    .map(|codes| {
                        view! {
                            <div class="alert" role="status" data-test="backup-codes">
                                <p>
                                    <strong>"Two-step verification is on."</strong>
                                    " Keep these backup codes somewhere safe: each works once if you lose your phone. They are not shown again."
                                </p>
                                <ul class="backup-codes">
                                    {codes
                                        .into_iter()
                                        .map(|c| {
                                            view! {
                                                <li>
                                                    <code>{c}</code>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </div>
                        }
                    })
            }}
            <Transition fallback=|| {
                view! { <p class="muted">"Loading…"</p> }
            }>
                {move || {
                    status
                        .get()
                        .map(|result| match result {
                            Ok(status) if status.enabled => {
                                view! {
                                    <p data-test="two-factor-on">
                                        {format!(
                                            "On. {} backup codes left.",
                                            status.backup_codes_left,
                                        )}
                                    </p>
                                    <details>
                                        <summary>"Turn it off…"</summary>
                                        <ActionForm action=disable attr:class="form">
                                            <Field
                                                form="two-factor-off"
                                                label="Current password"
                                                name="current_password"
                                                kind="password"
                                                autocomplete="current-password"
                                                required=true
                                                error=field_error(disable.value(), "current_password")
                                            />
                                            <Field
                                                form="two-factor-off"
                                                label="Code from your app"
                                                name="code"
                                                autocomplete="one-time-code"
                                                required=true
                                                error=field_error(disable.value(), "code")
                                            />
                                            <button class="button button--danger" type="submit">
                                                "Turn off two-step verification"
                                            </button>
                                        </ActionForm>
                                    </details>
                                }
                                    .into_any()
                            }
                            Ok(_) if backup_codes().is_none() => {
                                view! {
                                    <p class="muted">
                                        "Off. With it on, signing in also needs a code from an authenticator app on your phone."
                                    </p>
                                    {move || match start.value().get() {
                                        Some(Ok((qr, secret))) => {
                                            view! {
                                                <p>
                                                    "Scan this with your authenticator app, or type the key in."
                                                </p>
                                                <img
                                                    class="qr"
                                                    src=qr
                                                    alt="QR code for your authenticator app"
                                                    width="200"
                                                    height="200"
                                                />
                                                <p>
                                                    <code data-test="totp-secret">{secret}</code>
                                                </p>
                                                <ActionForm action=confirm attr:class="form">
                                                    <Field
                                                        form="two-factor-on"
                                                        label="Code from your app"
                                                        name="code"
                                                        autocomplete="one-time-code"
                                                        required=true
                                                        error=field_error(confirm.value(), "code")
                                                    />
                                                    {move || {
                                                        form_error(confirm.value(), &["code"])()
                                                            .map(|m| {
                                                                view! {
                                                                    <p class="alert alert--error" role="alert">
                                                                        {m}
                                                                    </p>
                                                                }
                                                            })
                                                    }}
                                                    <button class="button button--primary" type="submit">
                                                        "Turn on"
                                                    </button>
                                                </ActionForm>
                                            }
                                                .into_any()
                                        }
                                        Some(Err(err)) => {
                                            view! {
                                                <p class="alert alert--error" role="alert">
                                                    {err.to_string()}
                                                </p>
                                            }
                                                .into_any()
                                        }
                                        None => {
                                            view! {
                                                <button
                                                    class="button button--primary"
                                                    type="button"
                                                    data-test="start-two-factor"
                                                    on:click=move |_| {
                                                        start.dispatch(());
                                                    }
                                                >
                                                    "Set up two-step verification"
                                                </button>
                                            }
                                                .into_any()
                                        }
                                    }}
                                }
                                    .into_any()
                            }
                            Ok(_) => ().into_any(),
                            Err(err) => {
                                view! {
                                    <p class="alert alert--error" role="alert">
                                        {err.to_string()}
                                    </p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}
