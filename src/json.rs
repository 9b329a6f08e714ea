//! Compact JSON text, byte for byte what `serde_json::to_vec` writes, for the
//! values handed to JavaScript as text (normalised events, client answers).
//!
//! The crate is built for size, and at that level serde_json's writer costs
//! several calls per token (its `io::Write` layers and escape table). This
//! one appends to a `Vec<u8>` directly and copies a string in one piece when
//! nothing in it needs escaping, which is nearly always (bench/NOTES.md).
//! Floats are still formatted by serde_json, so every number reads the same.
//!
//! Kept over `serde_json::to_writer` on measurement (issue 19; both builds in
//! one process, interleaved, four runs): with serde_json's writer
//! `parseEvents` took 15-40 % longer in the whole package and 5-20 % longer
//! in `sobot-channels/webhook`, and a client call 11-22 µs more of its own
//! (of about 100 µs), for 0.8 KB less gzip; the budgets allow 10 %. It
//! follows serde_json's private name for `RawValue`: the tests below compare
//! both writers on raw values and on every webhook fixture, so a rename in
//! serde_json fails them.

use serde::ser::{self, Impossible, Serialize};
use std::fmt;

/// The name serde_json gives the struct a `RawValue` serialises as; its one
/// field is the raw JSON, written as it is.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// A value that cannot be written as JSON (a map key that is not a string or
/// a number, or a failing `Serialize` impl).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// Appends the JSON text of `value` to `out`.
pub fn write<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), Error> {
    value.serialize(Writer { out })
}

/// The JSON text of `value`.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let mut out = Vec::with_capacity(128);
    write(&mut out, value)?;
    // Only whole `str`s, ASCII and escapes are ever written.
    String::from_utf8(out).map_err(|e| Error(e.to_string()))
}

fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// `s` as a JSON string: quotes, and the escapes serde_json writes.
fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !needs_escape(b) {
            continue;
        }
        out.extend_from_slice(bytes.get(start..i).unwrap_or_default());
        start = i + 1;
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => {
                out.extend_from_slice(b"\\u00");
                out.push(crate::hex::lower(b >> 4) as u8);
                out.push(crate::hex::lower(b) as u8);
            }
        }
    }
    out.extend_from_slice(bytes.get(start..).unwrap_or_default());
    out.push(b'"');
}

fn unsigned(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        if let Some(d) = buf.get_mut(i) {
            // `n % 10` is below 10.
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    out.extend_from_slice(buf.get(i..).unwrap_or_default());
}

fn signed(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    unsigned(out, n.unsigned_abs());
}

fn float<T: Serialize>(out: &mut Vec<u8>, v: T) -> Result<(), Error> {
    serde_json::to_writer(out, &v).map_err(|e| Error(e.to_string()))
}

struct Writer<'a> {
    out: &'a mut Vec<u8>,
}

/// An array or object being written; `first` until its first element.
pub struct Compound<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
    /// What closes it: `]`, `}`, or `}}` / `]}` for an enum variant's `{"name":…`.
    close: &'static [u8],
    /// The struct is serde_json's `RawValue`: its field is written verbatim.
    raw: bool,
}

impl Compound<'_> {
    fn comma(&mut self) {
        if self.first {
            self.first = false;
        } else {
            self.out.push(b',');
        }
    }

    fn key(&mut self, name: &str) {
        self.comma();
        string(self.out, name);
        self.out.push(b':');
    }
}

fn open<'a>(out: &'a mut Vec<u8>, variant: Option<&str>, open: u8) -> Compound<'a> {
    let close: &'static [u8] = match (variant.is_some(), open) {
        (true, b'[') => b"]}",
        (true, _) => b"}}",
        (false, b'[') => b"]",
        (false, _) => b"}",
    };
    if let Some(v) = variant {
        out.push(b'{');
        string(out, v);
        out.push(b':');
    }
    out.push(open);
    Compound {
        out,
        first: true,
        close,
        raw: false,
    }
}

impl<'a> ser::Serializer for Writer<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        signed(self.out, v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        unsigned(self.out, v);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        float(self.out, v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        float(self.out, v)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        string(self.out, v.encode_utf8(&mut [0u8; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        string(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        let mut seq = open(self.out, None, b'[');
        for b in v {
            seq.comma();
            unsigned(seq.out, u64::from(*b));
        }
        seq.out.push(b']');
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.out.push(b'{');
        string(self.out, variant);
        self.out.push(b':');
        value.serialize(Writer {
            out: &mut *self.out,
        })?;
        self.out.push(b'}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>, Error> {
        Ok(open(self.out, None, b'['))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a>, Error> {
        Ok(open(self.out, None, b'['))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Error> {
        Ok(open(self.out, None, b'['))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Error> {
        Ok(open(self.out, Some(variant), b'['))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>, Error> {
        Ok(open(self.out, None, b'{'))
    }
    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<Compound<'a>, Error> {
        if name == RAW_VALUE_TOKEN {
            return Ok(Compound {
                out: self.out,
                first: true,
                close: b"",
                raw: true,
            });
        }
        Ok(open(self.out, None, b'{'))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Error> {
        Ok(open(self.out, Some(variant), b'{'))
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.comma();
        value.serialize(Writer {
            out: &mut *self.out,
        })
    }
    fn end(self) -> Result<(), Error> {
        self.out.extend_from_slice(self.close);
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.comma();
        key.serialize(TextWriter {
            out: &mut *self.out,
            raw: false,
        })?;
        self.out.push(b':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(Writer {
            out: &mut *self.out,
        })
    }
    fn end(self) -> Result<(), Error> {
        self.out.extend_from_slice(self.close);
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        if self.raw {
            return value.serialize(TextWriter {
                out: &mut *self.out,
                raw: true,
            });
        }
        self.key(key);
        value.serialize(Writer {
            out: &mut *self.out,
        })
    }
    fn end(self) -> Result<(), Error> {
        self.out.extend_from_slice(self.close);
        Ok(())
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> Result<(), Error> {
        ser::SerializeStruct::end(self)
    }
}

/// Object keys, and the text of a `RawValue`: the places that take a
/// string (or, for keys, a number, boolean or char written as one).
struct TextWriter<'a> {
    out: &'a mut Vec<u8>,
    /// The text of a `RawValue`, appended as it is; otherwise an object key.
    raw: bool,
}

impl TextWriter<'_> {
    fn refuse(&self) -> Error {
        Error(
            if self.raw {
                "a raw JSON value must be text"
            } else {
                "key must be a string"
            }
            .to_owned(),
        )
    }

    /// A key written as a string: `"…"` around what `f` writes.
    fn quoted(self, f: impl FnOnce(&mut Vec<u8>)) -> Result<(), Error> {
        if self.raw {
            return Err(self.refuse());
        }
        self.out.push(b'"');
        f(self.out);
        self.out.push(b'"');
        Ok(())
    }
}

impl ser::Serializer for TextWriter<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        if self.raw {
            self.out.extend_from_slice(v.as_bytes());
        } else {
            string(self.out, v);
        }
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        if self.raw {
            return Err(self.refuse());
        }
        self.serialize_str(v.encode_utf8(&mut [0u8; 4]))
    }
    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.quoted(|out| out.extend_from_slice(if v { b"true" } else { b"false" }))
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.quoted(|out| signed(out, v))
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.quoted(|out| unsigned(out, v))
    }
    fn serialize_f32(self, _v: f32) -> Result<(), Error> {
        Err(self.refuse())
    }
    fn serialize_f64(self, _v: f64) -> Result<(), Error> {
        Err(self.refuse())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<(), Error> {
        Err(self.refuse())
    }
    fn serialize_none(self) -> Result<(), Error> {
        Err(self.refuse())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), Error> {
        Err(self.refuse())
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Err(self.refuse())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Err(self.refuse())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        if self.raw {
            return Err(self.refuse());
        }
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        if self.raw {
            return Err(self.refuse());
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(self.refuse())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(self.refuse())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(self.refuse())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(self.refuse())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(self.refuse())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(self.refuse())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(self.refuse())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(self.refuse())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn same<T: Serialize + ?Sized>(v: &T) {
        assert_eq!(
            to_string(v).unwrap(),
            serde_json::to_string(v).unwrap(),
            "written differently from serde_json"
        );
    }

    #[test]
    fn values_are_written_as_serde_json_writes_them() {
        same(&json!(null));
        same(&json!([
            true,
            false,
            0,
            -1,
            1,
            i64::MIN,
            i64::MAX,
            u64::MAX
        ]));
        same(&json!([
            0.5,
            -2.25,
            1e21,
            1.0e-7,
            3.0,
            f64::MAX,
            f64::MIN_POSITIVE
        ]));
        same(&json!({"a": {"b": [1, {"c": "d"}]}, "": [], "e": {}}));
        same(&json!("quote \" backslash \\ slash / nl \n cr \r tab \t bs \u{8} ff \u{c} nul \u{0} us \u{1f} del \u{7f}"));
        same(&json!("中文 emoji 😀 \u{2028} \u{2029} é"));
        same(&json!({"k\"ey\n": "v", "😀": 1}));
    }

    #[test]
    fn rust_shapes_are_written_as_serde_json_writes_them() {
        use std::collections::BTreeMap;
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        enum E {
            Unit,
            New(u8),
            Tuple(u8, &'static str),
            Struct { a: Option<i32>, b: char },
        }
        #[derive(serde::Serialize)]
        struct S<'a> {
            e: Vec<E>,
            t: (i8, u16),
            unit: (),
            none: Option<&'a str>,
            bytes: &'a [u8],
            #[serde(flatten)]
            flat: BTreeMap<i32, bool>,
            raw: &'a serde_json::value::RawValue,
        }
        let raw: Box<serde_json::value::RawValue> =
            serde_json::from_str(r#"{ "spaced" : [1, 2] }"#).unwrap();
        let s = S {
            e: vec![
                E::Unit,
                E::New(7),
                E::Tuple(1, "x"),
                E::Struct { a: None, b: '"' },
            ],
            t: (-8, 16),
            unit: (),
            none: None,
            bytes: &[0, 255],
            flat: [(-3, true), (4, false)].into_iter().collect(),
            raw: &raw,
        };
        same(&s);
        let keys: BTreeMap<bool, u8> = [(true, 1)].into_iter().collect();
        same(&keys);
        same(&f64::NAN);
        same(&f32::INFINITY);
    }

    #[test]
    fn raw_values_are_written_as_received() {
        // Fails if serde_json renames `RAW_VALUE_TOKEN`.
        let raw: Box<serde_json::value::RawValue> =
            serde_json::from_str(r#"{ "n" : 1.50 }"#).unwrap();
        assert_eq!(to_string(&raw).unwrap(), r#"{ "n" : 1.50 }"#);
    }

    #[test]
    fn keys_that_json_cannot_hold_are_errors() {
        use std::collections::BTreeMap;
        let m: BTreeMap<Vec<u8>, u8> = [(vec![1], 1)].into_iter().collect();
        assert_eq!(
            to_string(&m).unwrap_err().to_string(),
            "key must be a string"
        );
    }

    #[test]
    fn every_fixture_webhook_is_written_as_serde_json_writes_it() {
        use crate::webhook::{events, parse, Channel, ParseOptions};
        let mut seen = 0;
        for (dir, channel) in [("messenger", Channel::Messenger), ("line", Channel::Line)] {
            let path = format!("{}/tests/fixtures/{dir}", env!("CARGO_MANIFEST_DIR"));
            for entry in std::fs::read_dir(path).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    continue;
                }
                let body = std::fs::read(path).unwrap();
                let Ok(p) = parse(channel, &body, ParseOptions::default()) else {
                    continue;
                };
                let evs: Vec<_> = events(&p).collect();
                same(&evs);
                seen += evs.len();
            }
        }
        assert!(seen > 20, "only {seen} events in the fixtures");
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn any_json_value_is_written_as_serde_json_writes_it(s in "\\PC*", n in proptest::num::i64::ANY, f in proptest::num::f64::ANY) {
            let v: serde_json::Value = json!({ s.clone(): [s, n, f, {"n": n}] });
            same(&v);
        }
    }
}
