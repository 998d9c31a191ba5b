//! Wire types and server functions of assessment templates.

use crate::error::AppError;
use crate::wire::{Named, Page};
use caretrack::{assessment::TemplateForm, ids::TaskId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct TemplateSummary {
    pub id: String,
    pub title: String,
    pub version: i32,
    pub items: i64,
    /// The names of the tasks it covers.
    pub tasks: Vec<String>,
}

/// A template's current version, as its form shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct TemplateDetail {
    pub id: String,
    pub version: i32,
    pub form: TemplateForm,
    pub tasks: Vec<Named<TaskId>>,
}

#[server(endpoint = "assessment_templates", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn assessment_templates(page: i64) -> Result<Page<TemplateSummary>, AppError> {
    crate::auth::door::serve(
        caretrack::permissions::Permission::ManageAssessmentTemplates,
        async |crate::auth::door::Caller { state, .. }| super::ssr::list(&state, page).await,
    )
    .await
}

#[server(endpoint = "assessment_template", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn assessment_template(id: String) -> Result<TemplateDetail, AppError> {
    crate::auth::door::serve(
        caretrack::permissions::Permission::ManageAssessmentTemplates,
        async |crate::auth::door::Caller { state, .. }| {
            let id = id
                .parse()
                .map_err(|_| AppError::NotFound("The assessment template".into()))?;
            super::ssr::get(&state, id).await
        },
    )
    .await
}

/// Saves a template: a new one, or (with `id`) a new version of it. Answers its id.
#[server(endpoint = "save_assessment_template", client = crate::csrf::CsrfClient, output = crate::codec::Json, input = leptos::server_fn::codec::Json)]
pub async fn save_assessment_template(
    id: Option<String>,
    form: TemplateForm,
    task_ids: Vec<TaskId>,
) -> Result<String, AppError> {
    crate::auth::door::serve(
        caretrack::permissions::Permission::ManageAssessmentTemplates,
        async |crate::auth::door::Caller { actor, state, .. }| {
            let id = id
                .map(|id| id.parse())
                .transpose()
                .map_err(|_| AppError::NotFound("The assessment template".into()))?;

            super::ssr::save(&state, &actor, id, &form, &task_ids)
                .await
                .map(|id| id.to_string())
        },
    )
    .await
}

/// Moves a template to the recycle bin.
#[server(endpoint = "delete_assessment_template", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn delete_assessment_template(id: String) -> Result<(), AppError> {
    crate::auth::door::serve(
        caretrack::permissions::Permission::ManageAssessmentTemplates,
        async |crate::auth::door::Caller { actor, state, .. }| {
            let id = id
                .parse()
                .map_err(|_| AppError::NotFound("The assessment template".into()))?;
            super::ssr::delete(&state, &actor, id).await
        },
    )
    .await
}
