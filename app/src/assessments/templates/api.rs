//! Wire types and server functions of assessment templates.

#[cfg(feature = "ssr")]
use crate::auth::door::{Caller, serve};
use crate::error::AppError;
use crate::wire::{Named, Page};
#[cfg(feature = "ssr")]
use caretrack::permissions::Permission;
use caretrack::{
    assessment::TemplateForm,
    ids::{AssessmentTemplateId, TaskId},
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct TemplateSummary {
    pub id: AssessmentTemplateId,
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
    pub id: AssessmentTemplateId,
    pub version: i32,
    pub form: TemplateForm,
    pub tasks: Vec<Named<TaskId>>,
}

#[server(endpoint = "assessment_templates", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn assessment_templates(page: i64) -> Result<Page<TemplateSummary>, AppError> {
    serve(
        Permission::ManageAssessmentTemplates,
        async |Caller { state, .. }| super::ssr::list(&state, page).await,
    )
    .await
}

#[server(endpoint = "assessment_template", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn assessment_template(id: AssessmentTemplateId) -> Result<TemplateDetail, AppError> {
    serve(
        Permission::ManageAssessmentTemplates,
        async |Caller { state, .. }| super::ssr::get(&state, id.into_uuid()).await,
    )
    .await
}

/// Saves a template: a new one, or (with `id`) a new version of it. Answers its id.
#[server(endpoint = "save_assessment_template", client = crate::csrf::CsrfClient, output = crate::codec::Json, input = leptos::server_fn::codec::Json)]
pub async fn save_assessment_template(
    id: Option<AssessmentTemplateId>,
    form: TemplateForm,
    task_ids: Vec<TaskId>,
) -> Result<AssessmentTemplateId, AppError> {
    serve(
        Permission::ManageAssessmentTemplates,
        async |Caller { actor, state, .. }| {
            super::ssr::save(
                &state,
                &actor,
                id.map(AssessmentTemplateId::into_uuid),
                &form,
                &task_ids,
            )
            .await
            .map(AssessmentTemplateId::from)
        },
    )
    .await
}

/// Moves a template to the recycle bin.
#[server(endpoint = "delete_assessment_template", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn delete_assessment_template(id: AssessmentTemplateId) -> Result<(), AppError> {
    serve(
        Permission::ManageAssessmentTemplates,
        async |Caller { actor, state, .. }| {
            super::ssr::delete(&state, &actor, id.into_uuid()).await
        },
    )
    .await
}
