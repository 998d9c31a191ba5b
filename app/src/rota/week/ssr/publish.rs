//! Publishing a week: the server's own, authoritative check, overrides with reasons, the assignments made live, and carers told.

use crate::rota::{
    cover::ssr::shift_row,
    engine::ssr::{check_week, engine_input},
    slots::ssr::ensure_slots,
    week::api::{Override, Published},
    week::ssr::drafts::stale_revision,
    week::ssr::reads::{draft, package_name, panel, panel_ids, published},
};
use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    live::{Event, Room, bus},
    mail::{Email, RotaPublished, enqueue_email},
    notifications::ssr::{Notice, notify},
    state::AppState,
};
use caretrack::{
    EmailAddress, Role,
    ids::CarePackageId,
    london,
    notification::{Channel, NotificationKind},
    rota::Violation,
};
use sqlx::types::Uuid;
use std::collections::BTreeSet;
use time::Date;

/// Whether `reason` accepts `violation`.
pub(in crate::rota) fn accepts(reason: &Override, violation: &Violation) -> bool {
    reason.rule == violation.rule
        && reason.carer_id == violation.carer_id
        && reason.shift_ids == violation.shift_ids
        && !reason.reason.trim().is_empty()
        && caretrack::conduct::long_text(&reason.reason, "reason").is_ok()
}

#[tracing::instrument(skip_all)]
pub async fn publish(
    state: &AppState,
    actor: &Actor,
    package: CarePackageId,
    week: Date,
    revision: i64,
    overrides: Vec<Override>,
) -> Result<Published, AppError> {
    let id = package.into_uuid();
    let name = package_name(&state.db, id).await?;
    let slots = ensure_slots(state, actor, id, week).await?;
    // The carers concerned are locked first (as the shift sender does), so no other
    // placement of them can slip in between this check and the commit.
    let mut concerned: Vec<Uuid> = published(&state.db, &slots)
        .await?
        .into_iter()
        .flat_map(|a| a.carer_ids)
        .map(|c| c.into_uuid())
        .collect();
    let mut conn = state.db.acquire().await?;
    if let Some((_, saved)) = draft(&mut conn, id, week, false).await? {
        concerned.extend(
            saved
                .into_iter()
                .flat_map(|a| a.carer_ids)
                .map(|c| c.into_uuid()),
        );
    }
    drop(conn);
    let mut tx = state.db.begin().await?;
    crate::rota::sender::ssr::lock_carers(&mut tx, &concerned).await?;
    let Some((current, assignments)) = draft(&mut tx, id, week, true).await? else {
        return Err(AppError::validation(
            "revision",
            "Nothing has changed since the rota was last published.",
        ));
    };
    if current != revision {
        return Err(stale_revision());
    }
    let carers = panel(&state.db, id, &assignments, &[]).await?;
    let input = engine_input(&state.db, id, week, &panel_ids(&carers), &assignments).await?;
    let report = check_week(input, &slots)?;
    if let Some(blocking) = report.violations.iter().find(|v| v.blocks_publishing()) {
        return Err(AppError::validation(
            "rota",
            format!(
                "This rota cannot be published while it breaks a rule: {}",
                blocking.message
            ),
        ));
    }
    let mut accepted = Vec::new();
    for violation in report.violations.iter().filter(|v| v.overridable) {
        let Some(reason) = overrides.iter().find(|o| accepts(o, violation)) else {
            return Err(AppError::validation(
                "overrides",
                format!("Give a reason to accept: {}", violation.message),
            ));
        };
        accepted.push((violation, reason.reason.trim().to_owned()));
    }

    let before = published(&state.db, &slots).await?;
    let (mut added, mut removed) = (0u32, 0u32);
    let mut affected: BTreeSet<Uuid> = BTreeSet::new();
    for (now, was) in assignments.iter().zip(&before) {
        let shift = now.shift_id.into_uuid();
        for carer in was.carer_ids.iter().filter(|c| !now.carer_ids.contains(c)) {
            sqlx::query!(
                "delete from rota_entries where shift_id = $1 and carer_id = $2",
                shift,
                carer.into_uuid()
            )
            .execute(&mut *tx)
            .await?;
            removed += 1;
            affected.insert(carer.into_uuid());
        }
        for carer in now.carer_ids.iter().filter(|c| !was.carer_ids.contains(c)) {
            sqlx::query!(
                "insert into rota_entries (shift_id, carer_id, published_by) values ($1, $2, $3)",
                shift,
                carer.into_uuid(),
                actor.user_id
            )
            .execute(&mut *tx)
            .await?;
            added += 1;
            affected.insert(carer.into_uuid());
        }
        // A shift out to carers stays out until it has its carers; then those still
        // waiting are told.
        let filled_from_open = sqlx::query_scalar!(
            r#"with before as (select status from shifts where id = $1)
               update shifts set status = case when status = 'OPEN' and $4 < headcount then 'OPEN'::shift_status
                                               when $2 then 'FILLED'::shift_status else 'DRAFT'::shift_status end,
                                 published_at = now(), published_by = $3
                where id = $1
            returning (select status from before) = 'OPEN' and status = 'FILLED' as "filled!""#,
            shift,
            !now.carer_ids.is_empty(),
            actor.user_id,
            i32::try_from(now.carer_ids.len()).unwrap_or(i32::MAX)
        )
        .fetch_one(&mut *tx)
        .await?;
        if filled_from_open {
            let row = shift_row(&state.db, shift).await?;
            crate::rota::sender::ssr::reject_waiting(state, &mut tx, actor, &row).await?;
        }
    }
    for (violation, reason) in &accepted {
        let shift_ids: Vec<Uuid> = violation.shift_ids.iter().map(|s| s.into_uuid()).collect();
        sqlx::query!(
            "insert into rota_rule_overrides (rota_entry_id, rule_id, reason, details, overridden_by)
             select e.id, $3, $4, $5, $6 from rota_entries e
              where e.shift_id = any($1) and ($2::uuid is null or e.carer_id = $2)
             on conflict (rota_entry_id, rule_id)
             do update set reason = excluded.reason, details = excluded.details,
                           overridden_by = excluded.overridden_by, overridden_at = now()",
            &shift_ids,
            violation.carer_id.map(|c| c.into_uuid()),
            violation.rule.as_str(),
            reason,
            serde_json::json!({ "message": violation.message, "details": violation.details }),
            actor.user_id
        )
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            Entry::new("rota.override")
                .entity("care_package", id)
                .after(serde_json::json!({
                    "rule": violation.rule,
                    "carer_id": violation.carer_id,
                    "shift_ids": violation.shift_ids,
                    "message": violation.message,
                    "reason": reason,
                })),
        )
        .await?;
    }
    let summary = serde_json::json!({
        "added": added, "removed": removed, "overrides": accepted.len(), "revision": revision,
    });
    sqlx::query!(
        "insert into rota_publications (package_id, week_start, published_by, summary) values ($1, $2, $3, $4)",
        id,
        week,
        actor.user_id,
        summary
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "delete from rota_drafts where package_id = $1 and week_start = $2",
        id,
        week
    )
    .execute(&mut *tx)
    .await?;
    let week_of = london::format_date(week);
    let affected: Vec<Uuid> = affected.into_iter().collect();
    let people = sqlx::query!(
        r#"select id, email, person_name(id) as "name!" from users where id = any($1)"#,
        &affected
    )
    .fetch_all(&mut *tx)
    .await?;
    for person in &people {
        let notice = Notice::new(
            NotificationKind::RotaPublished,
            format!("Your rota at {name} for the week of {week_of} has changed."),
        )
        .link("/carer/rota")
        .data(serde_json::json!({ "package_id": id.to_string() }));
        if !notify(&mut tx, person.id, &notice)
            .await?
            .wants(Channel::Email)
        {
            continue;
        }
        if let Ok(to) = EmailAddress::parse(&person.email) {
            let email = Email::RotaPublished(RotaPublished {
                carer_name: person.name.clone(),
                package_name: name.clone(),
                week_of: week_of.clone(),
                rota_url: format!("{}/carer/rota", state.settings.public_url),
            });
            enqueue_email(&mut tx, &to, &email).await?;
        }
    }
    audit::commit(
        tx,
        actor,
        Entry::new("rota.publish")
            .entity("care_package", id)
            .after(serde_json::json!({ "week": caretrack::days::text(week), "summary": summary })),
    )
    .await?;
    let event = Event::RotaPublished {
        package_id: id.into(),
        week: caretrack::days::text(week),
    };
    bus::emit_to(
        [Room::Package(id.into()), Room::Role(Role::Admin)]
            .into_iter()
            .chain(people.iter().map(|p| Room::User(p.id.into()))),
        &event,
    );
    Ok(Published {
        added,
        removed,
        carers_notified: people.len() as u32,
    })
}
