//! The world the matrix runs in: two carers at two packages, two assessors, and the
//! records each of them owns, built through the services where they seal or check
//! things and with SQL where only rows are needed.

use super::*;

/// Two carers at two packages, two assessors, and what each of them owns.
pub(super) struct World {
    pub(super) db: PgPool,
    pub(super) router: Router,
    pub(super) tokens: Vec<(Who, String)>,
    pub(super) carer_a: Uuid,
    pub(super) carer_b: Uuid,
    pub(super) assessor_y: Uuid,
    /// Carer B's package (carer A works at the other one).
    pub(super) package_b: Uuid,
    /// A task at both packages.
    pub(super) medication: Uuid,
    /// A task at carer B's package only.
    pub(super) hoist: Uuid,
    /// A published shift at carer B's package, with carer B on it.
    pub(super) b_shift: Uuid,
    /// A shift sent out to carers competent in the hoist: carer B is, carer A is not.
    pub(super) open_shift: Uuid,
    /// Carer B's completed assessment (the one their pending rating came from).
    pub(super) b_completed: Uuid,
    /// Carer B's assessment, started by assessor Y and still in progress.
    pub(super) b_in_progress: Uuid,
    /// Carer A's assessment, conducted and submitted by assessor Y, awaiting approval.
    pub(super) a_awaiting: Uuid,
    /// Carer B's pending rating on the hoist.
    pub(super) b_rating: Uuid,
    /// Carer B's signed working-time opt-out.
    pub(super) b_opt_out: Uuid,
    /// Assessor Y's evidence file, attached to carer B's assessment.
    pub(super) y_evidence: Uuid,
    /// Assessor X's evidence file, attached to nothing yet.
    pub(super) x_evidence: Uuid,
    /// Carer B's phone: a session other than the one carer B sends requests with.
    pub(super) b_device: Uuid,
    pub(super) b_notice: Uuid,
    pub(super) b_endpoint: String,
}

/// A care manager's request while the world is built; answers its JSON.
pub(super) async fn manage(
    router: &Router,
    token: &str,
    method: &str,
    path: &str,
    body: Value,
    status: StatusCode,
) -> Value {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let response = common::send(router.clone(), request).await;
    assert_eq!(
        response.status, status,
        "{method} {path}: {}",
        response.body
    );
    response.json()
}

pub(super) fn id_of(created: &Value) -> Uuid {
    created["id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no id in {created}"))
}

pub(super) async fn insert_id(db: &PgPool, sql: &str, binds: &[Uuid]) -> Uuid {
    let mut query = sqlx::query_scalar::<sqlx::Postgres, Uuid>(sql);
    for bind in binds {
        query = query.bind(*bind);
    }
    query
        .fetch_one(db)
        .await
        .unwrap_or_else(|err| panic!("{err}: {sql}"))
}

pub(super) async fn world(db: PgPool) -> World {
    let mut state = common::state_with(db.clone(), &common::redis_url());
    // Pushes are set up, so that subscribing reaches the question of whose it is.
    state.settings = Arc::new(AppSettings {
        push_public_key: Some("test-vapid-public-key".into()),
        ..(*state.settings).clone()
    });
    let router = server::startup::build_router(state.clone());

    let manager = common::person(&db, "ADMIN", "Alex").await;
    let carer_a = common::person(&db, "CARER", "Amara").await;
    let carer_b = common::person(&db, "CARER", "Ben").await;
    let assessor_x = common::person(&db, "ASSESSOR", "Xavier").await;
    let assessor_y = common::person(&db, "ASSESSOR", "Yasmin").await;
    // One session each for the whole test: none of the refused requests ends one, and
    // carer B's phone (below) must not be evicted by more sessions of carer B.
    let mut tokens = Vec::new();
    for (who, id, role) in [
        (Who::Manager, manager, Role::Admin),
        (Who::CarerA, carer_a, Role::Carer),
        (Who::CarerB, carer_b, Role::Carer),
        (Who::AssessorX, assessor_x, Role::Assessor),
        (Who::AssessorY, assessor_y, Role::Assessor),
    ] {
        let issued = sessions::start(&state, id, role, &RequestMeta::default())
            .await
            .unwrap();
        tokens.push((who, issued.access_token));
    }
    let b_device = sessions::start(&state, carer_b, Role::Carer, &RequestMeta::default())
        .await
        .unwrap()
        .session_id;
    // In the order signed in: the manager first, carer B third.
    let token = tokens[0].1.clone();

    // Two packages (through the API, so their client details are sealed properly), a
    // task at both and one at carer B's only; carer A at one, carer B at the other.
    let mut packages = Vec::new();
    for (name, district, client) in [
        ("Oak House", "M14", "Edith Clarke"),
        ("Elm Court", "M20", "Harold Pike"),
    ] {
        let created = manage(
            &router,
            &token,
            "POST",
            "/api/v1/care-packages",
            json!({
                "name": name,
                "postcode_district": district,
                "client_name": client,
                "address_lines": ["12 Oak Road", "Manchester"],
            }),
            StatusCode::CREATED,
        )
        .await;
        packages.push(id_of(&created));
    }
    let (package_a, package_b) = (packages[0], packages[1]);
    let mut tasks = Vec::new();
    for (name, category) in [
        ("Medication", "Medication"),
        ("Hoist transfer", "Moving and handling"),
    ] {
        let created = manage(
            &router,
            &token,
            "POST",
            "/api/v1/tasks",
            json!({
                "name": name,
                "category": category,
                "description": "Done with the client",
                "target_count": 50,
            }),
            StatusCode::CREATED,
        )
        .await;
        tasks.push(id_of(&created));
    }
    let (medication, hoist) = (tasks[0], tasks[1]);
    for (package, task_ids, carer) in [
        (package_a, json!([medication]), carer_a),
        (package_b, json!([medication, hoist]), carer_b),
    ] {
        manage(
            &router,
            &token,
            "PUT",
            &format!("/api/v1/care-packages/{package}/tasks"),
            json!({ "task_ids": task_ids }),
            StatusCode::OK,
        )
        .await;
        manage(
            &router,
            &token,
            "PUT",
            &format!("/api/v1/care-packages/{package}/carers"),
            json!({ "carer_ids": [carer] }),
            StatusCode::OK,
        )
        .await;
    }

    // Carer B's practice: progress of their own, for carer A to be refused.
    let b_token = &tokens[2].1;
    manage(
        &router,
        b_token,
        "POST",
        "/api/v1/me/task-completions",
        completion(hoist, package_b),
        StatusCode::CREATED,
    )
    .await;

    // Carer B's published shift, and a shift sent out to those competent in the hoist.
    let b_shift = insert_id(
        &db,
        "insert into shifts (package_id, starts_at, ends_at, shift_type, status)
         values ($1, now() + interval '2 days', now() + interval '2 days 12 hours', 'DAY', 'FILLED')
         returning id",
        &[package_b],
    )
    .await;
    sqlx::query("insert into rota_entries (shift_id, carer_id) values ($1, $2)")
        .bind(b_shift)
        .bind(carer_b)
        .execute(&db)
        .await
        .unwrap();
    let open_shift = insert_id(
        &db,
        "insert into shifts (package_id, starts_at, ends_at, shift_type, status, published_at, published_by)
         values ($1, now() + interval '3 days', now() + interval '3 days 12 hours', 'DAY', 'OPEN', now(), $2)
         returning id",
        &[package_b, manager],
    )
    .await;
    sqlx::query("insert into shift_required_tasks (shift_id, task_id) values ($1, $2)")
        .bind(open_shift)
        .bind(hoist)
        .execute(&db)
        .await
        .unwrap();

    // A template (no items: none of the requests below reaches scoring), carer B's
    // completed assessment and the one assessor Y is conducting, and carer A's, which
    // assessor Y conducted and submitted.
    let template = insert_id(
        &db,
        "insert into assessment_templates default values returning id",
        &[],
    )
    .await;
    let version = insert_id(
        &db,
        "insert into assessment_template_versions
             (template_id, version, title, knowledge_weight, practical_weight, emergency_weight,
              pass_thresholds)
         values ($1, 1, 'Moving and handling', 30, 50, 20, '{\"COMPETENT\": 60}')
         returning id",
        &[template],
    )
    .await;
    let b_completed = insert_id(
        &db,
        "insert into assessments
             (template_id, template_version_id, carer_id, status, started_at, assessor_id,
              conductors, submitted_at, submitted_by, weighted_score, suggested_level,
              final_level, completed_at)
         values ($1, $2, $3, 'COMPLETED', now() - interval '2 days', $4, array[$4::uuid],
                 now() - interval '2 days', $4, 75, 'COMPETENT', 'COMPETENT',
                 now() - interval '2 days')
         returning id",
        &[template, version, carer_b, assessor_y],
    )
    .await;
    let b_in_progress = insert_id(
        &db,
        "insert into assessments (template_id, template_version_id, carer_id)
         values ($1, $2, $3) returning id",
        &[template, version, carer_b],
    )
    .await;
    let as_y = Actor {
        user_id: Some(assessor_y),
        role: Some(Role::Assessor),
        ..Default::default()
    };
    conduct::start(&state, &as_y, b_in_progress).await.unwrap();
    let a_awaiting = insert_id(
        &db,
        "insert into assessments
             (template_id, template_version_id, carer_id, status, started_at, assessor_id,
              conductors, submitted_at, submitted_by, weighted_score, suggested_level,
              final_level)
         values ($1, $2, $3, 'AWAITING_APPROVAL', now() - interval '1 hour', $4,
                 array[$4::uuid], now(), $4, 75, 'COMPETENT', 'COMPETENT')
         returning id",
        &[template, version, carer_a, assessor_y],
    )
    .await;

    // Carer B's newer rating on the hoist, waiting for them (their confirmed level is
    // competent, so the hoist shift is open to them).
    let b_rating = insert_id(
        &db,
        "insert into competency_ratings
             (carer_id, task_id, level, state, source, effective_level, assessment_id, rated_by)
         values ($1, $2, 'PROFICIENT', 'PENDING', 'ASSESSMENT', 'COMPETENT', $3, $4)
         returning id",
        &[carer_b, hoist, b_completed, assessor_y],
    )
    .await;

    // Files: carer B's opt-out, assessor Y's evidence on carer B's assessment, and
    // assessor X's evidence, attached to nothing.
    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n".to_vec();
    let mut stored = Vec::new();
    for (owner, purpose, name) in [
        (carer_b, FilePurpose::WtrOptOut, "opt-out signed.pdf"),
        (assessor_y, FilePurpose::AssessmentEvidence, "transfer.pdf"),
        (assessor_x, FilePurpose::AssessmentEvidence, "notes.pdf"),
    ] {
        let upload = Upload {
            owner: Some(owner),
            purpose,
            original_name: name.into(),
            bytes: pdf.clone(),
        };
        stored.push(files::upload(&db, &state.files, upload).await.unwrap().id);
    }
    let (b_opt_out, y_evidence, x_evidence) = (stored[0], stored[1], stored[2]);
    conduct::attach_evidence(
        &state,
        &as_y,
        b_in_progress,
        y_evidence,
        "The transfer, photographed",
    )
    .await
    .unwrap();

    // Carer B's notification and phone subscription.
    let b_notice = insert_id(
        &db,
        "insert into notifications (user_id, kind, title, link)
         values ($1, 'rating_pending', 'Please confirm your rating', '/carer/ratings')
         returning id",
        &[carer_b],
    )
    .await;
    let b_endpoint = "http://127.0.0.1:9/push/ben-phone".to_owned();
    sqlx::query(
        "insert into push_subscriptions (user_id, endpoint, p256dh, auth_secret) values ($1, $2, $3, $4)",
    )
    .bind(carer_b)
    .bind(&b_endpoint)
    .bind(P256DH)
    .bind(AUTH)
    .execute(&db)
    .await
    .unwrap();

    World {
        db,
        router,
        tokens,
        carer_a,
        carer_b,
        assessor_y,
        package_b,
        medication,
        hoist,
        b_shift,
        open_shift,
        b_completed,
        b_in_progress,
        a_awaiting,
        b_rating,
        b_opt_out,
        y_evidence,
        x_evidence,
        b_device,
        b_notice,
        b_endpoint,
    }
}
