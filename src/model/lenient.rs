//! Lenient decoders for fields whose documented type disagrees with the
//! document's own examples (a `String` shown as a number, and the reverse).
//!
//! Each decoder accepts both spellings and yields the documented type, so the
//! model encodes exactly as the tables say. [`null_as_default`] is
//! serde_with's `DefaultOnNull`. The rest stays two small visitors (an id's
//! and an integer's): serde_with has no adapter that reads a number as a
//! string or an integral float (`60000.0`) as an integer, and its nearest
//! form, `PickFirst<(Same, DisplayFromStr, _)>` and `NoneAsEmptyString` with
//! a float adapter of our own, added 5.3 KB gzip to the package's wasm and
//! 5.6 KB to the webhook entry's (issue 19; the limit was 5 KB).

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;

/// An id documented as a string that may arrive as a number: read as its
/// text, and written back in the form it came in, so that a payload
/// re-serialises to itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id {
    text: String,
    number: bool,
}

impl Id {
    /// The id's text (a number's decimal digits).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether it arrived as a JSON number.
    pub fn is_number(&self) -> bool {
        self.number
    }
}

impl std::ops::Deref for Id {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<String> for Id {
    fn from(text: String) -> Self {
        Id {
            text,
            number: false,
        }
    }
}

impl From<&str> for Id {
    fn from(text: &str) -> Self {
        Id::from(text.to_owned())
    }
}

impl PartialEq<str> for Id {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for Id {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl serde::Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.number {
            if let Ok(n) = self.text.parse::<u64>() {
                return s.serialize_u64(n);
            }
            if let Ok(n) = self.text.parse::<i64>() {
                return s.serialize_i64(n);
            }
            if let Ok(n) = self.text.parse::<f64>() {
                return s.serialize_f64(n);
            }
        }
        s.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
                Ok(Id::from(v))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Id, E> {
                Ok(Id::from(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Id, E> {
                Ok(Id {
                    text: v.to_string(),
                    number: true,
                })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Id, E> {
                Ok(Id {
                    text: v.to_string(),
                    number: true,
                })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Id, E> {
                Ok(Id {
                    text: v.to_string(),
                    number: true,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// Decodes a field documented as `String` that may arrive as a JSON number.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Id::deserialize(d).map(|id| id.text)
}

/// Like [`string`], for optional fields: `null` or absence give `None`.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Id>::deserialize(d)?.map(|id| id.text))
}

/// An integer, a string of decimal digits, or an integral float within the
/// exactly representable range. A blank string is `None` when `blank` is set.
struct Int {
    blank: bool,
}

impl Visitor<'_> for Int {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an integer or a string of decimal digits")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v)
            .map(Some)
            .map_err(|_| E::custom("integer out of range"))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.fract() == 0.0 && v.abs() <= 9_007_199_254_740_992.0 {
            // Integral and within ±2^53: the cast is exact.
            Ok(Some(v as i64))
        } else {
            Err(E::custom("not an integer"))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let t = v.trim();
        if self.blank && t.is_empty() {
            return Ok(None);
        }
        t.parse::<i64>()
            .map(Some)
            .map_err(|_| E::custom(format!("not an integer: {v:?}")))
    }
}

/// Decodes a field documented as a number (`Long`, `Integer`) that may arrive
/// as a string of digits.
pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(Int { blank: false })?
        .ok_or_else(|| de::Error::custom("not an integer"))
}

/// Like [`int`], for optional fields: `null`, absence and `""` give `None`.
pub fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    /// A present value: an integer, or `None` for a blank string.
    struct Present(Option<i64>);
    impl<'de> serde::Deserialize<'de> for Present {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(Int { blank: true }).map(Present)
        }
    }
    Ok(Option::<Present>::deserialize(d)?.and_then(|p| p.0))
}

/// Decodes `null` as the type's default (an answer's empty list may be `null`).
pub fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de> + Default,
{
    serde_with::As::<serde_with::DefaultOnNull>::deserialize(d)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct T {
        #[serde(deserialize_with = "super::string")]
        a: String,
        #[serde(default, deserialize_with = "super::opt_string")]
        b: Option<String>,
    }

    #[test]
    fn accepts_strings_and_numbers() {
        let t: T = serde_json::from_str(r#"{"a":"86400","b":7}"#).unwrap();
        assert_eq!((t.a.as_str(), t.b.as_deref()), ("86400", Some("7")));
        let t: T = serde_json::from_str(r#"{"a":86400,"b":null}"#).unwrap();
        assert_eq!((t.a.as_str(), t.b), ("86400", None));
        let t: T = serde_json::from_str(r#"{"a":-1}"#).unwrap();
        assert_eq!(t.a, "-1");
    }

    #[derive(Deserialize)]
    struct N {
        #[serde(deserialize_with = "super::int")]
        a: i64,
        #[serde(default, deserialize_with = "super::opt_int")]
        b: Option<i64>,
        #[serde(default, deserialize_with = "super::null_as_default")]
        c: Vec<u8>,
    }

    #[test]
    fn numbers_accept_digit_strings() {
        let n: N =
            serde_json::from_str(r#"{"a":"1714295033250","b":1715155761777,"c":null}"#).unwrap();
        assert_eq!(
            (n.a, n.b, n.c.len()),
            (1714295033250, Some(1715155761777), 0)
        );
        let n: N = serde_json::from_str(r#"{"a":3.0,"b":""}"#).unwrap();
        assert_eq!((n.a, n.b), (3, None));
        assert!(serde_json::from_str::<N>(r#"{"a":"x"}"#).is_err());
        assert!(serde_json::from_str::<N>(r#"{"a":1.5}"#).is_err());
        assert!(serde_json::from_str::<N>(r#"{"a":1,"b":true}"#).is_err());
    }

    #[test]
    fn rejects_other_types() {
        assert!(serde_json::from_str::<T>(r#"{"a":true}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"a":{}}"#).is_err());
    }

    /// An optional integer field, as webhook timestamps and sizes are read.
    #[derive(Deserialize, Debug)]
    struct Opt {
        #[serde(default, deserialize_with = "super::opt_int")]
        n: Option<i64>,
    }

    fn n(json: &str) -> Option<i64> {
        serde_json::from_str::<Opt>(json).unwrap().n
    }

    #[test]
    fn optional_integers_accept_numbers_and_strings() {
        assert_eq!(n(r#"{"n":1714120447751}"#), Some(1_714_120_447_751));
        assert_eq!(n(r#"{"n":"1527459824"}"#), Some(1_527_459_824));
        assert_eq!(n(r#"{"n":-3}"#), Some(-3));
        assert_eq!(n(r#"{"n":60000.0}"#), Some(60000));
        assert_eq!(n(r#"{"n":null}"#), None);
        assert_eq!(n(r#"{"n":""}"#), None);
        assert_eq!(n(r#"{}"#), None);
    }

    #[test]
    fn optional_integers_reject_non_integers() {
        for bad in [
            r#"{"n":1.5}"#,
            r#"{"n":"12a"}"#,
            r#"{"n":true}"#,
            r#"{"n":[1]}"#,
            r#"{"n":18446744073709551615}"#,
            r#"{"n":1e300}"#,
        ] {
            assert!(serde_json::from_str::<Opt>(bad).is_err(), "{bad}");
        }
    }
}
