//! A package's week in the editor: loaded, saved as a draft (revisions refuse a stale page), and a week's plan applied to later weeks.

use crate::rota::{
    engine::ssr::{check_week, engine_input},
    slots::ssr::{ensure_slots, slot_plan},
    week::api::{PanelCarer, PatternWeek, RotaWeek, SavedDraft, Slot, SlotAssignment},
    week::ssr::reads::{draft, package_name, panel, panel_ids, published},
};
use crate::wire::Named;
use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    state::AppState,
};
use caretrack::{
    ids::{CarePackageId, ShiftId, UserId},
    london,
    rota::ShiftKind,
};
use sqlx::{PgConnection, PgPool, types::Uuid};
use std::collections::{BTreeMap, BTreeSet};
use time::{Date, Duration};

#[tracing::instrument(skip_all)]
pub async fn load_week(
    state: &AppState,
    actor: &Actor,
    package: CarePackageId,
    week: Date,
) -> Result<RotaWeek, AppError> {
    let id = package.into_uuid();
    let name = package_name(&state.db, id).await?;
    let slots = ensure_slots(state, actor, id, week).await?;
    let published = published(&state.db, &slots).await?;
    let mut conn = state.db.acquire().await?;
    let (revision, assignments) = draft(&mut conn, id, week, false)
        .await?
        .unwrap_or_else(|| (0, published.clone()));
    let previous = week_as_planned(&state.db, &mut conn, id, week - Duration::weeks(1)).await?;
    drop(conn);
    let previous_carers: Vec<Uuid> = previous.iter().flatten().map(|c| c.into_uuid()).collect();
    let carers = panel(&state.db, id, &assignments, &previous_carers).await?;
    let input = engine_input(&state.db, id, week, &panel_ids(&carers), &assignments).await?;
    let published_at = sqlx::query_scalar!(
        "select max(published_at) from rota_publications where package_id = $1 and week_start = $2",
        id,
        week
    )
    .fetch_one(&state.db)
    .await?
    .map(london::format_datetime);
    Ok(RotaWeek {
        package: Named { id: package, name },
        week_start: caretrack::days::text(week),
        week_label: london::format_date(week),
        previous_week: caretrack::days::text(week - Duration::weeks(1)),
        next_week: caretrack::days::text(week + Duration::weeks(1)),
        slots,
        carers,
        input,
        revision,
        published,
        published_at,
        previous,
        slot_form: slot_plan(&state.db, id).await?.form(),
    })
}

/// Who is on each of a week's 14 slots (Monday DAY, Monday NIGHT, …) as its draft has
/// it, or as published; without creating any shift.
pub(in crate::rota) async fn week_as_planned(
    db: &PgPool,
    conn: &mut PgConnection,
    package: Uuid,
    week: Date,
) -> Result<Vec<Vec<UserId>>, AppError> {
    let shifts = sqlx::query!(
        r#"select s.id, s.starts_at, s.shift_type::text as "kind!",
                  coalesce(array_agg(e.carer_id order by e.published_at, e.carer_id) filter (where e.carer_id is not null), '{}') as "carers!"
             from shifts s left join rota_entries e on e.shift_id = s.id
            where s.package_id = $1 and s.deleted_at is null and s.status <> 'CANCELLED'
              and s.starts_at >= $2 and s.starts_at < $3
            group by s.id"#,
        package,
        london::start_of_day(week),
        london::start_of_day(week + Duration::weeks(1)),
    )
    .fetch_all(db)
    .await?;
    let saved = draft(conn, package, week, false).await?.map(|(_, a)| a);
    let mut slots = vec![Vec::new(); 14];
    for shift in shifts {
        let day = (london::business_day(shift.starts_at) - week).whole_days();
        let Ok(day) = usize::try_from(day) else {
            continue;
        };
        let position = day * 2 + usize::from(shift.kind == ShiftKind::Night.as_str());
        let Some(slot) = slots.get_mut(position) else {
            continue;
        };
        *slot = match &saved {
            Some(saved) => saved
                .iter()
                .find(|a| a.shift_id.into_uuid() == shift.id)
                .map(|a| a.carer_ids.clone())
                .unwrap_or_default(),
            None => shift.carers.into_iter().map(UserId::from_uuid).collect(),
        };
    }
    Ok(slots)
}

/// "Apply this week to …": `week`'s saved plan becomes the draft of each of `weeks`
/// weeks from `from` (their drafts are replaced; the user was asked), each checked.
#[tracing::instrument(skip_all)]
pub async fn apply_pattern(
    state: &AppState,
    actor: &Actor,
    package: CarePackageId,
    week: Date,
    from: Date,
    weeks: u32,
) -> Result<Vec<PatternWeek>, AppError> {
    if !(1..=crate::rota::week::api::MAX_PATTERN_WEEKS).contains(&weeks) {
        return Err(AppError::validation(
            "weeks",
            format!(
                "Apply the pattern to between 1 and {} weeks.",
                crate::rota::week::api::MAX_PATTERN_WEEKS
            ),
        ));
    }
    let targets: Vec<Date> = (0..i64::from(weeks))
        .map(|w| from + Duration::weeks(w))
        .collect();
    if targets.contains(&week) {
        return Err(AppError::validation(
            "from",
            "Choose weeks other than the one the pattern comes from.",
        ));
    }
    let id = package.into_uuid();
    package_name(&state.db, id).await?;
    let mut conn = state.db.acquire().await?;
    let pattern = week_as_planned(&state.db, &mut conn, id, week).await?;
    drop(conn);
    let pattern_carers: Vec<Uuid> = pattern.iter().flatten().map(|c| c.into_uuid()).collect();
    // Every week is worked out first, then all are written in one transaction: a week
    // refused leaves none changed.
    let mut planned = Vec::with_capacity(targets.len());
    for target in targets {
        let slots = ensure_slots(state, actor, id, target).await?;
        let assignments: Vec<SlotAssignment> = slots
            .iter()
            .zip(&pattern)
            .map(|(slot, carers)| SlotAssignment {
                shift_id: slot.shift_id,
                carer_ids: carers.clone(),
            })
            .collect();
        let carers = panel(&state.db, id, &assignments, &pattern_carers).await?;
        let assignments = checked_assignments(&slots, &carers, assignments)?;
        planned.push((target, slots, carers, assignments));
    }
    let mut tx = state.db.begin().await?;
    let mut revisions = Vec::with_capacity(planned.len());
    for (target, _, _, assignments) in &planned {
        let replaced = draft(&mut tx, id, *target, true).await?;
        let revision = sqlx::query_scalar!(
            "insert into rota_drafts (package_id, week_start, payload, revision, updated_by)
             values ($1, $2, $3, 1, $4)
             on conflict (package_id, week_start)
             do update set payload = excluded.payload, revision = rota_drafts.revision + 1,
                           updated_by = excluded.updated_by, updated_at = now()
             returning revision",
            id,
            *target,
            serde_json::json!({ "slots": assignments }),
            actor.user_id
        )
        .fetch_one(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            Entry::new("rota.apply_pattern")
                .entity("care_package", id)
                .before(serde_json::json!({ "draft": replaced.map(|(_, slots)| slots) }))
                .after(serde_json::json!({
                    "from_week": caretrack::days::text(week),
                    "week": caretrack::days::text(*target),
                    "revision": revision,
                    "slots": assignments,
                })),
        )
        .await?;
        revisions.push(revision);
    }
    tx.commit().await?;
    let mut answers = Vec::with_capacity(planned.len());
    for ((target, slots, carers, assignments), revision) in planned.into_iter().zip(revisions) {
        let input = engine_input(&state.db, id, target, &panel_ids(&carers), &assignments).await?;
        let report = check_week(input, &slots)?;
        answers.push(PatternWeek {
            week_start: caretrack::days::text(target),
            week_label: london::format_date(target),
            revision,
            errors: report.errors,
            warnings: report.warnings,
            blocking: report.blocking,
        });
    }
    Ok(answers)
}

/// Checks that every assignment is for one of the week's slots and names carers who may
/// be rostered there; answers them in slot order.
pub(in crate::rota) fn checked_assignments(
    slots: &[Slot],
    carers: &[PanelCarer],
    assignments: Vec<SlotAssignment>,
) -> Result<Vec<SlotAssignment>, AppError> {
    let mut by_shift: BTreeMap<ShiftId, Vec<UserId>> = BTreeMap::new();
    for assignment in assignments {
        if !slots.iter().any(|s| s.shift_id == assignment.shift_id) {
            return Err(AppError::validation(
                "assignments",
                "A shift in the rota is not part of this week.",
            ));
        }
        let mut seen = BTreeSet::new();
        for carer in &assignment.carer_ids {
            if !carers.iter().any(|c| c.id == *carer) {
                return Err(AppError::validation(
                    "assignments",
                    "Only carers at this package (or already on its rota) can be placed.",
                ));
            }
            if !seen.insert(*carer) {
                return Err(AppError::validation(
                    "assignments",
                    "A carer is on one shift twice.",
                ));
            }
        }
        by_shift
            .entry(assignment.shift_id)
            .or_default()
            .extend(assignment.carer_ids);
    }
    Ok(slots
        .iter()
        .map(|slot| SlotAssignment {
            shift_id: slot.shift_id,
            carer_ids: by_shift.remove(&slot.shift_id).unwrap_or_default(),
        })
        .collect())
}

#[tracing::instrument(skip_all)]
pub async fn save_draft(
    state: &AppState,
    actor: &Actor,
    package: CarePackageId,
    week: Date,
    assignments: Vec<SlotAssignment>,
    base_revision: i64,
) -> Result<SavedDraft, AppError> {
    let id = package.into_uuid();
    package_name(&state.db, id).await?;
    let slots = ensure_slots(state, actor, id, week).await?;
    // The team, plus whoever is published or on the saved draft: they may stay.
    let mut known = published(&state.db, &slots).await?;
    let mut conn = state.db.acquire().await?;
    if let Some((_, saved)) = draft(&mut conn, id, week, false).await? {
        known.extend(saved);
    }
    drop(conn);
    let carers = panel(&state.db, id, &known, &[]).await?;
    let assignments = checked_assignments(&slots, &carers, assignments)?;

    let mut tx = state.db.begin().await?;
    let current = draft(&mut tx, id, week, true)
        .await?
        .map_or(0, |(revision, _)| revision);
    if current != base_revision {
        return Err(stale_revision());
    }
    let revision = current + 1;
    // The row lock above cannot hold a row that does not exist yet: when two first
    // saves race, the second finds the first's row here and is refused, not applied.
    let saved = sqlx::query!(
        "insert into rota_drafts (package_id, week_start, payload, revision, updated_by)
         values ($1, $2, $3, $4, $5)
         on conflict (package_id, week_start)
         do update set payload = excluded.payload, revision = excluded.revision,
                       updated_by = excluded.updated_by, updated_at = now()
          where rota_drafts.revision = excluded.revision - 1",
        id,
        week,
        serde_json::json!({ "slots": assignments }),
        revision,
        actor.user_id
    )
    .execute(&mut *tx)
    .await?;
    if saved.rows_affected() != 1 {
        return Err(stale_revision());
    }
    audit::commit(
        tx,
        actor,
        Entry::new("rota.draft_save")
            .entity("care_package", id)
            .after(
                serde_json::json!({ "week": caretrack::days::text(week), "revision": revision }),
            ),
    )
    .await?;

    let carers = panel(&state.db, id, &assignments, &[]).await?;
    let input = engine_input(&state.db, id, week, &panel_ids(&carers), &assignments).await?;
    Ok(SavedDraft {
        revision,
        report: check_week(input, &slots)?,
    })
}

/// A save or publish from a page that has not seen the latest draft: refused, never
/// merged.
pub(in crate::rota) fn stale_revision() -> AppError {
    AppError::Conflict(
        "Someone else changed this week's rota while you were editing. Reload to see their changes.".into(),
    )
}
