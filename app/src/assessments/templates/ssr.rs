//! Assessment templates: list, read, and save. A template's identity is stable; every
//! save writes a new immutable version (with its items and the tasks it covered), so a
//! completed assessment keeps the version it used. A task belongs to at most one
//! template (the database refuses a second; here the refusal names the other one).

use super::api::{TemplateDetail, TemplateSummary};
use crate::wire::{Named, Page};
use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    state::AppState,
};
use caretrack::{
    ValidationError,
    assessment::{ItemForm, Section, TemplateDraft, TemplateForm, Thresholds},
    ids::TaskId,
};
use sqlx::types::Uuid;

pub const PAGE_SIZE: i64 = 25;

/// Another template took one of the tasks between the check that names it and the
/// insert (two saves at once): the database's one-template-per-task rule refuses, and
/// the save is not half done.
pub(crate) fn task_taken(err: sqlx::Error) -> AppError {
    match &err {
        sqlx::Error::Database(db)
            if db.constraint() == Some("assessment_template_tasks_task_key") =>
        {
            AppError::Conflict(
                "Another template took one of these tasks a moment ago. Reload and try again."
                    .into(),
            )
        }
        _ => err.into(),
    }
}

#[tracing::instrument(skip_all)]
pub async fn list(state: &AppState, page: i64) -> Result<Page<TemplateSummary>, AppError> {
    let page = page.max(1);
    let rows = sqlx::query!(
        r#"select t.id, v.title, v.version,
                  (select count(*) from assessment_template_items i
                    where i.template_version_id = v.id) as "items!",
                  coalesce((select array_agg(k.name order by k.name)
                              from assessment_template_tasks tt join tasks k on k.id = tt.task_id
                             where tt.template_id = t.id), '{}') as "tasks!",
                  count(*) over () as "total!"
             from assessment_templates t
             join assessment_template_versions v
               on v.template_id = t.id and v.version = t.current_version
            where t.deleted_at is null
            order by lower(v.title), t.id
            limit $1 offset $2"#,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE
    )
    .fetch_all(&state.db)
    .await?;
    let total = rows.first().map_or(0, |r| r.total);
    Ok(Page {
        items: rows
            .into_iter()
            .map(|r| TemplateSummary {
                id: r.id.into(),
                title: r.title,
                version: r.version,
                items: r.items,
                tasks: r.tasks,
            })
            .collect(),
        total,
        page,
        page_size: PAGE_SIZE,
    })
}

/// The current version, as the form shows it for editing.
#[tracing::instrument(skip_all)]
pub async fn get(state: &AppState, id: Uuid) -> Result<TemplateDetail, AppError> {
    let version = sqlx::query!(
        r#"select v.id, v.version, v.title, v.description, v.knowledge_weight,
                  v.practical_weight, v.emergency_weight, v.score_scale_max,
                  v.pass_thresholds, v.review_months
             from assessment_templates t
             join assessment_template_versions v
               on v.template_id = t.id and v.version = t.current_version
            where t.id = $1 and t.deleted_at is null"#,
        id
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| AppError::NotFound("The assessment template".into()))?;
    let items = sqlx::query!(
        r#"select section::text as "section!", prompt, model_answer, allows_not_applicable
             from assessment_template_items
            where template_version_id = $1
            order by section, position"#,
        version.id
    )
    .fetch_all(&state.db)
    .await?;
    let tasks = sqlx::query!(
        "select k.id, k.name from assessment_template_tasks tt join tasks k on k.id = tt.task_id
          where tt.template_id = $1 order by k.name",
        id
    )
    .fetch_all(&state.db)
    .await?;
    let threshold = |level: caretrack::CompetencyLevel| {
        version.pass_thresholds[level.as_str()]
            .as_u64()
            .map(|n| n.to_string())
            .unwrap_or_default()
    };
    let mut form = TemplateForm {
        title: version.title,
        description: version.description,
        knowledge_weight: version.knowledge_weight.to_string(),
        practical_weight: version.practical_weight.to_string(),
        emergency_weight: version.emergency_weight.to_string(),
        score_scale_max: version.score_scale_max.to_string(),
        thresholds: Thresholds::LEVELS.map(threshold),
        review_months: version
            .review_months
            .map(|m| m.to_string())
            .unwrap_or_default(),
        ..TemplateForm::default()
    };
    for item in items {
        let entry = ItemForm {
            prompt: item.prompt,
            model_answer: item.model_answer.unwrap_or_default(),
            allows_not_applicable: item.allows_not_applicable,
        };
        match item.section.parse::<Section>() {
            Ok(Section::Knowledge) => form.knowledge.push(entry),
            Ok(Section::Practical) => form.practical.push(entry),
            Ok(Section::Emergency) => form.emergency.push(entry),
            Err(_) => return Err(AppError::Internal),
        }
    }
    Ok(TemplateDetail {
        id: id.into(),
        version: version.version,
        form,
        tasks: tasks
            .into_iter()
            .map(|t| Named {
                id: t.id.into(),
                name: t.name,
            })
            .collect(),
    })
}

/// Creates a template (`id` none) or a new version of one; answers its id.
#[tracing::instrument(skip_all)]
pub async fn save(
    state: &AppState,
    actor: &Actor,
    id: Option<Uuid>,
    form: &TemplateForm,
    task_ids: &[TaskId],
) -> Result<Uuid, AppError> {
    let draft = TemplateDraft::parse(form)?;
    let mut tasks: Vec<Uuid> = task_ids.iter().map(|t| *t.as_uuid()).collect();
    tasks.sort();
    tasks.dedup();
    if tasks.is_empty() {
        return Err(
            ValidationError::new("tasks", "Choose the tasks this assessment covers").into(),
        );
    }
    let mut tx = state.db.begin().await?;
    let live: i64 = sqlx::query_scalar!(
        r#"select count(*) as "n!" from tasks where id = any($1) and deleted_at is null"#,
        &tasks
    )
    .fetch_one(&mut *tx)
    .await?;
    if live != tasks.len() as i64 {
        return Err(
            ValidationError::new("tasks", "One of the chosen tasks no longer exists").into(),
        );
    }
    let (template, version) = match id {
        None => (
            sqlx::query_scalar!(
                "insert into assessment_templates (created_by) values ($1) returning id",
                actor.user_id
            )
            .fetch_one(&mut *tx)
            .await?,
            1,
        ),
        Some(id) => {
            let version = sqlx::query_scalar!(
                "update assessment_templates set current_version = current_version + 1
                  where id = $1 and deleted_at is null returning current_version",
                id
            )
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AppError::NotFound("The assessment template".into()))?;
            (id, version)
        }
    };
    // A task another template covers: say which, rather than a bare constraint error.
    if let Some(taken) = sqlx::query!(
        r#"select k.name as task, v.title
             from assessment_template_tasks tt
             join tasks k on k.id = tt.task_id
             join assessment_templates t on t.id = tt.template_id
             join assessment_template_versions v
               on v.template_id = t.id and v.version = t.current_version
            where tt.task_id = any($1) and tt.template_id <> $2
            limit 1"#,
        &tasks,
        template
    )
    .fetch_optional(&mut *tx)
    .await?
    {
        return Err(ValidationError::new(
            "tasks",
            format!(
                "{} is already covered by the assessment \"{}\": a task belongs to one assessment",
                taken.task, taken.title
            ),
        )
        .into());
    }
    let thresholds: serde_json::Map<String, serde_json::Value> = Thresholds::LEVELS
        .into_iter()
        .filter_map(|level| {
            draft
                .thresholds
                .get(level)
                .map(|percent| (level.as_str().to_owned(), percent.into()))
        })
        .collect();
    let version_id = sqlx::query_scalar!(
        "insert into assessment_template_versions
             (template_id, version, title, description, knowledge_weight, practical_weight,
              emergency_weight, score_scale_max, pass_thresholds, covered_task_ids,
              review_months, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         returning id",
        template,
        version,
        draft.title,
        draft.description,
        i32::from(draft.weights.knowledge),
        i32::from(draft.weights.practical),
        i32::from(draft.weights.emergency),
        i32::from(draft.score_scale_max),
        serde_json::Value::Object(thresholds),
        &tasks,
        draft.review_months.map(i32::from),
        actor.user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let mut position = std::collections::HashMap::<Section, i32>::new();
    let (mut sections, mut positions, mut prompts, mut answers, mut na) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for item in &draft.items {
        let n = position.entry(item.section).or_default();
        *n += 1;
        sections.push(item.section.as_str().to_owned());
        positions.push(*n);
        prompts.push(item.prompt.clone());
        answers.push(item.model_answer.clone());
        na.push(item.allows_not_applicable);
    }
    sqlx::query!(
        "insert into assessment_template_items
             (template_version_id, section, position, prompt, model_answer, allows_not_applicable)
         select $1, s::assessment_section, p, q, a, n
           from unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::bool[]) as x(s, p, q, a, n)",
        version_id,
        &sections,
        &positions,
        &prompts,
        &answers as &[Option<String>],
        &na
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "delete from assessment_template_tasks where template_id = $1 and task_id <> all($2)",
        template,
        &tasks
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into assessment_template_tasks (template_id, task_id)
         select $1, unnest($2::uuid[]) on conflict (template_id, task_id) do nothing",
        template,
        &tasks
    )
    .execute(&mut *tx)
    .await
    .map_err(task_taken)?;
    audit::commit(
        tx,
        actor,
        Entry::new(if version == 1 {
            "assessment_templates.create"
        } else {
            "assessment_templates.update"
        })
        .entity("assessment_template", template)
        .after(serde_json::json!({
            "title": draft.title,
            "version": version,
            "items": draft.items.len(),
            "tasks": tasks.len(),
        })),
    )
    .await?;
    Ok(template)
}

/// Moves a template to the recycle bin. Its tasks are free for another template at once
/// (the current version remembers them for a restore). Refused while assessments with
/// it are open: they would lose their template mid-way.
#[tracing::instrument(skip_all)]
pub async fn delete(state: &AppState, actor: &Actor, id: Uuid) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let open: i64 = sqlx::query_scalar!(
        r#"select count(*) as "n!" from assessments
            where template_id = $1 and deleted_at is null
              and status in ('READY', 'IN_PROGRESS', 'AWAITING_APPROVAL', 'RETURNED')"#,
        id
    )
    .fetch_one(&mut *tx)
    .await?;
    if open > 0 {
        return Err(AppError::Conflict(format!(
            "{open} assessment(s) with this template are still open. Finish or cancel them first."
        )));
    }
    let title = sqlx::query_scalar!(
        "update assessment_templates t set deleted_at = now(), deleted_by = $2, purge_warned_at = null
           from assessment_template_versions v
          where t.id = $1 and t.deleted_at is null
            and v.template_id = t.id and v.version = t.current_version
         returning v.title",
        id,
        actor.user_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("The assessment template".into()))?;
    sqlx::query!(
        "delete from assessment_template_tasks where template_id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    audit::commit(
        tx,
        actor,
        Entry::new("assessment_templates.delete")
            .entity("assessment_template", id)
            .after(serde_json::json!({ "title": title })),
    )
    .await?;
    Ok(())
}
