//! Parsing webhook bodies: a size limit checked first, then JSON with line
//! and column on syntax errors, then the top-level shape, naming the field.
//!
//! Every failure is an [`Error`] of kind `decode` carrying one
//! [`Violation`] (`path`, `rule`, `limit`, `actual`), so a handler can tell a
//! body that is too large (`max_bytes`, answer 413) from one that is not JSON
//! (`json`) or not a webhook of the channel (`required`, `type`, `equals`).

use crate::error::Error;
use crate::error::Violation;
use crate::model::webhook::{LineWebhook, MessengerEntry, MessengerWebhook, UploadResult};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;
use strum::{EnumString, IntoStaticStr, VariantNames};

/// The default largest body parsed: 1 MiB.
pub const DEFAULT_MAX_BYTES: usize = 1024 * 1024;

/// How to parse a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    /// Bodies longer than this many bytes are refused before parsing.
    pub max_bytes: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

fn fail(
    path: &str,
    rule: &'static str,
    limit: Option<Value>,
    actual: Option<Value>,
    message: String,
) -> Error {
    let mut e = Error::decode(message.clone(), None);
    e.violations = vec![Violation::new(path, rule, limit, actual, message)];
    e
}

fn check_size(body: &[u8], opts: ParseOptions) -> Result<(), Error> {
    check_length(body.len(), true, opts)
}

/// Refuses a body of `len` bytes (of at least `len` bytes when `exact` is
/// false) over `opts.max_bytes`, with the parsers' `max_bytes` error: a host
/// measures a body with it before copying the body anywhere.
pub fn check_length(len: usize, exact: bool, opts: ParseOptions) -> Result<(), Error> {
    if len > opts.max_bytes {
        let at_least = if exact { "" } else { "at least " };
        return Err(fail(
            "body",
            "max_bytes",
            Some(Value::from(opts.max_bytes)),
            Some(Value::from(len)),
            format!(
                "body is {at_least}{len} bytes, more than the limit of {} bytes",
                opts.max_bytes
            ),
        ));
    }
    Ok(())
}

/// serde_json's message without its " at line L column C" suffix.
fn bare_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_owned()
}

fn syntax_error(e: &serde_json::Error) -> Error {
    let (line, column) = (e.line(), e.column());
    fail(
        "body",
        "json",
        None,
        Some(serde_json::json!({ "line": line, "column": column })),
        format!(
            "body is not valid JSON at line {line}, column {column}: {}",
            bare_message(e)
        ),
    )
}

fn is_syntax(e: &serde_json::Error) -> bool {
    !matches!(e.classify(), serde_json::error::Category::Data)
}

/// The top level as raw fields, to say precisely what is wrong with it.
#[derive(Deserialize)]
struct Top<'a> {
    #[serde(borrow, default)]
    object: Option<&'a RawValue>,
    #[serde(borrow, default)]
    entry: Option<&'a RawValue>,
    #[serde(borrow, default)]
    destination: Option<&'a RawValue>,
    #[serde(borrow, default)]
    events: Option<&'a RawValue>,
    #[serde(borrow, default)]
    track_id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    attachment_id: Option<&'a RawValue>,
}

fn top(body: &[u8]) -> Result<Top<'_>, Error> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace()).copied();
    match serde_json::from_slice::<Top>(body) {
        Err(e) if is_syntax(&e) => Err(syntax_error(&e)),
        Ok(t) if first == Some(b'{') => Ok(t),
        _ => Err(fail(
            "body",
            "type",
            Some(Value::from("object")),
            None,
            "body must be a JSON object".to_owned(),
        )),
    }
}

fn json_kind(raw: &RawValue) -> &'static str {
    match raw.get().as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

fn required(path: &str) -> Error {
    fail(path, "required", None, None, format!("{path} is required"))
}

fn wrong_type(path: &str, expected: &'static str, raw: &RawValue) -> Error {
    let actual = json_kind(raw);
    fail(
        path,
        "type",
        Some(Value::from(expected)),
        Some(Value::from(actual)),
        format!("{path} must be {expected}, got {actual}"),
    )
}

fn string_field(path: &str, raw: Option<&RawValue>) -> Result<String, Error> {
    let raw = raw.ok_or_else(|| required(path))?;
    serde_json::from_slice::<String>(raw.get().as_bytes())
        .map_err(|_| wrong_type(path, "a string", raw))
}

fn array_field<'a>(path: &str, raw: Option<&'a RawValue>) -> Result<Vec<&'a RawValue>, Error> {
    let raw = raw.ok_or_else(|| required(path))?;
    serde_json::from_slice::<Vec<&RawValue>>(raw.get().as_bytes())
        .map_err(|_| wrong_type(path, "an array", raw))
}

/// Parses a Messenger webhook body (`object` `page`, `entry` array).
pub fn parse_messenger(body: &[u8], opts: ParseOptions) -> Result<MessengerWebhook, Error> {
    check_size(body, opts)?;
    // Fast path: one pass straight into the model.
    if let Ok(w) = serde_json::from_slice::<MessengerWebhook>(body) {
        if w.object == "page" && body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
            return Ok(w);
        }
    }
    Err(diagnose_messenger(body))
}

fn diagnose_messenger(body: &[u8]) -> Error {
    let t = match top(body) {
        Ok(t) => t,
        Err(e) => return e,
    };
    if t.object.is_none() && t.entry.is_none() && t.track_id.is_some() {
        return fail(
            "object",
            "required",
            None,
            None,
            "object is required: this body is an upload result (track_id, attachment_id), read it with parseUploadResult".to_owned(),
        );
    }
    let object = match string_field("object", t.object) {
        Ok(o) => o,
        Err(e) => return e,
    };
    if object != "page" {
        return fail(
            "object",
            "equals",
            Some(Value::from("page")),
            Some(Value::from(object.clone())),
            format!("object must be \"page\", got \"{object}\""),
        );
    }
    let entries = match array_field("entry", t.entry) {
        Ok(e) => e,
        Err(e) => return e,
    };
    for (i, raw) in entries.iter().enumerate() {
        let path = format!("entry[{i}]");
        if !raw.get().starts_with('{') {
            return wrong_type(&path, "an object", raw);
        }
        if let Err(e) = serde_json::from_slice::<MessengerEntry>(raw.get().as_bytes()) {
            return fail(
                &path,
                "type",
                None,
                None,
                format!("{path}: {}", bare_message(&e)),
            );
        }
    }
    fail(
        "body",
        "type",
        None,
        None,
        "body is not a Messenger webhook".to_owned(),
    )
}

/// Parses a LINE webhook body (`destination` string, `events` array).
pub fn parse_line(body: &[u8], opts: ParseOptions) -> Result<LineWebhook, Error> {
    check_size(body, opts)?;
    if let Ok(w) = serde_json::from_slice::<LineWebhook>(body) {
        if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
            return Ok(w);
        }
    }
    Err(diagnose_line(body))
}

fn diagnose_line(body: &[u8]) -> Error {
    let t = match top(body) {
        Ok(t) => t,
        Err(e) => return e,
    };
    if let Err(e) = array_field("events", t.events) {
        return e;
    }
    if let Err(e) = string_field("destination", t.destination) {
        return e;
    }
    fail(
        "body",
        "type",
        None,
        None,
        "body is not a LINE webhook".to_owned(),
    )
}

/// Parses the upload result Sobot forwards after `upload_async`.
pub fn parse_upload_result(body: &[u8], opts: ParseOptions) -> Result<UploadResult, Error> {
    check_size(body, opts)?;
    if let Ok(u) = serde_json::from_slice::<UploadResult>(body) {
        if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
            return Ok(u);
        }
    }
    let t = top(body)?;
    for (path, raw) in [("track_id", t.track_id), ("attachment_id", t.attachment_id)] {
        let raw = raw.ok_or_else(|| required(path))?;
        if !matches!(
            raw.get().as_bytes().first(),
            Some(b'"' | b'0'..=b'9' | b'-')
        ) {
            return Err(wrong_type(path, "a string", raw));
        }
    }
    Err(fail(
        "body",
        "type",
        None,
        None,
        "body is not an upload result".to_owned(),
    ))
}

/// A parsed body of either channel, or an upload result.
#[derive(Debug, Clone)]
pub enum Payload {
    /// A Messenger webhook.
    Messenger(MessengerWebhook),
    /// A LINE webhook.
    Line(LineWebhook),
    /// A Messenger upload result, with the body it came from.
    Upload(UploadResult, Box<RawValue>),
}

/// The channel a body came from: `messenger` or `line`, as JavaScript names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, IntoStaticStr, EnumString, VariantNames)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
#[cfg_attr(
    target_arch = "wasm32",
    derive(tsify::Tsify),
    tsify(type_prefix = "Webhook")
)]
pub enum Channel {
    /// Facebook Messenger (also carries upload results).
    Messenger,
    /// LINE.
    Line,
}

impl Channel {
    /// `messenger` or `line`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The channel of a name (`messenger`, `line`), or a validation error.
    pub fn from_name(name: &str) -> Result<Self, Error> {
        name.parse().map_err(|_| {
            let names = Channel::VARIANTS.join("\" or \"");
            Error::validation(vec![Violation {
                path: "channel".to_owned(),
                rule: "enum",
                limit: Some(serde_json::json!(Channel::VARIANTS)),
                actual: Some(Value::from(name)),
                message: format!("channel must be \"{names}\", got \"{name}\""),
                code: None,
            }])
        })
    }
}

/// Parses a body of `channel`. On the Messenger channel, an upload result
/// (`track_id`, `attachment_id`) is recognised too, since Sobot forwards both.
pub fn parse(channel: Channel, body: &[u8], opts: ParseOptions) -> Result<Payload, Error> {
    match channel {
        Channel::Line => parse_line(body, opts).map(Payload::Line),
        Channel::Messenger => match parse_messenger(body, opts) {
            Ok(w) => Ok(Payload::Messenger(w)),
            Err(e) => {
                if let Ok(u) = serde_json::from_slice::<UploadResult>(body) {
                    if let Ok(raw) = serde_json::from_slice::<Box<RawValue>>(body) {
                        return Ok(Payload::Upload(u, raw));
                    }
                }
                Err(e)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_measured_length_gets_the_parsers_max_bytes_error() {
        let opts = ParseOptions { max_bytes: 10 };
        assert!(check_length(10, true, opts).is_ok());
        assert!(check_length(10, false, opts).is_ok());
        let e = check_length(11, true, opts).unwrap_err();
        assert_eq!(e, parse_line(&[b' '; 11], opts).unwrap_err());
        assert_eq!(
            e.message,
            "body is 11 bytes, more than the limit of 10 bytes"
        );
        let e = check_length(12, false, opts).unwrap_err();
        assert_eq!(
            e.message,
            "body is at least 12 bytes, more than the limit of 10 bytes"
        );
        let v = e
            .violations
            .first()
            .map(|v| (v.rule, v.limit.clone(), v.actual.clone()));
        assert_eq!(
            v,
            Some(("max_bytes", Some(Value::from(10)), Some(Value::from(12))))
        );
    }
}
