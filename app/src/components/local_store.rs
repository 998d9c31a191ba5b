//! This browser's local storage: what must outlive a reload or a dropped connection
//! (the conductor's unsaved edits) and the browser's device id. On the server every
//! call does nothing.

#[cfg(not(feature = "ssr"))]
fn storage() -> Option<web_sys::Storage> {
    leptos::prelude::window().local_storage().ok().flatten()
}

pub fn get(key: &str) -> Option<String> {
    #[cfg(not(feature = "ssr"))]
    {
        storage()?.get_item(key).ok().flatten()
    }
    #[cfg(feature = "ssr")]
    {
        let _ = key;
        None
    }
}

pub fn set(key: &str, value: &str) {
    #[cfg(not(feature = "ssr"))]
    if let Some(storage) = storage() {
        // Full or refused storage: the edit still goes to the server as usual.
        let _ = storage.set_item(key, value);
    }
    #[cfg(feature = "ssr")]
    let _ = (key, value);
}

pub fn remove(key: &str) {
    #[cfg(not(feature = "ssr"))]
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key);
    }
    #[cfg(feature = "ssr")]
    let _ = key;
}

/// A random id for this browser, made once and kept: it tells one device's autosaves
/// from another's.
pub fn device_id() -> String {
    const KEY: &str = "ct-device-id";
    if let Some(id) = get(KEY) {
        return id;
    }
    #[cfg(not(feature = "ssr"))]
    let id = leptos::prelude::window()
        .crypto()
        .map(|crypto| crypto.random_uuid())
        .unwrap_or_else(|_| "device-without-crypto".to_owned());
    #[cfg(feature = "ssr")]
    let id = String::from("server");
    set(KEY, &id);
    id
}
