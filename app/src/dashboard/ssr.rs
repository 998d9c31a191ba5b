//! The dashboard's figures: one query for the counts, one for the latest activity.

use super::api::{Activity, Counts, Dashboard};
use crate::{error::AppError, state::AppState};
use caretrack::london;
use time::OffsetDateTime;

#[tracing::instrument(skip_all)]
pub async fn dashboard(state: &AppState) -> Result<Dashboard, AppError> {
    let now = OffsetDateTime::now_utc();
    let today = london::business_day(now);
    let since = london::start_of_day(today);
    let c = sqlx::query!(
        r#"with assigned as (
               select a.carer_id, a.task_id
                 from carer_assigned_tasks a
                 join users u on u.id = a.carer_id and u.deleted_at is null and u.is_active
           ),
           progress as (
               select sum(least(coalesce(tp.completed_count, 0), t.target_count))::float8 as done,
                      sum(t.target_count)::float8 as total
                 from assigned a join tasks t on t.id = a.task_id
                 left join task_progress tp on tp.carer_id = a.carer_id and tp.task_id = a.task_id
           )
           select
             (select count(*) from users where role = 'CARER' and is_active and deleted_at is null) as "carers!",
             (select count(*) from users where role <> 'CARER' and is_active and deleted_at is null) as "office!",
             (select count(*) from invitations
               where accepted_at is null and revoked_at is null and expires_at > now()) as "pending!",
             (select count(*) from care_packages where deleted_at is null) as "packages!",
             (select count(*) from tasks where deleted_at is null) as "tasks!",
             (select count(*) from carer_packages cp join care_packages p on p.id = cp.package_id
               where p.deleted_at is null) as "carer_links!",
             (select count(*) from package_tasks pt join care_packages p on p.id = pt.package_id
               where p.deleted_at is null) as "task_links!",
             (select coalesce(sum(count), 0) from task_completions where business_date = $1)::bigint as "completions!",
             (select count(distinct carer_id) from task_completions where business_date = $1) as "active!",
             (select case when total > 0 then floor(done * 1000 / total) / 10 end from progress) as "average",
             (select count(*) from recycle_bin_items) as "bin!",
             (select count(*) from reports where status = 'READY') as "reports_ready!",
             (select count(*) from reports where status in ('QUEUED', 'RUNNING')) as "reports_in_progress!",
             (select count(*) from audit_log where occurred_at >= $2) as "audit!",
             (select count(*) from assessments where deleted_at is null and status = 'READY') as "ready!",
             (select count(*) from assessments where deleted_at is null
               and status in ('IN_PROGRESS', 'RETURNED')) as "conducting!",
             (select count(*) from assessments where deleted_at is null
               and status = 'AWAITING_APPROVAL') as "approval!",
             (select count(*) from competency_ratings where state = 'PENDING') as "ratings_pending!",
             (select count(*) from competency_ratings where state = 'DISPUTED') as "disputed!",
             (select count(*) from competency_ratings where effective_level <> 'NOT_ASSESSED'
               and review_due_on < $1) as "overdue!",
             (select count(*) from competency_ratings where effective_level <> 'NOT_ASSESSED'
               and review_due_on between $1 and $3) as "reviews_due!""#,
        today,
        since,
        today + time::Duration::days(crate::assessments::ratings::ssr::REVIEW_WINDOW_DAYS)
    )
    .fetch_one(&state.db)
    .await?;
    let recent = sqlx::query!(
        r#"select a.id, a.occurred_at, a.action,
                  coalesce(p.first_name || ' ' || p.last_name, u.email, 'CareTrack') as "who!"
             from audit_log a
             left join users u on u.id = a.actor_id
             left join user_profiles p on p.user_id = a.actor_id
            order by a.id desc limit 10"#
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .map(|r| Activity {
        id: r.id,
        when: london::format_datetime(r.occurred_at),
        who: r.who,
        what: describe(&r.action),
    })
    .collect();
    Ok(Dashboard {
        counts: Counts {
            carers: c.carers,
            office_staff: c.office,
            pending_invitations: c.pending,
            care_packages: c.packages,
            tasks: c.tasks,
            carer_assignments: c.carer_links,
            task_assignments: c.task_links,
            completions_today: c.completions,
            carers_active_today: c.active,
            average_progress: c.average,
            recycle_bin: c.bin,
            reports_ready: c.reports_ready,
            reports_in_progress: c.reports_in_progress,
            audit_events_today: c.audit,
            assessments_ready: c.ready,
            assessments_in_progress: c.conducting,
            assessments_awaiting_approval: c.approval,
            ratings_pending: c.ratings_pending,
            ratings_disputed: c.disputed,
            reviews_overdue: c.overdue,
            reviews_due: c.reviews_due,
        },
        recent,
    })
}

/// An audit action in words: "care_packages.create" → "care packages: create".
fn describe(action: &str) -> String {
    match action {
        "auth.login" => "signed in".into(),
        "auth.logout" => "signed out".into(),
        "auth.login_failed" => "failed to sign in".into(),
        "care_packages.create" => "added a care package".into(),
        "care_packages.update" => "changed a care package".into(),
        "care_packages.delete" => "deleted a care package".into(),
        "tasks.create" => "added a task".into(),
        "tasks.update" => "changed a task".into(),
        "tasks.delete" => "deleted a task".into(),
        "assignments.package_tasks" => "changed a package's tasks".into(),
        "assignments.package_carers" => "changed a package's carers".into(),
        "progress.reset" => "reset a carer's progress".into(),
        "assessment_templates.create" => "wrote an assessment template".into(),
        "assessment_templates.update" => "changed an assessment template".into(),
        "assessments.start" => "started an assessment".into(),
        "assessments.submit" => "submitted an assessment".into(),
        "assessments.approve" => "approved an assessment".into(),
        "assessments.return" => "returned an assessment to its assessor".into(),
        "assessments.complete" => "issued ratings from an assessment".into(),
        "ratings.confirm" => "confirmed a rating".into(),
        "ratings.dispute" => "disputed a rating".into(),
        "ratings.set" => "set a rating directly".into(),
        other => other.replace('.', ": ").replace('_', " "),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn actions_read_as_words() {
        assert_eq!(super::describe("tasks.create"), "added a task");
        assert_eq!(super::describe("users.role_change"), "users: role change");
    }
}
