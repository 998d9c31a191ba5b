//! `/admin/settings/rota-rules`: the organisation's settings of the fourteen rules —
//! on or off (never for the Working Time Regulations), error or warning, whether a
//! breach can be accepted with a reason (only where the law allows) and each rule's
//! figures. The browser runs the engine's own `RuleSettings::check` as the manager
//! types; the server runs it again before storing.

use super::api::{load_rule_settings, save_rule_settings};
use crate::components::toast::{ToastKind, use_toasts};
use caretrack::rota::{RuleId, RuleSettings, Severity};
use leptos::prelude::*;
use leptos_meta::Title;
use serde_json::Value;

/// `max_average_hours_per_24` → "Max average hours per 24".
fn label_of(key: &str) -> String {
    let mut text = key.replace('_', " ");
    if let Some(first) = text.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    text
}

#[component]
pub fn RuleSettingsPage() -> impl IntoView {
    let loaded = Resource::new(|| (), |_| load_rule_settings());
    view! {
        <Title text="Rota rules" />
        <p>
            <a href="/admin/settings">"← Settings"</a>
        </p>
        <h1>"Rota rules"</h1>
        <p class="muted">
            "How the rules engine checks every rota. The Working Time Regulations cannot be switched off or made laxer than the law; a breach can be accepted with a reason only where the law allows. Every change is recorded in the audit log."
        </p>
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || {
                loaded
                    .get()
                    .map(|result| match result {
                        Ok(settings) => view! { <RulesForm settings /> }.into_any(),
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

/// The settings as JSON (the shape `RuleSettings` reads), edited in place; every edit
/// is re-read and checked by the engine.
#[component]
fn RulesForm(settings: RuleSettings) -> impl IntoView {
    let toasts = use_toasts();
    let mut json = serde_json::to_value(&settings).unwrap_or(Value::Null);
    // Every switch written out, so each row shows what is in force.
    for rule in RuleId::ALL {
        json["switches"][rule.as_str()] =
            serde_json::to_value(settings.switch(*rule)).unwrap_or(Value::Null);
    }
    let draft = RwSignal::new(json);
    let parsed = Memo::new(move |_| {
        serde_json::from_value::<RuleSettings>(draft.get()).map_err(|err| err.to_string())
    });
    let problems = Memo::new(move |_| match parsed.get() {
        Ok(settings) => settings
            .check()
            .into_iter()
            .map(|e| (Some(e.rule), e.message))
            .collect::<Vec<_>>(),
        Err(err) => vec![(None, format!("A figure is not a number: {err}"))],
    });
    let save = Action::new(move |settings: &RuleSettings| save_rule_settings(settings.clone()));
    Effect::new(move |_| {
        if let Some(result) = save.value().get() {
            match result {
                Ok(_) => toasts.show(ToastKind::Success, "Rota rules saved."),
                Err(err) => toasts.show(ToastKind::Error, err.to_string()),
            }
        }
    });
    let asking = RwSignal::new(false);
    let rows = RuleId::ALL
        .iter()
        .map(|&rule| view! { <RuleRow rule draft problems /> })
        .collect_view();
    view! {
        <div class="rules" data-test="rules-form">
            {rows}
            {move || {
                let general: Vec<String> = problems
                    .get()
                    .into_iter()
                    .filter(|(r, _)| r.is_none())
                    .map(|(_, m)| m)
                    .collect();
                (!general.is_empty())
                    .then(|| {
                        view! {
                            <p class="alert alert--error" role="alert">
                                {general.join(" ")}
                            </p>
                        }
                    })
            }}
            {move || {
                if asking.get() {
                    view! {
                        <div class="confirm" role="alert">
                            "Save the rules? Every rota is checked by them from now on, including drafts being edited."
                            <button
                                class="button button--primary"
                                type="button"
                                data-test="confirm-rules"
                                on:click=move |_| {
                                    asking.set(false);
                                    if let Ok(settings) = parsed.get_untracked() {
                                        save.dispatch(settings);
                                    }
                                }
                            >
                                "Save rules"
                            </button>
                            <button
                                class="button"
                                type="button"
                                on:click=move |_| asking.set(false)
                            >
                                "Cancel"
                            </button>
                        </div>
                    }
                        .into_any()
                } else {
                    view! {
                        <button
                            class="button button--primary"
                            type="button"
                            data-test="save-rules"
                            disabled=move || !problems.with(Vec::is_empty) || save.pending().get()
                            on:click=move |_| asking.set(true)
                        >
                            "Save rules…"
                        </button>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

#[component]
fn RuleRow(
    rule: RuleId,
    draft: RwSignal<Value>,
    problems: Memo<Vec<(Option<RuleId>, String)>>,
) -> impl IntoView {
    let key = rule.as_str();
    let switch =
        move |field: &'static str| move || draft.with(|d| d["switches"][key][field].clone());
    let set_switch = move |field: &'static str, value: Value| {
        draft.update(|d| d["switches"][key][field] = value);
    };
    let statutory = rule.statutory();
    let may_override = rule.law_allows_override(false);
    let parameters: Vec<String> = draft.with_untracked(|d| {
        d[key]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    });
    let inputs = parameters
        .into_iter()
        .map(|name| {
            let field = name.clone();
            let current = draft.with_untracked(|d| d[key][&name].clone());
            let is_flag = current.is_boolean() || name == "allowed";
            let shown = match &current {
                Value::Null => String::new(),
                other => other.to_string(),
            };
            if is_flag {
                view! {
                    <label class="checkbox small">
                        <input
                            type="checkbox"
                            data-test="rule-flag"
                            data-name=name.clone()
                            checked=current.as_bool().unwrap_or(true)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                draft.update(|d| d[key][&field] = Value::Bool(on));
                            }
                        />
                        {format!(" {}", label_of(&name))}
                    </label>
                }
                .into_any()
            } else {
                view! {
                    <label class="field field--inline">
                        <span class="small">{label_of(&name)}</span>
                        <input
                            type="number"
                            step="any"
                            min="0"
                            data-test="rule-figure"
                            data-name=name.clone()
                            value=shown
                            on:input=move |ev| {
                                let text = event_target_value(&ev);
                                let value = if text.trim().is_empty() {
                                    Value::Null
                                } else {
                                    serde_json::from_str::<serde_json::Number>(text.trim())
                                        .map(Value::Number)
                                        .unwrap_or(Value::String(text))
                                };
                                draft.update(|d| d[key][&field] = value);
                            }
                        />
                    </label>
                }
                .into_any()
            }
        })
        .collect_view();
    view! {
        <section class="card rules__rule" data-test="rule" data-rule=key>
            <h2 class="small">
                {rule.label()}
                {statutory.then(|| view! { <span class="badge">"Working Time Regulations"</span> })}
            </h2>
            <p class="small muted">{rule.explanation()}</p>
            <div class="rules__switches">
                <label class="checkbox small">
                    <input
                        type="checkbox"
                        data-test="rule-enabled"
                        disabled=statutory
                        prop:checked=move || switch("enabled")().as_bool().unwrap_or(true)
                        on:change=move |ev| set_switch(
                            "enabled",
                            Value::Bool(event_target_checked(&ev)),
                        )
                    />
                    " In use"
                </label>
                <label class="field field--inline">
                    <span class="small">"A breach is"</span>
                    <select
                        data-test="rule-severity"
                        on:change=move |ev| set_switch(
                            "severity",
                            Value::String(event_target_value(&ev)),
                        )
                    >
                        {Severity::ALL
                            .iter()
                            .map(|s| {
                                let chosen = switch("severity")().as_str() == Some(s.as_str());
                                view! {
                                    <option value=s.as_str() selected=chosen>
                                        {if *s == Severity::Error {
                                            "an error"
                                        } else {
                                            "a warning"
                                        }}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label class="checkbox small">
                    <input
                        type="checkbox"
                        data-test="rule-overridable"
                        disabled=!may_override
                        prop:checked=move || switch("overridable")().as_bool().unwrap_or(false)
                        on:change=move |ev| set_switch(
                            "overridable",
                            Value::Bool(event_target_checked(&ev)),
                        )
                    />
                    {if may_override {
                        " Can be accepted with a reason"
                    } else {
                        " Can be accepted with a reason (the law allows no override)"
                    }}
                </label>
            </div>
            <div class="rules__figures">{inputs}</div>
            <ul class="small text-error" data-test="rule-problems">
                {move || {
                    problems
                        .get()
                        .into_iter()
                        .filter(|(r, _)| *r == Some(rule))
                        .map(|(_, m)| view! { <li>{m}</li> })
                        .collect_view()
                }}
            </ul>
        </section>
    }
}
