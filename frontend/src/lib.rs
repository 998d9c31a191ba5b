//! The WASM entry point: takes over the server-rendered HTML and makes it interactive.
//! It also exports the rota rules engine to scripts, for the end-to-end test that
//! compares it with the server's `/api/v1/rota/check` (the benchmark builds the engine
//! alone: `benches/wasm`).

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy (what `hydrate_lazy` does, then the mark): most pages are separate chunks
    // (app::routes), and a first load on one of them hydrates once its chunk has
    // arrived; the page is live, and marked so, when the whole of it has hydrated.
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        leptos::mount::hydrate_from_async(body, app::App)
            .await
            .forget();
        app::mark_hydrated();
    });
}

/// Checks a rota given as `RotaInput` JSON: a `Report` as JSON, or `{"error": "..."}`
/// with the same message the server would give. A promise: the engine is loaded with
/// the rota editor's chunk, not with the page.
#[wasm_bindgen]
pub async fn check_rota(input: String) -> String {
    check(input).await
}

#[leptos::lazy]
fn check(input: String) -> String {
    use caretrack::rota::{Report, Rota, RotaInput};
    let checked = serde_json::from_str::<RotaInput>(&input)
        .map_err(|error| error.to_string())
        .and_then(|input| Rota::new(input).map_err(|error| error.to_string()));
    match checked {
        Ok(rota) => serde_json::to_string(&Report::new(rota.validate())),
        Err(error) => serde_json::to_string(&serde_json::json!({ "error": error })),
    }
    .unwrap_or_default()
}
