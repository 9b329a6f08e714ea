//! The JS boundary, run by wasm-bindgen-test in Node and in headless Chromium
//! (`WASM_BINDGEN_USE_BROWSER=1`).
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect};
use sobot_channels::js;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

fn obj(pairs: &[(&str, &str)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), &(*v).into()).unwrap();
    }
    o.into()
}

fn field(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &k.into()).unwrap()
}

#[wasm_bindgen_test]
fn sign_matches_the_document() {
    assert_eq!(
        js::sign("1", "1569397773", "2"),
        "258eec3118705112b2c53dc8043d4d34"
    );
}

#[wasm_bindgen_test]
async fn empty_credentials_reject_with_a_validation_error() {
    let err = js::get_token(obj(&[("appId", ""), ("appKey", "")]))
        .await
        .unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(field(&err, "name"), "SobotError");
    assert_eq!(field(&err, "kind"), "validation");
    assert_eq!(field(&err, "retryable"), false);
    let violations: js_sys::Array = field(&err, "violations").into();
    assert_eq!(violations.length(), 2);
    assert_eq!(field(&violations.get(0), "path"), "appId");
    assert_eq!(field(&violations.get(1), "path"), "appKey");
}

#[wasm_bindgen_test]
async fn wrong_option_types_are_named() {
    let o = Object::new();
    Reflect::set(&o, &"appId".into(), &JsValue::from_f64(42.0)).unwrap();
    Reflect::set(&o, &"appKey".into(), &"k".into()).unwrap();
    let err = js::get_token(o.into()).await.unwrap_err();
    assert_eq!(field(&err, "kind"), "validation");
    let v = js_sys::Array::from(&field(&err, "violations")).get(0);
    assert_eq!(field(&v, "path"), "appId");
    assert_eq!(field(&v, "rule"), "type");

    let err = js::get_token(JsValue::from_str("nope")).await.unwrap_err();
    assert_eq!(field(&err, "kind"), "validation");
}

#[wasm_bindgen_test]
async fn unreachable_host_is_a_network_error_without_the_key() {
    let err = js::get_token(obj(&[
        ("appId", "app"),
        ("appKey", "SECRET-APP-KEY"),
        ("baseUrl", "http://127.0.0.1:9"),
    ]))
    .await
    .unwrap_err();
    assert_eq!(field(&err, "kind"), "network");
    assert_eq!(field(&err, "retryable"), true);
    assert_eq!(field(&err, "endpoint"), "get_token");
    let json = js_sys::JSON::stringify(&err).unwrap();
    let text = String::from(json) + &String::from(js_sys::Error::from(err).message());
    assert!(!text.contains("SECRET-APP-KEY"));
}
