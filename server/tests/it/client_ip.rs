//! The client's address behind a reverse proxy (`TRUSTED_PROXIES`), through the real
//! router: what sessions and the audit log keep, and what the per-address limits count.
//! Addresses are random per test, because rate limits live in the shared Redis.

use crate::common;

use app::auth::rate_limit::RESET_PER_IP;
use axum::{
    Router,
    body::Body,
    extract::ConnectInfo,
    http::{Request, StatusCode},
};
use serde_json::json;
use server::client_ip::TrustedProxies;
use sqlx::{PgPool, types::Uuid};
use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
};

const PASSWORD: &str = "a long and unusual passphrase";

fn router(db: PgPool, trusted: &str) -> Router {
    server::startup::build_router_with(
        common::state_with(db, &common::redis_url()),
        server::startup::RouterExtras {
            trusted_proxies: Arc::new(TrustedProxies::parse(trusted).unwrap()),
            ..Default::default()
        },
    )
}

/// A fresh address in 10.0.0.0/8 (where the tests' proxies are).
fn private_ip() -> IpAddr {
    let n = Uuid::new_v4().into_bytes();
    IpAddr::from([10, n[0], n[1], n[2]])
}

/// A fresh address in 2001:db8::/32 (documentation addresses: a client on the internet).
fn public_ip() -> IpAddr {
    let n = Uuid::new_v4().as_u128();
    std::net::Ipv6Addr::from((0x2001_0db8_u128 << 96) | (n >> 32)).into()
}

async fn from(
    router: &Router,
    peer: IpAddr,
    forwarded_for: Option<String>,
    mut request: Request<Body>,
) -> common::TestResponse {
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::new(peer, 40000)));
    if let Some(value) = forwarded_for {
        request
            .headers_mut()
            .insert("x-forwarded-for", value.parse().unwrap());
    }
    common::send(router.clone(), request).await
}

async fn sign_in(db: &PgPool, router: &Router, peer: IpAddr, forwarded_for: String) -> Uuid {
    let state = common::state_with(db.clone(), &common::redis_url());
    let email = format!("carer-{}@example.com", Uuid::new_v4().simple());
    let user: Uuid = sqlx::query_scalar(
        "insert into users (email, role, password_hash, email_verified_at)
         values ($1, 'CARER', $2, now()) returning id",
    )
    .bind(&email)
    .bind(state.auth.hasher.hash_now(PASSWORD))
    .fetch_one(db)
    .await
    .unwrap();
    let request = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from(
            json!({ "email": email, "password": PASSWORD }).to_string(),
        ))
        .unwrap();
    let response = from(router, peer, Some(forwarded_for), request).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    user
}

async fn recorded_ips(db: &PgPool, user: Uuid) -> (String, String) {
    sqlx::query_as(
        "select (select host(ip) from sessions where user_id = $1),
                (select host(ip) from audit_log where action = 'auth.login' and actor_id = $1)",
    )
    .bind(user)
    .fetch_one(db)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn sessions_and_the_audit_keep_the_address_the_trusted_proxy_saw(db: PgPool) {
    let behind_proxy = router(db.clone(), "10.0.0.0/8");
    let (client, proxy) = (public_ip(), private_ip());
    // The client's own claim (left), then what the edge and an inner proxy appended.
    let user = sign_in(
        &db,
        &behind_proxy,
        proxy,
        format!("198.51.100.66, {client}, {}", private_ip()),
    )
    .await;
    let client = client.to_string();
    assert_eq!(recorded_ips(&db, user).await, (client.clone(), client));

    // A peer that is not a trusted proxy: its header is ignored.
    let direct = public_ip();
    let user = sign_in(&db, &behind_proxy, direct, "198.51.100.66".into()).await;
    let direct = direct.to_string();
    assert_eq!(recorded_ips(&db, user).await, (direct.clone(), direct));

    // Nobody trusted (the default): even a private peer's header is ignored.
    let nobody_trusted = router(db.clone(), "");
    let peer = private_ip();
    let user = sign_in(&db, &nobody_trusted, peer, public_ip().to_string()).await;
    let peer = peer.to_string();
    assert_eq!(recorded_ips(&db, user).await, (peer.clone(), peer));
}

fn reset_request() -> Request<Body> {
    Request::post("/api/request_password_reset")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "email=nobody-{}%40example.com",
            Uuid::new_v4().simple()
        )))
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn per_address_limits_count_clients_not_the_proxy(db: PgPool) {
    let behind_proxy = router(db, "10.0.0.0/8");
    let proxy = private_ip();
    let (first, second) = (public_ip(), public_ip());
    for n in 1..=RESET_PER_IP.max {
        let response = from(
            &behind_proxy,
            proxy,
            Some(first.to_string()),
            reset_request(),
        )
        .await;
        assert_ne!(
            response.status,
            StatusCode::TOO_MANY_REQUESTS,
            "request {n}: {}",
            response.body
        );
    }
    let over = from(
        &behind_proxy,
        proxy,
        Some(first.to_string()),
        reset_request(),
    )
    .await;
    assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS, "{}", over.body);
    // Another client through the same proxy has its own allowance.
    let other = from(
        &behind_proxy,
        proxy,
        Some(second.to_string()),
        reset_request(),
    )
    .await;
    assert_ne!(
        other.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        other.body
    );

    // A client talking to us directly cannot escape its limit by making up a header.
    let direct = public_ip();
    for n in 1..=RESET_PER_IP.max {
        let response = from(
            &behind_proxy,
            direct,
            Some(public_ip().to_string()),
            reset_request(),
        )
        .await;
        assert_ne!(
            response.status,
            StatusCode::TOO_MANY_REQUESTS,
            "request {n}"
        );
    }
    let spoofed = from(
        &behind_proxy,
        direct,
        Some(public_ip().to_string()),
        reset_request(),
    )
    .await;
    assert_eq!(spoofed.status, StatusCode::TOO_MANY_REQUESTS);
}
