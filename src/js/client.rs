//! The JS API clients: `SobotClient` (with its `messenger` and `line`
//! sub-clients) and `GraphClient`. Each method is one line over the endpoint
//! catalogue (`crate::api`); the behaviour lives in `crate::client`.

use super::error::reject_call;
use super::io::{call_io, JsClock, JsTransport, Store};
use super::options::{request_json, Reader};
use crate::api::{self, Endpoint, Json};
use crate::client::config::{SobotConfig, DEFAULT_REFRESH_MARGIN_MS, DEFAULT_TIMEOUT_MS};
use crate::client::graph::{
    GraphClient as GraphCore, GraphConfig, GraphWalk, DEFAULT_GRAPH_URL, DEFAULT_GRAPH_VERSION,
};
use crate::client::paging::PageWalker;
use crate::client::retry;
use crate::client::sobot::{CallOptions, SobotClient as SobotCore};
use crate::client::store::MemoryStore;
use crate::client::tokens::{SharedTokens, TokenManager};
use crate::client::{AttemptHook, Credentials, RetryPolicy};
use crate::error::Error;
use crate::validate::Violation;
use js_sys::Promise;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

#[path = "broadcast.rs"]
mod broadcast;

#[wasm_bindgen(typescript_custom_section)]
const CLIENT_TS: &'static str = ts_fill!(r#"
/** Retry settings: exponential backoff with full jitter. */
export interface RetryOptions {
  /** Attempts in all, the first included (1–{MAX_ATTEMPTS}; default {DEFAULT_MAX_ATTEMPTS}; 1 disables retries). */
  maxAttempts?: number;
  /** Backoff unit in ms (default {DEFAULT_BASE_DELAY_MS}). */
  baseDelayMs?: number;
  /** Longest single wait in ms (default {DEFAULT_MAX_DELAY_MS}); a longer `Retry-After` ends the retries. */
  maxDelayMs?: number;
}

/**
 * Where the shared Sobot token lives. Every `get_token` call invalidates the
 * previous token, so clients in several processes or isolates must share one
 * store. Methods may return values or promises.
 */
export interface TokenStore {
  /** The current token, or null. Expired tokens may be returned: the client checks. */
  get(): { token: string; expiresAt: number } | null | undefined | Promise<{ token: string; expiresAt: number } | null | undefined>;
  /**
   * Replaces the current token (`expiresAt` in ms since the epoch). A store with
   * a lock stores only while it holds it, and may answer whether it stored.
   */
  set(token: string, expiresAt: number): void | boolean | Promise<void | boolean>;
  /**
   * Optional: try to become the one refresher for `ttlMs` (long enough for a
   * whole refresh: attempts × timeout + backoff); answer true when acquired.
   * A store with a lock should make `set` conditional on still holding it.
   */
  lock?(ttlMs: number): boolean | Promise<boolean>;
  /** Optional: release the lock taken with `lock`. */
  unlock?(): void | Promise<void>;
}

/**
 * A token store that only reads: a client over it never fetches a token (it needs no
 * appKey), and a missing or expired stored token rejects (code `token_store`). For
 * browsers and other places that must not hold the key: a server keeps the token.
 */
export interface ReadOnlyTokenStore {
  /** The current token, or null. */
  get(): { token: string; expiresAt: number } | null | undefined | Promise<{ token: string; expiresAt: number } | null | undefined>;
  set?: undefined;
}

interface SobotClientCommonOptions {
  /** The app id (`appid`) given by Sobot. */
  appId: string;
  /** Base URL of the regional Sobot host; default `{DEFAULT_BASE_URL}`. */
  baseUrl?: string;
  /** Per-call timeout in ms (default {DEFAULT_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Retry settings. */
  retry?: RetryOptions;
  /** Refresh the token this many ms before it expires (default {DEFAULT_REFRESH_MARGIN_MS}). */
  refreshMarginMs?: number;
  /** The `fetch` to use (for instrumentation or a proxy); default: the global one. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Called after each attempt (`get_token`'s included), for logs and traces; what it throws is ignored. */
  onAttempt?: (attempt: AttemptEvent) => void;
  /** Accept a plain-http `baseUrl` off this machine (default false: the token and the sign would travel in cleartext). */
  allowInsecureHttp?: boolean;
}

/** Options of `new SobotClient()`: an appKey, or a read-only token store. */
export type SobotClientOptions = SobotClientCommonOptions &
  (
    | {
        /** The app key; it leaves the process only inside the md5 `sign`. */
        appKey: string;
        /** Where the token is kept; default: this client's memory. */
        tokenStore?: TokenStore;
      }
    | {
        appKey?: undefined;
        /** The token, kept by someone who holds the appKey. */
        tokenStore: ReadOnlyTokenStore;
      }
  );

/** Options of one call. */
export interface CallOptions {
  /** This call's timeout in ms, per attempt. */
  timeoutMs?: number;
  /** Cancels the call and its retries; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The `item` of a `send` answer (the document shows none; Sobot answers the message id). */
export interface SendMessageResult {
  message_id?: string;
  recipient_id?: string;
  [field: string]: unknown;
}

/** Options of `new GraphClient()`. */
export interface GraphClientOptions {
  /** The Page access token. */
  accessToken: string;
  /** Graph API version; default `{DEFAULT_GRAPH_VERSION}`. */
  version?: string;
  /** Default `{DEFAULT_GRAPH_URL}`. */
  baseUrl?: string;
  /** Per-call timeout in ms (default {DEFAULT_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Retry settings (every Graph call here is a read). */
  retry?: RetryOptions;
  /** The `fetch` to use; default: the global one. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Called after each attempt, for logs and traces; what it throws is ignored. */
  onAttempt?: (attempt: AttemptEvent) => void;
  /** Accept a plain-http `baseUrl` off this machine (default false). */
  allowInsecureHttp?: boolean;
}
"#,
    "{MAX_ATTEMPTS}" => crate::client::retry::MAX_ATTEMPTS,
    "{DEFAULT_MAX_ATTEMPTS}" => crate::client::retry::DEFAULT_MAX_ATTEMPTS,
    "{DEFAULT_BASE_DELAY_MS}" => crate::client::retry::DEFAULT_BASE_DELAY_MS,
    "{DEFAULT_MAX_DELAY_MS}" => crate::client::retry::DEFAULT_MAX_DELAY_MS,
    "{DEFAULT_BASE_URL}" => crate::client::token::DEFAULT_BASE_URL,
    "{DEFAULT_TIMEOUT_MS}" => crate::client::config::DEFAULT_TIMEOUT_MS,
    "{DEFAULT_REFRESH_MARGIN_MS}" => crate::client::config::DEFAULT_REFRESH_MARGIN_MS,
    "{DEFAULT_GRAPH_VERSION}" => crate::client::graph::DEFAULT_GRAPH_VERSION,
    "{DEFAULT_GRAPH_URL}" => crate::client::graph::DEFAULT_GRAPH_URL,
);

#[wasm_bindgen]
extern "C" {
    /// `CallOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "CallOptions")]
    pub type CallOptionsArg;
}

fn retry_policy(r: &mut Reader) -> RetryPolicy {
    let mut policy = RetryPolicy::default();
    if let Some(mut n) = r.nested("retry") {
        if let Some(v) = n.integer("maxAttempts", 1, u64::from(retry::MAX_ATTEMPTS)) {
            policy.max_attempts = v as u32;
        }
        if let Some(v) = n.integer("baseDelayMs", 0, retry::MAX_BASE_DELAY_MS) {
            policy.base_delay_ms = v;
        }
        if let Some(v) = n.integer("maxDelayMs", 0, retry::MAX_MAX_DELAY_MS) {
            policy.max_delay_ms = v;
        }
        n.reject_unknown();
        r.absorb(n);
    }
    policy
}

/// A call's options: its timeout and its `AbortSignal` (or `undefined`).
pub(crate) fn call_options(options: &JsValue) -> Result<(CallOptions, JsValue), Vec<Violation>> {
    let mut r = Reader::optional(options, "options");
    let timeout_ms = r.timeout_ms();
    let signal = r.signal("signal").unwrap_or(JsValue::UNDEFINED);
    let v = r.finish();
    if v.is_empty() {
        Ok((CallOptions { timeout_ms }, signal))
    } else {
        Err(v)
    }
}

/// A method's options object split into its request fields and its call
/// options (`timeoutMs`, `signal`). A value that is not an object is left
/// as the call options, for [`call_options`] to refuse.
fn split_call_options(options: &JsValue) -> (js_sys::Object, JsValue) {
    let request = js_sys::Object::new();
    if options.is_undefined() || options.is_null() {
        return (request, JsValue::UNDEFINED);
    }
    if !options.is_object() || js_sys::Array::is_array(options) || options.is_function() {
        return (request, options.clone());
    }
    let request = js_sys::Object::assign(&request, options.unchecked_ref());
    let call = js_sys::Object::new();
    for key in ["timeoutMs", "signal"] {
        let k = JsValue::from_str(key);
        if let Ok(v) = js_sys::Reflect::get(&request, &k) {
            if !v.is_undefined() {
                let _ = js_sys::Reflect::set(&call, &k, &v);
            }
        }
        let _ = js_sys::Reflect::delete_property(&request, &k);
    }
    (request, call.into())
}

/// `options`'s request fields with `id` as `key`, and its call options.
fn with_id(key: &str, id: String, options: Option<JsValue>) -> (JsValue, JsValue) {
    let (request, call) = split_call_options(&options.unwrap_or(JsValue::UNDEFINED));
    let _ = js_sys::Reflect::set(&request, &JsValue::from_str(key), &JsValue::from(id));
    (request.into(), call)
}

/// The `onAttempt` option: called with each attempt's `AttemptEvent`. What
/// it throws is ignored, so an observer never fails a call.
fn attempt_hook(r: &mut Reader) -> AttemptHook {
    let Some(f) = r.function("onAttempt") else {
        return AttemptHook::default();
    };
    let f = js_sys::Function::from(f);
    AttemptHook::new(move |event| {
        if let Ok(v) = super::to_js(event) {
            let _ = f.call1(&JsValue::UNDEFINED, &v);
        }
    })
}

/// An answer's JSON text as a JS value, through the engine's `JSON.parse`.
fn json_to_js(j: &Json) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&j.0)
}

struct SobotShared {
    core: SobotCore<Store>,
    fetch: JsValue,
    app_key: SecretString,
    /// The default store of `messenger.broadcast()`, made on first use.
    claims: RefCell<Option<Rc<crate::client::broadcast::MemoryClaims<JsClock>>>>,
}

impl SobotShared {
    /// What an error message must never show: the app key and the token.
    fn secrets(&self) -> Vec<SecretString> {
        let mut s = vec![self.app_key.clone()];
        s.extend(self.core.tokens().last_token());
        s
    }

    fn call(self: &Rc<Self>, ep: &'static Endpoint, request: JsValue, options: JsValue) -> Promise {
        let me = self.clone();
        future_to_promise(async move {
            let invalid = |v| JsValue::from(Error::validation(v).at(ep.name));
            let (opts, signal) = call_options(&options).map_err(invalid)?;
            let req = request_json(&request, "request").map_err(|v| invalid(vec![v]))?;
            let (transport, clock) = call_io(&me.fetch, &signal);
            match me.core.call(&transport, &clock, ep, &req, opts).await.0 {
                Ok(v) => json_to_js(&v),
                Err(e) => Err(reject_call(e, &transport, &signal, &me.secrets())),
            }
        })
    }

    fn pages(self: &Rc<Self>, ep: &'static Endpoint, filter: JsValue, options: JsValue) -> JsValue {
        let list = match ep.answer {
            api::Answer::Page => "items",
            _ => "data",
        };
        let walker = match request_json(&filter, "filter") {
            Ok(f) => Ok(PageWalker::new(&f, list)),
            Err(v) => Err(v),
        };
        iterate_pager(Pager {
            kind: PagerKind::Sobot {
                shared: self.clone(),
                ep,
                walker: Rc::new(RefCell::new(walker)),
            },
            options,
        })
    }
}

thread_local! {
    /// The token managers of live clients, shared by store object and app.
    static SHARED_TOKENS: RefCell<SharedTokens<Store>> = RefCell::new(SharedTokens::default());
}

/// The token manager of a new client (see [`SharedTokens`]).
fn shared_tokens(store: Store, creds: &Credentials) -> Rc<TokenManager<Store>> {
    SHARED_TOKENS.with(|cell| {
        cell.borrow_mut()
            .manager(store, &creds.app_id, &creds.base_url)
    })
}

/// The Sobot open platform client: one shared token for all its calls,
/// validation before sending, retries, timeouts and pagination.
#[wasm_bindgen]
pub struct SobotClient {
    shared: Rc<SobotShared>,
}

#[wasm_bindgen]
impl SobotClient {
    /// A client. Throws a `SobotError` (kind `validation`) for invalid
    /// options; nothing is sent until the first call.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SobotClientOptions")] options: JsValue,
    ) -> Result<SobotClient, JsValue> {
        let mut r = Reader::new(&options, "options");
        let store_obj = r.object("tokenStore");
        let has = |s: &JsValue, m: &str| {
            js_sys::Reflect::get(s, &JsValue::from_str(m))
                .map(|f| f.is_function())
                .unwrap_or(false)
        };
        // A store with get() but no set() is read-only: this client never
        // fetches a token, so it needs no appKey.
        let read_only = store_obj.as_ref().is_some_and(|s| !has(s, "set"));
        let credentials = r.credentials(!read_only);
        let timeout_ms = r.timeout_ms();
        let margin = r.integer("refreshMarginMs", 0, 86_400_000);
        let retry = retry_policy(&mut r);
        let store = match store_obj {
            Some(s) => {
                if !has(&s, "get") {
                    r.push(Violation::format(
                        "tokenStore",
                        "an object with get() (and set(token, expiresAt), unless it is read-only)",
                        None,
                    ));
                }
                Store::Js(s)
            }
            None => Store::Memory(MemoryStore::default()),
        };
        let fetch = r.function("fetch").unwrap_or(JsValue::UNDEFINED);
        let on_attempt = attempt_hook(&mut r);
        r.reject_unknown();
        let violations = r.finish_with_key(&credentials, !read_only);
        if !violations.is_empty() {
            let mut e = Error::validation(violations);
            super::error::redact(&mut e, std::slice::from_ref(&credentials.app_key));
            return Err(e.into());
        }
        let app_key = credentials.app_key.clone();
        let config = SobotConfig {
            credentials,
            timeout_ms: Some(timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS)),
            retry,
            refresh_margin_ms: margin.unwrap_or(DEFAULT_REFRESH_MARGIN_MS),
            on_attempt,
        };
        let tokens = shared_tokens(store, &config.credentials);
        Ok(SobotClient {
            shared: Rc::new(SobotShared {
                core: SobotCore::with_tokens(config, tokens),
                fetch,
                app_key,
                claims: RefCell::default(),
            }),
        })
    }

    /// The Messenger channel's endpoints.
    #[wasm_bindgen(getter)]
    pub fn messenger(&self) -> MessengerClient {
        MessengerClient(self.shared.clone())
    }

    /// The LINE channel's endpoints.
    #[wasm_bindgen(getter)]
    pub fn line(&self) -> LineClient {
        LineClient(self.shared.clone())
    }

    /// The current token (refreshed if needed), for calls the client does
    /// not cover. Resolves to `{ token, expiresAt }`.
    #[wasm_bindgen(unchecked_return_type = "Promise<{ token: string; expiresAt: number }>")]
    pub fn token(&self, options: Option<CallOptionsArg>) -> Promise {
        let me = self.shared.clone();
        let options: JsValue = options.map_or(JsValue::UNDEFINED, Into::into);
        future_to_promise(async move {
            let (opts, signal) = call_options(&options)
                .map_err(|v| JsValue::from(Error::validation(v).at(api::GET_TOKEN.name)))?;
            let (transport, clock) = call_io(&me.fetch, &signal);
            match me.core.token(&transport, &clock, opts).await {
                Ok(t) => super::to_js(
                    &json!({ "token": t.token.expose_secret(), "expiresAt": t.expires_at_ms }),
                ),
                Err(e) => Err(reject_call(e, &transport, &signal, &me.secrets())),
            }
        })
    }

    /// What the client's token manager did: `get_token` requests sent and
    /// refreshes completed (counted over all clients sharing its store object).
    #[wasm_bindgen(unchecked_return_type = "{ tokenRequests: number; tokenRefreshes: number }")]
    pub fn stats(&self) -> JsValue {
        let s = self.shared.core.tokens().stats();
        super::to_js(&json!({ "tokenRequests": s.requests, "tokenRefreshes": s.refreshes }))
            .unwrap_or(JsValue::NULL)
    }

    /// `{ appId, baseUrl }`: what `JSON.stringify(client)` shows (never a secret).
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "{ appId: string; baseUrl: string }")]
    pub fn to_json(&self) -> JsValue {
        let c = &self.shared.core.config().credentials;
        super::to_js(&json!({ "appId": c.app_id, "baseUrl": c.base_url })).unwrap_or(JsValue::NULL)
    }

    /// `SobotClient(appId @ baseUrl)` (never a secret).
    #[wasm_bindgen(js_name = toString)]
    pub fn to_string_js(&self) -> String {
        let c = &self.shared.core.config().credentials;
        format!("SobotClient({} @ {})", c.app_id, c.base_url)
    }
}

/// Expands the catalogue ([`api::with_endpoints`]) into the client methods
/// and page iterators of each endpoint that has them.
macro_rules! js_methods {
    ($( $(#[$doc:meta])* $id:ident = $name:literal, $method:ident $path:literal, $auth:ident, $paging:ident, $retry:ident, $answer:expr, $validate:path, $encode:expr, $shape:expr, $(repair $repair:path,)? js { $($js:tt)* }; )*) => {
        $( js_method! { [$(#[$doc])*] $id $paging $($js)* } )*
    };
}

/// One endpoint's methods (nothing for endpoints without a binding). `by`
/// is passed on as one token tree, `[]` or `[field]`.
macro_rules! js_method {
    ($docs:tt $id:ident $paging:ident) => {};
    ($docs:tt $id:ident $paging:ident $client:ident $(by $by:ident)?
        $(call $fn:ident $js:literal : $req:literal -> $res:literal ;)?
        $(pages $pfn:ident $pjs:literal : $preq:literal -> $item:literal ;)?
        $(details $dfn:ident $djs:literal $dep:ident : $dreq:literal -> $ditem:literal ;)?
        $(validator $vfn:ident $vjs:literal : $vts:literal ;)?
        $(checked $cjs:literal ;)?
    ) => {
        js_bound! { $docs $id $paging $client [$($by)?]
            $(call $fn $js $req $res ;)?
            $(pages $pfn $pjs $preq $item ;)?
            $(details $dfn $djs $dep $dreq $ditem ;)?
        }
    };
}

macro_rules! js_bound {
    ($docs:tt $id:ident $paging:ident $client:ident $by:tt
        $(call $fn:ident $js:literal $req:literal $res:literal ;)?
        $(pages $pfn:ident $pjs:literal $preq:literal $item:literal ;)?
        $(details $dfn:ident $djs:literal $dep:ident $dreq:literal $ditem:literal ;)?
    ) => {
        $( js_call! { $docs $client $id $by $fn $js $req $res } )?
        $( js_pages! { $docs $client $id $paging $by $pfn $pjs $preq $item } )?
        $( js_details! { $client $id $by $dep $dfn $djs $dreq $ditem } )?
    };
}

macro_rules! js_call {
    ([$(#[$doc:meta])*] $client:ident $id:ident [] $fn:ident $js:literal $req:literal $res:literal) => {
        #[wasm_bindgen]
        impl $client {
            $(#[$doc])*
            #[wasm_bindgen(js_name = $js, unchecked_return_type = $res)]
            pub fn $fn(
                &self,
                #[wasm_bindgen(unchecked_param_type = $req)] request: JsValue,
                options: Option<CallOptionsArg>,
            ) -> Promise {
                self.0.call(&api::$id, request, options.map_or(JsValue::UNDEFINED, Into::into))
            }
        }
    };
    ([$(#[$doc:meta])*] $client:ident $id:ident [$by:ident] $fn:ident $js:literal $req:literal $res:literal) => {
        #[wasm_bindgen]
        impl $client {
            $(#[$doc])*
            #[wasm_bindgen(js_name = $js, unchecked_return_type = $res)]
            pub fn $fn(
                &self,
                #[wasm_bindgen(js_name = $by)] id: String,
                #[wasm_bindgen(unchecked_optional_param_type = $req)] options: Option<JsValue>,
            ) -> Promise {
                let (request, options) = with_id(stringify!($by), id, options);
                self.0.call(&api::$id, request, options)
            }
        }
    };
}

/// What an iterator walks, by the endpoint's paging.
macro_rules! pages_doc {
    (PageNo) => {
        " As an async iterable over the items of every page, from the filter's\n \
         `page_no` (default 1) with its `page_size` (default 100)."
    };
    (GraphCursor) => {
        " As an async iterable over the rows of every page, from the cursor\n \
         `after` (default: the first page)."
    };
}

macro_rules! js_pages {
    ([$(#[$doc:meta])*] $client:ident $id:ident $paging:ident [] $pfn:ident $pjs:literal $preq:literal $item:literal) => {
        #[wasm_bindgen]
        impl $client {
            $(#[$doc])*
            #[doc = ""]
            #[doc = pages_doc!($paging)]
            #[wasm_bindgen(js_name = $pjs, unchecked_return_type = $item)]
            pub fn $pfn(
                &self,
                #[wasm_bindgen(unchecked_param_type = $preq)] filter: JsValue,
                options: Option<CallOptionsArg>,
            ) -> JsValue {
                self.0.pages(&api::$id, filter, options.map_or(JsValue::UNDEFINED, Into::into))
            }
        }
    };
    ([$(#[$doc:meta])*] $client:ident $id:ident $paging:ident [$by:ident] $pfn:ident $pjs:literal $preq:literal $item:literal) => {
        #[wasm_bindgen]
        impl $client {
            $(#[$doc])*
            #[doc = ""]
            #[doc = pages_doc!($paging)]
            #[wasm_bindgen(js_name = $pjs, unchecked_return_type = $item)]
            pub fn $pfn(
                &self,
                #[wasm_bindgen(js_name = $by)] id: String,
                #[wasm_bindgen(unchecked_optional_param_type = $preq)] options: Option<JsValue>,
            ) -> JsValue {
                let (request, options) = with_id(stringify!($by), id, options);
                self.0.pages(&api::$id, request, options)
            }
        }
    };
}

macro_rules! js_details {
    ($client:ident $id:ident [$by:ident] $dep:ident $dfn:ident $djs:literal $dreq:literal $ditem:literal) => {
        #[wasm_bindgen]
        impl $client {
            /// The details of each row of every page, for the rows Graph
            /// details: only a conversation's most recent messages, so the
            /// iteration ends after the last of them and never yields the
            /// failure Graph answers for an older one.
            #[wasm_bindgen(js_name = $djs, unchecked_return_type = $ditem)]
            pub fn $dfn(
                &self,
                #[wasm_bindgen(js_name = $by)] id: String,
                #[wasm_bindgen(unchecked_optional_param_type = $dreq)] options: Option<JsValue>,
            ) -> JsValue {
                let (request, options) = split_call_options(&options.unwrap_or(JsValue::UNDEFINED));
                let (walk, _) = with_id(stringify!($by), id, None);
                self.0
                    .details(&api::$id, &api::$dep, walk, request.into(), options)
            }
        }
    };
}

/// The Messenger channel of a `SobotClient`.
#[wasm_bindgen]
pub struct MessengerClient(Rc<SobotShared>);

/// The LINE channel of a `SobotClient`.
#[wasm_bindgen]
pub struct LineClient(Rc<SobotShared>);

crate::api::with_endpoints!(js_methods);

/// One endpoint of the catalogue as JavaScript reads it (`catalogue()`).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct CatalogueEntry {
    name: &'static str,
    method: &'static str,
    path: &'static str,
    auth: &'static str,
    paging: &'static str,
    retry: &'static str,
    client: Option<&'static str>,
    call: Option<&'static str>,
    pages: Option<&'static str>,
    details: Option<&'static str>,
    by: Option<&'static str>,
    validator: Option<&'static str>,
}

macro_rules! first {
    () => {
        None
    };
    ($x:expr) => {
        Some($x)
    };
}

/// Expands the catalogue into its JavaScript description.
macro_rules! js_catalogue {
    ($( $(#[$doc:meta])* $id:ident = $name:literal, $method:ident $path:literal, $auth:ident, $paging:ident, $retry:ident, $answer:expr, $validate:path, $encode:expr, $shape:expr, $(repair $repair:path,)? js { $($js:tt)* }; )*) => {
        fn catalogue_entries() -> Vec<CatalogueEntry> {
            vec![$( js_entry!(api::$id, $($js)*) ),*]
        }
    };
}

macro_rules! js_entry {
    ($ep:expr, $($client:ident $(by $by:ident)?)?
        $(call $fn:ident $js:literal : $req:literal -> $res:literal ;)?
        $(pages $pfn:ident $pjs:literal : $preq:literal -> $item:literal ;)?
        $(details $dfn:ident $djs:literal $dep:ident : $dreq:literal -> $ditem:literal ;)?
        $(validator $vfn:ident $vjs:literal : $vts:literal ;)?
        $(checked $cjs:literal ;)?
    ) => {{
        let e: &Endpoint = &$ep;
        CatalogueEntry {
            name: e.name,
            method: e.method.as_str(),
            path: e.path,
            auth: match e.auth {
                api::Auth::None => "none",
                api::Auth::SobotToken => "sobot_token",
                api::Auth::GraphAccessToken => "graph_access_token",
            },
            paging: match e.paging {
                api::Paging::None => "none",
                api::Paging::PageNo => "page_no",
                api::Paging::GraphCursor => "graph_cursor",
            },
            retry: match e.retry {
                api::RetrySafety::Safe => "safe",
                api::RetrySafety::OnlyIfNotProcessed => "only_if_not_processed",
            },
            client: first!($(stringify!($client))?),
            call: first!($($js)?),
            pages: first!($($pjs)?),
            details: first!($($djs)?),
            by: first!($($(stringify!($by))?)?),
            validator: first!($($vjs)? $($cjs)?),
        }
    }};
}

crate::api::with_endpoints!(js_catalogue);

/// The endpoint catalogue: each endpoint's wire name, method, path, auth,
/// paging and retry safety, and the JavaScript method, page iterator and
/// validator that call or check it. The emulator's routes are read from it.
#[wasm_bindgen(unchecked_return_type = "CatalogueEntry[]")]
pub fn catalogue() -> Result<JsValue, JsValue> {
    super::to_js(&catalogue_entries())
}

#[wasm_bindgen(typescript_custom_section)]
const CATALOGUE_TS: &'static str = r#"
/** One endpoint of `catalogue()`. */
export interface CatalogueEntry {
  /** The endpoint's name, as errors and logs give it (`messenger.send`). */
  name: string;
  method: 'GET' | 'POST';
  /** Below the base URL; Graph paths hold `{placeholders}`. */
  path: string;
  auth: 'none' | 'sobot_token' | 'graph_access_token';
  paging: 'none' | 'page_no' | 'graph_cursor';
  /** `only_if_not_processed`: a write, repeated only when it certainly was not processed. */
  retry: 'safe' | 'only_if_not_processed';
  /** The client class that calls it, its method and page iterator, and its validator export. */
  client: 'MessengerClient' | 'LineClient' | 'GraphClient' | null;
  call: string | null;
  pages: string | null;
  /** The iterator over another endpoint's answer for each row (`messageDetails`). */
  details: string | null;
  /** The request field the methods take as their first argument (`conversationId`). */
  by: string | null;
  validator: string | null;
}
"#;

struct GraphShared {
    core: GraphCore,
    fetch: JsValue,
}

impl GraphShared {
    fn secrets(&self) -> Vec<SecretString> {
        vec![self.core.config().access_token.clone()]
    }

    fn call(self: &Rc<Self>, ep: &'static Endpoint, request: JsValue, options: JsValue) -> Promise {
        let me = self.clone();
        future_to_promise(async move {
            let invalid = |v| JsValue::from(Error::validation(v).at(ep.name));
            let (opts, signal) = call_options(&options).map_err(invalid)?;
            let req = request_json(&request, "request").map_err(|v| invalid(vec![v]))?;
            let (transport, clock) = call_io(&me.fetch, &signal);
            match me
                .core
                .call(&transport, &clock, ep, &req, opts.timeout_ms)
                .await
            {
                Ok(v) => json_to_js(&v),
                Err(e) => Err(reject_call(e, &transport, &signal, &me.secrets())),
            }
        })
    }

    fn pages(
        self: &Rc<Self>,
        ep: &'static Endpoint,
        request: JsValue,
        options: JsValue,
    ) -> JsValue {
        let walk = request_json(&request, "request").map(|r| GraphWalk::new(ep, r));
        self.walk(ep, walk.map_err(|v| vec![v]), options)
    }

    fn details(
        self: &Rc<Self>,
        ep: &'static Endpoint,
        detail: &'static Endpoint,
        request: JsValue,
        detail_request: JsValue,
        options: JsValue,
    ) -> JsValue {
        let walk = request_json(&request, "request").and_then(|r| {
            let d = request_json(&detail_request, "request")?;
            Ok(GraphWalk::new(ep, r).details(detail, d))
        });
        self.walk(ep, walk.map_err(|v| vec![v]), options)
    }

    fn walk(
        self: &Rc<Self>,
        ep: &'static Endpoint,
        walk: Result<GraphWalk, Vec<Violation>>,
        options: JsValue,
    ) -> JsValue {
        let walk = walk.and_then(|w| {
            let v = w.violations();
            if v.is_empty() {
                Ok(w)
            } else {
                Err(v)
            }
        });
        iterate_pager(Pager {
            kind: PagerKind::Graph {
                shared: self.clone(),
                ep,
                walk: Rc::new(RefCell::new(walk)),
            },
            options,
        })
    }
}

/// Meta's Graph API Conversations API: conversations of a Page or Instagram
/// account, their messages, and message details.
#[wasm_bindgen]
pub struct GraphClient(Rc<GraphShared>);

#[wasm_bindgen]
impl GraphClient {
    /// A client. Throws a `SobotError` (kind `validation`) for invalid options.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "GraphClientOptions")] options: JsValue,
    ) -> Result<GraphClient, JsValue> {
        let mut r = Reader::new(&options, "options");
        let access_token = r.required_string("accessToken");
        let version = r.string("version");
        let base_url = r.string("baseUrl");
        let timeout_ms = r.timeout_ms();
        let retry = retry_policy(&mut r);
        let fetch = r.function("fetch").unwrap_or(JsValue::UNDEFINED);
        let allow_insecure_http = r.boolean("allowInsecureHttp").unwrap_or(false);
        let on_attempt = attempt_hook(&mut r);
        r.reject_unknown();
        let config = GraphConfig {
            access_token: access_token.unwrap_or_default().into(),
            version: version.unwrap_or_else(|| DEFAULT_GRAPH_VERSION.to_owned()),
            base_url: base_url.unwrap_or_else(|| DEFAULT_GRAPH_URL.to_owned()),
            timeout_ms: Some(timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS)),
            retry,
            allow_insecure_http,
            on_attempt,
        };
        let mut violations = r.finish();
        for v in config.violations() {
            if !violations.iter().any(|w| w.path == v.path) {
                violations.push(v);
            }
        }
        if !violations.is_empty() {
            let mut e = Error::validation(violations);
            super::error::redact(&mut e, std::slice::from_ref(&config.access_token));
            return Err(e.into());
        }
        let core = GraphCore::new(config)?;
        Ok(GraphClient(Rc::new(GraphShared { core, fetch })))
    }

    /// `{ version, baseUrl }`: what `JSON.stringify(client)` shows (never the token).
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "{ version: string; baseUrl: string }")]
    pub fn to_json(&self) -> JsValue {
        let c = self.0.core.config();
        super::to_js(&json!({ "version": c.version, "baseUrl": c.base_url }))
            .unwrap_or(JsValue::NULL)
    }

    /// `GraphClient(version @ baseUrl)` (never the token).
    #[wasm_bindgen(js_name = toString)]
    pub fn to_string_js(&self) -> String {
        let c = self.0.core.config();
        format!("GraphClient({} @ {})", c.version, c.base_url)
    }
}

enum PagerKind {
    Sobot {
        shared: Rc<SobotShared>,
        ep: &'static Endpoint,
        walker: Rc<RefCell<Result<PageWalker, Violation>>>,
    },
    Graph {
        shared: Rc<GraphShared>,
        ep: &'static Endpoint,
        walk: Rc<RefCell<Result<GraphWalk, Vec<Violation>>>>,
    },
}

/// One walk over a paged endpoint; `next()` resolves to the next page's
/// items, or `undefined` at the end. Used through the async iterables the
/// clients return.
#[wasm_bindgen]
pub struct Pager {
    kind: PagerKind,
    options: JsValue,
}

/// The async iterable over a pager's items, stopped by the call options' signal.
fn iterate_pager(pager: Pager) -> JsValue {
    let signal = if pager.options.is_object() {
        js_sys::Reflect::get(&pager.options, &JsValue::from_str("signal"))
            .unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    };
    super::io::iterate(pager.into(), &signal)
}

fn items_js(items: Vec<Value>) -> Result<JsValue, JsValue> {
    super::to_js(&Value::Array(items))
}

#[wasm_bindgen]
impl Pager {
    /// The next page's items, or `undefined` when the walk is over.
    ///
    /// Each walk is copied out of its cell for the call and written back
    /// after it, so no borrow is held across an await (`next()` calls are
    /// serialised by the iterator in `runtime.js`).
    #[wasm_bindgen(unchecked_return_type = "Promise<unknown[] | undefined>")]
    pub fn next(&self) -> Promise {
        let options = self.options.clone();
        match &self.kind {
            PagerKind::Sobot { shared, ep, walker } => {
                let (shared, ep, cell) = (shared.clone(), *ep, walker.clone());
                future_to_promise(async move {
                    let invalid = |v| JsValue::from(Error::validation(v).at(ep.name));
                    let (opts, signal) = call_options(&options).map_err(invalid)?;
                    let mut walker = cell.borrow().clone().map_err(|v| invalid(vec![v]))?;
                    let (transport, clock) = call_io(&shared.fetch, &signal);
                    let page = shared
                        .core
                        .next_page(&transport, &clock, ep, &mut walker, opts)
                        .await;
                    *cell.borrow_mut() = Ok(walker);
                    page_js(page, &transport, &signal, &shared.secrets())
                })
            }
            PagerKind::Graph { shared, ep, walk } => {
                let (shared, ep, cell) = (shared.clone(), *ep, walk.clone());
                future_to_promise(async move {
                    let invalid = |v| JsValue::from(Error::validation(v).at(ep.name));
                    let (opts, signal) = call_options(&options).map_err(invalid)?;
                    let mut walk = cell.borrow().clone().map_err(invalid)?;
                    let (transport, clock) = call_io(&shared.fetch, &signal);
                    let page = shared
                        .core
                        .next_page(&transport, &clock, &mut walk, opts.timeout_ms)
                        .await;
                    *cell.borrow_mut() = Ok(walk);
                    page_js(page, &transport, &signal, &shared.secrets())
                })
            }
        }
    }
}

/// A page of a walk as JS: its items, `undefined` at the end, or the error.
fn page_js(
    page: Result<Option<Vec<Value>>, Error>,
    transport: &JsTransport,
    signal: &JsValue,
    secrets: &[SecretString],
) -> Result<JsValue, JsValue> {
    match page {
        Ok(Some(items)) => items_js(items),
        Ok(None) => Ok(JsValue::UNDEFINED),
        Err(e) => Err(reject_call(e, transport, signal, secrets)),
    }
}
