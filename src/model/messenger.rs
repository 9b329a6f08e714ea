//! The Sobot Facebook Messenger channel (document `000_…`): send message,
//! async upload, subscription topics, opt-in, subscribers, mass-send tasks and
//! send records.
//!
//! Requests encode exactly as the document's tables name their fields; answers
//! decode leniently (numbers and strings are accepted for each other where the
//! document shows both, and a missing field is `None` rather than an error).

use crate::model::enums::{
    AttachmentType, ImageRatio, MediaType, MessageStatus, MessageTag, MessagingType, SendTimeType,
    SubStatus, TaskMessageType, TaskSource, TopicButtonType, WebviewHeightRatio,
};
use crate::model::envelope::{Envelope, Paged};
use serde::{Deserialize, Serialize};

#[cfg(target_arch = "wasm32")]
use tsify::Tsify;

// ---------------------------------------------------------------- send message

/// `POST /chat-facebook/api/messenger/send`: one message to one user.
///
/// `type` and `payload` are carried by [`MessageContent`], which the wire
/// flattens into this object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    // An interface cannot extend the `type`/`payload` union: spell the
    // flattened shape as an intersection.
    tsify(type = "{\n    /** Why the message is sent; `MESSAGE_TAG` requires `tag`. */\n    messaging_type?: MessagingType;\n    /** Receiver for non-marketing messages; exclusive with `recipient_token`. */\n    recipientid?: string;\n    /** Receiver for marketing messages (a subscriber's `sub_token`); exclusive with `recipientid`. */\n    recipient_token?: string;\n    /** The sending Page. */\n    pageid: string;\n    /** Message tag, required with and only allowed with `MESSAGE_TAG`. */\n    tag?: MessageTag;\n} & MessageContent")
)]
pub struct SendMessageRequest {
    /// Why the message is sent; `MESSAGE_TAG` requires `tag`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messaging_type: Option<MessagingType>,
    /// Receiver for non-marketing messages; exclusive with `recipient_token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipientid: Option<String>,
    /// Receiver for marketing messages (a subscriber's `sub_token`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient_token: Option<String>,
    /// The sending Page.
    pub pageid: String,
    /// Message tag, required with and only allowed with `MESSAGE_TAG`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<MessageTag>,
    /// `type` and `payload`.
    #[serde(flatten)]
    pub content: MessageContent,
}

/// The `type` of a message and its matching `payload`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(tag = "type", content = "payload", rename_all = "lowercase")]
pub enum MessageContent {
    /// A text message; the payload is the text.
    Text(String),
    /// An image, by URL or by an uploaded attachment's id.
    Image(MediaMessagePayload),
    /// An audio file, by URL or by an uploaded attachment's id.
    Audio(MediaMessagePayload),
    /// A video, by URL or by an uploaded attachment's id.
    Video(MediaMessagePayload),
    /// A file, by URL or by an uploaded attachment's id.
    File(MediaMessagePayload),
    /// A template (button, generic or media).
    Template(Template),
}

/// The payload of an image, audio, video or file message: exactly one of
/// `url` (the document's example) and `attachment_id` (what `upload_async`'s
/// webhook gives back, so that an uploaded file is sent by its id).
///
/// Decoding refuses an object with both (or with any other field), as the
/// validator does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(
        type = "{\n    /** An http(s) URL the platform fetches the file from. */\n    url: string;\n    attachment_id?: never;\n} | {\n    /** The id `upload_async`'s result webhook gave the uploaded file. */\n    attachment_id: string;\n    url?: never;\n}"
    )
)]
#[serde(untagged)]
pub enum MediaMessagePayload {
    /// The file by URL.
    Url(MediaPayload),
    /// The file by the id of an earlier upload.
    Attachment(MediaAttachment),
}

impl MediaMessagePayload {
    /// A payload by URL.
    pub fn url(url: impl Into<String>) -> Self {
        MediaMessagePayload::Url(MediaPayload { url: url.into() })
    }

    /// A payload by the `attachment_id` of an upload.
    pub fn attachment(attachment_id: impl Into<String>) -> Self {
        MediaMessagePayload::Attachment(MediaAttachment {
            attachment_id: attachment_id.into(),
        })
    }
}

/// The payload of an upload, or of a media message by URL: the file's URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(deny_unknown_fields)]
pub struct MediaPayload {
    /// An http(s) URL the platform fetches the file from.
    pub url: String,
}

/// The payload of a media message by an uploaded attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(deny_unknown_fields)]
pub struct MediaAttachment {
    /// The id `upload_async`'s result webhook gave the uploaded file (a
    /// String in the document: `"attachment_id": "1234567890"`).
    pub attachment_id: String,
}

/// A template payload, by `template_type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(tag = "template_type", rename_all = "lowercase")]
pub enum Template {
    /// Text above 1–3 buttons.
    Button(ButtonTemplate),
    /// A carousel of 1–10 elements.
    Generic(GenericTemplate),
    /// Exactly one image or video.
    Media(MediaTemplate),
}

/// `template_type: "button"` (1.4.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct ButtonTemplate {
    /// Text shown above the buttons, at most 640 characters.
    pub text: String,
    /// 1–3 buttons.
    pub buttons: Vec<Button>,
}

/// `template_type: "generic"` (1.4.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct GenericTemplate {
    /// 1–10 elements, shown as a carousel.
    pub elements: Vec<GenericElement>,
}

/// One element of a generic template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct GenericElement {
    /// Title, at most 80 characters.
    pub title: String,
    /// Image shown in the element.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Subtitle, at most 80 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// What tapping the element does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_action: Option<DefaultAction>,
    /// 1–3 buttons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buttons: Option<Vec<Button>>,
}

/// The action run when a generic element is tapped (a URL button without title).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct DefaultAction {
    /// Always `web_url`.
    #[serde(rename = "type")]
    pub action_type: crate::model::enums::ButtonType,
    /// The page to open.
    pub url: String,
    /// Whether the page uses the Messenger Extensions SDK.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messenger_extensions: Option<bool>,
    /// Height of the webview.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webview_height_ratio: Option<WebviewHeightRatio>,
    /// Page opened where the Messenger Extensions SDK is unsupported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_url: Option<String>,
}

/// A template button, by `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Button {
    /// Opens `url` in the Messenger webview.
    WebUrl {
        /// An http(s) URL.
        url: String,
        /// Button label, at most 20 characters.
        title: String,
    },
    /// Sends `payload` to the webhook as a postback.
    Postback {
        /// Button label, at most 20 characters.
        title: String,
        /// Developer-defined data, at most 1000 characters.
        payload: String,
    },
}

/// `template_type: "media"` (1.4.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct MediaTemplate {
    /// Exactly one element.
    pub elements: Vec<MediaElement>,
}

/// The element of a media template: by `attachment_id` or by Facebook URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct MediaElement {
    /// `image` or `video`.
    pub media_type: MediaType,
    /// An id from an upload (exclusive with `url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment_id: Option<String>,
    /// A Facebook URL of the media (exclusive with `attachment_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

// ---------------------------------------------------------------- upload

/// `POST /chat-facebook/api/messenger/upload_async`: upload an attachment;
/// the `attachment_id` arrives later by webhook, keyed by the returned track id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct UploadAsyncRequest {
    /// The Page the attachment belongs to.
    pub pageid: String,
    /// `image`, `audio`, `video` or `file`.
    #[serde(rename = "type")]
    pub attachment_type: AttachmentType,
    /// The file's URL.
    pub payload: MediaPayload,
}

answer_alias! {
    /// The answer of `upload_async`: `item` is the `track_id` the webhook repeats.
    UploadReceipt = Envelope<String>;
}

// ---------------------------------------------------------------- subscribers

/// `GET /chat-facebook/api/messenger/query_sub_users` (query parameters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct QuerySubUsersRequest {
    /// The Page id.
    pub appid: String,
    /// The subscription topic.
    pub title: String,
    /// Page number, from 1.
    #[serde(deserialize_with = "crate::model::lenient::int")]
    pub page_no: i64,
    /// Rows per page (the document's default is 100).
    #[serde(deserialize_with = "crate::model::lenient::int")]
    pub page_size: i64,
}

/// One subscriber of a topic (`query_sub_users` `items`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct SubscribedUser {
    /// Company id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub companyid: Option<String>,
    /// Creation time, ms since the epoch.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub create_time: Option<i64>,
    /// The user's Page-scoped id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub facebookid: Option<String>,
    /// The Page id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub pageid: Option<String>,
    /// 1 subscribed, 0 unsubscribed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_status: Option<SubStatus>,
    /// The topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_title: Option<String>,
    /// The user's token for marketing messages (`recipient_token`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_token: Option<String>,
    /// Time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// The topic's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_describe: Option<String>,
    /// When the status changed. Documented `String`, shown as a number: both accepted.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub update_time: Option<String>,
}

answer_alias! {
    /// The answer of `query_sub_users`.
    SubscribedUsersPage = Paged<SubscribedUser>;
}

// ---------------------------------------------------------------- topics

/// `POST /chat-facebook/api/messenger/create_or_update_title`: create a
/// subscription topic, or update one when `configid` is given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct TopicRequest {
    /// The Page id (code 210001 when empty).
    pub appid: String,
    /// The topic, at most 65 characters (210003, 210004).
    pub title: String,
    /// Its description, at most 65 characters (210005, 210006).
    pub describe: String,
    /// Image ratio (210012 when empty).
    pub image_ratio: ImageRatio,
    /// Button label (210007 when empty).
    pub button_type: TopicButtonType,
    /// Image URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Time zone, e.g. `UTC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// The topic to update; absent to create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configid: Option<String>,
}

answer_alias! {
    /// The answer of `create_or_update_title`: `item` is the topic's `configid`.
    TopicReceipt = Envelope<String>;
}

/// `GET /chat-facebook/api/messenger/del_title` (query parameters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct DeleteTopicRequest {
    /// The topic's id.
    pub configid: String,
}

/// `POST /chat-facebook/api/messenger/get_title_list`: search topics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct TitleListRequest {
    /// Created at or after, ms since the epoch.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub start_time: Option<i64>,
    /// Created at or before, ms since the epoch.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub end_time: Option<i64>,
    /// Page ids, comma-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appids: Option<String>,
    /// The topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Page number, from 1.
    #[serde(deserialize_with = "crate::model::lenient::int")]
    pub page_no: i64,
    /// Rows per page (the document's default is 15).
    #[serde(deserialize_with = "crate::model::lenient::int")]
    pub page_size: i64,
}

/// A subscription topic (`get_title_list` answer).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct Topic {
    /// Company id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub companyid: Option<String>,
    /// Creation time, ms since the epoch.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub create_time: Option<i64>,
    /// Time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Button label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub button_type: Option<TopicButtonType>,
    /// Image URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// The topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The Page's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    /// Last change, ms since the epoch.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub update_time: Option<i64>,
    /// The topic's id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub configid: Option<String>,
    /// Image ratio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_ratio: Option<ImageRatio>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub describe: Option<String>,
    /// The Page id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub appid: Option<String>,
}

answer_alias! {
    /// The answer of `get_title_list` (its rows arrive under `item`).
    TopicsPage = Paged<Topic>;
}

// ---------------------------------------------------------------- opt-in

/// `POST /chat-facebook/api/messenger/send_opt_in_message`: ask a user to
/// subscribe to a topic.
///
/// The table names the user `recipientid`, the example `recipient_id`: both
/// decode; encoding uses the table's `recipientid`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct OptInRequest {
    /// The Page id.
    pub appid: String,
    /// The topic.
    pub title: String,
    /// The user's Facebook id.
    #[serde(alias = "recipient_id")]
    pub recipientid: String,
    /// The topic's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub describe: Option<String>,
    /// Image URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Image ratio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_ratio: Option<ImageRatio>,
    /// Button label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub button_type: Option<TopicButtonType>,
    /// Time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
}

/// The `item` of a `send_opt_in_message` answer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct OptInResult {
    /// The sent message's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// The user's id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub recipient_id: Option<String>,
}

answer_alias! {
    /// The answer of `send_opt_in_message`.
    OptInResponse = Envelope<OptInResult>;
}

// ---------------------------------------------------------------- tasks

/// `POST /chat-set/api/messenger/query_task_list`: mass-send task statistics.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct MessengerTaskListRequest {
    /// Tasks started at or after, ms since the epoch.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub task_start_time: Option<i64>,
    /// Tasks ended at or before, ms since the epoch.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub task_end_time: Option<i64>,
    /// The sending Page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    /// Task name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_name: Option<String>,
    /// Subscription topic or message tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_topic_or_tag: Option<String>,
    /// 1 marketing message, 2 message tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_type: Option<TaskMessageType>,
    /// Page number (default 1).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub page_no: Option<i64>,
    /// Rows per page (default 15, at most 100).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub page_size: Option<i64>,
}

/// One mass-send task (Messenger `query_task_list` `items`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct MessengerTask {
    /// Task name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_name: Option<String>,
    /// 1: marketing mass send.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_source: Option<TaskSource>,
    /// Task id. Documented `String`; numbers accepted.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub taskid: Option<String>,
    /// Time zone, e.g. `GMT+08:00`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Start, `yyyy-MM-dd HH:mm:ss` in `timezone`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub task_start_time: Option<String>,
    /// End, `yyyy-MM-dd HH:mm:ss` in `timezone`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub task_end_time: Option<String>,
    /// 1 immediate, 2 scheduled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_time_type: Option<SendTimeType>,
    /// Expected sends.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub estimate_send_num: Option<i64>,
    /// Successful sends.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub send_success_num: Option<i64>,
    /// Failed sends.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub send_error_num: Option<i64>,
    /// Delivered.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub already_send_num: Option<i64>,
    /// Read.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub already_read_num: Option<i64>,
    /// Replied.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub reply_data_num: Option<i64>,
}

answer_alias! {
    /// The answer of Messenger `query_task_list`.
    MessengerTasksPage = Paged<MessengerTask>;
}

// ---------------------------------------------------------------- send records

/// `POST /chat-set/api/messenger/send_record_list`: individual sends.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct MessengerSendRecordListRequest {
    /// Sent at or after, ms since the epoch (default: the last month).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub send_start_time: Option<i64>,
    /// Sent at or before, ms since the epoch.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub send_end_time: Option<i64>,
    /// Message id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messageid: Option<String>,
    /// Status: `0` sent, `1` delivered, `2` read, `9` failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_status: Option<MessageStatus>,
    /// Task id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub taskid: Option<String>,
    /// Task name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_name: Option<String>,
    /// Sending agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_agentid: Option<String>,
    /// Sending Page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    /// Receiver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
    /// Subscription topic or message tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_topic_or_tag: Option<String>,
    /// Page number (default 1).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub page_no: Option<i64>,
    /// Rows per page (default 15, at most 100).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub page_size: Option<i64>,
}

/// One send (Messenger `send_record_list` `items`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct MessengerSendRecord {
    /// Task name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_name: Option<String>,
    /// Result: `000000` or a Facebook `error_code` (see the catalogue).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub error_code: Option<String>,
    /// Time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Message id (absent when the send failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messageid: Option<String>,
    /// Task id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub taskid: Option<String>,
    /// Receiver id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub recipient_id: Option<String>,
    /// Sending agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_agentid: Option<String>,
    /// Send time, ms since the epoch.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub send_time: Option<i64>,
    /// Sending Page.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub sender: Option<String>,
    /// Last status change, ms since the epoch.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub status_update_time: Option<i64>,
    /// Subscription topic or message tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_topic_or_tag: Option<String>,
}

answer_alias! {
    /// The answer of Messenger `send_record_list`.
    MessengerSendRecordsPage = Paged<MessengerSendRecord>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn send_message_flattens_type_and_payload() {
        let req = SendMessageRequest {
            messaging_type: Some(MessagingType::Response),
            recipientid: Some("R".into()),
            recipient_token: None,
            pageid: "P".into(),
            tag: None,
            content: MessageContent::Template(Template::Button(ButtonTemplate {
                text: "t".into(),
                buttons: vec![Button::Postback {
                    title: "b".into(),
                    payload: "p".into(),
                }],
            })),
        };
        let v = serde_json::to_value(&req).unwrap();
        assert_eq!(
            v,
            json!({"messaging_type":"RESPONSE","recipientid":"R","pageid":"P","type":"template",
                   "payload":{"template_type":"button","text":"t",
                              "buttons":[{"type":"postback","title":"b","payload":"p"}]}})
        );
        let back: SendMessageRequest = serde_json::from_value(v).unwrap();
        assert_eq!(back, req);
    }

    #[test]
    fn media_messages_by_url_or_attachment_id_but_not_both() {
        let by_id: MessageContent = serde_json::from_value(
            json!({"type": "image", "payload": {"attachment_id": "1234567890"}}),
        )
        .unwrap();
        assert_eq!(
            by_id,
            MessageContent::Image(MediaMessagePayload::attachment("1234567890"))
        );
        let by_url: MessageContent =
            serde_json::from_value(json!({"type": "file", "payload": {"url": "https://x.test/a"}}))
                .unwrap();
        assert_eq!(
            serde_json::to_value(&by_url).unwrap(),
            json!({"type": "file", "payload": {"url": "https://x.test/a"}})
        );
        let both =
            json!({"type": "image", "payload": {"url": "https://x.test/a", "attachment_id": "1"}});
        assert!(serde_json::from_value::<MessageContent>(both).is_err());
        let upload = json!({"pageid": "P", "type": "image", "payload": {"attachment_id": "1"}});
        assert!(serde_json::from_value::<UploadAsyncRequest>(upload).is_err());
    }

    #[test]
    fn opt_in_accepts_the_examples_name_and_encodes_the_tables() {
        let r: OptInRequest =
            serde_json::from_str(r#"{"appid":"1","title":"t","recipient_id":"9"}"#).unwrap();
        assert_eq!(r.recipientid, "9");
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v, json!({"appid":"1","title":"t","recipientid":"9"}));
    }

    #[test]
    fn update_time_accepts_number_and_string() {
        let u: SubscribedUser = serde_json::from_str(r#"{"update_time":1715155761777}"#).unwrap();
        assert_eq!(u.update_time.as_deref(), Some("1715155761777"));
        let u: SubscribedUser = serde_json::from_str(r#"{"update_time":"1715155761777"}"#).unwrap();
        assert_eq!(u.update_time.as_deref(), Some("1715155761777"));
    }
}
