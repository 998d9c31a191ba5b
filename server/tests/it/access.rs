//! Every route and server function, for a visitor and for each role, against the access
//! it declares. The lists come from the application itself — the REST table the router
//! is built from, the registered server functions, the page routes — so a new route
//! without an entry here fails this test.

use crate::common;

use app::auth::{RequestMeta, sessions};
use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use caretrack::{Role, permissions::Permission as P};
use server::api::{Access, table};
use sqlx::{PgPool, types::Uuid};
use std::collections::BTreeMap;

fn needs(permission: P) -> Access {
    Access::Permission(permission)
}

/// What each server function needs, and arguments good enough to get past decoding.
fn server_functions() -> BTreeMap<&'static str, (Access, String)> {
    use Access::{Public, SignedIn};
    let nil = "00000000-0000-4000-8000-000000000000";
    let id = "id=00000000-0000-4000-8000-000000000000";
    BTreeMap::from([
        ("/api/system_status", (Public, "".to_owned())),
        ("/api/whoami", (Public, "".to_owned())),
        (
            "/api/sign_in",
            (
                Public,
                // A new address each run: failures slow later attempts at the same one.
                format!(
                    "email=nobody-{}%40example.com&password=wrong",
                    Uuid::new_v4().simple()
                ),
            ),
        ),
        (
            "/api/sign_in_second_step",
            (Public, "mfa_token=x&code=123456".to_owned()),
        ),
        ("/api/sign_out", (Public, "".to_owned())),
        (
            "/api/invitation_for",
            (Public, "token=no-such-token".to_owned()),
        ),
        (
            "/api/accept_invitation",
            (
                Public,
                "token=x&first_name=A&last_name=B&phone=&password=p&password_again=p".to_owned(),
            ),
        ),
        (
            "/api/request_password_reset",
            (
                Public,
                format!("email=nobody-{}%40example.com", Uuid::new_v4().simple()),
            ),
        ),
        (
            "/api/reset_password",
            (Public, "token=x&password=p&password_again=p".to_owned()),
        ),
        ("/api/confirm_email_change", (Public, "token=x".to_owned())),
        (
            "/api/change_password",
            (
                SignedIn,
                "current_password=x&password=y&password_again=y".to_owned(),
            ),
        ),
        (
            "/api/request_email_change",
            (
                SignedIn,
                "new_email=new%40example.com&current_password=x".to_owned(),
            ),
        ),
        ("/api/my_devices", (SignedIn, "".to_owned())),
        ("/api/my_notifications", (SignedIn, "page=1&unread_only=false".to_owned())),
        ("/api/unread_notifications", (Public, "".to_owned())),
        ("/api/mark_notification_read", (SignedIn, id.to_owned())),
        ("/api/mark_all_notifications_read", (SignedIn, "".to_owned())),
        ("/api/notification_choices", (SignedIn, "".to_owned())),
        (
            "/api/save_notification_choices",
            (SignedIn, r#"{"choices":[]}"#.to_owned()),
        ),
        ("/api/who_is_online", (needs(P::ViewUsers), "".to_owned())),
        ("/api/push_public_key", (SignedIn, "".to_owned())),
        (
            "/api/subscribe_push",
            (
                SignedIn,
                r#"{"subscription":{"endpoint":"x","p256dh":"x","auth":"x"}}"#.to_owned(),
            ),
        ),
        ("/api/unsubscribe_push", (SignedIn, "endpoint=x".to_owned())),
        ("/api/sign_out_device", (SignedIn, id.to_owned())),
        ("/api/two_factor_status", (SignedIn, "".to_owned())),
        ("/api/start_two_factor", (SignedIn, "".to_owned())),
        (
            "/api/confirm_two_factor",
            (SignedIn, "code=000000".to_owned()),
        ),
        (
            "/api/disable_two_factor",
            (SignedIn, "current_password=x&code=000000".to_owned()),
        ),
        ("/api/care_packages", (needs(P::ViewCare), "search=&page=1".to_owned())),
        ("/api/care_package", (needs(P::ViewCare), id.to_owned())),
        (
            "/api/save_care_package",
            (
                needs(P::ManageCare),
                "name=&postcode_district=&client_name=&address=".to_owned(),
            ),
        ),
        ("/api/delete_care_package", (needs(P::ManageCare), id.to_owned())),
        ("/api/tasks", (needs(P::ViewCare), "search=&page=1".to_owned())),
        (
            "/api/save_task",
            (
                needs(P::ManageCare),
                "name=&category=&description=&target_count=".to_owned(),
            ),
        ),
        ("/api/delete_task", (needs(P::ManageCare), id.to_owned())),
        ("/api/today", (needs(P::LogPractice), "".to_owned())),
        ("/api/dashboard", (needs(P::ManageCare), "".to_owned())),
        (
            "/api/recycle_bin",
            (needs(P::ManageRecycleBin), "kind=Task&page=1".to_owned()),
        ),
        ("/api/recycle_bin_counts", (needs(P::ManageRecycleBin), "".to_owned())),
        (
            "/api/recycle_bin_restore",
            (needs(P::ManageRecycleBin), format!("kind=Task&ids[0]={nil}")),
        ),
        (
            "/api/recycle_bin_purge",
            (needs(P::ManageRecycleBin), format!("kind=Task&ids[0]={nil}")),
        ),
        ("/api/task_choices", (needs(P::ManageCare), "".to_owned())),
        ("/api/reports_list", (needs(P::ViewReports), "page=1".to_owned())),
        ("/api/reports_choices", (needs(P::ViewReports), "".to_owned())),
        (
            "/api/reports_request",
            (
                needs(P::ViewReports),
                r#"{"request":{"kind":"COMPLIANCE","from":"2026-11-30","to":"2026-11-01"}}"#
                    .to_owned(),
            ),
        ),
        ("/api/reports_link", (needs(P::ViewReports), id.to_owned())),
        (
            "/api/reports_archive",
            (needs(P::ArchiveReports), format!("{id}&keep=true")),
        ),
        ("/api/analytics_progress", (needs(P::ViewReports), "page=1".to_owned())),
        ("/api/analytics_coverage", (needs(P::ViewReports), "page=1".to_owned())),
        (
            "/api/analytics_hours",
            (
                needs(P::ViewReports),
                "from=2026-11-01&to=2026-11-28&page=1".to_owned(),
            ),
        ),
        ("/api/analytics_assessments", (needs(P::ViewReports), "".to_owned())),
        ("/api/carer_choices", (needs(P::ViewProgress), "".to_owned())),
        (
            "/api/reset_progress",
            (needs(P::ResetProgress), format!("carer={nil}&task={nil}&reason=x")),
        ),
        (
            "/api/log_practice",
            (
                needs(P::LogPractice),
                format!("task_id={nil}&care_package_id={nil}&count=1&idempotency_key={nil}"),
            ),
        ),
        (
            "/api/sync_practice",
            (needs(P::LogPractice), r#"{"logs":[]}"#.to_owned()),
        ),
        ("/api/carer_progress", (needs(P::ViewProgress), format!("carer={nil}"))),
        (
            "/api/set_package_tasks",
            (needs(P::ManageCare), format!("package={nil}&tasks[0]={nil}")),
        ),
        (
            "/api/set_package_carers",
            (needs(P::ManageCare), format!("package={nil}&carers[0]={nil}")),
        ),
        (
            "/api/preview_package_carers",
            (needs(P::ManageCare), format!("package={nil}&carers[0]={nil}")),
        ),
        (
            "/api/organisation_settings",
            (needs(P::ManageSettings), "".to_owned()),
        ),
        (
            "/api/save_organisation_settings",
            (
                needs(P::ManageSettings),
                // The defaults: allowed callers save nothing new.
                "max_sessions_per_user=3&admin_session_hours=9&carer_session_hours=12&lockout_threshold=5&lockout_minutes=30".to_owned(),
            ),
        ),
        (
            "/api/admin_jobs_overview",
            (needs(P::ManageJobs), "page=1".to_owned()),
        ),
        (
            "/api/admin_jobs_retry",
            (needs(P::ManageJobs), id.to_owned()),
        ),
        (
            "/api/admin_jobs_discard",
            (needs(P::ManageJobs), id.to_owned()),
        ),
        (
            "/api/invite_person",
            (
                needs(P::ManageUsers),
                "first_name=A&last_name=B&email=a%40example.com&role=CARER".to_owned(),
            ),
        ),
        (
            "/api/list_invitations",
            (needs(P::ManageUsers), "page=1".to_owned()),
        ),
        (
            "/api/resend_invitation",
            (needs(P::ManageUsers), id.to_owned()),
        ),
        (
            "/api/revoke_invitation",
            (needs(P::ManageUsers), id.to_owned()),
        ),
        (
            "/api/list_users",
            (
                needs(P::ViewUsers),
                "tab=Carers&search=&fully_assessed=false&page=1".to_owned(),
            ),
        ),
        (
            "/api/delete_user",
            (needs(P::ManageUsers), id.to_owned()),
        ),
        (
            "/api/assessment_templates",
            (needs(P::ManageAssessmentTemplates), "page=1".to_owned()),
        ),
        (
            "/api/assessment_template",
            (needs(P::ManageAssessmentTemplates), id.to_owned()),
        ),
        (
            "/api/delete_assessment_template",
            (needs(P::ManageAssessmentTemplates), id.to_owned()),
        ),
        (
            // A JSON-encoded function (its form nests items): the body says so.
            "/api/save_assessment_template",
            (
                needs(P::ManageAssessmentTemplates),
                r#"{"id":null,"form":{"title":"","description":"","knowledge_weight":"","practical_weight":"","emergency_weight":"","score_scale_max":"","thresholds":["","","",""],"review_months":"","knowledge":[],"practical":[],"emergency":[]},"task_ids":[]}"#.to_owned(),
            ),
        ),
        (
            "/api/assessments",
            (
                needs(P::ConductAssessments),
                r#"{"filter":{"status":null,"carer":null,"template":null},"page":1}"#.to_owned(),
            ),
        ),
        (
            "/api/start_assessment",
            (needs(P::ConductAssessments), id.to_owned()),
        ),
        (
            "/api/assessment_for_conduct",
            (needs(P::ConductAssessments), id.to_owned()),
        ),
        (
            "/api/decide_assessment",
            (
                needs(P::ConductAssessments),
                format!("id={nil}&approve=true&comments="),
            ),
        ),
        (
            "/api/assessment_draft",
            (needs(P::ConductAssessments), id.to_owned()),
        ),
        (
            "/api/save_assessment_draft",
            (
                needs(P::ConductAssessments),
                format!(r#"{{"id":"{nil}","edit":{{"device_id":"d","step":"KNOWLEDGE","items":[],"review":null}}}}"#),
            ),
        ),
        (
            "/api/submit_assessment",
            (
                needs(P::ConductAssessments),
                format!(r#"{{"id":"{nil}","form":{{"final_level":"","reason":"","comments":""}}}}"#),
            ),
        ),
        (
            "/api/attach_evidence",
            (
                needs(P::ConductAssessments),
                format!("id={nil}&file_id={nil}&caption="),
            ),
        ),
        (
            "/api/remove_evidence",
            (needs(P::ConductAssessments), format!("id={nil}&file_id={nil}")),
        ),
        ("/api/my_ratings", (needs(P::ConfirmOwnRatings), "".to_owned())),
        (
            "/api/rota_week",
            (needs(P::ManageRota), format!("package={nil}&week=2026-11-02")),
        ),
        (
            "/api/save_rota_draft",
            (
                needs(P::ManageRota),
                format!(r#"{{"package":"{nil}","week":"2026-11-02","base_revision":0}}"#),
            ),
        ),
        (
            "/api/publish_rota_week",
            (
                needs(P::ManageRota),
                format!(r#"{{"package":"{nil}","week":"2026-11-02","revision":1}}"#),
            ),
        ),
        ("/api/my_rota", (needs(P::ViewRota), "".to_owned())),
        (
            "/api/apply_rota_pattern",
            (
                needs(P::ManageRota),
                format!("package={nil}&week=2026-11-02&from=2026-11-09&weeks=1"),
            ),
        ),
        ("/api/new_calendar_link", (needs(P::ViewRota), "".to_owned())),
        ("/api/rule_settings", (needs(P::ManageSettings), "".to_owned())),
        (
            "/api/save_package_slots",
            (
                needs(P::ManageRota),
                format!(r#"{{"package":"{nil}","form":{{}}}}"#),
            ),
        ),
        (
            "/api/save_rule_settings",
            (needs(P::ManageSettings), r#"{"settings":{}}"#.to_owned()),
        ),
        ("/api/turn_off_calendar_link", (needs(P::ViewRota), "".to_owned())),
        (
            "/api/send_shift_out",
            (needs(P::ManageRota), format!("shift={nil}&competent_only=true")),
        ),
        ("/api/close_shift", (needs(P::ManageRota), format!("shift={nil}"))),
        ("/api/open_shifts", (needs(P::ManageRota), "page=1".to_owned())),
        ("/api/shift_applicants", (needs(P::ManageRota), format!("shift={nil}"))),
        (
            "/api/decide_application",
            (
                needs(P::ManageRota),
                format!("shift={nil}&carer={nil}&decision=reject"),
            ),
        ),
        ("/api/available_shifts", (needs(P::ApplyForShifts), "page=1".to_owned())),
        ("/api/confirm_interest", (needs(P::ApplyForShifts), format!("shift={nil}"))),
        ("/api/my_applications", (needs(P::ApplyForShifts), "page=1".to_owned())),
        ("/api/my_progress", (needs(P::ViewProgress), "".to_owned())),
        (
            "/api/my_assessment_answers",
            (
                needs(P::ConfirmOwnRatings),
                format!("assessment_id={nil}"),
            ),
        ),
        (
            "/api/answer_rating",
            (
                needs(P::ConfirmOwnRatings),
                format!("id={nil}&dispute=false&reason="),
            ),
        ),
        (
            "/api/rating_queue",
            (needs(P::ResolveDisputes), "queue=Disputed&page=1".to_owned()),
        ),
        (
            "/api/resolve_rating",
            (
                needs(P::ResolveDisputes),
                format!(r#"{{"id":"{nil}","action":"UPHOLD","level":null,"note":"x"}}"#),
            ),
        ),
        ("/api/task_ratings", (needs(P::ManageRatings), format!("task={nil}"))),
        (
            "/api/set_rating",
            (
                needs(P::ManageRatings),
                format!(r#"{{"carers":[],"task":"{nil}","level":"COMPETENT","reason":"x"}}"#),
            ),
        ),
        (
            "/api/set_user_active",
            (
                needs(P::ManageUsers),
                "id=00000000-0000-4000-8000-000000000000&active=true".to_owned(),
            ),
        ),
        (
            "/api/change_user_role",
            (
                needs(P::ManageUsers),
                "id=00000000-0000-4000-8000-000000000000&role=CARER".to_owned(),
            ),
        ),
        (
            "/api/sign_out_user",
            (needs(P::RevokeAnySession), id.to_owned()),
        ),
        (
            "/api/search_audit",
            (
                needs(P::ViewAudit),
                "filter[action]=auth.&page=1".to_owned(),
            ),
        ),
    ])
}

/// Pages: what their data needs (the server functions above enforce it; pages render
/// for everyone and say "please sign in" or "no permission").
fn pages() -> BTreeMap<&'static str, Access> {
    use Access::{Public, SignedIn};
    BTreeMap::from([
        ("/", Public),
        ("/status", Public),
        ("/login", Public),
        ("/forgot-password", Public),
        ("/reset-password/{token}", Public),
        ("/confirm-email/{token}", Public),
        ("/invite/{token}", Public),
        ("/account", SignedIn),
        ("/notifications", SignedIn),
        ("/admin", SignedIn),
        ("/assessor", SignedIn),
        ("/carer", SignedIn),
        ("/viewer", SignedIn),
        ("/admin/jobs", needs(P::ManageJobs)),
        ("/admin/invitations", needs(P::ManageUsers)),
        ("/admin/users", needs(P::ViewUsers)),
        ("/admin/audit", needs(P::ViewAudit)),
        ("/admin/settings", needs(P::ManageSettings)),
        ("/admin/packages", needs(P::ViewCare)),
        ("/admin/tasks", needs(P::ViewCare)),
        ("/admin/packages/{id}", needs(P::ViewCare)),
        ("/admin/progress", needs(P::ViewProgress)),
        ("/admin/recycle-bin", needs(P::ManageRecycleBin)),
        ("/admin/reports", needs(P::ViewReports)),
        ("/admin/analytics", needs(P::ViewReports)),
        (
            "/admin/assessments/templates",
            needs(P::ManageAssessmentTemplates),
        ),
        (
            "/admin/assessments/templates/{id}",
            needs(P::ManageAssessmentTemplates),
        ),
        ("/admin/assessments/{id}", needs(P::ConductAssessments)),
        ("/admin/progress/assessments", needs(P::ConductAssessments)),
        ("/carer/ratings", needs(P::ConfirmOwnRatings)),
        ("/carer/rota", needs(P::ViewRota)),
        ("/admin/rota", needs(P::ManageRota)),
        ("/admin/shifts", needs(P::ManageRota)),
        ("/admin/settings/rota-rules", needs(P::ManageSettings)),
        ("/carer/shifts", needs(P::ApplyForShifts)),
        ("/admin/progress/ratings", needs(P::ManageRatings)),
        ("/admin/progress/confirmations", needs(P::ResolveDisputes)),
    ])
}

fn expected(access: Access, role: Option<Role>) -> &'static str {
    match (access, role) {
        (Access::Public, _) => "allowed",
        (_, None) => "401",
        (Access::SignedIn, Some(_)) => "allowed",
        (Access::Permission(p), Some(role)) if role.can(p) => "allowed",
        (Access::Permission(_), Some(_)) => "403",
    }
}

/// What access control made of a request. A refused sign-in (wrong password) ran the
/// route: it is not a refusal of access.
fn outcome(status: StatusCode, body: &str) -> &'static str {
    match status {
        StatusCode::UNAUTHORIZED
            if body.contains("InvalidCredentials") || body.contains("invalid_credentials") =>
        {
            "allowed"
        }
        StatusCode::UNAUTHORIZED => "401",
        StatusCode::FORBIDDEN => "403",
        s if s.is_server_error() => "500",
        _ => "allowed",
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn every_route_and_server_function_allows_exactly_what_it_declares(db: PgPool) {
    let state = common::state_with(db.clone(), &common::redis_url());
    let router = server::startup::build_router(state.clone());

    // One signed-in person per role, each with a fresh session per request (some
    // requests end sessions).
    let mut people = Vec::new();
    for role in Role::ALL {
        let id: Uuid = sqlx::query_scalar(
            "insert into users (email, role, password_hash, email_verified_at) values ($1, $2::text::user_role, 'x', now()) returning id",
        )
        .bind(format!("{}@access.example", role.as_str().to_lowercase()))
        .bind(role.as_str())
        .fetch_one(&db)
        .await
        .unwrap();
        people.push((*role, id));
    }
    let token_for = |role: Role| {
        let state = state.clone();
        let id = people.iter().find(|(r, _)| *r == role).unwrap().1;
        async move {
            sessions::start(&state, id, role, &RequestMeta::default())
                .await
                .unwrap()
                .access_token
        }
    };
    let identities: Vec<Option<Role>> = std::iter::once(None)
        .chain(Role::ALL.iter().copied().map(Some))
        .collect();
    let mut wrong = Vec::new();

    // REST: the table the router is built from.
    for route in table() {
        let path = route
            .path
            .replace("{id}", &Uuid::new_v4().to_string())
            .replace("{file}", "no-such-link.ics");
        for &who in &identities {
            let mut request = Request::builder().method(route.method).uri(&path);
            if let Some(role) = who {
                request =
                    request.header("authorization", format!("Bearer {}", token_for(role).await));
            }
            let request = match route.method {
                "GET" | "DELETE" => request.body(Body::empty()).unwrap(),
                _ => request
                    .header("content-type", "application/json")
                    .body(Body::from("{}"))
                    .unwrap(),
            };
            let response = common::send(router.clone(), request).await;
            let got = outcome(response.status, &response.body);
            let want = expected(route.access, who);
            if got != want {
                wrong.push(format!(
                    "{} {} as {who:?}: {got}, expected {want}",
                    route.method, route.path
                ));
            }
        }
    }

    // Server functions: every registered one must be listed.
    let declared = server_functions();
    for (path, _) in leptos::server_fn::axum::server_fn_paths() {
        let Some((access, body)) = declared.get(path) else {
            wrong.push(format!(
                "server function {path} has no entry in the access matrix"
            ));
            continue;
        };
        for &who in &identities {
            let content_type = if body.starts_with('{') {
                "application/json"
            } else {
                "application/x-www-form-urlencoded"
            };
            // From our own pages, as a browser says (sign-in refuses anything else).
            let mut request = Request::post(path)
                .header("content-type", content_type)
                .header("sec-fetch-site", "same-origin");
            if let Some(role) = who {
                request =
                    request.header("authorization", format!("Bearer {}", token_for(role).await));
            }
            let response = common::send(
                router.clone(),
                request.body(Body::from(body.clone())).unwrap(),
            )
            .await;
            let got = outcome(response.status, &response.body);
            let want = expected(*access, who);
            if got != want {
                wrong.push(format!(
                    "server fn {path} as {who:?}: {got} ({}), expected {want}",
                    response.body
                ));
            }
        }
    }
    for path in declared.keys() {
        if !leptos::server_fn::axum::server_fn_paths().any(|(p, _)| p == *path) {
            wrong.push(format!(
                "the matrix lists {path}, which is not a server function"
            ));
        }
    }

    // Pages: every route must be listed, and none may fail for anyone.
    let declared_pages = pages();
    for listing in server::startup::page_routes() {
        let path = listing.path().to_owned();
        if !declared_pages.contains_key(path.as_str()) {
            wrong.push(format!("page {path} has no entry in the access matrix"));
            continue;
        }
        let url = path.replace("{token}", "no-such-token");
        for &who in &identities {
            let mut request = Request::get(&url);
            if let Some(role) = who {
                request =
                    request.header("authorization", format!("Bearer {}", token_for(role).await));
            }
            let status = common::send(router.clone(), request.body(Body::empty()).unwrap())
                .await
                .status;
            if status.is_server_error() {
                wrong.push(format!("page {path} as {who:?}: {status}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "access matrix violations:\n{}",
        wrong.join("\n")
    );
}

/// A server function whose arguments cannot be read answers 422 with a plain message
/// (it used to be a bare 500 that logged nothing).
#[sqlx::test(migrations = "../migrations")]
async fn unreadable_server_function_arguments_are_refused_as_bad_input(db: PgPool) {
    let state = common::state_with(db.clone(), &common::redis_url());
    let router = server::startup::build_router(state.clone());
    let id: Uuid = sqlx::query_scalar(
        "insert into users (email, role, password_hash, email_verified_at) values ('args@access.example', 'ADMIN', 'x', now()) returning id",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    for (path, content_type, body) in [
        (
            "/api/save_package_slots",
            "application/json",
            r#"{"package":"not-an-id"}"#,
        ),
        ("/api/close_shift", "application/x-www-form-urlencoded", ""),
    ] {
        let token = sessions::start(&state, id, Role::Admin, &RequestMeta::default())
            .await
            .unwrap()
            .access_token;
        let request = Request::post(path)
            .header("content-type", content_type)
            .header("authorization", format!("Bearer {token}"))
            .body(Body::from(body))
            .unwrap();
        let response = common::send(router.clone(), request).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}: {}",
            response.body
        );
        assert!(
            response.body.contains("could not be read"),
            "{path}: {}",
            response.body
        );
    }
}

/// Every server function's failure answers with the error's own status: one layer maps
/// it, so a function cannot forget to. Signing out a device by an id that is not one
/// failed before the function reached its own status mapping, and answered 500.
#[sqlx::test(migrations = "../migrations")]
async fn a_server_functions_failure_answers_with_its_own_status(db: PgPool) {
    let state = common::state_with(db.clone(), &common::redis_url());
    let router = server::startup::build_router(state.clone());
    let id: Uuid = sqlx::query_scalar(
        "insert into users (email, role, password_hash, email_verified_at) values ('status@access.example', 'CARER', 'x', now()) returning id",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    let token = sessions::start(&state, id, Role::Carer, &RequestMeta::default())
        .await
        .unwrap()
        .access_token;
    for (body, status) in [
        ("id=not-a-device", StatusCode::NOT_FOUND),
        (
            "id=6c1d7d36-5b35-4b1e-9d0e-6f2f6a1c0c11",
            StatusCode::NOT_FOUND,
        ),
    ] {
        let request = Request::post("/api/sign_out_device")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::from(body))
            .unwrap();
        let response = common::send(router.clone(), request).await;
        assert_eq!(response.status, status, "{body}: {}", response.body);
        assert!(
            response.body.contains("NotFound"),
            "{body}: {}",
            response.body
        );
    }
}

/// During server-side rendering a page's data comes from the server functions called
/// directly (not over HTTP): a failure there still gives the page its status. A dead
/// invitation link is a 404 page, not a 200 with an error on it.
#[sqlx::test(migrations = "../migrations")]
async fn a_page_whose_data_is_not_found_answers_404(db: PgPool) {
    let state = common::state_with(db.clone(), &common::redis_url());
    let router = server::startup::build_router(state.clone());
    let response = common::send(
        router,
        Request::get("/invite/no-such-token")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(response.status, StatusCode::NOT_FOUND, "{}", response.body);
}
