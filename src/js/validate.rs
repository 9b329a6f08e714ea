//! JS exports of the validation layer and the error catalogue: one validator
//! per request of the documents, and `describeError`. Each converts the JS
//! value to JSON, calls `crate::validate`, and converts the answer back.

use crate::model::catalogue::{self, Table};
use crate::model::messenger::Topic;
use crate::validate::{self, Validator, Violation};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::options::js_json as to_json;

fn out<T: Serialize>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or_else(|_| js_sys::Array::new().into())
}

fn run(request: &JsValue, validator: Validator) -> JsValue {
    let violations = match to_json(request, "(request)") {
        Ok(v) => validator(&v),
        Err(v) => vec![v],
    };
    out(&violations)
}

/// Expands the catalogue ([`crate::api::with_endpoints`]) into one validator
/// export per endpoint that has one.
macro_rules! js_validators {
    ($( $(#[$doc:meta])* $id:ident = $name:literal, $method:ident $path:literal, $auth:ident, $paging:ident, $retry:ident, $answer:expr, $validate:path, $encode:expr, $shape:expr, $(repair $repair:path,)? js { $($js:tt)* }; )*) => {
        $( js_validator! { [$(#[$doc])*] $id $($js)* } )*
    };
}

macro_rules! js_validator {
    ($docs:tt $id:ident $($client:ident $(by $by:ident)?)?
        $(call $fn:ident $js:literal : $req:literal -> $res:literal ;)?
        $(pages $pfn:ident $pjs:literal : $preq:literal -> $item:literal ;)?
        $(details $dfn:ident $djs:literal $dep:ident : $dreq:literal -> $ditem:literal ;)?
        $(validator $vfn:ident $vjs:literal : $vts:literal ;)?
        $(checked $cjs:literal ;)?
    ) => {
        $( js_validator_fn! { $docs $id $vfn $vjs $vts } )?
    };
}

macro_rules! js_validator_fn {
    ([$(#[$doc:meta])*] $id:ident $vfn:ident $vjs:literal $vts:literal) => {
        $(#[$doc])*
        #[doc = ""]
        #[doc = " Validates its request exactly as the document's JSON shows it and"]
        #[doc = " returns every violation (an empty array when it is valid). Never throws."]
        #[wasm_bindgen(js_name = $vjs, unchecked_return_type = "Violation[]")]
        pub fn $vfn(#[wasm_bindgen(unchecked_param_type = $vts)] request: JsValue) -> JsValue {
            run(&request, crate::api::$id.validate)
        }
    };
}

crate::api::with_endpoints!(js_validators);

/// Messenger `create_or_update_title`: the topic's rules, and with `existing`
/// (the stored topic) the rules of an update.
#[wasm_bindgen(js_name = validateTopic, unchecked_return_type = "Violation[]")]
pub fn validate_topic(
    #[wasm_bindgen(unchecked_param_type = "TopicRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Topic")] existing: Option<JsValue>,
) -> JsValue {
    let request = match to_json(&request, "(request)") {
        Ok(v) => v,
        Err(v) => return out(&vec![v]),
    };
    let existing = existing.filter(|e| !e.is_undefined() && !e.is_null());
    let violations = match existing {
        None => validate::messenger::topic(&request),
        Some(e) => match to_json(&e, "(existing)")
            .map_err(|v| v.message)
            .and_then(|v| serde_json::from_value::<Topic>(v).map_err(|e| e.to_string()))
        {
            Ok(topic) => validate::messenger::topic_update(&request, &topic),
            Err(err) => {
                let mut v = validate::messenger::topic(&request);
                v.push(Violation::format(
                    "(existing)",
                    "a topic as the topic list returns it",
                    Some(serde_json::Value::from(err)),
                ));
                v
            }
        },
    };
    out(&violations)
}

/// The catalogue entry of a code: its documented Chinese message, an English
/// one, a category and whether a retry can help; `undefined` when unknown.
/// Without `table`, the code is read as an API error (`ret_code` first, then
/// the Messenger send `error_code`).
#[wasm_bindgen(
    js_name = describeError,
    unchecked_return_type = "ErrorCatalogueEntry | undefined"
)]
pub fn describe_error(
    #[wasm_bindgen(unchecked_param_type = "string | number")] code: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ErrorTable")] table: Option<String>,
) -> JsValue {
    let code = match (code.as_string(), code.as_f64()) {
        (Some(s), _) => s,
        (None, Some(n)) if n.fract() == 0.0 && n >= 0.0 => format!("{n:.0}"),
        _ => return JsValue::UNDEFINED,
    };
    let entry = match table.as_deref() {
        None => catalogue::lookup(&code),
        Some(name) => Table::from_name(name).and_then(|t| catalogue::lookup_in(t, &code)),
    };
    entry.map_or(JsValue::UNDEFINED, out)
}

/// `messenger.broadcast()`'s request checked without sending: every violation
/// of the topic (or the subscriber rows) and of the message, as the run would refuse it.
#[wasm_bindgen(js_name = validateBroadcast, unchecked_return_type = "Violation[]")]
pub fn validate_broadcast(
    #[wasm_bindgen(unchecked_param_type = "BroadcastRequest")] request: JsValue,
) -> JsValue {
    run(&request, |v| {
        crate::client::broadcast::Broadcast::new(v)
            .err()
            .map_or_else(Vec::new, |e| e.violations)
    })
}
