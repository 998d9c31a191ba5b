//! The rota over REST: `/api/v1/rota/check` (the rules engine as a stateless dry run,
//! the same function the editor runs in the browser and the server on save), who can
//! cover a shift, the shift sender, the carer's own rota and its calendar feed. The
//! services are the pages' own (`app::rota`).

mod carer;
mod export;
mod shifts;
mod week;

use carer::{calendar_feed, my_rota};
use export::{export_week, export_week_csv};
use shifts::{applications, available, decide, interest, my_applications, open_shifts, send_out};
use week::{cover, publish, save_draft, save_slots, slots, week};

use crate::api::extract::JsonBody;
use app::error::AppError;
use axum::Json;
use caretrack::rota::{Report, RotaInput, validate_rota};

/// The largest body the check accepts: 17 weeks of history for a few hundred carers
/// is a few megabytes of JSON.
pub const CHECK_BODY_LIMIT: usize = 16 * 1024 * 1024;

pub async fn check(JsonBody(input): JsonBody<RotaInput>) -> Result<Json<Report>, AppError> {
    // A big rota is milliseconds of pure CPU: keep it off the async workers.
    let checked = tokio::task::spawn_blocking(move || validate_rota(input))
        .await
        .map_err(|_| AppError::Internal)?;
    let violations =
        checked.map_err(|error| AppError::validation(error.field(), error.to_string()))?;
    Ok(Json(Report::new(violations)))
}

/// This feature's REST routes: who may call each, and its documentation (`super::api`).
pub(super) fn routes(api: super::Api) -> super::Api {
    use super::Access::{self, Public};
    use super::openapi::{Body, Doc, Query, ROTA, Reply, SHIFTS};
    use app::{rota::sender::api::OpenShift, wire::Page};
    use axum::routing::{get, post, put};
    use caretrack::permissions::Permission;
    api
    .route(
        "POST",
        "/api/v1/rota/check",
        Access::Permission(Permission::CheckRota),
        post(check).layer(axum::extract::DefaultBodyLimit::max(CHECK_BODY_LIMIT)),
        Doc::new(ROTA, "Check a rota against the 14 rules (provider rules and the Working Time Regulations) without saving anything: the same engine the rota editor runs in the browser", Reply::json::<Report>())
            .body(Body::json::<RotaInput>()),
    )
    .route(
        "GET",
        "/api/v1/rota/{id}/cover",
        Access::Permission(Permission::ManageRota),
        get(cover),
        Doc::new(ROTA, "Who can cover one of the package's shifts: its team and whoever is on its week, each tried on the shift by the rules engine (the week as its draft has it), best first, with the reasons", Reply::json::<app::rota::cover::api::Cover>())
            .query(&[Query { name: "slot", kind: "string", required: true, description: "The shift's id" }]),
    )
    .route(
        "GET",
        "/api/v1/rota/{id}",
        Access::Permission(Permission::ManageRota),
        get(week),
        Doc::new(ROTA, "A package's week as the editor loads it: its 14 DAY/NIGHT slots (created on first open), the carers who may be placed, the draft (or what is published) with its revision, what carers were told, the week before, and the rules engine's input", Reply::json::<app::rota::week::api::RotaWeek>())
            .query(&[Query { name: "week", kind: "string", required: false, description: "The Monday, YYYY-MM-DD; default this week" }]),
    )
    .route(
        "PUT",
        "/api/v1/rota/{id}/draft",
        Access::Permission(Permission::ManageRota),
        put(save_draft),
        Doc::new(ROTA, "Save the week's draft: who is on each slot (carers never see drafts). `base_revision` is the revision the change was made on; answered with the new revision and the server's check", Reply::json::<app::rota::week::api::SavedDraft>())
            .body(Body::json::<week::DraftBody>())
            .conflict("Someone saved the week since `base_revision`: load it again"),
    )
    .route(
        "POST",
        "/api/v1/rota/{id}/publish",
        Access::Permission(Permission::ManageRota),
        post(publish),
        Doc::new(ROTA, "Publish the saved draft of a week: refused while it breaks a blocking rule; each overridable finding needs a reason (kept and audited); the carers whose shifts changed are told", Reply::json::<app::rota::week::api::Published>())
            .body(Body::json::<week::PublishBody>())
            .conflict("The draft changed since `revision`: load it again"),
    )
    .route(
        "GET",
        "/api/v1/rota/{id}/slots",
        Access::Permission(Permission::ManageRota),
        get(slots),
        Doc::new(ROTA, "The package's DAY and NIGHT shift times (London), breaks and headcounts", Reply::json::<caretrack::rota::SlotForm>()),
    )
    .route(
        "PUT",
        "/api/v1/rota/{id}/slots",
        Access::Permission(Permission::ManageRota),
        put(save_slots),
        Doc::new(ROTA, "New shift times: future shifts nobody is on move to them, published ones keep theirs; every future shift takes the new break and headcount", Reply::json::<week::SlotsSaved>())
            .body(Body::json::<caretrack::rota::SlotForm>()),
    )
    .route(
        "GET",
        "/api/v1/rota/{id}/week.xlsx",
        Access::Permission(Permission::ManageRota),
        get(export_week),
        Doc::new(ROTA, "A package's week as published, as an Excel workbook: the grid of days × DAY/NIGHT, and one row per carer per shift", Reply::Spreadsheet)
            .query(&[Query { name: "week", kind: "string", required: true, description: "The Monday, YYYY-MM-DD" }]),
    )
    .route(
        "GET",
        "/api/v1/rota/{id}/week.csv",
        Access::Permission(Permission::ManageRota),
        get(export_week_csv),
        Doc::new(ROTA, "A package's week as published, as CSV: one row per carer per shift", Reply::Csv)
            .query(&[Query { name: "week", kind: "string", required: true, description: "The Monday, YYYY-MM-DD" }]),
    )
    .route(
        "GET",
        "/api/v1/me/rota",
        Access::Permission(Permission::ViewRota),
        get(my_rota),
        Doc::new(ROTA, "The signed-in carer's confirmed shifts between two London dates", Reply::list::<app::rota::carer_rota::api::MyShift>())
            .query(&[
                Query { name: "from", kind: "string", required: false, description: "YYYY-MM-DD; default today" },
                Query { name: "to", kind: "string", required: false, description: "YYYY-MM-DD, not included; default eight weeks after `from`; at most 26 weeks after it" },
            ]),
    )
    .route(
        "GET",
        "/api/v1/calendar/{file}",
        Public,
        get(calendar_feed),
        Doc::new(ROTA, "A carer's rota as an iCalendar feed, four weeks back to six months ahead. `{file}` is `<secret>.ics` from the carer's calendar link; the link is the credential, and a new or turned-off link makes the old one a 404", Reply::Calendar),
    )
    .route(
        "GET",
        "/api/v1/shifts/open",
        Access::Permission(Permission::ManageRota),
        get(open_shifts),
        Doc::new(SHIFTS, "Shifts out to carers that have not ended, soonest first, with how many are waiting for a decision", Reply::json::<Page<OpenShift>>())
            .query(&[Query { name: "page", kind: "integer", required: false, description: "From 1; 20 a page" }]),
    )
    .route(
        "POST",
        "/api/v1/shifts/{id}/send-out",
        Access::Permission(Permission::ManageRota),
        post(send_out),
        Doc::new(SHIFTS, "Send a future shift that is short of carers out to carers: any carer, or only those with confirmed COMPETENT+ ratings in every task of its package", Reply::NoContent)
            .body(Body::json::<shifts::SendOutBody>()),
    )
    .route(
        "GET",
        "/api/v1/shifts/{id}/applications",
        Access::Permission(Permission::ManageRota),
        get(applications),
        Doc::new(SHIFTS, "A shift's applicants, each with the rules engine's check of selecting them (over the published rota of its week)", Reply::json::<app::rota::sender::api::ShiftApplicants>()),
    )
    .route(
        "POST",
        "/api/v1/shifts/{id}/decisions",
        Access::Permission(Permission::ManageRota),
        post(decide),
        Doc::new(SHIFTS, "Select (onto the published rota; refused while it breaks a blocking rule, a reason for other findings), reject or withdraw one application; the carer is told", Reply::NoContent)
            .body(Body::json::<shifts::DecisionBody>())
            .conflict("The application is decided already, the shift is full, or it is no longer out to carers"),
    )
    .route(
        "GET",
        "/api/v1/me/shifts/available",
        Access::Permission(Permission::ApplyForShifts),
        get(available),
        Doc::new(SHIFTS, "Open shifts the signed-in carer may apply for (their confirmed ratings decide competent shifts)", Reply::json::<Page<OpenShift>>())
            .query(&[Query { name: "page", kind: "integer", required: false, description: "From 1; 20 a page" }]),
    )
    .route(
        "POST",
        "/api/v1/shifts/{id}/interest",
        Access::Permission(Permission::ApplyForShifts),
        post(interest),
        Doc::new(SHIFTS, "Confirm interest in an open shift, once; a carer cannot withdraw it (a manager can)", Reply::NoContent)
            .conflict("Interest confirmed already, or the shift is no longer open to this carer"),
    )
    .route(
        "GET",
        "/api/v1/me/shift-applications",
        Access::Permission(Permission::ApplyForShifts),
        get(my_applications),
        Doc::new(SHIFTS, "The signed-in carer's applications, newest first", Reply::json::<Page<app::rota::sender::api::MyApplication>>())
            .query(&[Query { name: "page", kind: "integer", required: false, description: "From 1; 20 a page" }]),
    )
}
