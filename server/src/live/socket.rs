//! One browser tab's socket: `GET /ws`, authenticated by the session cookie (the
//! authentication layer has already admitted the session), Origin checked. The socket
//! joins its user's and role's rooms, and package rooms on request after a visibility
//! check. It is pinged every `HEARTBEAT`, closed when silent for `IDLE_AFTER`, when
//! its session is no longer live (checked every `SESSION_CHECK`), or when the client
//! sends faster than its `MessageBudget`.

use super::{Hub, Outgoing};
use app::{
    auth::{CurrentUser, sessions},
    error::AppError,
    live::bus::{self, presence},
    state::AppState,
};
use axum::{
    Extension,
    extract::{
        State,
        ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade},
    },
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
};
use caretrack::{
    Role,
    ids::CarePackageId,
    live::{
        ClientMessage, HEARTBEAT, IDLE_AFTER, MAX_CLIENT_MESSAGE, MessageBudget, Room, RoomSeq,
        SESSION_CHECK, ServerMessage, close,
    },
    permissions::{Permission, Scope},
};
use std::{
    sync::Arc,
    time::{Instant, SystemTime, UNIX_EPOCH},
};
use tokio::time::{MissedTickBehavior, interval};

/// How long a new socket waits for this instance to hear the bus (at start, or while
/// Redis is back after an outage) before it is closed to try again later.
const BUS_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// `GET /ws`: the upgrade, for a signed-in person from one of our own pages.
pub async fn upgrade(
    State(state): State<AppState>,
    Extension(hub): Extension<Arc<Hub>>,
    user: Option<Extension<CurrentUser>>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let Some(Extension(user)) = user else {
        return AppError::Unauthenticated.into_response();
    };
    if !origin_is_ours(&headers, &state.settings.public_url) {
        tracing::warn!(user_id = %user.user_id, "live socket refused: foreign or missing Origin");
        return AppError::Forbidden.into_response();
    }
    if let Err(refused) = app::auth::admit(&state, &user).await {
        return refused.into_response();
    }
    // Clients send little (1 KiB at most) and every frame out is flushed as it goes:
    // small buffers instead of tungstenite's 128 KiB read buffer per socket (which was
    // most of a socket's memory in the fan-out benchmark).
    upgrade
        .max_message_size(MAX_CLIENT_MESSAGE)
        .max_frame_size(MAX_CLIENT_MESSAGE)
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .on_upgrade(move |socket| serve(socket, state, hub, user))
}

/// Browsers always send `Origin` on a WebSocket handshake; a page on another site must
/// not ride on the person's cookies (cross-site WebSocket hijacking).
fn origin_is_ours(headers: &HeaderMap, public_url: &str) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    if origin == public_url.trim_end_matches('/') {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    host.is_some() && origin_host == host
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn frame(message: &ServerMessage) -> Message {
    Message::Text(Utf8Bytes::from(
        serde_json::to_string(message).expect("server messages serialise"),
    ))
}

fn closing(code: u16, reason: &'static str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: Utf8Bytes::from_static(reason),
    }))
}

/// The rooms a socket is in, left together when it closes.
struct Membership<'a> {
    hub: &'a Hub,
    socket: u64,
    outgoing: Outgoing,
    rooms: Vec<String>,
}

impl Membership<'_> {
    fn join(&mut self, room: Room) -> String {
        let key = room.key();
        if !self.rooms.contains(&key) {
            self.hub.join(&key, self.socket, &self.outgoing);
            self.rooms.push(key.clone());
        }
        key
    }

    fn leave(&mut self, room: Room) {
        let key = room.key();
        self.hub.leave(&key, self.socket);
        self.rooms.retain(|joined| *joined != key);
    }
}

impl Drop for Membership<'_> {
    fn drop(&mut self) {
        for room in &self.rooms {
            self.hub.leave(room, self.socket);
        }
    }
}

async fn serve(mut socket: WebSocket, state: AppState, hub: Arc<Hub>, user: CurrentUser) {
    // Welcomed only once this instance hears the bus, so nothing after the welcome's
    // numbers can pass it by.
    let hearing = tokio::time::timeout(BUS_WAIT, hub.wait_subscribed()).await;
    if hearing.is_err() {
        let _ = socket.send(closing(1011, "live updates unavailable")).await;
        return;
    }
    let (id, outgoing, mut incoming_events) = hub.new_socket();
    let presence_name = format!("{}-{id}", user.session_id);
    let mut member = Membership {
        hub: &hub,
        socket: id,
        outgoing,
        rooms: Vec::new(),
    };
    // Joined before the numbers are read: an event raised in between arrives as well
    // as being counted, rather than being lost.
    let base = [Room::User(user.user_id.into()), Room::Role(user.role)];
    for room in base {
        member.join(room);
    }
    let welcome = match bus::room_seqs(&state.redis, &base).await {
        Ok(rooms) => ServerMessage::Welcome { rooms },
        Err(err) => {
            tracing::warn!(error = %err, "live socket refused: Redis unavailable");
            let _ = socket.send(closing(1011, "live updates unavailable")).await;
            return;
        }
    };
    if socket.send(frame(&welcome)).await.is_err() {
        return;
    }
    mark_present(&state, &user, &presence_name).await;

    let mut budget = MessageBudget::for_socket(now_ms());
    let mut heartbeat = interval(HEARTBEAT);
    heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
    heartbeat.tick().await;
    let mut session_check = interval(SESSION_CHECK);
    session_check.set_missed_tick_behavior(MissedTickBehavior::Delay);
    session_check.tick().await;
    let mut shutdown = hub.closing();
    let shutdown = async move {
        let _ = shutdown.wait_for(|closing| *closing).await;
    };
    tokio::pin!(shutdown);
    let mut last_heard = Instant::now();

    let goodbye = loop {
        tokio::select! {
            Some(text) = incoming_events.recv() => {
                if socket.send(Message::Text(text)).await.is_err() {
                    break None;
                }
            }
            received = socket.recv() => {
                let Some(Ok(message)) = received else { break None };
                last_heard = Instant::now();
                match message {
                    Message::Text(text) => {
                        if !budget.allow(now_ms()) {
                            break Some(closing(close::RATE_LIMITED, "too many messages"));
                        }
                        let answer = handle(&state, &user, &mut member, &text).await;
                        if let Some(answer) = answer
                            && socket.send(frame(&answer)).await.is_err()
                        {
                            break None;
                        }
                    }
                    Message::Binary(_) | Message::Ping(_) => {
                        if !budget.allow(now_ms()) {
                            break Some(closing(close::RATE_LIMITED, "too many messages"));
                        }
                    }
                    Message::Pong(_) => {}
                    Message::Close(_) => break None,
                }
            }
            _ = heartbeat.tick() => {
                if last_heard.elapsed() > IDLE_AFTER {
                    break Some(closing(close::IDLE, "no answer to heartbeats"));
                }
                if socket.send(Message::Ping(Default::default())).await.is_err() {
                    break None;
                }
                mark_present(&state, &user, &presence_name).await;
            }
            _ = session_check.tick() => {
                let live = sessions::is_live(&state, user.session_id, user.user_id, user.role).await;
                match live {
                    Ok(true) => {}
                    Ok(false) => break Some(closing(close::SESSION_ENDED, "session ended")),
                    // A passing outage must not drop every socket at once; the next
                    // check decides.
                    Err(err) => tracing::warn!(error = %err, "live socket: session check failed"),
                }
            }
            () = &mut shutdown => {
                break Some(closing(1012, "server restarting"));
            }
        }
    };
    if let Some(goodbye) = goodbye {
        let _ = socket.send(goodbye).await;
    }
    drop(member);
    if let Err(err) = presence::clear(&state.redis, user.user_id, &presence_name).await {
        tracing::debug!(error = %err, "presence not cleared (it expires)");
    }
}

async fn mark_present(state: &AppState, user: &CurrentUser, name: &str) {
    if let Err(err) = presence::mark(&state.redis, user.user_id, name).await {
        tracing::debug!(error = %err, "presence not recorded");
    }
}

/// Answers one message from the client.
async fn handle(
    state: &AppState,
    user: &CurrentUser,
    member: &mut Membership<'_>,
    text: &str,
) -> Option<ServerMessage> {
    let Ok(message) = serde_json::from_str::<ClientMessage>(text) else {
        return Some(ServerMessage::Refused {
            reason: "unreadable message".into(),
        });
    };
    match message {
        ClientMessage::Join { package_id } => {
            match may_see_package(state, user, package_id).await {
                Ok(true) => {
                    let room = Room::Package(package_id);
                    let key = member.join(room);
                    let seq = match bus::room_seqs(&state.redis, &[room]).await {
                        Ok(mut seqs) => seqs.pop().map_or(0, |s| s.seq),
                        Err(_) => 0,
                    };
                    Some(ServerMessage::Joined {
                        room: RoomSeq { room: key, seq },
                    })
                }
                Ok(false) => Some(ServerMessage::Refused {
                    reason: "you cannot see that care package".into(),
                }),
                Err(err) => {
                    tracing::warn!(error = %err, "live socket: package check failed");
                    Some(ServerMessage::Refused {
                        reason: "could not check the care package; try again".into(),
                    })
                }
            }
        }
        ClientMessage::Leave { package_id } => {
            member.leave(Room::Package(package_id));
            None
        }
    }
}

/// Office roles that see care see every live package; a carer only those they work at.
async fn may_see_package(
    state: &AppState,
    user: &CurrentUser,
    package: CarePackageId,
) -> Result<bool, sqlx::Error> {
    let scope = user.role.scope(Permission::ViewCare);
    let own_only = match scope {
        None => return Ok(false),
        Some(Scope::All) => false,
        Some(Scope::Own) => true,
    };
    debug_assert!(!own_only || user.role == Role::Carer);
    sqlx::query_scalar!(
        r#"select exists (
             select 1 from care_packages p
              where p.id = $1 and p.deleted_at is null
                and (not $3 or exists (select 1 from carer_packages cp
                                        where cp.package_id = p.id and cp.carer_id = $2))
           ) as "visible!""#,
        package.into_uuid(),
        user.user_id,
        own_only
    )
    .fetch_one(&state.db)
    .await
}
