//! `crate::Error` → the JS `SobotError` class (defined in `error.js`).

use crate::error::Error;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/js/error.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeSobotError)]
    fn make_sobot_error(message: &str, details: JsValue) -> JsValue;
}

#[derive(Serialize)]
struct Details<'a> {
    kind: &'static str,
    code: Option<&'a str>,
    retryable: bool,
    status: Option<u16>,
    endpoint: Option<&'static str>,
    violations: &'a [crate::validate::Violation],
}

/// Converts a crate error into a `SobotError` instance.
pub(crate) fn to_js(e: &Error) -> JsValue {
    let details = Details {
        kind: e.kind.as_str(),
        code: e.code.as_deref(),
        retryable: e.retryable,
        status: e.status,
        endpoint: e.endpoint,
        violations: &e.violations,
    };
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    let details = details.serialize(&ser).unwrap_or(JsValue::NULL);
    make_sobot_error(&e.message, details)
}

impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        to_js(&e)
    }
}
