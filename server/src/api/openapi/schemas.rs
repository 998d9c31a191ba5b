//! The schemas of the wire types (sign-in, files, care, practice, assessments), written
//! out by hand: generating them from the types is issue 21's next step.

use serde_json::{Value, json};

use {crate::api::openapi::document::schema_ref, crate::api::openapi::rota_schemas::rota_schemas};

pub(super) fn string() -> Value {
    json!({ "type": "string" })
}

pub(super) fn uuid() -> Value {
    json!({ "type": "string", "format": "uuid" })
}

pub(super) fn date_time() -> Value {
    json!({ "type": "string", "format": "date-time" })
}

/// An object with exactly these properties, all required unless listed in `optional`.
pub(super) fn object(properties: Value, optional: &[&str]) -> Value {
    let required: Vec<&String> = properties
        .as_object()
        .expect("properties are an object")
        .keys()
        .filter(|k| !optional.contains(&k.as_str()))
        .collect();
    json!({ "type": "object", "properties": properties, "required": required,
            "additionalProperties": false })
}

/// One page of a list.
pub(super) fn page_of(item: &str) -> Value {
    object(
        json!({
            "items": { "type": "array", "items": schema_ref(item) },
            "total": { "type": "integer" },
            "page": { "type": "integer" },
            "page_size": { "type": "integer" },
        }),
        &[],
    )
}

pub(super) fn schemas() -> Value {
    use caretrack::{
        CompetencyLevel, RatingState,
        conduct::{AssessmentStatus, Step},
    };
    let roles: Vec<&str> = caretrack::Role::ALL.iter().map(|r| r.as_str()).collect();
    let levels: Vec<Value> = CompetencyLevel::ALL
        .iter()
        .map(|l| json!(l.as_str()))
        .collect();
    let levels_or_null: Vec<Value> = levels.iter().cloned().chain([Value::Null]).collect();
    let states: Vec<Value> = RatingState::ALL.iter().map(|s| json!(s.as_str())).collect();
    let schemas = json!({
        "Error": object(json!({
            "error": object(json!({
                "code": { "type": "string", "examples": ["validation_failed", "unauthenticated", "forbidden", "not_found", "rate_limited"] },
                "message": string(),
                "fields": { "type": "object", "additionalProperties": { "type": "string" },
                            "description": "Input name → what is wrong with it" },
                "remaining_today": { "type": "integer", "minimum": 0,
                            "description": "With `over_daily_cap`: what may still be logged today" },
            }), &["fields", "remaining_today"]),
        }), &[]),
        "LoginRequest": object(json!({ "email": string(), "password": string() }), &[]),
        "MfaRequest": object(json!({
            "mfa_token": string(),
            "code": { "type": "string", "description": "6 digits from the authenticator app, or a backup code" },
        }), &[]),
        "RefreshRequest": object(json!({ "refresh_token": string() }), &[]),
        "User": object(json!({
            "id": uuid(),
            "email": { "type": "string", "format": "email" },
            "role": { "type": "string", "enum": roles },
        }), &[]),
        "Tokens": object(json!({
            "access_token": string(),
            "refresh_token": { "type": "string", "description": "Single use: each refresh returns a new one; using one twice ends the session" },
            "token_type": { "const": "Bearer" },
            "expires_in": { "type": "integer", "description": "Seconds until the access token expires" },
            "user": schema_ref("User"),
        }), &["user"]),
        "MfaRequired": object(json!({
            "mfa_required": { "const": true },
            "mfa_token": { "type": "string", "description": "Send with the code to /api/v1/auth/mfa" },
        }), &[]),
        "LoginResult": { "oneOf": [schema_ref("Tokens"), schema_ref("MfaRequired")] },
        "Session": object(json!({
            "id": uuid(),
            "device_label": string(),
            "ip": { "type": ["string", "null"] },
            "created_at": date_time(),
            "last_seen_at": date_time(),
            "expires_at": date_time(),
            "current": { "type": "boolean" },
        }), &[]),
        "StoredFile": object(json!({
            "id": uuid(),
            "purpose": string(),
            "status": { "type": "string", "description": "PENDING until the virus scan passes, then CLEAN" },
            "original_name": string(),
            "content_type": string(),
            "size_bytes": { "type": "integer", "minimum": 0 },
        }), &[]),
        "DownloadUrl": object(json!({ "url": { "type": "string", "format": "uri" }, "expires_at": date_time() }), &[]),
        "QueueCount": object(json!({ "queue": string(), "status": string(), "count": { "type": "integer" } }), &[]),
        "FailedJob": object(json!({
            "id": string(),
            "kind": string(),
            "queue": string(),
            "status": { "type": "string", "enum": ["FAILED", "DEAD"] },
            "attempts": { "type": "integer" },
            "max_attempts": { "type": "integer" },
            "last_error": string(),
            "updated": { "type": "string", "description": "UK time, for people" },
        }), &[]),
        "Named": object(json!({ "id": uuid(), "name": string() }), &[]),
        "PackageSummary": object(json!({
            "id": uuid(),
            "name": string(),
            "postcode_district": string(),
            "tasks": { "type": "integer" },
            "carers": { "type": "integer" },
        }), &[]),
        "PackagePage": page_of("PackageSummary"),
        "Package": object(json!({
            "id": uuid(),
            "name": string(),
            "postcode_district": { "type": "string", "examples": ["M14"] },
            "client_name": { "type": ["string", "null"], "description": "Only for care managers and the package's carers" },
            "address_lines": { "type": ["array", "null"], "items": string() },
            "tasks": { "type": "array", "items": schema_ref("Named") },
            "carers": { "type": "array", "items": schema_ref("Named") },
        }), &[]),
        "PackageInput": object(json!({
            "name": string(),
            "postcode_district": { "type": "string", "description": "The outward code only, e.g. M14" },
            "client_name": string(),
            "address_lines": { "type": "array", "items": string(), "minItems": 1, "maxItems": 6 },
        }), &["name", "postcode_district", "client_name", "address_lines"]),
        "Task": object(json!({
            "id": uuid(),
            "name": string(),
            "category": string(),
            "description": string(),
            "target_count": { "type": "integer", "minimum": 1, "maximum": 1000 },
            "packages": { "type": "integer" },
        }), &[]),
        "TaskPage": page_of("Task"),
        "TaskInput": object(json!({
            "name": string(),
            "category": string(),
            "description": string(),
            "target_count": { "type": "integer", "minimum": 1, "maximum": 1000 },
        }), &["name", "category", "description", "target_count"]),
        "TaskIds": object(json!({ "task_ids": { "type": "array", "items": uuid() } }), &[]),
        "CarerIds": object(json!({ "carer_ids": { "type": "array", "items": uuid() } }), &[]),
        "AssignmentChange": object(json!({
            "added": { "type": "array", "items": string() },
            "removed": { "type": "array", "items": string() },
        }), &[]),
        "Progress": object(json!({
            "current": { "type": "integer", "minimum": 0 },
            "target": { "type": "integer", "minimum": 1 },
            "percent": { "type": "number", "minimum": 0, "maximum": 100 },
        }), &[]),
        "ProgressRow": object(json!({
            "task_id": uuid(),
            "name": string(),
            "category": string(),
            "progress": schema_ref("Progress"),
            "assigned": { "type": "boolean" },
            "last_logged": { "type": ["string", "null"], "description": "UK time, for people" },
            "rating": { "type": "string", "description": "The effective level, and a newer rating waiting or disputed" },
        }), &[]),
        "CarerProgress": object(json!({
            "carer": schema_ref("Named"),
            "rows": { "type": "array", "items": schema_ref("ProgressRow") },
            "overall_percent": { "type": ["number", "null"] },
        }), &[]),
        "TemplateSummary": object(json!({
            "id": uuid(),
            "title": string(),
            "version": { "type": "integer" },
            "items": { "type": "integer" },
            "tasks": { "type": "array", "items": string() },
        }), &[]),
        "TemplatePage": page_of("TemplateSummary"),
        "ItemForm": object(json!({
            "prompt": string(),
            "model_answer": { "type": "string", "description": "Knowledge and emergency items; assessors only" },
            "allows_not_applicable": { "type": "boolean", "description": "Practical skills only" },
        }), &["model_answer", "allows_not_applicable"]),
        "TemplateForm": object(json!({
            "title": string(),
            "description": string(),
            "knowledge_weight": { "type": "string", "description": "Percent; the three weights add up to 100" },
            "practical_weight": string(),
            "emergency_weight": string(),
            "score_scale_max": { "type": "string", "description": "Items are scored 0 to this (1–10)" },
            "thresholds": { "type": "array", "items": string(), "minItems": 4, "maxItems": 4,
                            "description": "Minimum percent for Advanced beginner, Competent, Proficient, Expert; blank leaves a level out" },
            "review_months": { "type": "string", "description": "Months until review; blank for none" },
            "knowledge": { "type": "array", "items": schema_ref("ItemForm") },
            "practical": { "type": "array", "items": schema_ref("ItemForm") },
            "emergency": { "type": "array", "items": schema_ref("ItemForm") },
        }), &["description", "review_months"]),
        "TemplateInput": object(json!({
            "form": schema_ref("TemplateForm"),
            "task_ids": { "type": "array", "items": uuid() },
        }), &[]),
        "CreatedId": object(json!({ "id": uuid() }), &[]),
        "AssessmentRow": object(json!({
            "id": uuid(),
            "carer": schema_ref("Named"),
            "title": string(),
            "version": { "type": "integer" },
            "status": { "enum": AssessmentStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>() },
            "ready_at": { "type": "string", "description": "UK time, for people" },
            "assessor": { "type": ["string", "null"] },
            "score": { "type": ["string", "null"], "description": "\"82.50 %\", once submitted" },
            "final_level": { "enum": levels_or_null.clone() },
        }), &[]),
        "AssessmentPage": page_of("AssessmentRow"),
        "Response": object(json!({
            "answer": string(),
            "score": { "type": ["integer", "null"], "minimum": 0 },
            "not_applicable": { "type": "boolean" },
        }), &[]),
        "ItemEdit": object(json!({
            "item_id": uuid(),
            "response": schema_ref("Response"),
            "base_revision": { "type": "integer", "description": "The revision this device last saw (0: none)" },
        }), &[]),
        "Judgement": object(json!({
            "final_level": { "type": "string", "description": "A competency level; blank while undecided (drafts only)" },
            "reason": { "type": "string", "description": "Required when the level differs from the suggestion" },
            "comments": { "type": "string", "description": "For the carer" },
        }), &[]),
        "ReviewEdit": object(json!({
            "form": schema_ref("Judgement"),
            "base_revision": { "type": "integer" },
        }), &[]),
        "DraftEdit": object(json!({
            "device_id": { "type": "string", "description": "1–64 characters naming this device" },
            "step": { "enum": Step::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>() },
            "items": { "type": "array", "items": schema_ref("ItemEdit") },
            "review": { "oneOf": [schema_ref("ReviewEdit"), { "type": "null" }] },
        }), &["review"]),
        "StoredResponse": object(json!({
            "item_id": uuid(),
            "response": schema_ref("Response"),
            "revision": { "type": "integer" },
            "updated_by": { "type": ["string", "null"] },
        }), &[]),
        "StoredReview": object(json!({
            "form": schema_ref("Judgement"),
            "revision": { "type": "integer" },
        }), &[]),
        "DraftState": object(json!({
            "items": { "type": "array", "items": schema_ref("StoredResponse") },
            "review": schema_ref("StoredReview"),
            "overwritten": { "type": "array", "items": string(),
                             "description": "What this save replaced that another device had changed since this one last looked" },
        }), &[]),
        "ConductItem": object(json!({
            "id": uuid(),
            "section": { "enum": ["KNOWLEDGE", "PRACTICAL", "EMERGENCY"] },
            "position": { "type": "integer", "minimum": 1 },
            "prompt": string(),
            "model_answer": { "type": ["string", "null"] },
            "rule": object(json!({
                "section": { "enum": ["KNOWLEDGE", "PRACTICAL", "EMERGENCY"] },
                "allows_not_applicable": { "type": "boolean" },
            }), &[]),
        }), &[]),
        "Evidence": object(json!({
            "file_id": uuid(),
            "name": string(),
            "size": string(),
            "caption": string(),
            "added_by": string(),
        }), &[]),
        "Outcome": object(json!({
            "score": string(),
            "suggested": { "enum": levels.clone() },
            "final_level": { "enum": levels.clone() },
            "reason": { "type": ["string", "null"] },
            "comments": string(),
            "approval_comments": { "type": ["string", "null"] },
        }), &[]),
        "ConductView": object(json!({
            "id": uuid(),
            "carer": schema_ref("Named"),
            "title": string(),
            "version": { "type": "integer" },
            "status": { "enum": AssessmentStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>() },
            "assessor": { "type": ["string", "null"] },
            "weights": object(json!({
                "knowledge": { "type": "integer" },
                "practical": { "type": "integer" },
                "emergency": { "type": "integer" },
            }), &[]),
            "scale_max": { "type": "integer", "minimum": 1, "maximum": 10 },
            "thresholds": { "type": "object", "additionalProperties": { "type": "integer" },
                            "description": "Minimum percent per level" },
            "tasks": { "type": "array", "items": string() },
            "items": { "type": "array", "items": schema_ref("ConductItem") },
            "step": { "enum": Step::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>() },
            "draft": schema_ref("DraftState"),
            "evidence": { "type": "array", "items": schema_ref("Evidence") },
            "approval_required": { "type": "boolean" },
            "may_approve": { "type": "boolean" },
            "returned_comments": { "type": ["string", "null"] },
            "outcome": { "oneOf": [schema_ref("Outcome"), { "type": "null" }] },
        }), &[]),
        "Submitted": object(json!({
            "status": { "enum": ["COMPLETED", "AWAITING_APPROVAL"] },
        }), &[]),
        "DisputeInput": object(json!({ "reason": string() }), &[]),
        "PendingRating": object(json!({
            "id": uuid(),
            "task": string(),
            "level": { "enum": levels.clone() },
            "title": { "type": ["string", "null"] },
            "assessment_id": { "type": ["string", "null"] },
            "rated_by": { "type": ["string", "null"] },
            "rated_at": string(),
            "comments": string(),
            "resolution": { "type": ["string", "null"] },
        }), &[]),
        "MyRating": object(json!({
            "task": string(),
            "level": { "enum": levels.clone() },
            "state": { "enum": states.clone() },
            "effective": { "enum": levels.clone() },
            "review_due": { "type": ["string", "null"] },
            "dispute_reason": { "type": ["string", "null"] },
        }), &[]),
        "RatingChange": object(json!({
            "task": string(),
            "level": { "enum": levels.clone() },
            "state": { "enum": states.clone() },
            "reason": { "type": ["string", "null"] },
            "by": { "type": ["string", "null"] },
            "at": string(),
        }), &[]),
        "CarerRatings": object(json!({
            "pending": { "type": "array", "items": schema_ref("PendingRating") },
            "ratings": { "type": "array", "items": schema_ref("MyRating") },
            "history": { "type": "array", "items": schema_ref("RatingChange") },
            "achievements": { "type": "array", "items": object(json!({ "what": string(), "when": string() }), &[]) },
        }), &[]),
        "TodayTask": object(json!({
            "task_id": uuid(),
            "name": string(),
            "category": string(),
            "description": string(),
            "logged_today": { "type": "integer" },
            "remaining_today": { "type": "integer" },
            "progress": schema_ref("Progress"),
            "packages": { "type": "array", "items": schema_ref("Named") },
        }), &[]),
        "Today": object(json!({
            "tasks": { "type": "array", "items": schema_ref("TodayTask") },
            "assigned": { "type": "integer" },
            "overall_percent": { "type": ["number", "null"] },
            "recent": { "type": "array", "items": schema_ref("RecentLog"), "description": "The latest logs, newest first" },
            "pending_confirmations": { "type": "integer", "minimum": 0, "description": "New ratings waiting for the carer to confirm" },
            "unread_notifications": { "type": "integer", "minimum": 0 },
        }), &[]),
        "RecentLog": object(json!({
            "task": string(),
            "count": { "type": "integer", "minimum": 1, "maximum": 100 },
            "when": { "type": "string", "description": "UK time, for people" },
            "offline": { "type": "boolean", "description": "Logged offline and sent later" },
        }), &[]),
        "CompletionInput": object(json!({
            "task_id": uuid(),
            "care_package_id": uuid(),
            "count": { "type": "integer", "minimum": 1, "maximum": 100 },
            "idempotency_key": { "type": "string", "format": "uuid", "description": "Made by the client for this log; send the same one when retrying" },
            "logged_at": { "type": "string", "format": "date-time", "description": "When it happened, for a log made offline (up to 7 days ago)" },
        }), &["logged_at"]),
        "LoggedPractice": object(json!({
            "task_id": uuid(),
            "logged_today": { "type": "integer", "minimum": 1, "maximum": 100 },
            "remaining_today": { "type": "integer", "minimum": 0, "maximum": 99 },
            "progress": schema_ref("Progress"),
            "assessment_ready": { "type": "boolean", "description": "An assessment covering this task is ready for the carer (this log completed the practice it needs)" },
        }), &[]),
        "JobsOverview": object(json!({
            "counts": { "type": "array", "items": schema_ref("QueueCount") },
            "failures": { "type": "array", "items": schema_ref("FailedJob") },
            "failures_total": { "type": "integer" },
            "page": { "type": "integer" },
        }), &[]),
    });
    let (Value::Object(mut all), Value::Object(rota)) = (schemas, rota_schemas()) else {
        unreachable!("schemas are objects")
    };
    all.extend(rota);
    Value::Object(all)
}
