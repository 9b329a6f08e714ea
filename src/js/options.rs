//! Reading SDK option objects (camelCase, plain JS objects) field by field,
//! so that a wrong type becomes a violation naming the field.

use crate::validate::Violation;
use js_sys::Reflect;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Reads the fields of one options object, collecting violations.
pub(crate) struct Reader<'a> {
    obj: Option<&'a JsValue>,
    violations: Vec<Violation>,
}

fn type_name(v: &JsValue) -> &'static str {
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

impl<'a> Reader<'a> {
    /// A reader over `value`, which must be an object (`name` is its path).
    pub(crate) fn new(value: &'a JsValue, name: &str) -> Self {
        if value.is_object() && !js_sys::Array::is_array(value) {
            Reader {
                obj: Some(value),
                violations: Vec::new(),
            }
        } else {
            Reader {
                obj: None,
                violations: vec![Violation::wrong_type(name, "an object", type_name(value))],
            }
        }
    }

    fn get(&self, key: &str) -> Option<JsValue> {
        let obj = self.obj?;
        let v = Reflect::get(obj, &JsValue::from_str(key)).ok()?;
        if v.is_undefined() || v.is_null() {
            None
        } else {
            Some(v)
        }
    }

    /// A string field; absent gives `None` (the caller decides if required).
    pub(crate) fn string(&mut self, key: &str) -> Option<String> {
        let v = self.get(key)?;
        match v.as_string() {
            Some(s) => Some(s),
            None => {
                self.violations
                    .push(Violation::wrong_type(key, "a string", type_name(&v)));
                None
            }
        }
    }

    /// An optional string field.
    pub(crate) fn opt_string(&mut self, key: &str) -> Option<String> {
        self.string(key)
    }

    /// The violations found while reading.
    pub(crate) fn finish(self) -> Vec<Violation> {
        self.violations
    }
}

/// Serialises an SDK object (camelCase, plain JSON types) to a JS value.
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| crate::Error::decode(e.to_string(), None).into())
}
