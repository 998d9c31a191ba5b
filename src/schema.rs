//! JSON Schemas for what the wire carries in a shape of its own (feature `schemars`, turned
//! on by the server's build only): the OpenAPI document is generated from the wire types,
//! and these stand in for the `time` values they serialize as text. Use them with
//! `#[cfg_attr(feature = "schemars", schemars(with = "caretrack::schema::DateTime"))]`.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use std::borrow::Cow;

/// An instant as RFC 3339 text (`time::serde::rfc3339`).
pub struct DateTime;

impl JsonSchema for DateTime {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "DateTime".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "format": "date-time" })
    }
}

/// A calendar day as `YYYY-MM-DD` (`caretrack::days::wire`).
pub struct Date;

impl JsonSchema for Date {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "format": "date" })
    }
}
