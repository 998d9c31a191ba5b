//! The browser's end of `/ws` (web-sys `WebSocket`): connect while signed in, route
//! what arrives to the `Live` counters, join the package rooms pages ask for, and
//! reconnect with exponential backoff and jitter, at once when the network returns.

use super::Live;
use caretrack::{
    ids::CarePackageId,
    live::{ClientMessage, SeqTracker, ServerMessage, close, reconnect_delay},
};
use leptos::{
    prelude::*,
    wasm_bindgen::{JsCast, closure::Closure},
    web_sys::{self, CloseEvent, MessageEvent, WebSocket},
};
use std::{cell::RefCell, rc::Rc, time::Duration};

#[derive(Default)]
struct Connection {
    socket: Option<WebSocket>,
    /// The callbacks the socket calls, kept alive as long as it is.
    callbacks: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    /// Whether a socket should be open (someone is signed in).
    wanted: bool,
    /// Failed attempts since the last open socket.
    attempt: u32,
    seen: SeqTracker,
    /// Package rooms joined on the current socket.
    joined: Vec<CarePackageId>,
    retry: Option<TimeoutHandle>,
}

type Shared = Rc<RefCell<Connection>>;

pub(super) fn run(live: Live, signed_in: Signal<bool>) {
    let shared: Shared = Rc::default();
    Effect::new({
        let shared = shared.clone();
        move |_| {
            let wanted = signed_in.get();
            let open = {
                let mut conn = shared.borrow_mut();
                conn.wanted = wanted;
                conn.socket.is_some() || conn.retry.is_some()
            };
            if wanted && !open {
                live.session_ended.set(false);
                connect(&shared, live);
            } else if !wanted {
                disconnect(&shared, live);
            }
        }
    });
    Effect::new({
        let shared = shared.clone();
        move |_| {
            live.packages.track();
            sync_rooms(&shared, live);
        }
    });
    // Back online: try now rather than when the backoff says.
    let on_online = Closure::<dyn FnMut(web_sys::Event)>::new({
        let shared = shared.clone();
        move |_| {
            let idle = {
                let mut conn = shared.borrow_mut();
                if let Some(retry) = conn.retry.take() {
                    retry.clear();
                }
                conn.attempt = 0;
                conn.wanted && conn.socket.is_none()
            };
            if idle {
                connect(&shared, live);
            }
        }
    });
    let _ = window().add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
    // The layout lives as long as the tab.
    on_online.forget();
}

fn url() -> Option<String> {
    let location = window().location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!("{scheme}://{}/ws", location.host().ok()?))
}

fn connect(shared: &Shared, live: Live) {
    let Some(socket) = url().and_then(|url| WebSocket::new(&url).ok()) else {
        schedule_retry(shared, live);
        return;
    };
    let on_open = callback(shared, live, |shared, live, _| {
        shared.borrow_mut().attempt = 0;
        live.connected.set(true);
    });
    let on_message = callback(shared, live, |shared, live, event| {
        let Some(text) = event
            .dyn_ref::<MessageEvent>()
            .and_then(|message| message.data().as_string())
        else {
            return;
        };
        let Ok(message) = serde_json::from_str::<ServerMessage>(&text) else {
            return;
        };
        receive(shared, live, message);
    });
    let on_close = callback(shared, live, |shared, live, event| {
        let code = event.dyn_ref::<CloseEvent>().map(CloseEvent::code);
        {
            let mut conn = shared.borrow_mut();
            conn.socket = None;
            conn.callbacks.clear();
            conn.joined.clear();
        }
        live.connected.set(false);
        if code == Some(close::SESSION_ENDED) {
            shared.borrow_mut().wanted = false;
            live.session_ended.set(true);
            return;
        }
        schedule_retry(shared, live);
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    let mut conn = shared.borrow_mut();
    conn.socket = Some(socket);
    conn.callbacks = vec![on_open, on_message, on_close];
}

/// A socket callback that holds the connection weakly (the connection holds it).
fn callback(
    shared: &Shared,
    live: Live,
    handle: impl Fn(&Shared, Live, web_sys::Event) + 'static,
) -> Closure<dyn FnMut(web_sys::Event)> {
    let weak = Rc::downgrade(shared);
    Closure::new(move |event: web_sys::Event| {
        if let Some(shared) = weak.upgrade() {
            handle(&shared, live, event);
        }
    })
}

fn receive(shared: &Shared, live: Live, message: ServerMessage) {
    match message {
        ServerMessage::Welcome { rooms } => {
            let missed = shared.borrow_mut().seen.welcome(&rooms);
            if missed {
                live.missed();
            }
            sync_rooms(shared, live);
        }
        ServerMessage::Joined { room } => {
            if shared.borrow_mut().seen.welcome(&[room]) {
                live.missed();
            }
        }
        ServerMessage::Refused { reason } => {
            leptos::logging::warn!("live updates: {reason}");
        }
        ServerMessage::Event(delivery) => {
            let gap = shared
                .borrow_mut()
                .seen
                .delivered(&delivery.room, delivery.seq);
            if gap {
                live.missed();
            }
            live.heard(delivery.event);
        }
    }
}

/// Sends joins and leaves so the socket's package rooms match what pages ask for.
fn sync_rooms(shared: &Shared, live: Live) {
    let mut wanted = live.packages.get_untracked();
    wanted.sort_unstable();
    wanted.dedup();
    let mut conn = shared.borrow_mut();
    let Some(socket) = conn.socket.clone() else {
        return;
    };
    if socket.ready_state() != WebSocket::OPEN {
        return; // the welcome calls this again
    }
    let mut messages = Vec::new();
    for id in &wanted {
        if !conn.joined.contains(id) {
            messages.push(ClientMessage::Join { package_id: *id });
        }
    }
    for id in &conn.joined {
        if !wanted.contains(id) {
            messages.push(ClientMessage::Leave { package_id: *id });
        }
    }
    conn.joined = wanted;
    drop(conn);
    for message in messages {
        if let Ok(text) = serde_json::to_string(&message) {
            let _ = socket.send_with_str(&text);
        }
    }
}

fn schedule_retry(shared: &Shared, live: Live) {
    let delay = {
        let mut conn = shared.borrow_mut();
        if !conn.wanted {
            return;
        }
        conn.attempt = conn.attempt.saturating_add(1);
        reconnect_delay(conn.attempt, web_sys::js_sys::Math::random())
    };
    let weak = Rc::downgrade(shared);
    let handle = set_timeout_with_handle(
        move || {
            if let Some(shared) = weak.upgrade() {
                let wanted = {
                    let mut conn = shared.borrow_mut();
                    conn.retry = None;
                    conn.wanted && conn.socket.is_none()
                };
                if wanted {
                    connect(&shared, live);
                }
            }
        },
        delay.max(Duration::from_millis(100)),
    )
    .ok();
    shared.borrow_mut().retry = handle;
}

fn disconnect(shared: &Shared, live: Live) {
    let mut conn = shared.borrow_mut();
    if let Some(retry) = conn.retry.take() {
        retry.clear();
    }
    if let Some(socket) = conn.socket.take() {
        socket.set_onclose(None);
        let _ = socket.close();
    }
    conn.callbacks.clear();
    conn.joined.clear();
    conn.attempt = 0;
    drop(conn);
    live.connected.set(false);
}
