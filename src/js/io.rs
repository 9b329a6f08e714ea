//! The client's traits over the JS runtime: `fetch` (the caller's or the
//! global one), `setTimeout`, `Date.now`, `Math.random`, and a caller's
//! token store object.

use crate::client::store::{Lock, MemoryStore, StoredToken, TokenStore};
use crate::client::{Clock, Detach, HttpRequest, HttpResponse, Transport, TransportError};
use crate::error::Error;
use js_sys::{Function, Promise, Reflect};
use secrecy::ExposeSecret;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/src/js/runtime.js")]
extern "C" {
    fn exchange(
        fetch: &JsValue,
        method: &str,
        url: &str,
        headers: &JsValue,
        body: &JsValue,
        timeout_ms: f64,
        signal: &JsValue,
    ) -> Promise;

    /// `{ promise, cancel }`: a wait of `ms` that `cancel()` clears.
    fn timer(ms: f64, signal: &JsValue) -> JsValue;

    /// Wraps a pager (an object with `next()` and `free()`) as an async
    /// iterable that stops at its next step once `signal` aborts.
    pub(crate) fn iterate(pager: JsValue, signal: &JsValue) -> JsValue;
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `fetch` with the call's cancellation signal.
pub(crate) struct JsTransport {
    /// The caller's `fetch`, or `undefined` for the global one.
    pub fetch: JsValue,
    /// The call's `AbortSignal`, or `undefined`.
    pub signal: JsValue,
    /// What the last failed exchange's `fetch` threw (the error's `cause`),
    /// shared with the detached copy that fetches the call's token.
    cause: Rc<RefCell<JsValue>>,
}

impl JsTransport {
    /// What `fetch` threw in the call's last failed exchange, or `undefined`.
    pub(crate) fn cause(&self) -> JsValue {
        self.cause.borrow().clone()
    }
}

impl Detach for JsTransport {
    fn detach(&self) -> Self {
        JsTransport {
            fetch: self.fetch.clone(),
            signal: JsValue::UNDEFINED,
            cause: self.cause.clone(),
        }
    }
}

/// `thrown` as a cause fit to keep: itself, unless its message or a nested
/// cause's quotes a secret of `request`; then a plain `Error` with the
/// scrubbed message and the original's `name` and `code`.
fn kept_cause(thrown: JsValue, request: &HttpRequest) -> JsValue {
    let mut quotes_secret = false;
    let mut c = thrown.clone();
    for _ in 0..5 {
        if !c.is_object() {
            break;
        }
        if let Some(m) = get(&c, "message").as_string() {
            quotes_secret |= scrub(m.clone(), request) != m;
        }
        c = get(&c, "cause");
    }
    if !quotes_secret {
        return thrown;
    }
    let message = get(&thrown, "message").as_string().unwrap_or_default();
    let copy = js_sys::Error::new(&scrub(message, request));
    if let Some(name) = get(&thrown, "name").as_string() {
        copy.set_name(&name);
    }
    let code = get(&thrown, "code");
    if !code.is_undefined() {
        let _ = Reflect::set(&copy, &JsValue::from_str("code"), &code);
    }
    copy.into()
}

impl Transport for JsTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let headers = js_sys::Object::new();
        for (k, v) in &request.headers {
            let _ = Reflect::set(&headers, &JsValue::from_str(k), &JsValue::from_str(v));
        }
        let body = match &request.body {
            Some(b) => {
                let _ = Reflect::set(
                    &headers,
                    &JsValue::from_str("content-type"),
                    &JsValue::from_str("application/json"),
                );
                JsValue::from_str(b)
            }
            None => JsValue::UNDEFINED,
        };
        let timeout = request.timeout_ms.map_or(0.0, |t| t as f64);
        let promise = exchange(
            &self.fetch,
            request.method,
            &request.url,
            &headers,
            &body,
            timeout,
            &self.signal,
        );
        let out = JsFuture::from(promise)
            .await
            .map_err(|_| TransportError::Network("fetch failed".into()))?;
        if let Some(kind) = get(&out, "error").as_string() {
            let thrown = get(&out, "cause");
            if !thrown.is_undefined() {
                *self.cause.borrow_mut() = kept_cause(thrown, &request);
            }
            let message = get(&out, "message")
                .as_string()
                .unwrap_or_else(|| "fetch failed".into());
            let message = scrub(message, &request);
            return Err(match kind.as_str() {
                "refused" => TransportError::Refused(message),
                "timeout" => TransportError::Timeout,
                "aborted" => TransportError::Aborted,
                "redirect" => TransportError::Redirected {
                    status: get(&out, "status").as_f64().unwrap_or(0.0) as u16,
                    to: message,
                },
                _ => TransportError::Network(message),
            });
        }
        let status = get(&out, "status").as_f64().unwrap_or(0.0) as u16;
        let retry_after = get(&out, "retryAfter").as_string();
        let body = js_sys::Uint8Array::new(&get(&out, "body")).to_vec();
        Ok(HttpResponse {
            status,
            retry_after,
            body,
        })
    }
}

use crate::client::secrets::scrub_request as scrub;

/// The transport and clock of one call: the client's `fetch` (or
/// `undefined`) and the call's `AbortSignal` (or `undefined`).
pub(crate) fn call_io(fetch: &JsValue, signal: &JsValue) -> (JsTransport, JsClock) {
    (
        JsTransport {
            fetch: fetch.clone(),
            signal: signal.clone(),
            cause: Rc::default(),
        },
        JsClock {
            signal: signal.clone(),
        },
    )
}

/// Time from `Date.now()`, waits from `setTimeout`, cancelled by the call's signal.
pub(crate) struct JsClock {
    /// The call's `AbortSignal`, or `undefined`.
    pub signal: JsValue,
}

impl Detach for JsClock {
    fn detach(&self) -> Self {
        JsClock {
            signal: JsValue::UNDEFINED,
        }
    }
}

/// Clears a timer when the wait for it ends or is dropped (a wait raced
/// against something quicker leaves no timer behind to hold the process).
struct ClearOnDrop(JsValue);

impl Drop for ClearOnDrop {
    fn drop(&mut self) {
        if let Some(f) = self.0.dyn_ref::<Function>() {
            let _ = f.call0(&JsValue::UNDEFINED);
        }
    }
}

impl Clock for JsClock {
    fn now_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }

    async fn sleep(&self, ms: u64) -> Result<(), Error> {
        let t = timer(ms as f64, &self.signal);
        let _clear = ClearOnDrop(get(&t, "cancel"));
        let promise = Promise::resolve(&get(&t, "promise"));
        let slept = JsFuture::from(promise).await.unwrap_or(JsValue::FALSE);
        if slept.is_truthy() {
            Ok(())
        } else {
            Err(Error::cancelled())
        }
    }

    fn random(&self) -> f64 {
        js_sys::Math::random()
    }
}

/// The store a client uses: its own memory, or the caller's object.
pub(crate) enum Store {
    Memory(MemoryStore),
    Js(JsValue),
}

/// What a store's failure was: its message, or its name where the message is
/// empty (node-redis' `TimeoutError` has none), or the type of what it threw.
fn failure_detail(e: &JsValue) -> String {
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        let name = String::from(err.name());
        let message = String::from(err.message());
        let plain = name.is_empty() || name == "Error";
        return match (plain, message.trim().is_empty()) {
            (true, false) => message,
            (false, false) => format!("{name}: {message}"),
            (false, true) => format!("{name} (without a message)"),
            (true, true) => "an Error without a message".to_owned(),
        };
    }
    match e.as_string() {
        Some(s) if !s.trim().is_empty() => s,
        _ => format!("it threw {}", super::options::type_name(e)),
    }
}

/// A store method's failure; the token manager names the store and method.
pub(crate) fn store_error(e: &JsValue) -> Error {
    Error::network(crate::client::store::redact_token_like(&failure_detail(e)))
}

impl Store {
    async fn call(&self, method: &str, args: &[JsValue]) -> Result<Option<JsValue>, Error> {
        let Store::Js(obj) = self else {
            return Ok(None);
        };
        let f = get(obj, method);
        let Some(f) = f.dyn_ref::<Function>() else {
            return Ok(None);
        };
        let arr: js_sys::Array = args.iter().collect();
        let r = f.apply(obj, &arr).map_err(|e| store_error(&e))?;
        let r = JsFuture::from(Promise::resolve(&r))
            .await
            .map_err(|e| store_error(&e))?;
        Ok(Some(r))
    }
}

impl TokenStore for Store {
    async fn get(&self) -> Result<Option<StoredToken>, Error> {
        if let Store::Memory(m) = self {
            return m.get().await;
        }
        let Some(v) = self.call("get", &[]).await? else {
            return Ok(None);
        };
        if v.is_null() || v.is_undefined() {
            return Ok(None);
        }
        let token = get(&v, "token").as_string();
        let expires = get(&v, "expiresAt").as_f64();
        match (token, expires) {
            (Some(token), Some(at)) if !token.is_empty() && at.is_finite() && at > 0.0 => {
                Ok(Some(StoredToken {
                    token: token.into(),
                    expires_at_ms: at as u64,
                }))
            }
            _ => {
                let mut e = Error::decode(
                    "the token store's get() must answer null or { token: string, expiresAt: number }",
                    None,
                );
                e.code = Some(crate::client::tokens::STORE_CODE.into());
                Err(e)
            }
        }
    }

    async fn set(&self, token: &StoredToken) -> Result<(), Error> {
        if let Store::Memory(m) = self {
            return m.set(token).await;
        }
        self.call(
            "set",
            &[
                JsValue::from_str(token.token.expose_secret()),
                JsValue::from_f64(token.expires_at_ms as f64),
            ],
        )
        .await?;
        Ok(())
    }

    async fn lock(&self, ttl_ms: u64) -> Result<Lock, Error> {
        match self
            .call("lock", &[JsValue::from_f64(ttl_ms as f64)])
            .await?
        {
            Some(v) if !v.is_truthy() => Ok(Lock::Busy),
            _ => Ok(Lock::Acquired),
        }
    }

    async fn unlock(&self) -> Result<(), Error> {
        self.call("unlock", &[]).await?;
        Ok(())
    }

    /// A caller's store without `set()`.
    fn read_only(&self) -> bool {
        matches!(self, Store::Js(obj) if !get(obj, "set").is_function())
    }

    /// The same caller's store object (`Object.is`); the in-memory store is
    /// each client's own.
    fn same_as(&self, other: &Self) -> bool {
        match (self, other) {
            (Store::Js(a), Store::Js(b)) => js_sys::Object::is(a, b),
            _ => false,
        }
    }
}
