//! The engine's input from the database (every carer's shifts over the reference period,
//! their competencies, opt-outs and the settings) and the server's own check of a week.

use crate::rota::{
    rules::ssr::rule_settings,
    slots::ssr::ensure_slots,
    week::api::{Slot, SlotAssignment},
    week::ssr::reads::published,
};
use crate::{audit::Actor, error::AppError, state::AppState};
use caretrack::{
    ids::{CarePackageId, ShiftId, TaskId, UserId},
    london,
    rota::{Carer, OptOut, Package, Report, Rota, RotaInput, Shift, touching},
};
use sqlx::{PgPool, types::Uuid};
use std::collections::{BTreeSet, HashMap};
use time::{Date, Duration};

/// How far after the edited week the engine looks (rests and weekends run across it).
pub(in crate::rota) const WEEKS_AFTER: i64 = 2;

/// The engine's input for editing `week` of `package` with `week_assignments` on its
/// slots: the panel carers, their shifts (all packages) from the start of the longest
/// reference period to two weeks after, the packages' tasks, confirmed competencies,
/// opt-outs and the organisation's settings.
pub(in crate::rota) async fn engine_input(
    db: &PgPool,
    package: Uuid,
    week: Date,
    carers: &[UserId],
    week_assignments: &[SlotAssignment],
) -> Result<RotaInput, AppError> {
    let settings = rule_settings(db).await?;
    let history_weeks = settings
        .wtr_weekly_average
        .reference_weeks
        .max(settings.night_reference_weeks());
    let from = london::start_of_day(week - Duration::weeks(i64::from(history_weeks)));
    let to = london::start_of_day(week + Duration::weeks(1 + WEEKS_AFTER));
    let week_shifts: HashMap<Uuid, &SlotAssignment> = week_assignments
        .iter()
        .map(|a| (a.shift_id.into_uuid(), a))
        .collect();
    let carer_ids: Vec<Uuid> = carers.iter().map(|c| c.into_uuid()).collect();
    let week_ids: Vec<Uuid> = week_shifts.keys().copied().collect();

    let people = sqlx::query!(
        r#"select u.id, p.date_of_birth, p.contracted_weekly_hours::float8 as hours, p.employment_started_on,
                  o.effective_from as "opt_out_from?",
                  case when o.withdrawn_on is null then null
                       else o.withdrawn_on + o.notice_weeks * 7 end as "opt_out_to?: Date"
             from users u
             left join user_profiles p on p.user_id = u.id
             left join lateral (select * from wtr_opt_outs w where w.carer_id = u.id
                                 order by w.effective_from desc limit 1) o on true
            where u.id = any($1)"#,
        &carer_ids
    )
    .fetch_all(db)
    .await?;
    let competent = sqlx::query!(
        "select carer_id, task_id from competency_ratings
          where carer_id = any($1) and effective_level >= 'COMPETENT'",
        &carer_ids
    )
    .fetch_all(db)
    .await?;
    let mut competent_by_carer: HashMap<Uuid, Vec<TaskId>> = HashMap::new();
    for row in competent {
        competent_by_carer
            .entry(row.carer_id)
            .or_default()
            .push(TaskId::from_uuid(row.task_id));
    }
    let carers_in: Vec<Carer> = people
        .into_iter()
        .map(|p| Carer {
            id: UserId::from_uuid(p.id),
            date_of_birth: p.date_of_birth,
            weekly_hours_limit: p.hours,
            opt_out: p.opt_out_from.map(|from| OptOut {
                from,
                to: p.opt_out_to.map(|to| to - Duration::days(1)),
            }),
            night_worker: None,
            employed_from: p.employment_started_on,
            competent_task_ids: competent_by_carer.remove(&p.id).unwrap_or_default(),
        })
        .collect();

    // Their published shifts in the window (this week's slots come from the draft).
    let rows = sqlx::query!(
        r#"select s.id, s.package_id, s.starts_at, s.ends_at, s.shift_type::text as "kind!", s.break_minutes,
                  array_agg(e.carer_id order by e.carer_id) filter (where e.carer_id = any($1)) as "carers?"
             from shifts s
             join rota_entries e on e.shift_id = s.id
            where s.deleted_at is null and s.status <> 'CANCELLED'
              and s.starts_at < $3 and s.ends_at > $2
              and e.carer_id = any($1) and not (s.id = any($4))
            group by s.id"#,
        &carer_ids,
        from,
        to,
        &week_ids
    )
    .fetch_all(db)
    .await?;
    let week_rows = sqlx::query!(
        r#"select id, package_id, starts_at, ends_at, shift_type::text as "kind!", break_minutes
             from shifts where id = any($1)"#,
        &week_ids
    )
    .fetch_all(db)
    .await?;
    let in_panel: BTreeSet<UserId> = carers.iter().copied().collect();
    let mut shifts: Vec<Shift> = rows
        .into_iter()
        .map(|r| Shift {
            id: ShiftId::from_uuid(r.id),
            package_id: CarePackageId::from_uuid(r.package_id),
            start: r.starts_at,
            end: r.ends_at,
            carer_ids: r
                .carers
                .unwrap_or_default()
                .into_iter()
                .map(UserId::from_uuid)
                .collect(),
            kind: r.kind.parse().ok(),
            break_minutes: r.break_minutes.max(0) as u32,
        })
        .collect();
    shifts.extend(week_rows.into_iter().map(|r| {
        Shift {
            id: ShiftId::from_uuid(r.id),
            package_id: CarePackageId::from_uuid(r.package_id),
            start: r.starts_at,
            end: r.ends_at,
            carer_ids: week_shifts
                .get(&r.id)
                .map(|a| {
                    a.carer_ids
                        .iter()
                        .copied()
                        .filter(|c| in_panel.contains(c))
                        .collect()
                })
                .unwrap_or_default(),
            kind: r.kind.parse().ok(),
            break_minutes: r.break_minutes.max(0) as u32,
        }
    }));
    shifts.sort_by_key(|s| (s.start, s.id));

    let mut package_ids: Vec<Uuid> = shifts.iter().map(|s| s.package_id.into_uuid()).collect();
    package_ids.push(package);
    package_ids.sort_unstable();
    package_ids.dedup();
    let tasks = sqlx::query!(
        "select p.id, coalesce(array_agg(pt.task_id) filter (where t.id is not null), '{}') as \"tasks!\"
           from care_packages p
           left join package_tasks pt on pt.package_id = p.id
           left join tasks t on t.id = pt.task_id and t.deleted_at is null
          where p.id = any($1)
          group by p.id",
        &package_ids
    )
    .fetch_all(db)
    .await?;
    Ok(RotaInput {
        carers: carers_in,
        packages: tasks
            .into_iter()
            .map(|p| Package {
                id: CarePackageId::from_uuid(p.id),
                task_ids: p.tasks.into_iter().map(TaskId::from_uuid).collect(),
            })
            .collect(),
        shifts,
        settings,
        planning_from: Some(week),
    })
}

/// The rule breaches in a package's week as published (the compliance summary): the
/// engine's verdict on what carers were told, whatever a draft holds since.
#[tracing::instrument(skip_all)]
pub async fn published_breaches(
    state: &AppState,
    actor: &Actor,
    package: Uuid,
    week: Date,
) -> Result<Vec<caretrack::rota::Violation>, AppError> {
    let slots = ensure_slots(state, actor, package, week).await?;
    let assignments = published(&state.db, &slots).await?;
    let mut carers: Vec<UserId> = assignments
        .iter()
        .flat_map(|a| a.carer_ids.iter().copied())
        .collect();
    carers.sort_unstable();
    carers.dedup();
    let input = engine_input(&state.db, package, week, &carers, &assignments).await?;
    Ok(check_week(input, &slots)?.violations)
}

/// The server's check of the week: what touches one of its slots.
pub(in crate::rota) fn check_week(input: RotaInput, slots: &[Slot]) -> Result<Report, AppError> {
    let ids: Vec<ShiftId> = slots.iter().map(|s| s.shift_id).collect();
    let rota = Rota::new(input).map_err(|error| {
        tracing::error!(%error, "the stored rota is not valid engine input");
        AppError::Internal
    })?;
    Ok(Report::new(touching(rota.validate(), &ids)))
}
