//! The real-time hub of one server instance: the sockets it holds, by room; the Redis
//! subscription that brings every instance's events; and the HTTP layer that publishes
//! a request's events once it has succeeded (`app::live::bus` raises and publishes).
//!
//! Fan-out across instances is Redis pub/sub: an event is published once, every
//! instance hears it and writes it to the sockets it holds in the event's room. The
//! published text is already the socket frame, so an instance parses only the room
//! and forwards the same bytes to every socket.

mod socket;

pub use socket::upgrade;

use app::{live::bus, state::AppState, state::RedisHandle};
use axum::{
    extract::{Request, State, ws::Utf8Bytes},
    middleware::Next,
    response::Response,
};
use futures::StreamExt;
use std::{
    collections::HashMap,
    future::Future,
    sync::{
        Arc, RwLock,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};
use tokio::sync::{mpsc, watch};

/// Frames waiting for one socket. A socket this far behind misses events, and its
/// client notices the gap in the numbers and refetches.
const SOCKET_BACKLOG: usize = 256;

pub type Outgoing = mpsc::Sender<Utf8Bytes>;

/// The sockets of this instance, by room.
pub struct Hub {
    rooms: RwLock<HashMap<String, HashMap<u64, Outgoing>>>,
    next_socket: AtomicU64,
    /// Raised once the Redis subscription is in place (tests wait for it).
    subscribed: watch::Sender<bool>,
    /// Raised at shutdown: every socket closes so the server can stop.
    closing: watch::Sender<bool>,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            rooms: RwLock::default(),
            next_socket: AtomicU64::new(1),
            subscribed: watch::Sender::new(false),
            closing: watch::Sender::new(false),
        }
    }
}

impl Hub {
    fn new_socket(&self) -> (u64, Outgoing, mpsc::Receiver<Utf8Bytes>) {
        let (tx, rx) = mpsc::channel(SOCKET_BACKLOG);
        (self.next_socket.fetch_add(1, Ordering::Relaxed), tx, rx)
    }

    fn join(&self, room: &str, socket: u64, outgoing: &Outgoing) {
        self.rooms
            .write()
            .expect("not poisoned")
            .entry(room.to_owned())
            .or_default()
            .insert(socket, outgoing.clone());
    }

    fn leave(&self, room: &str, socket: u64) {
        let mut rooms = self.rooms.write().expect("not poisoned");
        if let Some(members) = rooms.get_mut(room) {
            members.remove(&socket);
            if members.is_empty() {
                rooms.remove(room);
            }
        }
    }

    /// Hands a published frame to this instance's sockets in its room; how many.
    pub fn dispatch(&self, frame: String) -> usize {
        #[derive(serde::Deserialize)]
        struct Head {
            room: String,
        }
        let Ok(Head { room }) = serde_json::from_str::<Head>(&frame) else {
            tracing::warn!("unreadable live event on the bus");
            return 0;
        };
        let frame = Utf8Bytes::from(frame);
        let rooms = self.rooms.read().expect("not poisoned");
        let Some(members) = rooms.get(&room) else {
            return 0;
        };
        for outgoing in members.values() {
            // Full: this socket misses the event and its client sees the gap.
            let _ = outgoing.try_send(frame.clone());
        }
        members.len()
    }

    /// Open sockets on this instance.
    pub fn sockets(&self) -> usize {
        let rooms = self.rooms.read().expect("not poisoned");
        rooms
            .iter()
            .filter(|(room, _)| room.starts_with("user:"))
            .map(|(_, members)| members.len())
            .sum()
    }

    /// Waits until this instance hears the bus.
    pub async fn wait_subscribed(&self) {
        let mut flag = self.subscribed.subscribe();
        let _ = flag.wait_for(|up| *up).await;
    }

    /// Closes every socket (shutdown); clients reconnect to another instance.
    pub fn close_all(&self) {
        self.closing.send_replace(true);
    }

    fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }
}

/// Listens to the bus until `shutdown`, handing each event to the hub; re-subscribes
/// after Redis drops the connection.
pub async fn listen(hub: Arc<Hub>, redis: Arc<RedisHandle>, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        let session = async {
            let mut pubsub = redis.pubsub().await?;
            pubsub.subscribe(bus::CHANNEL).await?;
            hub.subscribed.send_replace(true);
            tracing::info!("live: listening to the bus");
            let mut messages = pubsub.on_message();
            while let Some(message) = messages.next().await {
                match message.get_payload::<String>() {
                    Ok(frame) => {
                        hub.dispatch(frame);
                    }
                    Err(err) => tracing::warn!(error = %err, "unreadable bus message"),
                }
            }
            Ok::<(), redis::RedisError>(())
        };
        tokio::select! {
            ended = session => {
                hub.subscribed.send_replace(false);
                match ended {
                    Ok(()) => tracing::warn!("live: the bus connection closed; reconnecting"),
                    Err(err) => tracing::warn!(error = %err, "live: bus unavailable; retrying"),
                }
            }
            () = &mut shutdown => return,
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
            () = &mut shutdown => return,
        }
    }
}

/// Publishes the events a request raised once it has succeeded (a 2xx or 3xx answer
/// comes after the commit; an error answer means the change rolled back).
pub async fn publish_after(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (response, events) = bus::collect(next.run(request)).await;
    if response.status().as_u16() < 400 {
        bus::publish(&state.redis, events).await;
    }
    response
}
