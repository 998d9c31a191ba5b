//! Live updates: one WebSocket per tab (`/ws`), opened once someone is signed in, and
//! hooks pages use to refetch when something they show changes.
//!
//! The protocol (rooms, events, numbering, the socket's rules) is `caretrack::live`,
//! shared with the server. A page keys its resources on `use_live(&[Topic::…])`: the
//! counter moves when an event of those topics arrives, and also when the client knows
//! it missed events (a gap in a room's numbers, or a reconnect behind them).

pub mod api;
#[cfg(feature = "ssr")]
pub mod bus;
#[cfg(feature = "hydrate")]
mod socket;

use caretrack::ids::CarePackageId;
pub use caretrack::live::{Event, Room, Topic};
use leptos::prelude::*;

/// The tab's live connection, shared through context by the layout.
#[derive(Clone, Copy)]
pub struct Live {
    topics: [RwSignal<u64>; Topic::COUNT],
    /// Moves when everything should be refetched (events were missed).
    resync: RwSignal<u64>,
    /// Whether the socket is open.
    pub connected: RwSignal<bool>,
    /// The server closed the socket because the session ended.
    pub session_ended: RwSignal<bool>,
    /// The latest notification created for this person (shown as a toast).
    pub notification: RwSignal<Option<Event>>,
    /// Package rooms pages asked for, joined again after each reconnect.
    packages: RwSignal<Vec<CarePackageId>>,
}

impl Live {
    fn new() -> Self {
        Self {
            topics: std::array::from_fn(|_| RwSignal::new(0)),
            resync: RwSignal::new(0),
            connected: RwSignal::new(false),
            session_ended: RwSignal::new(false),
            notification: RwSignal::new(None),
            packages: RwSignal::new(Vec::new()),
        }
    }

    /// An event arrived.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn heard(&self, event: Event) {
        self.topics[event.topic().index()].update(|n| *n += 1);
        if matches!(event, Event::NotificationCreated { .. }) {
            self.notification.set(Some(event));
        }
    }

    /// A change made on this page: listeners of `topic` refetch as if an event came.
    pub fn touch(&self, topic: Topic) {
        self.topics[topic.index()].update(|n| *n += 1);
    }

    /// Events were missed: every page refetches.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn missed(&self) {
        self.resync.update(|n| *n += 1);
    }
}

/// Opens (and keeps open) the tab's socket while `signed_in` is true. Called once, by
/// the layout. On the server it only provides the (quiet) context.
pub fn provide_live(signed_in: Signal<bool>) -> Live {
    let live = Live::new();
    provide_context(live);
    #[cfg(feature = "hydrate")]
    socket::run(live, signed_in);
    #[cfg(not(feature = "hydrate"))]
    let _ = signed_in;
    live
}

/// A counter that moves whenever an event of one of `topics` arrives or missed events
/// must be caught up with. Key a resource on it to refetch live.
pub fn use_live(topics: &'static [Topic]) -> Signal<u64> {
    let live = use_context::<Live>();
    Signal::derive(move || {
        let Some(live) = live else { return 0 };
        topics
            .iter()
            .map(|topic| live.topics[topic.index()].get())
            .sum::<u64>()
            + live.resync.get()
    })
}

/// Like `use_live`, but moving at most once per `at_most` (the last change wins): for
/// pages whose refetch is heavy and whose topics are busy (the dashboard).
pub fn use_live_every(topics: &'static [Topic], at_most: std::time::Duration) -> Signal<u64> {
    let source = use_live(topics);
    let out = RwSignal::new(0);
    let pending = StoredValue::new(false);
    Effect::new(move |previous: Option<()>| {
        source.track();
        if previous.is_none() || pending.get_value() {
            return;
        }
        pending.set_value(true);
        set_timeout(
            move || {
                pending.try_set_value(false);
                out.try_set(source.get_untracked());
            },
            at_most,
        );
    });
    out.into()
}

/// Joins the rooms of the packages `packages` names while the calling component lives
/// (the server checks the person may see each), so package-wide events reach the page.
pub fn use_package_rooms(packages: Signal<Vec<CarePackageId>>) {
    let Some(live) = use_context::<Live>() else {
        return;
    };
    // Pages may ask for the same room: each asks for its own copy and takes back only
    // its own.
    let swap = move |old: &[CarePackageId], new: &[CarePackageId]| {
        live.packages.try_update(|rooms| {
            for id in old {
                if let Some(at) = rooms.iter().position(|room| room == id) {
                    rooms.swap_remove(at);
                }
            }
            rooms.extend_from_slice(new);
        });
    };
    Effect::new(move |previous: Option<Vec<CarePackageId>>| {
        let current = packages.get();
        let previous = previous.unwrap_or_default();
        if previous != current {
            swap(&previous, &current);
        }
        current
    });
    on_cleanup(move || {
        if let Some(current) = packages.try_get_untracked() {
            swap(&current, &[]);
        }
    });
}
