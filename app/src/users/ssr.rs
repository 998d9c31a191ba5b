//! Managing people (care managers): find them, deactivate and reactivate, change roles,
//! sign them out everywhere, move them to the recycle bin. Every change is audited with before and after, and the
//! organisation can never be left without an active care manager.

use super::api::{PAGE_SIZE, Tab, UserPage, UserRow};
use crate::{
    audit::{self, Actor, Entry},
    auth::sessions,
    error::AppError,
    state::AppState,
};
use caretrack::Role;
use caretrack::ids::UserId;
use sqlx::{PgConnection, types::Uuid};

/// `fully_assessed` (carers only): just those with an effective rating on every task
/// they are assigned (and at least one task).
#[tracing::instrument(skip_all)]
pub async fn list(
    state: &AppState,
    tab: Tab,
    search: &str,
    fully_assessed: bool,
    page: i64,
) -> Result<UserPage, AppError> {
    let page = page.max(1);
    let (items, total) = rows(
        state,
        tab,
        search,
        fully_assessed,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE,
    )
    .await?;
    Ok(UserPage { items, total, page })
}

/// The list as the People page filters it, as CSV (read 500 at a time).
#[tracing::instrument(skip_all)]
pub async fn export_csv(
    state: &AppState,
    tab: Tab,
    search: &str,
    fully_assessed: bool,
) -> Result<String, AppError> {
    const CHUNK: i64 = 500;
    let mut out = crate::csv::line([
        "id",
        "name",
        "email",
        "role",
        "active",
        "locked",
        "last_sign_in",
    ]);
    let mut offset = 0;
    loop {
        let (items, _) = rows(state, tab, search, fully_assessed, CHUNK, offset).await?;
        let done = i64::try_from(items.len()).unwrap_or(0) < CHUNK;
        for u in items {
            out.push_str(&crate::csv::line([
                u.id.to_string(),
                u.name,
                u.email,
                u.role.label().to_owned(),
                yes_no(u.active).into(),
                yes_no(u.locked).into(),
                u.last_sign_in.unwrap_or_default(),
            ]));
        }
        if done {
            return Ok(out);
        }
        offset += CHUNK;
    }
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

/// One window of the filtered list, with the filter's total.
async fn rows(
    state: &AppState,
    tab: Tab,
    search: &str,
    fully_assessed: bool,
    limit: i64,
    offset: i64,
) -> Result<(Vec<UserRow>, i64), AppError> {
    let roles: Vec<String> = match tab {
        Tab::Carers => vec![Role::Carer.as_str().into()],
        Tab::Office => vec![
            Role::Admin.as_str().into(),
            Role::Assessor.as_str().into(),
            Role::Viewer.as_str().into(),
        ],
    };
    let pattern = caretrack::text::like_contains(search);
    let rows = sqlx::query!(
        r#"select u.id, u.email, u.role::text as "role!", u.is_active, u.last_login_at,
                  coalesce(u.locked_until > now(), false) as "locked!",
                  p.first_name as "first_name?", p.last_name as "last_name?",
                  count(*) over () as "total!"
             from users u left join user_profiles p on p.user_id = u.id
            where u.deleted_at is null and u.role::text = any($1)
              and (u.email ilike $2 or coalesce(p.first_name || ' ' || p.last_name, '') ilike $2)
              and (not $3 or (exists (select 1 from carer_assigned_tasks a where a.carer_id = u.id)
                   and not exists (
                       select 1 from carer_assigned_tasks a
                        where a.carer_id = u.id
                          and not exists (select 1 from competency_ratings r
                                           where r.carer_id = u.id and r.task_id = a.task_id
                                             and r.effective_level <> 'NOT_ASSESSED'))))
            order by u.is_active desc, p.last_name nulls last, p.first_name, u.email
            limit $4 offset $5"#,
        &roles,
        &pattern,
        fully_assessed,
        limit,
        offset
    )
    .fetch_all(&state.db)
    .await?;
    let total = rows.first().map_or(0, |row| row.total);
    let items = rows
        .into_iter()
        .map(|row| UserRow {
            id: row.id.into(),
            name: match (row.first_name, row.last_name) {
                (Some(first), Some(last)) => format!("{first} {last}"),
                _ => row.email.clone(),
            },
            email: row.email,
            role: row.role.parse().unwrap_or(Role::Carer),
            active: row.is_active,
            locked: row.locked,
            last_sign_in: row.last_login_at.map(caretrack::london::format_datetime),
        })
        .collect();
    Ok((items, total))
}

/// The target's current role and state, locked for the change.
async fn lock_user(conn: &mut PgConnection, id: Uuid) -> Result<(Role, bool), AppError> {
    let row = sqlx::query!(
        r#"select role::text as "role!", is_active from users where id = $1 and deleted_at is null for update"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::NotFound("The person".into()))?;
    Ok((
        row.role.parse().map_err(|_| AppError::Internal)?,
        row.is_active,
    ))
}

/// Refuses a change that would leave no active care manager. The active managers are
/// locked first, so two managers demoting each other at once cannot both succeed.
async fn keep_a_manager(conn: &mut PgConnection, leaving: Uuid) -> Result<(), AppError> {
    let others = sqlx::query_scalar!(
        "select id from users where role = 'ADMIN' and is_active and deleted_at is null and id <> $1 for update",
        leaving
    )
    .fetch_all(&mut *conn)
    .await?;
    if others.is_empty() {
        return Err(AppError::Conflict(
            "This is the only active care manager. Make someone else a care manager first.".into(),
        ));
    }
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn set_active(
    state: &AppState,
    actor: &Actor,
    id: UserId,
    active: bool,
) -> Result<(), AppError> {
    let id = id.into_uuid();
    let mut tx = state.db.begin().await?;
    let (role, was_active) = lock_user(&mut tx, id).await?;
    if was_active == active {
        return Ok(());
    }
    if !active && role == Role::Admin {
        keep_a_manager(&mut tx, id).await?;
    }
    sqlx::query!("update users set is_active = $2 where id = $1", id, active)
        .execute(&mut *tx)
        .await?;
    let ended = if active {
        Vec::new()
    } else {
        sessions::revoke_all_on(&mut tx, id, None, "DEACTIVATED").await?
    };
    audit::commit(
        tx,
        actor,
        Entry::new(if active {
            "users.reactivate"
        } else {
            "users.deactivate"
        })
        .entity("user", id)
        .before(serde_json::json!({ "active": was_active }))
        .after(serde_json::json!({ "active": active, "sessions_ended": ended.len() })),
    )
    .await?;
    sessions::forget_all(state, &ended).await;
    Ok(())
}

/// Changes someone's role; their sessions end, so the new role applies from their next
/// sign-in (access tokens carry the role).
#[tracing::instrument(skip_all)]
pub async fn change_role(
    state: &AppState,
    actor: &Actor,
    id: UserId,
    role: &str,
) -> Result<(), AppError> {
    let id = id.into_uuid();
    let role: Role = role
        .parse()
        .map_err(|_| AppError::validation("role", "Choose a role"))?;
    let mut tx = state.db.begin().await?;
    let (before, active) = lock_user(&mut tx, id).await?;
    if before == role {
        return Ok(());
    }
    if before == Role::Admin && active {
        keep_a_manager(&mut tx, id).await?;
    }
    sqlx::query!(
        "update users set role = $2::text::user_role where id = $1",
        id,
        role.as_str()
    )
    .execute(&mut *tx)
    .await?;
    let ended = sessions::revoke_all_on(&mut tx, id, None, "REVOKED_BY_ADMIN").await?;
    audit::commit(
        tx,
        actor,
        Entry::new("users.role_change")
            .entity("user", id)
            .before(serde_json::json!({ "role": before.as_str() }))
            .after(serde_json::json!({ "role": role.as_str() })),
    )
    .await?;
    sessions::forget_all(state, &ended).await;
    Ok(())
}

/// Signs someone out on every device.
#[tracing::instrument(skip_all)]
pub async fn sign_out_everywhere(
    state: &AppState,
    actor: &Actor,
    id: UserId,
) -> Result<u64, AppError> {
    let id = id.into_uuid();
    let mut tx = state.db.begin().await?;
    lock_user(&mut tx, id).await?;
    let ended = sessions::revoke_all_on(&mut tx, id, None, "REVOKED_BY_ADMIN").await?;
    audit::commit(
        tx,
        actor,
        Entry::new("auth.sessions_revoked_by_admin")
            .entity("user", id)
            .after(serde_json::json!({ "sessions_ended": ended.len() })),
    )
    .await?;
    sessions::forget_all(state, &ended).await;
    Ok(ended.len() as u64)
}

/// Moves someone to the recycle bin: they are signed out everywhere and cannot sign in;
/// their placements, practice and ratings wait with them (`recycle_bin::ssr` restores
/// or erases them). Nobody deletes themselves, and the last active care manager stays.
#[tracing::instrument(skip_all)]
pub async fn delete(state: &AppState, actor: &Actor, id: UserId) -> Result<(), AppError> {
    let id = id.into_uuid();
    if actor.user_id == Some(id) {
        return Err(AppError::Conflict(
            "You cannot delete yourself. Ask another care manager.".into(),
        ));
    }
    let mut tx = state.db.begin().await?;
    let (role, active) = lock_user(&mut tx, id).await?;
    if role == Role::Admin && active {
        keep_a_manager(&mut tx, id).await?;
    }
    sqlx::query!(
        "update users set deleted_at = now(), deleted_by = $2, purge_warned_at = null where id = $1",
        id,
        actor.user_id
    )
    .execute(&mut *tx)
    .await?;
    let ended = sessions::revoke_all_on(&mut tx, id, None, "REVOKED_BY_ADMIN").await?;
    audit::commit(
        tx,
        actor,
        Entry::new("users.delete")
            .entity("user", id)
            .after(serde_json::json!({ "role": role.as_str(), "sessions_ended": ended.len() })),
    )
    .await?;
    sessions::forget_all(state, &ended).await;
    Ok(())
}
