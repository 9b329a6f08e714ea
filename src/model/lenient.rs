//! Lenient decoders for fields whose documented type disagrees with the
//! document's own examples (a `String` shown as a number, and the reverse).
//!
//! Each decoder accepts both spellings and yields the documented type, so the
//! model encodes exactly as the tables say.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;

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

    #[test]
    fn rejects_other_types() {
        assert!(serde_json::from_str::<T>(r#"{"a":true}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"a":{}}"#).is_err());
    }
}
