//! A package's slot plan: the server function that changes it.

use crate::error::AppError;
use caretrack::ids::CarePackageId;
use leptos::prelude::*;

/// Stores a package's DAY and NIGHT slots; answers how many future shifts moved.
#[server(endpoint = "save_package_slots", client = crate::csrf::CsrfClient, output = crate::codec::Json, input = leptos::server_fn::codec::Json)]
pub async fn save_slot_plan(
    package: CarePackageId,
    form: caretrack::rota::SlotForm,
) -> Result<u64, AppError> {
    crate::auth::door::serve(
        caretrack::permissions::Permission::ManageRota,
        async |crate::auth::door::Caller { actor, state, .. }| {
            super::ssr::save_slot_plan(&state, &actor, package, &form)
                .await
                .map(|(_, moved)| moved)
        },
    )
    .await
}
