//! `createWebhookHandler`, `toNodeListener` and `MemoryDedupeStore`: the
//! decisions of `webhook::handler` for the handler function of `runtime.js`,
//! which adapts them to the Fetch API's `Request` and `Response` and awaits the
//! body, the de-duplication store and `onEvents` (no async Rust: smaller wasm).

use super::webhook::{events_to_js, host_digest, kind_of, RawSource};
use crate::error::{Error, Violation};
use crate::webhook::handler::{
    self as h, Answer, Auth, Claims, Config, Route, DEFAULT_CLAIMS_CAPACITY,
};
use crate::webhook::{self, Channel, DEFAULT_MAX_BYTES};
use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const HANDLER_TS: &'static str = ts_fill!(include_str!("handler.d.ts"),
    "{DEFAULT_MAX_BYTES}" => DEFAULT_MAX_BYTES,
    "{DEFAULT_CLAIM_TTL_MS}" => h::DEFAULT_CLAIM_TTL_MS,
    "{DEFAULT_SEEN_TTL_MS}" => h::DEFAULT_SEEN_TTL_MS,
    "{DEFAULT_STORE_TIMEOUT_MS}" => h::DEFAULT_STORE_TIMEOUT_MS,
);

#[wasm_bindgen(module = "/src/js/runtime.js")]
extern "C" {
    /// The handler function over a `WebhookHandler` and its settings.
    #[wasm_bindgen(js_name = bindHandler)]
    fn bind_handler(handler: WebhookHandler, settings: &JsValue) -> JsValue;
    /// `(req, res, next?)` over a handler function.
    #[wasm_bindgen(js_name = nodeListener, catch)]
    fn node_listener(handler: &JsValue) -> Result<JsValue, JsValue>;
    /// `console.warn`.
    fn warn(message: &str);
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Where claims are kept.
enum Dedupe {
    Off,
    Memory(Claims),
    Js(JsValue),
}

struct Settings {
    config: Config,
    on_events: Function,
    on_error: Option<Function>,
    dedupe: Dedupe,
    defer: bool,
    claim_ttl_ms: f64,
    seen_ttl_ms: f64,
    store_timeout_ms: f64,
}

/// Reads the options, every violation at once.
struct Reader<'a> {
    options: &'a JsValue,
    violations: Vec<Violation>,
    /// The keys asked for: the options there are.
    read: Vec<&'static str>,
}

impl Reader<'_> {
    fn path(key: &str) -> String {
        format!("options.{key}")
    }

    /// The option `key` (`undefined` when absent), recorded as one there is.
    fn value(&mut self, key: &'static str) -> JsValue {
        self.read.push(key);
        get(self.options, key)
    }

    fn string(&mut self, key: &'static str) -> Option<String> {
        let v = self.value(key);
        if v.is_undefined() {
            return None;
        }
        match v.as_string() {
            Some(s) if !s.is_empty() => Some(s),
            Some(_) => {
                self.violations.push(Violation::blank(&Self::path(key)));
                None
            }
            None => {
                self.violations.push(Violation::wrong_type(
                    &Self::path(key),
                    "a non-empty string",
                    kind_of(&v),
                ));
                None
            }
        }
    }

    fn function(&mut self, key: &'static str) -> Option<Function> {
        let v = self.value(key);
        if v.is_undefined() {
            return None;
        }
        match v.dyn_into::<Function>() {
            Ok(f) => Some(f),
            Err(v) => {
                self.violations.push(Violation::wrong_type(
                    &Self::path(key),
                    "a function",
                    kind_of(&v),
                ));
                None
            }
        }
    }

    fn flag(&mut self, key: &'static str) -> bool {
        let v = self.value(key);
        if v.is_undefined() {
            return false;
        }
        v.as_bool().unwrap_or_else(|| {
            self.violations.push(Violation::wrong_type(
                &Self::path(key),
                "a boolean",
                kind_of(&v),
            ));
            false
        })
    }

    fn positive(&mut self, key: &'static str, default: f64) -> f64 {
        let v = self.value(key);
        if v.is_undefined() {
            return default;
        }
        match v.as_f64() {
            Some(n) if n.is_finite() && n >= 1.0 && n.fract() == 0.0 => n,
            _ => {
                self.violations.push(Violation::format(
                    &Self::path(key),
                    "a positive integer",
                    v.as_f64().map(serde_json::Value::from),
                ));
                default
            }
        }
    }
}

fn read_options(options: &JsValue) -> Result<Settings, Error> {
    if !options.is_object() {
        return Err(Error::validation(vec![Violation::wrong_type(
            "options",
            "an object",
            kind_of(options),
        )]));
    }
    let mut r = Reader {
        options,
        violations: Vec::new(),
        read: Vec::new(),
    };
    let channel = match r.value("channel").as_string() {
        Some(name) => Channel::from_name(&name)
            .map_err(|e| r.violations.extend(e.violations))
            .ok(),
        None => {
            r.violations.push(Violation::required("options.channel"));
            None
        }
    };
    let secret = r.string("secret");
    let shared = r.string("sharedSecret");
    let unsigned = r.flag("unsigned");
    let given =
        usize::from(secret.is_some()) + usize::from(shared.is_some()) + usize::from(unsigned);
    if given != 1 {
        r.violations.push(Violation::exactly_one(
            "options",
            &["secret", "sharedSecret", "unsigned: true"],
            given,
        ));
    }
    let verify_token = r.string("verifyToken");
    if verify_token.is_some() && channel == Some(Channel::Line) {
        r.violations.push(Violation::only_with(
            "options.verifyToken",
            "channel \"messenger\" (Meta's handshake)",
        ));
    }
    let on_events = r.function("onEvents");
    if on_events.is_none() && get(options, "onEvents").is_undefined() {
        r.violations.push(Violation::required("options.onEvents"));
    }
    let on_error = r.function("onError");
    let dedupe_value = r.value("dedupe");
    let dedupe = if dedupe_value.is_undefined() {
        Some(Claims::new(DEFAULT_CLAIMS_CAPACITY).map_or(Dedupe::Off, Dedupe::Memory))
    } else if dedupe_value.as_bool() == Some(false) {
        Some(Dedupe::Off)
    } else if dedupe_value.is_object()
        && ["claim", "confirm", "release"]
            .iter()
            .all(|m| get(&dedupe_value, m).is_function())
    {
        Some(Dedupe::Js(dedupe_value))
    } else {
        r.violations.push(Violation::wrong_type(
            "options.dedupe",
            "a store with claim, confirm and release methods, or false",
            kind_of(&dedupe_value),
        ));
        None
    };
    let max = r.positive("maxBodyBytes", DEFAULT_MAX_BYTES as f64);
    let defer = r.flag("deferHandling");
    let claim_ttl_ms = r.positive("claimTtlMs", h::DEFAULT_CLAIM_TTL_MS as f64);
    let seen_ttl_ms = r.positive("seenTtlMs", h::DEFAULT_SEEN_TTL_MS as f64);
    let store_timeout_ms = r.positive("storeTimeoutMs", h::DEFAULT_STORE_TIMEOUT_MS as f64);
    let unknown = super::unknown_options(options, &r.read, Reader::path);
    r.violations.extend(unknown);
    let (Some(channel), Some(on_events), Some(dedupe), true) =
        (channel, on_events, dedupe, r.violations.is_empty())
    else {
        return Err(Error::validation(r.violations));
    };
    let auth = match (secret, shared) {
        (Some(s), _) => Auth::Signature(s.into()),
        (None, Some(t)) => Auth::SharedSecret(t.into()),
        (None, None) => Auth::Unsigned,
    };
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let max_body_bytes = if max >= usize::MAX as f64 {
        usize::MAX
    } else {
        max as usize
    };
    Ok(Settings {
        config: Config {
            channel,
            auth,
            verify_token: verify_token.map(Into::into),
            max_body_bytes,
        },
        on_events,
        on_error,
        dedupe,
        defer,
        claim_ttl_ms,
        seen_ttl_ms,
        store_timeout_ms,
    })
}

fn answer(a: Answer) -> JsValue {
    Array::of2(&a.status.into(), &a.body.into()).into()
}

/// A handler's decisions, called by the handler function (`bindHandler` in
/// `runtime.js`), which awaits the body, the store and `onEvents`.
#[wasm_bindgen]
pub struct WebhookHandler(Config);

#[wasm_bindgen]
impl WebhookHandler {
    /// `undefined` to read the body, else the answer `[status, body]`: 405,
    /// 413 from `Content-Length`, or Meta's handshake.
    pub fn route(&self, method: &str, content_length: Option<String>, url: &str) -> JsValue {
        match self.0.route(method, content_length.as_deref()) {
            Route::Body => JsValue::UNDEFINED,
            Route::Answer(a) => answer(a),
            Route::Handshake => match self.0.handshake(url) {
                Ok(challenge) => Array::of2(&200.into(), &challenge.into()).into(),
                Err(a) => answer(a),
            },
        }
    }

    /// The body's events and claim keys (`{ events, keys }`), or the answer:
    /// 413 when `body` is `null` (read past the limit), 401, 400, or 200 when
    /// it holds no event. Nothing is parsed before the body is authentic.
    pub fn accept(
        &self,
        body: Option<Uint8Array>,
        signature: Option<String>,
        token_header: Option<String>,
        url: &str,
    ) -> Result<JsValue, JsValue> {
        let Some(body) = body else {
            return Ok(answer(h::TOO_LARGE));
        };
        let token = match self.0.auth {
            Auth::SharedSecret(_) => h::presented_token(url, token_header.as_deref()),
            _ => None,
        };
        let bytes = body.to_vec();
        // the host's HMAC where it has one (node:crypto), as `verifyLineSignature`
        let host_mac =
            |algorithm, key: &[u8]| host_digest(algorithm, &Uint8Array::from(key), &body);
        if !self
            .0
            .authentic_by(&bytes, signature.as_deref(), token.as_deref(), host_mac)
        {
            return Ok(answer(h::UNAUTHORIZED));
        }
        let payload = match self.0.parse(&bytes) {
            Ok(p) => p,
            Err(a) => return Ok(answer(a)),
        };
        let keys = Array::new();
        let events = webhook::events(&payload).inspect(|e| {
            keys.push(&h::claim_key(e).map_or(JsValue::NULL, |k| k.into()));
        });
        let events = events_to_js(events, Some(RawSource::of(None, &bytes)))?;
        if keys.length() == 0 {
            return Ok(answer(h::OK));
        }
        let out = Object::new();
        let _ = Reflect::set(&out, &"events".into(), &events);
        let _ = Reflect::set(&out, &"keys".into(), &keys);
        Ok(out.into())
    }
}

/// A Fetch API handler for the webhooks of one channel: verifies, parses,
/// de-duplicates and hands the events to `onEvents`, answering as the platform expects.
#[wasm_bindgen(js_name = createWebhookHandler, unchecked_return_type = "WebhookHandlerFunction")]
pub fn create_webhook_handler(
    #[wasm_bindgen(unchecked_param_type = "WebhookHandlerOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let o = read_options(&options)?;
    if matches!(o.config.auth, Auth::Unsigned) {
        warn("sobot-channels: createWebhookHandler({ unsigned: true }) accepts every body without checking who sent it; use secret or sharedSecret where you can");
    }
    let settings = Object::new();
    let set = |k: &str, v: &JsValue| {
        let _ = Reflect::set(&settings, &k.into(), v);
    };
    set("channel", &o.config.channel.as_str().into());
    set(
        "signatureHeader",
        &h::signature_header(o.config.channel).into(),
    );
    let legacy = h::legacy_signature_header(o.config.channel);
    set(
        "legacySignatureHeader",
        &legacy.map_or(JsValue::UNDEFINED, Into::into),
    );
    set("tokenHeader", &h::TOKEN_HEADER.into());
    #[allow(clippy::cast_precision_loss)]
    set("maxBodyBytes", &(o.config.max_body_bytes as f64).into());
    set("onEvents", &o.on_events);
    set(
        "onError",
        &o.on_error.map_or(JsValue::UNDEFINED, Into::into),
    );
    let (dedupe, in_memory) = match o.dedupe {
        Dedupe::Off => (JsValue::NULL, false),
        Dedupe::Memory(c) => (MemoryDedupeStore(c).into(), true),
        Dedupe::Js(store) => (store, false),
    };
    set("dedupe", &dedupe);
    set("dedupeInMemory", &in_memory.into());
    set("defer", &o.defer.into());
    set("claimTtlMs", &o.claim_ttl_ms.into());
    set("seenTtlMs", &o.seen_ttl_ms.into());
    set("storeTimeoutMs", &o.store_timeout_ms.into());
    set("ok", &answer(h::OK));
    set("failed", &answer(h::FAILED));
    Ok(bind_handler(WebhookHandler(o.config), &settings.into()))
}

/// `(req, res, next?)` for `node:http`, Express and Connect-style stacks over a
/// handler of `createWebhookHandler`: it reads the raw body itself.
#[wasm_bindgen(js_name = toNodeListener, unchecked_return_type = "NodeWebhookListener")]
pub fn to_node_listener(
    #[wasm_bindgen(unchecked_param_type = "WebhookHandlerFunction")] handler: JsValue,
) -> Result<JsValue, JsValue> {
    node_listener(&handler)
}

/// The in-memory de-duplication store (the handler's default), to share one
/// memory between handlers or to bound it differently.
#[wasm_bindgen]
pub struct MemoryDedupeStore(Claims);

#[wasm_bindgen]
impl MemoryDedupeStore {
    /// A store of at most `capacity` keys (default 10,000; up to 1,000,000).
    #[wasm_bindgen(constructor)]
    pub fn new(capacity: Option<f64>) -> Result<MemoryDedupeStore, JsValue> {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let n = match capacity {
            None => DEFAULT_CLAIMS_CAPACITY,
            Some(c) if c.is_finite() && c >= 0.0 && c.fract() == 0.0 && c <= usize::MAX as f64 => {
                c as usize
            }
            Some(_) => 0,
        };
        Ok(MemoryDedupeStore(Claims::new(n)?))
    }

    /// Claims `key` for `owner` for `ttlMs`; `false` when another owner holds it or it was seen.
    pub fn claim(
        &mut self,
        key: &str,
        owner: &str,
        #[wasm_bindgen(js_name = ttlMs)] ttl_ms: f64,
    ) -> bool {
        self.0.claim(key, owner, ttl_ms, js_sys::Date::now())
    }

    /// Marks `key` seen for `ttlMs`, if `owner` holds its claim.
    pub fn confirm(
        &mut self,
        key: &str,
        owner: &str,
        #[wasm_bindgen(js_name = ttlMs)] ttl_ms: f64,
    ) -> bool {
        self.0.confirm(key, owner, ttl_ms, js_sys::Date::now())
    }

    /// Frees `key`, if `owner` holds its claim.
    pub fn release(&mut self, key: &str, owner: &str) -> bool {
        self.0.release(key, owner, js_sys::Date::now())
    }

    /// The keys held.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.0.len()
    }
}
