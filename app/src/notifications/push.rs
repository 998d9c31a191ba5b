//! Web Push: a person's browsers subscribe (the service worker's push manager, with the
//! server's VAPID public key), and `notify` queues one `push.send` job per subscription
//! when they want the kind pushed. The server encrypts and delivers (`server::push`);
//! the service worker shows the notification and opens its link.

#[cfg(feature = "ssr")]
use crate::auth::door::{Caller, serve};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use caretrack::permissions::Permission;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const SEND_PUSH_KIND: &str = "push.send";

/// What the service worker shows: `sw.js` reads these fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushMessage {
    pub title: String,
    pub body: String,
    /// The app path a tap opens.
    pub link: Option<String>,
    /// One shown per tag: a newer push of the kind replaces the older.
    pub tag: String,
}

/// A browser's subscription as `PushSubscription.toJSON()` gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub endpoint: String,
    /// base64url: the browser's P-256 public key.
    pub p256dh: String,
    /// base64url: 16 bytes.
    pub auth: String,
}

/// The key browsers subscribe with (base64url), or `None` when this server does not
/// send pushes.
#[server(endpoint = "push_public_key", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn push_public_key() -> Result<Option<String>, AppError> {
    serve(
        Permission::ManageOwnAccount,
        async |Caller { state, .. }| Ok(state.settings.push_public_key.clone()),
    )
    .await
}

/// Keeps this browser's subscription for the signed-in person (a browser someone else
/// subscribed before now reaches this person only). Audited.
#[server(endpoint = "subscribe_push", client = crate::csrf::CsrfClient, output = crate::codec::Json, input = leptos::server_fn::codec::Json)]
pub async fn subscribe_push(subscription: Subscription) -> Result<(), AppError> {
    serve(
        Permission::ManageOwnAccount,
        async |Caller { user, state, .. }| ssr::subscribe(&state, &user, &subscription).await,
    )
    .await
}

/// Forgets this browser's subscription (turned off here, or signing out).
#[server(endpoint = "unsubscribe_push", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn unsubscribe_push(endpoint: String) -> Result<(), AppError> {
    serve(
        Permission::ManageOwnAccount,
        async |Caller { user, state, .. }| ssr::unsubscribe(&state, &user, &endpoint).await,
    )
    .await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::{PushMessage, SEND_PUSH_KIND, Subscription};
    use crate::{
        audit::{self, Actor, Entry},
        auth::CurrentUser,
        error::AppError,
        jobs::{NewJob, enqueue},
        state::{AppState, Environment},
    };
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
    use serde::{Deserialize, Serialize};
    use sqlx::{PgConnection, types::Uuid};

    /// The `push.send` job: one message to one subscription.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    pub struct PushJob {
        pub subscription_id: Uuid,
        pub message: PushMessage,
    }

    /// Longest endpoint kept (push services' URLs are a few hundred characters).
    const MAX_ENDPOINT: usize = 1024;
    /// The body shown on a phone is cut here (a push carries under 4 KB).
    const MAX_BODY: usize = 1000;

    /// Queues `message` for each of `user`'s working subscriptions; how many.
    pub async fn enqueue_for(
        conn: &mut PgConnection,
        user: Uuid,
        message: PushMessage,
    ) -> Result<usize, sqlx::Error> {
        let subscriptions = sqlx::query_scalar!(
            "select id from push_subscriptions where user_id = $1 and failed_at is null",
            user
        )
        .fetch_all(&mut *conn)
        .await?;
        let message = PushMessage {
            body: message.body.chars().take(MAX_BODY).collect(),
            ..message
        };
        for &subscription_id in &subscriptions {
            let job = PushJob {
                subscription_id,
                message: message.clone(),
            };
            // A push a day late is noise: a few quick retries, then it is dropped.
            let mut job = NewJob::new(SEND_PUSH_KIND, &job);
            job.max_attempts = 5;
            enqueue(conn, job).await?;
        }
        Ok(subscriptions.len())
    }

    /// The browsers' push services (Chrome, Edge's and Samsung's via FCM, Firefox,
    /// Safari, Windows). In production the server posts only to these, so a
    /// subscription cannot aim the server's requests at anything else.
    const PUSH_SERVICES: [&str; 4] = [
        ".googleapis.com",
        ".mozilla.com",
        ".push.apple.com",
        ".notify.windows.com",
    ];

    /// The scheme (https or not), host and port of an endpoint, parsed once as a URI: an
    /// absolute http(s) address with a plain host, no user part and no fragment (whose
    /// `#` would otherwise hide the real host from a text check).
    fn push_service(endpoint: &str) -> Option<(bool, String, Option<u16>)> {
        if endpoint.contains('#') {
            return None;
        }
        let uri: axum::http::Uri = endpoint.parse().ok()?;
        let https = match uri.scheme_str()? {
            "https" => true,
            "http" => false,
            _ => return None,
        };
        let authority = uri.authority()?;
        if authority.as_str().contains('@') {
            return None;
        }
        let host = authority.host().to_ascii_lowercase();
        let plain = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'));
        plain.then(|| (https, host, uri.port_u16()))
    }

    /// What is wrong with a subscription a browser sent, if anything.
    pub(super) fn check(
        subscription: &Subscription,
        environment: Environment,
    ) -> Result<(), AppError> {
        let invalid = |field: &str, message: &str| Err(AppError::validation(field, message));
        let endpoint = subscription.endpoint.trim();
        let allowed = endpoint.len() <= MAX_ENDPOINT
            && !endpoint.contains(char::is_whitespace)
            && push_service(endpoint).is_some_and(|(https, host, port)| match environment {
                Environment::Production => {
                    https
                        && port.is_none_or(|p| p == 443)
                        && PUSH_SERVICES.iter().any(|service| host.ends_with(service))
                }
                // A local push service for development and tests.
                _ => true,
            });
        if !allowed {
            return invalid("endpoint", "This is not a push service address.");
        }
        match B64.decode(subscription.p256dh.trim_end_matches('=')) {
            Ok(key) if key.len() == 65 && key[0] == 0x04 => {}
            _ => return invalid("p256dh", "The browser's push key is not readable."),
        }
        match B64.decode(subscription.auth.trim_end_matches('=')) {
            Ok(secret) if secret.len() == 16 => Ok(()),
            _ => invalid("auth", "The browser's push secret is not readable."),
        }
    }

    pub async fn subscribe(
        state: &AppState,
        user: &CurrentUser,
        subscription: &Subscription,
    ) -> Result<(), AppError> {
        if state.settings.push_public_key.is_none() {
            return Err(AppError::Conflict(
                "Notifications to phones are not set up on this server.".into(),
            ));
        }
        check(subscription, state.settings.environment)?;
        let meta = crate::auth::request_meta();
        let user_agent: Option<String> = meta
            .user_agent
            .as_deref()
            .map(|ua| ua.chars().take(300).collect());
        let mut tx = state.db.begin().await?;
        // A push address already known moves to this person only with the browser's own
        // secret keys (a shared phone, signed in by someone else): the address alone is
        // not proof of holding the browser.
        let id = sqlx::query_scalar!(
            "insert into push_subscriptions (user_id, endpoint, p256dh, auth_secret, user_agent)
             values ($1, $2, $3, $4, $5)
             on conflict (endpoint) do update
                set user_id = excluded.user_id, p256dh = excluded.p256dh,
                    auth_secret = excluded.auth_secret, user_agent = excluded.user_agent,
                    failed_at = null
              where push_subscriptions.user_id = excluded.user_id
                 or (push_subscriptions.p256dh = excluded.p256dh
                     and push_subscriptions.auth_secret = excluded.auth_secret)
             returning id",
            user.user_id,
            subscription.endpoint.trim(),
            subscription.p256dh.trim_end_matches('='),
            subscription.auth.trim_end_matches('='),
            user_agent
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| {
            AppError::Conflict(
                "This browser's notifications belong to another account. Turn them off there first."
                    .into(),
            )
        })?;
        audit::commit(
            tx,
            &Actor::user(user, &meta),
            Entry::new("notifications.push_subscribed").entity("push_subscription", id),
        )
        .await?;
        Ok(())
    }

    pub async fn unsubscribe(
        state: &AppState,
        user: &CurrentUser,
        endpoint: &str,
    ) -> Result<(), AppError> {
        let mut tx = state.db.begin().await?;
        let removed = sqlx::query_scalar!(
            "delete from push_subscriptions where user_id = $1 and endpoint = $2 returning id",
            user.user_id,
            endpoint.trim()
        )
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = removed {
            let meta = crate::auth::request_meta();
            audit::record(
                &mut tx,
                &Actor::user(user, &meta),
                Entry::new("notifications.push_unsubscribed").entity("push_subscription", id),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::{Subscription, ssr::check};
    use crate::state::Environment;

    fn with(endpoint: &str) -> Subscription {
        Subscription {
            endpoint: endpoint.into(),
            // An uncompressed point's prefix and a 16-byte secret, base64url.
            p256dh: format!("BA{}", "A".repeat(85)),
            auth: "AAAAAAAAAAAAAAAAAAAAAA".into(),
        }
    }

    #[test]
    fn in_production_only_the_browsers_push_services_are_posted_to() {
        let production = Environment::Production;
        for real in [
            "https://fcm.googleapis.com/fcm/send/abc:def",
            "https://updates.push.services.mozilla.com/wpush/v2/gAAA",
            "https://web.push.apple.com/QGuQyavXutnMH6Ig2uYOJDwA",
            "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAD",
        ] {
            assert!(check(&with(real), production).is_ok(), "{real}");
        }
        for aimed in [
            "http://fcm.googleapis.com/fcm/send/abc",
            "https://169.254.169.254/latest/meta-data",
            "https://internal.example/admin",
            "https://googleapis.com.evil.example/x",
            "https://user@evil.example?.googleapis.com",
            "https://fcm.googleapis.com:8443/x",
            "https://evil.example#.fcm.googleapis.com",
            "https://evil.example/#/.fcm.googleapis.com",
            "https://evil.example\\.fcm.googleapis.com",
            "https://FCM.googleapis.com.evil.example/x",
            "https://[::1]/.googleapis.com",
        ] {
            assert!(check(&with(aimed), production).is_err(), "{aimed}");
        }
        assert!(check(&with("http://127.0.0.1:4000/push/1"), Environment::Test).is_ok());
        assert!(check(&with("javascript:alert(1)"), Environment::Test).is_err());
    }
}
