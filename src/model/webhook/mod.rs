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
use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde_json::value::RawValue;

/// A value whose kind the parser may or may not know.
pub trait Kinded {
    /// Whether the decoded value is of a kind this crate knows (and carries
    /// what that kind requires); otherwise it is kept as [`Item::Unknown`].
    fn is_known(&self) -> bool;
}

/// One element of a webhook array: typed when known, raw JSON otherwise.
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
    Unknown(Unknown),
}

/// An element the parser does not know, kept verbatim.
#[derive(Debug, Clone)]
pub struct Unknown {
    /// The element's `type` field, when it has a string one (LINE events and
    /// messages, Messenger attachments).
    pub type_: Option<String>,
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

impl PartialEq for Unknown {
    fn eq(&self, other: &Self) -> bool {
        self.type_ == other.type_
            && serde_json::from_slice::<serde_json::Value>(self.raw.get().as_bytes()).ok()
                == serde_json::from_slice::<serde_json::Value>(other.raw.get().as_bytes()).ok()
    }
}

/// The serialised form of [`Unknown`], read back so that a parsed payload
/// re-parses to itself.
#[derive(serde::Deserialize)]
struct UnknownForm {
    kind: String,
    raw: Box<RawValue>,
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
        match serde_json::from_slice::<T>(raw.get().as_bytes()) {
            Ok(value) if value.is_known() => Item::Known {
                value: Box::new(value),
                raw,
            },
            _ => {
                if let Ok(form) = serde_json::from_slice::<UnknownForm>(raw.get().as_bytes()) {
                    if form.kind == "unknown" {
                        let type_ = type_of(&form.raw);
                        return Item::Unknown(Unknown {
                            type_,
                            raw: form.raw,
                        });
                    }
                }
                let type_ = type_of(&raw);
                Item::Unknown(Unknown { type_, raw })
            }
        }
    }
}

impl<T: Serialize> Serialize for Item<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Item::Known { value, .. } => value.serialize(s),
            Item::Unknown(u) => u.serialize(s),
        }
    }
}

impl Serialize for Unknown {
    /// `{"kind":"unknown","type":…,"raw":…}`; `type` only when the element had one.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let n = if self.type_.is_some() { 3 } else { 2 };
        let mut st = s.serialize_struct("Unknown", n)?;
        st.serialize_field("kind", "unknown")?;
        if let Some(t) = &self.type_ {
            st.serialize_field("type", t)?;
        }
        // As a JSON value rather than verbatim text, so that serialisers other
        // than serde_json's (serde-wasm-bindgen) build a plain object too.
        let raw: serde_json::Value =
            serde_json::from_slice(self.raw.get().as_bytes()).map_err(serde::ser::Error::custom)?;
        st.serialize_field("raw", &raw)?;
        st.end()
    }
}

/// A list of items that decodes from JSON `null` or absence as empty.
pub(crate) fn is_empty<T>(v: &[T]) -> bool {
    v.is_empty()
}
