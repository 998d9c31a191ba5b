//! Web Push end to end. A push service runs on a local port and does what a real one
//! does with a push: it checks the VAPID token against the key in the request
//! (audience, expiry, subject, ES256 signature). The test then decrypts each body with
//! the subscription's private key and auth secret, as the browser does. The real job
//! worker sends.

use crate::{
    common,
    live::{post, serve_state, signed_in},
};
use app::{
    live::bus,
    notifications::ssr::{Notice, notify},
    state::AppSettings,
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use caretrack::{Role, notification::NotificationKind, retry::RetryPolicy};
use p256::{PublicKey, SecretKey, ecdh::diffie_hellman, elliptic_curve::sec1::ToEncodedPoint};
use server::{
    jobs::{Registry, worker::WorkerConfig},
    mail::{Brand, Mailer},
    push::{Pusher, crypto::Vapid},
};
use sqlx::{PgPool, types::Uuid};
use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

/// What the push service received.
#[derive(Clone, Debug)]
struct Received {
    path: String,
    authorization: String,
    encoding: String,
    ttl: String,
    body: Vec<u8>,
}

/// A push service on a local port: `/push/gone…` answers 410 (unsubscribed),
/// `/push/busy…` 503, everything else 201 Created.
async fn push_service() -> (u16, Arc<Mutex<Vec<Received>>>) {
    use axum::{
        body::Bytes,
        extract::{Path, State},
        http::{HeaderMap, StatusCode},
        routing::post,
    };
    let received = Arc::new(Mutex::new(Vec::new()));
    let router = axum::Router::new()
        .route(
            "/push/{name}",
            post(
                |State(kept): State<Arc<Mutex<Vec<Received>>>>,
                 Path(name): Path<String>,
                 headers: HeaderMap,
                 body: Bytes| async move {
                    let header = |name: &str| {
                        headers
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    };
                    kept.lock().unwrap().push(Received {
                        path: format!("/push/{name}"),
                        authorization: header("authorization"),
                        encoding: header("content-encoding"),
                        ttl: header("ttl"),
                        body: body.to_vec(),
                    });
                    if name.starts_with("gone") {
                        StatusCode::GONE
                    } else if name.starts_with("busy") {
                        StatusCode::SERVICE_UNAVAILABLE
                    } else {
                        StatusCode::CREATED
                    }
                },
            ),
        )
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (port, received)
}

/// What a push service checks: the token is an ES256 JWT signed by the key sent with
/// it, for this service's origin, not expired, with a contact. Answers the key.
fn verify_vapid(authorization: &str, origin: &str) -> String {
    let rest = authorization
        .strip_prefix("vapid t=")
        .expect("the vapid scheme");
    let (token, key) = rest.split_once(", k=").expect("a token and a key");
    let point = B64.decode(key).unwrap();
    assert_eq!(
        (point.len(), point[0]),
        (65, 4),
        "an uncompressed P-256 key"
    );
    let decoding = jsonwebtoken::DecodingKey::from_ec_components(
        &B64.encode(&point[1..33]),
        &B64.encode(&point[33..]),
    )
    .unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
    validation.set_audience(&[origin]);
    validation.set_required_spec_claims(&["exp", "aud", "sub"]);
    let claims = jsonwebtoken::decode::<serde_json::Value>(token, &decoding, &validation)
        .expect("a valid VAPID token")
        .claims;
    let expires = claims["exp"].as_i64().unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert!(
        expires > now && expires <= now + 24 * 3600,
        "RFC 8292: at most 24 h ahead"
    );
    assert_eq!(claims["sub"], "mailto:rota@sunrise.example");
    key.to_owned()
}

/// What the browser does with a push body (RFC 8291/8188), written from the RFCs
/// independently of the server's code: the message.
fn decrypt(body: &[u8], ua: &SecretKey, auth: &[u8]) -> Vec<u8> {
    use hkdf::Hkdf;
    use ring::aead;
    use sha2::Sha256;
    let (salt, rest) = body.split_at(16);
    let record_size = u32::from_be_bytes(rest[..4].try_into().unwrap());
    assert_eq!(record_size, 4096);
    let id_len = usize::from(rest[4]);
    let (sender, ciphertext) = rest[5..].split_at(id_len);
    let sender_key = PublicKey::from_sec1_bytes(sender).unwrap();
    let shared = diffie_hellman(ua.to_nonzero_scalar(), sender_key.as_affine());
    let ua_public = ua.public_key().to_encoded_point(false);
    let info = [b"WebPush: info\0".as_slice(), ua_public.as_bytes(), sender].concat();
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(auth), shared.raw_secret_bytes())
        .expand(&info, &mut ikm)
        .unwrap();
    let prk = Hkdf::<Sha256>::new(Some(salt), &ikm);
    let (mut key, mut nonce) = ([0u8; 16], [0u8; 12]);
    prk.expand(b"Content-Encoding: aes128gcm\0", &mut key)
        .unwrap();
    prk.expand(b"Content-Encoding: nonce\0", &mut nonce)
        .unwrap();
    let opener = aead::LessSafeKey::new(aead::UnboundKey::new(&aead::AES_128_GCM, &key).unwrap());
    let mut record = ciphertext.to_vec();
    let plain = opener
        .open_in_place(
            aead::Nonce::assume_unique_for_key(nonce),
            aead::Aad::empty(),
            &mut record,
        )
        .expect("the record opens with the subscription's keys");
    // The last record ends with 0x02, after optional zero padding.
    let end = plain.iter().rposition(|&b| b != 0).unwrap();
    assert_eq!(plain[end], 2, "the last-record delimiter");
    plain[..end].to_vec()
}

/// A browser's subscription keys: the private key stays here, the rest is sent.
fn browser_keys() -> (SecretKey, [u8; 16], String) {
    let key = SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng);
    let auth: [u8; 16] = Uuid::new_v4().into_bytes();
    let public = B64.encode(key.public_key().to_encoded_point(false).as_bytes());
    (key, auth, public)
}

fn subscription(endpoint: &str, p256dh: &str, auth: &[u8]) -> String {
    serde_json::json!({ "subscription": {
        "endpoint": endpoint, "p256dh": p256dh, "auth": B64.encode(auth),
    }})
    .to_string()
}

/// Runs the real worker, sending pushes with `pusher`, until `sql` holds (or 10 s pass).
async fn work_until(state: &app::state::AppState, pusher: Arc<Pusher>, sql: &str) -> bool {
    let mailer = Mailer::directory(
        std::env::temp_dir().join("caretrack-push-test-mail"),
        "Sunrise Care <rota@sunrise.example>".parse().unwrap(),
        Brand {
            organisation_name: "Sunrise Care".into(),
            logo_url: String::new(),
        },
    );
    let config = WorkerConfig {
        poll_interval: Duration::from_millis(50),
        retry: RetryPolicy {
            base: time::Duration::milliseconds(10),
            cap: time::Duration::milliseconds(30),
            max_attempts: 5,
        },
        ..WorkerConfig::new(2)
    };
    let registry = Registry::standard(Arc::new(mailer), None, Some(pusher));
    common::work_until(state.clone(), registry, config, sql).await
}

async fn tell(state: &app::state::AppState, carer: Uuid, notice: &Notice) {
    bus::publishing(&state.redis, async {
        let mut tx = state.db.begin().await?;
        notify(&mut tx, carer, notice).await?;
        tx.commit().await
    })
    .await
    .unwrap();
}

const NO_PUSH_JOBS_LEFT: &str = "select not exists (select 1 from jobs where kind = 'push.send'
                                   and status in ('QUEUED', 'RUNNING'))";

#[sqlx::test(migrations = "../migrations")]
async fn a_notice_reaches_each_phone_encrypted_and_signed_and_gone_phones_are_forgotten(
    db: PgPool,
) {
    let (service, received) = push_service().await;
    let origin = format!("http://127.0.0.1:{service}");
    let (private, public) = Vapid::generate();
    let vapid = Arc::new(Vapid::new(&private, "mailto:rota@sunrise.example".into()).unwrap());
    let pusher = Arc::new(Pusher::new(vapid).unwrap());
    let mut state = common::state_with(db.clone(), &common::redis_url());
    state.settings = Arc::new(AppSettings {
        push_public_key: Some(public.clone()),
        ..(*state.settings).clone()
    });
    let port = serve_state(state.clone()).await;
    let (carer, _, token) = signed_in(&state, Role::Carer, "Sam").await;

    // The browser asks for the key to subscribe with.
    let (status, key) = post(port, "/api/push_public_key", &token, "").await;
    assert_eq!((status, key), (200, format!("\"{public}\"")));

    // Two phones subscribe; one has since been reset (its endpoint is gone). A
    // subscription with an unreadable key is refused and kept nowhere.
    let (phone, auth, p256dh) = browser_keys();
    let (_, old_auth, old_p256dh) = browser_keys();
    let endpoint = format!("{origin}/push/sam-phone");
    for body in [
        subscription(&endpoint, &p256dh, &auth),
        subscription(
            &format!("{origin}/push/gone-tablet"),
            &old_p256dh,
            &old_auth,
        ),
    ] {
        let (status, answer) = post(port, "/api/subscribe_push", &token, &body).await;
        assert_eq!(status, 200, "{answer}");
    }
    let (status, answer) = post(
        port,
        "/api/subscribe_push",
        &token,
        &subscription(&format!("{origin}/push/x"), &p256dh[..40], &auth),
    )
    .await;
    assert_eq!(status, 422, "{answer}");
    assert!(answer.contains("push key"), "{answer}");
    let (status, answer) = post(
        port,
        "/api/subscribe_push",
        &token,
        &subscription("javascript:alert(1)", &p256dh, &auth),
    )
    .await;
    assert_eq!(status, 422, "{answer}");
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action = 'notifications.push_subscribed' and actor_id = $1",
    )
    .bind(carer)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(audited, 2);

    // A rating to confirm: pushed to both (push is on by default for it).
    tell(
        &state,
        carer,
        &Notice::new(
            NotificationKind::RatingPending,
            "Please confirm your rating",
        )
        .body("Medication: competent")
        .link("/carer/ratings"),
    )
    .await;
    assert!(work_until(&state, pusher.clone(), NO_PUSH_JOBS_LEFT).await);

    let got = received.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "{got:?}");
    let to_phone = got.iter().find(|r| r.path == "/push/sam-phone").unwrap();
    assert_eq!(to_phone.encoding, "aes128gcm");
    assert_eq!(to_phone.ttl, "86400");
    assert_eq!(verify_vapid(&to_phone.authorization, &origin), public);
    let message: serde_json::Value =
        serde_json::from_slice(&decrypt(&to_phone.body, &phone, &auth)).unwrap();
    assert_eq!(
        message,
        serde_json::json!({
            "title": "Please confirm your rating", "body": "Medication: competent",
            "link": "/carer/ratings", "tag": "rating_pending",
        })
    );
    let left: Vec<(String, bool)> = sqlx::query_as(
        "select endpoint, last_used_at is not null from push_subscriptions where user_id = $1",
    )
    .bind(carer)
    .fetch_all(&db)
    .await
    .unwrap();
    assert_eq!(
        left,
        [(endpoint.clone(), true)],
        "the gone tablet is forgotten"
    );

    // A kind Sam does not want pushed queues nothing.
    let off = r#"{"choices":[{"kind":"rota_published","in_app":true,"email":false,"push":false}]}"#;
    let (status, _) = post(port, "/api/save_notification_choices", &token, off).await;
    assert_eq!(status, 200);
    tell(
        &state,
        carer,
        &Notice::new(NotificationKind::RotaPublished, "Your rota changed"),
    )
    .await;
    let queued: i64 = sqlx::query_scalar("select count(*) from jobs where kind = 'push.send'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(queued, 2, "only the two earlier pushes");

    // A push service that is down: retried with backoff, then given up, the reason kept.
    let (_, busy_auth, busy_p256dh) = browser_keys();
    let busy = subscription(
        &format!("{origin}/push/busy-phone"),
        &busy_p256dh,
        &busy_auth,
    );
    let (status, _) = post(port, "/api/subscribe_push", &token, &busy).await;
    assert_eq!(status, 200);
    let (status, _) = post(
        port,
        "/api/unsubscribe_push",
        &token,
        &format!("endpoint={endpoint}"),
    )
    .await;
    assert_eq!(status, 200);
    tell(
        &state,
        carer,
        &Notice::new(NotificationKind::RatingPending, "Another rating"),
    )
    .await;
    let dead = "select exists (select 1 from jobs where kind = 'push.send' and status = 'DEAD'
                 and attempts = 5 and last_error like '%answered 503%')";
    assert!(work_until(&state, pusher, dead).await);
    let endpoints: Vec<String> =
        sqlx::query_scalar("select endpoint from push_subscriptions where user_id = $1")
            .bind(carer)
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(
        endpoints,
        [format!("{origin}/push/busy-phone")],
        "the phone turned off is forgotten; the busy one kept"
    );
    let to_busy = received
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.path == "/push/busy-phone")
        .count();
    assert_eq!(to_busy, 5);
    let unsubscribed: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action = 'notifications.push_unsubscribed'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(unsubscribed, 1);
}
