//! Reading SDK option objects (camelCase, plain JS objects) field by field,
//! so that a wrong type becomes a violation naming the field.

use crate::client::{Credentials, DEFAULT_BASE_URL};
use crate::validate::Violation;
use js_sys::Reflect;
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Reads the fields of one options object, collecting violations.
pub(crate) struct Reader {
    obj: Option<JsValue>,
    prefix: String,
    violations: Vec<Violation>,
    /// The keys asked for: the options this object may have.
    read: Vec<String>,
}

pub(crate) fn type_name(v: &JsValue) -> &'static str {
    if v.is_null() {
        "null"
    } else if v.is_undefined() {
        "undefined"
    } else if v.is_string() {
        "a string"
    } else if v.as_f64().is_some() {
        "a number"
    } else if v.as_bool().is_some() {
        "a boolean"
    } else if js_sys::Array::is_array(v) {
        "an array"
    } else if v.is_function() {
        "a function"
    } else {
        "an object"
    }
}

fn is_plain_object(v: &JsValue) -> bool {
    v.is_object() && !js_sys::Array::is_array(v) && !v.is_function()
}

impl Reader {
    /// A reader over `value`, which must be an object (`name` is its path).
    pub(crate) fn new(value: &JsValue, name: &str) -> Self {
        Self::at(value, name, "")
    }

    /// A reader over `value` where absence is allowed (`undefined`/`null`).
    pub(crate) fn optional(value: &JsValue, name: &str) -> Self {
        if value.is_undefined() || value.is_null() {
            Reader {
                obj: None,
                prefix: String::new(),
                violations: Vec::new(),
                read: Vec::new(),
            }
        } else {
            Self::new(value, name)
        }
    }

    fn at(value: &JsValue, name: &str, prefix: &str) -> Self {
        if is_plain_object(value) {
            Reader {
                obj: Some(value.clone()),
                prefix: prefix.to_owned(),
                violations: Vec::new(),
                read: Vec::new(),
            }
        } else {
            Reader {
                obj: None,
                prefix: prefix.to_owned(),
                violations: vec![Violation::wrong_type(name, "an object", type_name(value))],
                read: Vec::new(),
            }
        }
    }

    fn path(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// The field `key`; a getter that throws is a violation, never a silent
    /// absence (which would fall back to a default store or `fetch`).
    fn get(&mut self, key: &str) -> Option<JsValue> {
        if !self.read.iter().any(|k| k == key) {
            self.read.push(key.to_owned());
        }
        let obj = self.obj.as_ref()?;
        let v = match Reflect::get(obj, &JsValue::from_str(key)) {
            Ok(v) => v,
            Err(e) => {
                let p = self.path(key);
                let why = e
                    .dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message()))
                    .unwrap_or_default();
                self.violations.push(Violation::format(
                    &p,
                    "a readable property (its getter threw)",
                    Some(Value::from(why)),
                ));
                return None;
            }
        };
        if v.is_undefined() || v.is_null() {
            None
        } else {
            Some(v)
        }
    }

    fn wrong(&mut self, key: &str, expected: &'static str, v: &JsValue) {
        let p = self.path(key);
        self.violations
            .push(Violation::wrong_type(&p, expected, type_name(v)));
    }

    /// A string field; absent gives `None` (the caller decides if required).
    pub(crate) fn string(&mut self, key: &str) -> Option<String> {
        let v = self.get(key)?;
        match v.as_string() {
            Some(s) => Some(s),
            None => {
                self.wrong(key, "a string", &v);
                None
            }
        }
    }

    /// A string field that must be present and not blank.
    pub(crate) fn required_string(&mut self, key: &str) -> Option<String> {
        match self.string(key) {
            Some(s) if !s.trim().is_empty() => Some(s),
            Some(_) | None if self.obj.is_some() && !self.has_violation(key) => {
                let p = self.path(key);
                self.violations.push(Violation::required(&p));
                None
            }
            _ => None,
        }
    }

    fn has_violation(&self, key: &str) -> bool {
        let p = self.path(key);
        self.violations.iter().any(|v| v.path == p)
    }

    /// A whole number field within `min..=max`.
    pub(crate) fn integer(&mut self, key: &str, min: u64, max: u64) -> Option<u64> {
        let v = self.get(key)?;
        let Some(n) = v.as_f64() else {
            self.wrong(key, "a number", &v);
            return None;
        };
        if n.fract() != 0.0 || n < min as f64 || n > max as f64 {
            let p = self.path(key);
            self.violations.push(Violation {
                path: p.clone(),
                rule: if n < min as f64 { "min" } else { "max" },
                limit: Some(Value::from(if n < min as f64 { min } else { max })),
                actual: serde_json::Number::from_f64(n).map(Value::Number),
                message: format!("{p} must be a whole number from {min} to {max}"),
                code: None,
            });
            return None;
        }
        Some(n as u64)
    }

    /// An object field (not an array), as a JS value.
    pub(crate) fn object(&mut self, key: &str) -> Option<JsValue> {
        let v = self.get(key)?;
        if is_plain_object(&v) {
            Some(v)
        } else {
            self.wrong(key, "an object", &v);
            None
        }
    }

    /// A function field.
    pub(crate) fn function(&mut self, key: &str) -> Option<JsValue> {
        let v = self.get(key)?;
        if v.is_function() {
            Some(v)
        } else {
            self.wrong(key, "a function", &v);
            None
        }
    }

    /// A reader over the object field `key` (its paths are `key.field`).
    pub(crate) fn nested(&mut self, key: &str) -> Option<Reader> {
        let v = self.object(key)?;
        let p = self.path(key);
        Some(Reader::at(&v, &p, &format!("{p}.")))
    }

    /// Adds the violations of a nested reader.
    pub(crate) fn absorb(&mut self, other: Reader) {
        self.violations.extend(other.violations);
    }

    /// A boolean field.
    pub(crate) fn boolean(&mut self, key: &str) -> Option<bool> {
        let v = self.get(key)?;
        if v.as_bool().is_none() {
            self.wrong(key, "a boolean", &v);
        }
        v.as_bool()
    }

    /// An `AbortSignal` field: an object with `aborted` and
    /// `addEventListener` (a look-alike such as `{ aborted: false }` could
    /// never cancel anything).
    pub(crate) fn signal(&mut self, key: &str) -> Option<JsValue> {
        let s = self.get(key)?;
        let listens = Reflect::get(&s, &JsValue::from_str("addEventListener"))
            .map(|f| f.is_function())
            .unwrap_or(false);
        if s.is_object()
            && listens
            && Reflect::has(&s, &JsValue::from_str("aborted")).unwrap_or(false)
        {
            Some(s)
        } else {
            self.wrong(key, "an AbortSignal", &s);
            None
        }
    }

    /// A violation for each own key that no accessor asked for: an option
    /// this version does not take (a misspelt one would be ignored silently).
    pub(crate) fn reject_unknown(&mut self) {
        let Some(obj) = &self.obj else {
            return;
        };
        let known: Vec<&str> = self.read.iter().map(String::as_str).collect();
        let unknown = super::unknown_options(obj, &known, |k| self.path(k));
        self.violations.extend(unknown);
    }

    /// Adds a violation found by the caller.
    pub(crate) fn push(&mut self, v: Violation) {
        self.violations.push(v);
    }

    /// The violations found while reading.
    pub(crate) fn finish(self) -> Vec<Violation> {
        self.violations
    }

    /// `timeoutMs`: from 1 ms to an hour.
    pub(crate) fn timeout_ms(&mut self) -> Option<u64> {
        self.integer("timeoutMs", 1, 3_600_000)
    }

    /// The app's credentials: `appId` and `appKey` (refused when missing if
    /// `required`), `baseUrl` (the default host) and `allowInsecureHttp`.
    pub(crate) fn credentials(&mut self, required: bool) -> Credentials {
        let (app_id, app_key) = if required {
            (
                self.required_string("appId"),
                self.required_string("appKey"),
            )
        } else {
            (self.string("appId"), self.string("appKey"))
        };
        let base_url = self.string("baseUrl");
        Credentials {
            app_id: app_id.unwrap_or_default(),
            app_key: app_key.unwrap_or_default().into(),
            base_url: base_url.unwrap_or_else(|| DEFAULT_BASE_URL.to_owned()),
            allow_insecure_http: self.boolean("allowInsecureHttp").unwrap_or(false),
        }
    }

    /// The violations found while reading, and those of `creds` (each path once).
    pub(crate) fn finish_with(self, creds: &Credentials) -> Vec<Violation> {
        self.finish_with_key(creds, true)
    }

    /// As `finish_with`; without `key_needed` the appKey may be absent.
    pub(crate) fn finish_with_key(self, creds: &Credentials, key_needed: bool) -> Vec<Violation> {
        let mut violations = self.violations;
        for v in creds.violations_with(key_needed) {
            if !violations.iter().any(|w| w.path == v.path) {
                violations.push(v);
            }
        }
        violations
    }
}

/// Serialises an SDK object (camelCase, plain JSON types) to a JS value.
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| crate::Error::decode(e.to_string(), None).into())
}

/// A caller's value as JSON, read through `JSON.stringify` and serde_json:
/// a value JSON cannot hold (a BigInt, a cycle) or nesting deeper than
/// serde_json's limit (128) is a violation of `name`. Walking a caller's
/// object in wasm instead would recurse once per level on the wasm stack,
/// and an object nested 100,000 deep would overflow it and break the
/// instance for every later call.
pub(crate) fn js_json(value: &JsValue, name: &str) -> Result<Value, Violation> {
    json_within(value, name, usize::MAX)
}

/// A request given by a caller, as JSON (read as [`js_json`] reads it);
/// `undefined` is an empty request. Its JSON text may have at most
/// `REQUEST_JSON_MAX` bytes (UTF-8): a larger request is a `max_bytes`
/// violation of `name`, found before the text is parsed into a `Value`.
pub(crate) fn request_json(value: &JsValue, name: &str) -> Result<Value, Violation> {
    /// The largest request JSON a call takes: 1 MiB. The largest request the
    /// documents allow (a generic template of 10 elements with every text at its
    /// limit) is about 100 KB, and a request is copied into wasm memory, which
    /// never shrinks, as its text and then as a `Value` several times larger:
    /// without a cap, one call with 10^6 elements took linear memory to 1.1 GiB.
    const REQUEST_JSON_MAX: usize = 1024 * 1024;
    if value.is_undefined() {
        return Ok(Value::Object(Default::default()));
    }
    json_within(value, name, REQUEST_JSON_MAX)
}

/// [`js_json`] of a value whose JSON text may have at most `max` bytes
/// (UTF-8); a larger one is a `max_bytes` violation of `name`, found before
/// the text is parsed into a `Value`.
fn json_within(value: &JsValue, name: &str, max: usize) -> Result<Value, Violation> {
    let invalid = |why: String| {
        Violation::format(
            name,
            "plain JSON data (objects, arrays, strings, numbers, booleans, null)",
            Some(Value::from(why)),
        )
    };
    let too_large = |len: usize, at_least: &str| {
        Violation::new(
            name,
            "max_bytes",
            Some(Value::from(max)),
            Some(Value::from(len)),
            format!(
                "{name} is {at_least}{len} bytes of JSON, more than the limit of \
                 {max} bytes"
            ),
        )
    };
    // `JSON.stringify` works in JS; the thrown value is read through `Reflect`,
    // as its `message` may be a getter that throws.
    let text = js_sys::JSON::stringify(value).map_err(|e| {
        invalid(
            Reflect::get(&e, &JsValue::from_str("message"))
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| "JSON.stringify failed".into()),
        )
    })?;
    if !text.is_string() {
        return Err(invalid(format!("got {}", type_name(value))));
    }
    // Measured before it is copied into wasm: a JSON text has at least as many
    // UTF-8 bytes as UTF-16 units (it escapes lone surrogates), at most three times as many.
    let units = text.length() as usize;
    if units > max {
        return Err(too_large(units, "at least "));
    }
    let Some(text) = text.as_string() else {
        return Err(invalid(format!("got {}", type_name(value))));
    };
    if text.len() > max {
        return Err(too_large(text.len(), ""));
    }
    serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))
}
