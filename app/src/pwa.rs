//! The installable carer app in the browser: registers the service worker
//! (`/sw.js`), offers the update when a new worker is waiting, tells the worker when
//! someone signs out (so the pages it kept for offline use go), and passes on the
//! worker's Background Sync wake-up to the offline queue.

use leptos::prelude::*;

/// The page's view of its service worker, shared through context by the layout.
#[derive(Clone, Copy)]
pub struct Pwa {
    /// A new version has been installed and waits for the page's word.
    pub update_ready: RwSignal<bool>,
    /// Moves when the worker asks open pages to send what they queued offline.
    pub sync_requested: RwSignal<u64>,
}

pub fn provide_pwa(signed_in: Signal<bool>) -> Pwa {
    let pwa = Pwa {
        update_ready: RwSignal::new(false),
        sync_requested: RwSignal::new(0),
    };
    provide_context(pwa);
    #[cfg(feature = "hydrate")]
    browser::start(pwa, signed_in);
    #[cfg(not(feature = "hydrate"))]
    let _ = signed_in;
    pwa
}

/// Takes the waiting version: the worker activates and the page reloads into it.
pub fn apply_update() {
    #[cfg(feature = "hydrate")]
    browser::apply_update();
}

/// Asks the browser for a Background Sync once it is online again (where supported;
/// elsewhere the page's own `online` and visibility events do the same).
pub fn request_sync() {
    #[cfg(feature = "hydrate")]
    browser::request_sync();
}

/// The banner offering a waiting update.
#[component]
pub fn UpdatePrompt() -> impl IntoView {
    let pwa = use_context::<Pwa>();
    let ready = move || pwa.is_some_and(|pwa| pwa.update_ready.get());
    view! {
        <Show when=ready>
            <div class="alert alert--info update-prompt" role="status" data-test="update-ready">
                "A new version of CareTrack is ready. "
                <button
                    class="button button--primary"
                    type="button"
                    on:click=move |_| apply_update()
                >
                    "Reload to update"
                </button>
            </div>
        </Show>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::Pwa;
    use leptos::{
        prelude::*,
        wasm_bindgen::{JsCast, JsValue, closure::Closure},
        web_sys::{self, ServiceWorkerContainer, ServiceWorkerRegistration, js_sys},
    };
    use wasm_bindgen_futures::JsFuture;

    fn container() -> Option<ServiceWorkerContainer> {
        let navigator = window().navigator();
        // Absent on plain-http origins other than localhost, and in some browsers.
        js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker"))
            .unwrap_or(false)
            .then(|| navigator.service_worker())
    }

    fn message(kind: &str) -> JsValue {
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"type".into(), &kind.into());
        message.into()
    }

    pub(super) fn start(pwa: Pwa, signed_in: Signal<bool>) {
        let Some(container) = container() else {
            return;
        };
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let kind = js_sys::Reflect::get(&event.data(), &"type".into())
                    .ok()
                    .and_then(|v| v.as_string());
                if kind.as_deref() == Some("SYNC_PRACTICE") {
                    pwa.sync_requested.update(|n| *n += 1);
                }
            },
        );
        container.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget(); // for the life of the tab
        let on_controller = Closure::<dyn FnMut()>::new(move || {
            // Reload only when this page asked for the update (not on first install).
            if RELOAD_ON_CHANGE.with(|flag| flag.get()) {
                let _ = window().location().reload();
            }
        });
        container.set_oncontrollerchange(Some(on_controller.as_ref().unchecked_ref()));
        on_controller.forget();

        leptos::task::spawn_local(async move {
            let registered = JsFuture::from(container.register("/sw.js")).await;
            let Ok(registration) = registered.map(ServiceWorkerRegistration::from) else {
                leptos::logging::warn!("the service worker could not be registered");
                return;
            };
            watch_for_updates(pwa, &registration);
        });

        // Signing out forgets the pages kept for offline use on this device.
        Effect::new(move |was_signed_in: Option<bool>| {
            let now = signed_in.get();
            if was_signed_in == Some(true)
                && !now
                && let Some(worker) = container_controller()
            {
                let _ = worker.post_message(&message("SIGNED_OUT"));
            }
            now
        });
    }

    fn container_controller() -> Option<web_sys::ServiceWorker> {
        container()?.controller()
    }

    thread_local! {
        static RELOAD_ON_CHANGE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// A worker that finishes installing while another controls the page is an update.
    fn watch_for_updates(pwa: Pwa, registration: &ServiceWorkerRegistration) {
        let has_controller = || container_controller().is_some();
        if registration.waiting().is_some() && has_controller() {
            pwa.update_ready.set(true);
        }
        let found = registration.clone();
        let on_update = Closure::<dyn FnMut()>::new(move || {
            let Some(installing) = found.installing() else {
                return;
            };
            let watched = installing.clone();
            let on_state = Closure::<dyn FnMut()>::new(move || {
                if watched.state() == web_sys::ServiceWorkerState::Installed && has_controller() {
                    pwa.update_ready.set(true);
                }
            });
            installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        });
        registration.set_onupdatefound(Some(on_update.as_ref().unchecked_ref()));
        on_update.forget();
    }

    /// The active registration, once the worker is ready (none without workers).
    async fn ready() -> Option<ServiceWorkerRegistration> {
        let promise = container()?.ready().ok()?;
        JsFuture::from(promise)
            .await
            .ok()
            .map(ServiceWorkerRegistration::from)
    }

    pub(super) fn apply_update() {
        leptos::task::spawn_local(async move {
            if let Some(waiting) = ready().await.and_then(|r| r.waiting()) {
                RELOAD_ON_CHANGE.with(|flag| flag.set(true));
                let _ = waiting.post_message(&message("SKIP_WAITING"));
            }
        });
    }

    pub(super) fn request_sync() {
        leptos::task::spawn_local(async move {
            let Some(registration) = ready().await else {
                return;
            };
            // `registration.sync` is not in web-sys's stable API: reached by name.
            let Ok(sync) = js_sys::Reflect::get(&registration, &"sync".into()) else {
                return;
            };
            if sync.is_undefined() {
                return;
            }
            let register = js_sys::Reflect::get(&sync, &"register".into())
                .ok()
                .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
            if let Some(register) = register
                && let Ok(promise) = register.call1(&sync, &"practice-sync".into())
                && let Ok(promise) = promise.dyn_into::<js_sys::Promise>()
            {
                let _ = JsFuture::from(promise).await;
            }
        });
    }
}
