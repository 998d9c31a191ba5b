//! Short-lived messages ("Saved", "Could not reach the server") in one corner.

use leptos::prelude::*;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
    Info,
}

impl ToastKind {
    fn class(self) -> &'static str {
        match self {
            ToastKind::Success => "toast toast--success",
            ToastKind::Error => "toast toast--error",
            ToastKind::Info => "toast toast--info",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Toast {
    id: u32,
    kind: ToastKind,
    message: String,
}

/// Handle to show toasts from any component under `App`.
#[derive(Clone, Copy)]
pub struct Toasts {
    items: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u32>,
}

impl Toasts {
    /// Shows `message` for a few seconds (errors stay longer: they need reading).
    pub fn show(&self, kind: ToastKind, message: impl Into<String>) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id.wrapping_add(1));
        self.items.update(|items| {
            items.push(Toast {
                id,
                kind,
                message: message.into(),
            })
        });
        let items = self.items;
        let visible_for = match kind {
            ToastKind::Error => Duration::from_secs(8),
            _ => Duration::from_secs(4),
        };
        set_timeout(
            move || items.update(|items| items.retain(|t| t.id != id)),
            visible_for,
        );
    }

    fn dismiss(&self, id: u32) {
        self.items.update(|items| items.retain(|t| t.id != id));
    }
}

pub fn provide_toasts() {
    provide_context(Toasts {
        items: RwSignal::new(Vec::new()),
        next_id: StoredValue::new(0),
    });
}

pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = use_toasts();
    view! {
        <div class="toast-region" role="status" aria-live="polite">
            <For
                each=move || toasts.items.get()
                key=|toast| toast.id
                children=move |toast| {
                    let id = toast.id;
                    view! {
                        <div class=toast.kind.class()>
                            <span>{toast.message}</span>
                            <button
                                type="button"
                                class="toast__close"
                                aria-label="Dismiss"
                                on:click=move |_| toasts.dismiss(id)
                            >
                                "×"
                            </button>
                        </div>
                    }
                }
            />
        </div>
    }
}
