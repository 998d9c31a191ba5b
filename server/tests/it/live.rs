//! Live updates over real sockets: the router served on a local port (or, for the
//! fan-out across instances, two real `server serve` processes), a real Redis bus,
//! tokio-tungstenite as the browser.
//!
//! Tests run side by side on one Redis, so a role room hears other tests' events:
//! every wait looks for the event it expects and passes over the rest.

use crate::common;
use app::{
    audit::Actor,
    auth::{RequestMeta, sessions},
    state::AppState,
};
use caretrack::{
    Role,
    live::{Event, ServerMessage, close},
};
use futures::{SinkExt, StreamExt};
use server::{
    live::Hub,
    startup::{self, RouterExtras},
};
use sqlx::{PgPool, types::Uuid};
use std::{
    net::SocketAddr,
    process::{Child, Command, Stdio},
    sync::Arc,
    time::Duration,
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{self, Message, client::IntoClientRequest, http::HeaderValue},
};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The router on a local port with its own hub listening to the bus.
async fn serve_here(db: PgPool) -> (u16, AppState) {
    let state = common::state_with(db, &common::redis_url());
    (serve_state(state.clone()).await, state)
}

/// Serves `state` on a local port, as `serve_here` does; the port.
pub(crate) async fn serve_state(state: AppState) -> u16 {
    let hub = Arc::new(Hub::default());
    let router = startup::build_router_with(
        state.clone(),
        RouterExtras {
            live: hub.clone(),
            ..RouterExtras::default()
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    tokio::spawn(server::live::listen(
        hub.clone(),
        state.redis.clone(),
        std::future::pending(),
    ));
    hub.wait_subscribed().await;
    port
}

/// A signed-in person of `role`: their id, session and access token.
pub(crate) async fn signed_in(state: &AppState, role: Role, first: &str) -> (Uuid, Uuid, String) {
    let id = common::person(&state.db, role.as_str(), first).await;
    let tokens = sessions::start(state, id, role, &RequestMeta::default())
        .await
        .unwrap();
    let session: Uuid = sqlx::query_scalar(
        "select id from sessions where user_id = $1 order by created_at desc limit 1",
    )
    .bind(id)
    .fetch_one(&state.db)
    .await
    .unwrap();
    (id, session, tokens.access_token)
}

async fn open(port: u16, token: Option<&str>, origin: &str) -> Result<Socket, tungstenite::Error> {
    let mut request = format!("ws://127.0.0.1:{port}/ws")
        .into_client_request()
        .unwrap();
    let headers = request.headers_mut();
    headers.insert("origin", HeaderValue::from_str(origin).unwrap());
    if let Some(token) = token {
        headers.insert(
            "cookie",
            HeaderValue::from_str(&format!("ct_access={token}")).unwrap(),
        );
    }
    connect_async(request).await.map(|(socket, _)| socket)
}

fn ours(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

/// The next message the server sends (pings are answered by the library).
async fn next(socket: &mut Socket) -> Option<Result<ServerMessage, Option<u16>>> {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("the server said something within 10 s")?;
        match frame {
            Ok(Message::Text(text)) => {
                return Some(Ok(serde_json::from_str(&text).expect("a server message")));
            }
            Ok(Message::Close(frame)) => return Some(Err(frame.map(|f| u16::from(f.code)))),
            Ok(_) => continue,
            Err(_) => return None,
        }
    }
}

/// Reads until a message `wanted` accepts (others' events pass by).
async fn wait_for(socket: &mut Socket, wanted: impl Fn(&ServerMessage) -> bool) -> ServerMessage {
    loop {
        match next(socket).await {
            Some(Ok(message)) if wanted(&message) => return message,
            Some(Ok(_)) => continue,
            other => panic!("the socket ended before the expected message: {other:?}"),
        }
    }
}

/// Reads until the server closes the socket; its close code.
async fn close_code(socket: &mut Socket) -> Option<u16> {
    loop {
        match next(socket).await {
            Some(Ok(_)) => continue,
            Some(Err(code)) => return code,
            None => return None,
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn only_a_signed_in_page_of_ours_may_open_a_socket(db: PgPool) {
    let (port, state) = serve_here(db).await;
    let (_, _, token) = signed_in(&state, Role::Carer, "Sam").await;

    let Err(tungstenite::Error::Http(response)) = open(port, None, &ours(port)).await else {
        panic!("a visitor was let in");
    };
    assert_eq!(response.status(), 401);
    let Err(tungstenite::Error::Http(response)) =
        open(port, Some(&token), "https://evil.example").await
    else {
        panic!("another site's page was let in");
    };
    assert_eq!(response.status(), 403, "cross-site WebSocket hijacking");
    assert!(open(port, Some("not-a-token"), &ours(port)).await.is_err());
    // A care manager who must set up two-step verification first is held at the door
    // here too, as on every other route.
    sqlx::query("update organisation_settings set require_admin_2fa = true")
        .execute(&state.db)
        .await
        .unwrap();
    let (_, _, manager) = signed_in(&state, Role::Admin, "Alex").await;
    let Err(tungstenite::Error::Http(response)) = open(port, Some(&manager), &ours(port)).await
    else {
        panic!("a care manager without two-step verification was let in");
    };
    assert_eq!(response.status(), 403);

    let mut socket = open(port, Some(&token), &ours(port)).await.unwrap();
    let Some(Ok(ServerMessage::Welcome { rooms })) = next(&mut socket).await else {
        panic!("no welcome");
    };
    let names: Vec<&str> = rooms.iter().map(|r| r.room.as_str()).collect();
    assert!(names.iter().any(|r| r.starts_with("user:")) && names.contains(&"role:CARER"));

    // Operators see the instance's open sockets.
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut metrics = String::new();
    stream.read_to_string(&mut metrics).await.unwrap();
    assert!(
        metrics.contains("\ncaretrack_live_sockets 1\n"),
        "{metrics}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_package_room_is_joined_only_by_those_who_may_see_the_package(db: PgPool) {
    let (port, state) = serve_here(db.clone()).await;
    let (carer, _, token) = signed_in(&state, Role::Carer, "Sam").await;
    let (_, _, manager_token) = signed_in(&state, Role::Admin, "Mia").await;
    let theirs = common::package(&db, "Maple Court").await;
    let elsewhere = common::package(&db, "Oak House").await;
    sqlx::query("insert into carer_packages (carer_id, package_id) values ($1, $2)")
        .bind(carer)
        .bind(theirs)
        .execute(&db)
        .await
        .unwrap();

    let mut socket = open(port, Some(&token), &ours(port)).await.unwrap();
    next(&mut socket).await;
    for package in [elsewhere, theirs] {
        let join = format!(r#"{{"msg":"join","package_id":"{package}"}}"#);
        socket.send(Message::text(join)).await.unwrap();
    }
    let refused = next(&mut socket).await;
    assert!(
        matches!(&refused, Some(Ok(ServerMessage::Refused { reason })) if reason.contains("cannot see")),
        "{refused:?}"
    );
    let joined = next(&mut socket).await;
    assert!(
        matches!(&joined, Some(Ok(ServerMessage::Joined { room })) if room.room == format!("package:{theirs}")),
        "{joined:?}"
    );
    socket
        .send(Message::text("{\"msg\":\"shout\"}"))
        .await
        .unwrap();
    assert!(matches!(
        next(&mut socket).await,
        Some(Ok(ServerMessage::Refused { .. }))
    ));

    // A care manager sees every package; an update to it reaches both sockets.
    let mut office = open(port, Some(&manager_token), &ours(port)).await.unwrap();
    next(&mut office).await;
    let join = format!(r#"{{"msg":"join","package_id":"{elsewhere}"}}"#);
    office.send(Message::text(join)).await.unwrap();
    wait_for(&mut office, |m| matches!(m, ServerMessage::Joined { .. })).await;
    app::live::bus::publish(
        &state.redis,
        vec![(
            caretrack::live::Room::Package(theirs.into()),
            Event::PackageUpdated {
                package_id: theirs.into(),
            },
        )],
    )
    .await;
    let heard = wait_for(&mut socket, |m| matches!(m, ServerMessage::Event(_))).await;
    let ServerMessage::Event(delivery) = heard else {
        unreachable!()
    };
    assert_eq!(delivery.room, format!("package:{theirs}"));
    assert_eq!(delivery.seq, 1, "the room's first event");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_revoked_session_loses_its_socket_within_seconds(db: PgPool) {
    let (port, state) = serve_here(db).await;
    let (_, session, token) = signed_in(&state, Role::Carer, "Sam").await;
    let mut socket = open(port, Some(&token), &ours(port)).await.unwrap();
    next(&mut socket).await;
    let started = std::time::Instant::now();
    assert!(
        sessions::revoke(&state, session, "SIGNED_OUT", &Actor::default())
            .await
            .unwrap()
    );
    assert_eq!(close_code(&mut socket).await, Some(close::SESSION_ENDED));
    let took = started.elapsed();
    assert!(
        took < caretrack::live::SESSION_CHECK + Duration::from_secs(2),
        "closed after {took:?}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_client_sending_too_fast_is_cut_off(db: PgPool) {
    let (port, state) = serve_here(db).await;
    let (_, _, token) = signed_in(&state, Role::Carer, "Sam").await;
    let mut socket = open(port, Some(&token), &ours(port)).await.unwrap();
    next(&mut socket).await;
    let leave = format!(r#"{{"msg":"leave","package_id":"{}"}}"#, Uuid::new_v4());
    for _ in 0..40 {
        if socket.send(Message::text(leave.clone())).await.is_err() {
            break;
        }
    }
    assert_eq!(close_code(&mut socket).await, Some(close::RATE_LIMITED));
}

/// What the spawned servers share with the test: the same data key, so tokens the
/// test mints verify on both.
const DATA_KEYS: &str = "test1:KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=";

fn spawn_server(database_url: &str, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("serve")
        .env("APP_ENV", "test")
        .env("DATABASE_URL", database_url)
        .env("REDIS_URL", common::redis_url())
        .env("DATA_ENCRYPTION_KEYS", DATA_KEYS)
        .env("AUDIT_CHAIN_KEYS", DATA_KEYS)
        .env("PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_OUTPUT_NAME", "caretrack")
        .env(
            "LEPTOS_SITE_ROOT",
            std::env::temp_dir().join("caretrack-live-site"),
        )
        .env("MAIL_DIR", std::env::temp_dir().join("caretrack-live-mail"))
        .env("WORKER_CONCURRENCY", "0")
        .env("SCHEDULER_ENABLED", "false")
        .env("MIGRATE_ON_START", "false")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("the server binary runs")
}

/// Kills the spawned servers however the test ends.
struct Servers(Vec<Child>);

impl Drop for Servers {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `POST` with a bearer token over a fresh connection: the status and body. A body
/// starting with `{` is sent as JSON, anything else as a form.
pub(crate) async fn post(port: u16, path: &str, token: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let kind = if body.starts_with('{') {
        "application/json"
    } else {
        "application/x-www-form-urlencoded"
    };
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    let status = answer[9..12].parse().unwrap();
    let body = answer
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
}

#[sqlx::test(migrations = "../migrations")]
async fn an_event_raised_on_one_instance_reaches_a_socket_on_another(db: PgPool) {
    let base = std::env::var("DATABASE_URL").expect("run with make test");
    let database = db.connect_options().get_database().unwrap().to_owned();
    let url = format!("{}/{database}", base.rsplit_once('/').unwrap().0);
    let (first, second) = (common::free_port(), common::free_port());
    let _servers = Servers(vec![spawn_server(&url, first), spawn_server(&url, second)]);

    // Tokens from the servers' own configuration (the same data key).
    let config = server::config::Config::from_lookup(|name| match name {
        "APP_ENV" => Some("test".into()),
        "DATABASE_URL" => Some(url.clone()),
        "REDIS_URL" => Some(common::redis_url()),
        "DATA_ENCRYPTION_KEYS" | "AUDIT_CHAIN_KEYS" => Some(DATA_KEYS.into()),
        _ => None,
    })
    .unwrap();
    let state = startup::build_state(
        &config,
        leptos::prelude::LeptosOptions::builder()
            .output_name("caretrack")
            .build(),
    )
    .unwrap();
    let (carer, _, token) = signed_in(&state, Role::Carer, "Sam").await;
    let package = common::package(&db, "Maple Court").await;
    let task: Uuid = sqlx::query_scalar(
        "with t as (insert into tasks (name, target_count) values ('Hoist transfer', 50) returning id),
              pt as (insert into package_tasks (package_id, task_id, assigned_at)
                     select $1, id, now() - interval '1 day' from t)
         select id from t",
    )
    .bind(package)
    .fetch_one(&db)
    .await
    .unwrap();
    sqlx::query(
        "insert into carer_packages (carer_id, package_id, assigned_at)
         values ($1, $2, now() - interval '1 day')",
    )
    .bind(carer)
    .bind(package)
    .execute(&db)
    .await
    .unwrap();

    common::wait_for_port(first, "the first server");
    common::wait_for_port(second, "the second server");
    // On the second instance, the carer's phone.
    let mut socket = open(second, Some(&token), &ours(second)).await.unwrap();
    let Some(Ok(ServerMessage::Welcome { rooms })) = next(&mut socket).await else {
        panic!("no welcome");
    };
    let user_room = format!("user:{carer}");
    let seq_before = rooms
        .iter()
        .find(|r| r.room == user_room)
        .map(|r| r.seq)
        .unwrap();

    // On the first instance, the carer logs practice from another device. The first
    // server may still be subscribing: a socket on it proves it hears the bus.
    let mut own = open(first, Some(&token), &ours(first)).await.unwrap();
    next(&mut own).await;
    let body = serde_json::json!({
        "task_id": task, "care_package_id": package, "count": 3,
        "idempotency_key": Uuid::new_v4(),
    })
    .to_string();
    let (status, answer) = post(first, "/api/v1/me/task-completions", &token, &body).await;
    assert_eq!(status, 201, "{answer}");

    let heard = wait_for(
        &mut socket,
        |m| matches!(m, ServerMessage::Event(d) if d.room == user_room),
    )
    .await;
    let ServerMessage::Event(delivery) = heard else {
        unreachable!()
    };
    assert_eq!(
        delivery.event,
        Event::TaskProgress {
            carer_id: carer.into(),
            task_id: task.into(),
        }
    );
    assert_eq!(delivery.seq, seq_before + 1, "numbered in the carer's room");
    // The first instance's own socket heard the same event, with the same number.
    let mirrored = wait_for(
        &mut own,
        |m| matches!(m, ServerMessage::Event(d) if d.room == user_room),
    )
    .await;
    assert_eq!(mirrored, ServerMessage::Event(delivery));
}

#[sqlx::test(migrations = "../migrations")]
async fn notifications_follow_each_persons_choices_and_arrive_live(db: PgPool) {
    use app::{
        live::bus,
        notifications::ssr::{Notice, notify},
    };
    use caretrack::notification::{Channel, NotificationKind};

    let (port, state) = serve_here(db.clone()).await;
    let (carer, _, token) = signed_in(&state, Role::Carer, "Sam").await;
    let mut socket = open(port, Some(&token), &ours(port)).await.unwrap();
    next(&mut socket).await;

    // Sam wants no word of rota changes in the app or by email, only on the phone.
    let choices =
        r#"{"choices":[{"kind":"rota_published","in_app":false,"email":false,"push":true}]}"#;
    let (status, body) = post(port, "/api/save_notification_choices", &token, choices).await;
    assert_eq!(status, 200, "{body}");
    let saved: serde_json::Value = serde_json::from_str(&body).unwrap();
    let rota = saved
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "rota_published")
        .unwrap();
    assert_eq!(
        (rota["in_app"].as_bool(), rota["push"].as_bool()),
        (Some(false), Some(true))
    );
    assert!(
        saved
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["kind"] != "rating_disputed"),
        "carers are not offered the managers' kinds"
    );
    let foreign =
        r#"{"choices":[{"kind":"rating_disputed","in_app":false,"email":false,"push":false}]}"#;
    let (status, body) = post(port, "/api/save_notification_choices", &token, foreign).await;
    assert_eq!(status, 422, "{body}");

    // Told of a rating to confirm (all channels on by default) and of a rota change.
    let told = bus::publishing(&state.redis, async {
        let mut tx = state.db.begin().await?;
        let rating = Notice::new(
            NotificationKind::RatingPending,
            "Please confirm your rating",
        )
        .link("/carer/ratings");
        let rota = Notice::new(NotificationKind::RotaPublished, "Your rota changed");
        let answers = (
            notify(&mut tx, carer, &rating).await?,
            notify(&mut tx, carer, &rota).await?,
        );
        tx.commit().await?;
        Ok::<_, sqlx::Error>(answers)
    })
    .await
    .unwrap();
    assert!(told.0.wants(Channel::Email) && told.0.wants(Channel::Push));
    assert!(!told.1.wants(Channel::InApp) && !told.1.wants(Channel::Email));
    assert!(told.1.wants(Channel::Push));

    let heard = wait_for(&mut socket, |m| {
        matches!(m, ServerMessage::Event(d) if matches!(d.event, Event::NotificationCreated { .. }))
    })
    .await;
    let ServerMessage::Event(delivery) = heard else {
        unreachable!()
    };
    let Event::NotificationCreated { title, link, .. } = delivery.event else {
        unreachable!()
    };
    assert_eq!(title, "Please confirm your rating");
    assert_eq!(link.as_deref(), Some("/carer/ratings"));

    let kinds: Vec<String> =
        sqlx::query_scalar("select kind from notifications where user_id = $1")
            .bind(carer)
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(
        kinds,
        ["rating_pending"],
        "the rota change was not kept in the app"
    );

    let (_, unread) = post(port, "/api/unread_notifications", &token, "").await;
    assert_eq!(unread, "1");
    let (_, page) = post(
        port,
        "/api/my_notifications",
        &token,
        "page=1&unread_only=true",
    )
    .await;
    let page: serde_json::Value = serde_json::from_str(&page).unwrap();
    assert_eq!(page["total"], 1);
    let id = page["items"][0]["id"].as_str().unwrap().to_owned();

    // Someone else's notification is not found; one's own is marked read.
    let (_, _, other) = signed_in(&state, Role::Carer, "Jo").await;
    let (status, _) = post(
        port,
        "/api/mark_notification_read",
        &other,
        &format!("id={id}"),
    )
    .await;
    assert_eq!(status, 404);
    let (status, left) = post(
        port,
        "/api/mark_notification_read",
        &token,
        &format!("id={id}"),
    )
    .await;
    assert_eq!((status, left.as_str()), (200, "0"));
    let (_, all) = post(port, "/api/mark_all_notifications_read", &token, "").await;
    assert_eq!(all, "0");
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action = 'notifications.preferences' and actor_id = $1",
    )
    .bind(carer)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(audited, 1, "the refused save changed nothing");
}
