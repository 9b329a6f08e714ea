//! The LINE webhook as Sobot forwards it (001, "Webhook 消息转发"):
//! `{"destination":…,"events":[…]}`, with the event and message types of
//! LINE's webhook definitions (`references/line-webhook.yml`).

use super::{is_empty, lax, lax_int, Item, Kinded};
use crate::model::lenient::Id;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::BTreeMap;

/// The whole LINE webhook body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineWebhook {
    /// The user id of the bot that receives the events.
    pub destination: String,
    /// The events; LINE may send none to check the endpoint.
    pub events: Vec<Item<LineEvent>>,
}

/// The event types this crate decodes; any other `type` stays raw.
pub const EVENT_TYPES: [&str; 19] = [
    "message",
    "follow",
    "unfollow",
    "postback",
    "join",
    "leave",
    "memberJoined",
    "memberLeft",
    "unsend",
    "videoPlayComplete",
    "beacon",
    "accountLink",
    "membership",
    "module",
    "activated",
    "deactivated",
    "botSuspended",
    "botResumed",
    "delivery",
];

/// One LINE webhook event. `type` tells which of the payload fields it carries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineEvent {
    /// One of [`EVENT_TYPES`], or a type this version does not know.
    #[serde(rename = "type")]
    pub type_: String,
    /// `active` or `standby`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// When it happened, in milliseconds since the epoch.
    #[serde(
        default,
        deserialize_with = "crate::model::lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub timestamp: Option<i64>,
    /// Where it happened: a user, a group or a room.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Box<Source>>,
    /// The event id (a ULID), the same on redelivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_event_id: Option<String>,
    /// Whether this is a redelivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_context: Option<Box<DeliveryContext>>,
    /// The token to reply to this event with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_token: Option<String>,
    /// `message` events: the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Item<LineMessage>>,
    /// `follow` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow: Option<Box<Follow>>,
    /// `postback` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postback: Option<Box<Postback>>,
    /// `memberJoined` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joined: Option<Box<Members>>,
    /// `memberLeft` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left: Option<Box<Members>>,
    /// `unsend` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsend: Option<Box<Unsend>>,
    /// `videoPlayComplete` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_play_complete: Option<Box<VideoPlayComplete>>,
    /// `beacon` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beacon: Option<Box<Beacon>>,
    /// `accountLink` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<Box<Link>>,
    /// `membership` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership: Option<Box<Membership>>,
    /// `module` events (channels attached to a module).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<Box<Module>>,
    /// `activated` events: how long the chat control lasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_control: Option<Box<ChatControl>>,
    /// `delivery` events (a PNP message was delivered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Box<PnpDelivery>>,
}

impl Kinded for LineEvent {
    /// A known `type` carrying the payload that type requires.
    fn is_known(&self) -> bool {
        match self.type_.as_str() {
            "message" => self.message.is_some(),
            "postback" => self.postback.is_some(),
            "memberJoined" => self.joined.is_some(),
            "memberLeft" => self.left.is_some(),
            "unsend" => self.unsend.is_some(),
            "videoPlayComplete" => self.video_play_complete.is_some(),
            "beacon" => self.beacon.is_some(),
            "accountLink" => self.link.is_some(),
            "membership" => self.membership.is_some(),
            "module" => self.module.is_some(),
            "delivery" => self.delivery.is_some(),
            "follow" | "unfollow" | "join" | "leave" | "activated" | "deactivated"
            | "botSuspended" | "botResumed" => true,
            _ => false,
        }
    }

    fn common(raw: &RawValue) -> Option<Self> {
        let c: Common = serde_json::from_str(raw.get()).ok()?;
        Some(LineEvent {
            type_: c.type_.unwrap_or_default(),
            mode: c.mode,
            timestamp: c.timestamp,
            source: c.source,
            webhook_event_id: c.webhook_event_id,
            delivery_context: c.delivery_context,
            reply_token: c.reply_token,
            ..LineEvent::default()
        })
    }

    fn has_common(&self) -> bool {
        self.webhook_event_id.is_some() || self.source.is_some() || self.timestamp.is_some()
    }
}

/// The fields LINE gives every event, each read on its own.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Common {
    #[serde(rename = "type", default, deserialize_with = "lax")]
    type_: Option<String>,
    #[serde(default, deserialize_with = "lax")]
    mode: Option<String>,
    #[serde(default, deserialize_with = "lax_int")]
    timestamp: Option<i64>,
    #[serde(default, deserialize_with = "lax")]
    source: Option<Box<Source>>,
    #[serde(default, deserialize_with = "lax")]
    webhook_event_id: Option<String>,
    #[serde(default, deserialize_with = "lax")]
    delivery_context: Option<Box<DeliveryContext>>,
    #[serde(default, deserialize_with = "lax")]
    reply_token: Option<String>,
}

/// The source of an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// `user`, `group` or `room`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The user (absent in group events of users who did not consent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The group, for `group` sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    /// The room, for `room` sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_id: Option<String>,
}

/// `deliveryContext`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryContext {
    /// Whether the event is a redelivery of one already sent.
    #[serde(default)]
    pub is_redelivery: bool,
}

/// The message types this crate decodes; any other `type` stays raw.
pub const MESSAGE_TYPES: [&str; 7] = [
    "text", "image", "video", "audio", "file", "location", "sticker",
];

/// A LINE message; `type` tells which fields are present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineMessage {
    /// `text`, `image`, `video`, `audio`, `file`, `location` or `sticker`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The message id (used to fetch media content).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
    /// The token to quote this message with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote_token: Option<String>,
    /// The id of the message this one quotes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quoted_message_id: Option<String>,
    /// The token to mark this message as read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mark_as_read_token: Option<String>,
    /// `text`: the text; `sticker`: the text of a message sticker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `text`: LINE emojis in the text.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub emojis: Vec<Emoji>,
    /// `text`: mentions in the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mention: Option<Box<Mention>>,
    /// `image`, `video`, `audio`: where the content is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_provider: Option<Box<ContentProvider>>,
    /// `image`: the set of images sent together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_set: Option<Box<ImageSet>>,
    /// `video`, `audio`: length in milliseconds.
    #[serde(
        default,
        deserialize_with = "crate::model::lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub duration: Option<i64>,
    /// `file`: the file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// `file`: the size in bytes.
    #[serde(
        default,
        deserialize_with = "crate::model::lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub file_size: Option<i64>,
    /// `location`: the title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `location`: the address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// `location`: latitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    /// `location`: longitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// `sticker`: the package id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_id: Option<Id>,
    /// `sticker`: the sticker id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sticker_id: Option<Id>,
    /// `sticker`: `STATIC`, `ANIMATION`, `SOUND`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sticker_resource_type: Option<String>,
    /// `sticker`: up to 15 keywords.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub keywords: Vec<String>,
}

impl Kinded for LineMessage {
    fn is_known(&self) -> bool {
        MESSAGE_TYPES.contains(&self.type_.as_str())
    }
}

/// A LINE emoji inside a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Emoji {
    /// Position in the text (0-based).
    #[serde(default)]
    pub index: i64,
    /// Length of the emoji's text.
    #[serde(default)]
    pub length: i64,
    /// The emoji set.
    #[serde(default)]
    pub product_id: String,
    /// The emoji in the set.
    #[serde(default)]
    pub emoji_id: String,
}

/// Mentions in a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    /// Who is mentioned.
    #[serde(default)]
    pub mentionees: Vec<Mentionee>,
}

/// One mention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Mentionee {
    /// `user` or `all`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Position in the text.
    #[serde(default)]
    pub index: i64,
    /// Length of the mention's text.
    #[serde(default)]
    pub length: i64,
    /// The mentioned user, when they consented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Whether the bot itself is mentioned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_self: Option<bool>,
}

/// `contentProvider` of media messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentProvider {
    /// `line` (fetch the content by message id) or `external` (URLs below).
    #[serde(rename = "type")]
    pub type_: String,
    /// The content URL, for `external`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_content_url: Option<String>,
    /// The preview URL, for `external`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview_image_url: Option<String>,
}

/// `imageSet`: images sent together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageSet {
    /// The set id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// This image's 1-based position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<i64>,
    /// How many images the set has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
}

/// `follow`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Follow {
    /// `true` when the user unblocked the account rather than added it.
    #[serde(default)]
    pub is_unblocked: bool,
}

/// `postback`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Postback {
    /// The action's data.
    #[serde(default)]
    pub data: String,
    /// Date/time picker and rich menu switch parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<BTreeMap<String, Value>>,
}

/// `joined` / `left`: the users who joined or left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Members {
    /// The users.
    #[serde(default)]
    pub members: Vec<Source>,
}

/// `unsend`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Unsend {
    /// The id of the unsent message.
    pub message_id: String,
}

/// `videoPlayComplete`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoPlayComplete {
    /// The `trackingId` given when the video was sent.
    pub tracking_id: String,
}

/// `beacon`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Beacon {
    /// The beacon's hardware id.
    pub hwid: String,
    /// `enter`, `banner` or `stay`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The device message, when the beacon sent one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dm: Option<String>,
}

/// `link` of an `accountLink` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// `ok` or `failed`.
    pub result: String,
    /// The nonce given when the link was requested.
    pub nonce: String,
}

/// `membership`: a user joined, left or renewed a membership.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Membership {
    /// `joined`, `left` or `renewed`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The membership plan.
    #[serde(
        default,
        deserialize_with = "crate::model::lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub membership_id: Option<i64>,
}

/// `module`: the bot was attached to or detached from a module channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Module {
    /// `attached` or `detached`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The bot user id of the LINE Official Account attached or detached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot_id: Option<String>,
    /// `attached`: the scopes the account's admin granted.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub scopes: Vec<String>,
    /// `detached`: why (`bot_deleted`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `chatControl` of an `activated` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatControl {
    /// When the chat control ends, in milliseconds since the epoch.
    #[serde(
        default,
        deserialize_with = "crate::model::lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub expire_at: Option<i64>,
}

/// `delivery` of a PNP delivery completion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PnpDelivery {
    /// The `X-Line-Delivery-Tag` given when the message was sent.
    pub data: String,
}
