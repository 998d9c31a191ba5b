//! The document's `components.schemas`, generated from the wire types themselves
//! (`schemars`): a route names the Rust type it answers or reads (`Reply::json::<T>()`),
//! and the type's schema, with every type it holds, is written here. Adding a field to a
//! wire type is one edit; its doc comment becomes its description.
//!
//! Answers and request bodies are described by two generators, because serde reads a
//! type more loosely than it writes it (a field with a default may be left out of a
//! request, yet is always in an answer). An answer's object lists exactly the fields it
//! has (`additionalProperties: false`); a body's tolerates others, as serde does. A type
//! used both ways whose two schemas differ is described twice, the body's as `…Input`
//! (`…Body` when its name already ends so).

use schemars::{JsonSchema, SchemaGenerator, generate::SchemaSettings};
use serde_json::{Map, Value, json};
use std::fmt;

/// Where the document keeps its named schemas.
const DEFINITIONS: &str = "/components/schemas";

/// A wire type's JSON Schema, written into the document as a route uses it.
#[derive(Clone, Copy)]
pub struct Schema(fn(&mut SchemaGenerator) -> schemars::Schema);

fn subschema<T: JsonSchema>(generator: &mut SchemaGenerator) -> schemars::Schema {
    generator.subschema_for::<T>()
}

impl Schema {
    pub const fn of<T: JsonSchema>() -> Self {
        Self(subschema::<T>)
    }
}

impl fmt::Debug for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Schema")
    }
}

/// The two generators, filled as the operations are written.
pub(super) struct Schemas {
    replies: SchemaGenerator,
    bodies: SchemaGenerator,
}

fn settings() -> SchemaSettings {
    SchemaSettings::draft2020_12().with(|s| {
        s.definitions_path = DEFINITIONS.into();
        s.meta_schema = None;
    })
}

impl Schemas {
    pub(super) fn new() -> Self {
        Self {
            replies: settings().for_serialize().into_generator(),
            bodies: settings().for_deserialize().into_generator(),
        }
    }

    /// The schema of an answer of this type.
    pub(super) fn reply(&mut self, schema: Schema) -> Value {
        let mut value = (schema.0)(&mut self.replies).to_value();
        close_objects(&mut value);
        value
    }

    /// The schema of a request body of this type (its references are settled by
    /// [`Schemas::components`], which may rename them).
    pub(super) fn body(&mut self, schema: Schema) -> Value {
        (schema.0)(&mut self.bodies).to_value()
    }

    /// Every named schema, and the renames to apply to the request bodies' references.
    pub(super) fn components(mut self) -> (Map<String, Value>, Vec<(String, String)>) {
        let mut all = self.replies.take_definitions(true);
        all.values_mut().for_each(close_objects);
        let bodies = self.bodies.take_definitions(true);
        let renamed: Vec<(String, String)> = bodies
            .iter()
            .filter(|(name, schema)| all.get(*name).is_some_and(|other| other != *schema))
            .map(|(name, _)| {
                let suffix = if name.ends_with("Input") {
                    "Body"
                } else {
                    "Input"
                };
                (name.clone(), format!("{name}{suffix}"))
            })
            .collect();
        for (name, mut schema) in bodies {
            rename_refs(&mut schema, &renamed);
            let name = renamed
                .iter()
                .find(|(from, _)| *from == name)
                .map_or(name, |(_, to)| to.clone());
            all.entry(name).or_insert(schema);
        }
        all.insert("Error".into(), error());
        (all, renamed)
    }
}

/// An answer has exactly the fields its type serializes.
fn close_objects(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            map.values_mut().for_each(close_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

/// Points references to a renamed body schema at its new name.
pub(super) fn rename_refs(schema: &mut Value, renamed: &[(String, String)]) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref")
                && let Some(name) = reference.strip_prefix(&format!("#{DEFINITIONS}/"))
                && let Some((_, to)) = renamed.iter().find(|(from, _)| from == name)
            {
                *reference = format!("#{DEFINITIONS}/{to}");
            }
            map.values_mut().for_each(|v| rename_refs(v, renamed));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, renamed)),
        _ => {}
    }
}

/// The one schema not of a Rust type: every refusal's body (`AppError`'s answer).
fn error() -> Value {
    let object = |properties: Value, required: &[&str]| {
        json!({ "type": "object", "properties": properties, "required": required,
                "additionalProperties": false })
    };
    object(
        json!({
            "error": object(json!({
                "code": { "type": "string", "examples": ["validation_failed", "unauthenticated", "forbidden", "not_found", "rate_limited"] },
                "message": { "type": "string" },
                "fields": { "type": "object", "additionalProperties": { "type": "string" },
                            "description": "Input name → what is wrong with it" },
                "remaining_today": { "type": "integer", "minimum": 0,
                            "description": "With `over_daily_cap`: what may still be logged today" },
            }), &["code", "message"]),
        }),
        &["error"],
    )
}
