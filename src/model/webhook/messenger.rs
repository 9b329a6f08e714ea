//! The Messenger webhook as Sobot forwards it (000, "Webhook消息转发"):
//! `{"object":"page","entry":[{"id","time","messaging":[…]}]}`, with each
//! messaging event carrying one payload field (`message`, `delivery`, `read`,
//! `optin`, `postback`, `reaction`, `referral`, `message_edit`, the handover
//! fields, …) as Meta's webhook reference defines them.

use super::{is_empty, lax, lax_int, Item, Kept, Kinded};
use crate::model::lenient::Id;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// The whole Messenger webhook body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessengerWebhook {
    /// Always `page` for Messenger.
    pub object: String,
    /// One entry per Page and batch.
    pub entry: Vec<Kept<MessengerEntry>>,
}

/// One entry of a Messenger webhook: the events of one Page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessengerEntry {
    /// The Page id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
    /// When the batch was sent, in milliseconds since the epoch.
    #[serde(
        default,
        deserialize_with = "crate::model::lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub time: Option<i64>,
    /// The events for the app that is the Page's primary receiver (absent
    /// from an entry of standby events only).
    #[serde(default, skip_serializing_if = "is_empty")]
    pub messaging: Vec<Item<MessagingEvent>>,
    /// The events seen while another app controls the thread (handover protocol).
    #[serde(default, skip_serializing_if = "is_empty")]
    pub standby: Vec<Item<MessagingEvent>>,
}

/// A `sender` or `recipient`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Party {
    /// The page-scoped user id (PSID) or the Page id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
    /// The user reference of plugin opt-ins, sent instead of `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_ref: Option<String>,
}

/// One messaging event; exactly one of the payload fields is expected.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessagingEvent {
    /// Who sent the event (the user, or the Page for echoes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<Box<Party>>,
    /// Who received it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<Box<Party>>,
    /// When it happened, in milliseconds since the epoch.
    #[serde(
        default,
        deserialize_with = "crate::model::lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub timestamp: Option<i64>,
    /// A message sent to (or, with `is_echo`, by) the Page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Box<Message>>,
    /// Messages of the Page were delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Box<Delivery>>,
    /// Messages of the Page were read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read: Option<Box<Read>>,
    /// The user subscribed to, stopped or resumed a topic (`notification_messages`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optin: Option<Box<Optin>>,
    /// The user tapped a postback button, Get Started or a menu item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postback: Option<Box<Postback>>,
    /// The user reacted to a message, or removed a reaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reaction: Option<Box<Reaction>>,
    /// The user entered an existing thread from a link, an ad or a QR code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral: Option<Box<Referral>>,
    /// The user edited a message they had sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_edit: Option<Box<MessageEdit>>,
    /// The user linked or unlinked their account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_linking: Option<Box<AccountLinking>>,
    /// Meta blocked or warned the Page's app for a policy violation
    /// (`policy-enforcement`, or `policy_enforcement` in newer payloads).
    #[serde(
        rename = "policy-enforcement",
        alias = "policy_enforcement",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub policy_enforcement: Option<Box<PolicyEnforcement>>,
    /// Another app passed thread control to this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_thread_control: Option<Box<Handover>>,
    /// The primary receiver took thread control from this app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub take_thread_control: Option<Box<Handover>>,
    /// An app asked the primary receiver for thread control.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_thread_control: Option<Box<Handover>>,
    /// The Page's handover roles changed: app id → roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_roles: Option<BTreeMap<String, Vec<String>>>,
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
    /// `message_edit`
    MessageEdit,
    /// `account_linking`
    AccountLinking,
    /// `policy-enforcement`
    PolicyEnforcement,
    /// `pass_thread_control`
    PassThreadControl,
    /// `take_thread_control`
    TakeThreadControl,
    /// `request_thread_control`
    RequestThreadControl,
    /// `app_roles`
    AppRoles,
}

impl MessagingEvent {
    /// The payload this event carries, if any known one.
    pub fn kind(&self) -> Option<MessagingKind> {
        use MessagingKind as K;
        let present = [
            (self.message.is_some(), K::Message),
            (self.delivery.is_some(), K::Delivery),
            (self.read.is_some(), K::Read),
            (self.optin.is_some(), K::Optin),
            (self.postback.is_some(), K::Postback),
            (self.reaction.is_some(), K::Reaction),
            (self.referral.is_some(), K::Referral),
            (self.message_edit.is_some(), K::MessageEdit),
            (self.account_linking.is_some(), K::AccountLinking),
            (self.policy_enforcement.is_some(), K::PolicyEnforcement),
            (self.pass_thread_control.is_some(), K::PassThreadControl),
            (self.take_thread_control.is_some(), K::TakeThreadControl),
            (
                self.request_thread_control.is_some(),
                K::RequestThreadControl,
            ),
            (self.app_roles.is_some(), K::AppRoles),
        ];
        present.into_iter().find(|(p, _)| *p).map(|(_, k)| k)
    }
}

impl Kinded for MessagingEvent {
    fn is_known(&self) -> bool {
        self.kind().is_some()
    }

    fn common(raw: &RawValue) -> Option<Self> {
        let c: Common = serde_json::from_str(raw.get()).ok()?;
        Some(MessagingEvent {
            sender: c.sender,
            recipient: c.recipient,
            timestamp: c.timestamp,
            ..MessagingEvent::default()
        })
    }

    fn has_common(&self) -> bool {
        self.sender.is_some() || self.recipient.is_some() || self.timestamp.is_some()
    }
}

/// The fields every messaging event has, each read on its own.
#[derive(Deserialize)]
struct Common {
    #[serde(default, deserialize_with = "lax")]
    sender: Option<Box<Party>>,
    #[serde(default, deserialize_with = "lax")]
    recipient: Option<Box<Party>>,
    #[serde(default, deserialize_with = "lax_int")]
    timestamp: Option<i64>,
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
    /// The attachments: media, files, locations, link shares, templates, …
    #[serde(default, skip_serializing_if = "is_empty")]
    pub attachments: Vec<Item<MessengerAttachment>>,
    /// The quick reply the user tapped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quick_reply: Option<Box<QuickReply>>,
    /// The message this one replies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<Box<ReplyTo>>,
    /// `true` when the Page sent the message (a `message_echoes` event).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_echo: Option<bool>,
    /// The app that sent an echoed message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<Id>,
    /// Developer metadata of an echoed message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
}

/// An attachment of a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessengerAttachment {
    /// `image`, `video`, `audio`, `file`, `location`, `fallback`,
    /// `template`, `reel`, `ig_reel`, `story_mention`, …
    #[serde(rename = "type")]
    pub type_: String,
    /// What it holds (with its JSON, which a template's fields stay in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<Kept<AttachmentPayload>>,
    /// `fallback` (a shared link): its title, where sent beside the payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `fallback`: the shared URL, where sent beside the payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Kinded for MessengerAttachment {
    /// Every attachment with a `type` string is read: its fields are optional.
    fn is_known(&self) -> bool {
        true
    }
}

/// The payload of an attachment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttachmentPayload {
    /// The media URL (the map for `location`, the link for `fallback`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The title of a shared link, a location or a reel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `location`: where.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinates: Option<Coordinates>,
    /// `reel`, `ig_reel`: the video's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reel_video_id: Option<Id>,
    /// The sticker id, when an image is a sticker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sticker_id: Option<Id>,
}

/// The coordinates of a `location` attachment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coordinates {
    /// Latitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// Longitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long: Option<f64>,
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
    /// The Instagram story replied to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub story: Option<Story>,
}

/// A story a message replies to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Story {
    /// The story's CDN URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The story's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_messages_token: Option<Id>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ad_id: Option<Id>,
    /// The page the chat plugin was on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referer_uri: Option<String>,
    /// Chat plugin: whether the user is not logged in to Messenger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_guest_user: Option<bool>,
    /// `ADS`: the ad's title, media and post.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ads_context_data: Option<AdsContext>,
}

/// `ads_context_data` of an ad referral.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdsContext {
    /// The ad's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ad_title: Option<String>,
    /// The ad's image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo_url: Option<String>,
    /// The ad's video thumbnail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_url: Option<String>,
    /// The ad's post.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_id: Option<Id>,
    /// The product of a product ad.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<Id>,
}

/// A `message_edit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageEdit {
    /// The id of the edited message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mid: Option<String>,
    /// The new text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// How many times the message has been edited.
    #[serde(
        default,
        deserialize_with = "crate::model::lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub num_edit: Option<i64>,
}

/// An `account_linking` change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountLinking {
    /// `linked` or `unlinked`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `linked`: the code the app passed to the redirect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_code: Option<String>,
}

/// A `policy-enforcement` notice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyEnforcement {
    /// `warning`, `block` or `unblock`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Why, for `warning` and `block`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `pass_thread_control`, `take_thread_control` or `request_thread_control`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handover {
    /// `pass_thread_control`: the app that now controls the thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_owner_app_id: Option<Id>,
    /// The app that controlled the thread before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_owner_app_id: Option<Id>,
    /// `request_thread_control`: the app asking for control.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_owner_app_id: Option<Id>,
    /// The metadata the passing, taking or requesting app sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
}
