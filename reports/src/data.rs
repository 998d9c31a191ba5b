//! What each report shows, already worded for print: dates and times are London-local
//! strings, levels and states their labels. The server gathers these from the database;
//! the templates only lay them out, so nothing here is computed twice.

use serde::Serialize;

/// Printed on every page of every report.
#[derive(Clone, Debug, Serialize)]
pub struct Cover {
    /// The report's title, e.g. "Competency evidence pack".
    pub title: String,
    /// What it is about, e.g. the carer's name or "Rose Court, week of 23 Nov 2026".
    pub subject: String,
    /// "21 Nov 2026 14:05".
    pub generated_at: String,
    pub generated_by: String,
    /// The report's id, so a printed copy can be traced to its request in the audit log.
    pub reference: String,
}

/// 1. A carer's competency evidence pack.
#[derive(Clone, Debug, Serialize)]
pub struct EvidencePack {
    pub cover: Cover,
    pub carer: CarerDetails,
    /// Over the carer's assigned tasks, completions capped at each target.
    pub overall_percent: u32,
    pub progress: Vec<TaskProgress>,
    pub ratings: Vec<Rating>,
    pub assessments: Vec<Assessment>,
    pub history: Vec<HistoryEntry>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CarerDetails {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub job_title: String,
    pub started_on: String,
    /// "Active", "Deactivated".
    pub status: String,
    /// The care packages the carer is assigned to.
    pub packages: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TaskProgress {
    pub task: String,
    pub category: String,
    pub done: i32,
    pub target: i32,
    pub percent: u32,
    pub assigned: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Rating {
    pub task: String,
    /// The level that counts (last confirmed or upheld).
    pub effective: String,
    /// The latest rating issued, and where it stands.
    pub latest: String,
    pub state: String,
    /// "Assessment" or "Set directly".
    pub source: String,
    pub rated_on: String,
    pub rated_by: String,
    pub confirmed_on: String,
    pub review_due: String,
    /// A manual rating's reason, a dispute's reason or its resolution.
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Assessment {
    pub title: String,
    pub status: String,
    pub tasks: Vec<String>,
    pub conducted_on: String,
    pub assessor: String,
    /// "82.50 %", or "" before it is scored.
    pub score: String,
    pub suggested: String,
    pub level: String,
    /// Why the level differs from the suggestion (professional judgement).
    pub judgement_reason: String,
    pub comments: String,
    pub approved: String,
    pub sections: Vec<AssessmentSection>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AssessmentSection {
    /// "Knowledge 40 %".
    pub name: String,
    pub items: Vec<AssessmentItem>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AssessmentItem {
    pub prompt: String,
    pub answer: String,
    /// "3 / 4", "N/A" or "—".
    pub score: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct HistoryEntry {
    pub at: String,
    pub task: String,
    pub level: String,
    pub state: String,
    pub source: String,
    pub by: String,
    pub reason: String,
}

/// 2. A package's rota for one week (A4 landscape).
#[derive(Clone, Debug, Serialize)]
pub struct RotaWeek {
    pub cover: Cover,
    pub package: String,
    /// "Published 20 Nov 2026 by …", or "Draft: not yet published".
    pub publication: String,
    /// Seven headings, Monday first: "Mon 23 Nov".
    pub days: Vec<String>,
    /// Day shifts then night shifts, each with one cell per day.
    pub rows: Vec<RotaRow>,
    /// One line per carer: hours this week, shifts, nights.
    pub totals: Vec<RotaTotal>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RotaRow {
    /// "Day" or "Night".
    pub label: String,
    pub cells: Vec<Vec<RotaShift>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RotaShift {
    /// "08:00–20:00".
    pub times: String,
    pub carers: Vec<String>,
    /// "2 of 2", "1 of 2 — short".
    pub cover: String,
    pub short: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct RotaTotal {
    pub carer: String,
    pub shifts: u32,
    pub nights: u32,
    /// "36.0".
    pub hours: String,
}

/// 3. Compliance over a period.
#[derive(Clone, Debug, Serialize)]
pub struct Compliance {
    pub cover: Cover,
    /// "1 Nov 2026 – 30 Nov 2026".
    pub period: String,
    pub summary: Vec<Figure>,
    pub overrides: Vec<RuleOverride>,
    /// Breaches found in the period's rota as it stands.
    pub violations: Vec<RuleBreach>,
    pub pending_confirmations: Vec<PendingConfirmation>,
    pub overdue_reviews: Vec<OverdueReview>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Figure {
    pub label: String,
    pub value: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct RuleOverride {
    pub at: String,
    pub rule: String,
    pub carer: String,
    pub shift: String,
    pub by: String,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct RuleBreach {
    pub rule: String,
    /// "Error" or "Warning".
    pub severity: String,
    pub carer: String,
    pub message: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct PendingConfirmation {
    pub carer: String,
    pub task: String,
    pub level: String,
    pub rated_on: String,
    pub waiting_days: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct OverdueReview {
    pub carer: String,
    pub task: String,
    pub level: String,
    pub due_on: String,
    pub overdue_days: i64,
}
