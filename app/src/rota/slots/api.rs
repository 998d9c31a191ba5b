//! A package's slot plan: the server function that changes it.

#[cfg(feature = "ssr")]
use crate::auth::door::{Caller, serve};
use crate::error::AppError;
use caretrack::ids::CarePackageId;
#[cfg(feature = "ssr")]
use caretrack::permissions::Permission;
use leptos::prelude::*;

/// Stores a package's DAY and NIGHT slots; answers how many future shifts moved.
#[server(endpoint = "save_package_slots", client = crate::csrf::CsrfClient, output = crate::codec::Json, input = leptos::server_fn::codec::Json)]
pub async fn save_slot_plan(
    package: CarePackageId,
    form: caretrack::rota::SlotForm,
) -> Result<u64, AppError> {
    serve(
        Permission::ManageRota,
        async |Caller { actor, state, .. }| {
            super::ssr::save_slot_plan(&state, &actor, package, &form)
                .await
                .map(|(_, moved)| moved)
        },
    )
    .await
}
