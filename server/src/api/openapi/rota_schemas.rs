//! The schemas of the rota's and the shift sender's wire types.

use serde_json::{Value, json};

use {
    crate::api::openapi::document::schema_ref,
    crate::api::openapi::schemas::{date_time, object, page_of, uuid},
};

pub(super) const APPLICATION_STATUSES: [&str; 4] =
    ["INTERESTED", "SELECTED", "REJECTED", "WITHDRAWN"];

/// The rules engine's input and answer (`caretrack::rota`), and the rota's services.
pub(super) fn rota_schemas() -> Value {
    use caretrack::rota::{RuleId, Severity, ShiftKind};
    let date = json!({ "type": "string", "format": "date" });
    let uuids = json!({ "type": "array", "items": uuid() });
    let hours = |description: &str| json!({ "type": "number", "exclusiveMinimum": 0, "description": description });
    json!({
        "RotaCarer": object(json!({
            "id": uuid(),
            "date_of_birth": { "type": "string", "format": "date", "description": "For the under-18 rules; left out: an adult" },
            "weekly_hours_limit": hours("Contracted weekly hours; left out: the organisation's default (36)"),
            "opt_out": object(json!({
                "from": date,
                "to": { "type": "string", "format": "date", "description": "The last day in force; left out: until withdrawn" },
            }), &["to"]),
            "night_worker": { "type": "boolean", "description": "Left out: derived (3 h of 23:00–06:00 on a third of their shifts)" },
            "employed_from": { "type": "string", "format": "date", "description": "Averages run from here when employment is shorter than the reference period" },
            "competent_task_ids": { "type": "array", "items": uuid(), "description": "Tasks with a confirmed rating of COMPETENT or above" },
        }), &["date_of_birth", "weekly_hours_limit", "opt_out", "night_worker", "employed_from", "competent_task_ids"]),
        "RotaPackage": object(json!({ "id": uuid(), "task_ids": uuids }), &["task_ids"]),
        "RotaShift": object(json!({
            "id": uuid(),
            "package_id": uuid(),
            "start": date_time(),
            "end": { "type": "string", "format": "date-time", "description": "After the start, at most 24 hours later" },
            "carer_ids": uuids,
            "kind": { "enum": ShiftKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(), "description": "Left out: NIGHT when 3 h fall in 23:00–06:00 London time" },
            "break_minutes": { "type": "integer", "minimum": 0, "description": "Unpaid break planned into the shift" },
        }), &["carer_ids", "kind", "break_minutes"]),
        "RotaInput": object(json!({
            "carers": { "type": "array", "items": schema_ref("RotaCarer") },
            "packages": { "type": "array", "items": schema_ref("RotaPackage") },
            "shifts": { "type": "array", "items": schema_ref("RotaShift") },
            "settings": { "type": "object", "description": "Rule switches and parameters, in the shape of the rule settings; statutory rules cannot be switched off or set laxer than the law. Left out: the defaults" },
            "planning_from": { "type": "string", "format": "date", "description": "Shifts before this day are history: they count towards averages and rests, but breaches made only of history are not reported" },
        }), &["settings", "planning_from"]),
        "RotaViolation": object(json!({
            "rule": { "enum": RuleId::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>() },
            "severity": { "enum": Severity::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>() },
            "overridable": { "type": "boolean", "description": "May be accepted with a reason (never for the 48-hour average or young workers' limits)" },
            "carer_id": uuid(),
            "shift_ids": uuids,
            "message": { "type": "string", "description": "Plain English with the numbers, e.g. \"Average 49.3 h/week over the 17 weeks …\"" },
            "details": { "type": "object", "additionalProperties": { "type": "number" }, "description": "The numbers behind the message" },
        }), &["carer_id"]),
        "RotaSlot": object(json!({
            "shift_id": uuid(),
            "weekday": { "type": "integer", "minimum": 0, "maximum": 6, "description": "Monday = 0" },
            "day_label": { "type": "string" },
            "kind": { "enum": ShiftKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>() },
            "times": { "type": "string", "description": "London time, e.g. 20:00–08:00" },
            "headcount": { "type": "integer", "minimum": 1 },
            "open": { "type": "boolean", "description": "Sent out to carers" },
        }), &[]),
        "SlotAssignment": object(json!({ "shift_id": uuid(), "carer_ids": uuids }), &[]),
        "PanelCarer": object(json!({
            "id": uuid(),
            "name": { "type": "string" },
            "on_team": { "type": "boolean" },
            "competent": { "type": "boolean", "description": "Confirmed COMPETENT+ in all of the package's tasks" },
        }), &[]),
        "RotaWeek": object(json!({
            "package": schema_ref("Named"),
            "week_start": date,
            "week_label": { "type": "string" },
            "previous_week": date,
            "next_week": date,
            "slots": { "type": "array", "items": schema_ref("RotaSlot"), "description": "Monday DAY, Monday NIGHT, … Sunday NIGHT" },
            "carers": { "type": "array", "items": schema_ref("PanelCarer") },
            "input": schema_ref("RotaInput"),
            "revision": { "type": "integer", "minimum": 0, "description": "The saved draft's revision (0: none since the last publication)" },
            "published": { "type": "array", "items": schema_ref("SlotAssignment") },
            "published_at": { "type": ["string", "null"] },
            "previous": { "type": "array", "items": uuids, "description": "Who was on each slot the week before" },
            "slot_form": schema_ref("SlotPlan"),
        }), &[]),
        "DraftInput": object(json!({
            "week": date,
            "base_revision": { "type": "integer", "minimum": 0 },
            "assignments": { "type": "array", "items": schema_ref("SlotAssignment") },
        }), &["assignments"]),
        "SavedDraft": object(json!({ "revision": { "type": "integer" }, "report": schema_ref("RotaCheck") }), &[]),
        "RotaOverride": object(json!({
            "rule": { "enum": RuleId::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>() },
            "carer_id": { "type": ["string", "null"], "format": "uuid" },
            "shift_ids": uuids,
            "reason": { "type": "string" },
        }), &["carer_id"]),
        "PublishInput": object(json!({
            "week": date,
            "revision": { "type": "integer", "minimum": 1 },
            "overrides": { "type": "array", "items": schema_ref("RotaOverride"), "description": "A reason for each overridable finding, naming it by rule, carer and shifts" },
        }), &["overrides"]),
        "Published": object(json!({
            "added": { "type": "integer", "minimum": 0 },
            "removed": { "type": "integer", "minimum": 0 },
            "carers_notified": { "type": "integer", "minimum": 0 },
        }), &[]),
        "SlotPlan": object(json!({
            "day_starts": { "type": "string", "description": "HH:MM, London" },
            "day_ends": { "type": "string", "description": "At or before the start: the next day" },
            "day_break_minutes": { "type": "string" },
            "day_headcount": { "type": "string" },
            "night_starts": { "type": "string" },
            "night_ends": { "type": "string" },
            "night_break_minutes": { "type": "string" },
            "night_headcount": { "type": "string" },
        }), &[]),
        "SlotsSaved": object(json!({ "slots": schema_ref("SlotPlan"), "shifts_moved": { "type": "integer", "minimum": 0 } }), &[]),
        "CoverCandidate": object(json!({
            "carer_id": uuid(),
            "name": { "type": "string" },
            "violations": { "type": "array", "items": schema_ref("RotaViolation"), "description": "What placing them would newly break" },
            "competent": { "type": "boolean", "description": "Competent in all of the package's tasks (confirmed ratings)" },
            "shifts_here": { "type": "integer", "minimum": 0, "description": "Their shifts at this package in the 4 weeks before" },
            "weekends": { "type": "integer", "minimum": 0, "description": "Weekend shifts in those 4 weeks" },
            "nights": { "type": "integer", "minimum": 0, "description": "Night shifts in those 4 weeks" },
            "headroom_hours": { "type": "number", "description": "Contracted hours left in the shift's week once they take it (negative: over)" },
            "reasons": { "type": "array", "items": { "type": "string" }, "description": "The ranking in words" },
        }), &[]),
        "Cover": object(json!({
            "shift_id": uuid(),
            "package": { "type": "string" },
            "when": { "type": "string", "description": "e.g. \"Wed 25 Nov, day 08:00–20:00\" (London time)" },
            "candidates": { "type": "array", "items": schema_ref("CoverCandidate"), "description": "Best first: no rule broken, competence, continuity, fairness, hours headroom" },
        }), &[]),
        "MyShift": object(json!({
            "shift_id": uuid(),
            "package": { "type": "string" },
            "date": date,
            "day_label": { "type": "string" },
            "times": { "type": "string", "description": "London time, e.g. 20:00–08:00" },
            "kind": { "enum": ShiftKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>() },
            "colleagues": { "type": "array", "items": { "type": "string" } },
        }), &[]),
        "OpenShift": object(json!({
            "shift_id": uuid(),
            "package": { "type": "string" },
            "when": { "type": "string" },
            "kind": { "enum": ShiftKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>() },
            "competent_only": { "type": "boolean", "description": "Only carers with confirmed COMPETENT+ ratings in every required task may apply" },
            "headcount": { "type": "integer", "minimum": 1 },
            "filled": { "type": "integer", "minimum": 0 },
            "waiting": { "type": "integer", "minimum": 0, "description": "Applications waiting for a decision (0 in a carer's list)" },
            "note": { "type": ["string", "null"] },
        }), &[]),
        "OpenShiftPage": page_of("OpenShift"),
        "Applicant": object(json!({
            "carer_id": uuid(),
            "name": { "type": "string" },
            "status": { "enum": APPLICATION_STATUSES },
            "applied_at": { "type": "string" },
            "competent": { "type": "boolean" },
            "violations": { "type": "array", "items": schema_ref("RotaViolation"), "description": "What selecting them would break" },
            "blocked": { "type": "boolean", "description": "Selecting them is refused while this holds" },
            "reasons": { "type": "array", "items": { "type": "string" } },
        }), &[]),
        "ShiftApplicants": object(json!({
            "shift": schema_ref("OpenShift"),
            "on_shift": { "type": "array", "items": { "type": "string" } },
            "applicants": { "type": "array", "items": schema_ref("Applicant") },
        }), &[]),
        "MyApplication": object(json!({
            "shift": schema_ref("OpenShift"),
            "status": { "enum": APPLICATION_STATUSES },
            "applied_at": { "type": "string" },
        }), &[]),
        "MyApplicationPage": page_of("MyApplication"),
        "SendOutInput": object(json!({
            "competent_only": { "type": "boolean" },
            "note": { "type": "string", "description": "Shown to carers; optional" },
        }), &["note"]),
        "DecisionInput": object(json!({
            "carer_id": uuid(),
            "decision": { "enum": ["select", "reject", "withdraw"] },
            "reason": { "type": "string", "description": "Needed to select someone whose rule check has (overridable) findings" },
        }), &["reason"]),
        "RotaCheck": object(json!({
            "violations": { "type": "array", "items": schema_ref("RotaViolation") },
            "errors": { "type": "integer", "minimum": 0 },
            "warnings": { "type": "integer", "minimum": 0 },
            "blocking": { "type": "integer", "minimum": 0, "description": "Errors that cannot be overridden: the rota cannot be published while any remain" },
        }), &[]),
    })
}
