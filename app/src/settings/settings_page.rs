use super::api::{SaveSettings, load_settings};
use crate::components::{
    form::{Field, field_error, form_error},
    toast::{ToastKind, use_toasts},
};
use caretrack::organisation::{NUMBER_SETTINGS, SecuritySettings};
use leptos::prelude::*;
use leptos_meta::Title;

const FIELDS: [&str; 6] = [
    "require_admin_2fa",
    "max_sessions_per_user",
    "admin_session_hours",
    "carer_session_hours",
    "lockout_threshold",
    "lockout_minutes",
];

/// The organisation's security settings, for care managers.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let toasts = use_toasts();
    let save = ServerAction::<SaveSettings>::new();
    let settings = Resource::new(|| (), |_| load_settings());
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            toasts.show(ToastKind::Success, "Settings saved.");
        }
    });
    view! {
        <Title text="Settings" />
        <div class="page-header">
            <div>
                <h1>"Settings"</h1>
                <p class="muted">
                    "Sign-in security for everyone in the organisation. Every change is recorded in the audit log."
                </p>
                <p>
                    <a href="/admin/settings/rota-rules" data-test="rota-rules-link">
                        "Rota rules: the Working Time Regulations and the organisation's own →"
                    </a>
                </p>
            </div>
        </div>
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                settings
                    .get()
                    .map(|loaded| match loaded {
                        Ok(current) => view! { <SettingsForm current save /> }.into_any(),
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
fn SettingsForm(current: SecuritySettings, save: ServerAction<SaveSettings>) -> impl IntoView {
    let numbers = NUMBER_SETTINGS
        .into_iter()
        .map(|setting| {
            view! {
                <Field
                    label=setting.label
                    name=setting.field
                    kind="number"
                    min=setting.min
                    max=setting.max
                    required=true
                    hint=setting.hint
                    value=current.number(setting.field).unwrap_or_default().to_string()
                    error=field_error(save.value(), setting.field)
                />
            }
        })
        .collect_view();
    let two_factor_error = field_error(save.value(), "require_admin_2fa");
    view! {
        <section class="card">
            <ActionForm action=save attr:class="form" attr:data-test="settings-form">
                <div class="field">
                    <label class="field--check">
                        <input
                            type="checkbox"
                            name="require_admin_2fa"
                            checked=current.require_admin_2fa
                            aria-describedby="require_admin_2fa-error"
                            data-test="require-admin-2fa"
                        />
                        <span>"Care managers must use two-step verification"</span>
                    </label>
                    <small class="muted">
                        "Managers without it are asked to set it up before anything else."
                    </small>
                    <span class="field__error" id="require_admin_2fa-error" role="alert">
                        {two_factor_error}
                    </span>
                </div>
                {numbers}
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
                    "Save settings"
                </button>
            </ActionForm>
        </section>
    }
}
