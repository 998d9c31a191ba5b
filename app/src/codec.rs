//! How server functions answer: JSON, read in the browser from text.
//!
//! server_fn's own `Json` reads a response from bytes (`serde_json::from_slice`), while
//! a resource that arrives with the page is read from text (`from_str`). Each reader is
//! compiled once per type, so every type the browser reads both ways was in the WASM
//! twice. Answering with [`Json`] reads responses from text too: one reader per type.

use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType, codec::Post};
use serde::{Serialize, de::DeserializeOwned};

/// JSON read from text: the same reader as the page's serialised resources.
pub struct JsonText;

/// A server function's output as [`JsonText`] (`output = crate::codec::Json`).
pub type Json = Post<JsonText>;

impl ContentType for JsonText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonText {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonText {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde::de::Error::custom)?;
        serde_json::from_str(text)
    }
}
