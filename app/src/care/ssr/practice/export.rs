//! `progress.csv`: the progress export (a carer gets their own rows).

use crate::{auth::CurrentUser, error::AppError, state::AppState};
use caretrack::{
    care::Progress,
    permissions::{Permission, Scope},
};

/// Every carer's progress on every task they are assigned or have logged, as the
/// Progress page shows it one carer at a time, as CSV. The route requires
/// `ViewProgress`; a carer (scope `Own`) gets their own rows only.
#[tracing::instrument(skip_all)]
pub async fn progress_csv(state: &AppState, user: &CurrentUser) -> Result<String, AppError> {
    let only =
        (user.role.scope(Permission::ViewProgress) == Some(Scope::Own)).then_some(user.user_id);
    let rows = sqlx::query!(
        r#"with pairs as (
               select carer_id, task_id, bool_or(assigned) as assigned
                 from (select carer_id, task_id, true as assigned from carer_assigned_tasks
                       union all
                       select carer_id, task_id, false from task_progress) p
                group by carer_id, task_id
           )
           select u.id as carer_id, person_name(u.id) as "carer!", u.email, u.is_active,
                  t.name as task, t.category, t.target_count,
                  coalesce(tp.completed_count, 0) as "current!",
                  tp.last_logged_at as "last_logged_at?",
                  x.assigned as "assigned!",
                  r.effective_level::text as "effective?", r.state::text as "rating_state?"
             from pairs x
             join users u on u.id = x.carer_id and u.role = 'CARER' and u.deleted_at is null
             join tasks t on t.id = x.task_id and t.deleted_at is null
             left join task_progress tp on tp.carer_id = x.carer_id and tp.task_id = x.task_id
             left join competency_ratings r on r.carer_id = x.carer_id and r.task_id = x.task_id
            where $1::uuid is null or u.id = $1
            order by 2, u.email, t.category, t.name"#,
        only
    )
    .fetch_all(&state.db)
    .await?;
    let mut out = crate::csv::line([
        "carer_id",
        "carer",
        "email",
        "active",
        "task",
        "category",
        "assigned",
        "completed",
        "target",
        "percent",
        "band",
        "competency",
        "rating_state",
        "last_logged_utc",
    ]);
    for r in rows {
        let progress = Progress {
            current: r.current,
            target: r.target_count,
        };
        let level = r
            .effective
            .as_deref()
            .and_then(|l| l.parse::<caretrack::CompetencyLevel>().ok())
            .unwrap_or_default();
        let state = r
            .rating_state
            .as_deref()
            .and_then(|s| s.parse::<caretrack::RatingState>().ok())
            .map_or("", |s| s.label());
        out.push_str(&crate::csv::line([
            r.carer_id.to_string(),
            r.carer,
            r.email,
            if r.is_active { "yes" } else { "no" }.to_owned(),
            r.task,
            r.category,
            if r.assigned { "yes" } else { "no" }.to_owned(),
            r.current.to_string(),
            r.target_count.to_string(),
            format!("{:.1}", progress.percent()),
            caretrack::analytics::ProgressBand::of(progress)
                .label()
                .to_owned(),
            level.label().to_owned(),
            state.to_owned(),
            r.last_logged_at
                .and_then(|t| {
                    t.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                })
                .unwrap_or_default(),
        ]));
    }
    Ok(out)
}
