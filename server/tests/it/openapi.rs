//! The OpenAPI document describes what the router really serves: every route of the table
//! and nothing else, every `$ref` resolves, and real answers — successes and errors — have
//! a documented status and match the documented schema.

use crate::common;

use crate::common::TestResponse;
use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use caretrack::Role;
use serde_json::{Value, json};
use sqlx::{PgPool, types::Uuid};
use std::collections::BTreeSet;

const PASSWORD: &str = "a long and unusual passphrase";

/// Follows `#/components/schemas/X`.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let pointer = reference.strip_prefix('#').expect("local reference");
            doc.pointer(pointer)
                .unwrap_or_else(|| panic!("{reference} does not resolve"))
        }
        None => schema,
    }
}

fn type_matches(value: &Value, kind: &str) -> bool {
    match kind {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        other => panic!("unknown type {other}"),
    }
}

/// Checks `value` against the subset of JSON Schema the document uses.
fn conforms(doc: &Value, value: &Value, schema: &Value, at: &str) -> Result<(), String> {
    let schema = resolve(doc, schema);
    if let Some(options) = schema["oneOf"].as_array() {
        let matching = options
            .iter()
            .filter(|option| conforms(doc, value, option, at).is_ok())
            .count();
        return match matching {
            1 => Ok(()),
            n => Err(format!("{at}: {n} of oneOf match {value}")),
        };
    }
    if let Some(options) = schema["anyOf"].as_array()
        && !options
            .iter()
            .any(|option| conforms(doc, value, option, at).is_ok())
    {
        return Err(format!("{at}: none of anyOf match {value}"));
    }
    if let Some(constant) = schema.get("const")
        && value != constant
    {
        return Err(format!("{at}: {value} is not {constant}"));
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        return Err(format!("{at}: {value} not in {allowed:?}"));
    }
    match &schema["type"] {
        Value::String(kind) if !type_matches(value, kind) => {
            return Err(format!("{at}: {value} is not {kind}"));
        }
        Value::Array(kinds)
            if !kinds
                .iter()
                .any(|k| type_matches(value, k.as_str().unwrap())) =>
        {
            return Err(format!("{at}: {value} is none of {kinds:?}"));
        }
        _ => {}
    }
    if let (Some(format), Some(text)) = (schema["format"].as_str(), value.as_str()) {
        let ok = match format {
            "uuid" => text.parse::<Uuid>().is_ok(),
            "date-time" => {
                time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                    .is_ok()
            }
            "email" => text.contains('@'),
            "uri" => text.starts_with("http://") || text.starts_with("https://"),
            _ => true,
        };
        if !ok {
            return Err(format!("{at}: {text:?} is not a {format}"));
        }
    }
    if let Some(object) = value.as_object() {
        let properties = schema["properties"].as_object();
        for required in schema["required"].as_array().into_iter().flatten() {
            let name = required.as_str().unwrap();
            if !object.contains_key(name) {
                return Err(format!("{at}: missing {name} in {value}"));
            }
        }
        for (name, item) in object {
            match properties.and_then(|p| p.get(name)) {
                Some(property) => conforms(doc, item, property, &format!("{at}.{name}"))?,
                None => match &schema["additionalProperties"] {
                    Value::Bool(false) => {
                        return Err(format!("{at}: {name} is not documented"));
                    }
                    extra @ Value::Object(_) => {
                        conforms(doc, item, extra, &format!("{at}.{name}"))?
                    }
                    _ => {}
                },
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, item) in array.iter().enumerate() {
            conforms(doc, item, items, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

struct Api {
    router: Router,
    doc: Value,
    db: PgPool,
    auth: std::sync::Arc<app::auth::AuthConfig>,
}

impl Api {
    async fn new(db: PgPool) -> Self {
        let state = common::state_with(db.clone(), &common::redis_url());
        let auth = state.auth.clone();
        let router = server::startup::build_router(state);
        let response = common::get(router.clone(), "/api/v1/openapi.json").await;
        assert_eq!(response.status, StatusCode::OK);
        Self {
            doc: response.json(),
            router,
            db,
            auth,
        }
    }

    async fn user(&self, role: Role) -> String {
        let email = format!("openapi-{}@example.com", Uuid::new_v4().simple());
        sqlx::query(
            "insert into users (email, role, password_hash, email_verified_at)
             values ($1, $2::text::user_role, $3, now())",
        )
        .bind(&email)
        .bind(role.as_str())
        .bind(self.auth.hasher.hash_now(PASSWORD))
        .execute(&self.db)
        .await
        .unwrap();
        email
    }

    /// A new user of `role`, signed in: their access token.
    async fn login(&self, role: Role) -> String {
        let email = self.user(role).await;
        let path = "/api/v1/auth/login";
        let login = self
            .call(
                "POST",
                path,
                path,
                None,
                Some(json!({ "email": email, "password": PASSWORD })),
            )
            .await;
        login.json()["access_token"].as_str().unwrap().to_owned()
    }

    /// Sends the request and checks the answer against the operation `method path`.
    async fn call(
        &self,
        method: &str,
        path: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        }
        .unwrap();
        let response = common::send(self.router.clone(), request).await;

        let operation = &self.doc["paths"][path][method.to_lowercase()];
        assert!(operation.is_object(), "{method} {path} is not documented");
        let documented = &operation["responses"][response.status.as_str()];
        assert!(
            documented.is_object(),
            "{method} {uri} answered {} ({}), which is not documented",
            response.status,
            response.body
        );
        if let Some(schema) = documented.pointer("/content/application~1json/schema") {
            let value = response.json();
            if let Err(problem) = conforms(&self.doc, &value, schema, "$") {
                panic!("{method} {uri} → {}: {problem}", response.status);
            }
        }
        response
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_document_lists_exactly_the_routes_served(db: PgPool) {
    let api = Api::new(db).await;
    let doc = &api.doc;
    assert_eq!(doc["openapi"], "3.1.0");

    let served: BTreeSet<(String, String)> = server::api::table()
        .iter()
        .filter(|route| !route.doc.hidden)
        .map(|route| (route.method.to_lowercase(), route.path.to_owned()))
        .collect();
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |method| (method.clone(), path.clone()))
        })
        .collect();
    assert_eq!(served, documented);
    assert!(served.contains(&("post".into(), "/api/v1/auth/login".into())));

    // Every reference anywhere in the document resolves.
    fn walk(doc: &Value, value: &Value, count: &mut usize) {
        match value {
            Value::Object(map) => {
                if map.contains_key("$ref") {
                    resolve(doc, value);
                    *count += 1;
                }
                map.values().for_each(|v| walk(doc, v, count));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(doc, v, count)),
            _ => {}
        }
    }
    let mut references = 0;
    walk(doc, doc, &mut references);
    assert!(references > 20, "only {references} references");

    // Public routes say so; the rest need the bearer scheme the document declares.
    let login = &doc["paths"]["/api/v1/auth/login"]["post"];
    assert_eq!(login["security"], json!([]));
    assert!(doc["paths"]["/api/v1/me"]["get"].get("security").is_none());
    assert_eq!(doc["security"], json!([{ "bearer": [] }]));
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let ids: BTreeSet<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .map(|op| op["operationId"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), served.len(), "operation ids are unique");
    let tags: BTreeSet<&str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tag| tag["name"].as_str().unwrap())
        .collect();
    for op in doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
    {
        let tag = op["tags"][0].as_str().unwrap();
        assert!(
            tags.contains(tag),
            "{} has undeclared tag {tag}",
            op["operationId"]
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn real_answers_match_the_documented_schemas(db: PgPool) {
    let api = Api::new(db).await;
    let email = api.user(Role::Admin).await;

    // Errors first: each in the documented shape, with a documented status.
    let wrong = api
        .call(
            "POST",
            "/api/v1/auth/login",
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": email, "password": "wrong" })),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let incomplete = api
        .call(
            "POST",
            "/api/v1/auth/login",
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": email })),
        )
        .await;
    assert_eq!(incomplete.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(incomplete.json()["error"]["code"], "validation_failed");
    assert!(
        incomplete.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("password"),
        "{}",
        incomplete.body
    );
    let anonymous = api
        .call("GET", "/api/v1/me", "/api/v1/me", None, None)
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    // Signing in, and what a signed-in client then reads.
    let login = api
        .call(
            "POST",
            "/api/v1/auth/login",
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": email, "password": PASSWORD })),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    let tokens = login.json();
    let access = tokens["access_token"].as_str().unwrap();
    let me = api
        .call("GET", "/api/v1/me", "/api/v1/me", Some(access), None)
        .await;
    assert_eq!(me.json()["email"], email);
    let sessions = api
        .call(
            "GET",
            "/api/v1/me/sessions",
            "/api/v1/me/sessions",
            Some(access),
            None,
        )
        .await;
    assert_eq!(sessions.json().as_array().unwrap().len(), 1);
    let jobs = api
        .call(
            "GET",
            "/api/v1/admin/jobs",
            "/api/v1/admin/jobs?page=1",
            Some(access),
            None,
        )
        .await;
    assert_eq!(jobs.status, StatusCode::OK, "{}", jobs.body);
    let bad_page = api
        .call(
            "GET",
            "/api/v1/admin/jobs",
            "/api/v1/admin/jobs?page=first",
            Some(access),
            None,
        )
        .await;
    assert_eq!(bad_page.status, StatusCode::UNPROCESSABLE_ENTITY);
    for id in ["not-an-id", &Uuid::new_v4().to_string()] {
        let missing = api
            .call(
                "DELETE",
                "/api/v1/me/sessions/{id}",
                &format!("/api/v1/me/sessions/{id}"),
                Some(access),
                None,
            )
            .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{id}");
    }
    let carer = api.user(Role::Carer).await;
    let carer_login = api
        .call(
            "POST",
            "/api/v1/auth/login",
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": carer, "password": PASSWORD })),
        )
        .await;
    let forbidden = api
        .call(
            "GET",
            "/api/v1/admin/jobs",
            "/api/v1/admin/jobs",
            carer_login.json()["access_token"].as_str(),
            None,
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);

    let refreshed = api
        .call(
            "POST",
            "/api/v1/auth/refresh",
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": tokens["refresh_token"] })),
        )
        .await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.body);
    let new_access = refreshed.json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let logout = api
        .call(
            "POST",
            "/api/v1/auth/logout",
            "/api/v1/auth/logout",
            Some(&new_access),
            None,
        )
        .await;
    assert_eq!(logout.status, StatusCode::NO_CONTENT);
}

#[sqlx::test(migrations = "../migrations")]
async fn swagger_ui_is_served_with_its_own_strict_policy(db: PgPool) {
    let page = common::get(common::app(db), "/api/docs").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("/vendor/swagger-ui/swagger-ui-bundle.js")
    );
    assert!(!page.body.contains("<script>"), "no inline scripts");
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    let scripts = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"))
        .unwrap();
    assert_eq!(scripts, "script-src 'self'");
    assert!(csp.contains("frame-ancestors 'none'"));

    // The vendored assets are in the repository (served from the site root by the app).
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
    for asset in [
        "vendor/swagger-ui/swagger-ui-bundle.js",
        "vendor/swagger-ui/swagger-ui.css",
        "api-docs.js",
    ] {
        assert!(root.join(asset).is_file(), "{asset} is missing");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_assessment_journey_over_rest_answers_as_documented(db: PgPool) {
    let api = Api::new(db.clone()).await;
    let mut tokens = Vec::new();
    let mut ids = Vec::new();
    for role in [Role::Admin, Role::Assessor, Role::Carer, Role::Carer] {
        let email = api.user(role).await;
        let login = api
            .call(
                "POST",
                "/api/v1/auth/login",
                "/api/v1/auth/login",
                None,
                Some(json!({ "email": email, "password": PASSWORD })),
            )
            .await;
        tokens.push(login.json()["access_token"].as_str().unwrap().to_owned());
        ids.push(
            sqlx::query_scalar::<_, Uuid>("select id from users where email = $1")
                .bind(&email)
                .fetch_one(&db)
                .await
                .unwrap(),
        );
    }
    let (manager, assessor, carer, other) = (&tokens[0], &tokens[1], &tokens[2], &tokens[3]);
    let carer_id = ids[2];
    // A package with one task (target 1) the carer works at.
    let (package, task): (Uuid, Uuid) = sqlx::query_as(
        "with p as (insert into care_packages (name, postcode_district, client_name_enc, client_name_key_id, address_enc, address_key_id)
                    values ('Ash Court', 'M14', '\\x00', 'k', '\\x00', 'k') returning id),
              t as (insert into tasks (name, target_count) values ('Stoma care', 1) returning id),
              pt as (insert into package_tasks (package_id, task_id, assigned_at)
                     select p.id, t.id, now() - interval '1 hour' from p, t returning package_id, task_id),
              cp as (insert into carer_packages (carer_id, package_id, assigned_at)
                     select $1, id, now() - interval '1 hour' from p)
         select package_id, task_id from pt",
    )
    .bind(carer_id)
    .fetch_one(&db)
    .await
    .unwrap();

    let item = |prompt: &str| json!({ "prompt": prompt, "model_answer": "A model answer", "allows_not_applicable": false });
    let form = json!({
        "title": "Stoma care", "description": "",
        "knowledge_weight": "30", "practical_weight": "50", "emergency_weight": "20",
        "score_scale_max": "4", "thresholds": ["40", "60", "80", "95"], "review_months": "12",
        "knowledge": [item("Signs of a blocked stoma?")],
        "practical": [{ "prompt": "Changes the bag", "allows_not_applicable": true }],
        "emergency": [item("Bleeding that will not stop")],
    });
    let created = api
        .call(
            "POST",
            "/api/v1/assessment-templates",
            "/api/v1/assessment-templates",
            Some(manager),
            Some(json!({ "form": form, "task_ids": [task] })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let again = api
        .call(
            "POST",
            "/api/v1/assessment-templates",
            "/api/v1/assessment-templates",
            Some(manager),
            Some(json!({ "form": form, "task_ids": [task] })),
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "one template per task"
    );
    let list = api
        .call(
            "GET",
            "/api/v1/assessment-templates",
            "/api/v1/assessment-templates?page=1",
            Some(manager),
            None,
        )
        .await;
    assert_eq!(list.json()["total"], 1);

    // The carer's one completion makes it ready.
    let logged = api
        .call(
            "POST",
            "/api/v1/me/task-completions",
            "/api/v1/me/task-completions",
            Some(carer),
            Some(
                json!({ "task_id": task, "care_package_id": package, "count": 1,
                           "idempotency_key": Uuid::new_v4().to_string() }),
            ),
        )
        .await;
    assert_eq!(logged.json()["assessment_ready"], true, "{}", logged.body);
    let bad = api
        .call(
            "GET",
            "/api/v1/assessments",
            "/api/v1/assessments?state=someday",
            Some(assessor),
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ready = api
        .call(
            "GET",
            "/api/v1/assessments",
            "/api/v1/assessments?state=ready",
            Some(assessor),
            None,
        )
        .await;
    assert_eq!(ready.json()["total"], 1, "{}", ready.body);
    let id = ready.json()["items"][0]["id"].as_str().unwrap().to_owned();
    let path = |tail: &str| format!("/api/v1/assessments/{id}{tail}");

    let start = api
        .call(
            "POST",
            "/api/v1/assessments/{id}/start",
            &path("/start"),
            Some(assessor),
            None,
        )
        .await;
    assert_eq!(start.status, StatusCode::NO_CONTENT, "{}", start.body);
    let view = api
        .call(
            "GET",
            "/api/v1/assessments/{id}",
            &path(""),
            Some(assessor),
            None,
        )
        .await
        .json();
    let items: Vec<Value> = view["items"]
        .as_array()
        .unwrap()
        .iter()
        .zip([json!(3), Value::Null, json!(2)])
        .map(|(item, score)| {
            json!({
                "item_id": item["id"],
                "response": { "answer": "Seen", "score": score, "not_applicable": score.is_null() },
                "base_revision": 0,
            })
        })
        .collect();
    let draft = api
        .call(
            "POST",
            "/api/v1/assessments/{id}/draft",
            &path("/draft"),
            Some(assessor),
            Some(json!({ "device_id": "tablet", "step": "REVIEW", "items": items })),
        )
        .await;
    assert_eq!(draft.status, StatusCode::OK, "{}", draft.body);
    assert_eq!(draft.json()["items"].as_array().unwrap().len(), 3);
    // Knowledge 3/4 and emergency 2/4, practical not applicable: (30·.75 + 20·.5) / 50 = 65 %.
    let overridden = api
        .call(
            "POST",
            "/api/v1/assessments/{id}/submit",
            &path("/submit"),
            Some(assessor),
            Some(json!({ "final_level": "PROFICIENT", "reason": "", "comments": "" })),
        )
        .await;
    assert_eq!(overridden.status, StatusCode::UNPROCESSABLE_ENTITY);
    let submitted = api
        .call(
            "POST",
            "/api/v1/assessments/{id}/submit",
            &path("/submit"),
            Some(assessor),
            Some(json!({ "final_level": "COMPETENT", "reason": "", "comments": "Good" })),
        )
        .await;
    assert_eq!(
        submitted.json()["status"],
        "COMPLETED",
        "{}",
        submitted.body
    );

    // The carer reads their competencies and confirms; another carer cannot read them.
    let competencies = format!("/api/v1/carers/{carer_id}/competencies");
    let mine = api
        .call(
            "GET",
            "/api/v1/carers/{id}/competencies",
            &competencies,
            Some(carer),
            None,
        )
        .await
        .json();
    let rating = mine["pending"][0]["id"].as_str().unwrap().to_owned();
    let hidden = api
        .call(
            "GET",
            "/api/v1/carers/{id}/competencies",
            &competencies,
            Some(other),
            None,
        )
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let empty = api
        .call(
            "POST",
            "/api/v1/ratings/{id}/dispute",
            &format!("/api/v1/ratings/{rating}/dispute"),
            Some(carer),
            Some(json!({ "reason": " " })),
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let not_theirs = api
        .call(
            "POST",
            "/api/v1/ratings/{id}/confirm",
            &format!("/api/v1/ratings/{rating}/confirm"),
            Some(assessor),
            None,
        )
        .await;
    assert_eq!(not_theirs.status, StatusCode::FORBIDDEN);
    let confirmed = api
        .call(
            "POST",
            "/api/v1/ratings/{id}/confirm",
            &format!("/api/v1/ratings/{rating}/confirm"),
            Some(carer),
            None,
        )
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::NO_CONTENT,
        "{}",
        confirmed.body
    );
    let after = api
        .call(
            "GET",
            "/api/v1/carers/{id}/competencies",
            &competencies,
            Some(manager),
            None,
        )
        .await
        .json();
    assert_eq!(after["ratings"][0]["effective"], "COMPETENT");
    assert_eq!(after["ratings"][0]["state"], "CONFIRMED");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_rota_check_answers_what_the_engine_finds_without_saving_anything(db: PgPool) {
    use caretrack::rota::{
        Report,
        sample::{SampleSize, sample_rota},
        validate_rota,
    };
    let api = Api::new(db.clone()).await;
    let (manager, assessor, carer) = (
        api.login(Role::Admin).await,
        api.login(Role::Assessor).await,
        api.login(Role::Carer).await,
    );
    let path = "/api/v1/rota/check";
    let size = SampleSize {
        carers: 30,
        packages: 8,
        weeks: 2,
        history_weeks: 17,
    };
    let input = sample_rota(size, 3);
    let expected = Report::new(validate_rota(input.clone()).unwrap());
    assert!(
        expected.blocking > 0 && expected.warnings > 0,
        "the sample breaks rules of both kinds"
    );
    let body = serde_json::to_value(&input).unwrap();
    for token in [&manager, &assessor] {
        let answer = api
            .call("POST", path, path, Some(token), Some(body.clone()))
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        let report: Report = serde_json::from_str(&answer.body).unwrap();
        assert_eq!(report, expected);
    }
    let refused = api
        .call("POST", path, path, Some(&carer), Some(body.clone()))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let shifts: i64 = sqlx::query_scalar("select count(*) from shifts")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(shifts, 0, "a dry run stores nothing");

    // Bad input: a 422 naming the part at fault, and why.
    let mut backwards = body.clone();
    backwards["shifts"][0]["end"] = backwards["shifts"][0]["start"].clone();
    let mut switched_off = body.clone();
    switched_off["settings"] = json!({ "switches": { "wtr_daily_rest": { "enabled": false, "severity": "ERROR", "overridable": false } } });
    let mut no_such_rule = body.clone();
    no_such_rule["settings"] = json!({ "switches": { "four_day_week": { "enabled": true, "severity": "ERROR", "overridable": false } } });
    for (bad, field, says) in [
        (backwards, "shifts", "ends before it starts"),
        (switched_off, "settings", "cannot be switched off"),
        (no_such_rule, "body", "four_day_week"),
        (json!({ "carers": [] }), "body", "packages"),
    ] {
        let answer = api
            .call("POST", path, path, Some(&manager), Some(bad))
            .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            answer.body
        );
        let message = answer.json()["error"]["fields"][field]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(message.contains(says), "{field}: {}", answer.body);
    }
}

/// The shift sender and the carer's rota over REST, each answer as documented: a shift
/// goes out, a carer confirms interest (once), the manager sees the rule check and
/// selects, the shift is on the carer's rota, in their calendar feed while the link
/// lives, and "who can cover?" answers for the package.
#[sqlx::test(migrations = "../migrations")]
async fn the_shift_sender_and_the_carers_rota_over_rest_answer_as_documented(db: PgPool) {
    let api = Api::new(db.clone()).await;
    let (manager, carer_token) = (api.login(Role::Admin).await, api.login(Role::Carer).await);
    let carer: Uuid = sqlx::query_scalar("select id from users where role = 'CARER'")
        .fetch_one(&db)
        .await
        .unwrap();
    // A package with no tasks: any carer is competent there.
    let package = common::package(&db, "Birch Lodge").await;
    // In three days' time (the calendar feed looks six months ahead), 08:00 UTC.
    let (shift, day): (Uuid, time::Date) = sqlx::query_as(
        "insert into shifts (package_id, starts_at, ends_at, shift_type, break_minutes)
         values ($1, date_trunc('day', now() at time zone 'UTC') at time zone 'UTC' + interval '3 days 8 hours',
                     date_trunc('day', now() at time zone 'UTC') at time zone 'UTC' + interval '3 days 20 hours', 'DAY', 30)
         returning id, (starts_at at time zone 'UTC')::date",
    )
    .bind(package)
    .fetch_one(&db)
    .await
    .unwrap();
    let ymd = |d: time::Date| format!("{}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());

    let send = "/api/v1/shifts/{id}/send-out";
    let sent = api
        .call(
            "POST",
            send,
            &send.replace("{id}", &shift.to_string()),
            Some(&manager),
            Some(json!({ "competent_only": false, "note": "Cover for leave" })),
        )
        .await;
    assert_eq!(sent.status, StatusCode::NO_CONTENT, "{}", sent.body);
    let open = api
        .call(
            "GET",
            "/api/v1/shifts/open",
            "/api/v1/shifts/open",
            Some(&manager),
            None,
        )
        .await;
    assert_eq!(open.json()["items"][0]["shift_id"], shift.to_string());
    let available = "/api/v1/me/shifts/available";
    let offered = api
        .call("GET", available, available, Some(&carer_token), None)
        .await;
    assert_eq!(offered.json()["items"][0]["note"], "Cover for leave");

    let interest = "/api/v1/shifts/{id}/interest";
    let uri = interest.replace("{id}", &shift.to_string());
    let first = api
        .call("POST", interest, &uri, Some(&carer_token), None)
        .await;
    assert_eq!(first.status, StatusCode::NO_CONTENT, "{}", first.body);
    let again = api
        .call("POST", interest, &uri, Some(&carer_token), None)
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let mine = "/api/v1/me/shift-applications";
    let applied = api.call("GET", mine, mine, Some(&carer_token), None).await;
    assert_eq!(applied.json()["items"][0]["status"], "INTERESTED");

    let applications = "/api/v1/shifts/{id}/applications";
    let found = api
        .call(
            "GET",
            applications,
            &applications.replace("{id}", &shift.to_string()),
            Some(&manager),
            None,
        )
        .await;
    assert_eq!(
        found.json()["applicants"][0]["blocked"],
        false,
        "{}",
        found.body
    );
    let decisions = "/api/v1/shifts/{id}/decisions";
    let selected = api
        .call(
            "POST",
            decisions,
            &decisions.replace("{id}", &shift.to_string()),
            Some(&manager),
            Some(json!({ "carer_id": carer, "decision": "select" })),
        )
        .await;
    assert_eq!(selected.status, StatusCode::NO_CONTENT, "{}", selected.body);

    let rota = "/api/v1/me/rota";
    let on = api
        .call(
            "GET",
            rota,
            &format!(
                "/api/v1/me/rota?from={}&to={}",
                ymd(day),
                ymd(day + time::Duration::days(1))
            ),
            Some(&carer_token),
            None,
        )
        .await;
    assert_eq!(on.json()[0]["shift_id"], shift.to_string(), "{}", on.body);
    assert_eq!(on.json()[0]["date"], ymd(day));
    let too_long = api
        .call(
            "GET",
            rota,
            "/api/v1/me/rota?from=2031-01-01&to=2032-01-01",
            Some(&carer_token),
            None,
        )
        .await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);

    let cover = "/api/v1/rota/{id}/cover";
    let ranked = api
        .call(
            "GET",
            cover,
            &format!("/api/v1/rota/{package}/cover?slot={shift}"),
            Some(&manager),
            None,
        )
        .await;
    assert_eq!(ranked.status, StatusCode::OK, "{}", ranked.body);
    assert_eq!(ranked.json()["shift_id"], shift.to_string());

    // The week as a spreadsheet: Sam's name on the grid and in the list of shifts.
    let monday = day - time::Duration::days(i64::from(day.weekday().number_days_from_monday()));
    let export = "/api/v1/rota/{id}/week.xlsx";
    let xlsx = api
        .call(
            "GET",
            export,
            &format!("/api/v1/rota/{package}/week.xlsx?week={}", ymd(monday)),
            Some(&manager),
            None,
        )
        .await;
    assert_eq!(xlsx.status, StatusCode::OK, "{}", xlsx.body);
    let mut book =
        zip::ZipArchive::new(std::io::Cursor::new(xlsx.bytes.clone())).expect("an xlsx is a zip");
    let mut strings = String::new();
    std::io::Read::read_to_string(
        &mut book.by_name("xl/sharedStrings.xml").unwrap(),
        &mut strings,
    )
    .unwrap();
    assert!(strings.contains("Birch Lodge — week of"), "{strings}");
    let carer_name: String = sqlx::query_scalar("select person_name($1)")
        .bind(carer)
        .fetch_one(&db)
        .await
        .unwrap();
    assert!(strings.contains(&carer_name), "{carer_name} in {strings}");
    let refused = api
        .call(
            "GET",
            export,
            &format!("/api/v1/rota/{package}/week.xlsx?week={}", ymd(monday)),
            Some(&carer_token),
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // The calendar feed: the secret link is the credential.
    let token = "a-secret-calendar-token";
    sqlx::query("insert into calendar_feeds (user_id, token_hash) values ($1, $2)")
        .bind(carer)
        .bind(&app::auth::tokens::hash_token(token)[..])
        .execute(&db)
        .await
        .unwrap();
    let feed = "/api/v1/calendar/{file}";
    let uri = format!("/api/v1/calendar/{token}.ics");
    let ics = api.call("GET", feed, &uri, None, None).await;
    assert_eq!(ics.status, StatusCode::OK);
    assert!(ics.body.contains("BEGIN:VEVENT"), "{}", ics.body);
    let unfolded = ics.body.replace("\r\n ", "");
    assert!(unfolded.contains(&format!("UID:{shift}-{carer}@caretrack")));
    assert!(
        ics.body
            .contains(&format!("DTSTART:{}T080000Z", ymd(day).replace('-', "")))
    );
    sqlx::query("delete from calendar_feeds")
        .execute(&db)
        .await
        .unwrap();
    let gone = api.call("GET", feed, &uri, None, None).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

/// The editor's services over REST, as documented: a week loads with its slots, a draft
/// saved on an old revision is a 409, publishing puts the carer on the rota, and the
/// package's shift times are read and changed (a break as long as the shift refused).
#[sqlx::test(migrations = "../migrations")]
async fn a_week_is_drafted_and_published_over_rest(db: PgPool) {
    let api = Api::new(db.clone()).await;
    let manager = api.login(Role::Admin).await;
    let _carer_token = api.login(Role::Carer).await;
    let carer: Uuid = sqlx::query_scalar("select id from users where role = 'CARER'")
        .fetch_one(&db)
        .await
        .unwrap();
    let package = common::package(&db, "Ash House").await;
    sqlx::query("insert into carer_packages (carer_id, package_id) values ($1, $2)")
        .bind(carer)
        .bind(package)
        .execute(&db)
        .await
        .unwrap();

    let path = "/api/v1/rota/{id}";
    let week = api
        .call(
            "GET",
            path,
            &format!("/api/v1/rota/{package}?week=2031-03-03"),
            Some(&manager),
            None,
        )
        .await;
    assert_eq!(week.status, StatusCode::OK, "{}", week.body);
    let week = week.json();
    assert_eq!(week["slots"].as_array().unwrap().len(), 14);
    assert_eq!(week["revision"], 0);
    let monday_day = week["slots"][0]["shift_id"].clone();

    let draft = "/api/v1/rota/{id}/draft";
    let uri = format!("/api/v1/rota/{package}/draft");
    let body = json!({ "week": "2031-03-03", "base_revision": 0,
                       "assignments": [{ "shift_id": monday_day, "carer_ids": [carer] }] });
    let saved = api
        .call("PUT", draft, &uri, Some(&manager), Some(body.clone()))
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.json()["revision"], 1);
    assert_eq!(saved.json()["report"]["blocking"], 0, "{}", saved.body);
    let stale = api
        .call("PUT", draft, &uri, Some(&manager), Some(body))
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);

    let publish = "/api/v1/rota/{id}/publish";
    let published = api
        .call(
            "POST",
            publish,
            &format!("/api/v1/rota/{package}/publish"),
            Some(&manager),
            Some(json!({ "week": "2031-03-03", "revision": 1 })),
        )
        .await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.body);
    assert_eq!(published.json()["added"], 1);
    let on: i64 = sqlx::query_scalar("select count(*) from rota_entries where carer_id = $1")
        .bind(carer)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(on, 1);

    let slots = "/api/v1/rota/{id}/slots";
    let uri = format!("/api/v1/rota/{package}/slots");
    let current = api.call("GET", slots, &uri, Some(&manager), None).await;
    assert_eq!(current.json()["day_starts"], "08:00");
    let mut form = current.json();
    form["day_break_minutes"] = json!("720");
    let refused = api
        .call("PUT", slots, &uri, Some(&manager), Some(form.clone()))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.json()["error"]["fields"]["day_break_minutes"].is_string(),
        "{}",
        refused.body
    );
    form["day_break_minutes"] = json!("45");
    let changed = api
        .call("PUT", slots, &uri, Some(&manager), Some(form))
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(changed.json()["slots"]["day_break_minutes"], "45");
}
