//! The live protocol: who hears what over the `/ws` socket, the one event type the
//! server raises and the browser reacts to, and the socket's own rules (heartbeats,
//! idleness, the message budget, the reconnect backoff).
//!
//! Events are invalidation hints with ids, not copies of the data: a page that hears
//! one refetches what it shows through its usual server function, so the permission
//! checks stay where they are and a missed event costs only freshness. Every event is
//! numbered per room (`seq`); a client that sees a gap, or reconnects behind the room's
//! number, refetches everything it shows.

use crate::{
    Role,
    ids::{AssessmentId, CarePackageId, NotificationId, ShiftId, TaskId, UserId},
    retry::{AfterFailure, RetryPolicy},
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A group of sockets an event is sent to. A socket is always in its user's and its
/// role's room; it joins a package's room on request, after a visibility check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "room", content = "id", rename_all = "snake_case")]
pub enum Room {
    User(UserId),
    Role(Role),
    Package(CarePackageId),
}

impl Room {
    /// The room's name on the bus and in sequence keys: `user:<uuid>`, `role:CARER`,
    /// `package:<uuid>`.
    pub fn key(&self) -> String {
        match self {
            Room::User(id) => format!("user:{id}"),
            Room::Role(role) => format!("role:{}", role.as_str()),
            Room::Package(id) => format!("package:{id}"),
        }
    }

    pub fn parse_key(key: &str) -> Option<Room> {
        let (kind, rest) = key.split_once(':')?;
        match kind {
            "user" => rest.parse().ok().map(Room::User),
            "role" => rest.parse().ok().map(Room::Role),
            "package" => rest.parse().ok().map(Room::Package),
            _ => None,
        }
    }
}

/// Something changed that a page may be showing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A carer logged practice on a task (their progress moved).
    TaskProgress {
        carer_id: UserId,
        task_id: TaskId,
    },
    /// A carer's effective competency on a task changed.
    CompetencyChanged {
        carer_id: UserId,
        task_id: TaskId,
    },
    /// A carer finished the practice an assessment needs: it may be conducted.
    AssessmentReady {
        carer_id: UserId,
        assessment_id: AssessmentId,
    },
    /// A rating waits for the carer's confirmation.
    RatingPending {
        carer_id: UserId,
    },
    RatingConfirmed {
        carer_id: UserId,
    },
    RatingDisputed {
        carer_id: UserId,
    },
    /// A shift was sent out to eligible carers.
    ShiftPublished {
        shift_id: ShiftId,
    },
    /// A carer was selected for a shift.
    ShiftAssigned {
        shift_id: ShiftId,
        carer_id: UserId,
    },
    /// A shift's offer changed (interest shown or withdrawn, closed, filled).
    ShiftChanged {
        shift_id: ShiftId,
    },
    /// A week of a package's rota was published.
    RotaPublished {
        package_id: CarePackageId,
        /// The Monday of the week, `YYYY-MM-DD`.
        week: String,
    },
    /// A care package's details, tasks or carers changed.
    PackageUpdated {
        package_id: CarePackageId,
    },
    /// Something the care manager's dashboard counts changed.
    DashboardCounters,
    /// A record was appended to the audit log (the admins' live feed).
    AuditAppended {
        action: String,
    },
    /// A notification was created for the socket's user.
    NotificationCreated {
        id: NotificationId,
        kind: String,
        title: String,
        link: Option<String>,
    },
    /// A PDF report moved on (progress, ready, failed, archived, expired).
    ReportChanged {
        report_id: uuid::Uuid,
    },
}

impl Event {
    /// What the event is about, for filters: the `type` tag on the wire.
    pub const fn topic(&self) -> Topic {
        match self {
            Event::TaskProgress { .. } => Topic::TaskProgress,
            Event::CompetencyChanged { .. } => Topic::Competency,
            Event::AssessmentReady { .. } => Topic::Assessment,
            Event::RatingPending { .. }
            | Event::RatingConfirmed { .. }
            | Event::RatingDisputed { .. } => Topic::Rating,
            Event::ShiftPublished { .. }
            | Event::ShiftAssigned { .. }
            | Event::ShiftChanged { .. } => Topic::Shift,
            Event::RotaPublished { .. } => Topic::Rota,
            Event::PackageUpdated { .. } => Topic::Package,
            Event::DashboardCounters => Topic::Dashboard,
            Event::AuditAppended { .. } => Topic::Audit,
            Event::NotificationCreated { .. } => Topic::Notification,
            Event::ReportChanged { .. } => Topic::Report,
        }
    }
}

/// Families of events a page listens to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Topic {
    TaskProgress,
    Competency,
    Assessment,
    Rating,
    Shift,
    Rota,
    Package,
    Dashboard,
    Audit,
    Notification,
    Report,
}

impl Topic {
    pub const COUNT: usize = 11;

    /// A dense index (0..COUNT), for per-topic counters.
    pub const fn index(self) -> usize {
        self as usize
    }
}

/// An event as delivered: the room it was raised in and its number there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub room: String,
    pub seq: u64,
    pub event: Event,
}

/// What the server sends on the socket (JSON text frames).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "msg", rename_all = "snake_case")]
pub enum ServerMessage {
    /// First message after connecting: the rooms joined and their current numbers.
    Welcome {
        rooms: Vec<RoomSeq>,
    },
    /// A package room was joined, with its current number.
    Joined {
        room: RoomSeq,
    },
    /// A request the server would not do (e.g. a package the user may not see).
    Refused {
        reason: String,
    },
    Event(Delivery),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomSeq {
    pub room: String,
    pub seq: u64,
}

/// What the browser may send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "msg", rename_all = "snake_case")]
pub enum ClientMessage {
    Join { package_id: CarePackageId },
    Leave { package_id: CarePackageId },
}

/// Close codes the server uses (4000–4999 are the application's).
pub mod close {
    /// The session behind the socket ended (signed out, revoked, expired).
    pub const SESSION_ENDED: u16 = 4001;
    /// Too many messages from the client.
    pub const RATE_LIMITED: u16 = 4008;
    /// No answer to heartbeats.
    pub const IDLE: u16 = 4002;
}

/// The server pings this often; browsers answer pings on their own.
pub const HEARTBEAT: Duration = Duration::from_secs(20);
/// A socket that has sent nothing (not even a pong) for this long is closed.
pub const IDLE_AFTER: Duration = Duration::from_secs(60);
/// How often the server re-checks the session behind each socket.
pub const SESSION_CHECK: Duration = Duration::from_secs(3);
/// The longest text frame a client may send.
pub const MAX_CLIENT_MESSAGE: usize = 1024;

/// Reconnect delays: exponential from half a second up to 30 s, with equal jitter so a
/// restarted server is not hit by every tab at once. Never gives up.
pub fn reconnect_delay(attempt: u32, jitter: f64) -> Duration {
    let policy = RetryPolicy {
        base: time::Duration::milliseconds(500),
        cap: time::Duration::seconds(30),
        max_attempts: u32::MAX,
    };
    match policy.after_failure(attempt.max(1), jitter) {
        AfterFailure::RetryIn(delay) => delay.unsigned_abs(),
        AfterFailure::Dead => Duration::from_secs(30),
    }
}

/// A token bucket for messages from one client: `burst` at once, refilled at
/// `per_second`. Times are milliseconds from any fixed origin (the caller's clock).
#[derive(Clone, Debug)]
pub struct MessageBudget {
    burst: f64,
    per_second: f64,
    tokens: f64,
    last_ms: u64,
}

impl MessageBudget {
    /// The socket's limit: 20 messages at once, 5 a second after that.
    pub fn for_socket(now_ms: u64) -> Self {
        Self::new(20, 5, now_ms)
    }

    pub fn new(burst: u32, per_second: u32, now_ms: u64) -> Self {
        Self {
            burst: f64::from(burst),
            per_second: f64::from(per_second),
            tokens: f64::from(burst),
            last_ms: now_ms,
        }
    }

    /// Spends one message if the budget allows it.
    pub fn allow(&mut self, now_ms: u64) -> bool {
        let elapsed = now_ms.saturating_sub(self.last_ms) as f64 / 1000.0;
        self.last_ms = self.last_ms.max(now_ms);
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// What the client remembers of each room's numbering, to tell whether it missed
/// something.
#[derive(Clone, Debug, Default)]
pub struct SeqTracker {
    seen: std::collections::HashMap<String, u64>,
}

impl SeqTracker {
    /// Records the room numbers after (re)connecting. True when any room moved on
    /// while the client was away: the page must refetch. The first connection of a
    /// page has nothing to compare with and reports nothing missed.
    pub fn welcome(&mut self, rooms: &[RoomSeq]) -> bool {
        let mut missed = false;
        for room in rooms {
            if let Some(&seen) = self.seen.get(&room.room) {
                missed |= room.seq > seen;
            }
            let entry = self.seen.entry(room.room.clone()).or_insert(room.seq);
            *entry = (*entry).max(room.seq);
        }
        missed
    }

    /// Records a delivered event. True when events before it were missed (a gap).
    /// Old or repeated numbers are ignored and report nothing.
    pub fn delivered(&mut self, room: &str, seq: u64) -> bool {
        match self.seen.get_mut(room) {
            Some(seen) if seq <= *seen => false,
            Some(seen) => {
                let gap = seq > *seen + 1;
                *seen = seq;
                gap
            }
            None => {
                self.seen.insert(room.to_owned(), seq);
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn room_keys_round_trip() {
        let id: UserId = "67e55044-10b1-426f-9247-bb680e5fe0c8".parse().unwrap();
        for room in [
            Room::User(id),
            Room::Role(Role::Carer),
            Room::Package(CarePackageId::from_uuid(*id.as_uuid())),
        ] {
            assert_eq!(Room::parse_key(&room.key()), Some(room));
        }
        assert_eq!(Room::Role(Role::Admin).key(), "role:ADMIN");
        assert_eq!(Room::parse_key("role:MANAGER"), None);
        assert_eq!(Room::parse_key("shift:x"), None);
        assert_eq!(Room::parse_key("nonsense"), None);
    }

    #[test]
    fn messages_have_a_stable_wire_shape() {
        let id: CarePackageId = "67e55044-10b1-426f-9247-bb680e5fe0c8".parse().unwrap();
        let message = ServerMessage::Event(Delivery {
            room: "role:CARER".into(),
            seq: 7,
            event: Event::RotaPublished {
                package_id: id,
                week: "2026-11-23".into(),
            },
        });
        let json = serde_json::to_string(&message).unwrap();
        assert_eq!(
            json,
            r#"{"msg":"event","room":"role:CARER","seq":7,"event":{"type":"rota_published","package_id":"67e55044-10b1-426f-9247-bb680e5fe0c8","week":"2026-11-23"}}"#
        );
        assert_eq!(
            serde_json::from_str::<ServerMessage>(&json).unwrap(),
            message
        );
        let join: ClientMessage =
            serde_json::from_str(&format!(r#"{{"msg":"join","package_id":"{id}"}}"#)).unwrap();
        assert_eq!(join, ClientMessage::Join { package_id: id });
        assert!(serde_json::from_str::<ClientMessage>(r#"{"msg":"shout"}"#).is_err());
        let counters = serde_json::to_string(&Event::DashboardCounters).unwrap();
        assert_eq!(counters, r#"{"type":"dashboard_counters"}"#);
    }

    #[test]
    fn reconnects_back_off_exponentially_to_thirty_seconds() {
        let full = |attempt| reconnect_delay(attempt, 0.999_999).as_millis();
        assert_eq!([full(1), full(2), full(3)], [499, 999, 1999]);
        assert_eq!(full(20), 29_999);
        assert_eq!(reconnect_delay(1, 0.0).as_millis(), 250);
        assert_eq!(reconnect_delay(0, 0.0).as_millis(), 250);
        assert!(reconnect_delay(u32::MAX, 0.5) <= Duration::from_secs(30));
    }

    #[test]
    fn the_budget_allows_a_burst_then_the_rate() {
        let mut budget = MessageBudget::new(3, 2, 1_000);
        assert!((0..3).all(|_| budget.allow(1_000)));
        assert!(!budget.allow(1_000));
        assert!(!budget.allow(1_400), "0.8 of a message refilled");
        assert!(budget.allow(1_500));
        assert!(!budget.allow(1_500));
        // A long quiet spell refills only up to the burst.
        assert!((0..3).all(|_| budget.allow(60_000)));
        assert!(!budget.allow(60_000));
        // A clock that steps back refills nothing.
        assert!(!budget.allow(10_000));
    }

    #[test]
    fn a_reconnect_behind_the_room_or_a_gap_means_refetch() {
        let mut seen = SeqTracker::default();
        let at = |seq| {
            vec![RoomSeq {
                room: "user:a".into(),
                seq,
            }]
        };
        assert!(!seen.welcome(&at(4)), "first connection");
        assert!(!seen.delivered("user:a", 5));
        assert!(!seen.delivered("user:a", 5), "repeat");
        assert!(seen.delivered("user:a", 7), "6 was missed");
        assert!(!seen.welcome(&at(7)), "reconnected with nothing new");
        assert!(seen.welcome(&at(9)), "two events while away");
        assert!(!seen.delivered("user:a", 3), "old");
        assert!(!seen.delivered("package:b", 12), "a newly joined room");
    }

    proptest! {
        #[test]
        fn a_budget_never_allows_more_than_burst_plus_rate(
            steps in proptest::collection::vec(0u64..400, 1..200)
        ) {
            let mut budget = MessageBudget::new(20, 5, 0);
            let mut now = 0;
            let mut allowed = 0u64;
            for step in steps {
                now += step;
                allowed += u64::from(budget.allow(now));
            }
            prop_assert!(allowed <= 20 + now * 5 / 1000);
        }
    }
}
