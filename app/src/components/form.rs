//! Form pieces shared by every page: a labelled input with its own error message, and
//! the helpers that pick a field's message (or the form's) out of an action's result.

use crate::error::AppError;
use leptos::prelude::*;

/// The message for one form field from a failed action, if the failure was about it.
pub fn field_error<T, S>(
    value: S,
    field: &'static str,
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static
where
    S: Get<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    move || match value.get() {
        Some(Err(err)) if err.field() == Some(field) => Some(err.to_string()),
        _ => None,
    }
}

/// A failure that is not about one field.
pub fn form_error<T, S>(
    value: S,
    fields: &'static [&'static str],
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static
where
    S: Get<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    move || match value.get() {
        Some(Err(err)) if err.field().is_some_and(|f| fields.contains(&f)) => None,
        Some(Err(err)) => Some(err.to_string()),
        _ => None,
    }
}

#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] value: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(optional)] hint: Option<&'static str>,
    /// Bounds for `kind="number"`, from the domain core's rule for the value.
    #[prop(optional)]
    min: Option<i32>,
    #[prop(optional)] max: Option<i32>,
    /// Keeps ids unique when several forms on a page ask for the same thing.
    #[prop(into, default = "field".into())]
    form: String,
    error: impl Fn() -> Option<String> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = format!("{form}-{name}");
    let error_id = format!("{id}-error");
    let input_id = id.clone();
    let described_by = error_id.clone();
    view! {
        <label class="field" for=id>
            <span>{label}</span>
            {hint.map(|hint| view! { <small class="muted">{hint}</small> })}
            <input
                id=input_id
                type=kind
                name=name
                autocomplete=autocomplete
                value=value
                required=required
                min=min
                max=max
                aria-invalid=move || error().is_some().then_some("true")
                aria-describedby=described_by
            />
            <span class="field__error" id=error_id role="alert">
                {error}
            </span>
        </label>
    }
}
