//! A counter that goes up every `period` while the page is open (in the browser only):
//! resources keyed on it refetch on their own.

use leptos::prelude::*;
use std::time::Duration;

pub fn use_ticker(period: Duration) -> RwSignal<u64> {
    let tick = RwSignal::new(0u64);
    Effect::new(move |_| {
        let handle = set_interval_with_handle(move || tick.update(|t| *t += 1), period).ok();
        on_cleanup(move || {
            if let Some(handle) = handle {
                handle.clear();
            }
        });
    });
    tick
}
