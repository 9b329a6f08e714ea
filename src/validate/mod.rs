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
use serde_json::Value;

pub use crate::error::Violation;

/// The constructors of the violations that name a limit of [`limits`].
impl Violation {
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
