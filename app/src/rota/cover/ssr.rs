//! "Who can cover?" one of a package's shifts, and the shift row the sender shares.

use crate::rota::{
    cover::api::{Cover, CoverCandidate},
    engine::ssr::engine_input,
    slots::ssr::{ensure_slots, hhmm},
    week::api::{PanelCarer, SlotAssignment},
    week::ssr::reads::{draft, panel, panel_ids, published},
};
use crate::{audit::Actor, error::AppError, state::AppState};
use caretrack::{
    ids::{CarePackageId, ShiftId, UserId},
    london,
    rota::{Candidate, Checker, Rota, ShiftKind},
};
use sqlx::{PgPool, types::Uuid};
use time::OffsetDateTime;

/// One shift of a package, as the sender and "who can cover?" need it.
pub(in crate::rota) struct ShiftRow {
    pub id: Uuid,
    pub package: Uuid,
    pub package_name: String,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub kind: ShiftKind,
}

impl ShiftRow {
    /// "Wed 25 Nov, day 08:00–20:00".
    pub fn when(&self) -> String {
        shift_when(self.starts_at, self.ends_at, self.kind)
    }
}

pub(in crate::rota) fn shift_when(
    starts_at: OffsetDateTime,
    ends_at: OffsetDateTime,
    kind: ShiftKind,
) -> String {
    format!(
        "{}, {} {}–{}",
        london::business_day(starts_at)
            .format(time::macros::format_description!(
                "[weekday repr:short] [day padding:none] [month repr:short]"
            ))
            .unwrap_or_default(),
        kind.label().to_lowercase(),
        hhmm(starts_at),
        hhmm(ends_at)
    )
}

pub(in crate::rota) async fn shift_row(db: &PgPool, shift: Uuid) -> Result<ShiftRow, AppError> {
    let row = sqlx::query!(
        r#"select s.id, s.package_id, p.name, s.starts_at, s.ends_at, s.shift_type::text as "kind!"
             from shifts s join care_packages p on p.id = s.package_id and p.deleted_at is null
            where s.id = $1 and s.deleted_at is null and s.status <> 'CANCELLED'"#,
        shift
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| AppError::NotFound("That shift".into()))?;
    Ok(ShiftRow {
        id: row.id,
        package: row.package_id,
        package_name: row.name,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        kind: row.kind.parse().unwrap_or(ShiftKind::Day),
    })
}

/// Every carer in the panel for `shift`'s week (the team, whoever is on the week, and
/// `also`) tried on the shift, best first. `draft`: the week as the editor has it;
/// otherwise as carers were told (the shift sender adds to the published rota).
pub(in crate::rota) async fn candidates(
    state: &AppState,
    actor: &Actor,
    shift: &ShiftRow,
    draft_too: bool,
    also: &[Uuid],
) -> Result<Vec<(PanelCarer, Candidate)>, AppError> {
    let week = caretrack::days::week_of(shift.starts_at);
    let slots = ensure_slots(state, actor, shift.package, week).await?;
    let mut assignments = published(&state.db, &slots).await?;
    if draft_too {
        let mut conn = state.db.acquire().await?;
        if let Some((_, saved)) = draft(&mut conn, shift.package, week, false).await? {
            assignments = saved;
        }
    }
    let id = ShiftId::from_uuid(shift.id);
    if !assignments.iter().any(|a| a.shift_id == id) {
        // A shift off the grid (other times): as published.
        let on = sqlx::query_scalar!(
            "select carer_id from rota_entries where shift_id = $1",
            shift.id
        )
        .fetch_all(&state.db)
        .await?;
        assignments.push(SlotAssignment {
            shift_id: id,
            carer_ids: on.into_iter().map(UserId::from_uuid).collect(),
        });
    }
    let carers = panel(&state.db, shift.package, &assignments, also).await?;
    let input = engine_input(
        &state.db,
        shift.package,
        week,
        &panel_ids(&carers),
        &assignments,
    )
    .await?;
    let rota = Rota::new(input).map_err(|error| {
        tracing::error!(%error, "the stored rota is not valid engine input");
        AppError::Internal
    })?;
    let ranked = Checker::new(rota).cover(id).map_err(|error| {
        tracing::error!(%error, "the shift is missing from its own rota");
        AppError::Internal
    })?;
    Ok(ranked
        .into_iter()
        .filter_map(|candidate| {
            let carer = carers.iter().find(|c| c.id == candidate.carer_id)?.clone();
            Some((carer, candidate))
        })
        .collect())
}

/// "Who can cover?" one of a package's shifts, with the week as the editor has it.
#[tracing::instrument(skip_all)]
pub async fn cover(
    state: &AppState,
    actor: &Actor,
    package: CarePackageId,
    shift: ShiftId,
) -> Result<Cover, AppError> {
    let row = shift_row(&state.db, shift.into_uuid()).await?;
    if row.package != package.into_uuid() {
        return Err(AppError::NotFound("That shift".into()));
    }
    let candidates = candidates(state, actor, &row, true, &[])
        .await?
        .into_iter()
        .map(|(carer, candidate)| CoverCandidate {
            name: carer.name,
            candidate,
        })
        .collect();
    Ok(Cover {
        shift_id: shift,
        package: row.package_name.clone(),
        when: row.when(),
        candidates,
    })
}
