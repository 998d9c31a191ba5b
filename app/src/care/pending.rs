//! Logs waiting on the phone for a connection: how many ("pending sync (N)"), what the
//! server refused when they were sent, and sending them — when the connection
//! returns, when the page is shown again, when the service worker's Background Sync
//! fires, on opening the page, or when the carer taps "Send now".

use super::api::QueuedLog;
use caretrack::ids::UserId;
use leptos::prelude::*;

/// The carer home's queue of offline logs.
#[derive(Clone, Copy)]
pub struct PendingLogs {
    /// Logs kept on this phone, not yet sent.
    pub count: RwSignal<usize>,
    /// What the server refused when they were sent, in words.
    pub refused: RwSignal<Vec<String>>,
    /// Moves when sent logs were counted (the page refetches).
    pub counted: RwSignal<u32>,
    /// Who is signed in: only their logs are counted and sent (others who share the
    /// phone keep theirs until they sign in). Unknown while the layout asks.
    owner: Signal<Option<UserId>>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    sending: StoredValue<bool>,
}

impl PendingLogs {
    pub fn new() -> Self {
        let owner = match use_context::<crate::identity::CurrentMe>() {
            Some(crate::identity::CurrentMe(me)) => {
                let known = crate::identity::known_me(me);
                Signal::derive(move || known.with(|me| me.as_ref().map(|me| me.user_id)))
            }
            None => Signal::stored(None),
        };
        let pending = Self {
            count: RwSignal::new(0),
            refused: RwSignal::new(Vec::new()),
            counted: RwSignal::new(0),
            owner,
            sending: StoredValue::new(false),
        };
        #[cfg(feature = "hydrate")]
        browser::watch(pending);
        pending
    }

    /// Who the logs kept now belong to (`None` while unknown: nothing is kept or sent).
    pub fn owner(&self) -> Option<UserId> {
        self.owner.get_untracked()
    }

    /// Keeps a log that could not be sent.
    pub fn keep(&self, log: QueuedLog) {
        #[cfg(feature = "hydrate")]
        browser::keep(*self, log);
        #[cfg(not(feature = "hydrate"))]
        let _ = log;
    }

    /// Sends what is kept, if anything.
    pub fn send(&self) {
        #[cfg(feature = "hydrate")]
        browser::send(*self);
    }
}

impl Default for PendingLogs {
    fn default() -> Self {
        Self::new()
    }
}

/// How many logs `owner` made on this phone and has not sent yet (asked before they
/// sign out: the logs stay for them, but they should know).
#[cfg(feature = "hydrate")]
pub async fn waiting_on_this_phone(owner: UserId) -> usize {
    super::offline::kept_by(owner)
        .await
        .map_or(0, |logs| logs.len())
}

/// The moment a log is made, as RFC 3339 from the phone's clock.
pub fn now_rfc3339() -> String {
    #[cfg(feature = "hydrate")]
    {
        String::from(leptos::web_sys::js_sys::Date::new_0().to_iso_string())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::PendingLogs;
    use crate::{
        care::{
            api::{QueuedLog, SYNC_BATCH, SyncOutcome, sync_practice},
            offline,
        },
        components::toast::{ToastKind, Toasts},
    };
    use leptos::{ev, prelude::*, task::spawn_local};

    pub(super) fn watch(pending: PendingLogs) {
        let toasts = use_context::<Toasts>();
        let online = window_event_listener(ev::online, move |_| send_with(pending, toasts));
        let shown = window_event_listener(ev::visibilitychange, move |_| {
            if document().visibility_state() == leptos::web_sys::VisibilityState::Visible {
                send_with(pending, toasts);
            }
        });
        on_cleanup(move || {
            online.remove();
            shown.remove();
        });
        if let Some(pwa) = use_context::<crate::pwa::Pwa>() {
            Effect::new(move |first: Option<()>| {
                pwa.sync_requested.track();
                if first.is_some() {
                    send_with(pending, toasts);
                }
            });
        }
        // Whatever an earlier visit left: counted and sent once it is known whose
        // phone it is now (and again if someone else signs in).
        Effect::new(move |_| {
            if pending.owner.get().is_some() {
                send_with(pending, toasts);
            }
        });
    }

    async fn recount(pending: PendingLogs) {
        if let Some(owner) = pending.owner()
            && let Ok(logs) = offline::kept_by(owner).await
        {
            pending.count.try_set(logs.len());
        }
    }

    pub(super) fn keep(pending: PendingLogs, log: QueuedLog) {
        spawn_local(async move {
            if let Err(err) = offline::keep(&log).await {
                leptos::logging::error!("a log could not be kept on this phone: {err:?}");
            }
            recount(pending).await;
            crate::pwa::request_sync();
        });
    }

    pub(super) fn send(pending: PendingLogs) {
        send_with(pending, use_context::<Toasts>());
    }

    fn send_with(pending: PendingLogs, toasts: Option<Toasts>) {
        if pending.sending.try_get_value() != Some(false) {
            return;
        }
        pending.sending.set_value(true);
        spawn_local(async move {
            let (counted, refused) = send_all(pending).await;
            pending.sending.try_set_value(false);
            recount(pending).await;
            if counted > 0 {
                pending.counted.try_update(|n| *n += 1);
                if let Some(toasts) = toasts {
                    toasts.show(
                        ToastKind::Success,
                        format!("Sent {counted} log(s) kept on this phone."),
                    );
                }
            }
            if !refused.is_empty() {
                pending.refused.try_update(|all| all.extend(refused));
            }
        });
    }

    /// Sends in batches until everything is answered or the line drops; how many were
    /// counted and what was refused.
    async fn send_all(pending: PendingLogs) -> (usize, Vec<String>) {
        let (mut counted, mut refused) = (0, Vec::new());
        let Some(owner) = pending.owner() else {
            return (counted, refused);
        };
        loop {
            let Ok(kept) = offline::kept_by(owner).await else {
                break;
            };
            pending.count.try_set(kept.len());
            if kept.is_empty() || !window().navigator().on_line() {
                break;
            }
            let batch: Vec<QueuedLog> = kept.into_iter().take(SYNC_BATCH).collect();
            // Offline again, signed out, or the server is down: kept for next time.
            let Ok(outcomes) = sync_practice(batch.clone()).await else {
                break;
            };
            let mut decided = 0;
            for (log, outcome) in batch.iter().zip(outcomes) {
                match outcome {
                    SyncOutcome::Counted => counted += 1,
                    SyncOutcome::Refused(why) => refused.push(format!(
                        "{} × {} ({}): {why}",
                        log.task_name,
                        log.count,
                        log.logged_at.get(..10).unwrap_or_default()
                    )),
                    SyncOutcome::Later => continue,
                }
                decided += 1;
                let _ = offline::forget(&log.idempotency_key).await;
            }
            if decided == 0 {
                break; // nothing could be decided now: try again later
            }
        }
        (counted, refused)
    }
}
