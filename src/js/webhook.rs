//! Webhook functions for JavaScript: bodies in (string, `Uint8Array`,
//! `ArrayBuffer`), typed payloads and normalised events out.
//!
//! A body is measured against `maxBytes` while it is still in JS, and copied
//! into wasm memory (which never shrinks) only when it fits; typed arrays are
//! read through the built-in getters (`bytesView` in `runtime.js`), so a
//! detached buffer or a forged view is a `validation` error, not a `TypeError`.
//!
//! Typed payloads and normalised events cross the boundary as JSON text read
//! by `JSON.parse` (events in chunks), so that every number reads as
//! `JSON.parse` reads it. An event's `raw` is read from the body itself when
//! first read, so the events' JSON does not carry the body a second time.

use crate::error::Error;
use crate::validate::Violation;
use crate::webhook::{self, Channel, ParseOptions, Payload};
use js_sys::{Reflect, Uint8Array, JSON};
use serde::Serialize;
use serde_json::value::RawValue;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const WEBHOOK_TS: &'static str = ts_fill!(include_str!("webhook.d.ts"),
    "{DEFAULT_MAX_BYTES}" => webhook::DEFAULT_MAX_BYTES,
);

/// The length (in UTF-16 units) from which a string body is encoded into a
/// new `Uint8Array` and copied, rather than straight into a buffer of three
/// bytes per unit in wasm memory (which would be three times its size).
const LONG_STRING: u32 = 1024;

pub(super) fn kind_of(v: &JsValue) -> &'static str {
    if v.is_null() {
        "null"
    } else if v.is_undefined() {
        "undefined"
    } else if v.as_f64().is_some() {
        "a number"
    } else if v.as_bool().is_some() {
        "a boolean"
    } else {
        "an object"
    }
}

/// A caller's body or secret, still in JS: a string, or a fresh `Uint8Array`
/// over the bytes of a typed array, `DataView` or `ArrayBuffer` (see
/// `bytesView` in `runtime.js`), whose `length` is exact.
enum Input {
    Text(js_sys::JsString),
    Bytes(Uint8Array),
}

impl Input {
    /// The value to hand to JS (the host's HMAC).
    fn as_js(&self) -> &JsValue {
        match self {
            Input::Text(s) => s,
            Input::Bytes(b) => b,
        }
    }

    /// Whether it holds no byte (and no UTF-16 unit).
    fn is_empty(&self) -> bool {
        match self {
            Input::Text(s) => s.length() == 0,
            Input::Bytes(b) => byte_count(b) == 0,
        }
    }

    /// Its bytes, copied into wasm: the UTF-8 of a string, or the viewed bytes.
    fn to_vec(&self) -> Vec<u8> {
        match self {
            Input::Text(s) => {
                // The engine's encoder writes straight into wasm memory: quicker than
                // wasm-bindgen's copy, which moves ASCII character by character in JS
                // (bench/NOTES.md). Three bytes per UTF-16 unit always suffice.
                let units = s.length();
                if units < LONG_STRING {
                    let mut out = vec![0u8; units as usize * 3];
                    let n = utf8_into(s, &mut out) as usize;
                    out.truncate(n);
                    return out;
                }
                utf8(s).to_vec()
            }
            Input::Bytes(b) => b.to_vec(),
        }
    }
}

/// The length of a `Uint8Array` made by `bytesView` or `utf8`, read as a
/// number (a `u32` would wrap past 4 GiB), saturating at `usize::MAX`.
fn byte_count(b: &Uint8Array) -> usize {
    let n = length_of(b);
    if n >= usize::MAX as f64 {
        usize::MAX
    } else if n > 0.0 {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let n = n as usize;
        n
    } else {
        0
    }
}

/// Reads a body or secret without copying it; `Err` says what `v` is instead
/// (`undefined`, `a number`, `a detached ArrayBuffer`…).
fn input(v: &JsValue) -> Result<Input, String> {
    if let Some(s) = v.dyn_ref::<js_sys::JsString>() {
        return Ok(Input::Text(s.clone()));
    }
    let view = bytes_view(v);
    match view.as_string() {
        Some(what) => Err(what),
        None => Ok(Input::Bytes(view.unchecked_into())),
    }
}

/// The body argument `name`, or a validation error naming it.
fn body_input(v: &JsValue, name: &str) -> Result<Input, JsValue> {
    input(v).map_err(|what| {
        Error::validation(vec![Violation::wrong_type(
            name,
            "a string, a Uint8Array or an ArrayBuffer",
            &what,
        )])
        .into()
    })
}

/// Refuses a body over `o.max_bytes` (the parsers' `max_bytes` error) before
/// it is copied into wasm. A string's `length` (UTF-16 units) bounds its UTF-8
/// from below and, three times over, from above: only between the two is it
/// encoded (by the engine, outside wasm memory) to be measured exactly.
fn measured(body: Input, o: ParseOptions) -> Result<Input, Error> {
    match body {
        Input::Text(s) => {
            let units = s.length() as usize;
            webhook::check_length(units, false, o)?;
            if units.saturating_mul(3) <= o.max_bytes {
                return Ok(Input::Text(s));
            }
            let bytes = utf8(&s);
            webhook::check_length(byte_count(&bytes), true, o)?;
            Ok(Input::Bytes(bytes))
        }
        Input::Bytes(b) => {
            webhook::check_length(byte_count(&b), true, o)?;
            Ok(Input::Bytes(b))
        }
    }
}

/// A request body measured against `o.max_bytes`, then copied into wasm.
fn body(v: &JsValue, name: &str, o: ParseOptions) -> Result<Vec<u8>, JsValue> {
    Ok(measured(body_input(v, name)?, o)?.to_vec())
}

/// A secret or token argument: a non-empty string or bytes, not copied yet.
fn secret(v: &JsValue, name: &str) -> Result<Input, JsValue> {
    let missing = || JsValue::from(Error::validation(vec![Violation::required(name)]));
    if v.is_undefined() || v.is_null() {
        return Err(missing());
    }
    let s = input(v).map_err(|what| {
        JsValue::from(Error::validation(vec![Violation::wrong_type(
            name,
            "a non-empty string, Uint8Array or ArrayBuffer",
            &what,
        )]))
    })?;
    if s.is_empty() {
        return Err(missing());
    }
    Ok(s)
}

/// A header value: a string, or nothing (`null`, `undefined`, anything else).
fn header(v: &JsValue) -> Option<String> {
    v.as_string()
}

#[wasm_bindgen]
extern "C" {
    /// `ParseOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "ParseOptions")]
    pub type ParseOptionsArg;
}

fn options(v: &JsValue) -> Result<ParseOptions, JsValue> {
    let mut o = ParseOptions::default();
    if v.is_undefined() || v.is_null() {
        return Ok(o);
    }
    if !v.is_object() {
        return Err(Error::validation(vec![Violation::wrong_type(
            "options",
            "an object",
            kind_of(v),
        )])
        .into());
    }
    let m = Reflect::get(v, &JsValue::from_str("maxBytes")).unwrap_or(JsValue::UNDEFINED);
    if m.is_undefined() || m.is_null() {
        return Ok(o);
    }
    match m.as_f64() {
        Some(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 => {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            {
                o.max_bytes = if n >= usize::MAX as f64 {
                    usize::MAX
                } else {
                    n as usize
                };
            }
            Ok(o)
        }
        _ => Err(Error::validation(vec![Violation::format(
            "options.maxBytes",
            "a non-negative integer",
            m.as_f64().map(serde_json::Value::from),
        )])
        .into()),
    }
}

/// A typed payload as JSON text read by `JSON.parse`: its numbers then read
/// exactly as `JSON.parse` reads the body's (integers past 2^53 included),
/// and its fields unknown to this version come through as received.
fn to_js_objects<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = crate::json::to_string(value)
        .map_err(|e| JsValue::from(Error::decode(e.to_string(), None)))?;
    JSON::parse(&text)
}

/// Normalised events cross as JSON text read by `JSON.parse`, written out
/// event by event and handed over every `EVENTS_CHUNK` bytes: a body of many
/// events never holds all their JSON (or all their `NormalizedEvent`s) in linear
/// memory at once, and linear memory, once grown, never shrinks.
const EVENTS_CHUNK: usize = 64 * 1024;

/// The body the events came from, as JS holds it (a string whose UTF-16 units
/// are its bytes, or bytes no caller can change) and as wasm reads it: each
/// event's `raw` is then read from it when first read (`lazyRaw` in
/// `runtime.js`), not written out and parsed with the event.
pub(super) struct RawSource<'b> {
    js: JsValue,
    bytes: &'b [u8],
}

impl<'b> RawSource<'b> {
    /// The source of a body that is `bytes` in wasm and was `text` in JS:
    /// the string when it is ASCII, else a copy of the bytes.
    pub(super) fn of(text: Option<&js_sys::JsString>, bytes: &'b [u8]) -> Self {
        let js = match text {
            Some(s) if bytes.is_ascii() => s.into(),
            _ => Uint8Array::from(bytes).into(),
        };
        RawSource { js, bytes }
    }

    /// Where `raw`'s text is in the body, searched from `cursor` (events come
    /// in order), then from the start, spending at most `budget` byte
    /// comparisons in all. Any place holding the same text gives the same
    /// `raw`. `None` when it is not found (it is then written out).
    fn span(&self, raw: &RawValue, cursor: &mut usize, budget: &mut usize) -> Option<[u32; 2]> {
        let raw = raw.get().as_bytes();
        let at = match find(self.bytes, *cursor, raw, budget) {
            Some(at) => at,
            None => find(self.bytes, 0, raw, budget)?,
        };
        let end = at + raw.len();
        *cursor = end;
        Some([u32::try_from(at).ok()?, u32::try_from(end).ok()?])
    }
}

/// The first place of `needle` in `hay` at or after `from`, charging each byte
/// looked at to `budget` (`None` once spent): linear in the common case, where
/// the event is the next element, and bounded for any body. Smaller in wasm
/// than `memchr::memmem` (7 KB gzip), for a search that almost always stops at
/// its first candidate.
fn find(hay: &[u8], from: usize, needle: &[u8], budget: &mut usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut i = from;
    loop {
        let rest = hay.get(i..)?;
        let skip = rest.iter().position(|&b| b == first)?;
        let candidate = rest.get(skip..)?;
        let same = candidate
            .iter()
            .zip(needle)
            .take_while(|(a, b)| a == b)
            .count();
        *budget = budget.checked_sub(skip + same + 1)?;
        if same == needle.len() {
            return Some(i + skip);
        }
        i += skip + 1;
    }
}

/// The span of an event whose `raw` is written out with it.
const NO_SPAN: [u32; 2] = [u32::MAX, u32::MAX];

pub(super) fn events_to_js<'a>(
    events: impl Iterator<Item = webhook::NormalizedEvent<'a>>,
    source: Option<RawSource<'_>>,
) -> Result<JsValue, JsValue> {
    let fail = |e: crate::json::Error| JsValue::from(Error::decode(e.to_string(), None));
    let omitted = source.as_ref().and(webhook::normalize::raw_omitted());
    let mut buf: Vec<u8> = Vec::new();
    let mut out: Option<js_sys::Array> = None;
    let mut spans: Vec<u32> = Vec::new();
    let mut cursor = 0;
    // a few passes over the body at most, however its events are laid out
    let mut budget = source
        .as_ref()
        .map_or(0, |s| s.bytes.len().saturating_mul(4));
    for ev in events {
        buf.push(if buf.is_empty() { b'[' } else { b',' });
        let span = match (&source, omitted) {
            (Some(s), Some(o)) => s.span(ev.raw, &mut cursor, &mut budget).map(|at| (at, o)),
            _ => None,
        };
        match span {
            Some((at, raw)) => {
                spans.extend(at);
                crate::json::write(&mut buf, &webhook::NormalizedEvent { raw, ..ev })
            }
            None => {
                spans.extend(NO_SPAN);
                crate::json::write(&mut buf, &ev)
            }
        }
        .map_err(fail)?;
        if buf.len() >= EVENTS_CHUNK {
            flush_events(&mut buf, &mut out)?;
        }
    }
    flush_events(&mut buf, &mut out)?;
    let events = out.unwrap_or_default();
    if let Some(s) = source {
        lazy_raw(&events, &s.js, &spans);
    }
    Ok(events.into())
}

/// Parses the buffered `[event,…` (closing it) and appends its events to `out`.
fn flush_events(buf: &mut Vec<u8>, out: &mut Option<js_sys::Array>) -> Result<(), JsValue> {
    if buf.is_empty() {
        return Ok(());
    }
    buf.push(b']');
    let text =
        std::str::from_utf8(buf).map_err(|e| JsValue::from(Error::decode(e.to_string(), None)))?;
    let chunk: js_sys::Array = JSON::parse(text)?.unchecked_into();
    buf.clear();
    match out {
        None => *out = Some(chunk),
        Some(all) => {
            for ev in chunk.iter() {
                all.push(&ev);
            }
        }
    }
    Ok(())
}

/// Parses a Messenger webhook body (`object` `page`, `entry[]`) with the
/// platform's field names. Throws a `SobotError` of kind `decode`.
#[wasm_bindgen(js_name = parseMessengerWebhook, unchecked_return_type = "MessengerWebhook")]
pub fn parse_messenger_webhook(
    #[wasm_bindgen(unchecked_param_type = "WebhookBody")] body: JsValue,
    opts: Option<ParseOptionsArg>,
) -> Result<JsValue, JsValue> {
    let o = options(&opts.map_or(JsValue::UNDEFINED, Into::into))?;
    let b = self::body(&body, "body", o)?;
    to_js_objects(&webhook::parse_messenger(b.as_slice(), o)?)
}

/// Parses a LINE webhook body (`destination`, `events[]`) with the platform's
/// field names. Throws a `SobotError` of kind `decode`.
#[wasm_bindgen(js_name = parseLineWebhook, unchecked_return_type = "LineWebhook")]
pub fn parse_line_webhook(
    #[wasm_bindgen(unchecked_param_type = "WebhookBody")] body: JsValue,
    opts: Option<ParseOptionsArg>,
) -> Result<JsValue, JsValue> {
    let o = options(&opts.map_or(JsValue::UNDEFINED, Into::into))?;
    let b = self::body(&body, "body", o)?;
    to_js_objects(&webhook::parse_line(b.as_slice(), o)?)
}

/// Parses the `{track_id, attachment_id}` that Sobot forwards after `upload_async`.
#[wasm_bindgen(js_name = parseUploadResult, unchecked_return_type = "UploadResult")]
pub fn parse_upload_result(
    #[wasm_bindgen(unchecked_param_type = "WebhookBody")] body: JsValue,
    opts: Option<ParseOptionsArg>,
) -> Result<JsValue, JsValue> {
    let o = options(&opts.map_or(JsValue::UNDEFINED, Into::into))?;
    let b = self::body(&body, "body", o)?;
    to_js_objects(&webhook::parse_upload_result(b.as_slice(), o)?)
}

/// Parses a body of `channel` (`messenger` or `line`) and returns its events
/// normalised; on `messenger`, an upload result gives one `upload` event.
#[wasm_bindgen(js_name = parseEvents, unchecked_return_type = "WebhookEvent[]")]
pub fn parse_events(
    #[wasm_bindgen(unchecked_param_type = "'messenger' | 'line'")] channel: JsValue,
    #[wasm_bindgen(unchecked_param_type = "WebhookBody")] body: JsValue,
    opts: Option<ParseOptionsArg>,
) -> Result<JsValue, JsValue> {
    let ch = Channel::from_name(&channel.as_string().unwrap_or_default())?;
    let o = options(&opts.map_or(JsValue::UNDEFINED, Into::into))?;
    let input = measured(body_input(&body, "body")?, o)?;
    let b = input.to_vec();
    let p = webhook::parse(ch, b.as_slice(), o)?;
    let text = match &input {
        Input::Text(s) => Some(s),
        Input::Bytes(_) => None,
    };
    events_to_js(webhook::events(&p), Some(RawSource::of(text, &b)))
}

/// Normalises a payload returned by `parseMessengerWebhook`,
/// `parseLineWebhook` or `parseUploadResult` (the channel is told by its shape).
#[wasm_bindgen(js_name = normalizeEvents, unchecked_return_type = "WebhookEvent[]")]
pub fn normalize_events(
    #[wasm_bindgen(unchecked_param_type = "MessengerWebhook | LineWebhook | UploadResult")] parsed: JsValue,
) -> Result<JsValue, JsValue> {
    if !parsed.is_object() {
        return Err(Error::validation(vec![Violation::wrong_type(
            "parsed",
            "an object",
            kind_of(&parsed),
        )])
        .into());
    }
    let has = |k: &str| Reflect::has(&parsed, &JsValue::from_str(k)).unwrap_or(false);
    let ch = if has("events") {
        Channel::Line
    } else {
        Channel::Messenger
    };
    let not_json = |why: String| {
        JsValue::from(Error::validation(vec![Violation::format(
            "parsed",
            "plain JSON data, as a parse function returns it",
            Some(serde_json::Value::from(why)),
        )]))
    };
    // the thrown value is read through `Reflect`: its `message` may be a getter that throws
    let json = JSON::stringify(&parsed)
        .map_err(|e| {
            not_json(
                Reflect::get(&e, &JsValue::from_str("message"))
                    .ok()
                    .and_then(|m| m.as_string())
                    .unwrap_or_default(),
            )
        })?
        .as_string()
        .ok_or_else(|| not_json("JSON.stringify gave no text".to_owned()))?;
    let p: Payload = webhook::parse(
        ch,
        json.as_bytes(),
        ParseOptions {
            max_bytes: usize::MAX,
        },
    )?;
    drop(json);
    events_to_js(webhook::events(&p), None)
}

#[wasm_bindgen(module = "/src/js/runtime.js")]
extern "C" {
    /// Writes the host's HMAC (SHA-256 when `sha1` is false) of `body` under
    /// `key` into `out`; the length written, or -1 when the host has none.
    #[wasm_bindgen(js_name = hostHmac)]
    fn host_hmac(sha1: bool, key: &JsValue, body: &JsValue, out: &mut [u8]) -> i32;

    /// The UTF-8 bytes of a JS string, encoded by the engine.
    fn utf8(s: &JsValue) -> Uint8Array;

    /// Writes the UTF-8 of a JS string into `out` (three bytes per UTF-16
    /// unit at least), encoded by the engine; the bytes written.
    #[wasm_bindgen(js_name = utf8Into)]
    fn utf8_into(s: &JsValue, out: &mut [u8]) -> u32;

    /// A fresh `Uint8Array` over the bytes of a typed array, `DataView` or
    /// `ArrayBuffer` (no copy), or a string saying what `v` is instead. Never throws.
    #[wasm_bindgen(js_name = bytesView)]
    fn bytes_view(v: &JsValue) -> JsValue;

    /// The `length` of a `Uint8Array`, as a number (a `u32` would wrap at 4 GiB).
    #[wasm_bindgen(js_name = lengthOf)]
    fn length_of(bytes: &Uint8Array) -> f64;

    /// Gives each event a `raw` read from `source` (a string or a
    /// `Uint8Array`) at its `[start, end)` in `spans` when first read.
    #[wasm_bindgen(js_name = lazyRaw)]
    fn lazy_raw(events: &js_sys::Array, source: &JsValue, spans: &[u32]);
}

#[wasm_bindgen]
extern "C" {
    /// `VerifyOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "VerifyOptions")]
    pub type VerifyOptionsArg;
}

/// The HMAC of `body` under `key` by the host's crypto, or `None` when it has
/// no synchronous one.
pub(super) fn host_digest(
    algorithm: webhook::MacAlgorithm,
    key: &JsValue,
    body: &JsValue,
) -> Option<Vec<u8>> {
    // a digest is at most 32 bytes: written by the host straight into this buffer
    let mut buf = [0u8; 32];
    let sha1 = algorithm == webhook::MacAlgorithm::Sha1;
    let n = host_hmac(sha1, key, body, &mut buf);
    usize::try_from(n)
        .ok()
        .and_then(|n| buf.get(..n))
        .map(<[u8]>::to_vec)
}

/// Checks a signature: the HMAC comes from the host's crypto where it has a
/// synchronous one (neither the body nor the secret is copied into wasm),
/// else it is computed here; the tags are compared here, in constant time.
/// A body over `o.max_bytes` is `false`, measured without being read.
fn verify(
    body: &JsValue,
    key: &JsValue,
    key_name: &str,
    claim: Option<webhook::ClaimedMac>,
    opts: JsValue,
) -> Result<bool, JsValue> {
    let o = options(&opts)?;
    let key = secret(key, key_name)?;
    // the body's type is checked (and a wrong one refused) before anything is computed
    let Ok(body) = measured(body_input(body, "body")?, o) else {
        return Ok(false);
    };
    let Some(claim) = claim else {
        return Ok(false);
    };
    if let Some(digest) = host_digest(claim.algorithm, key.as_js(), body.as_js()) {
        return Ok(claim.matches(&digest));
    }
    let k = key.to_vec();
    let b = body.to_vec();
    Ok(webhook::verify_with(
        key_name,
        k.as_slice(),
        Some(claim),
        |alg| webhook::hmac(alg, k.as_slice(), b.as_slice()),
    )?)
}

/// Whether `signatureHeader` (`X-Line-Signature`) signs `body` with the
/// channel secret. A missing or malformed header, or a body over
/// `options.maxBytes` (default 1 MiB, as the parsers), is `false`; a missing
/// or empty secret, or a body that is not one, throws a `SobotError`.
#[wasm_bindgen(js_name = verifyLineSignature)]
pub fn verify_line_signature(
    #[wasm_bindgen(unchecked_param_type = "WebhookBody")] body: JsValue,
    #[wasm_bindgen(js_name = channelSecret, unchecked_param_type = "string | Uint8Array")]
    channel_secret: JsValue,
    #[wasm_bindgen(js_name = signatureHeader, unchecked_param_type = "string | null | undefined")]
    signature_header: JsValue,
    options: Option<VerifyOptionsArg>,
) -> Result<bool, JsValue> {
    let claim = webhook::line_claim(header(&signature_header).as_deref());
    let opts = options.map_or(JsValue::UNDEFINED, Into::into);
    verify(&body, &channel_secret, "channelSecret", claim, opts)
}

/// Whether `signatureHeader` (`X-Hub-Signature-256: sha256=…`, or the legacy
/// `X-Hub-Signature: sha1=…`) signs `body` with the app secret. A missing or
/// malformed header, or a body over `options.maxBytes` (default 1 MiB), is
/// `false`; a missing or empty secret, or a body that is not one, throws.
#[wasm_bindgen(js_name = verifyMessengerSignature)]
pub fn verify_messenger_signature(
    #[wasm_bindgen(unchecked_param_type = "WebhookBody")] body: JsValue,
    #[wasm_bindgen(js_name = appSecret, unchecked_param_type = "string | Uint8Array")]
    app_secret: JsValue,
    #[wasm_bindgen(js_name = signatureHeader, unchecked_param_type = "string | null | undefined")]
    signature_header: JsValue,
    options: Option<VerifyOptionsArg>,
) -> Result<bool, JsValue> {
    let claim = webhook::messenger_claim(header(&signature_header).as_deref());
    let opts = options.map_or(JsValue::UNDEFINED, Into::into);
    verify(&body, &app_secret, "appSecret", claim, opts)
}

/// Reads one query parameter from a query string / URL string, a
/// `URLSearchParams`-like object (with `get`), a `URL` (with `searchParams`)
/// or a plain object of parameters.
fn query_get(query: &JsValue, key: &str) -> Option<String> {
    if let Some(s) = query.as_string() {
        return webhook::query_param(&s, key);
    }
    if !query.is_object() {
        return None;
    }
    let k = JsValue::from_str(key);
    if let Ok(sp) = Reflect::get(query, &JsValue::from_str("searchParams")) {
        if sp.is_object() {
            return query_get(&sp, key);
        }
    }
    if let Ok(get) = Reflect::get(query, &JsValue::from_str("get")) {
        if let Some(f) = get.dyn_ref::<js_sys::Function>() {
            return f.call1(query, &k).ok().and_then(|v| v.as_string());
        }
    }
    let v = Reflect::get(query, &k).ok()?;
    if let Some(s) = v.as_string() {
        return Some(s);
    }
    // Frameworks give repeated parameters as arrays: take the first.
    if js_sys::Array::is_array(&v) {
        return Reflect::get_u32(&v, 0).ok()?.as_string();
    }
    v.as_f64().map(|n| n.to_string())
}

#[derive(Serialize)]
#[serde(untagged)]
enum ChallengeOut<'a> {
    Ok {
        ok: bool,
        challenge: &'a str,
    },
    Refused {
        ok: bool,
        reason: &'static str,
        message: &'static str,
    },
}

/// Answers Meta's `GET` handshake: `{ ok: true, challenge }` to echo with
/// status 200, or `{ ok: false, reason, message }` to answer 403.
#[wasm_bindgen(js_name = messengerVerifyChallenge, unchecked_return_type = "ChallengeResult")]
pub fn messenger_verify_challenge(
    #[wasm_bindgen(unchecked_param_type = "ChallengeQuery")] query: JsValue,
    #[wasm_bindgen(js_name = verifyToken, unchecked_param_type = "string")] verify_token: JsValue,
) -> Result<JsValue, JsValue> {
    let token = verify_token.as_string().unwrap_or_default();
    let mode = query_get(&query, "hub.mode");
    let given = query_get(&query, "hub.verify_token");
    let challenge = query_get(&query, "hub.challenge");
    let out = match webhook::verify_challenge(
        mode.as_deref(),
        given.as_deref(),
        challenge.as_deref(),
        &token,
    )? {
        Ok(c) => ChallengeOut::Ok {
            ok: true,
            challenge: c,
        },
        Err(r) => ChallengeOut::Refused {
            ok: false,
            reason: r.as_str(),
            message: r.message(),
        },
    };
    super::to_js(&out)
}

/// Remembers the last `capacity` event ids so a handler can skip redeliveries.
#[wasm_bindgen(js_name = EventDeduper)]
pub struct EventDeduper {
    inner: webhook::Deduper,
}

fn id_of(v: &JsValue) -> Option<String> {
    if let Some(s) = v.as_string() {
        return Some(s);
    }
    if v.is_object() {
        return Reflect::get(v, &JsValue::from_str("eventId"))
            .ok()?
            .as_string();
    }
    None
}

#[wasm_bindgen(js_class = EventDeduper)]
impl EventDeduper {
    /// A memory of the last `capacity` ids (default 10000, at most 1000000).
    #[wasm_bindgen(constructor)]
    pub fn new(capacity: Option<f64>) -> Result<EventDeduper, JsValue> {
        let c = match capacity {
            None => webhook::dedupe::DEFAULT_CAPACITY,
            Some(n) if n.is_finite() && n.fract() == 0.0 && n >= 0.0 => {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let c = n.min(usize::MAX as f64) as usize;
                c
            }
            Some(_) => 0,
        };
        Ok(EventDeduper {
            inner: webhook::Deduper::new(c)?,
        })
    }

    /// `true` if this id (or event's `eventId`) was seen among the last
    /// `capacity`; otherwise remembers it and returns `false`. An event
    /// without an id is never a duplicate.
    #[wasm_bindgen(js_name = isDuplicate)]
    pub fn is_duplicate(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | { eventId: string | null }")] id: JsValue,
    ) -> bool {
        id_of(&id).is_some_and(|i| self.inner.check(&i))
    }

    /// Whether this id (or event's `eventId`) is remembered, without remembering it.
    pub fn has(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | { eventId: string | null }")] id: JsValue,
    ) -> bool {
        id_of(&id).is_some_and(|i| self.inner.contains(&i))
    }

    /// How many ids are remembered.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.inner.len()
    }

    /// The most ids remembered at once.
    #[wasm_bindgen(getter)]
    pub fn capacity(&self) -> usize {
        self.inner.capacity()
    }

    /// Forgets every id.
    pub fn clear(&mut self) {
        self.inner.clear();
    }
}
