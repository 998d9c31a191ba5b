//! The data of each report, read from the database and worded for print.

mod compliance;
mod evidence_pack;
mod rota_week;

use compliance::compliance;
use evidence_pack::evidence_pack;
use rota_week::rota_week;

use app::audit::Actor;
use app::error::AppError;
use app::state::AppState;
use caretrack::{CompetencyLevel, london};
use reports::Report;
use reports::data::*;
use sqlx::types::Uuid;

fn label<T: std::str::FromStr>(text: Option<&str>, name: impl Fn(T) -> &'static str) -> String {
    text.and_then(|t| t.parse().ok())
        .map(name)
        .unwrap_or_default()
        .to_owned()
}

fn level(text: Option<&str>) -> String {
    label(text, CompetencyLevel::label)
}

fn date_or_blank(date: Option<time::Date>) -> String {
    date.map(london::format_date).unwrap_or_default()
}

fn when_or_blank(at: Option<time::OffsetDateTime>) -> String {
    at.map(london::format_datetime).unwrap_or_default()
}

/// The report a `reports` row asks for.
pub async fn report(
    state: &AppState,
    requester: &Actor,
    kind: &str,
    parameters: &serde_json::Value,
    cover: impl Fn(&str, String) -> Cover,
) -> Result<Report, AppError> {
    let uuid = |field: &str| {
        parameters[field]
            .as_str()
            .and_then(|id| id.parse::<Uuid>().ok())
            .ok_or_else(|| AppError::validation(field, "missing from the report's parameters"))
    };
    match kind {
        "EVIDENCE_PACK" => evidence_pack(state, uuid("carer_id")?, cover)
            .await
            .map(Report::EvidencePack),
        "ROTA_WEEK" => {
            let week = app::rota::parse_week(parameters["week"].as_str().unwrap_or_default())?;
            rota_week(state, requester, uuid("package_id")?.into(), week, cover)
                .await
                .map(Report::RotaWeek)
        }
        "COMPLIANCE" => {
            let day = |field: &str| {
                app::reports::ssr::parse_day(field, parameters[field].as_str().unwrap_or_default())
            };
            compliance(state, requester, day("from")?, day("to")?, cover)
                .await
                .map(Report::Compliance)
        }
        other => Err(AppError::Conflict(format!(
            "{other} is not a kind of report"
        ))),
    }
}
