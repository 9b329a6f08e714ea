//! One event shape for both channels, camelCase, discriminated by `kind`.
//!
//! Every event has `channel`, `kind`, `eventId`, `timestamp`, `mode`,
//! `sender`, `recipient`, `chat`, `replyToken`, `isRedelivery` and `raw` (the
//! event's JSON as received); each kind adds its own fields (`text` and
//! `attachments` for messages, `watermark` for delivery and read,
//! `subscription` for topic opt-ins, …). Absent values are `null`, so the
//! shape of a kind never changes.

use crate::model::webhook::line::{LineEvent, LineMessage};
use crate::model::webhook::messenger::{MessagingEvent, MessagingKind};
use crate::model::webhook::{Item, LineWebhook, MessengerWebhook, UploadResult};
use crate::webhook::parse::{Channel, Payload};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// A message from the user (or, with `isEcho`, from the Page).
    Message,
    /// Messenger: messages were delivered.
    Delivery,
    /// Messenger: messages were read.
    Read,
    /// Messenger: a topic subscription started, stopped or resumed.
    Subscription,
    /// Messenger: a plugin opt-in (Send to Messenger, checkbox).
    Optin,
    /// LINE: the account was added as a friend or unblocked.
    Follow,
    /// LINE: the account was blocked.
    Unfollow,
    /// A postback button (LINE action, Messenger button or menu).
    Postback,
    /// Messenger: a reaction was added or removed.
    Reaction,
    /// Messenger: the user entered a thread from a link, an ad or a code.
    Referral,
    /// LINE: the account joined a group or room.
    Join,
    /// LINE: the account left a group or room.
    Leave,
    /// LINE: users joined a group or room.
    MemberJoined,
    /// LINE: users left a group or room.
    MemberLeft,
    /// LINE: the user unsent a message.
    Unsend,
    /// LINE: the user watched a tracked video to the end.
    VideoPlayComplete,
    /// LINE: the user came near a beacon.
    Beacon,
    /// LINE: the user linked their account.
    AccountLink,
    /// Messenger: an `upload_async` finished (`track_id`, `attachment_id`).
    Upload,
    /// An event of a kind this version does not know; see `raw`.
    Unknown,
}

/// Who sent the event.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
pub struct Recipient<'a> {
    /// Messenger Page id (or PSID for echoes), LINE `destination`.
    pub id: Option<&'a str>,
}

/// The conversation to answer in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chat<'a> {
    /// `user`, `group` or `room` (always `user` on Messenger).
    #[serde(rename = "type")]
    pub type_: &'a str,
    /// The user, group or room id.
    pub id: Option<&'a str>,
}

/// A media attachment or file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment<'a> {
    /// `image`, `video`, `audio`, `file` (or the platform's other type).
    #[serde(rename = "type")]
    pub type_: &'a str,
    /// Where to download it (Messenger `payload.url`, LINE external content).
    pub url: Option<&'a str>,
    /// The LINE message id to fetch the content with (`get_media_content`).
    pub content_id: Option<&'a str>,
    /// LINE preview image of external content.
    pub preview_url: Option<&'a str>,
    /// LINE files: the file name.
    pub file_name: Option<&'a str>,
    /// LINE files: the size in bytes.
    pub file_size: Option<i64>,
    /// LINE video and audio: the length in milliseconds.
    pub duration: Option<i64>,
}

/// A shared location.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Location<'a> {
    /// Its title.
    pub title: Option<&'a str>,
    /// Its address.
    pub address: Option<&'a str>,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
}

/// A sticker.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
}

/// The fields of `message` events.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageFields<'a> {
    /// Messenger `mid`, LINE `message.id`.
    pub message_id: Option<&'a str>,
    /// The text, if any.
    pub text: Option<&'a str>,
    /// Media and files (empty when none).
    pub attachments: Vec<Attachment<'a>>,
    /// A LINE location.
    pub location: Option<Location<'a>>,
    /// A sticker.
    pub sticker: Option<Sticker<'a>>,
    /// Messenger: the Page sent this message.
    pub is_echo: bool,
    /// Messenger: the payload of the tapped quick reply.
    pub quick_reply_payload: Option<&'a str>,
    /// The message this one replies to or quotes.
    pub reply_to_message_id: Option<&'a str>,
    /// LINE: the token to quote this message.
    pub quote_token: Option<&'a str>,
}

/// A topic subscription change (Messenger `optin` of type `notification_messages`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription<'a> {
    /// `subscribed` (first opt-in), `stopped`, `resumed`, or the platform's value.
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

/// How a user reached the thread.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Referral<'a> {
    /// `ref` of the link or ad.
    #[serde(rename = "ref")]
    pub ref_: Option<&'a str>,
    /// `SHORTLINK`, `ADS`, …
    pub source: Option<&'a str>,
    /// `OPEN_THREAD`.
    #[serde(rename = "type")]
    pub type_: Option<&'a str>,
    /// The ad, for `ADS`.
    pub ad_id: Option<&'a str>,
    /// The page of the chat plugin.
    pub referer_uri: Option<&'a str>,
}

/// A postback.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Postback<'a> {
    /// Messenger `payload`, LINE `data`.
    pub payload: Option<&'a str>,
    /// Messenger button title.
    pub title: Option<&'a str>,
    /// LINE `params` (date picker, rich menu switch).
    pub params: Option<&'a BTreeMap<String, Value>>,
    /// Messenger: how a new thread was entered.
    pub referral: Option<Referral<'a>>,
}

/// A reaction.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
pub struct Beacon<'a> {
    /// Hardware id.
    pub hwid: &'a str,
    /// `enter`, `banner` or `stay`.
    #[serde(rename = "type")]
    pub type_: &'a str,
    /// Device message.
    pub dm: Option<&'a str>,
}

/// An account link result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link<'a> {
    /// `ok` or `failed`.
    pub result: &'a str,
    /// The nonce of the link request.
    pub nonce: &'a str,
}

/// A finished upload.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Upload<'a> {
    /// The `item` of the `upload_async` answer.
    pub track_id: &'a str,
    /// The attachment id to send the media with.
    pub attachment_id: &'a str,
}

/// The kind-specific part of an [`Event`], flattened into it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Details<'a> {
    /// `message`.
    Message(MessageFields<'a>),
    /// `delivery`.
    Delivery {
        /// Every message before this time (ms) was delivered.
        watermark: Option<i64>,
        /// The delivered message ids.
        #[serde(rename = "messageIds")]
        message_ids: &'a [String],
    },
    /// `read`.
    Read {
        /// Every message before this time (ms) was read.
        watermark: Option<i64>,
    },
    /// `subscription`.
    Subscription {
        /// The subscription change.
        subscription: Subscription<'a>,
    },
    /// `optin`.
    Optin {
        /// The opt-in.
        optin: Optin<'a>,
    },
    /// `follow`.
    Follow {
        /// Whether the user unblocked rather than added the account.
        #[serde(rename = "isUnblocked")]
        is_unblocked: bool,
    },
    /// `postback`.
    Postback {
        /// The postback.
        postback: Postback<'a>,
    },
    /// `reaction`.
    Reaction {
        /// The reaction.
        reaction: Reaction<'a>,
    },
    /// `referral`.
    Referral {
        /// The referral.
        referral: Referral<'a>,
    },
    /// `memberJoined`, `memberLeft`.
    Members {
        /// The user ids.
        members: Vec<Option<&'a str>>,
    },
    /// `unsend`.
    Unsend {
        /// The unsent message.
        #[serde(rename = "messageId")]
        message_id: &'a str,
    },
    /// `videoPlayComplete`.
    VideoPlayComplete {
        /// The video's tracking id.
        #[serde(rename = "trackingId")]
        tracking_id: &'a str,
    },
    /// `beacon`.
    Beacon {
        /// The beacon.
        beacon: Beacon<'a>,
    },
    /// `accountLink`.
    AccountLink {
        /// The link result.
        link: Link<'a>,
    },
    /// `upload`.
    Upload {
        /// The upload.
        upload: Upload<'a>,
    },
    /// `unknown`.
    Unknown {
        /// The platform's event type, when it has one.
        #[serde(rename = "type")]
        type_: Option<&'a str>,
    },
    /// Kinds without fields of their own (`unfollow`, `join`, `leave`).
    None {},
}

/// One normalised event.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event<'a> {
    /// `messenger` or `line`.
    #[serde(serialize_with = "channel_name")]
    pub channel: Channel,
    /// What happened.
    pub kind: Kind,
    /// LINE `webhookEventId`; Messenger `mid`, or for events without one a
    /// key derived from kind, sender, recipient and timestamp (stable across
    /// redeliveries); the upload's `track_id`.
    pub event_id: Option<Cow<'a, str>>,
    /// When it happened, in milliseconds since the epoch.
    pub timestamp: Option<i64>,
    /// `active` or `standby` (Messenger `standby` entries, LINE `mode`).
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
    /// The kind's own fields.
    #[serde(flatten)]
    pub details: Details<'a>,
    /// The event's JSON as received.
    pub raw: &'a RawValue,
}

fn channel_name<S: Serializer>(c: &Channel, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(c.as_str())
}

/// Normalises a parsed payload of either channel.
pub fn normalize(p: &Payload) -> Vec<Event<'_>> {
    events(p).collect()
}

/// The normalised events of a payload one at a time, in order: what
/// [`normalize`] collects, for a caller that writes them out as they come
/// (a body of many events then never holds them all at once).
pub fn events(p: &Payload) -> Box<dyn Iterator<Item = Event<'_>> + '_> {
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

fn messenger_events(w: &MessengerWebhook) -> impl Iterator<Item = Event<'_>> {
    w.entry.iter().flat_map(|entry| {
        let active = entry.messaging.iter().map(|item| (item, "active"));
        let standby = entry.standby.iter().map(|item| (item, "standby"));
        active
            .chain(standby)
            .map(|(item, mode)| messenger_event(item, mode))
    })
}

fn normalize_upload<'a>(u: &'a UploadResult, raw: &'a RawValue) -> Event<'a> {
    Event {
        channel: Channel::Messenger,
        kind: Kind::Upload,
        event_id: Some(Cow::Borrowed(&u.track_id)),
        timestamp: None,
        mode: None,
        sender: None,
        recipient: None,
        chat: None,
        reply_token: None,
        is_redelivery: false,
        details: Details::Upload {
            upload: Upload {
                track_id: &u.track_id,
                attachment_id: &u.attachment_id,
            },
        },
        raw,
    }
}

/// Normalises the events of a Messenger webhook, `messaging` then `standby`
/// of each entry, in order.
pub fn normalize_messenger(w: &MessengerWebhook) -> Vec<Event<'_>> {
    messenger_events(w).collect()
}

fn messenger_event<'a>(item: &'a Item<MessagingEvent>, mode: &'a str) -> Event<'a> {
    let raw = item.raw();
    let Some(ev) = item.known() else {
        return unknown(Channel::Messenger, raw, None, Some(mode));
    };
    let sender_id = ev.sender.as_ref().and_then(|p| p.id.as_deref());
    let recipient_id = ev.recipient.as_ref().and_then(|p| p.id.as_deref());
    let is_echo = ev.message.as_ref().and_then(|m| m.is_echo).unwrap_or(false);
    let kind_and_details = messenger_details(ev);
    let (kind, details, mid) = kind_and_details;
    let event_id = match mid {
        Some(m) => Some(Cow::Borrowed(m)),
        None => ev.timestamp.map(|t| {
            Cow::Owned(format!(
                "{}:{}:{}:{t}",
                kind_name(kind),
                sender_id
                    .or(ev.sender.as_ref().and_then(|p| p.user_ref.as_deref()))
                    .unwrap_or(""),
                recipient_id.unwrap_or("")
            ))
        }),
    };
    let user = if is_echo { recipient_id } else { sender_id };
    Event {
        channel: Channel::Messenger,
        kind,
        event_id,
        timestamp: ev.timestamp,
        mode: Some(mode),
        sender: ev.sender.as_ref().map(|p| Sender {
            id: p.id.as_deref(),
            user_ref: p.user_ref.as_deref(),
        }),
        recipient: ev.recipient.as_ref().map(|p| Recipient {
            id: p.id.as_deref(),
        }),
        chat: user.map(|id| Chat {
            type_: "user",
            id: Some(id),
        }),
        reply_token: None,
        is_redelivery: false,
        details,
        raw,
    }
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Message => "message",
        Kind::Delivery => "delivery",
        Kind::Read => "read",
        Kind::Subscription => "subscription",
        Kind::Optin => "optin",
        Kind::Follow => "follow",
        Kind::Unfollow => "unfollow",
        Kind::Postback => "postback",
        Kind::Reaction => "reaction",
        Kind::Referral => "referral",
        Kind::Join => "join",
        Kind::Leave => "leave",
        Kind::MemberJoined => "memberJoined",
        Kind::MemberLeft => "memberLeft",
        Kind::Unsend => "unsend",
        Kind::VideoPlayComplete => "videoPlayComplete",
        Kind::Beacon => "beacon",
        Kind::AccountLink => "accountLink",
        Kind::Upload => "upload",
        Kind::Unknown => "unknown",
    }
}

fn referral(r: &crate::model::webhook::messenger::Referral) -> Referral<'_> {
    Referral {
        ref_: r.ref_.as_deref(),
        source: r.source.as_deref(),
        type_: r.type_.as_deref(),
        ad_id: r.ad_id.as_deref(),
        referer_uri: r.referer_uri.as_deref(),
    }
}

/// The kind, its details and the event's own id (`mid`) where it has one.
fn messenger_details(ev: &MessagingEvent) -> (Kind, Details<'_>, Option<&str>) {
    match (ev.kind(), ev) {
        (
            Some(MessagingKind::Message),
            MessagingEvent {
                message: Some(m), ..
            },
        ) => {
            let mut attachments = Vec::new();
            let mut sticker = None;
            for a in &m.attachments {
                match a {
                    Item::Known { value, .. } => {
                        let payload = value.payload.as_ref();
                        if let Some(id) = payload.and_then(|p| p.sticker_id.as_deref()) {
                            sticker = Some(Sticker {
                                package_id: None,
                                sticker_id: Some(id),
                                resource_type: None,
                                keywords: &[],
                            });
                        }
                        attachments.push(Attachment {
                            type_: &value.type_,
                            url: payload.and_then(|p| p.url.as_deref()),
                            content_id: None,
                            preview_url: None,
                            file_name: None,
                            file_size: None,
                            duration: None,
                        });
                    }
                    Item::Unknown(u) => attachments.push(Attachment {
                        type_: u.type_.as_deref().unwrap_or("unknown"),
                        url: None,
                        content_id: None,
                        preview_url: None,
                        file_name: None,
                        file_size: None,
                        duration: None,
                    }),
                }
            }
            let fields = MessageFields {
                message_id: m.mid.as_deref(),
                text: m.text.as_deref(),
                attachments,
                location: None,
                sticker,
                is_echo: m.is_echo.unwrap_or(false),
                quick_reply_payload: m.quick_reply.as_ref().and_then(|q| q.payload.as_deref()),
                reply_to_message_id: m.reply_to.as_ref().and_then(|r| r.mid.as_deref()),
                quote_token: None,
            };
            (Kind::Message, Details::Message(fields), m.mid.as_deref())
        }
        (
            _,
            MessagingEvent {
                delivery: Some(d), ..
            },
        ) => (
            Kind::Delivery,
            Details::Delivery {
                watermark: d.watermark,
                message_ids: &d.mids,
            },
            None,
        ),
        (_, MessagingEvent { read: Some(r), .. }) => (
            Kind::Read,
            Details::Read {
                watermark: r.watermark,
            },
            None,
        ),
        (_, MessagingEvent { optin: Some(o), .. })
            if o.type_.as_deref() == Some("notification_messages") =>
        {
            let status = match o.notification_messages_status.as_deref() {
                None => "subscribed",
                Some("STOP_NOTIFICATIONS") => "stopped",
                Some("RESUME_NOTIFICATIONS") => "resumed",
                Some(other) => other,
            };
            (
                Kind::Subscription,
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
        (_, MessagingEvent { optin: Some(o), .. }) => (
            Kind::Optin,
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
        (
            _,
            MessagingEvent {
                postback: Some(p), ..
            },
        ) => (
            Kind::Postback,
            Details::Postback {
                postback: Postback {
                    payload: p.payload.as_deref(),
                    title: p.title.as_deref(),
                    params: None,
                    referral: p.referral.as_ref().map(referral),
                },
            },
            p.mid.as_deref(),
        ),
        (
            _,
            MessagingEvent {
                reaction: Some(r), ..
            },
        ) => (
            Kind::Reaction,
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
        (
            _,
            MessagingEvent {
                referral: Some(r), ..
            },
        ) => (
            Kind::Referral,
            Details::Referral {
                referral: referral(r),
            },
            None,
        ),
        _ => (Kind::Unknown, Details::Unknown { type_: None }, None),
    }
}

fn unknown<'a>(
    channel: Channel,
    raw: &'a RawValue,
    type_: Option<&'a str>,
    mode: Option<&'a str>,
) -> Event<'a> {
    Event {
        channel,
        kind: Kind::Unknown,
        event_id: None,
        timestamp: None,
        mode,
        sender: None,
        recipient: None,
        chat: None,
        reply_token: None,
        is_redelivery: false,
        details: Details::Unknown { type_ },
        raw,
    }
}

/// Normalises the events of a LINE webhook, in order.
pub fn normalize_line(w: &LineWebhook) -> Vec<Event<'_>> {
    w.events
        .iter()
        .map(|item| line_event(item, &w.destination))
        .collect()
}

/// The common fields of a LINE event, whatever its kind.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LineCommon {
    #[serde(default)]
    webhook_event_id: Option<String>,
    #[serde(default, deserialize_with = "crate::model::lenient::opt_int")]
    timestamp: Option<i64>,
}

use serde::Deserialize;

fn line_event<'a>(item: &'a Item<LineEvent>, destination: &'a str) -> Event<'a> {
    let raw = item.raw();
    let ev = match item {
        Item::Known { value, .. } => value,
        Item::Unknown(u) => {
            let mut e = unknown(Channel::Line, raw, u.type_.as_deref(), None);
            // Unknown kinds still tell their id and time when they follow LINE's common fields.
            if let Ok(c) = serde_json::from_slice::<LineCommon>(raw.get().as_bytes()) {
                e.event_id = c.webhook_event_id.map(Cow::Owned);
                e.timestamp = c.timestamp;
            }
            e.recipient = Some(Recipient {
                id: Some(destination),
            });
            return e;
        }
    };
    let source = ev.source.as_ref();
    let chat = source.map(|s| Chat {
        type_: &s.type_,
        id: match s.type_.as_str() {
            "group" => s.group_id.as_deref(),
            "room" => s.room_id.as_deref(),
            _ => s.user_id.as_deref(),
        },
    });
    let details = match ev.type_.as_str() {
        "message" => match ev.message.as_ref() {
            Some(Item::Known { value, .. }) => Details::Message(line_message(value)),
            Some(Item::Unknown(u)) => {
                // A message of a type this version does not know: the event is unknown.
                let mut e = unknown(Channel::Line, raw, Some("message"), ev.mode.as_deref());
                e.details = Details::Unknown {
                    type_: u.type_.as_deref().or(Some("message")),
                };
                e.event_id = ev.webhook_event_id.as_deref().map(Cow::Borrowed);
                e.timestamp = ev.timestamp;
                e.sender = source.map(|s| Sender {
                    id: s.user_id.as_deref(),
                    user_ref: None,
                });
                e.recipient = Some(Recipient {
                    id: Some(destination),
                });
                e.chat = chat;
                e.reply_token = ev.reply_token.as_deref();
                e.is_redelivery = ev
                    .delivery_context
                    .as_ref()
                    .is_some_and(|d| d.is_redelivery);
                return e;
            }
            None => Details::Unknown {
                type_: Some("message"),
            },
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
                },
            },
            None => Details::Unknown {
                type_: Some("postback"),
            },
        },
        "memberJoined" | "memberLeft" => {
            let m = if ev.type_ == "memberJoined" {
                &ev.joined
            } else {
                &ev.left
            };
            Details::Members {
                members: m
                    .iter()
                    .flat_map(|m| m.members.iter())
                    .map(|s| s.user_id.as_deref())
                    .collect(),
            }
        }
        "unsend" => match &ev.unsend {
            Some(u) => Details::Unsend {
                message_id: &u.message_id,
            },
            None => Details::Unknown {
                type_: Some("unsend"),
            },
        },
        "videoPlayComplete" => match &ev.video_play_complete {
            Some(v) => Details::VideoPlayComplete {
                tracking_id: &v.tracking_id,
            },
            None => Details::Unknown {
                type_: Some("videoPlayComplete"),
            },
        },
        "beacon" => match &ev.beacon {
            Some(b) => Details::Beacon {
                beacon: Beacon {
                    hwid: &b.hwid,
                    type_: &b.type_,
                    dm: b.dm.as_deref(),
                },
            },
            None => Details::Unknown {
                type_: Some("beacon"),
            },
        },
        "accountLink" => match &ev.link {
            Some(l) => Details::AccountLink {
                link: Link {
                    result: &l.result,
                    nonce: &l.nonce,
                },
            },
            None => Details::Unknown {
                type_: Some("accountLink"),
            },
        },
        _ => Details::None {},
    };
    let kind = match (ev.type_.as_str(), &details) {
        (_, Details::Unknown { .. }) => Kind::Unknown,
        ("message", _) => Kind::Message,
        ("follow", _) => Kind::Follow,
        ("unfollow", _) => Kind::Unfollow,
        ("postback", _) => Kind::Postback,
        ("join", _) => Kind::Join,
        ("leave", _) => Kind::Leave,
        ("memberJoined", _) => Kind::MemberJoined,
        ("memberLeft", _) => Kind::MemberLeft,
        ("unsend", _) => Kind::Unsend,
        ("videoPlayComplete", _) => Kind::VideoPlayComplete,
        ("beacon", _) => Kind::Beacon,
        ("accountLink", _) => Kind::AccountLink,
        _ => Kind::Unknown,
    };
    let details = match (kind, details) {
        (Kind::Unknown, Details::Unknown { type_ }) => Details::Unknown { type_ },
        (Kind::Unknown, _) => Details::Unknown {
            type_: Some(&ev.type_),
        },
        (_, d) => d,
    };
    Event {
        channel: Channel::Line,
        kind,
        event_id: ev.webhook_event_id.as_deref().map(Cow::Borrowed),
        timestamp: ev.timestamp,
        mode: ev.mode.as_deref(),
        sender: source.map(|s| Sender {
            id: s.user_id.as_deref(),
            user_ref: None,
        }),
        recipient: Some(Recipient {
            id: Some(destination),
        }),
        chat,
        reply_token: ev.reply_token.as_deref(),
        is_redelivery: ev
            .delivery_context
            .as_ref()
            .is_some_and(|d| d.is_redelivery),
        details,
        raw,
    }
}

fn line_message(m: &LineMessage) -> MessageFields<'_> {
    let mut attachments = Vec::new();
    let mut location = None;
    let mut sticker = None;
    match m.type_.as_str() {
        "image" | "video" | "audio" | "file" => {
            let external = m
                .content_provider
                .as_ref()
                .filter(|p| p.type_ == "external");
            attachments.push(Attachment {
                type_: &m.type_,
                url: external.and_then(|p| p.original_content_url.as_deref()),
                content_id: if external.is_some() {
                    None
                } else {
                    m.id.as_deref()
                },
                preview_url: external.and_then(|p| p.preview_image_url.as_deref()),
                file_name: m.file_name.as_deref(),
                file_size: m.file_size,
                duration: m.duration,
            });
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
            })
        }
        _ => {}
    }
    MessageFields {
        message_id: m.id.as_deref(),
        text: m.text.as_deref(),
        attachments,
        location,
        sticker,
        is_echo: false,
        quick_reply_payload: None,
        reply_to_message_id: m.quoted_message_id.as_deref(),
        quote_token: m.quote_token.as_deref(),
    }
}
