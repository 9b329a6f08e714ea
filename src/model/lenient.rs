//! Lenient decoders for fields whose documented type disagrees with the
//! document's own examples (a `String` shown as a number, and the reverse).
//!
//! Each decoder accepts both spellings and yields the documented type, so the
//! model encodes exactly as the tables say.

use serde::de::{self, Deserializer, Visitor};
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

struct StringOrNumber;

impl<'de> Visitor<'de> for StringOrNumber {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

/// Decodes a field documented as `String` that may arrive as a JSON number.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(StringOrNumber)
}

/// Like [`string`], for optional fields: `null` or absence give `None`.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct Opt;
    impl<'de> Visitor<'de> for Opt {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string, a number or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            string(d).map(Some)
        }
    }
    d.deserialize_option(Opt)
}

struct IntOrString;

impl<'de> Visitor<'de> for IntOrString {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an integer or a string of decimal digits")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom("integer out of range"))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        // Integral values within the exactly representable range only.
        if v.fract() == 0.0 && v.abs() <= 9_007_199_254_740_992.0 {
            Ok(v as i64)
        } else {
            Err(E::custom("not an integer"))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        v.trim()
            .parse::<i64>()
            .map_err(|_| E::custom(format!("not an integer: {v:?}")))
    }
}

/// Decodes a field documented as a number (`Long`, `Integer`) that may arrive
/// as a string of digits.
pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(IntOrString)
}

/// Like [`int`], for optional fields: `null`, absence and `""` give `None`.
pub fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    struct Opt;
    impl<'de> Visitor<'de> for Opt {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an integer, a string of digits or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(OptInner)
        }
    }
    struct OptInner;
    impl<'de> Visitor<'de> for OptInner {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an integer or a string of digits")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            IntOrString.visit_i64(v).map(Some)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            IntOrString.visit_u64(v).map(Some)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            IntOrString.visit_f64(v).map(Some)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if v.trim().is_empty() {
                Ok(None)
            } else {
                IntOrString.visit_str(v).map(Some)
            }
        }
    }
    d.deserialize_option(Opt)
}

/// Decodes `null` as the type's default (an answer's empty list may be `null`).
pub fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de> + Default,
{
    let v: Option<T> = serde::Deserialize::deserialize(d)?;
    Ok(v.unwrap_or_default())
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
