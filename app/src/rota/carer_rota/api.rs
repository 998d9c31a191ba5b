//! A carer's own rota: wire types and server functions.

#[cfg(feature = "ssr")]
use crate::auth::door::{Caller, serve};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use caretrack::permissions::Permission;
use caretrack::{ids::ShiftId, rota::ShiftKind};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One upcoming shift on a carer's own rota.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct MyShift {
    pub shift_id: ShiftId,
    pub package: String,
    /// The London day it starts, `YYYY-MM-DD`.
    pub date: String,
    pub day_label: String,
    pub times: String,
    pub kind: ShiftKind,
    pub colleagues: Vec<String>,
}

/// A carer's own rota: the shifts, and the same shifts as a calendar of weeks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct PersonalRota {
    pub shifts: Vec<MyShift>,
    pub weeks: Vec<CalendarWeek>,
    /// When their calendar link was made (none: no link).
    pub calendar_link_since: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct CalendarWeek {
    /// "Week of 23 Nov 2026".
    pub label: String,
    pub days: Vec<CalendarDay>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct CalendarDay {
    /// "Mon 23".
    pub label: String,
    pub today: bool,
    /// Positions in [`PersonalRota::shifts`].
    pub shifts: Vec<u32>,
}

/// The next eight weeks of the signed-in carer's rota; the calendar shows four.
#[server(endpoint = "my_rota", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn my_rota() -> Result<PersonalRota, AppError> {
    serve(
        Permission::ViewRota,
        async |Caller { user, state, .. }| super::ssr::my_rota_page(&state, user.user_id).await,
    )
    .await
}

/// Makes the signed-in person a new secret calendar link (the old one stops working)
/// and answers it: it is shown once, as only its hash is kept.
#[server(endpoint = "new_calendar_link", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn new_calendar_link() -> Result<String, AppError> {
    serve(
        Permission::ViewRota,
        async |Caller { actor, state, .. }| super::ssr::new_calendar_link(&state, &actor).await,
    )
    .await
}

#[server(endpoint = "turn_off_calendar_link", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn turn_off_calendar_link() -> Result<(), AppError> {
    serve(
        Permission::ViewRota,
        async |Caller { actor, state, .. }| {
            super::ssr::turn_off_calendar_link(&state, &actor).await
        },
    )
    .await
}
