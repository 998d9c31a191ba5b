//! The compliance summary over a period: overrides, breaches on published weeks,
//! pending ratings and overdue reviews.

use app::audit::Actor;
use app::error::AppError;
use app::state::AppState;
use caretrack::london;
use reports::data::*;
use sqlx::types::Uuid;

use super::level;

/// A period's compliance: overrides recorded on shifts in it, the rules engine's
/// verdict on every published week that overlaps it, ratings waiting for carers and
/// reviews overdue (both as of now).
pub(super) async fn compliance(
    state: &AppState,
    requester: &Actor,
    from: time::Date,
    to: time::Date,
    cover: impl Fn(&str, String) -> Cover,
) -> Result<Compliance, AppError> {
    let db = &state.db;
    let start = london::start_of_day(from);
    let end = london::start_of_day(to + time::Duration::days(1));
    let period = format!(
        "{} – {}",
        london::format_date(from),
        london::format_date(to)
    );

    let overrides = sqlx::query!(
        r#"select o.overridden_at, o.rule_id, o.reason, person_name(e.carer_id) as "carer!",
                  person_name(o.overridden_by) as "by!", s.starts_at, s.ends_at, p.name as package
             from rota_rule_overrides o
             join rota_entries e on e.id = o.rota_entry_id
             join shifts s on s.id = e.shift_id
             join care_packages p on p.id = s.package_id
            where s.starts_at < $2 and s.ends_at > $1 and s.deleted_at is null
            order by s.starts_at, o.overridden_at"#,
        start,
        end
    )
    .fetch_all(db)
    .await?;

    // Every package's published weeks that overlap the period, checked as published.
    let weeks = sqlx::query!(
        r#"select distinct package_id, week_start from rota_publications
            where week_start > $1::date - 7 and week_start <= $2::date
            order by week_start, package_id"#,
        from,
        to
    )
    .fetch_all(db)
    .await?;
    let mut breaches = Vec::new();
    for week in &weeks {
        breaches.extend(
            app::rota::engine::ssr::published_breaches(
                state,
                requester,
                week.package_id,
                week.week_start,
            )
            .await?,
        );
    }
    // A carer's breach spanning two weeks is found from both: report it once.
    breaches.sort_by(|a, b| (a.rule.as_str(), &a.message).cmp(&(b.rule.as_str(), &b.message)));
    breaches
        .dedup_by(|a, b| a.rule == b.rule && a.carer_id == b.carer_id && a.message == b.message);
    let carer_ids: Vec<Uuid> = breaches
        .iter()
        .filter_map(|v| v.carer_id.map(|c| c.into_uuid()))
        .collect();
    let names = sqlx::query!(
        r#"select id, person_name(id) as "name!" from users where id = any($1)"#,
        &carer_ids
    )
    .fetch_all(db)
    .await?;

    let shifts = sqlx::query!(
        r#"select count(distinct s.id) as "shifts!",
                  coalesce(sum(extract(epoch from s.ends_at - s.starts_at) / 3600 - s.break_minutes / 60.0), 0)::float8 as "hours!"
             from shifts s join rota_entries e on e.shift_id = s.id
            where s.starts_at >= $1 and s.starts_at < $2 and s.deleted_at is null and s.status <> 'CANCELLED'"#,
        start,
        end
    )
    .fetch_one(db)
    .await?;

    let today = london::business_day(time::OffsetDateTime::now_utc());
    let pending = sqlx::query!(
        r#"select person_name(r.carer_id) as "carer!", t.name as task, r.level::text as "level!", r.rated_at
             from competency_ratings r join tasks t on t.id = r.task_id
             join users u on u.id = r.carer_id and u.deleted_at is null
            where r.state = 'PENDING'
            order by r.rated_at"#
    )
    .fetch_all(db)
    .await?;
    let overdue = sqlx::query!(
        r#"select person_name(r.carer_id) as "carer!", t.name as task,
                  r.effective_level::text as "level!", r.review_due_on as "due!"
             from competency_ratings r join tasks t on t.id = r.task_id
             join users u on u.id = r.carer_id and u.deleted_at is null
            where r.effective_level <> 'NOT_ASSESSED' and r.review_due_on < $1
            order by r.review_due_on"#,
        today
    )
    .fetch_all(db)
    .await?;

    let errors = breaches
        .iter()
        .filter(|v| v.severity == caretrack::rota::Severity::Error)
        .count();
    let figure = |label: &str, value: String| Figure {
        label: label.to_owned(),
        value,
    };
    let now = time::OffsetDateTime::now_utc();
    Ok(Compliance {
        cover: cover("Compliance summary", period.clone()),
        summary: vec![
            figure("Published weeks checked", weeks.len().to_string()),
            figure("Shifts worked", shifts.shifts.to_string()),
            figure("Hours worked (less breaks)", format!("{:.1}", shifts.hours)),
            figure("Rule overrides", overrides.len().to_string()),
            figure(
                "Rule breaches",
                format!(
                    "{} — errors: {errors}, warnings: {}",
                    breaches.len(),
                    breaches.len() - errors
                ),
            ),
            figure(
                "Ratings waiting for confirmation (now)",
                pending.len().to_string(),
            ),
            figure("Reviews overdue (now)", overdue.len().to_string()),
        ],
        period,
        overrides: overrides
            .into_iter()
            .map(|o| RuleOverride {
                at: london::format_datetime(o.overridden_at),
                rule: o
                    .rule_id
                    .parse::<caretrack::rota::RuleId>()
                    .map_or(o.rule_id.clone(), |rule| rule.label().to_owned()),
                carer: o.carer,
                shift: format!(
                    "{} – {}, {}",
                    london::format_datetime(o.starts_at),
                    london::format_datetime(o.ends_at),
                    o.package
                ),
                by: o.by,
                reason: o.reason,
            })
            .collect(),
        violations: breaches
            .into_iter()
            .map(|v| RuleBreach {
                rule: v.rule.label().to_owned(),
                severity: v.severity.label().to_owned(),
                carer: v
                    .carer_id
                    .and_then(|c| names.iter().find(|n| n.id == c.into_uuid()))
                    .map(|n| n.name.clone())
                    .unwrap_or_default(),
                message: v.message,
            })
            .collect(),
        pending_confirmations: pending
            .into_iter()
            .map(|p| PendingConfirmation {
                carer: p.carer,
                task: p.task,
                level: level(Some(&p.level)),
                rated_on: london::format_datetime(p.rated_at),
                waiting_days: (now - p.rated_at).whole_days(),
            })
            .collect(),
        overdue_reviews: overdue
            .into_iter()
            .map(|r| OverdueReview {
                carer: r.carer,
                task: r.task,
                level: level(Some(&r.level)),
                due_on: london::format_date(r.due),
                overdue_days: (today - r.due).whole_days(),
            })
            .collect(),
    })
}
