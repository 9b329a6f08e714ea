//! `crate::Error` → the JS `SobotError` class (defined in `error.js`).

use crate::error::Error;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/js/error.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeSobotError)]
    fn make_sobot_error(message: &str, details: JsValue) -> JsValue;

    #[cfg(feature = "client")]
    #[wasm_bindgen(js_name = withCause)]
    fn with_cause(err: JsValue, cause: &JsValue) -> JsValue;
}

/// The rejection of a client call that failed with `e` (see [`reject`]),
/// keeping, for a network failure, what the transport's `fetch` threw.
#[cfg(feature = "client")]
pub(crate) fn reject_call(
    e: Error,
    transport: &super::io::JsTransport,
    signal: &JsValue,
    secrets: &[secrecy::SecretString],
) -> JsValue {
    with_cause(reject(e, signal, secrets), &transport.cause())
}

/// The fields of a `SobotError` (merged into the class's TypeScript declaration).
#[derive(Serialize, tsify::Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
struct SobotErrorFields<'a> {
    /// What went wrong, broadly.
    #[tsify(type = "SobotErrorKind")]
    kind: crate::ErrorKind,
    /// The platform's code (`ret_code`, Facebook or Graph error code), or null.
    code: Option<&'a str>,
    /// Whether repeating the same call later can succeed.
    retryable: bool,
    /// The HTTP status of the answer, when one arrived.
    status: Option<u16>,
    /// The endpoint called, e.g. `get_token` or `messenger.send`.
    endpoint: Option<&'static str>,
    /// Every broken rule, for kind `validation`.
    violations: &'a [crate::validate::Violation],
    /// Graph errors: Meta's `error.type` (e.g. `OAuthException`); absent on other errors.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    error_type: Option<&'a str>,
    /// Graph errors: Meta's `error_subcode`, when it gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    subcode: Option<i64>,
    /// Graph errors: Meta's `fbtrace_id`, to quote to Meta's support.
    #[serde(skip_serializing_if = "Option::is_none")]
    fbtrace_id: Option<&'a str>,
    /// API errors: the platform's own words (Sobot's `ret_msg`, usually
    /// Chinese); the message is English.
    platform_message: Option<&'a str>,
    /// Sobot API errors: the catalogue's entry of the code (its documented
    /// Chinese and its English), where the documents list it.
    #[cfg(feature = "client")]
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(type = "ErrorCatalogueEntry")]
    description: Option<&'static crate::model::catalogue::Entry>,
}

/// Converts a crate error into a `SobotError` instance.
pub(crate) fn to_js(e: &Error) -> JsValue {
    let graph = e.graph.as_deref();
    let details = SobotErrorFields {
        kind: e.kind,
        code: e.code.as_deref(),
        retryable: e.retryable,
        status: e.status,
        endpoint: e.endpoint,
        violations: &e.violations,
        error_type: graph.and_then(|g| g.error_type.as_deref()),
        subcode: graph.and_then(|g| g.subcode),
        fbtrace_id: graph.and_then(|g| g.fbtrace_id.as_deref()),
        platform_message: e.platform_message.as_deref(),
        #[cfg(feature = "client")]
        description: e
            .code
            .as_deref()
            .filter(|_| e.kind == crate::ErrorKind::Api && graph.is_none())
            .and_then(crate::model::catalogue::lookup),
    };
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    let details = details.serialize(&ser).unwrap_or(JsValue::NULL);
    make_sobot_error(&e.message, details)
}

/// The rejection value of a failed call: the caller's own abort reason when
/// the call was cancelled (as `fetch` does), else a `SobotError` whose message
/// has every secret replaced.
#[cfg(feature = "client")]
pub(crate) fn reject(mut e: Error, signal: &JsValue, secrets: &[secrecy::SecretString]) -> JsValue {
    if e.is_cancelled() && !signal.is_undefined() {
        if let Ok(reason) = js_sys::Reflect::get(signal, &JsValue::from_str("reason")) {
            if !reason.is_undefined() {
                return reason;
            }
        }
    }
    redact(&mut e, secrets);
    to_js(&e)
}

#[cfg(feature = "client")]
pub(crate) use crate::client::secrets::redact;

impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        to_js(&e)
    }
}
