//! The server side of live updates: raising events during a request or job, and
//! publishing them on Redis once the work has succeeded.
//!
//! `emit` puts an event in the *outbox* of the task doing the work (a request or a
//! job). The HTTP layer (`server::live::publish_after`) and the job worker publish the
//! outbox only when the work succeeded: a handler commits before it answers, and a
//! failure rolls its transaction back, so the events of a rolled-back change are never
//! sent. Publishing numbers each event in its room (`INCR`) and `PUBLISH`es it in one
//! Lua script, so numbers and bus order agree. Every server instance subscribes to the
//! one channel and hands each event to the sockets it holds in that room.

use crate::state::RedisHandle;
use caretrack::live::{Event, Room, RoomSeq};
use std::{cell::RefCell, future::Future};

/// The Redis channel every instance subscribes to.
pub const CHANNEL: &str = "live:events";

fn seq_key(room: &str) -> String {
    format!("live:seq:{room}")
}

tokio::task_local! {
    static OUTBOX: RefCell<Vec<(Room, Event)>>;
}

/// Raises `event` in `room`, to be published when the current request or job succeeds.
pub fn emit(room: Room, event: Event) {
    let kept = OUTBOX.try_with(|outbox| outbox.borrow_mut().push((room, event)));
    if kept.is_err() {
        // A bug, not a user error: the event would be lost silently otherwise.
        tracing::error!(
            room = room.key(),
            "live event raised outside a request or job: not sent"
        );
    }
}

/// The rooms that follow a carer's practice and competence: the carer's own and the
/// office's (care managers and assessors).
pub fn carer_and_office(carer: caretrack::ids::UserId) -> [Room; 3] {
    use caretrack::Role;
    [
        Room::User(carer),
        Room::Role(Role::Admin),
        Room::Role(Role::Assessor),
    ]
}

/// Raises one event in several rooms.
pub fn emit_to(rooms: impl IntoIterator<Item = Room>, event: &Event) {
    for room in rooms {
        emit(room, event.clone());
    }
}

/// Runs `work` with an outbox and hands back what it raised.
pub async fn collect<F: Future>(work: F) -> (F::Output, Vec<(Room, Event)>) {
    OUTBOX
        .scope(RefCell::new(Vec::new()), async move {
            let output = work.await;
            let events = OUTBOX.with(RefCell::take);
            (output, events)
        })
        .await
}

/// Runs `work` with its own outbox and publishes what it raised if it succeeded: for
/// jobs, for work spawned off a request, and for work committed on its own before the
/// request fails (a nested outbox takes the events for itself).
pub async fn publishing<T, E>(
    redis: &RedisHandle,
    work: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let (outcome, events) = collect(work).await;
    if outcome.is_ok() {
        publish(redis, events).await;
    }
    outcome
}

/// Numbers each event in its room and publishes it, in one round trip. The message is
/// the socket frame itself (`ServerMessage::Event`), so instances forward it untouched.
const PUBLISH: &str = r#"
local seq = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', KEYS[2],
  '{"msg":"event","room":"' .. ARGV[1] .. '","seq":' .. seq .. ',"event":' .. ARGV[2] .. '}')
return seq
"#;

/// Publishes events. A failure is logged, not returned: the change they describe has
/// been made, and clients catch up by the room numbers when they next hear anything.
pub async fn publish(redis: &RedisHandle, events: Vec<(Room, Event)>) {
    if events.is_empty() {
        return;
    }
    let result: Result<(), redis::RedisError> = async {
        let mut pipe = redis::pipe();
        for (room, event) in &events {
            let key = room.key();
            let json = serde_json::to_string(event).map_err(|err| {
                redis::RedisError::from((redis::ErrorKind::Client, "event", err.to_string()))
            })?;
            pipe.cmd("EVAL")
                .arg(PUBLISH)
                .arg(2)
                .arg(seq_key(&key))
                .arg(CHANNEL)
                .arg(key)
                .arg(json)
                .ignore();
        }
        let mut conn = redis.connection().await?;
        pipe.query_async::<()>(&mut conn).await
    }
    .await;
    if let Err(err) = result {
        tracing::warn!(error = %err, events = events.len(), "live events not published");
    }
}

/// The current number of each room (0 for a room that has had no event).
pub async fn room_seqs(
    redis: &RedisHandle,
    rooms: &[Room],
) -> Result<Vec<RoomSeq>, redis::RedisError> {
    let keys: Vec<String> = rooms.iter().map(Room::key).collect();
    let mut conn = redis.connection().await?;
    let seqs: Vec<Option<u64>> = redis::cmd("MGET")
        .arg(keys.iter().map(|k| seq_key(k)).collect::<Vec<_>>())
        .query_async(&mut conn)
        .await?;
    Ok(keys
        .into_iter()
        .zip(seqs)
        .map(|(room, seq)| RoomSeq {
            room,
            seq: seq.unwrap_or(0),
        })
        .collect())
}

/// Who is online: one expiring key per open socket, refreshed with each heartbeat and
/// removed when the socket closes; a crashed instance's keys expire on their own.
pub mod presence {
    use super::RedisHandle;
    use sqlx::types::Uuid;
    use std::time::Duration;

    /// A socket counts as present this long after its last heartbeat.
    pub const TTL: Duration = Duration::from_secs(45);

    pub fn key(user: Uuid, socket: &str) -> String {
        format!("live:presence:{user}:{socket}")
    }

    /// Marks a socket present (again).
    pub async fn mark(
        redis: &RedisHandle,
        user: Uuid,
        socket: &str,
    ) -> Result<(), redis::RedisError> {
        let mut conn = redis.connection().await?;
        redis::cmd("SET")
            .arg(key(user, socket))
            .arg(1)
            .arg("EX")
            .arg(TTL.as_secs())
            .query_async(&mut conn)
            .await
    }

    pub async fn clear(
        redis: &RedisHandle,
        user: Uuid,
        socket: &str,
    ) -> Result<(), redis::RedisError> {
        let mut conn = redis.connection().await?;
        redis::cmd("DEL")
            .arg(key(user, socket))
            .query_async(&mut conn)
            .await
    }

    /// The people with at least one live socket.
    pub async fn online(redis: &RedisHandle) -> Result<Vec<Uuid>, redis::RedisError> {
        let mut conn = redis.connection().await?;
        let mut cursor = 0u64;
        let mut users = std::collections::BTreeSet::new();
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg("live:presence:*")
                .arg("COUNT")
                .arg(500)
                .query_async(&mut conn)
                .await?;
            users.extend(keys.iter().filter_map(|key| {
                let rest = key.strip_prefix("live:presence:")?;
                rest.split_once(':')?.0.parse::<Uuid>().ok()
            }));
            if next == 0 {
                break;
            }
            cursor = next;
        }
        Ok(users.into_iter().collect())
    }
}
