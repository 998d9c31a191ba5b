//! Starting the app in the browser after the page has loaded. The server's HTML is the
//! page — a carer's tasks, their forms — and works on its own; the WASM that makes it
//! live is fetched only once the page has loaded and the phone is idle, so on a slow
//! signal it never competes with the page's own HTML, stylesheet and icons.

use crate::build_files::build_files;
use leptos::prelude::*;

/// Imports the main module, instantiates its WASM and hydrates, once the `load` event has
/// fired and the browser is idle (`timeout` is the backstop for a page never idle).
const START: &str = r#"(function (js, wasm) {
	// Hydrating in a task of its own, not in the one that finished instantiating: two
	// shorter tasks block a phone's main thread less than one long one.
	const start = () =>
		import(js)
			.then((app) => app.default({ module_or_path: wasm }).then(() => app))
			.then((app) => new Promise((go) => setTimeout(() => go(app))))
			.then((app) => app.hydrate());
	const whenIdle = () =>
		"requestIdleCallback" in window ? requestIdleCallback(start, { timeout: 2000 }) : setTimeout(start);
	if (document.readyState === "complete") whenIdle();
	else addEventListener("load", whenIdle, { once: true });
})"#;

/// In place of Leptos' `<HydrationScripts>`, whose tags preload the main module and its
/// WASM from the page's head: even at low priority, a download that starts before the
/// page has painted is one a phone on a slow signal waits for.
///
/// Nor does it register the split build's manifest, from which the server would add
/// preloads for the chunks of the lazy route a page renders (for an office page, the
/// office's chunk, several hundred kilobytes, held the page's paint back by three
/// seconds). Hydrating a lazy route fetches its chunks itself, all at once, once the
/// main module runs.
#[component]
pub fn DeferredHydration(options: LeptosOptions) -> impl IntoView {
    let files = build_files(&options);
    let nonce = leptos::nonce::use_nonce();
    view! {
        <script type="module" nonce=nonce>
            {format!("{START}({:?}, {:?});", files.js, files.wasm)}
        </script>
    }
}
