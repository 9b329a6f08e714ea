//! The rules a request must meet before it is sent.
//!
//! Validation never stops at the first problem: it returns every
//! [`Violation`] at once, each with a JSON path, the rule, the limit and the
//! actual value, so a caller can show all of them together.

use serde::Serialize;
use serde_json::Value;

/// One broken rule of a request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    /// JSON path of the offending field, e.g. `payload.elements[1].buttons`.
    pub path: String,
    /// The rule's name, e.g. `required` or `max_length`.
    pub rule: &'static str,
    /// The limit the rule sets, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<Value>,
    /// The value found, when showing it helps (never a secret).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<Value>,
    /// A sentence for people, naming the field and the rule.
    pub message: String,
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
        }
    }
}

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
