//! One event shape for both channels, camelCase, discriminated by `kind`.
//!
//! Every event has `channel`, `kind`, `eventId`, `timestamp`, `mode`,
//! `sender`, `recipient`, `chat`, `replyToken`, `isRedelivery`, `pageId` and
//! `raw` (the event's JSON as received); each kind adds its own fields
//! (`text`, `attachments`, `mentionees` for messages, `watermark` for
//! delivery and read, `subscription` for topic opt-ins, …). Absent values
//! are `null`, so the shape of a kind never changes.

use crate::model::webhook::line::{self as ln, LineEvent, LineMessage};
use crate::model::webhook::messenger::{
    self as ms, AttachmentPayload, MessagingEvent, MessagingKind,
};
use crate::model::webhook::{Item, Kept, LineWebhook, MessengerWebhook, UploadResult};
use crate::webhook::parse::{Channel, Payload};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;
use strum::IntoStaticStr;
#[cfg(target_arch = "wasm32")]
use tsify::Tsify;

/// Who sent the event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
#[serde(rename_all = "camelCase")]
pub struct Sender<'a> {
    /// Messenger PSID (or Page id for echoes), LINE `source.userId`.
    pub id: Option<&'a str>,
    /// Messenger `user_ref` of plugin opt-ins.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_ref: Option<&'a str>,
}

/// Who received the event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
pub struct Recipient<'a> {
    /// Messenger Page id (or PSID for echoes), LINE `destination`.
    pub id: Option<&'a str>,
}

/// The conversation to answer in.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
pub struct Chat<'a> {
    /// `user`, `group` or `room` (always `user` on Messenger).
    #[serde(rename = "type")]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "'user' | 'group' | 'room'"))]
    pub type_: &'a str,
    /// The user, group or room id.
    pub id: Option<&'a str>,
}

/// LINE `imageSet`: one of several images sent together.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
pub struct ImageSet<'a> {
    /// The set's id.
    pub id: Option<&'a str>,
    /// This image's 1-based position.
    pub index: Option<i64>,
    /// How many images the set has.
    pub total: Option<i64>,
}

/// An attachment: media, a file, a location, a shared link, a template, …
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
#[serde(rename_all = "camelCase")]
pub struct Attachment<'a> {
    /// `image`, `video`, `audio`, `file`, `location`, `fallback`, `template`,
    /// `reel`, `ig_reel`, `story_mention`, … (the platform's type).
    #[serde(rename = "type")]
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(
            type = "'image' | 'video' | 'audio' | 'file' | 'location' | 'fallback' | 'template' | 'reel' | 'ig_reel' | 'story_mention' | 'sticker' | (string & {})"
        )
    )]
    pub type_: &'a str,
    /// Where to download it or what it links to (Messenger `payload.url`,
    /// LINE external content).
    pub url: Option<&'a str>,
    /// The title of a shared link, a location or a reel.
    pub title: Option<&'a str>,
    /// The LINE message id to fetch the content with (`get_media_content`).
    pub content_id: Option<&'a str>,
    /// LINE preview image of external content.
    pub preview_url: Option<&'a str>,
    /// LINE `contentProvider.type`: `line` or `external`.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "'line' | 'external' | null"))]
    pub provider: Option<&'a str>,
    /// LINE files: the file name.
    pub file_name: Option<&'a str>,
    /// LINE files: the size in bytes.
    pub file_size: Option<i64>,
    /// LINE video and audio: the length in milliseconds.
    pub duration: Option<i64>,
    /// LINE images sent together.
    pub image_set: Option<ImageSet<'a>>,
    /// Messenger stickers sent as images.
    pub sticker_id: Option<&'a str>,
    /// Messenger reels.
    pub reel_video_id: Option<&'a str>,
    /// Messenger templates and other types: the payload as received.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Record<string, unknown> | null"))]
    pub payload: Option<&'a Kept<AttachmentPayload>>,
}

/// A shared location.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
pub struct Location<'a> {
    /// Its title.
    pub title: Option<&'a str>,
    /// Its address (LINE).
    pub address: Option<&'a str>,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
}

/// A sticker.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
#[serde(rename_all = "camelCase")]
pub struct Sticker<'a> {
    /// LINE package id.
    pub package_id: Option<&'a str>,
    /// The sticker id.
    pub sticker_id: Option<&'a str>,
    /// LINE `stickerResourceType`.
    pub resource_type: Option<&'a str>,
    /// LINE keywords.
    pub keywords: &'a [String],
    /// LINE message stickers: the text the user entered.
    pub text: Option<&'a str>,
}

/// A LINE emoji in a text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
#[serde(rename_all = "camelCase")]
pub struct Emoji<'a> {
    /// Its position in the text, in UTF-16 units.
    pub index: i64,
    /// Its length in the text, in UTF-16 units.
    pub length: i64,
    /// The emoji set.
    pub product_id: &'a str,
    /// The emoji in the set.
    pub emoji_id: &'a str,
}

/// A LINE mention in a text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
#[serde(rename_all = "camelCase")]
pub struct Mentionee<'a> {
    /// `user` or `all`.
    #[serde(rename = "type")]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "'user' | 'all' | null"))]
    pub type_: Option<&'a str>,
    /// The user mentioned, when they consented to share it.
    pub user_id: Option<&'a str>,
    /// Its position in the text, in UTF-16 units.
    pub index: i64,
    /// Its length in the text, in UTF-16 units.
    pub length: i64,
    /// Whether the mention is of the bot itself.
    pub is_self: bool,
}

/// An Instagram story a message replies to.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
pub struct Story<'a> {
    /// The story's URL.
    pub url: Option<&'a str>,
    /// The story's id.
    pub id: Option<&'a str>,
}

/// The fields of `message` events.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
#[serde(rename_all = "camelCase")]
pub struct MessageFields<'a> {
    /// Messenger `mid`, LINE `message.id`.
    pub message_id: Option<&'a str>,
    /// The text, if any.
    pub text: Option<&'a str>,
    /// Media, files, shared links and templates (empty when none).
    pub attachments: Vec<Attachment<'a>>,
    /// A LINE location message, or a Messenger location attachment.
    pub location: Option<Location<'a>>,
    /// A sticker.
    pub sticker: Option<Sticker<'a>>,
    /// LINE emojis in the text (empty when none).
    pub emojis: Vec<Emoji<'a>>,
    /// LINE mentions in the text (empty when none).
    pub mentionees: Vec<Mentionee<'a>>,
    /// Whether the bot itself is mentioned.
    pub mentions_bot: bool,
    /// Messenger: the Page sent this message.
    pub is_echo: bool,
    /// Messenger echoes: the app that sent the message.
    pub app_id: Option<&'a str>,
    /// Messenger echoes: the metadata the app sent with it.
    pub metadata: Option<&'a str>,
    /// Messenger: the payload of the tapped quick reply.
    pub quick_reply_payload: Option<&'a str>,
    /// The message this one replies to (Messenger `reply_to.mid`) or quotes
    /// (LINE `quotedMessageId`).
    pub reply_to_message_id: Option<&'a str>,
    /// Instagram: the story this message replies to.
    pub reply_to_story: Option<Story<'a>>,
    /// LINE: the token to quote this message.
    pub quote_token: Option<&'a str>,
    /// LINE: the token to mark this message as read.
    pub mark_as_read_token: Option<&'a str>,
}

/// A topic subscription change (Messenger `optin` of type `notification_messages`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
#[serde(rename_all = "camelCase")]
pub struct Subscription<'a> {
    /// `subscribed` (first opt-in), `stopped`, `resumed`, or the platform's value.
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = "'subscribed' | 'stopped' | 'resumed' | (string & {})")
    )]
    pub status: &'a str,
    /// `notification_messages_token`: send topic messages with it.
    pub token: Option<&'a str>,
    /// The topic title.
    pub title: Option<&'a str>,
    /// The user's timezone.
    pub timezone: Option<&'a str>,
    /// When the token expires, in milliseconds since the epoch.
    pub expires_at: Option<i64>,
    /// `REFRESHED` / `NOT_REFRESHED`.
    pub token_status: Option<&'a str>,
    /// The payload given when the opt-in was requested.
    pub payload: Option<&'a str>,
    /// Meta's frequency, where sent.
    pub frequency: Option<&'a str>,
}

/// A plugin opt-in.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
#[serde(rename_all = "camelCase")]
pub struct Optin<'a> {
    /// The opt-in's `type`, if any.
    #[serde(rename = "type")]
    pub type_: Option<&'a str>,
    /// `ref` (`data-ref` of the plugin).
    #[serde(rename = "ref")]
    pub ref_: Option<&'a str>,
    /// `user_ref` of a checkbox plugin.
    pub user_ref: Option<&'a str>,
    /// `payload`.
    pub payload: Option<&'a str>,
}

/// The ad a referral came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
#[serde(rename_all = "camelCase")]
pub struct AdsContext<'a> {
    /// The ad's title.
    pub ad_title: Option<&'a str>,
    /// The ad's image.
    pub photo_url: Option<&'a str>,
    /// The ad's video thumbnail.
    pub video_url: Option<&'a str>,
    /// The ad's post.
    pub post_id: Option<&'a str>,
    /// The product of a product ad.
    pub product_id: Option<&'a str>,
}

/// How a user reached the thread.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
#[serde(rename_all = "camelCase")]
pub struct Referral<'a> {
    /// `ref` of the link or ad.
    #[serde(rename = "ref")]
    pub ref_: Option<&'a str>,
    /// `SHORTLINK`, `ADS`, `CUSTOMER_CHAT_PLUGIN`, …
    pub source: Option<&'a str>,
    /// `OPEN_THREAD`.
    #[serde(rename = "type")]
    pub type_: Option<&'a str>,
    /// The ad, for `ADS`.
    pub ad_id: Option<&'a str>,
    /// The page of the chat plugin.
    pub referer_uri: Option<&'a str>,
    /// Chat plugin: the user is not logged in to Messenger.
    pub is_guest_user: Option<bool>,
    /// `ADS`: the ad's title, media and post.
    pub ads_context: Option<AdsContext<'a>>,
}

/// A postback.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
#[serde(rename_all = "camelCase")]
pub struct Postback<'a> {
    /// Messenger `payload`, LINE `data`.
    pub payload: Option<&'a str>,
    /// Messenger button title.
    pub title: Option<&'a str>,
    /// LINE `params` (date picker, rich menu switch).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Record<string, unknown> | null"))]
    pub params: Option<&'a BTreeMap<String, Value>>,
    /// Messenger: how a new thread was entered.
    pub referral: Option<Referral<'a>>,
    /// Messenger: the postback's message id.
    pub message_id: Option<&'a str>,
}

/// A reaction.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
#[serde(rename_all = "camelCase")]
pub struct Reaction<'a> {
    /// `react` or `unreact`.
    pub action: Option<&'a str>,
    /// `like`, `love`, … or `other`.
    pub reaction: Option<&'a str>,
    /// The emoji.
    pub emoji: Option<&'a str>,
    /// The message reacted to.
    pub message_id: Option<&'a str>,
}

/// A beacon.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
pub struct Beacon<'a> {
    /// Hardware id.
    pub hwid: &'a str,
    /// `enter`, `banner` or `stay`.
    #[serde(rename = "type")]
    pub type_: &'a str,
    /// Device message.
    pub dm: Option<&'a str>,
}

/// An account link change.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
#[serde(rename_all = "camelCase")]
pub struct Link<'a> {
    /// LINE `ok` or `failed`; Messenger `linked` or `unlinked`.
    pub result: Option<&'a str>,
    /// LINE: the nonce of the link request.
    pub nonce: Option<&'a str>,
    /// Messenger `linked`: the authorization code.
    pub authorization_code: Option<&'a str>,
}

/// A LINE membership change.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
#[serde(rename_all = "camelCase")]
pub struct Membership<'a> {
    /// `joined`, `left` or `renewed`.
    #[serde(rename = "type")]
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = "'joined' | 'left' | 'renewed' | (string & {})")
    )]
    pub type_: &'a str,
    /// The membership plan.
    pub membership_id: Option<i64>,
}

/// A LINE module attach or detach.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
#[serde(rename_all = "camelCase")]
pub struct Module<'a> {
    /// `attached` or `detached`.
    #[serde(rename = "type")]
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = "'attached' | 'detached' | (string & {})")
    )]
    pub type_: &'a str,
    /// The bot user id of the LINE Official Account.
    pub bot_id: Option<&'a str>,
    /// `attached`: the scopes granted.
    pub scopes: &'a [String],
    /// `detached`: why.
    pub reason: Option<&'a str>,
}

/// LINE `chatControl` of an `activated` event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
#[serde(rename_all = "camelCase")]
pub struct ChatControl {
    /// When the chat control ends, in milliseconds since the epoch.
    pub expire_at: Option<i64>,
}

/// A LINE notification message delivery.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
pub struct PnpDelivery<'a> {
    /// The hashed phone number or the `X-Line-Delivery-Tag` of the send.
    pub data: &'a str,
}

/// A Messenger message edit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
#[serde(rename_all = "camelCase")]
pub struct MessageEdit<'a> {
    /// The edited message.
    pub message_id: Option<&'a str>,
    /// Its new text.
    pub text: Option<&'a str>,
    /// How many times it has been edited.
    pub num_edit: Option<i64>,
}

/// A Messenger policy enforcement notice.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
pub struct Policy<'a> {
    /// `warning`, `block` or `unblock`.
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = "'warning' | 'block' | 'unblock' | (string & {}) | null")
    )]
    pub action: Option<&'a str>,
    /// Why.
    pub reason: Option<&'a str>,
}

/// A Messenger handover protocol change.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
#[serde(rename_all = "camelCase")]
pub struct Handover<'a> {
    /// `pass`, `take` or `request` thread control, or `roles` changed.
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = "'pass' | 'take' | 'request' | 'roles'")
    )]
    pub action: &'a str,
    /// The app that now controls the thread.
    pub new_owner_app_id: Option<&'a str>,
    /// The app that controlled it before.
    pub previous_owner_app_id: Option<&'a str>,
    /// The app asking for control.
    pub requested_owner_app_id: Option<&'a str>,
    /// The metadata the other app sent.
    pub metadata: Option<&'a str>,
    /// `roles`: app id → roles.
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = "Record<string, string[]> | null")
    )]
    pub app_roles: Option<&'a BTreeMap<String, Vec<String>>>,
}

/// A finished upload.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
#[serde(rename_all = "camelCase")]
pub struct Upload<'a> {
    /// The `item` of the `upload_async` answer.
    pub track_id: &'a str,
    /// The attachment id to send the media with.
    pub attachment_id: &'a str,
}

/// What happened, with the kind's own fields: flattened into a [`NormalizedEvent`]
/// as `kind` (the variant's name in camelCase) beside those fields.
#[derive(Debug, Clone, PartialEq, Serialize, IntoStaticStr)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[strum(serialize_all = "camelCase")]
pub enum Details<'a> {
    /// A message from the user (or, with `isEcho`, from the Page).
    Message(MessageFields<'a>),
    /// Messenger: messages were delivered.
    Delivery {
        /// Every message before this time (ms) was delivered.
        watermark: Option<i64>,
        /// The delivered message ids.
        #[serde(rename = "messageIds")]
        message_ids: &'a [String],
    },
    /// Messenger: messages were read.
    Read {
        /// Every message before this time (ms) was read.
        watermark: Option<i64>,
    },
    /// Messenger: a topic subscription started, stopped or resumed.
    Subscription {
        /// The subscription change.
        subscription: Subscription<'a>,
    },
    /// Messenger: a plugin opt-in (Send to Messenger, checkbox).
    Optin {
        /// The opt-in.
        optin: Optin<'a>,
    },
    /// LINE: the account was added as a friend or unblocked.
    Follow {
        /// Whether the user unblocked rather than added the account.
        #[serde(rename = "isUnblocked")]
        is_unblocked: bool,
    },
    /// LINE: the account was blocked.
    Unfollow,
    /// A postback button (LINE action, Messenger button or menu).
    Postback {
        /// The postback.
        postback: Postback<'a>,
    },
    /// Messenger: a reaction was added or removed.
    Reaction {
        /// The reaction.
        reaction: Reaction<'a>,
    },
    /// Messenger: the user entered a thread from a link, an ad or a code.
    Referral {
        /// The referral.
        referral: Referral<'a>,
    },
    /// LINE: the account joined a group or room.
    Join,
    /// LINE: the account left a group or room.
    Leave,
    /// LINE: users joined a group or room.
    MemberJoined {
        /// The user ids.
        members: Vec<Option<&'a str>>,
    },
    /// LINE: users left a group or room.
    MemberLeft {
        /// The user ids.
        members: Vec<Option<&'a str>>,
    },
    /// LINE: the user unsent a message.
    Unsend {
        /// The unsent message.
        #[serde(rename = "messageId")]
        message_id: &'a str,
    },
    /// LINE: the user watched a tracked video to the end.
    VideoPlayComplete {
        /// The video's tracking id.
        #[serde(rename = "trackingId")]
        tracking_id: &'a str,
    },
    /// LINE: the user came near a beacon.
    Beacon {
        /// The beacon.
        beacon: Beacon<'a>,
    },
    /// The user linked (or, on Messenger, unlinked) their account.
    AccountLink {
        /// The link result.
        link: Link<'a>,
    },
    /// LINE: a user joined, left or renewed a membership.
    Membership {
        /// The membership change.
        membership: Membership<'a>,
    },
    /// LINE: the bot was attached to or detached from a module channel.
    Module {
        /// The attach or detach.
        module: Module<'a>,
    },
    /// LINE: the module channel became the active channel.
    Activated {
        /// How long the control lasts.
        #[serde(rename = "chatControl")]
        chat_control: ChatControl,
    },
    /// LINE: the module channel became the standby channel.
    Deactivated,
    /// LINE: the account was suspended.
    BotSuspended,
    /// LINE: the account was resumed.
    BotResumed,
    /// LINE: a LINE notification message was delivered (`delivery`).
    PnpDeliveryCompletion {
        /// The delivery.
        delivery: PnpDelivery<'a>,
    },
    /// Messenger: the user edited a message.
    MessageEdit {
        /// The edit.
        #[serde(rename = "messageEdit")]
        message_edit: MessageEdit<'a>,
    },
    /// Messenger: Meta warned, blocked or unblocked the app.
    PolicyEnforcement {
        /// The notice.
        policy: Policy<'a>,
    },
    /// Messenger: thread control was passed, taken or requested, or roles changed.
    Handover {
        /// The change.
        handover: Handover<'a>,
    },
    /// Messenger: an `upload_async` finished (`track_id`, `attachment_id`).
    Upload {
        /// The upload.
        upload: Upload<'a>,
    },
    /// An event of a kind this version does not know; see `raw`.
    Unknown {
        /// The platform's event type (LINE `type`, the Messenger payload
        /// field), or the unknown LINE message's type, when there is one.
        #[serde(rename = "type")]
        type_: Option<&'a str>,
    },
}

/// One normalised event.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(missing_as_null, type_prefix = "Webhook")
)]
#[serde(rename_all = "camelCase")]
pub struct NormalizedEvent<'a> {
    /// `messenger` or `line`.
    pub channel: Channel,
    /// LINE `webhookEventId`; Messenger `mid`, or for events without one a
    /// key derived from kind, sender, recipient and timestamp (stable across
    /// redeliveries); the upload's `track_id`.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string | null"))]
    pub event_id: Option<Cow<'a, str>>,
    /// When it happened, in milliseconds since the epoch.
    pub timestamp: Option<i64>,
    /// `active` or `standby` (Messenger `standby` entries, LINE `mode`).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "'active' | 'standby' | null"))]
    pub mode: Option<&'a str>,
    /// Who sent it.
    pub sender: Option<Sender<'a>>,
    /// Who received it.
    pub recipient: Option<Recipient<'a>>,
    /// Where to answer.
    pub chat: Option<Chat<'a>>,
    /// LINE reply token.
    pub reply_token: Option<&'a str>,
    /// LINE `deliveryContext.isRedelivery` (`false` on Messenger).
    pub is_redelivery: bool,
    /// Messenger: the `id` of the entry (the Page); `null` on LINE.
    pub page_id: Option<&'a str>,
    /// The kind's own fields.
    #[serde(flatten)]
    // A union: the override makes the declaration an intersection, not `extends`.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "WebhookDetails"))]
    pub details: Details<'a>,
    /// The event's JSON as received.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "unknown"))]
    #[serde(skip_serializing_if = "is_omitted")]
    pub raw: &'a RawValue,
}

/// The text behind [`raw_omitted`].
const RAW_OMITTED: &str = "null";

/// A `raw` that is not written: for an event whose JSON the reader takes
/// from the body it already holds (`js/webhook.rs`), not from the event's.
#[cfg(target_arch = "wasm32")]
pub(crate) fn raw_omitted() -> Option<&'static RawValue> {
    serde_json::from_str(RAW_OMITTED).ok()
}

/// Whether `raw` is [`raw_omitted`] (by address: no event's JSON is in static memory).
fn is_omitted(raw: &&RawValue) -> bool {
    std::ptr::eq(raw.get().as_ptr(), RAW_OMITTED.as_ptr())
}

impl NormalizedEvent<'_> {
    /// The event's `kind`: `message`, `delivery`, … or `unknown`.
    pub fn kind(&self) -> &'static str {
        (&self.details).into()
    }
}

/// Normalises a parsed payload of either channel.
pub fn normalize(p: &Payload) -> Vec<NormalizedEvent<'_>> {
    events(p).collect()
}

/// The normalised events of a payload one at a time, in order: what
/// [`normalize`] collects, for a caller that writes them out as they come
/// (a body of many events then never holds them all at once).
pub fn events(p: &Payload) -> Box<dyn Iterator<Item = NormalizedEvent<'_>> + '_> {
    match p {
        Payload::Messenger(w) => Box::new(messenger_events(w)),
        Payload::Line(w) => Box::new(
            w.events
                .iter()
                .map(move |item| line_event(item, &w.destination)),
        ),
        Payload::Upload(u, raw) => Box::new(std::iter::once(normalize_upload(u, raw))),
    }
}

fn messenger_events(w: &MessengerWebhook) -> impl Iterator<Item = NormalizedEvent<'_>> {
    w.entry.iter().flat_map(|entry| {
        let page = entry.id.as_deref();
        let active = entry.messaging.iter().map(|item| (item, "active"));
        let standby = entry.standby.iter().map(|item| (item, "standby"));
        active
            .chain(standby)
            .map(move |(item, mode)| messenger_event(item, mode, page))
    })
}

fn bare<'a>(channel: Channel, details: Details<'a>, raw: &'a RawValue) -> NormalizedEvent<'a> {
    NormalizedEvent {
        channel,
        event_id: None,
        timestamp: None,
        mode: None,
        sender: None,
        recipient: None,
        chat: None,
        reply_token: None,
        is_redelivery: false,
        page_id: None,
        details,
        raw,
    }
}

fn normalize_upload<'a>(u: &'a UploadResult, raw: &'a RawValue) -> NormalizedEvent<'a> {
    let mut e = bare(
        Channel::Messenger,
        Details::Upload {
            upload: Upload {
                track_id: &u.track_id,
                attachment_id: &u.attachment_id,
            },
        },
        raw,
    );
    e.event_id = Some(Cow::Borrowed(&u.track_id));
    e
}

/// Normalises the events of a Messenger webhook, `messaging` then `standby`
/// of each entry, in order.
pub fn normalize_messenger(w: &MessengerWebhook) -> Vec<NormalizedEvent<'_>> {
    messenger_events(w).collect()
}

fn messenger_event<'a>(
    item: &'a Item<MessagingEvent>,
    mode: &'a str,
    page: Option<&'a str>,
) -> NormalizedEvent<'a> {
    let raw = item.raw();
    let (ev, (details, mid)) = match item {
        Item::Known { value, .. } => (Some(&**value), messenger_details(value)),
        Item::Unknown(u) => {
            let ev = u.value.as_deref();
            // the payload field: the first one this version does not declare
            let type_ = payload_field(raw);
            (ev, (Details::Unknown { type_ }, None))
        }
    };
    let mut e = bare(Channel::Messenger, details, raw);
    e.mode = Some(mode);
    e.page_id = page;
    let Some(ev) = ev else {
        return e;
    };
    let sender_id = ev.sender.as_ref().and_then(|p| p.id.as_deref());
    let recipient_id = ev.recipient.as_ref().and_then(|p| p.id.as_deref());
    let is_echo = ev.message.as_ref().and_then(|m| m.is_echo).unwrap_or(false);
    e.event_id = match mid {
        Some(m) => Some(Cow::Borrowed(m)),
        None => {
            // an unknown event is keyed by its payload field (`game_play`)
            let k = match e.details {
                Details::Unknown { type_: Some(t) } => t,
                _ => e.kind(),
            };
            derived_id(k, ev, sender_id, recipient_id)
        }
    };
    e.timestamp = ev.timestamp;
    e.sender = ev.sender.as_ref().map(|p| Sender {
        id: p.id.as_deref(),
        user_ref: p.user_ref.as_deref(),
    });
    e.recipient = ev.recipient.as_ref().map(|p| Recipient {
        id: p.id.as_deref(),
    });
    let user = if is_echo { recipient_id } else { sender_id };
    e.chat = user.map(|id| Chat {
        type_: "user",
        id: Some(id),
    });
    with_sender(e)
}

/// A message always has a sender, whose `id` may be unknown.
fn with_sender(mut e: NormalizedEvent<'_>) -> NormalizedEvent<'_> {
    if matches!(e.details, Details::Message(_)) && e.sender.is_none() {
        e.sender = Some(Sender {
            id: None,
            user_ref: None,
        });
    }
    e
}

/// The id of a Messenger event without a `mid` of its own: kind, sender,
/// recipient and timestamp, which redeliveries repeat; a delivery without a
/// timestamp is told by its watermark and message ids instead.
fn derived_id<'a>(
    k: &str,
    ev: &MessagingEvent,
    sender: Option<&str>,
    recipient: Option<&str>,
) -> Option<Cow<'a, str>> {
    let who = sender
        .or(ev.sender.as_ref().and_then(|p| p.user_ref.as_deref()))
        .unwrap_or("");
    let to = recipient.unwrap_or("");
    if let Some(t) = ev.timestamp {
        return Some(Cow::Owned(format!("{k}:{who}:{to}:{t}")));
    }
    let d = ev.delivery.as_ref()?;
    if d.watermark.is_none() && d.mids.is_empty() {
        return None;
    }
    let w = d.watermark.map(|w| w.to_string()).unwrap_or_default();
    Some(Cow::Owned(format!(
        "{k}:{who}:{to}:{w}:{}",
        d.mids.join(",")
    )))
}

/// The payload field of a Messenger event of an unknown kind: its first
/// member, in name order, other than `sender`, `recipient` and `timestamp`.
fn payload_field(raw: &RawValue) -> Option<&str> {
    let members: BTreeMap<&str, serde::de::IgnoredAny> = serde_json::from_str(raw.get()).ok()?;
    members
        .into_keys()
        .find(|k| !matches!(*k, "sender" | "recipient" | "timestamp"))
}

fn referral(r: &ms::Referral) -> Referral<'_> {
    Referral {
        ref_: r.ref_.as_deref(),
        source: r.source.as_deref(),
        type_: r.type_.as_deref(),
        ad_id: r.ad_id.as_deref(),
        referer_uri: r.referer_uri.as_deref(),
        is_guest_user: r.is_guest_user,
        ads_context: r.ads_context_data.as_ref().map(|a| AdsContext {
            ad_title: a.ad_title.as_deref(),
            photo_url: a.photo_url.as_deref(),
            video_url: a.video_url.as_deref(),
            post_id: a.post_id.as_deref(),
            product_id: a.product_id.as_deref(),
        }),
    }
}

fn attachment(type_: &str) -> Attachment<'_> {
    Attachment {
        type_,
        url: None,
        title: None,
        content_id: None,
        preview_url: None,
        provider: None,
        file_name: None,
        file_size: None,
        duration: None,
        image_set: None,
        sticker_id: None,
        reel_video_id: None,
        payload: None,
    }
}

/// The attachment types whose payload is told by the normalised fields.
const DESCRIBED: [&str; 10] = [
    "image",
    "video",
    "audio",
    "file",
    "location",
    "fallback",
    "reel",
    "ig_reel",
    "story_mention",
    "sticker",
];

fn messenger_message(m: &ms::Message) -> MessageFields<'_> {
    let mut attachments = Vec::new();
    let mut sticker = None;
    let mut location = None;
    for a in &m.attachments {
        let Some(value) = a.decoded() else {
            if let Item::Unknown(u) = a {
                attachments.push(attachment(u.type_.as_deref().unwrap_or("unknown")));
            }
            continue;
        };
        let p = value.payload.as_ref();
        let mut out = attachment(&value.type_);
        out.url = p.and_then(|p| p.url.as_deref()).or(value.url.as_deref());
        out.title = p
            .and_then(|p| p.title.as_deref())
            .or(value.title.as_deref());
        out.sticker_id = p.and_then(|p| p.sticker_id.as_deref());
        out.reel_video_id = p.and_then(|p| p.reel_video_id.as_deref());
        if !DESCRIBED.contains(&value.type_.as_str()) {
            out.payload = p;
        }
        if let Some(id) = out.sticker_id {
            sticker = Some(Sticker {
                package_id: None,
                sticker_id: Some(id),
                resource_type: None,
                keywords: &[],
                text: None,
            });
        }
        if let Some(c) = p.and_then(|p| p.coordinates.as_ref()) {
            location = Some(Location {
                title: out.title,
                address: None,
                latitude: c.lat,
                longitude: c.long,
            });
        }
        attachments.push(out);
    }
    let reply_to = m.reply_to.as_ref();
    MessageFields {
        message_id: m.mid.as_deref(),
        text: m.text.as_deref(),
        attachments,
        location,
        sticker,
        emojis: Vec::new(),
        mentionees: Vec::new(),
        mentions_bot: false,
        is_echo: m.is_echo.unwrap_or(false),
        app_id: m.app_id.as_deref(),
        metadata: m.metadata.as_deref(),
        quick_reply_payload: m.quick_reply.as_ref().and_then(|q| q.payload.as_deref()),
        reply_to_message_id: reply_to.and_then(|r| r.mid.as_deref()),
        reply_to_story: reply_to.and_then(|r| r.story.as_ref()).map(|s| Story {
            url: s.url.as_deref(),
            id: s.id.as_deref(),
        }),
        quote_token: None,
        mark_as_read_token: None,
    }
}

fn handover<'a>(action: &'a str, h: &'a ms::Handover) -> Details<'a> {
    Details::Handover {
        handover: Handover {
            action,
            new_owner_app_id: h.new_owner_app_id.as_deref(),
            previous_owner_app_id: h.previous_owner_app_id.as_deref(),
            requested_owner_app_id: h.requested_owner_app_id.as_deref(),
            metadata: h.metadata.as_deref(),
            app_roles: None,
        },
    }
}

/// The kind, its details and the event's own id (`mid`) where it has one.
fn messenger_details(ev: &MessagingEvent) -> (Details<'_>, Option<&str>) {
    let unknown = (Details::Unknown { type_: None }, None);
    let Some(kind) = ev.kind() else {
        return unknown;
    };
    match kind {
        MessagingKind::Message => match &ev.message {
            Some(m) => (Details::Message(messenger_message(m)), m.mid.as_deref()),
            None => unknown,
        },
        MessagingKind::Delivery => match &ev.delivery {
            Some(d) => (
                Details::Delivery {
                    watermark: d.watermark,
                    message_ids: &d.mids,
                },
                None,
            ),
            None => unknown,
        },
        MessagingKind::Read => (
            Details::Read {
                watermark: ev.read.as_ref().and_then(|r| r.watermark),
            },
            None,
        ),
        MessagingKind::Optin => match &ev.optin {
            Some(o) if o.type_.as_deref() == Some("notification_messages") => {
                let status = match o.notification_messages_status.as_deref() {
                    None => "subscribed",
                    Some("STOP_NOTIFICATIONS") => "stopped",
                    Some("RESUME_NOTIFICATIONS") => "resumed",
                    Some(other) => other,
                };
                (
                    Details::Subscription {
                        subscription: Subscription {
                            status,
                            token: o.notification_messages_token.as_deref(),
                            title: o.title.as_deref(),
                            timezone: o.notification_messages_timezone.as_deref(),
                            expires_at: o.token_expiry_timestamp,
                            token_status: o.user_token_status.as_deref(),
                            payload: o.payload.as_deref(),
                            frequency: o.notification_messages_frequency.as_deref(),
                        },
                    },
                    None,
                )
            }
            Some(o) => (
                Details::Optin {
                    optin: Optin {
                        type_: o.type_.as_deref(),
                        ref_: o.ref_.as_deref(),
                        user_ref: o.user_ref.as_deref(),
                        payload: o.payload.as_deref(),
                    },
                },
                None,
            ),
            None => unknown,
        },
        MessagingKind::Postback => match &ev.postback {
            Some(p) => (
                Details::Postback {
                    postback: Postback {
                        payload: p.payload.as_deref(),
                        title: p.title.as_deref(),
                        params: None,
                        referral: p.referral.as_ref().map(referral),
                        message_id: p.mid.as_deref(),
                    },
                },
                p.mid.as_deref(),
            ),
            None => unknown,
        },
        MessagingKind::Reaction => match &ev.reaction {
            Some(r) => (
                Details::Reaction {
                    reaction: Reaction {
                        action: r.action.as_deref(),
                        reaction: r.reaction.as_deref(),
                        emoji: r.emoji.as_deref(),
                        message_id: r.mid.as_deref(),
                    },
                },
                None,
            ),
            None => unknown,
        },
        MessagingKind::Referral => match &ev.referral {
            Some(r) => (
                Details::Referral {
                    referral: referral(r),
                },
                None,
            ),
            None => unknown,
        },
        // an edit repeats the edited message's mid: it needs an id of its own
        MessagingKind::MessageEdit => match &ev.message_edit {
            Some(m) => (
                Details::MessageEdit {
                    message_edit: MessageEdit {
                        message_id: m.mid.as_deref(),
                        text: m.text.as_deref(),
                        num_edit: m.num_edit,
                    },
                },
                None,
            ),
            None => unknown,
        },
        MessagingKind::AccountLinking => match &ev.account_linking {
            Some(a) => (
                Details::AccountLink {
                    link: Link {
                        result: a.status.as_deref(),
                        nonce: None,
                        authorization_code: a.authorization_code.as_deref(),
                    },
                },
                None,
            ),
            None => unknown,
        },
        MessagingKind::PolicyEnforcement => match &ev.policy_enforcement {
            Some(p) => (
                Details::PolicyEnforcement {
                    policy: Policy {
                        action: p.action.as_deref(),
                        reason: p.reason.as_deref(),
                    },
                },
                None,
            ),
            None => unknown,
        },
        MessagingKind::PassThreadControl => match &ev.pass_thread_control {
            Some(h) => (handover("pass", h), None),
            None => unknown,
        },
        MessagingKind::TakeThreadControl => match &ev.take_thread_control {
            Some(h) => (handover("take", h), None),
            None => unknown,
        },
        MessagingKind::RequestThreadControl => match &ev.request_thread_control {
            Some(h) => (handover("request", h), None),
            None => unknown,
        },
        MessagingKind::AppRoles => (
            Details::Handover {
                handover: Handover {
                    action: "roles",
                    new_owner_app_id: None,
                    previous_owner_app_id: None,
                    requested_owner_app_id: None,
                    metadata: None,
                    app_roles: ev.app_roles.as_ref(),
                },
            },
            None,
        ),
    }
}

/// Normalises the events of a LINE webhook, in order.
pub fn normalize_line(w: &LineWebhook) -> Vec<NormalizedEvent<'_>> {
    w.events
        .iter()
        .map(|item| line_event(item, &w.destination))
        .collect()
}

/// The LINE kinds whose event carries nothing of its own.
fn line_plain_kind(type_: &str) -> Option<Details<'static>> {
    Some(match type_ {
        "unfollow" => Details::Unfollow,
        "join" => Details::Join,
        "leave" => Details::Leave,
        "deactivated" => Details::Deactivated,
        "botSuspended" => Details::BotSuspended,
        "botResumed" => Details::BotResumed,
        _ => return None,
    })
}

/// The kind and details of a LINE event, or `None` when it is unknown; an
/// unknown message type gives `Err` with that type.
fn line_details(ev: &LineEvent) -> Result<Details<'_>, Option<&str>> {
    let unknown = Err(Some(ev.type_.as_str()));
    Ok(match ev.type_.as_str() {
        "message" => match ev.message.as_ref() {
            Some(Item::Known { value, .. }) => Details::Message(line_message(value)),
            Some(Item::Unknown(u)) => return Err(u.type_.as_deref().or(Some("message"))),
            None => return unknown,
        },
        "follow" => Details::Follow {
            is_unblocked: ev.follow.as_ref().is_some_and(|f| f.is_unblocked),
        },
        "postback" => match &ev.postback {
            Some(p) => Details::Postback {
                postback: Postback {
                    payload: Some(&p.data),
                    title: None,
                    params: p.params.as_ref(),
                    referral: None,
                    message_id: None,
                },
            },
            None => return unknown,
        },
        "memberJoined" | "memberLeft" => {
            let joined = ev.type_ == "memberJoined";
            let m = if joined { &ev.joined } else { &ev.left };
            let members = m
                .iter()
                .flat_map(|m| m.members.iter())
                .map(|s| s.user_id.as_deref())
                .collect();
            if joined {
                Details::MemberJoined { members }
            } else {
                Details::MemberLeft { members }
            }
        }
        "unsend" => match &ev.unsend {
            Some(u) => Details::Unsend {
                message_id: &u.message_id,
            },
            None => return unknown,
        },
        "videoPlayComplete" => match &ev.video_play_complete {
            Some(v) => Details::VideoPlayComplete {
                tracking_id: &v.tracking_id,
            },
            None => return unknown,
        },
        "beacon" => match &ev.beacon {
            Some(b) => Details::Beacon {
                beacon: Beacon {
                    hwid: &b.hwid,
                    type_: &b.type_,
                    dm: b.dm.as_deref(),
                },
            },
            None => return unknown,
        },
        "accountLink" => match &ev.link {
            Some(l) => Details::AccountLink {
                link: Link {
                    result: Some(&l.result),
                    nonce: Some(&l.nonce),
                    authorization_code: None,
                },
            },
            None => return unknown,
        },
        "membership" => match &ev.membership {
            Some(m) => Details::Membership {
                membership: Membership {
                    type_: &m.type_,
                    membership_id: m.membership_id,
                },
            },
            None => return unknown,
        },
        "module" => match &ev.module {
            Some(m) => Details::Module {
                module: Module {
                    type_: &m.type_,
                    bot_id: m.bot_id.as_deref(),
                    scopes: &m.scopes,
                    reason: m.reason.as_deref(),
                },
            },
            None => return unknown,
        },
        "activated" => Details::Activated {
            chat_control: ChatControl {
                expire_at: ev.chat_control.as_ref().and_then(|c| c.expire_at),
            },
        },
        "delivery" => match &ev.delivery {
            Some(d) => Details::PnpDeliveryCompletion {
                delivery: PnpDelivery { data: &d.data },
            },
            None => return unknown,
        },
        other => match line_plain_kind(other) {
            Some(d) => d,
            None => return unknown,
        },
    })
}

fn line_event<'a>(item: &'a Item<LineEvent>, destination: &'a str) -> NormalizedEvent<'a> {
    let raw = item.raw();
    let destination = Some(Recipient {
        id: Some(destination),
    });
    let Some(ev) = item.decoded() else {
        let type_ = match item {
            Item::Unknown(u) => u.type_.as_deref(),
            Item::Known { .. } => None,
        };
        let mut e = bare(Channel::Line, Details::Unknown { type_ }, raw);
        e.recipient = destination;
        return e;
    };
    let known = match item {
        Item::Known { .. } => line_details(ev),
        Item::Unknown(u) => Err(u.type_.as_deref()),
    };
    let details = known.unwrap_or_else(|type_| Details::Unknown { type_ });
    let source = ev.source.as_ref();
    let mut e = bare(Channel::Line, details, raw);
    e.event_id = ev.webhook_event_id.as_deref().map(Cow::Borrowed);
    e.timestamp = ev.timestamp;
    e.mode = ev.mode.as_deref();
    e.sender = source.map(|s| Sender {
        id: s.user_id.as_deref(),
        user_ref: None,
    });
    e.recipient = destination;
    e.chat = source.map(|s| Chat {
        type_: &s.type_,
        id: match s.type_.as_str() {
            "group" => s.group_id.as_deref(),
            "room" => s.room_id.as_deref(),
            _ => s.user_id.as_deref(),
        },
    });
    e.reply_token = ev.reply_token.as_deref();
    e.is_redelivery = ev
        .delivery_context
        .as_ref()
        .is_some_and(|d| d.is_redelivery);
    with_sender(e)
}

fn line_message(m: &LineMessage) -> MessageFields<'_> {
    let mut attachments = Vec::new();
    let mut location = None;
    let mut sticker = None;
    let text = m.text.as_deref();
    match m.type_.as_str() {
        "image" | "video" | "audio" | "file" => {
            let provider = m.content_provider.as_ref();
            let external = provider.filter(|p| p.type_ == "external");
            let mut a = attachment(&m.type_);
            a.url = external.and_then(|p| p.original_content_url.as_deref());
            a.content_id = if external.is_some() {
                None
            } else {
                m.id.as_deref()
            };
            a.preview_url = external.and_then(|p| p.preview_image_url.as_deref());
            a.provider = provider.map(|p| p.type_.as_str());
            a.file_name = m.file_name.as_deref();
            a.file_size = m.file_size;
            a.duration = m.duration;
            a.image_set = m.image_set.as_ref().map(|s| ImageSet {
                id: s.id.as_deref(),
                index: s.index,
                total: s.total,
            });
            attachments.push(a);
        }
        "location" => {
            location = Some(Location {
                title: m.title.as_deref(),
                address: m.address.as_deref(),
                latitude: m.latitude,
                longitude: m.longitude,
            })
        }
        "sticker" => {
            sticker = Some(Sticker {
                package_id: m.package_id.as_deref(),
                sticker_id: m.sticker_id.as_deref(),
                resource_type: m.sticker_resource_type.as_deref(),
                keywords: &m.keywords,
                text,
            })
        }
        _ => {}
    }
    let mentionees: Vec<Mentionee<'_>> = m
        .mention
        .iter()
        .flat_map(|x| x.mentionees.iter())
        .map(|x| Mentionee {
            type_: x.type_.as_deref(),
            user_id: x.user_id.as_deref(),
            index: x.index,
            length: x.length,
            is_self: x.is_self.unwrap_or(false),
        })
        .collect();
    MessageFields {
        message_id: m.id.as_deref(),
        text,
        attachments,
        location,
        sticker,
        emojis: m
            .emojis
            .iter()
            .map(|e: &ln::Emoji| Emoji {
                index: e.index,
                length: e.length,
                product_id: &e.product_id,
                emoji_id: &e.emoji_id,
            })
            .collect(),
        mentions_bot: mentionees.iter().any(|x| x.is_self),
        mentionees,
        is_echo: false,
        app_id: None,
        metadata: None,
        quick_reply_payload: None,
        reply_to_message_id: m.quoted_message_id.as_deref(),
        reply_to_story: None,
        quote_token: m.quote_token.as_deref(),
        mark_as_read_token: m.mark_as_read_token.as_deref(),
    }
}
