//! The rules a request must meet before it is sent.
//!
//! Validation never stops at the first problem: it returns every
//! [`Violation`] at once, each with a JSON path, the rule, the limit and the
//! actual value, so a caller can show all of them together — up to
//! [`limits::VIOLATIONS_MAX`] (100). Past it the walk stops and one last
//! violation (rule `max_violations`) says that at least so many more were
//! found, so a hostile request gets a bounded answer in bounded time. An
//! array over its limit gets one violation for its length, and only its first
//! `limit` items are checked.
//!
//! Validators take the request as JSON exactly as the documents show it
//! (`serde_json::Value`), so a wrong type is a violation with a path rather
//! than a decode error, and no input can make them panic. Every limit lives in
//! [`limits`]; characters are counted as [`text::char_count`] says (UTF-16
//! code units). Fields the documents do not list are violations too
//! (`unknown_field`): the typed model would drop them silently when encoding.

pub mod check;
pub mod graph;
pub mod limits;
pub mod line;
pub mod messenger;
pub mod text;

use limits::Limit;
use serde::Serialize;
use serde_json::Value;

/// One broken rule of a request.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    pub limit: Option<Value>,
    /// The value found, when showing it helps (a length or count for size rules; never a secret).
    #[serde(skip_serializing_if = "Option::is_none")]
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

    /// The last violation of a list cut at [`limits::VIOLATIONS_MAX`]: at least
    /// `more` others were found (the walk stopped at the first of them) and are not listed.
    pub fn more(more: usize) -> Self {
        let max = limits::VIOLATIONS_MAX.value;
        Violation::new(
            "(request)",
            "max_violations",
            Some(Value::from(max)),
            Some(Value::from(more)),
            format!(
                "at least {more} more violation{} not listed: validation lists at most {max}",
                if more == 1 { " is" } else { "s are" }
            ),
        )
    }

    /// A field the documents do not list for this object.
    pub fn unknown_field(path: &str, allowed: &[&str]) -> Self {
        Violation::new(
            path,
            "unknown_field",
            Some(Value::from(allowed.to_vec())),
            None,
            format!(
                "{path} is not a field of this request (allowed here: {})",
                allowed.join(", ")
            ),
        )
    }

    /// A text longer than its limit; `actual` is its length.
    pub fn max_length(path: &str, limit: &Limit, actual: usize) -> Self {
        Violation::new(
            path,
            "max_length",
            Some(Value::from(limit.value)),
            Some(Value::from(actual)),
            format!(
                "{path} must be at most {} characters (UTF-16 code units), got {actual}",
                limit.value
            ),
        )
    }

    /// An array with too few (`min_items`) or too many (`max_items`) items.
    pub fn count(path: &str, rule: &'static str, limit: &Limit, actual: usize) -> Self {
        let bound = if rule == "min_items" {
            "at least"
        } else {
            "at most"
        };
        Violation::new(
            path,
            rule,
            Some(Value::from(limit.value)),
            Some(Value::from(actual)),
            format!(
                "{path} must have {bound} {} items, got {actual}",
                limit.value
            ),
        )
    }

    /// An integer below (`min`) or above (`max`) its bound.
    pub fn bound(path: &str, rule: &'static str, limit: &Limit, actual: i64) -> Self {
        let bound = if rule == "min" { "at least" } else { "at most" };
        Violation::new(
            path,
            rule,
            Some(Value::from(limit.value)),
            Some(Value::from(actual)),
            format!("{path} must be {bound} {}, got {actual}", limit.value),
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

/// A validator: every violation of one kind of request.
pub type Validator = fn(&Value) -> Vec<Violation>;

/// Whether `s` is an absolute `http://` or `https://` URL with a host.
pub fn is_http_url(s: &str) -> bool {
    let rest = if let Some(r) = s.strip_prefix("https://") {
        r
    } else if let Some(r) = s.strip_prefix("http://") {
        r
    } else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && !host.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_urls() {
        assert!(is_http_url("https://sg.sobot.com"));
        assert!(is_http_url("http://127.0.0.1:8080/x?y"));
        assert!(!is_http_url("https://"));
        assert!(!is_http_url("ftp://x"));
        assert!(!is_http_url("sg.sobot.com"));
        assert!(!is_http_url("https://a b"));
    }
}

#[cfg(test)]
mod rule_tests;
