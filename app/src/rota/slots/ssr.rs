//! A package's DAY and NIGHT slots: its slot plan (or the defaults), and the week's shifts made from it.

use crate::rota::{week::api::Slot, week::ssr::reads::package_name};
use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    state::AppState,
};
use caretrack::{
    ids::{CarePackageId, ShiftId},
    london,
    rota::{ShiftKind, SlotPlan, SlotTime},
};
use sqlx::{PgPool, types::Uuid};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

/// A package's DAY and NIGHT slots (its own, or the defaults).
#[tracing::instrument(skip_all)]
pub async fn slot_plan(db: &PgPool, package: Uuid) -> Result<SlotPlan, AppError> {
    let row = sqlx::query!(
        "select day_starts, day_ends, night_starts, night_ends, day_break_minutes, night_break_minutes,
                day_headcount, night_headcount
           from package_rota_settings where package_id = $1",
        package
    )
    .fetch_optional(db)
    .await?;
    let count = |n: i32| u32::try_from(n).unwrap_or(0);
    Ok(match row {
        Some(r) => SlotPlan {
            day: SlotTime {
                starts: r.day_starts,
                ends: r.day_ends,
                break_minutes: count(r.day_break_minutes),
                headcount: count(r.day_headcount),
            },
            night: SlotTime {
                starts: r.night_starts,
                ends: r.night_ends,
                break_minutes: count(r.night_break_minutes),
                headcount: count(r.night_headcount),
            },
        },
        None => SlotPlan::default(),
    })
}

/// Stores a package's slots. Future shifts nobody is on yet (and not sent out) move to
/// the new times; every future shift takes the new headcount and break. Shifts carers
/// have been told about keep their times.
#[tracing::instrument(skip_all)]
pub async fn save_slot_plan(
    state: &AppState,
    actor: &Actor,
    package: CarePackageId,
    form: &caretrack::rota::SlotForm,
) -> Result<(SlotPlan, u64), AppError> {
    let plan = SlotPlan::parse(form)?;
    let id = package.into_uuid();
    package_name(&state.db, id).await?;
    let before = slot_plan(&state.db, id).await?;
    let mut tx = state.db.begin().await?;
    let signed = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    sqlx::query!(
        "insert into package_rota_settings (package_id, day_starts, day_ends, night_starts, night_ends,
                                            day_break_minutes, night_break_minutes, day_headcount, night_headcount, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         on conflict (package_id) do update set
            day_starts = excluded.day_starts, day_ends = excluded.day_ends,
            night_starts = excluded.night_starts, night_ends = excluded.night_ends,
            day_break_minutes = excluded.day_break_minutes, night_break_minutes = excluded.night_break_minutes,
            day_headcount = excluded.day_headcount, night_headcount = excluded.night_headcount,
            updated_by = excluded.updated_by",
        id,
        plan.day.starts,
        plan.day.ends,
        plan.night.starts,
        plan.night.ends,
        signed(plan.day.break_minutes),
        signed(plan.night.break_minutes),
        signed(plan.day.headcount),
        signed(plan.night.headcount),
        actor.user_id
    )
    .execute(&mut *tx)
    .await?;
    let future = sqlx::query!(
        r#"select s.id, s.starts_at, s.ends_at, s.shift_type::text as "kind!",
                  s.status = 'DRAFT' and not exists (select 1 from rota_entries e where e.shift_id = s.id) as "movable!"
             from shifts s
            where s.package_id = $1 and s.deleted_at is null and s.status <> 'CANCELLED' and s.starts_at > now()
            for update"#,
        id
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut moved = 0;
    for shift in future {
        let slot = if shift.kind == ShiftKind::Night.as_str() {
            plan.night
        } else {
            plan.day
        };
        let (start, end) = slot_instants(
            london::business_day(shift.starts_at),
            slot.starts,
            slot.ends,
        );
        if shift.movable && (start, end) != (shift.starts_at, shift.ends_at) {
            sqlx::query!(
                "update shifts set starts_at = $2, ends_at = $3 where id = $1",
                shift.id,
                start,
                end
            )
            .execute(&mut *tx)
            .await?;
            moved += 1;
        }
        sqlx::query!(
            "update shifts set break_minutes = $2, headcount = $3 where id = $1",
            shift.id,
            signed(slot.break_minutes),
            signed(slot.headcount)
        )
        .execute(&mut *tx)
        .await?;
    }
    audit::commit(
        tx,
        actor,
        Entry::new("rota.slots_update")
            .entity("care_package", id)
            .before(serde_json::to_value(before.form()).unwrap_or_default())
            .after(serde_json::json!({ "slots": plan.form(), "shifts_moved": moved })),
    )
    .await?;
    Ok((plan, moved))
}

/// The instants of a slot starting on `day`; one ending at or before its start time ends
/// the next day. DST-safe: the wall-clock times are London's on those days.
pub(in crate::rota) fn slot_instants(
    day: Date,
    starts: Time,
    ends: Time,
) -> (OffsetDateTime, OffsetDateTime) {
    let end_day = if ends <= starts {
        day + Duration::days(1)
    } else {
        day
    };
    (
        london::from_london(PrimitiveDateTime::new(day, starts)).resolve(),
        london::from_london(PrimitiveDateTime::new(end_day, ends)).resolve(),
    )
}

pub(in crate::rota) fn hhmm(t: OffsetDateTime) -> String {
    let local = london::to_london(t);
    format!("{:02}:{:02}", local.hour(), local.minute())
}

/// The week's slots, creating the shifts that do not exist yet (as drafts carers never
/// see), in grid order: Monday DAY, Monday NIGHT, Tuesday DAY …
pub(in crate::rota) async fn ensure_slots(
    state: &AppState,
    actor: &Actor,
    package: Uuid,
    week: Date,
) -> Result<Vec<Slot>, AppError> {
    let plan = slot_plan(&state.db, package).await?;
    // One read for the week; shifts are created only the first time a week is opened.
    let existing = sqlx::query!(
        r#"select id, starts_at, ends_at, shift_type::text as "kind!", headcount, status = 'OPEN' as "open!" from shifts
            where package_id = $1 and deleted_at is null and status <> 'CANCELLED'
              and starts_at >= $2 and starts_at < $3
            order by starts_at"#,
        package,
        london::start_of_day(week),
        london::start_of_day(week + Duration::weeks(1)),
    )
    .fetch_all(&state.db)
    .await?;
    let mut slots = Vec::with_capacity(14);
    for weekday in 0..7u8 {
        let day = week + Duration::days(i64::from(weekday));
        for (kind, slot) in [(ShiftKind::Day, plan.day), (ShiftKind::Night, plan.night)] {
            let found = existing.iter().find(|row| {
                row.kind == kind.as_str() && london::business_day(row.starts_at) == day
            });
            let (id, start, end, headcount, open) = match found {
                Some(row) => (row.id, row.starts_at, row.ends_at, row.headcount, row.open),
                None => {
                    let (start, end) = slot_instants(day, slot.starts, slot.ends);
                    let (headcount, break_minutes) = (
                        i32::try_from(slot.headcount).unwrap_or(1),
                        i32::try_from(slot.break_minutes).unwrap_or(0),
                    );
                    let id = sqlx::query_scalar!(
                        r#"insert into shifts (package_id, starts_at, ends_at, shift_type, type_overridden, headcount,
                                               break_minutes, created_by)
                           values ($1, $2, $3, $4::text::shift_type, true, $5, $6, $7)
                           on conflict (package_id, starts_at, shift_type) where deleted_at is null
                           do update set updated_at = shifts.updated_at
                           returning id"#,
                        package,
                        start,
                        end,
                        kind.as_str(),
                        headcount,
                        break_minutes,
                        actor.user_id,
                    )
                    .fetch_one(&state.db)
                    .await?;
                    (id, start, end, headcount, false)
                }
            };
            slots.push(Slot {
                shift_id: ShiftId::from_uuid(id),
                weekday,
                day_label: day
                    .format(time::macros::format_description!(
                        "[weekday repr:short] [day padding:none] [month repr:short]"
                    ))
                    .unwrap_or_default(),
                kind,
                times: format!("{}–{}", hhmm(start), hhmm(end)),
                headcount,
                open,
            });
        }
    }
    Ok(slots)
}
