//! The Messenger webhook as Sobot forwards it (000, "Webhook消息转发"):
//! `{"object":"page","entry":[{"id","time","messaging":[…]}]}`, with each
//! messaging event carrying one of `message`, `delivery`, `read`, `optin`,
//! `postback`, `reaction` or `referral` as Meta's webhook reference defines them.

use super::{is_empty, Item, Kinded};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The whole Messenger webhook body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessengerWebhook {
    /// Always `page` for Messenger.
    pub object: String,
    /// One entry per Page and batch.
    pub entry: Vec<MessengerEntry>,
}

/// One entry of a Messenger webhook: the events of one Page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessengerEntry {
    /// The Page id.
    #[serde(
        default,
        deserialize_with = "crate::model::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    /// When the batch was sent, in milliseconds since the epoch.
    #[serde(
        default,
        deserialize_with = "crate::model::lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub time: Option<i64>,
    /// The events for the app that is the Page's primary receiver.
    #[serde(default)]
    pub messaging: Vec<Item<MessagingEvent>>,
    /// The events seen while another app controls the thread (handover protocol).
    #[serde(default, skip_serializing_if = "is_empty")]
    pub standby: Vec<Item<MessagingEvent>>,
}

/// A `sender` or `recipient`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Party {
    /// The page-scoped user id (PSID) or the Page id.
    #[serde(
        default,
        deserialize_with = "crate::model::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    /// The user reference of plugin opt-ins, sent instead of `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_ref: Option<String>,
}

/// One messaging event; exactly one of the payload fields is expected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessagingEvent {
    /// Who sent the event (the user, or the Page for echoes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<Party>,
    /// Who received it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<Party>,
    /// When it happened, in milliseconds since the epoch.
    #[serde(
        default,
        deserialize_with = "crate::model::lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub timestamp: Option<i64>,
    /// A message sent to (or, with `is_echo`, by) the Page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
    /// Messages of the Page were delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Delivery>,
    /// Messages of the Page were read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read: Option<Read>,
    /// The user subscribed to, stopped or resumed a topic (`notification_messages`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optin: Option<Optin>,
    /// The user tapped a postback button, Get Started or a menu item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postback: Option<Postback>,
    /// The user reacted to a message, or removed a reaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reaction: Option<Reaction>,
    /// The user entered an existing thread from a link, an ad or a QR code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral: Option<Referral>,
}

/// The kind of a [`MessagingEvent`], from the payload field it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessagingKind {
    /// `message`
    Message,
    /// `delivery`
    Delivery,
    /// `read`
    Read,
    /// `optin`
    Optin,
    /// `postback`
    Postback,
    /// `reaction`
    Reaction,
    /// `referral`
    Referral,
}

impl MessagingEvent {
    /// The payload this event carries, if any known one.
    pub fn kind(&self) -> Option<MessagingKind> {
        if self.message.is_some() {
            Some(MessagingKind::Message)
        } else if self.delivery.is_some() {
            Some(MessagingKind::Delivery)
        } else if self.read.is_some() {
            Some(MessagingKind::Read)
        } else if self.optin.is_some() {
            Some(MessagingKind::Optin)
        } else if self.postback.is_some() {
            Some(MessagingKind::Postback)
        } else if self.reaction.is_some() {
            Some(MessagingKind::Reaction)
        } else if self.referral.is_some() {
            Some(MessagingKind::Referral)
        } else {
            None
        }
    }
}

impl Kinded for MessagingEvent {
    fn is_known(&self) -> bool {
        self.kind().is_some()
    }
}

/// A `message`: text, attachments, or both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// The message id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mid: Option<String>,
    /// The text, when the message has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Image, video, audio and file attachments (others are kept raw).
    #[serde(default, skip_serializing_if = "is_empty")]
    pub attachments: Vec<Item<MessengerAttachment>>,
    /// The quick reply the user tapped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quick_reply: Option<QuickReply>,
    /// The message this one replies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<ReplyTo>,
    /// `true` when the Page sent the message (a `message_echoes` event).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_echo: Option<bool>,
    /// The app that sent an echoed message.
    #[serde(
        default,
        deserialize_with = "crate::model::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub app_id: Option<String>,
    /// Developer metadata of an echoed message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
}

/// An attachment of a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessengerAttachment {
    /// `image`, `video`, `audio` or `file` (also `reel`, `ig_reel`).
    #[serde(rename = "type")]
    pub type_: String,
    /// Where the media is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<AttachmentPayload>,
}

impl Kinded for MessengerAttachment {
    fn is_known(&self) -> bool {
        matches!(
            self.type_.as_str(),
            "image" | "video" | "audio" | "file" | "reel" | "ig_reel"
        )
    }
}

/// The payload of a media attachment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttachmentPayload {
    /// The media URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The sticker id, when an image is a sticker.
    #[serde(
        default,
        deserialize_with = "crate::model::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub sticker_id: Option<String>,
}

/// A tapped quick reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuickReply {
    /// The developer-defined payload of the quick reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
}

/// The message a reply refers to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplyTo {
    /// Its message id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mid: Option<String>,
}

/// A `delivery` notice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    /// The ids of the delivered messages (may be absent).
    #[serde(default, skip_serializing_if = "is_empty")]
    pub mids: Vec<String>,
    /// Every message sent before this time (ms) was delivered.
    #[serde(
        default,
        deserialize_with = "crate::model::lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub watermark: Option<i64>,
}

/// A `read` notice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Read {
    /// Every message sent before this time (ms) was read.
    #[serde(
        default,
        deserialize_with = "crate::model::lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub watermark: Option<i64>,
}

/// An `optin`: a subscription (`type` `notification_messages`) or a plugin opt-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Optin {
    /// `notification_messages` for topic subscriptions.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// The payload given when the opt-in was requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    /// The token to send notification messages with.
    #[serde(
        default,
        deserialize_with = "crate::model::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub notification_messages_token: Option<String>,
    /// When the token expires, in milliseconds since the epoch.
    #[serde(
        default,
        deserialize_with = "crate::model::lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub token_expiry_timestamp: Option<i64>,
    /// `REFRESHED` or `NOT_REFRESHED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_token_status: Option<String>,
    /// The user's timezone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_messages_timezone: Option<String>,
    /// `STOP_NOTIFICATIONS` or `RESUME_NOTIFICATIONS`; absent on a first opt-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_messages_status: Option<String>,
    /// `DAILY`, `WEEKLY` or `MONTHLY` where Meta sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_messages_frequency: Option<String>,
    /// The topic title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The `data-ref` of a Send to Messenger plugin.
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub ref_: Option<String>,
    /// The user reference of a checkbox plugin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_ref: Option<String>,
}

/// A `postback`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Postback {
    /// The message id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mid: Option<String>,
    /// The button title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The developer-defined payload of the button.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    /// How a new thread was entered, when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral: Option<Referral>,
}

/// A `reaction`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reaction {
    /// `smile`, `angry`, `sad`, `wow`, `love`, `like`, `dislike` or `other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reaction: Option<String>,
    /// The emoji.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emoji: Option<String>,
    /// `react` or `unreact`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The id of the message reacted to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mid: Option<String>,
}

/// A `referral`: how the user came to the thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Referral {
    /// The `ref` parameter of the link or ad.
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub ref_: Option<String>,
    /// `SHORTLINK`, `ADS`, `MESSENGER_CODE`, `CUSTOMER_CHAT_PLUGIN`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `OPEN_THREAD`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// The ad, for `ADS` referrals.
    #[serde(
        default,
        deserialize_with = "crate::model::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub ad_id: Option<String>,
    /// The page the chat plugin was on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referer_uri: Option<String>,
    /// Details of the ad, as Meta sends them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ads_context_data: Option<Value>,
}
