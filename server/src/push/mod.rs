//! Web Push delivery: the `push.send` job encrypts one message for one subscription
//! (RFC 8291), signs a VAPID token (RFC 8292) and posts it to the browser's push
//! service (RFC 8030).
//!
//! What the push service answers decides what becomes of the subscription:
//! - 201/200/202 — delivered: `last_used_at` is set.
//! - 404/410 — the browser unsubscribed or the subscription expired: it is deleted.
//! - 400/401/403/413 — refused for good (a key that no longer matches, a bad request):
//!   `failed_at` is set and no more pushes are queued for it until the browser
//!   subscribes again; the job ends (retrying would not help).
//! - 429/5xx, or no answer — the job fails and the worker retries with backoff.

pub mod crypto;

use crate::jobs::JobContext;
use app::notifications::push::ssr::PushJob;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use crypto::Vapid;
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::{
    client::legacy::{Client, connect::HttpConnector},
    rt::TokioExecutor,
};
use std::{sync::Arc, time::Duration};

/// How long a push service keeps a message for a phone that is off (one day: a
/// reminder older than that is stale).
const TIME_TO_LIVE: u32 = 24 * 3600;
const TIMEOUT: Duration = Duration::from_secs(15);

/// What a push service made of one push.
#[derive(Debug, PartialEq, Eq)]
pub enum Delivery {
    Delivered,
    /// The subscription no longer exists (404/410).
    Gone,
    /// Refused for good, with the service's status and words.
    Refused(String),
    /// Try again later (429, 5xx, no answer).
    Later(String),
}

/// Sends pushes: the VAPID identity and an HTTPS client (native roots, rustls/ring).
pub struct Pusher {
    vapid: Arc<Vapid>,
    client: Client<HttpsConnector<HttpConnector>, Full<axum::body::Bytes>>,
}

impl Pusher {
    pub fn new(vapid: Arc<Vapid>) -> Result<Self, String> {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(Arc::new(rustls::crypto::ring::default_provider()))
            .map_err(|err| format!("Web Push: no TLS root certificates: {err}"))?
            .https_or_http()
            .enable_http1()
            .build();
        Ok(Self {
            vapid,
            client: Client::builder(TokioExecutor::new()).build(https),
        })
    }

    /// Encrypts `message` for a subscription and posts it.
    pub async fn send(&self, endpoint: &str, p256dh: &str, auth: &str, message: &[u8]) -> Delivery {
        let (Ok(p256dh), Ok(auth)) = (B64.decode(p256dh), B64.decode(auth)) else {
            return Delivery::Refused("the stored subscription keys are unreadable".into());
        };
        let body = match crypto::seal(message, &p256dh, &auth) {
            Ok(body) => body,
            Err(err) => return Delivery::Refused(err.to_string()),
        };
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let authorization = match self.vapid.authorization(endpoint, now) {
            Ok(header) => header,
            Err(err) => return Delivery::Refused(err.to_string()),
        };
        let request = axum::http::Request::post(endpoint)
            .header("authorization", authorization)
            .header("content-encoding", "aes128gcm")
            .header("content-type", "application/octet-stream")
            .header("ttl", TIME_TO_LIVE.to_string())
            .header("urgency", "normal")
            .body(Full::from(body));
        let request = match request {
            Ok(request) => request,
            Err(err) => return Delivery::Refused(format!("the endpoint is not usable: {err}")),
        };
        let response = match tokio::time::timeout(TIMEOUT, self.client.request(request)).await {
            Err(_) => return Delivery::Later("the push service did not answer in 15 s".into()),
            Ok(Err(err)) => {
                return Delivery::Later(format!("the push service is unreachable: {err}"));
            }
            Ok(Ok(response)) => response,
        };
        let status = response.status().as_u16();
        if matches!(status, 200..=202) {
            return Delivery::Delivered;
        }
        // The service's explanation, bounded, for the Jobs page.
        let words = match tokio::time::timeout(TIMEOUT, response.into_body().collect()).await {
            Ok(Ok(body)) => String::from_utf8_lossy(&body.to_bytes())
                .chars()
                .take(200)
                .collect(),
            _ => String::new(),
        };
        let said = format!("the push service answered {status} {words}")
            .trim_end()
            .to_owned();
        match status {
            404 | 410 => Delivery::Gone,
            429 | 500..=599 => Delivery::Later(said),
            _ => Delivery::Refused(said),
        }
    }
}

/// The `push.send` job.
pub async fn send_queued(
    ctx: JobContext,
    pusher: Option<&Pusher>,
    payload: serde_json::Value,
) -> Result<(), String> {
    let job: PushJob =
        serde_json::from_value(payload).map_err(|err| format!("the job is unreadable: {err}"))?;
    let Some(pusher) = pusher else {
        tracing::warn!("a push was queued, but VAPID_PRIVATE_KEY is not set: dropped");
        return Ok(());
    };
    let db = &ctx.state.db;
    let database = |err: sqlx::Error| format!("database: {err}");
    let Some(subscription) = sqlx::query!(
        "select endpoint, p256dh, auth_secret from push_subscriptions
          where id = $1 and failed_at is null",
        job.subscription_id
    )
    .fetch_optional(db)
    .await
    .map_err(database)?
    else {
        return Ok(()); // unsubscribed since, or refused for good
    };
    let message = serde_json::to_vec(&job.message).expect("a push message serialises");
    let delivery = pusher
        .send(
            &subscription.endpoint,
            &subscription.p256dh,
            &subscription.auth_secret,
            &message,
        )
        .await;
    match delivery {
        Delivery::Delivered => {
            sqlx::query!(
                "update push_subscriptions set last_used_at = now() where id = $1",
                job.subscription_id
            )
            .execute(db)
            .await
            .map_err(database)?;
            Ok(())
        }
        Delivery::Gone => {
            sqlx::query!(
                "delete from push_subscriptions where id = $1",
                job.subscription_id
            )
            .execute(db)
            .await
            .map_err(database)?;
            tracing::info!(subscription = %job.subscription_id, "push subscription gone: removed");
            Ok(())
        }
        Delivery::Refused(why) => {
            sqlx::query!(
                "update push_subscriptions set failed_at = now() where id = $1",
                job.subscription_id
            )
            .execute(db)
            .await
            .map_err(database)?;
            tracing::warn!(subscription = %job.subscription_id, %why, "push refused: subscription paused");
            Ok(())
        }
        Delivery::Later(why) => Err(why),
    }
}
