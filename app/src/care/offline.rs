//! Logs made without a connection, kept on the phone (IndexedDB) with their
//! idempotency keys until they are sent: the server counts each key once however often
//! it is sent, and still applies the daily cap.

use super::api::QueuedLog;
use caretrack::ids::UserId;
use leptos::{
    prelude::*,
    wasm_bindgen::{JsCast, JsValue, closure::Closure},
    web_sys::{self, IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransactionMode, js_sys},
};
use wasm_bindgen_futures::JsFuture;

const DATABASE: &str = "caretrack";
const STORE: &str = "practice-queue";

/// Waits for an IndexedDB request: its result, or its error.
async fn finished(request: &IdbRequest) -> Result<JsValue, JsValue> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let done = request.clone();
        let on_success = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call1(&JsValue::NULL, &done.result().unwrap_or(JsValue::UNDEFINED));
        });
        let failed = request.clone();
        let on_error = Closure::once_into_js(move |_: web_sys::Event| {
            let error = failed
                .error()
                .ok()
                .flatten()
                .map_or(JsValue::from_str("IndexedDB request failed"), JsValue::from);
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise).await
}

async fn open() -> Result<IdbDatabase, JsValue> {
    let factory = window()
        .indexed_db()?
        .ok_or_else(|| JsValue::from_str("IndexedDB is not available"))?;
    let request: IdbOpenDbRequest = factory.open_with_u32(DATABASE, 1)?;
    let upgrading = request.clone();
    let on_upgrade = Closure::once_into_js(move |_: web_sys::Event| {
        if let Ok(result) = upgrading.result()
            && let Ok(db) = result.dyn_into::<IdbDatabase>()
            && !db.object_store_names().contains(STORE)
        {
            let _ = db.create_object_store(STORE);
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    Ok(finished(&request).await?.unchecked_into())
}

async fn store(mode: IdbTransactionMode) -> Result<web_sys::IdbObjectStore, JsValue> {
    let db = open().await?;
    db.transaction_with_str_and_mode(STORE, mode)?
        .object_store(STORE)
}

/// Keeps a log until it is sent (the key is the log's idempotency key, so keeping it
/// twice keeps it once).
pub async fn keep(log: &QueuedLog) -> Result<(), JsValue> {
    let json = serde_json::to_string(log).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let store = store(IdbTransactionMode::Readwrite).await?;
    let request = store.put_with_key(
        &JsValue::from_str(&json),
        &JsValue::from_str(&log.idempotency_key),
    )?;
    finished(&request).await.map(|_| ())
}

/// The logs `carer` made on this device and has not sent yet, oldest first by when
/// they were made (a phone may be shared: others' logs wait for them).
pub async fn kept_by(carer: UserId) -> Result<Vec<QueuedLog>, JsValue> {
    let store = store(IdbTransactionMode::Readonly).await?;
    let all = finished(&store.get_all()?).await?;
    let mut logs: Vec<QueuedLog> = js_sys::Array::from(&all)
        .iter()
        .filter_map(|value| value.as_string())
        .filter_map(|json| serde_json::from_str::<QueuedLog>(&json).ok())
        .filter(|log| log.carer == carer)
        .collect();
    logs.sort_by(|a, b| a.logged_at.cmp(&b.logged_at));
    Ok(logs)
}

/// Forgets a log the server has answered for (counted, or refused for good).
pub async fn forget(idempotency_key: &str) -> Result<(), JsValue> {
    let store = store(IdbTransactionMode::Readwrite).await?;
    finished(&store.delete(&JsValue::from_str(idempotency_key))?)
        .await
        .map(|_| ())
}
