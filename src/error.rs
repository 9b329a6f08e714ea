//! The one error type of the crate, surfaced to JavaScript as `SobotError`.
//!
//! An error carries what a caller needs to decide what to do next: a
//! [`ErrorKind`], the platform's code where it gave one, and whether a retry
//! can help. Secrets (the app key, tokens) never enter an error.

use serde::Serialize;
use serde_json::Value;
use std::fmt;

/// One broken rule of a request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Violation {
    /// JSON path of the offending field, e.g. `payload.elements[1].buttons`.
    pub path: String,
    /// The rule's name: `required`, `blank`, `type`, `format`, `unknown_field`,
    /// `max_length`, `min_items`, `max_items`, `min`, `max`, `one_of`,
    /// `exactly_one`, `only_with`, `min_properties`, `range_order`, `immutable`;
    /// `max_bytes` for a body or request too large, `max_violations` for a cut list.
    pub rule: &'static str,
    /// The limit the rule sets, when it has one (a number, a name, or the allowed values).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "unknown"))]
    pub limit: Option<Value>,
    /// The value found, when showing it helps (a length or count for size rules; never a secret).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "unknown"))]
    pub actual: Option<Value>,
    /// A sentence for people, naming the field and the rule.
    pub message: String,
    /// The `ret_code` the platform answers for this problem, where the documents give one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
}

impl Violation {
    /// A required field is missing or empty.
    pub fn required(path: &str) -> Self {
        Violation {
            path: path.to_owned(),
            rule: "required",
            limit: None,
            actual: None,
            message: format!("{path} is required and must not be empty"),
            code: None,
        }
    }

    /// An optional field is given but blank (empty or whitespace): it counts as
    /// given, so it is refused rather than sent (e.g. beside its alternative).
    pub fn blank(path: &str) -> Self {
        Violation {
            path: path.to_owned(),
            rule: "blank",
            limit: None,
            actual: None,
            message: format!(
                "{path} is given but blank (empty or whitespace): give a value or leave it out"
            ),
            code: None,
        }
    }

    /// A field has the wrong JSON type.
    pub fn wrong_type(path: &str, expected: &'static str, actual: &str) -> Self {
        Violation {
            path: path.to_owned(),
            rule: "type",
            limit: Some(Value::from(expected)),
            actual: Some(Value::from(actual)),
            message: format!("{path} must be {expected}, got {actual}"),
            code: None,
        }
    }

    /// A field's value is not in the accepted form.
    pub fn format(path: &str, expected: &'static str, actual: Option<Value>) -> Self {
        Violation {
            path: path.to_owned(),
            rule: "format",
            limit: Some(Value::from(expected)),
            actual,
            message: format!("{path} must be {expected}"),
            code: None,
        }
    }

    /// Sets the platform code the problem corresponds to.
    pub fn with_code(mut self, code: Option<&'static str>) -> Self {
        if code.is_some() {
            self.code = code;
        }
        self
    }

    /// A violation without a platform code.
    pub(crate) fn new(
        path: &str,
        rule: &'static str,
        limit: Option<Value>,
        actual: Option<Value>,
        message: String,
    ) -> Self {
        Violation {
            path: path.to_owned(),
            rule,
            limit,
            actual,
            message,
            code: None,
        }
    }

    /// A field the documents do not list for this object, with the closest
    /// allowed name when one is near (`page_id` → `pageId`).
    pub fn unknown_field(path: &str, allowed: &[&str]) -> Self {
        let key = path.rsplit(['.', ']']).next().unwrap_or(path);
        Violation::new(
            path,
            "unknown_field",
            Some(Value::from(allowed.to_vec())),
            None,
            format!(
                "{path} is not a field of this request{} (allowed here: {})",
                did_you_mean(key, allowed),
                allowed.join(", ")
            ),
        )
    }

    /// An option this version does not take, with the closest allowed name
    /// when one is near (`apiKey` → `appKey`).
    pub fn unknown_option(path: &str, key: &str, allowed: &[&str]) -> Self {
        Violation::new(
            path,
            "unknown_field",
            Some(Value::from(allowed.to_vec())),
            Some(Value::from(key)),
            format!(
                "{path} is not an option{}; the options are {}",
                did_you_mean(key, allowed),
                allowed.join(", ")
            ),
        )
    }

    /// A value outside its enumeration.
    pub fn one_of(path: &str, allowed: &[&str], actual: Value) -> Self {
        Violation::new(
            path,
            "one_of",
            Some(Value::from(allowed.to_vec())),
            Some(actual.clone()),
            format!("{path} must be one of {}, got {actual}", allowed.join(", ")),
        )
    }

    /// Exactly one of several fields must be given; `found` is how many were.
    pub fn exactly_one(path: &str, fields: &[&str], found: usize) -> Self {
        Violation::new(
            path,
            "exactly_one",
            Some(Value::from(fields.to_vec())),
            Some(Value::from(found)),
            format!(
                "exactly one of {} must be given, got {found}",
                fields.join(", ")
            ),
        )
    }

    /// A field only allowed when another has a given value (`condition`, e.g. `messaging_type=MESSAGE_TAG`).
    pub fn only_with(path: &str, condition: &'static str) -> Self {
        Violation::new(
            path,
            "only_with",
            Some(Value::from(condition)),
            None,
            format!("{path} is only allowed with {condition}"),
        )
    }

    /// An object needs at least one of `fields` besides the required ones.
    pub fn min_properties(path: &str, fields: &[&str]) -> Self {
        Violation::new(
            path,
            "min_properties",
            Some(Value::from(fields.to_vec())),
            None,
            format!(
                "{path} needs at least one of {} besides its title",
                fields.join(", ")
            ),
        )
    }

    /// A time range whose start is after its end.
    pub fn range_order(start_path: &str, end_path: &str, start: i64, end: i64) -> Self {
        Violation::new(
            start_path,
            "range_order",
            Some(Value::from(end_path)),
            Some(Value::from(start)),
            format!("{start_path} ({start}) must not be after {end_path} ({end})"),
        )
    }

    /// An update that changes a field that cannot change; `limit` is the current value.
    pub fn immutable(path: &str, current: &str, actual: &str) -> Self {
        Violation::new(
            path,
            "immutable",
            Some(Value::from(current)),
            Some(Value::from(actual)),
            format!(
                "{path} cannot be changed by an update (currently {current:?}, got {actual:?})"
            ),
        )
    }
}

/// What went wrong, broadly (`SobotErrorKind` in TypeScript).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(tsify::Tsify),
    tsify(type_prefix = "Sobot")
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum ErrorKind {
    /// The request broke a rule of the documents; nothing was sent.
    Validation,
    /// The platform answered with an error code (`ret_code`, Graph `error.code`).
    Api,
    /// The platform answered with an HTTP status outside 2xx and no error code.
    Http,
    /// The request could not reach the platform (DNS, refused, reset).
    Network,
    /// The call took longer than its timeout.
    Timeout,
    /// The answer could not be decoded (not JSON, or not the documented shape).
    Decode,
}

impl ErrorKind {
    /// The lowercase name used in JavaScript (`error.kind`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// An error of any layer, with what a caller needs to react to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// The broad category.
    pub kind: ErrorKind,
    /// The platform's code (`ret_code`, Facebook or Graph error code), if any.
    pub code: Option<String>,
    /// A sentence for people. Never contains a secret.
    pub message: String,
    /// Whether repeating the same call later can succeed.
    pub retryable: bool,
    /// The HTTP status of the answer, when one arrived.
    pub status: Option<u16>,
    /// The catalogue name of the endpoint called, e.g. `get_token`.
    pub endpoint: Option<&'static str>,
    /// Every broken rule, for [`ErrorKind::Validation`].
    pub violations: Vec<Violation>,
    /// The details of a Graph API error object.
    pub graph: Option<Box<GraphDetails>>,
    /// The platform's own words (Sobot's `ret_msg`, usually Chinese), where it gave any.
    pub platform_message: Option<String>,
}

/// What Graph's error object says besides its code and message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GraphDetails {
    /// `error.type`, e.g. `OAuthException`.
    pub error_type: Option<String>,
    /// `error.error_subcode`.
    pub subcode: Option<i64>,
    /// `error.fbtrace_id`, for Meta's support.
    pub fbtrace_id: Option<String>,
}

impl Error {
    fn new(kind: ErrorKind, message: String, retryable: bool) -> Self {
        Error {
            kind,
            code: None,
            message,
            retryable,
            status: None,
            endpoint: None,
            violations: Vec::new(),
            graph: None,
            platform_message: None,
        }
    }

    /// A validation error listing every violation; its message names them all.
    pub fn validation(violations: Vec<Violation>) -> Self {
        let message = match violations.as_slice() {
            [] => "invalid request".to_owned(),
            [one] => one.message.clone(),
            many => {
                let list: Vec<&str> = many.iter().map(|v| v.message.as_str()).collect();
                format!("{} problems: {}", many.len(), list.join("; "))
            }
        };
        let mut e = Error::new(ErrorKind::Validation, message, false);
        e.violations = violations;
        e
    }

    /// The platform answered with an error code.
    pub fn api(code: impl Into<String>, message: impl Into<String>, retryable: bool) -> Self {
        let mut e = Error::new(ErrorKind::Api, message.into(), retryable);
        e.code = Some(code.into());
        e
    }

    /// An HTTP status outside 2xx without a platform error code.
    pub fn http(status: u16) -> Self {
        let retryable = status == 429 || status >= 500;
        let mut e = Error::new(
            ErrorKind::Http,
            format!("the server answered HTTP {status}"),
            retryable,
        );
        e.status = Some(status);
        e
    }

    /// The request did not reach the platform.
    pub fn network(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Network, message.into(), true)
    }

    /// The caller cancelled the call. In JS the call rejects with the
    /// signal's own reason instead (as `fetch` does).
    pub fn cancelled() -> Self {
        let mut e = Error::new(
            ErrorKind::Timeout,
            "the call was cancelled".to_owned(),
            false,
        );
        e.code = Some("cancelled".to_owned());
        e
    }

    /// Whether this error is a cancellation by the caller.
    pub fn is_cancelled(&self) -> bool {
        self.kind == ErrorKind::Timeout && self.code.as_deref() == Some("cancelled")
    }

    /// The call timed out.
    pub fn timeout(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Timeout, message.into(), true)
    }

    /// The answer could not be decoded.
    pub fn decode(message: impl Into<String>, status: Option<u16>) -> Self {
        let mut e = Error::new(ErrorKind::Decode, message.into(), false);
        e.status = status;
        e
    }

    /// Sets the endpoint the error belongs to.
    pub fn at(mut self, endpoint: &'static str) -> Self {
        self.endpoint = Some(endpoint);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.as_str())?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// ` (did you mean X?)` for the allowed name nearest `key`, ignoring case
/// and underscores, or nothing when none is near.
fn did_you_mean(key: &str, allowed: &[&str]) -> String {
    let plain = |s: &str| s.replace('_', "").to_ascii_lowercase();
    let key = plain(key);
    allowed
        .iter()
        .map(|a| (strsim::levenshtein(&key, &plain(a)), *a))
        .filter(|(d, a)| *d <= 2.max(a.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map_or_else(String::new, |(_, a)| format!(" (did you mean {a}?)"))
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    #[test]
    fn an_unknown_option_names_the_closest_one() {
        let allowed = ["appId", "appKey", "baseUrl", "timeoutMs"];
        let v = Violation::unknown_option("options.apiKey", "apiKey", &allowed);
        assert_eq!(v.rule, "unknown_field");
        assert!(v.message.contains("did you mean appKey?"), "{}", v.message);
        let v = Violation::unknown_option("options.timeout", "timeout", &allowed);
        assert!(
            v.message.contains("did you mean timeoutMs?"),
            "{}",
            v.message
        );
        let v = Violation::unknown_option("options.colour", "colour", &allowed);
        assert!(!v.message.contains("did you mean"), "{}", v.message);
        assert!(v
            .message
            .ends_with("the options are appId, appKey, baseUrl, timeoutMs"));
    }

    #[test]
    fn an_unknown_field_names_the_closest_one() {
        let allowed = ["pageId", "platform", "userId"];
        let v = Violation::unknown_field("page_id", &allowed);
        assert!(
            v.message.contains("(did you mean pageId?)"),
            "{}",
            v.message
        );
        let v = Violation::unknown_field("payload.elements[0].titel", &["title", "subtitle"]);
        assert!(v.message.contains("(did you mean title?)"), "{}", v.message);
        let v = Violation::unknown_field("colour", &allowed);
        assert!(!v.message.contains("did you mean"), "{}", v.message);
    }

    use super::*;

    #[test]
    fn validation_message_lists_every_violation() {
        let e = Error::validation(vec![
            Violation::required("appId"),
            Violation::required("appKey"),
        ]);
        assert_eq!(e.kind, ErrorKind::Validation);
        assert!(e.message.contains("appId") && e.message.contains("appKey"));
        assert_eq!(e.violations.len(), 2);
        assert!(!e.retryable);
    }

    #[test]
    fn http_retryable_only_for_429_and_5xx() {
        assert!(Error::http(503).retryable);
        assert!(Error::http(429).retryable);
        assert!(!Error::http(404).retryable);
        assert_eq!(Error::api("900002", "x", true).to_string(), "api 900002: x");
    }
}
