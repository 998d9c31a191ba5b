//! The data of each report, read from the database and worded for print.

use app::audit::Actor;
use app::error::AppError;
use app::state::AppState;
use caretrack::conduct::AssessmentStatus;
use caretrack::ids::UserId;
use caretrack::{CompetencyLevel, RatingSource, RatingState, london};
use reports::Report;
use reports::data::*;
use sqlx::types::Uuid;

fn label<T: std::str::FromStr>(text: Option<&str>, name: impl Fn(T) -> &'static str) -> String {
    text.and_then(|t| t.parse().ok())
        .map(name)
        .unwrap_or_default()
        .to_owned()
}

fn level(text: Option<&str>) -> String {
    label(text, CompetencyLevel::label)
}

fn date_or_blank(date: Option<time::Date>) -> String {
    date.map(london::format_date).unwrap_or_default()
}

fn when_or_blank(at: Option<time::OffsetDateTime>) -> String {
    at.map(london::format_datetime).unwrap_or_default()
}

/// The report a `reports` row asks for.
pub async fn report(
    state: &AppState,
    requester: &Actor,
    kind: &str,
    parameters: &serde_json::Value,
    cover: impl Fn(&str, String) -> Cover,
) -> Result<Report, AppError> {
    let uuid = |field: &str| {
        parameters[field]
            .as_str()
            .and_then(|id| id.parse::<Uuid>().ok())
            .ok_or_else(|| AppError::validation(field, "missing from the report's parameters"))
    };
    match kind {
        "EVIDENCE_PACK" => evidence_pack(state, uuid("carer_id")?, cover)
            .await
            .map(Report::EvidencePack),
        "ROTA_WEEK" => {
            let week = app::rota::parse_week(parameters["week"].as_str().unwrap_or_default())?;
            rota_week(state, requester, uuid("package_id")?.into(), week, cover)
                .await
                .map(Report::RotaWeek)
        }
        "COMPLIANCE" => {
            let day = |field: &str| {
                app::reports::ssr::parse_day(field, parameters[field].as_str().unwrap_or_default())
            };
            compliance(state, requester, day("from")?, day("to")?, cover)
                .await
                .map(Report::Compliance)
        }
        other => Err(AppError::Conflict(format!(
            "{other} is not a kind of report"
        ))),
    }
}

async fn evidence_pack(
    state: &AppState,
    carer: Uuid,
    cover: impl Fn(&str, String) -> Cover,
) -> Result<EvidencePack, AppError> {
    let db = &state.db;
    let person = sqlx::query!(
        r#"select u.email, u.is_active, person_name(u.id) as "name!", p.phone, p.job_title,
                  p.employment_started_on,
                  array(select cp.name from carer_packages a
                          join care_packages cp on cp.id = a.package_id and cp.deleted_at is null
                         where a.carer_id = u.id order by cp.name) as "packages!"
             from users u left join user_profiles p on p.user_id = u.id
            where u.id = $1 and u.role = 'CARER' and u.deleted_at is null"#,
        carer
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| AppError::NotFound("The carer".into()))?;

    let progress = app::care::ssr::practice::progress_of(state, UserId::from(carer)).await?;

    let ratings = sqlx::query!(
        r#"select t.name as task, r.level::text as "level!", r.state::text as "state!",
                  r.source::text as "source!", r.effective_level::text as "effective!",
                  r.rated_at, person_name(r.rated_by) as "rated_by?", r.confirmed_at,
                  r.review_due_on, r.reason, r.dispute_reason, r.resolution
             from competency_ratings r join tasks t on t.id = r.task_id
            where r.carer_id = $1
            order by t.name"#,
        carer
    )
    .fetch_all(db)
    .await?;

    let assessments = sqlx::query!(
        r#"select a.id, a.template_version_id, v.title, a.status::text as "status!",
                  coalesce(a.submitted_at, a.started_at) as "conducted?",
                  person_name(a.assessor_id) as "assessor?", a.weighted_score::text as "score?",
                  a.suggested_level::text as "suggested?", a.final_level::text as "level?",
                  a.judgement_reason, a.assessor_comments,
                  person_name(a.approved_by) as "approved_by?", a.approved_at,
                  v.knowledge_weight, v.practical_weight, v.emergency_weight, v.score_scale_max,
                  array(select t.name from tasks t where t.id = any(v.covered_task_ids)
                        order by t.name) as "tasks!"
             from assessments a
             join assessment_template_versions v on v.id = a.template_version_id
            where a.carer_id = $1 and a.deleted_at is null and a.status <> 'READY'
            order by coalesce(a.submitted_at, a.started_at, a.ready_at)"#,
        carer
    )
    .fetch_all(db)
    .await?;
    let ids: Vec<Uuid> = assessments.iter().map(|a| a.id).collect();
    let items = sqlx::query!(
        r#"select a.id as assessment_id, i.section::text as "section!", i.prompt,
                  r.answer, r.score, coalesce(r.not_applicable, false) as "na!"
             from assessments a
             join assessment_template_items i on i.template_version_id = a.template_version_id
             left join assessment_responses r on r.assessment_id = a.id and r.item_id = i.id
            where a.id = any($1)
            order by i.section, i.position"#,
        &ids
    )
    .fetch_all(db)
    .await?;

    let history = sqlx::query!(
        r#"select h.recorded_at, t.name as task, h.level::text as "level!", h.state::text as "state!",
                  h.source::text as "source!", person_name(h.changed_by) as "by?", h.reason
             from competency_rating_history h join tasks t on t.id = h.task_id
            where h.carer_id = $1
            order by h.recorded_at, h.id"#,
        carer
    )
    .fetch_all(db)
    .await?;

    Ok(EvidencePack {
        cover: cover("Competency evidence pack", person.name.clone()),
        carer: CarerDetails {
            name: person.name,
            email: person.email,
            phone: person.phone.unwrap_or_default(),
            job_title: person.job_title.unwrap_or_default(),
            started_on: date_or_blank(person.employment_started_on),
            status: if person.is_active {
                "Active"
            } else {
                "Deactivated"
            }
            .into(),
            packages: person.packages,
        },
        overall_percent: progress.overall_percent.map_or(0, |p| p.floor() as u32),
        progress: progress
            .rows
            .into_iter()
            .map(|row| TaskProgress {
                task: row.name,
                category: row.category,
                done: row.progress.current,
                target: row.progress.target,
                percent: row.progress.percent.floor() as u32,
                assigned: row.assigned,
            })
            .collect(),
        ratings: ratings
            .into_iter()
            .map(|r| {
                let mut notes = Vec::new();
                if let Some(reason) = r.reason.filter(|s| !s.trim().is_empty()) {
                    notes.push(format!("Reason: {reason}"));
                }
                if let Some(dispute) = r.dispute_reason.filter(|s| !s.trim().is_empty()) {
                    notes.push(format!("Disputed: {dispute}"));
                }
                if let Some(resolution) = r.resolution.filter(|s| !s.trim().is_empty()) {
                    notes.push(format!("Resolution: {resolution}"));
                }
                Rating {
                    task: r.task,
                    effective: level(Some(&r.effective)),
                    latest: level(Some(&r.level)),
                    state: label(Some(&r.state), RatingState::label),
                    source: label(Some(&r.source), RatingSource::label),
                    rated_on: london::format_datetime(r.rated_at),
                    rated_by: r.rated_by.unwrap_or_default(),
                    confirmed_on: when_or_blank(r.confirmed_at),
                    review_due: date_or_blank(r.review_due_on),
                    notes,
                }
            })
            .collect(),
        assessments: assessments
            .into_iter()
            .map(|a| {
                let weight = |section: &str| match section {
                    "KNOWLEDGE" => a.knowledge_weight,
                    "PRACTICAL" => a.practical_weight,
                    _ => a.emergency_weight,
                };
                let sections = ["KNOWLEDGE", "PRACTICAL", "EMERGENCY"]
                    .into_iter()
                    .filter(|section| weight(section) > 0)
                    .map(|section| AssessmentSection {
                        name: format!(
                            "{} {} %",
                            label(Some(section), caretrack::assessment::Section::label),
                            weight(section)
                        ),
                        items: items
                            .iter()
                            .filter(|i| i.assessment_id == a.id && i.section == section)
                            .map(|i| AssessmentItem {
                                prompt: i.prompt.clone(),
                                answer: i.answer.clone().unwrap_or_default(),
                                score: match (i.na, i.score) {
                                    (true, _) => "N/A".into(),
                                    (false, Some(score)) => {
                                        format!("{score} / {}", a.score_scale_max)
                                    }
                                    (false, None) => "—".into(),
                                },
                            })
                            .collect(),
                    })
                    .collect();
                Assessment {
                    title: a.title,
                    sections,
                    status: label(Some(&a.status), AssessmentStatus::label),
                    tasks: a.tasks,
                    conducted_on: when_or_blank(a.conducted),
                    assessor: a.assessor.unwrap_or_default(),
                    score: a.score.map(|s| format!("{s} %")).unwrap_or_default(),
                    suggested: level(a.suggested.as_deref()),
                    level: level(a.level.as_deref()),
                    judgement_reason: a.judgement_reason.unwrap_or_default(),
                    comments: a.assessor_comments.unwrap_or_default(),
                    approved: match (a.approved_by, a.approved_at) {
                        (Some(by), Some(at)) => {
                            format!("Approved by {by} on {}", london::format_datetime(at))
                        }
                        _ => String::new(),
                    },
                }
            })
            .collect(),
        history: history
            .into_iter()
            .map(|h| HistoryEntry {
                at: london::format_datetime(h.recorded_at),
                task: h.task,
                level: level(Some(&h.level)),
                state: label(Some(&h.state), RatingState::label),
                source: label(Some(&h.source), RatingSource::label),
                by: h.by.unwrap_or_default(),
                reason: h.reason.unwrap_or_default(),
            })
            .collect(),
    })
}

/// The week as published (the spreadsheet export's data), laid out as the printed grid.
async fn rota_week(
    state: &AppState,
    requester: &Actor,
    package: caretrack::ids::CarePackageId,
    week: time::Date,
    cover: impl Fn(&str, String) -> Cover,
) -> Result<RotaWeek, AppError> {
    let crate::export::PublishedWeek {
        loaded,
        days,
        slots,
    } = crate::export::published_week(state, requester, package, week).await?;
    let row = |night: bool| RotaRow {
        label: if night { "Night" } else { "Day" }.into(),
        cells: (0..7u8)
            .map(|weekday| {
                slots
                    .iter()
                    .filter(|s| s.weekday == weekday && s.night == night)
                    .map(|s| {
                        let filled = i32::try_from(s.carers.len()).unwrap_or(i32::MAX);
                        let short = filled < s.headcount;
                        RotaShift {
                            times: s.times.clone(),
                            carers: s.carers.clone(),
                            cover: format!(
                                "{filled} of {}{}",
                                s.headcount,
                                if short { " — short" } else { "" }
                            ),
                            short,
                        }
                    })
                    .collect()
            })
            .collect(),
    };
    let mut totals: Vec<RotaTotal> = Vec::new();
    let mut hours: Vec<f64> = Vec::new();
    for slot in &slots {
        for carer in &slot.carers {
            let i = match totals.iter().position(|t| &t.carer == carer) {
                Some(i) => i,
                None => {
                    totals.push(RotaTotal {
                        carer: carer.clone(),
                        shifts: 0,
                        nights: 0,
                        hours: String::new(),
                    });
                    hours.push(0.0);
                    totals.len() - 1
                }
            };
            totals[i].shifts += 1;
            totals[i].nights += u32::from(slot.night);
            hours[i] += slot.hours;
        }
    }
    for (total, hours) in totals.iter_mut().zip(&hours) {
        total.hours = format!("{hours:.1}");
    }
    totals.sort_by(|a, b| a.carer.cmp(&b.carer));
    Ok(RotaWeek {
        cover: cover(
            "Rota",
            format!("{} · week of {}", loaded.package.name, loaded.week_label),
        ),
        publication: match &loaded.published_at {
            Some(at) => format!("As published {at}."),
            None => {
                "Not published yet: this is the week as carers would see it, with nobody on it."
                    .into()
            }
        },
        package: loaded.package.name,
        days,
        rows: vec![row(false), row(true)],
        totals,
    })
}

/// A period's compliance: overrides recorded on shifts in it, the rules engine's
/// verdict on every published week that overlaps it, ratings waiting for carers and
/// reviews overdue (both as of now).
async fn compliance(
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
