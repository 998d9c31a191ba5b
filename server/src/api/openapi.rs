//! The OpenAPI 3.1 description of the REST surface, built from the same route table the
//! router is built from (`super::api`): a route cannot be served without being described.
//! Swagger UI reads it at `/api/docs` (assets vendored under `public/vendor/swagger-ui`).

use super::{Access, ApiRoute};
use axum::{
    http::{HeaderValue, header},
    response::{Html, IntoResponse, Response},
};
use serde_json::{Map, Value, json};

pub const AUTH: &str = "Sign-in and sessions";
pub const FILES: &str = "Files";
pub const ADMIN: &str = "Administration";
pub const CARE: &str = "Care packages and tasks";
pub const PRACTICE: &str = "Daily practice and progress";
pub const ASSESSMENTS: &str = "Assessments and ratings";
pub const ROTA: &str = "Rota";
pub const SHIFTS: &str = "Shift sender";

/// The groups of operations, in the order the documentation shows them.
const TAGS: [(&str, &str); 8] = [
    (
        AUTH,
        "Tokens for API clients: sign in (with a second step when 2FA is on), refresh, sign out, your devices",
    ),
    (
        CARE,
        "Clients and their homes, care activities with target counts, and who does what where",
    ),
    (
        PRACTICE,
        "Carers log completions (1–100 per task per London day, idempotent); progress is global per carer and task",
    ),
    (
        ASSESSMENTS,
        "Templates, the assessments practice makes ready, the conductor's draft and submission, and carers confirming or disputing their ratings",
    ),
    (
        ROTA,
        "The rules engine (a dry run of any rota against the provider's rules and the Working Time Regulations), who can cover a shift, a carer's own rota and its calendar feed",
    ),
    (
        SHIFTS,
        "Shifts sent out to carers: eligible carers confirm interest, a manager selects with each applicant's rule check",
    ),
    (
        FILES,
        "Uploads are checked by content and virus-scanned; downloads go through short-lived links",
    ),
    (
        ADMIN,
        "For care managers: the audit log and the background job queue",
    ),
];

/// A request body.
#[derive(Clone, Copy, Debug)]
pub enum Body {
    None,
    /// JSON matching the named schema in `components.schemas`.
    Json(&'static str),
    /// The raw bytes of a file.
    File,
}

/// The answer when all goes well.
#[derive(Clone, Copy, Debug)]
pub enum Reply {
    /// 200 with JSON matching the named schema.
    Json(&'static str),
    /// 200 with a JSON array of the named schema.
    List(&'static str),
    /// 201 with JSON matching the named schema.
    Created(&'static str),
    NoContent,
    /// 303 to a short-lived download link.
    Redirect,
    /// 200 with a CSV document.
    Csv,
    /// 200 with a web page.
    Page,
    /// 200 with an iCalendar document.
    Calendar,
    /// 200 with an xlsx workbook, as a download.
    Spreadsheet,
}

/// A query-string parameter (always a string or integer, never required unless said).
#[derive(Clone, Copy, Debug)]
pub struct Query {
    pub name: &'static str,
    pub kind: &'static str,
    pub required: bool,
    pub description: &'static str,
}

/// What the document says about one route beyond its method, path and access.
#[derive(Clone, Copy, Debug)]
pub struct Doc {
    pub tag: &'static str,
    pub summary: &'static str,
    pub body: Body,
    pub query: &'static [Query],
    pub reply: Reply,
    /// Why a public route may answer 401 (wrong credentials, an unknown token).
    pub refused: Option<&'static str>,
    /// When the route answers 409 (the change clashes with the record's state).
    pub conflict: Option<&'static str>,
    /// Left out of the document (the document itself and the page that shows it).
    pub hidden: bool,
}

impl Doc {
    pub const fn new(tag: &'static str, summary: &'static str, reply: Reply) -> Self {
        Self {
            tag,
            summary,
            body: Body::None,
            query: &[],
            reply,
            refused: None,
            conflict: None,
            hidden: false,
        }
    }

    pub const fn body(mut self, body: Body) -> Self {
        self.body = body;
        self
    }

    pub const fn query(mut self, query: &'static [Query]) -> Self {
        self.query = query;
        self
    }

    pub const fn refused(mut self, why: &'static str) -> Self {
        self.refused = Some(why);
        self
    }

    pub const fn conflict(mut self, why: &'static str) -> Self {
        self.conflict = Some(why);
        self
    }

    pub const fn hidden(mut self) -> Self {
        self.hidden = true;
        self
    }
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn json_content(schema: Value) -> Value {
    json!({ "application/json": { "schema": schema } })
}

fn error(description: &str) -> Value {
    json!({ "description": description, "content": json_content(schema_ref("Error")) })
}

fn operation(route: &ApiRoute) -> Value {
    let doc = route.doc;
    let mut op = Map::new();
    op.insert("tags".into(), json!([doc.tag]));
    op.insert("summary".into(), json!(doc.summary));
    // GET /api/v1/me/sessions → get_api_v1_me_sessions: unique and stable.
    let id: String = format!("{}{}", route.method.to_lowercase(), route.path)
        .chars()
        .filter(|c| !matches!(c, '{' | '}'))
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    op.insert("operationId".into(), json!(id));

    let mut parameters: Vec<Value> = path_parameters(route.path)
        .map(|name| {
            json!({ "name": name, "in": "path", "required": true,
                    "schema": { "type": "string", "format": "uuid" } })
        })
        .collect();
    parameters.extend(doc.query.iter().map(|q| {
        json!({ "name": q.name, "in": "query", "required": q.required,
                "description": q.description, "schema": { "type": q.kind } })
    }));
    if !parameters.is_empty() {
        op.insert("parameters".into(), Value::Array(parameters));
    }

    match doc.body {
        Body::None => {}
        Body::Json(schema) => {
            op.insert(
                "requestBody".into(),
                json!({ "required": true, "content": json_content(schema_ref(schema)) }),
            );
        }
        Body::File => {
            op.insert(
                "requestBody".into(),
                json!({ "required": true, "content": { "application/octet-stream": {
                    "schema": { "type": "string", "format": "binary" } } } }),
            );
        }
    }

    let mut responses = Map::new();
    let (status, ok) = match doc.reply {
        Reply::Json(schema) => (
            "200",
            json!({ "description": "OK", "content": json_content(schema_ref(schema)) }),
        ),
        Reply::List(schema) => (
            "200",
            json!({ "description": "OK", "content": json_content(json!({ "type": "array", "items": schema_ref(schema) })) }),
        ),
        Reply::Created(schema) => (
            "201",
            json!({ "description": "Created", "content": json_content(schema_ref(schema)) }),
        ),
        Reply::NoContent => ("204", json!({ "description": "Done" })),
        Reply::Redirect => (
            "303",
            json!({ "description": "See the short-lived download link in `Location`",
                    "headers": { "Location": { "schema": { "type": "string", "format": "uri" } } } }),
        ),
        Reply::Csv => (
            "200",
            json!({ "description": "CSV, streamed", "content": { "text/csv": { "schema": { "type": "string" } } } }),
        ),
        Reply::Page => (
            "200",
            json!({ "description": "HTML", "content": { "text/html": { "schema": { "type": "string" } } } }),
        ),
        Reply::Spreadsheet => (
            "200",
            json!({ "description": "An Excel workbook (xlsx), as an attachment",
                    "content": { "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { "schema": { "type": "string", "format": "binary" } } } }),
        ),
        Reply::Calendar => (
            "200",
            json!({ "description": "iCalendar (RFC 5545)", "content": { "text/calendar": { "schema": { "type": "string" } } } }),
        ),
    };
    responses.insert(status.into(), ok);
    if !matches!(doc.body, Body::None) || !doc.query.is_empty() {
        responses.insert(
            "422".into(),
            error("Invalid input; `fields` names what to correct"),
        );
    }
    match route.access {
        Access::Public => {
            op.insert("security".into(), json!([]));
            if let Some(why) = doc.refused {
                responses.insert("401".into(), error(why));
            }
        }
        Access::SignedIn => {
            responses.insert(
                "401".into(),
                error("Not signed in, or the session has ended"),
            );
        }
        Access::Permission(permission) => {
            responses.insert(
                "401".into(),
                error("Not signed in, or the session has ended"),
            );
            responses.insert(
                "403".into(),
                error(&format!("Needs the {} permission", permission.as_str())),
            );
        }
    }
    if route.path.contains('{') {
        responses.insert("404".into(), error("Not found (or not yours)"));
    }
    if let Some(why) = doc.conflict {
        responses.insert("409".into(), error(why));
    }
    responses.insert("429".into(), error("Too many requests; see `Retry-After`"));
    op.insert("responses".into(), Value::Object(responses));
    Value::Object(op)
}

fn path_parameters(path: &str) -> impl Iterator<Item = &str> {
    path.split('/')
        .filter_map(|part| part.strip_prefix('{')?.strip_suffix('}'))
}

/// The whole document for the given routes.
pub fn document(routes: &[ApiRoute]) -> Value {
    let mut paths = Map::new();
    for route in routes.iter().filter(|r| !r.doc.hidden) {
        let item = paths
            .entry(route.path)
            .or_insert_with(|| Value::Object(Map::new()));
        item[route.method.to_lowercase()] = operation(route);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "CareTrack Pro API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "For integrations. Sign in with `POST /api/v1/auth/login` and send \
                `Authorization: Bearer <access_token>`; refresh before `expires_in` runs out. \
                Errors are `{error: {code, message, fields?}}`.",
        },
        "servers": [{ "url": "/" }],
        "tags": TAGS.iter().map(|(name, description)| json!({ "name": name, "description": description })).collect::<Vec<_>>(),
        "security": [{ "bearer": [] }],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT" },
            },
            "schemas": schemas(),
        },
    })
}

fn string() -> Value {
    json!({ "type": "string" })
}

fn uuid() -> Value {
    json!({ "type": "string", "format": "uuid" })
}

fn date_time() -> Value {
    json!({ "type": "string", "format": "date-time" })
}

/// An object with exactly these properties, all required unless listed in `optional`.
fn object(properties: Value, optional: &[&str]) -> Value {
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
fn page_of(item: &str) -> Value {
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

fn schemas() -> Value {
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

const APPLICATION_STATUSES: [&str; 4] = ["INTERESTED", "SELECTED", "REJECTED", "WITHDRAWN"];

/// The rules engine's input and answer (`caretrack::rota`), and the rota's services.
fn rota_schemas() -> Value {
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

/// `GET /api/v1/openapi.json`.
pub async fn json() -> Response {
    axum::Json(document(&super::table())).into_response()
}

/// The Swagger UI page's policy: its own scripts and styles only (Swagger UI sets inline
/// style attributes, so styles need `'unsafe-inline'`; scripts never do).
const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// `GET /api/docs`: Swagger UI over the document.
pub async fn page() -> Response {
    let mut response = Html(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CareTrack Pro API</title>
<link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/api-docs.js"></script>
</body>
</html>
"#,
    )
    .into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DOCS_CSP),
    );
    response
}

/// This feature's REST routes: who may call each, and its documentation (`super::api`).
pub(super) fn routes(api: super::Api) -> super::Api {
    use super::Access::Public;
    use axum::routing::get;
    api.route(
        "GET",
        "/api/v1/openapi.json",
        Public,
        get(json),
        Doc::new("", "This document", Reply::Json("")).hidden(),
    )
    .route(
        "GET",
        "/api/docs",
        Public,
        get(page),
        Doc::new("", "Swagger UI", Reply::Page).hidden(),
    )
}
