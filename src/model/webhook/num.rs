//! Lenient integers for webhook fields: Sobot's examples send timestamps and
//! sizes as JSON numbers, Meta's reference says every property is a string,
//! and the LINE document types `duration` as `String` while showing a number.
//! These decoders accept an integer, an integral float or a decimal string.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;

struct Int;

impl<'de> Visitor<'de> for Int {
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
        d.deserialize_any(Int)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v)
            .map(Some)
            .map_err(|_| E::custom(format!("integer {v} is too large")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.007_199_254_740_992e15 {
            // Exact: |v| < 2^53 and integral.
            #[allow(clippy::cast_possible_truncation)]
            Ok(Some(v as i64))
        } else {
            Err(E::custom(format!("{v} is not an integer")))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let t = v.trim();
        if t.is_empty() {
            return Ok(None);
        }
        t.parse::<i64>()
            .map(Some)
            .map_err(|_| E::custom(format!("\"{v}\" is not an integer")))
    }
}

/// An optional integer sent as a number or a string; `null`, `""` or absence give `None`.
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    d.deserialize_option(Int)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    struct T {
        #[serde(default, deserialize_with = "super::opt_i64")]
        n: Option<i64>,
    }

    fn n(json: &str) -> Option<i64> {
        serde_json::from_str::<T>(json).unwrap().n
    }

    #[test]
    fn accepts_numbers_and_strings() {
        assert_eq!(n(r#"{"n":1714120447751}"#), Some(1_714_120_447_751));
        assert_eq!(n(r#"{"n":"1527459824"}"#), Some(1_527_459_824));
        assert_eq!(n(r#"{"n":-3}"#), Some(-3));
        assert_eq!(n(r#"{"n":60000.0}"#), Some(60000));
        assert_eq!(n(r#"{"n":null}"#), None);
        assert_eq!(n(r#"{"n":""}"#), None);
        assert_eq!(n(r#"{}"#), None);
    }

    #[test]
    fn rejects_non_integers() {
        for bad in [
            r#"{"n":1.5}"#,
            r#"{"n":"12a"}"#,
            r#"{"n":true}"#,
            r#"{"n":[1]}"#,
            r#"{"n":18446744073709551615}"#,
            r#"{"n":1e300}"#,
        ] {
            assert!(serde_json::from_str::<T>(bad).is_err(), "{bad}");
        }
    }
}
