//! The WebAssembly boundary: the only module with `#[wasm_bindgen]`.
//! JS functions, the `SobotError` objects and type conversions; no logic that
//! the layers above could hold.
//!
//! Without the `client` feature only the webhook functions are exported (the
//! `sobot-channels/webhook` entry): the clients, validators, token functions
//! and the error catalogue are left out of the wasm.

/// TypeScript text with `{NAME}` placeholders filled from Rust constants at
/// compile time, so that a default or a limit the declarations state is the
/// one the code applies: `ts_fill!(TEXT, "{X}" => crate::X, …)`.
macro_rules! ts_fill {
    ($text:expr $(,)?) => { $text };
    ($text:expr, $name:literal => $value:expr $(, $rn:literal => $rv:expr)* $(,)?) => {
        ts_fill!(
            const_format::str_replace!($text, $name, const_format::concatcp!($value))
            $(, $rn => $rv)*
        )
    };
}

#[cfg(feature = "client")]
mod client;
mod error;
mod handler;
#[cfg(feature = "client")]
mod io;
#[cfg(feature = "client")]
mod options;
#[cfg(feature = "client")]
mod token;
mod types;
#[cfg(feature = "client")]
mod validate;
mod webhook;

#[cfg(feature = "client")]
pub use client::{GraphClient, LineClient, MessengerClient, Pager, SobotClient};
#[cfg(feature = "client")]
pub use token::{get_token, sign};

use wasm_bindgen::prelude::*;

/// Writes `value` as JSON text in Rust and lets the engine's `JSON.parse`
/// build the objects: one crossing of the boundary instead of one per field.
fn to_js<T: serde::Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = crate::json::to_string(value)
        .map_err(|e| JsValue::from(crate::error::Error::decode(e.to_string(), None)))?;
    js_sys::JSON::parse(&text)
}

/// A violation for each own key of the options object `obj` outside `known`
/// (the keys its reader asked for), each named by `path` and with a did-you-mean.
fn unknown_options(
    obj: &JsValue,
    known: &[&str],
    path: impl Fn(&str) -> String,
) -> Vec<crate::error::Violation> {
    use wasm_bindgen::JsCast;
    js_sys::Object::keys(obj.unchecked_ref::<js_sys::Object>())
        .iter()
        .filter_map(|k| k.as_string())
        .filter(|k| !known.contains(&k.as_str()))
        .map(|k| crate::error::Violation::unknown_option(&path(&k), &k, known))
        .collect()
}

/// The size in bytes of this instance's WebAssembly linear memory: a
/// diagnostic for monitoring. It grows on demand and never shrinks.
#[wasm_bindgen(js_name = wasmMemoryBytes)]
pub fn wasm_memory_bytes() -> f64 {
    f64::from(u32::try_from(std::arch::wasm32::memory_size(0)).unwrap_or(u32::MAX)) * 65536.0
}
