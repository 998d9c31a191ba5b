//! The document itself: each route of the table as an operation (parameters, body,
//! answers, refusals), with the schemas they refer to.

use crate::api::{Access, ApiRoute};
use serde_json::{Map, Value, json};

use super::{Body, Reply, TAGS};
use crate::api::openapi::schemas::{Schemas, rename_refs};

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn json_content(schema: Value) -> Value {
    json!({ "application/json": { "schema": schema } })
}

fn error(description: &str) -> Value {
    json!({ "description": description, "content": json_content(schema_ref("Error")) })
}

fn operation(route: &ApiRoute, schemas: &mut Schemas) -> Value {
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
                json!({ "required": true, "content": json_content(schemas.body(schema)) }),
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
            json!({ "description": "OK", "content": json_content(schemas.reply(schema)) }),
        ),
        Reply::List(schema) => (
            "200",
            json!({ "description": "OK", "content": json_content(json!({ "type": "array", "items": schemas.reply(schema) })) }),
        ),
        Reply::Created(schema) => (
            "201",
            json!({ "description": "Created", "content": json_content(schemas.reply(schema)) }),
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

pub(super) fn path_parameters(path: &str) -> impl Iterator<Item = &str> {
    path.split('/')
        .filter_map(|part| part.strip_prefix('{')?.strip_suffix('}'))
}

/// The whole document for the given routes.
pub fn document(routes: &[ApiRoute]) -> Value {
    let mut schemas = Schemas::new();
    let mut paths = Map::new();
    for route in routes.iter().filter(|r| !r.doc.hidden) {
        let item = paths
            .entry(route.path)
            .or_insert_with(|| Value::Object(Map::new()));
        item[route.method.to_lowercase()] = operation(route, &mut schemas);
    }
    let (components, renamed) = schemas.components();
    for item in paths.values_mut() {
        for operation in item
            .as_object_mut()
            .into_iter()
            .flat_map(|ops| ops.values_mut())
        {
            if let Some(body) = operation.get_mut("requestBody") {
                rename_refs(body, &renamed);
            }
        }
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
            "schemas": components,
        },
    })
}
