//! The editor's week of a package: its wire types and server functions. The browser
//! checks every move with the same engine (`caretrack::rota`) the server runs here on
//! save and publish.

#[cfg(feature = "ssr")]
use crate::auth::door::{Caller, serve};
use crate::error::AppError;
use crate::wire::Named;
#[cfg(feature = "ssr")]
use caretrack::permissions::Permission;
use caretrack::{
    ids::{CarePackageId, ShiftId, UserId},
    rota::{Report, RotaInput, RuleId, ShiftKind},
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One cell of the editor's grid: a package's DAY or NIGHT shift on one day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Slot {
    pub shift_id: ShiftId,
    /// Monday = 0.
    pub weekday: u8,
    pub day_label: String,
    pub kind: ShiftKind,
    /// "08:00–20:00", London time.
    pub times: String,
    pub headcount: i32,
    /// Sent out to carers through the shift sender.
    pub open: bool,
}

/// Who is on one shift.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct SlotAssignment {
    pub shift_id: ShiftId,
    pub carer_ids: Vec<UserId>,
}

/// A carer in the editor's panel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct PanelCarer {
    pub id: UserId,
    pub name: String,
    /// Works at this package (the others may still cover).
    pub on_team: bool,
    /// Competent in all of the package's tasks (confirmed ratings only).
    pub competent: bool,
}

/// One package's week, ready for the editor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct RotaWeek {
    pub package: Named<CarePackageId>,
    /// Monday, `YYYY-MM-DD`.
    pub week_start: String,
    pub week_label: String,
    pub previous_week: String,
    pub next_week: String,
    pub slots: Vec<Slot>,
    pub carers: Vec<PanelCarer>,
    /// The engine's input: every panel carer's shifts over the reference period and
    /// the weeks around this one, with this week as the draft has it.
    pub input: RotaInput,
    /// The draft as saved (0: nothing saved since the last publication).
    pub revision: i64,
    /// What carers were last told.
    pub published: Vec<SlotAssignment>,
    pub published_at: Option<String>,
    /// Who was on each slot (same order as `slots`) the week before, as its draft has
    /// it or as published: "Copy previous week".
    pub previous: Vec<Vec<UserId>>,
    /// The package's DAY and NIGHT times, as the shift-times form shows them.
    pub slot_form: caretrack::rota::SlotForm,
}

/// One week a pattern was applied to, and what the server's check found there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct PatternWeek {
    pub week_start: String,
    pub week_label: String,
    pub revision: i64,
    pub errors: u32,
    pub warnings: u32,
    pub blocking: u32,
}

/// The answer to a save: the draft's new revision and the server's own check of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct SavedDraft {
    pub revision: i64,
    pub report: Report,
}

/// A reason for accepting one overridable violation when publishing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Override {
    pub rule: RuleId,
    pub carer_id: Option<UserId>,
    pub shift_ids: Vec<ShiftId>,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Published {
    pub added: u32,
    pub removed: u32,
    pub carers_notified: u32,
}

#[server(endpoint = "rota_week", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn load_rota_week(package: CarePackageId, week: String) -> Result<RotaWeek, AppError> {
    serve(
        Permission::ManageRota,
        async |Caller { actor, state, .. }| {
            // No week chosen: this one.
            let week = if week.trim().is_empty() {
                caretrack::days::week_of(time::OffsetDateTime::now_utc())
            } else {
                crate::rota::parse_week(&week)?
            };
            super::ssr::load_week(&state, &actor, package, week).await
        },
    )
    .await
}

#[server(endpoint = "save_rota_draft", client = crate::csrf::CsrfClient, output = crate::codec::Json, input = leptos::server_fn::codec::Json)]
pub async fn save_rota_draft(
    package: CarePackageId,
    week: String,
    #[server(default)] assignments: Vec<SlotAssignment>,
    base_revision: i64,
) -> Result<SavedDraft, AppError> {
    serve(
        Permission::ManageRota,
        async |Caller { actor, state, .. }| {
            let week = crate::rota::parse_week(&week)?;

            super::ssr::save_draft(&state, &actor, package, week, assignments, base_revision).await
        },
    )
    .await
}

#[server(endpoint = "publish_rota_week", client = crate::csrf::CsrfClient, output = crate::codec::Json, input = leptos::server_fn::codec::Json)]
pub async fn publish_rota_week(
    package: CarePackageId,
    week: String,
    revision: i64,
    #[server(default)] overrides: Vec<Override>,
) -> Result<Published, AppError> {
    serve(
        Permission::ManageRota,
        async |Caller { actor, state, .. }| {
            let week = crate::rota::parse_week(&week)?;

            super::ssr::publish(&state, &actor, package, week, revision, overrides).await
        },
    )
    .await
}

/// The most weeks one "apply this week's pattern" writes.
pub const MAX_PATTERN_WEEKS: u32 = 12;

/// Copies the saved draft (or, with none, the published rota) of `week` into the drafts
/// of `weeks` weeks from `from` (replacing their drafts), each checked by the server.
#[server(endpoint = "apply_rota_pattern", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn apply_rota_pattern(
    package: CarePackageId,
    week: String,
    from: String,
    weeks: u32,
) -> Result<Vec<PatternWeek>, AppError> {
    serve(
        Permission::ManageRota,
        async |Caller { actor, state, .. }| {
            let week = crate::rota::parse_week(&week)?;
            let from = crate::rota::parse_week(&from)?;

            super::ssr::apply_pattern(&state, &actor, package, week, from, weeks).await
        },
    )
    .await
}
