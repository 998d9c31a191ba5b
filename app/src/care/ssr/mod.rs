//! Care services (server only): the server functions and the REST handlers call these.

pub mod assignments;
pub mod packages;
pub mod practice;
pub mod tasks;

/// A package changed: pages showing it refetch. `carers_too` when what carers do
/// there changed (their task lists), for carers not yet in the package's room.
pub(crate) fn package_updated(package: sqlx::types::Uuid, carers_too: bool) {
    use crate::live::{Event, Room, bus};
    use caretrack::Role;
    let rooms = [Room::Package(package.into()), Room::Role(Role::Admin)]
        .into_iter()
        .chain(carers_too.then_some(Room::Role(Role::Carer)));
    bus::emit_to(
        rooms,
        &Event::PackageUpdated {
            package_id: package.into(),
        },
    );
}
