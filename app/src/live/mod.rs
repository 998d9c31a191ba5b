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

pub use caretrack::live::{Event, Room, Topic};
use caretrack::ids::CarePackageId;
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

/// Joins the room of the package `package` names while the calling component lives
/// (the server checks the person may see it), so package-wide events reach the page.
pub fn use_package_room(package: Signal<Option<CarePackageId>>) {
    let Some(live) = use_context::<Live>() else {
        return;
    };
    Effect::new(move |previous: Option<Option<CarePackageId>>| {
        let current = package.get();
        if previous.flatten() != current {
            live.packages.update(|rooms| {
                if let Some(old) = previous.flatten() {
                    rooms.retain(|id| *id != old);
                }
                if let Some(new) = current {
                    rooms.push(new);
                }
            });
        }
        current
    });
    on_cleanup(move || {
        if let Some(id) = package.get_untracked() {
            live.packages.try_update(|rooms| rooms.retain(|room| *room != id));
        }
    });
}
