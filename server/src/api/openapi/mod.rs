//! The OpenAPI 3.1 description of the REST surface, built from the same route table the
//! router is built from (`crate::api::api`): a route cannot be served without being described.
//! Swagger UI reads it at `/api/docs` (assets vendored under `public/vendor/swagger-ui`).

mod document;
mod schemas;

pub use document::document;
pub use schemas::Schema;

use schemars::JsonSchema;

use axum::{
    http::{HeaderValue, header},
    response::{Html, IntoResponse, Response},
};

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
    /// JSON of this type.
    Json(Schema),
    /// The raw bytes of a file.
    File,
}

impl Body {
    /// JSON read as a `T`.
    pub const fn json<T: JsonSchema>() -> Self {
        Self::Json(Schema::of::<T>())
    }
}

/// The answer when all goes well.
#[derive(Clone, Copy, Debug)]
pub enum Reply {
    /// 200 with JSON of this type.
    Json(Schema),
    /// 200 with a JSON array of this type.
    List(Schema),
    /// 201 with JSON of this type.
    Created(Schema),
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

impl Reply {
    /// 200 with a `T`.
    pub const fn json<T: JsonSchema>() -> Self {
        Self::Json(Schema::of::<T>())
    }

    /// 200 with a list of `T`.
    pub const fn list<T: JsonSchema>() -> Self {
        Self::List(Schema::of::<T>())
    }

    /// 201 with the created `T`.
    pub const fn created<T: JsonSchema>() -> Self {
        Self::Created(Schema::of::<T>())
    }
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

/// `GET /api/v1/openapi.json`.
pub async fn json() -> Response {
    axum::Json(document(&crate::api::table())).into_response()
}

/// The Swagger UI page's policy: its own scripts and styles only (Swagger UI sets inline
/// style attributes, so styles need `'unsafe-inline'`; scripts never do).
pub(super) const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
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

/// This feature's REST routes: who may call each, and its documentation (`crate::api::api`).
pub(super) fn routes(api: crate::api::Api) -> crate::api::Api {
    use crate::api::Access::Public;
    use axum::routing::get;
    api.route(
        "GET",
        "/api/v1/openapi.json",
        Public,
        get(json),
        Doc::new("", "This document", Reply::json::<serde_json::Value>()).hidden(),
    )
    .route(
        "GET",
        "/api/docs",
        Public,
        get(page),
        Doc::new("", "Swagger UI", Reply::Page).hidden(),
    )
}
