//! Webhook payloads as the platforms send them: Messenger (`object`/`entry`),
//! LINE (`destination`/`events`) and the Messenger upload result
//! (`track_id`/`attachment_id`), with the platforms' own field names.
//!
//! Every event (and every LINE message, every Messenger attachment) is an
//! [`Item`]: the typed value when the parser knows its kind, otherwise the
//! raw JSON, so one event of a new kind never spoils the rest of a batch.

pub mod line;
pub mod messenger;
pub mod upload;

pub use line::{LineEvent, LineMessage, LineWebhook};
pub use messenger::{MessagingEvent, MessengerAttachment, MessengerEntry, MessengerWebhook};
pub use upload::UploadResult;

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};
use serde_json::value::RawValue;

/// A value whose kind the parser may or may not know.
pub trait Kinded: Sized {
    /// Whether the decoded value is of a kind this crate knows (and carries
    /// what that kind requires); otherwise it is kept as [`Item::Unknown`].
    fn is_known(&self) -> bool;

    /// The fields every element has (a LINE event's `source`, a Messenger
    /// event's `sender`), read one by one from an element that did not
    /// decode as a whole, so that it can still be told and de-duplicated.
    fn common(_raw: &RawValue) -> Option<Self> {
        None
    }

    /// Whether it carries any of those common fields (an element of an
    /// unknown kind is kept decoded only then, so `{}`s cost next to nothing).
    fn has_common(&self) -> bool {
        false
    }
}

/// One element of a webhook array: typed when known, raw JSON otherwise.
/// It serialises as the JSON it was decoded from.
///
/// The typed value is boxed so that an element costs a few words whatever
/// its kind: a body of many tiny elements (`[{},{},…]`) must not cost the
/// size of the largest event type for each of them.
#[derive(Debug, Clone)]
pub enum Item<T> {
    /// A value of a known kind, with the exact JSON it was decoded from.
    Known {
        /// The typed value.
        value: Box<T>,
        /// The element's JSON as received.
        raw: Box<RawValue>,
    },
    /// A value of an unknown kind, or one whose fields could not be decoded.
    Unknown(Unknown<T>),
}

/// An element the parser does not know, kept verbatim.
#[derive(Debug, Clone)]
pub struct Unknown<T> {
    /// The element's `type` field, when it has a string one (LINE events and
    /// messages, Messenger attachments).
    pub type_: Option<String>,
    /// What could be read of it: the whole element when only its kind is
    /// unknown, else its common fields ([`Kinded::common`]), if any.
    pub value: Option<Box<T>>,
    /// The element's JSON as received.
    pub raw: Box<RawValue>,
}

impl<T> Item<T> {
    /// The typed value, if the kind is known.
    pub fn known(&self) -> Option<&T> {
        match self {
            Item::Known { value, .. } => Some(&**value),
            Item::Unknown(_) => None,
        }
    }

    /// What could be read of the element, whatever its kind: the typed value
    /// when known, else what [`Unknown::value`] holds.
    pub fn decoded(&self) -> Option<&T> {
        match self {
            Item::Known { value, .. } => Some(&**value),
            Item::Unknown(u) => u.value.as_deref(),
        }
    }

    /// The element's JSON as received.
    pub fn raw(&self) -> &RawValue {
        match self {
            Item::Known { raw, .. } => raw,
            Item::Unknown(u) => &u.raw,
        }
    }
}

impl<T: PartialEq> PartialEq for Item<T> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Item::Known { value: a, .. }, Item::Known { value: b, .. }) => a == b,
            (Item::Unknown(a), Item::Unknown(b)) => a == b,
            _ => false,
        }
    }
}

impl<T> PartialEq for Unknown<T> {
    fn eq(&self, other: &Self) -> bool {
        self.type_ == other.type_
            && serde_json::from_slice::<serde_json::Value>(self.raw.get().as_bytes()).ok()
                == serde_json::from_slice::<serde_json::Value>(other.raw.get().as_bytes()).ok()
    }
}

#[derive(serde::Deserialize)]
struct TypeOnly {
    #[serde(rename = "type", default)]
    type_: Option<serde_json::Value>,
}

fn type_of(raw: &RawValue) -> Option<String> {
    match serde_json::from_slice::<TypeOnly>(raw.get().as_bytes()) {
        Ok(TypeOnly {
            type_: Some(serde_json::Value::String(s)),
        }) => Some(s),
        _ => None,
    }
}

impl<'de, T> Deserialize<'de> for Item<T>
where
    T: serde::de::DeserializeOwned + Kinded,
{
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        Ok(Item::from_raw(raw))
    }
}

impl<T> Item<T>
where
    T: serde::de::DeserializeOwned + Kinded,
{
    /// Decodes one element from its raw JSON; never fails.
    pub fn from_raw(raw: Box<RawValue>) -> Self {
        let value = match serde_json::from_slice::<T>(raw.get().as_bytes()) {
            Ok(value) if value.is_known() => {
                return Item::Known {
                    value: Box::new(value),
                    raw,
                }
            }
            Ok(value) => Some(value).filter(T::has_common),
            Err(_) => T::common(&raw).filter(T::has_common),
        };
        Item::Unknown(Unknown {
            type_: type_of(&raw),
            value: value.map(Box::new),
            raw,
        })
    }
}

impl<T> Serialize for Item<T> {
    /// The element's JSON as received, known or not: its nulls, number forms
    /// and undeclared fields included, so that a payload re-serialises to its input.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.raw().serialize(s)
    }
}

impl<T> Serialize for Unknown<T> {
    /// The element's JSON as received, so that a payload re-serialises to its input.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(s)
    }
}

/// Reads a field that may be malformed: `None` instead of an error, so that
/// one bad field does not hide the others ([`Kinded::common`]).
pub(crate) fn lax<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let raw = Box::<RawValue>::deserialize(d)?;
    Ok(serde_json::from_str(raw.get()).ok())
}

/// [`lax`] for the integer fields read by [`crate::model::lenient::opt_int`].
pub(crate) fn lax_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(serde::Deserialize)]
    struct Int(#[serde(deserialize_with = "crate::model::lenient::opt_int")] Option<i64>);
    Ok(lax::<D, Int>(d)?.and_then(|i| i.0))
}

/// An object decoded as `T` that keeps the JSON it came from, and
/// serialises as that JSON (its nulls and number forms included). It reads
/// as a `T` through `Deref`.
#[derive(Debug, Clone)]
pub struct Kept<T> {
    value: T,
    raw: Box<RawValue>,
}

impl<T> Kept<T> {
    /// The decoded value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The JSON as received.
    pub fn raw(&self) -> &RawValue {
        &self.raw
    }
}

impl<T: Serialize> Kept<T> {
    /// Keeps `value` with its own JSON.
    pub fn new(value: T) -> Result<Self, serde_json::Error> {
        let raw = serde_json::value::to_raw_value(&value)?;
        Ok(Kept { value, raw })
    }
}

impl<T> std::ops::Deref for Kept<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: PartialEq> PartialEq for Kept<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T> Serialize for Kept<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(s)
    }
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Kept<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        let value = serde_json::from_str(raw.get()).map_err(serde::de::Error::custom)?;
        Ok(Kept { value, raw })
    }
}

/// A list of items that decodes from JSON `null` or absence as empty.
pub(crate) fn is_empty<T>(v: &[T]) -> bool {
    v.is_empty()
}
