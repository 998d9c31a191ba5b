//! "Notifications on this phone": subscribes this browser to pushes through the
//! service worker's push manager (asking the person's permission first), or turns them
//! off here. Each browser is its own subscription: turning it on here does not turn it
//! on elsewhere.

use super::push::push_public_key;
use leptos::prelude::*;

/// Where pushes stand on this browser.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Here {
    /// Not yet known (before hydration, or while asking the browser).
    Checking,
    /// The browser cannot receive pushes (or the server sends none): why.
    Unavailable(&'static str),
    /// The person blocked notifications for this site in the browser.
    Blocked,
    Off,
    On,
}

#[component]
pub fn PushSwitch() -> impl IntoView {
    let here = RwSignal::new(Here::Checking);
    let busy = RwSignal::new(false);
    // Asked from the browser only: nothing here is known before hydration.
    let key = LocalResource::new(push_public_key);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(answer) = key.get() {
            leptos::task::spawn_local(async move {
                here.set(match answer {
                    Ok(Some(_)) => browser::state().await,
                    Ok(None) => {
                        Here::Unavailable("Notifications to phones are not set up on this server.")
                    }
                    Err(_) => Here::Unavailable("Could not ask the server; try again later."),
                });
            });
        }
    });
    let toasts = crate::components::toast::use_toasts();
    let flip = move |on: bool| {
        #[cfg(feature = "hydrate")]
        {
            let Some(Ok(Some(public_key))) = key.get_untracked() else {
                return;
            };
            busy.set(true);
            leptos::task::spawn_local(async move {
                let outcome = if on {
                    browser::turn_on(&public_key).await
                } else {
                    browser::turn_off().await
                };
                busy.set(false);
                match outcome {
                    Ok(now) => {
                        toasts.show(
                            crate::components::toast::ToastKind::Success,
                            if now == Here::On {
                                "Notifications are on for this phone."
                            } else {
                                "Notifications are off for this phone."
                            },
                        );
                        here.set(now);
                    }
                    Err(message) => {
                        toasts.show(crate::components::toast::ToastKind::Error, message);
                        here.set(browser::state().await);
                    }
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (on, key, toasts);
    };
    view! {
        <div class="push-switch" data-test="push-switch">
            <h3>"Notifications on this phone"</h3>
            {move || match here.get() {
                Here::Checking => {
                    view! { <p class="muted">"Checking this browser…"</p> }.into_any()
                }
                Here::Unavailable(why) => {
                    view! {
                        <p class="muted" data-test="push-state">
                            {why}
                        </p>
                    }
                        .into_any()
                }
                Here::Blocked => {
                    view! {
                        <p data-test="push-state">
                            "Notifications are blocked for CareTrack in this browser's settings. Allow them there, then come back."
                        </p>
                    }
                        .into_any()
                }
                Here::Off => {
                    view! {
                        <p data-test="push-state">
                            "Off. Turn them on to be told of ratings to confirm, shifts and rota changes even when CareTrack is closed (as chosen in the “Push to your phone” column)."
                        </p>
                        <button
                            class="button button--primary"
                            type="button"
                            data-test="push-on"
                            disabled=move || busy.get()
                            on:click=move |_| flip(true)
                        >
                            "Turn on for this phone"
                        </button>
                    }
                        .into_any()
                }
                Here::On => {
                    view! {
                        <p data-test="push-state">"On for this phone."</p>
                        <button
                            class="button"
                            type="button"
                            data-test="push-off"
                            disabled=move || busy.get()
                            on:click=move |_| flip(false)
                        >
                            "Turn off for this phone"
                        </button>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

/// Forgets this browser's subscription (signing out: the next person on this phone
/// must not get the last one's notifications). Quietly does nothing where there is none.
#[cfg(feature = "hydrate")]
pub async fn forget_on_this_device() {
    let _ = browser::turn_off().await;
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::Here;
    use crate::notifications::push::{Subscription, subscribe_push, unsubscribe_push};
    use leptos::{
        prelude::*,
        wasm_bindgen::{JsCast, JsValue},
        web_sys::{
            self, Notification, NotificationPermission, PushManager, PushSubscription,
            PushSubscriptionOptionsInit, js_sys,
        },
    };
    use wasm_bindgen_futures::JsFuture;

    /// The push manager of this site's service worker. `active` waits for the worker
    /// to be running (subscribing needs it); otherwise a site with no worker answers
    /// `None` at once (signing out must never wait on one).
    async fn push_manager(active: bool) -> Option<PushManager> {
        let container = window().navigator().service_worker();
        let has_push =
            js_sys::Reflect::has(&window(), &JsValue::from_str("PushManager")).unwrap_or(false);
        if !has_push {
            return None;
        }
        let registration = if active {
            container.ready().ok()?
        } else {
            container.get_registration()
        };
        let registration = JsFuture::from(registration).await.ok()?;
        if registration.is_undefined() {
            return None;
        }
        registration
            .unchecked_into::<web_sys::ServiceWorkerRegistration>()
            .push_manager()
            .ok()
    }

    async fn current(manager: &PushManager) -> Option<PushSubscription> {
        let found = JsFuture::from(manager.get_subscription().ok()?)
            .await
            .ok()?;
        (!found.is_null() && !found.is_undefined()).then(|| found.unchecked_into())
    }

    pub(super) async fn state() -> Here {
        let Some(manager) = push_manager(true).await else {
            return Here::Unavailable("This browser cannot receive notifications from CareTrack.");
        };
        if Notification::permission() == NotificationPermission::Denied {
            return Here::Blocked;
        }
        match current(&manager).await {
            Some(_) => Here::On,
            None => Here::Off,
        }
    }

    fn text(value: &JsValue, path: &[&str]) -> Option<String> {
        let mut at = value.clone();
        for step in path {
            at = js_sys::Reflect::get(&at, &JsValue::from_str(step)).ok()?;
        }
        at.as_string()
    }

    pub(super) async fn turn_on(public_key: &str) -> Result<Here, String> {
        let manager = push_manager(true)
            .await
            .ok_or("This browser cannot receive notifications from CareTrack.")?;
        let asked =
            Notification::request_permission().map_err(|_| "Could not ask for permission.")?;
        let answer = JsFuture::from(asked).await.ok().and_then(|a| a.as_string());
        match answer.as_deref() {
            Some("granted") => {}
            Some("denied") => return Ok(Here::Blocked),
            _ => return Err("Notifications were not allowed.".into()),
        }
        let options = PushSubscriptionOptionsInit::new();
        options.set_user_visible_only(true);
        options.set_application_server_key_opt_str(Some(public_key));
        let subscribing = manager
            .subscribe_with_options(&options)
            .map_err(|_| "This browser could not subscribe.")?;
        let subscription: PushSubscription = JsFuture::from(subscribing)
            .await
            .map_err(|err| {
                format!(
                    "The browser's push service refused: {}",
                    text(&err, &["message"]).unwrap_or_default()
                )
            })?
            .unchecked_into();
        let json: JsValue = subscription
            .to_json()
            .map_err(|_| "The subscription is unreadable.")?
            .into();
        let (Some(p256dh), Some(auth)) = (
            text(&json, &["keys", "p256dh"]),
            text(&json, &["keys", "auth"]),
        ) else {
            return Err("The subscription has no keys.".into());
        };
        let kept = subscribe_push(Subscription {
            endpoint: subscription.endpoint(),
            p256dh,
            auth,
        })
        .await;
        if let Err(err) = kept {
            // Not kept by the server: not subscribed here either.
            if let Ok(undo) = subscription.unsubscribe() {
                let _ = JsFuture::from(undo).await;
            }
            return Err(err.to_string());
        }
        Ok(Here::On)
    }

    pub(super) async fn turn_off() -> Result<Here, String> {
        let Some(manager) = push_manager(false).await else {
            return Ok(Here::Off);
        };
        let Some(subscription) = current(&manager).await else {
            return Ok(Here::Off);
        };
        unsubscribe_push(subscription.endpoint())
            .await
            .map_err(|err| err.to_string())?;
        if let Ok(done) = subscription.unsubscribe() {
            let _ = JsFuture::from(done).await;
        }
        Ok(Here::Off)
    }
}
