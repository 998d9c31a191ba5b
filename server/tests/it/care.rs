//! Care packages, tasks, assignments and daily logging through the REST API, against the
//! real PostgreSQL and Redis: the daily cap under concurrent requests, idempotent
//! replays, encryption at rest, who sees what, and global progress.

use crate::common;

use crate::common::TestResponse;
use app::{
    auth::{RequestMeta, sessions},
    state::AppState,
};
use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode},
};
use caretrack::Role;
use serde_json::{Value, json};
use sqlx::{PgPool, types::Uuid};

struct Api {
    state: AppState,
    router: Router,
}

struct Person {
    id: Uuid,
    token: String,
}

impl Api {
    fn new(db: PgPool) -> Self {
        let state = common::state_with(db, &common::redis_url());
        let router = server::startup::build_router(state.clone());
        Self { state, router }
    }

    async fn person(&self, role: Role, first: &str) -> Person {
        let id: Uuid = sqlx::query_scalar(
            "with u as (insert into users (email, role, password_hash, email_verified_at)
                        values ($1, $2::text::user_role, 'x', now()) returning id)
             insert into user_profiles (user_id, first_name, last_name) select id, $3, 'Tester' from u
             returning user_id",
        )
        .bind(format!("{}-{}@care.example", first.to_lowercase(), Uuid::new_v4().simple()))
        .bind(role.as_str())
        .bind(first)
        .fetch_one(&self.state.db)
        .await
        .unwrap();
        let token = sessions::start(&self.state, id, role, &RequestMeta::default())
            .await
            .unwrap()
            .access_token;
        Person { id, token }
    }

    async fn call(
        &self,
        who: &Person,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> TestResponse {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", format!("Bearer {}", who.token));
        let request = match body {
            Some(body) => request
                .header("content-type", "application/json")
                .body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        }
        .unwrap();
        common::send(self.router.clone(), request).await
    }

    async fn created(&self, who: &Person, path: &str, body: Value) -> Value {
        let response = self.call(who, "POST", path, Some(body)).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
        response.json()
    }

    /// A package with one task of target 500 and one carer.
    async fn setup(&self, manager: &Person, carer: &Person, target: i32) -> (String, String) {
        let package = self
            .created(
                manager,
                "/api/v1/care-packages",
                json!({
                    "name": format!("Oak House {}", Uuid::new_v4().simple()),
                    "postcode_district": "M14",
                    "client_name": "Edith Clarke",
                    "address_lines": ["12 Oak Road", "Manchester"],
                }),
            )
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let task = self
            .created(
                manager,
                "/api/v1/tasks",
                json!({
                    "name": format!("Medication {}", Uuid::new_v4().simple()),
                    "category": "Medication",
                    "description": "Prompting and administering",
                    "target_count": target,
                }),
            )
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        for (path, body) in [
            ("tasks", json!({ "task_ids": [task] })),
            ("carers", json!({ "carer_ids": [carer.id] })),
        ] {
            let response = self
                .call(
                    manager,
                    "PUT",
                    &format!("/api/v1/care-packages/{package}/{path}"),
                    Some(body),
                )
                .await;
            assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        }
        (package, task)
    }
}

fn completion(task: &str, package: &str, count: i32, key: Uuid) -> Value {
    json!({ "task_id": task, "care_package_id": package, "count": count, "idempotency_key": key })
}

#[sqlx::test(migrations = "../migrations")]
async fn two_hundred_concurrent_logs_stop_at_the_daily_cap_and_replays_change_nothing(db: PgPool) {
    let api = Api::new(db.clone());
    let manager = api.person(Role::Admin, "Alex").await;
    let carer = api.person(Role::Carer, "Sam").await;
    let (package, task) = api.setup(&manager, &carer, 500).await;

    let keys: Vec<Uuid> = (0..200).map(|_| Uuid::new_v4()).collect();
    let mut requests = tokio::task::JoinSet::new();
    for key in keys.clone() {
        let router = api.router.clone();
        let request = Request::post("/api/v1/me/task-completions")
            .header("authorization", format!("Bearer {}", carer.token))
            .header("content-type", "application/json")
            .body(Body::from(completion(&task, &package, 1, key).to_string()))
            .unwrap();
        requests.spawn(async move { (key, common::send(router, request).await) });
    }
    let mut accepted = Vec::new();
    let mut refused = 0;
    while let Some(result) = requests.join_next().await {
        let (key, response) = result.unwrap();
        match response.status {
            StatusCode::CREATED => accepted.push((key, response.json())),
            StatusCode::UNPROCESSABLE_ENTITY => {
                let error = &response.json()["error"];
                assert_eq!(error["code"], "over_daily_cap", "{}", response.body);
                assert_eq!(error["remaining_today"], 0);
                refused += 1;
            }
            other => panic!("{other}: {}", response.body),
        }
    }
    assert_eq!(accepted.len(), 100);
    assert_eq!(refused, 100);

    let counters = || async {
        sqlx::query_as::<_, (i32, i32, i64)>(
            "select (select total from task_daily_totals where carer_id = $1 and task_id = $2),
                    (select completed_count from task_progress where carer_id = $1 and task_id = $2),
                    (select count(*) from task_completions where carer_id = $1 and task_id = $2)",
        )
        .bind(carer.id)
        .bind(task.parse::<Uuid>().unwrap())
        .fetch_one(&db)
        .await
        .unwrap()
    };
    assert_eq!(counters().await, (100, 100, 100));
    // Every accepted log saw a different running total: 1 to 100, each once.
    let mut totals: Vec<i64> = accepted
        .iter()
        .map(|(_, body)| body["logged_today"].as_i64().unwrap())
        .collect();
    totals.sort();
    assert_eq!(totals, (1..=100).collect::<Vec<_>>());

    // Replaying 50 accepted keys answers each with its first result and changes nothing.
    for (key, first) in accepted.iter().take(50) {
        let replay = api
            .call(
                &carer,
                "POST",
                "/api/v1/me/task-completions",
                Some(completion(&task, &package, 1, *key)),
            )
            .await;
        assert_eq!(replay.status, StatusCode::CREATED, "{}", replay.body);
        assert_eq!(&replay.json(), first);
    }
    assert_eq!(counters().await, (100, 100, 100));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_replay_sent_while_the_first_is_still_running_counts_once(db: PgPool) {
    let api = Api::new(db.clone());
    let manager = api.person(Role::Admin, "Alex").await;
    let carer = api.person(Role::Carer, "Sam").await;
    let (package, task) = api.setup(&manager, &carer, 50).await;
    let key = Uuid::new_v4();
    let mut requests = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let router = api.router.clone();
        let request = Request::post("/api/v1/me/task-completions")
            .header("authorization", format!("Bearer {}", carer.token))
            .header("content-type", "application/json")
            .body(Body::from(completion(&task, &package, 7, key).to_string()))
            .unwrap();
        requests.spawn(async move { common::send(router, request).await });
    }
    let mut answers = Vec::new();
    while let Some(result) = requests.join_next().await {
        let response = result.unwrap();
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
        answers.push(response.json());
    }
    assert!(answers.iter().all(|a| *a == answers[0]));
    assert_eq!(answers[0]["logged_today"], 7);
    assert_eq!(
        answers[0]["progress"],
        json!({ "current": 7, "target": 50, "percent": 14.0 })
    );
    let logged: i64 =
        sqlx::query_scalar("select count(*) from task_completions where idempotency_key = $1")
            .bind(key)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(logged, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_logs_are_refused_with_a_reason(db: PgPool) {
    let api = Api::new(db.clone());
    let manager = api.person(Role::Admin, "Alex").await;
    let carer = api.person(Role::Carer, "Sam").await;
    let other = api.person(Role::Carer, "Jo").await;
    let (package, task) = api.setup(&manager, &carer, 500).await;
    let post = |who: &'static str, body: Value| {
        let person = if who == "sam" { &carer } else { &other };
        api.call(person, "POST", "/api/v1/me/task-completions", Some(body))
    };

    for (count, field) in [(0, "count"), (101, "count")] {
        let response = post("sam", completion(&task, &package, count, Uuid::new_v4())).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            response.json()["error"]["fields"][field].is_string(),
            "{}",
            response.body
        );
    }
    let text = post(
        "sam",
        json!({ "task_id": task, "care_package_id": package, "count": "three", "idempotency_key": Uuid::new_v4() }),
    )
    .await;
    assert_eq!(
        text.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        text.body
    );
    let unknown = post(
        "sam",
        completion(&Uuid::new_v4().to_string(), &package, 1, Uuid::new_v4()),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.json()["error"]["message"], "There is no such task.");
    let not_mine = post("jo", completion(&task, &package, 1, Uuid::new_v4())).await;
    assert_eq!(not_mine.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        not_mine.body.contains("not on your list"),
        "{}",
        not_mine.body
    );
    let bad_key = post(
        "sam",
        json!({ "task_id": task, "care_package_id": package, "count": 1, "idempotency_key": "again" }),
    )
    .await;
    assert!(bad_key.json()["error"]["fields"]["idempotency_key"].is_string());

    // 97 logged: 5 more is refused with what is left; 3 is accepted; then nothing is left.
    let first = post("sam", completion(&task, &package, 97, Uuid::new_v4())).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let over = post("sam", completion(&task, &package, 5, Uuid::new_v4())).await;
    assert_eq!(over.json()["error"]["remaining_today"], 3);
    assert_eq!(
        over.json()["error"]["message"],
        "You can log 3 more for this task today."
    );
    let rest = post("sam", completion(&task, &package, 3, Uuid::new_v4())).await;
    assert_eq!(rest.json()["remaining_today"], 0);

    // A key reused for another task is a conflict, not a replay, and changes nothing.
    let key = Uuid::new_v4();
    assert_eq!(
        post("sam", completion(&task, &package, 1, key))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing is left today"
    );
    let (second_package, second_task) = api.setup(&manager, &carer, 10).await;
    let used = post(
        "sam",
        completion(&second_task, &second_package, 2, Uuid::new_v4()),
    )
    .await;
    let used_key = Uuid::new_v4();
    assert_eq!(
        post(
            "sam",
            completion(&second_task, &second_package, 1, used_key)
        )
        .await
        .status,
        StatusCode::CREATED
    );
    let reused = post("sam", completion(&task, &package, 1, used_key)).await;
    assert_eq!(reused.status, StatusCode::CONFLICT, "{}", reused.body);
    let elsewhere = post(
        "sam",
        completion(&second_task, &second_package, 1, used_key),
    )
    .await;
    assert_eq!(
        elsewhere.status,
        StatusCode::CREATED,
        "the same log again is a replay"
    );
    assert_eq!(elsewhere.json()["logged_today"], 3);
    let cross = api.setup(&manager, &carer, 10).await;
    let conflict = post("sam", completion(&cross.1, &cross.0, 1, used_key)).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT, "{}", conflict.body);
    let total: i64 = sqlx::query_scalar(
        "select coalesce(sum(total), 0) from task_daily_totals where task_id = $1",
    )
    .bind(cross.1.parse::<Uuid>().unwrap())
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(total, 0, "the refused log left no count behind");
    assert_eq!(used.status, StatusCode::CREATED);
}

#[sqlx::test(migrations = "../migrations")]
async fn client_details_are_encrypted_at_rest_and_shown_only_to_those_allowed(db: PgPool) {
    let api = Api::new(db.clone());
    let manager = api.person(Role::Admin, "Alex").await;
    let carer = api.person(Role::Carer, "Sam").await;
    let stranger = api.person(Role::Carer, "Jo").await;
    let assessor = api.person(Role::Assessor, "Priya").await;
    let package = api
        .created(
            &manager,
            "/api/v1/care-packages",
            json!({
                "name": "Zephyr Lodge",
                "postcode_district": "ls6",
                "client_name": "Quentin Zebedee-Marchbanks",
                "address_lines": ["77 Quillfeather Lane", "Headingley"],
            }),
        )
        .await;
    let id = package["id"].as_str().unwrap().to_owned();
    assert_eq!(package["postcode_district"], "LS6");
    assert_eq!(package["client_name"], "Quentin Zebedee-Marchbanks");
    assert_eq!(
        package["address_lines"],
        json!(["77 Quillfeather Lane", "Headingley"])
    );
    let patched = api
        .call(
            &manager,
            "PATCH",
            &format!("/api/v1/care-packages/{id}"),
            Some(json!({ "address_lines": ["78 Quillfeather Lane", "Headingley"] })),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(patched.json()["client_name"], "Quentin Zebedee-Marchbanks");

    // No table holds the client's name or address in clear text or as hex.
    for secret in ["Zebedee", "Quillfeather"] {
        let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
        let found: i64 = sqlx::query_scalar(
            "select (select count(*) from care_packages p where p::text ilike '%' || $1 || '%' or p::text ilike '%' || $2 || '%')
                  + (select count(*) from audit_log a where a::text ilike '%' || $1 || '%' or a::text ilike '%' || $2 || '%')",
        )
        .bind(secret)
        .bind(&hex)
        .fetch_one(&db)
        .await
        .unwrap();
        assert_eq!(found, 0, "{secret} is stored readable");
    }
    // The audit log says the address changed, and nothing more.
    let after: Value = sqlx::query_scalar(
        "select after from audit_log where action = 'care_packages.update' and entity_id = $1",
    )
    .bind(&id)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(after["address_changed"], true);
    assert_eq!(after["client_name_changed"], false);

    // A sealed value moved to another row no longer opens.
    let response = api
        .call(
            &manager,
            "PUT",
            &format!("/api/v1/care-packages/{id}/carers"),
            Some(json!({ "carer_ids": [carer.id] })),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK);
    let as_carer = api
        .call(&carer, "GET", &format!("/api/v1/care-packages/{id}"), None)
        .await;
    assert_eq!(as_carer.json()["client_name"], "Quentin Zebedee-Marchbanks");
    let as_assessor = api
        .call(
            &assessor,
            "GET",
            &format!("/api/v1/care-packages/{id}"),
            None,
        )
        .await;
    assert_eq!(as_assessor.status, StatusCode::OK);
    assert!(as_assessor.json()["client_name"].is_null());
    assert!(as_assessor.json()["address_lines"].is_null());
    let as_stranger = api
        .call(
            &stranger,
            "GET",
            &format!("/api/v1/care-packages/{id}"),
            None,
        )
        .await;
    assert_eq!(as_stranger.status, StatusCode::NOT_FOUND);
    let listed = api
        .call(&stranger, "GET", "/api/v1/care-packages", None)
        .await;
    assert_eq!(listed.json()["total"], 0);
    let search = api
        .call(&manager, "GET", "/api/v1/care-packages?search=zephyr", None)
        .await;
    assert_eq!(search.json()["total"], 1);
    let by_district = api
        .call(&manager, "GET", "/api/v1/care-packages?search=LS6", None)
        .await;
    assert_eq!(by_district.json()["items"][0]["name"], "Zephyr Lodge");
}

#[sqlx::test(migrations = "../migrations")]
async fn progress_is_global_across_packages(db: PgPool) {
    let api = Api::new(db.clone());
    let manager = api.person(Role::Admin, "Alex").await;
    let carer = api.person(Role::Carer, "Sam").await;
    let (first, task) = api.setup(&manager, &carer, 20).await;
    let logged = api
        .call(
            &carer,
            "POST",
            "/api/v1/me/task-completions",
            Some(completion(&task, &first, 6, Uuid::new_v4())),
        )
        .await;
    assert_eq!(logged.json()["progress"]["percent"], 30.0);

    // A second package with the same task: the preview says the task is not new, and
    // assigning keeps the progress, listing the task once with both packages.
    let second = api
        .created(
            &manager,
            "/api/v1/care-packages",
            json!({ "name": "Birch Flat", "postcode_district": "M20", "client_name": "Ada Lovell", "address_lines": ["3 Birch Road"] }),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    api.call(
        &manager,
        "PUT",
        &format!("/api/v1/care-packages/{second}/tasks"),
        Some(json!({ "task_ids": [task] })),
    )
    .await;
    let preview = app::care::ssr::assignments::preview_package_carers(
        &api.state,
        second.parse::<Uuid>().unwrap().into(),
        &[carer.id.into()],
    )
    .await
    .unwrap();
    assert_eq!((preview[0].new_tasks, preview[0].with_progress), (0, 0));
    let change = api
        .call(
            &manager,
            "PUT",
            &format!("/api/v1/care-packages/{second}/carers"),
            Some(json!({ "carer_ids": [carer.id] })),
        )
        .await;
    assert_eq!(change.json()["added"], json!(["Sam Tester"]));
    let today = api
        .call(&carer, "GET", "/api/v1/me/tasks/today", None)
        .await
        .json();
    assert_eq!(today["tasks"].as_array().unwrap().len(), 1);
    assert_eq!(today["tasks"][0]["packages"].as_array().unwrap().len(), 2);
    assert_eq!(today["tasks"][0]["progress"]["current"], 6);
    assert_eq!(today["tasks"][0]["logged_today"], 6);

    // Logged at the second package, it counts on the same bar and the same daily total.
    let more = api
        .call(
            &carer,
            "POST",
            "/api/v1/me/task-completions",
            Some(completion(&task, &second, 14, Uuid::new_v4())),
        )
        .await
        .json();
    assert_eq!(more["logged_today"], 20);
    assert_eq!(
        more["progress"],
        json!({ "current": 20, "target": 20, "percent": 100.0 })
    );
    let today = api
        .call(&carer, "GET", "/api/v1/me/tasks/today", None)
        .await
        .json();
    assert_eq!(
        today["tasks"],
        json!([]),
        "a task at its target leaves the list"
    );
    assert_eq!(today["overall_percent"], 100.0);

    let progress = api
        .call(
            &manager,
            "GET",
            &format!("/api/v1/carers/{}/progress", carer.id),
            None,
        )
        .await;
    assert_eq!(progress.json()["rows"][0]["progress"]["current"], 20);
    let per_package: Vec<(i64,)> = sqlx::query_as(
        "select sum(count) from task_completions where carer_id = $1 group by package_id order by 1",
    )
    .bind(carer.id)
    .fetch_all(&db)
    .await
    .unwrap();
    assert_eq!(
        per_package,
        vec![(6,), (14,)],
        "each completion keeps its package"
    );

    // A carer sees only their own progress.
    let other = api.person(Role::Carer, "Jo").await;
    let peek = api
        .call(
            &other,
            "GET",
            &format!("/api/v1/carers/{}/progress", carer.id),
            None,
        )
        .await;
    assert_eq!(peek.status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "../migrations")]
async fn task_forms_are_checked_and_names_are_unique(db: PgPool) {
    let api = Api::new(db);
    let manager = api.person(Role::Admin, "Alex").await;
    let made = api
        .created(&manager, "/api/v1/tasks", json!({ "name": "Catheter care", "category": "", "description": "", "target_count": 10 }))
        .await;
    assert_eq!(made["category"], "General");
    let again = api
        .call(&manager, "POST", "/api/v1/tasks", Some(json!({ "name": "catheter care", "category": "", "description": "", "target_count": 10 })))
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.json()["error"]["fields"]["name"].is_string());
    let too_big = api
        .call(&manager, "POST", "/api/v1/tasks", Some(json!({ "name": "Lifting", "category": "", "description": "", "target_count": 1001 })))
        .await;
    assert_eq!(
        too_big.json()["error"]["fields"]["target_count"],
        "Enter a target from 1 to 1000 completions"
    );
    let id = made["id"].as_str().unwrap();
    let patched = api
        .call(
            &manager,
            "PATCH",
            &format!("/api/v1/tasks/{id}"),
            Some(json!({ "target_count": 12 })),
        )
        .await;
    assert_eq!(patched.json()["target_count"], 12);
    assert_eq!(patched.json()["name"], "Catheter care");
    let deleted = api
        .call(&manager, "DELETE", &format!("/api/v1/tasks/{id}"), None)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let listed = api
        .call(&manager, "GET", "/api/v1/tasks?search=catheter", None)
        .await;
    assert_eq!(listed.json()["total"], 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_reset_sets_progress_to_zero_with_its_reason_audited(db: PgPool) {
    let api = Api::new(db.clone());
    let manager = api.person(Role::Admin, "Alex").await;
    let carer = api.person(Role::Carer, "Sam").await;
    let (package, task) = api.setup(&manager, &carer, 20).await;
    api.call(
        &carer,
        "POST",
        "/api/v1/me/task-completions",
        Some(completion(&task, &package, 8, Uuid::new_v4())),
    )
    .await;
    let actor = app::audit::Actor {
        user_id: Some(manager.id),
        role: Some(Role::Admin),
        ..Default::default()
    };
    let task_id: caretrack::ids::TaskId = task.parse::<Uuid>().unwrap().into();
    let blank = app::care::ssr::practice::reset(&api.state, &actor, carer.id.into(), task_id, "  ")
        .await
        .unwrap_err();
    assert!(
        matches!(blank, app::error::AppError::Validation { ref field, .. } if field == "reason")
    );
    app::care::ssr::practice::reset(
        &api.state,
        &actor,
        carer.id.into(),
        task_id,
        "Logged against the wrong carer",
    )
    .await
    .unwrap();
    let progress = api
        .call(
            &manager,
            "GET",
            &format!("/api/v1/carers/{}/progress", carer.id),
            None,
        )
        .await
        .json();
    assert_eq!(progress["rows"][0]["progress"]["current"], 0);
    let (before, after): (Value, Value) =
        sqlx::query_as("select before, after from audit_log where action = 'progress.reset'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(before["completed"], 8);
    assert_eq!(after["reason"], "Logged against the wrong carer");

    // Choices: carers see only themselves.
    let mine = app::care::ssr::assignments::carer_choices(
        &api.state,
        &app::auth::CurrentUser {
            user_id: carer.id,
            role: Role::Carer,
            session_id: Uuid::new_v4(),
        },
    )
    .await
    .unwrap();
    assert_eq!(mine.len(), 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn keys_rotate_reseals_everything_so_the_old_key_can_go(db: PgPool) {
    let api = Api::new(db.clone());
    let manager = api.person(Role::Admin, "Alex").await;
    let (package, _) = api
        .setup(&manager, &api.person(Role::Carer, "Sam").await, 5)
        .await;
    let secret = app::auth::two_factor::secret_location(&manager.id);
    let sealed = api.state.cipher.seal("JBSWY3DPEHPK3PXP", secret);
    sqlx::query("update users set totp_secret_enc = $2, totp_secret_key_id = $3 where id = $1")
        .bind(manager.id)
        .bind(&sealed.ciphertext)
        .bind(&sealed.key_id)
        .execute(&db)
        .await
        .unwrap();

    // A new key first, the old one still configured to read with.
    let both = app::crypto::FieldCipher::new(vec![
        ("test2".into(), [7u8; 32]),
        ("test1".into(), [42u8; 32]),
    ])
    .unwrap();
    let mut reports = 0;
    let done = server::admin_cli::rotate_keys(&db, &both, |_| reports += 1)
        .await
        .unwrap();
    assert_eq!((done.care_packages, done.two_factor_secrets), (1, 1));
    assert!(reports >= 2, "progress is reported");
    let again = server::admin_cli::rotate_keys(&db, &both, |_| {})
        .await
        .unwrap();
    assert_eq!(
        again,
        server::admin_cli::Rotation::default(),
        "nothing left to do"
    );

    // With only the new key, everything still opens.
    let new_only = app::crypto::FieldCipher::new(vec![("test2".into(), [7u8; 32])]).unwrap();
    let mut state = common::state_with(db.clone(), &common::redis_url());
    state.cipher = std::sync::Arc::new(new_only);
    let viewer = app::auth::CurrentUser {
        user_id: manager.id,
        role: Role::Admin,
        session_id: Uuid::new_v4(),
    };
    let detail =
        app::care::ssr::packages::detail(&state, &viewer, package.parse::<Uuid>().unwrap().into())
            .await
            .unwrap();
    assert_eq!(detail.client_name.as_deref(), Some("Edith Clarke"));
    let (sealed, key_id): (Vec<u8>, String) =
        sqlx::query_as("select totp_secret_enc, totp_secret_key_id from users where id = $1")
            .bind(manager.id)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(key_id, "test2");
    assert_eq!(
        state.cipher.open(&key_id, &sealed, secret).unwrap(),
        "JBSWY3DPEHPK3PXP"
    );

    // A value under a key nobody configured stops the run with a clear message.
    let unknown = app::crypto::FieldCipher::new(vec![("test3".into(), [9u8; 32])]).unwrap();
    let err = server::admin_cli::rotate_keys(&db, &unknown, |_| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("DATA_ENCRYPTION_KEYS"), "{err}");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_recycle_bin_restores_as_it_was_and_purges_for_good(db: PgPool) {
    use app::recycle_bin::{api::BinKind, ssr as bin};
    let api = Api::new(db.clone());
    let manager = api.person(Role::Admin, "Alex").await;
    let carer = api.person(Role::Carer, "Sam").await;
    let (package, task) = api.setup(&manager, &carer, 20).await;
    api.call(
        &carer,
        "POST",
        "/api/v1/me/task-completions",
        Some(completion(&task, &package, 4, Uuid::new_v4())),
    )
    .await;
    let actor = app::audit::Actor {
        user_id: Some(manager.id),
        role: Some(Role::Admin),
        ..Default::default()
    };
    let today = || async {
        api.call(&carer, "GET", "/api/v1/me/tasks/today", None)
            .await
            .json()["tasks"]
            .as_array()
            .unwrap()
            .len()
    };

    let deleted = api
        .call(
            &manager,
            "DELETE",
            &format!("/api/v1/care-packages/{package}"),
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(today().await, 0, "a deleted package's tasks leave the list");
    let listed = bin::list(&api.state, BinKind::CarePackage, 1)
        .await
        .unwrap();
    assert_eq!(listed.total, 1);
    assert_eq!(
        listed.items[0].impact,
        "1 task and 1 carer's placement come back with it"
    );

    assert_eq!(
        bin::restore(
            &api.state,
            &actor,
            BinKind::CarePackage,
            std::slice::from_ref(&package)
        )
        .await
        .unwrap(),
        1
    );
    assert_eq!(today().await, 1, "restored with its assignments");

    // A task whose name was taken meanwhile cannot come back until renamed.
    api.call(&manager, "DELETE", &format!("/api/v1/tasks/{task}"), None)
        .await;
    let name: String = sqlx::query_scalar("select name from tasks where id = $1")
        .bind(task.parse::<Uuid>().unwrap())
        .fetch_one(&db)
        .await
        .unwrap();
    api.created(
        &manager,
        "/api/v1/tasks",
        json!({ "name": name, "category": "", "description": "", "target_count": 5 }),
    )
    .await;
    let clash = bin::restore(
        &api.state,
        &actor,
        BinKind::Task,
        std::slice::from_ref(&task),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(clash, app::error::AppError::Conflict(_)),
        "{clash:?}"
    );

    // Purging the task takes its progress; purging the package keeps the practice.
    assert_eq!(
        bin::purge(
            &api.state,
            &actor,
            BinKind::Task,
            std::slice::from_ref(&task)
        )
        .await
        .unwrap(),
        1
    );
    let progress: i64 = sqlx::query_scalar("select count(*) from task_progress where task_id = $1")
        .bind(task.parse::<Uuid>().unwrap())
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(progress, 0);
    assert_eq!(
        bin::purge(
            &api.state,
            &actor,
            BinKind::CarePackage,
            std::slice::from_ref(&package)
        )
        .await
        .unwrap(),
        0,
        "a live package cannot be purged"
    );

    // The daily sweep purges what has been in the bin longer than the organisation keeps it.
    let (other_package, other_task) = api.setup(&manager, &carer, 10).await;
    api.call(
        &carer,
        "POST",
        "/api/v1/me/task-completions",
        Some(completion(&other_task, &other_package, 2, Uuid::new_v4())),
    )
    .await;
    api.call(
        &manager,
        "DELETE",
        &format!("/api/v1/care-packages/{other_package}"),
        None,
    )
    .await;
    assert_eq!(bin::purge_expired(&api.state).await.unwrap(), 0);
    sqlx::query("update care_packages set deleted_at = now() - interval '31 days' where id = $1")
        .bind(other_package.parse::<Uuid>().unwrap())
        .execute(&db)
        .await
        .unwrap();
    // The task with practice recorded is deleted and as old, but stays as evidence.
    api.call(
        &manager,
        "DELETE",
        &format!("/api/v1/tasks/{other_task}"),
        None,
    )
    .await;
    sqlx::query("update tasks set deleted_at = now() - interval '31 days' where id = $1")
        .bind(other_task.parse::<Uuid>().unwrap())
        .execute(&db)
        .await
        .unwrap();
    // Nothing goes without a week's notice to the managers: the first sweep warns.
    let warnings_before: i64 = sqlx::query_scalar(
        "select count(*) from email_messages where template = 'retention_warning'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(bin::warn_of_purges(&api.state).await.unwrap(), 1);
    assert_eq!(
        bin::warn_of_purges(&api.state).await.unwrap(),
        0,
        "warned once"
    );
    let warnings: i64 = sqlx::query_scalar(
        "select count(*) from email_messages where template = 'retention_warning'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert!(
        warnings > warnings_before,
        "every active care manager is emailed"
    );
    assert_eq!(bin::purge_expired(&api.state).await.unwrap(), 0);
    sqlx::query(
        "update care_packages set purge_warned_at = now() - interval '8 days' where id = $1",
    )
    .bind(other_package.parse::<Uuid>().unwrap())
    .execute(&db)
    .await
    .unwrap();
    assert_eq!(bin::purge_expired(&api.state).await.unwrap(), 1);
    let kept: (i64, i64) = sqlx::query_as(
        "select count(*), count(package_id) from task_completions where task_id = $1",
    )
    .bind(other_task.parse::<Uuid>().unwrap())
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(
        kept,
        (1, 0),
        "the practice stays, without the purged package"
    );
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action in ('recycle_bin.restore', 'recycle_bin.purge')",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(audited, 3);
    let evidence: i64 = sqlx::query_scalar("select count(*) from tasks where id = $1")
        .bind(other_task.parse::<Uuid>().unwrap())
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(evidence, 1, "a task with practice waits for a manager");
}

#[sqlx::test(migrations = "../migrations")]
async fn practice_counts_only_from_the_placement_and_a_deactivated_carer_does_not_block_saving(
    db: PgPool,
) {
    let api = Api::new(db.clone());
    let manager = api.person(Role::Admin, "Alex").await;
    let carer = api.person(Role::Carer, "Sam").await;
    let (package, task) = api.setup(&manager, &carer, 500).await;
    // A log dated before the carer was placed there is refused, whatever the day's cap.
    let backdated = api
        .call(
            &carer,
            "POST",
            "/api/v1/me/task-completions",
            Some(json!({
                "task_id": task, "care_package_id": package, "count": 5,
                "idempotency_key": Uuid::new_v4(),
                "logged_at": "2026-01-01T10:00:00Z",
            })),
        )
        .await;
    assert_eq!(backdated.status, StatusCode::UNPROCESSABLE_ENTITY);
    sqlx::query("update carer_packages set assigned_at = now() - interval '3 days'")
        .execute(&db)
        .await
        .unwrap();
    sqlx::query("update package_tasks set assigned_at = now() - interval '3 days'")
        .execute(&db)
        .await
        .unwrap();
    let two_days_ago = (time::OffsetDateTime::now_utc() - time::Duration::days(2))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let offline = api
        .call(
            &carer,
            "POST",
            "/api/v1/me/task-completions",
            Some(json!({
                "task_id": task, "care_package_id": package, "count": 5,
                "idempotency_key": Uuid::new_v4(), "logged_at": two_days_ago,
            })),
        )
        .await;
    assert_eq!(offline.status, StatusCode::CREATED, "{}", offline.body);
    let source: String = sqlx::query_scalar("select source from task_completions")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(source, "OFFLINE_SYNC");

    // Deactivating the carer leaves them listed; saving the package's carers still works.
    sqlx::query("update users set is_active = false where id = $1")
        .bind(carer.id)
        .execute(&db)
        .await
        .unwrap();
    let other = api.person(Role::Carer, "Jo").await;
    let saved = api
        .call(
            &manager,
            "PUT",
            &format!("/api/v1/care-packages/{package}/carers"),
            Some(json!({ "carer_ids": [carer.id, other.id] })),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.json()["added"], json!(["Jo Tester"]));
}

#[sqlx::test(migrations = "../migrations")]
async fn logs_kept_offline_are_counted_once_each_within_the_cap(db: PgPool) {
    let api = Api::new(db);
    let manager = api.person(Role::Admin, "Mia").await;
    let carer = api.person(Role::Carer, "Sam").await;
    let other = api.person(Role::Carer, "Jo").await;
    let (package, task) = api.setup(&manager, &carer, 500).await;
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let made_by = |who: Uuid, count: &str, at: &str| {
        json!({
            "idempotency_key": Uuid::new_v4(), "carer": who, "task_id": task,
            "care_package_id": package, "count": count, "logged_at": at,
            "task_name": "Medication",
        })
    };
    let kept = |count: &str, at: &str| made_by(carer.id, count, at);
    let logs = json!({ "logs": [
        kept("2", &now),
        kept("3", &now),
        kept("96", &now),
        kept("1", "last Tuesday"),
        kept("lots", &now),
        // Jo's, left on a phone Sam now uses: kept for Jo, never counted for Sam.
        made_by(other.id, "1", &now),
    ]});
    let send = || api.call(&carer, "POST", "/api/sync_practice", Some(logs.clone()));
    let first = send().await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let outcomes = first.json();
    assert_eq!(outcomes[0], "Counted");
    assert_eq!(outcomes[1], "Counted");
    assert_eq!(
        outcomes[2]["Refused"],
        "You can log 95 more for this task today."
    );
    assert_eq!(
        outcomes[3]["Refused"],
        "The time it was logged is unreadable."
    );
    assert!(
        outcomes[4]["Refused"].as_str().unwrap().contains("number"),
        "{outcomes}"
    );
    assert_eq!(outcomes[5], "Later");

    // The phone lost the answer and sends everything again: nothing counts twice.
    let again = send().await.json();
    assert_eq!(again, outcomes);
    let (total, rows): (i32, i64) = sqlx::query_as(
        "select (select total from task_daily_totals where carer_id = $1),
                (select count(*) from task_completions where carer_id = $1 and source = 'OFFLINE_SYNC')",
    )
    .bind(carer.id)
    .fetch_one(&api.state.db)
    .await
    .unwrap();
    assert_eq!((total, rows), (5, 2));

    let too_many = json!({ "logs": (0..101).map(|_| kept("1", &now)).collect::<Vec<_>>() });
    let refused = api
        .call(&carer, "POST", "/api/sync_practice", Some(too_many))
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
}
