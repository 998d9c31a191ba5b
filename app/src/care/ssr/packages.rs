//! Care packages: a client and their home. The package's name and postcode district are
//! clear text (searchable); the client's name and address are sealed with the field
//! cipher, bound to this row and column, and opened only for those allowed to read them.
//! The audit trail records that client details changed, never the details themselves.

use super::super::api::{PAGE_SIZE, PackageDetail, PackageSummary};
use crate::wire::{Named, Page};
use crate::{
    audit::{self, Actor, Entry},
    auth::CurrentUser,
    crypto::{FieldLocation, Sealed},
    error::AppError,
    state::AppState,
};
use caretrack::{
    care::{PackageDraft, PackageForm, may_see_client_details},
    ids::CarePackageId,
    permissions::{Permission, Scope},
    text::like_contains,
};
use sqlx::types::Uuid;

/// Where a package's sealed column lives (also used by `server keys rotate`).
pub fn location<'a>(id: &'a Uuid, column: &'a str) -> FieldLocation<'a> {
    FieldLocation {
        table: "care_packages",
        column,
        row_id: id,
    }
}

fn seal(state: &AppState, id: &Uuid, column: &str, text: &str) -> Sealed {
    state.cipher.seal(text, location(id, column))
}

fn open(
    state: &AppState,
    id: &Uuid,
    column: &str,
    key_id: &str,
    ciphertext: &[u8],
) -> Result<String, AppError> {
    state
        .cipher
        .open(key_id, ciphertext, location(id, column))
        .map_err(|err| {
            // The value never reaches the log; which row and column failed does.
            tracing::error!(package = %id, column, error = %err, "could not open client details");
            AppError::Internal
        })
}

/// Carers see the packages they work at; everyone else with `ViewCare` sees all.
fn only_for(user: &CurrentUser) -> Option<Uuid> {
    (user.role.scope(Permission::ViewCare) == Some(Scope::Own)).then_some(user.user_id)
}

#[tracing::instrument(skip_all)]
pub async fn list(
    state: &AppState,
    user: &CurrentUser,
    search: &str,
    page: i64,
) -> Result<Page<PackageSummary>, AppError> {
    let page = page.max(1);
    let pattern = like_contains(search);
    let carer = only_for(user);
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!" from care_packages p
            where p.deleted_at is null
              and (p.name ilike $1 or p.postcode_district ilike $1)
              and ($2::uuid is null or exists
                   (select 1 from carer_packages cp where cp.package_id = p.id and cp.carer_id = $2))"#,
        pattern,
        carer
    )
    .fetch_one(&state.db)
    .await?;
    let items = sqlx::query!(
        r#"select p.id, p.name, p.postcode_district,
                  (select count(*) from package_tasks pt join tasks t on t.id = pt.task_id
                    where pt.package_id = p.id and t.deleted_at is null) as "tasks!",
                  (select count(*) from carer_packages cp join users u on u.id = cp.carer_id
                    where cp.package_id = p.id and u.deleted_at is null) as "carers!"
             from care_packages p
            where p.deleted_at is null
              and (p.name ilike $1 or p.postcode_district ilike $1)
              and ($2::uuid is null or exists
                   (select 1 from carer_packages cp where cp.package_id = p.id and cp.carer_id = $2))
            order by p.name, p.id
            limit $3 offset $4"#,
        pattern,
        carer,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .map(|r| PackageSummary {
        id: r.id.into(),
        name: r.name,
        postcode_district: r.postcode_district,
        tasks: r.tasks,
        carers: r.carers,
    })
    .collect();
    Ok(Page::new(items, total, page, PAGE_SIZE))
}

#[tracing::instrument(skip_all)]
pub async fn detail(
    state: &AppState,
    user: &CurrentUser,
    id: CarePackageId,
) -> Result<PackageDetail, AppError> {
    let id = *id.as_uuid();
    let not_found = || AppError::NotFound("The care package".into());
    let row = sqlx::query!(
        r#"select name, postcode_district, client_name_enc, client_name_key_id,
                  address_enc, address_key_id,
                  exists (select 1 from carer_packages where package_id = $1 and carer_id = $2) as "works_there!"
             from care_packages where id = $1 and deleted_at is null"#,
        id,
        user.user_id
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(not_found)?;
    if only_for(user).is_some() && !row.works_there {
        return Err(not_found());
    }
    let (client_name, address_lines) = if may_see_client_details(user.role, row.works_there) {
        let client = open(
            state,
            &id,
            "client_name",
            &row.client_name_key_id,
            &row.client_name_enc,
        )?;
        let address = open(state, &id, "address", &row.address_key_id, &row.address_enc)?;
        (
            Some(client),
            Some(address.lines().map(str::to_owned).collect()),
        )
    } else {
        (None, None)
    };
    let tasks = sqlx::query!(
        "select t.id, t.name from package_tasks pt join tasks t on t.id = pt.task_id
          where pt.package_id = $1 and t.deleted_at is null order by t.name",
        id
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .map(|r| Named {
        id: r.id.into(),
        name: r.name,
    })
    .collect();
    let carers = sqlx::query!(
        r#"select u.id, coalesce(p.first_name || ' ' || p.last_name, u.email) as "name!"
             from carer_packages cp join users u on u.id = cp.carer_id
             left join user_profiles p on p.user_id = u.id
            where cp.package_id = $1 and u.deleted_at is null
            order by 2"#,
        id
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .map(|r| Named {
        id: r.id.into(),
        name: r.name,
    })
    .collect();
    Ok(PackageDetail {
        id: id.into(),
        name: row.name,
        postcode_district: row.postcode_district,
        client_name,
        address_lines,
        tasks,
        carers,
    })
}

/// Creates a package (`id` is `None`) or changes one; audited either way.
#[tracing::instrument(skip_all)]
pub async fn save(
    state: &AppState,
    actor: &Actor,
    id: Option<CarePackageId>,
    form: &PackageForm,
) -> Result<CarePackageId, AppError> {
    let draft = PackageDraft::parse(form)?;
    let address = draft.address_lines.join("\n");
    let mut tx = state.db.begin().await?;
    let id = match id {
        None => {
            let id = Uuid::new_v4();
            let client = seal(state, &id, "client_name", &draft.client_name);
            let sealed_address = seal(state, &id, "address", &address);
            sqlx::query!(
                "insert into care_packages
                     (id, name, postcode_district, client_name_enc, client_name_key_id,
                      address_enc, address_key_id, created_by)
                 values ($1, $2, $3, $4, $5, $6, $7, $8)",
                id,
                draft.name,
                draft.postcode_district.as_str(),
                client.ciphertext,
                client.key_id,
                sealed_address.ciphertext,
                sealed_address.key_id,
                actor.user_id
            )
            .execute(&mut *tx)
            .await?;
            audit::record(
                &mut tx,
                actor,
                Entry::new("care_packages.create")
                    .entity("care_package", id)
                    .after(serde_json::json!({
                        "name": draft.name,
                        "postcode_district": draft.postcode_district.as_str(),
                    })),
            )
            .await?;
            id
        }
        Some(id) => {
            let id = *id.as_uuid();
            let before = sqlx::query!(
                "select name, postcode_district, client_name_enc, client_name_key_id,
                        address_enc, address_key_id
                   from care_packages where id = $1 and deleted_at is null for update",
                id
            )
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AppError::NotFound("The care package".into()))?;
            let old_client = open(
                state,
                &id,
                "client_name",
                &before.client_name_key_id,
                &before.client_name_enc,
            )?;
            let old_address = open(
                state,
                &id,
                "address",
                &before.address_key_id,
                &before.address_enc,
            )?;
            let client = seal(state, &id, "client_name", &draft.client_name);
            let sealed_address = seal(state, &id, "address", &address);
            sqlx::query!(
                "update care_packages
                    set name = $2, postcode_district = $3, client_name_enc = $4,
                        client_name_key_id = $5, address_enc = $6, address_key_id = $7
                  where id = $1",
                id,
                draft.name,
                draft.postcode_district.as_str(),
                client.ciphertext,
                client.key_id,
                sealed_address.ciphertext,
                sealed_address.key_id
            )
            .execute(&mut *tx)
            .await?;
            audit::record(
                &mut tx,
                actor,
                Entry::new("care_packages.update")
                    .entity("care_package", id)
                    .before(serde_json::json!({
                        "name": before.name,
                        "postcode_district": before.postcode_district,
                    }))
                    .after(serde_json::json!({
                        "name": draft.name,
                        "postcode_district": draft.postcode_district.as_str(),
                        "client_name_changed": old_client != draft.client_name,
                        "address_changed": old_address != address,
                    })),
            )
            .await?;
            id
        }
    };
    tx.commit().await?;
    super::package_updated(id, false);
    Ok(id.into())
}

/// Moves a package to the recycle bin. Its assignments stay, so a restore brings it back
/// as it was; its carers stop seeing its tasks at once.
#[tracing::instrument(skip_all)]
pub async fn delete(state: &AppState, actor: &Actor, id: CarePackageId) -> Result<(), AppError> {
    let id = *id.as_uuid();
    let mut tx = state.db.begin().await?;
    let name = sqlx::query_scalar!(
        "update care_packages set deleted_at = now(), deleted_by = $2
          where id = $1 and deleted_at is null returning name",
        id,
        actor.user_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("The care package".into()))?;
    audit::commit(
        tx,
        actor,
        Entry::new("care_packages.delete")
            .entity("care_package", id)
            .before(serde_json::json!({ "name": name })),
    )
    .await?;
    super::package_updated(id, true);
    Ok(())
}
