//! The small engine the validators are written with: it walks a request as
//! JSON (`serde_json::Value`), collects every [`Violation`] with its JSON path,
//! and never panics, whatever the input.
//!
//! The list is bounded: after [`VIOLATIONS_MAX`] violations the walk stops at
//! the next one, and [`Checker::finish`] ends the list with one violation
//! saying that at least so many more were found (see [`Violation::more`]).
//! Arrays are measured before they are walked: one over its limit gets one
//! violation for its length, and only its first `limit` items are checked.

use super::limits::{Limit, VIOLATIONS_MAX};
use super::text::char_count;
use super::{is_http_url, Violation};
use serde_json::{Map, Value};

/// JSON type name of a value, for messages.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `prefix.key`, or `key` at the root.
pub fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

/// `prefix[i]`.
pub fn index(prefix: &str, i: usize) -> String {
    format!("{prefix}[{i}]")
}

/// An integer value: a JSON integer, or a float with no fraction within ±2^53.
pub fn as_integer(v: &Value) -> Option<i64> {
    let n = v.as_number()?;
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    let f = n.as_f64()?;
    (f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0).then_some(f as i64)
}

/// A field's value: absent and `null` both count as absent.
pub fn get<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key).filter(|v| !v.is_null())
}

/// Whether a field is required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Absent or empty is a violation.
    Required,
    /// Absent is fine.
    Optional,
}

/// `limit.value` as a count of items (0 for a negative limit).
fn items(limit: &Limit) -> usize {
    usize::try_from(limit.value).unwrap_or(if limit.value < 0 { 0 } else { usize::MAX })
}

/// Collects violations, at most [`VIOLATIONS_MAX`] of them (see [`Checker::finish`]).
#[derive(Debug, Default)]
pub struct Checker {
    /// What was found so far, in document order.
    out: Vec<Violation>,
    /// How many were found after `out` was full.
    more: usize,
}

impl Checker {
    /// Adds a violation; past [`VIOLATIONS_MAX`] it is only counted.
    pub fn push(&mut self, v: Violation) {
        if self.out.len() < items(&VIOLATIONS_MAX) {
            self.out.push(v);
        } else {
            self.more = self.more.saturating_add(1);
        }
    }

    /// Whether a violation was found past [`VIOLATIONS_MAX`]: walks over
    /// arrays and fields stop then, as nothing more they find could be listed.
    pub fn is_full(&self) -> bool {
        self.more > 0
    }

    /// The violations found, in document order; when the walk stopped early,
    /// one last violation says how many more were found at least.
    pub fn finish(self) -> Vec<Violation> {
        let mut out = self.out;
        if self.more > 0 {
            out.push(Violation::more(self.more));
        }
        out
    }

    /// The first `max` items of `list` with their indexes: an array over its
    /// limit is reported once (by [`Checker::item_count`]) and walked no further.
    pub fn first<'a>(list: &'a [Value], max: &Limit) -> impl Iterator<Item = (usize, &'a Value)> {
        list.iter().take(items(max)).enumerate()
    }

    /// The value as an object, or a `type` violation at `path`.
    pub fn object<'a>(&mut self, path: &str, v: &'a Value) -> Option<&'a Map<String, Value>> {
        match v {
            Value::Object(m) => Some(m),
            other => {
                self.push(Violation::wrong_type(
                    if path.is_empty() { "(request)" } else { path },
                    "an object",
                    type_name(other),
                ));
                None
            }
        }
    }

    /// Flags every key of `map` not in `allowed`; once the list is full, the
    /// rest are only counted (a comparison each, nothing built).
    pub fn known_fields(&mut self, prefix: &str, map: &Map<String, Value>, allowed: &[&str]) {
        for key in map.keys().filter(|k| !allowed.contains(&k.as_str())) {
            if self.is_full() {
                self.more = self.more.saturating_add(1);
            } else {
                self.push(Violation::unknown_field(&join(prefix, key), allowed));
            }
        }
    }

    /// A string field. Wrong types and (when required) absence or emptiness
    /// are violations; the string is returned when it is one.
    pub fn string<'a>(
        &mut self,
        prefix: &str,
        map: &'a Map<String, Value>,
        key: &str,
        need: Need,
    ) -> Option<&'a str> {
        self.string_coded(prefix, map, key, need, None)
    }

    /// Like [`Checker::string`], naming the platform code of a missing value.
    pub fn string_coded<'a>(
        &mut self,
        prefix: &str,
        map: &'a Map<String, Value>,
        key: &str,
        need: Need,
        code: Option<&'static str>,
    ) -> Option<&'a str> {
        let path = join(prefix, key);
        match get(map, key) {
            None => {
                if need == Need::Required {
                    self.push(Violation::required(&path).with_code(code));
                }
                None
            }
            Some(Value::String(s)) => {
                if need == Need::Required && s.trim().is_empty() {
                    self.push(Violation::required(&path).with_code(code));
                }
                Some(s.as_str())
            }
            Some(other) => {
                self.push(
                    Violation::wrong_type(&path, "a string", type_name(other)).with_code(code),
                );
                None
            }
        }
    }

    /// Alternative string fields (`keys`, of which exactly one is to be
    /// given). A field counts as given when it is present and not `null`,
    /// whatever its value: a wrong type is a `type` violation and a blank
    /// string a `blank` one (with `blank_code`), so that a blank alternative
    /// is refused rather than sent beside the other. Returns how many are
    /// given and, when exactly one is given and valid, its value; the caller
    /// reports a count other than one (`exactly_one`, or `required`).
    pub fn alternatives<'a>(
        &mut self,
        prefix: &str,
        map: &'a Map<String, Value>,
        keys: &[&str],
        blank_code: Option<&'static str>,
    ) -> (usize, Option<&'a str>) {
        let mut given = 0;
        let mut value = None;
        for key in keys {
            if get(map, key).is_none() {
                continue;
            }
            given += 1;
            if let Some(s) = self.string(prefix, map, key, Need::Optional) {
                if s.trim().is_empty() {
                    self.push(Violation::blank(&join(prefix, key)).with_code(blank_code));
                } else {
                    value = Some(s);
                }
            }
        }
        (given, if given == 1 { value } else { None })
    }

    /// Exactly one of `keys` given (see [`Checker::alternatives`]); a count
    /// other than one is an `exactly_one` violation at the first key, with
    /// `none_code` when none is given. Returns the given value when valid.
    pub fn exactly_one_of<'a>(
        &mut self,
        prefix: &str,
        map: &'a Map<String, Value>,
        keys: &[&str],
        blank_code: Option<&'static str>,
        none_code: Option<&'static str>,
    ) -> Option<&'a str> {
        let (given, value) = self.alternatives(prefix, map, keys, blank_code);
        if given != 1 {
            let first = keys.first().copied().unwrap_or_default();
            let code = if given == 0 { none_code } else { None };
            self.push(Violation::exactly_one(&join(prefix, first), keys, given).with_code(code));
        }
        value
    }

    /// An integer field (`Integer`/`Long` in the tables).
    pub fn integer(
        &mut self,
        prefix: &str,
        map: &Map<String, Value>,
        key: &str,
        need: Need,
    ) -> Option<i64> {
        let path = join(prefix, key);
        match get(map, key) {
            None => {
                if need == Need::Required {
                    self.push(Violation::required(&path));
                }
                None
            }
            Some(v) => match as_integer(v) {
                Some(n) => Some(n),
                None => {
                    let actual = if v.is_number() {
                        "a non-integer number"
                    } else {
                        type_name(v)
                    };
                    self.push(Violation::wrong_type(&path, "an integer", actual));
                    None
                }
            },
        }
    }

    /// A boolean field.
    pub fn boolean(&mut self, prefix: &str, map: &Map<String, Value>, key: &str) -> Option<bool> {
        match get(map, key) {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => {
                self.push(Violation::wrong_type(
                    &join(prefix, key),
                    "a boolean",
                    type_name(other),
                ));
                None
            }
        }
    }

    /// An array field.
    pub fn array<'a>(
        &mut self,
        prefix: &str,
        map: &'a Map<String, Value>,
        key: &str,
        need: Need,
    ) -> Option<&'a Vec<Value>> {
        let path = join(prefix, key);
        match get(map, key) {
            None => {
                if need == Need::Required {
                    self.push(Violation::required(&path));
                }
                None
            }
            Some(Value::Array(a)) => Some(a),
            Some(other) => {
                self.push(Violation::wrong_type(&path, "an array", type_name(other)));
                None
            }
        }
    }

    /// `s` is at most `limit` characters. A string of at most `limit` UTF-8
    /// bytes is within it without being counted (a UTF-16 unit takes at least one byte).
    pub fn max_chars(&mut self, path: &str, s: &str, limit: &Limit, code: Option<&'static str>) {
        if i64::try_from(s.len()).is_ok_and(|n| n <= limit.value) {
            return;
        }
        let n = char_count(s);
        if i64::try_from(n).map_or(true, |n| n > limit.value) {
            self.push(Violation::max_length(path, limit, n).with_code(code));
        }
    }

    /// An array has between `min` and `max` items.
    pub fn item_count(&mut self, path: &str, items: &[Value], min: &Limit, max: &Limit) {
        let n = items.len();
        let n64 = i64::try_from(n).unwrap_or(i64::MAX);
        if n64 < min.value {
            self.push(Violation::count(path, "min_items", min, n));
        } else if n64 > max.value {
            self.push(Violation::count(path, "max_items", max, n));
        }
    }

    /// An integer within `[min, max]` (`max` optional).
    pub fn int_range(&mut self, path: &str, n: i64, min: &Limit, max: Option<&Limit>) {
        if n < min.value {
            self.push(Violation::bound(path, "min", min, n));
        } else if let Some(max) = max {
            if n > max.value {
                self.push(Violation::bound(path, "max", max, n));
            }
        }
    }

    /// `s` is one of `allowed`.
    pub fn one_of(&mut self, path: &str, s: &str, allowed: &[&str], code: Option<&'static str>) {
        if !allowed.contains(&s) {
            self.push(Violation::one_of(path, allowed, Value::from(s)).with_code(code));
        }
    }

    /// `s` is an absolute http(s) URL.
    pub fn http_url(&mut self, path: &str, s: &str) {
        if !is_http_url(s) {
            self.push(Violation::format(
                path,
                "an http(s) URL",
                Some(Value::from(s)),
            ));
        }
    }

    /// `s` can stand as one segment of a URL path (an id placed in the path).
    pub fn path_segment(&mut self, path: &str, s: &str) {
        if s.is_empty() {
            return;
        }
        let bad = s.chars().any(|c| {
            matches!(c, '/' | '?' | '#' | '%' | '\\') || c.is_whitespace() || c.is_control()
        }) || s == "."
            || s == "..";
        if bad {
            self.push(Violation::format(
                path,
                "an id without '/', '?', '#', '%', '\\' or whitespace",
                Some(Value::from(s)),
            ));
        }
    }

    /// `start` ≤ `end` when both are given.
    pub fn time_range(
        &mut self,
        prefix: &str,
        start_key: &str,
        start: Option<i64>,
        end_key: &str,
        end: Option<i64>,
    ) {
        if let (Some(s), Some(e)) = (start, end) {
            if s > e {
                self.push(Violation::range_order(
                    &join(prefix, start_key),
                    &join(prefix, end_key),
                    s,
                    e,
                ));
            }
        }
    }

    /// The optional `page_no` / `page_size` pair; `max` where the document gives one.
    pub fn paging(
        &mut self,
        prefix: &str,
        map: &Map<String, Value>,
        need: Need,
        max: Option<&Limit>,
    ) {
        use super::limits::{PAGE_NO_MIN, PAGE_SIZE_MIN};
        if let Some(n) = self.integer(prefix, map, "page_no", need) {
            self.int_range(&join(prefix, "page_no"), n, &PAGE_NO_MIN, None);
        }
        if let Some(n) = self.integer(prefix, map, "page_size", need) {
            self.int_range(&join(prefix, "page_size"), n, &PAGE_SIZE_MIN, max);
        }
    }
}
