//! Validators of the Messenger document's requests.

use super::check::{index, join, Checker, Need};
use super::limits::*;
use super::Violation;
use crate::model::enums::{
    AttachmentType, ButtonType, ImageRatio, MediaType, MessageStatus, MessageTag, MessagingType,
    SendType, TemplateType, TopicButtonType, WebviewHeightRatio,
};
use crate::model::messenger::Topic;
use serde_json::{Map, Value};

const SEND_FIELDS: &[&str] = &[
    "messaging_type",
    "recipientid",
    "recipient_token",
    "pageid",
    "type",
    "tag",
    "payload",
];

/// `POST …/messenger/send`: recipient, messaging type and tag, and the
/// payload matching `type` (text, media by URL, or a template).
pub fn send_message(request: &Value) -> Vec<Violation> {
    let mut c = Checker::default();
    let Some(root) = c.object("", request) else {
        return c.finish();
    };
    c.known_fields("", root, SEND_FIELDS);

    // Messaging type and tag.
    let messaging_type = c.string("", root, "messaging_type", Need::Optional);
    if let Some(mt) = messaging_type {
        c.one_of("messaging_type", mt, MessagingType::KNOWN, None);
    }
    let is_tagged = messaging_type == Some(MessagingType::MessageTag.as_str());
    match c.string("", root, "tag", Need::Optional) {
        Some(tag) => {
            if !is_tagged {
                c.push(Violation::only_with("tag", "messaging_type=MESSAGE_TAG"));
            }
            c.one_of("tag", tag, MessageTag::KNOWN, None);
        }
        None => {
            if is_tagged && super::check::get(root, "tag").is_none() {
                let mut v = Violation::required("tag");
                v.message = "tag is required when messaging_type is MESSAGE_TAG".to_owned();
                c.push(v);
            }
        }
    }

    // Exactly one recipient; a blank one counts as given (and is refused), so
    // both never leave together. 210009: "用户Facebook ID不能为空".
    c.exactly_one_of(
        "",
        root,
        &["recipientid", "recipient_token"],
        Some("210009"),
        Some("210009"),
    );

    // 210001: "Facebook主页ID不能为空".
    c.string_coded("", root, "pageid", Need::Required, Some("210001"));

    let send_type = c.string("", root, "type", Need::Required);
    if let Some(t) = send_type {
        c.one_of("type", t, SendType::KNOWN, None);
    }
    let Some(payload) = super::check::get(root, "payload") else {
        c.push(Violation::required("payload"));
        return c.finish();
    };
    match send_type.map(SendType::from_wire) {
        Some(SendType::Text) => match payload {
            Value::String(s) => {
                if s.trim().is_empty() {
                    c.push(Violation::required("payload"));
                }
                c.max_chars("payload", s, &TEXT_MESSAGE_MAX, None);
            }
            other => c.push(Violation::wrong_type(
                "payload",
                "a string (the text, for type text)",
                super::check::type_name(other),
            )),
        },
        Some(SendType::Image | SendType::Audio | SendType::Video | SendType::File) => {
            media_payload(&mut c, payload, Media::Send);
        }
        Some(SendType::Template) => template(&mut c, payload),
        // Unknown or missing type: the payload's shape cannot be judged.
        Some(SendType::Unknown(_)) | None => {}
    }
    c.finish()
}

/// Where a media payload stands: a message, or an upload.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Media {
    /// An image, audio, video or file message: by `url`, or by the
    /// `attachment_id` an upload gave back (exactly one of them).
    Send,
    /// `upload_async`: the file's `url`.
    Upload,
}

fn media_payload(c: &mut Checker, payload: &Value, media: Media) {
    let Some(p) = c.object("payload", payload) else {
        return;
    };
    let url = match media {
        Media::Send => {
            c.known_fields("payload", p, &["url", "attachment_id"]);
            c.exactly_one_of("payload", p, &["url", "attachment_id"], None, None);
            super::check::get(p, "url")
                .and_then(Value::as_str)
                .filter(|u| !u.trim().is_empty())
        }
        Media::Upload => {
            c.known_fields("payload", p, &["url"]);
            c.string("payload", p, "url", Need::Required)
                .filter(|u| !u.trim().is_empty())
        }
    };
    if let Some(url) = url {
        c.http_url("payload.url", url);
    }
}

fn template(c: &mut Checker, payload: &Value) {
    let Some(p) = c.object("payload", payload) else {
        return;
    };
    let Some(tt) = c.string("payload", p, "template_type", Need::Required) else {
        return;
    };
    match TemplateType::from_wire(tt) {
        TemplateType::Button => {
            c.known_fields("payload", p, &["template_type", "text", "buttons"]);
            if let Some(text) = c.string("payload", p, "text", Need::Required) {
                c.max_chars("payload.text", text, &BUTTON_TEMPLATE_TEXT_MAX, None);
            }
            if let Some(buttons) = c.array("payload", p, "buttons", Need::Required) {
                button_list(c, "payload.buttons", buttons);
            }
        }
        TemplateType::Generic => {
            generic_known_fields(c, p);
            if let Some(elements) = c.array("payload", p, "elements", Need::Required) {
                c.item_count(
                    "payload.elements",
                    elements,
                    &GENERIC_ELEMENTS_MIN,
                    &GENERIC_ELEMENTS_MAX,
                );
                for (i, e) in Checker::first(elements, &GENERIC_ELEMENTS_MAX) {
                    if c.is_full() {
                        break;
                    }
                    generic_element(c, &index("payload.elements", i), e);
                }
            }
        }
        TemplateType::Media => {
            c.known_fields("payload", p, &["template_type", "elements"]);
            if let Some(elements) = c.array("payload", p, "elements", Need::Required) {
                c.item_count(
                    "payload.elements",
                    elements,
                    &MEDIA_ELEMENTS,
                    &MEDIA_ELEMENTS,
                );
                for (i, e) in Checker::first(elements, &MEDIA_ELEMENTS) {
                    if c.is_full() {
                        break;
                    }
                    media_element(c, &index("payload.elements", i), e);
                }
            }
        }
        TemplateType::Unknown(_) => {
            c.one_of("payload.template_type", tt, TemplateType::KNOWN, None);
        }
    }
}

/// The generic table lists a payload-level `buttons`; Meta's generic template
/// and the document's own example put buttons on each element only.
fn generic_known_fields(c: &mut Checker, p: &Map<String, Value>) {
    for key in p.keys() {
        if c.is_full() {
            break;
        }
        if key == "buttons" {
            let mut v = Violation::unknown_field("payload.buttons", &["template_type", "elements"]);
            v.message = "payload.buttons is not part of a generic template: put the buttons on \
                         each element (payload.elements[i].buttons)"
                .to_owned();
            c.push(v);
        } else if key != "template_type" && key != "elements" {
            c.push(Violation::unknown_field(
                &join("payload", key),
                &["template_type", "elements"],
            ));
        }
    }
}

const ELEMENT_FIELDS: &[&str] = &[
    "title",
    "subtitle",
    "image_url",
    "default_action",
    "buttons",
];

fn generic_element(c: &mut Checker, path: &str, v: &Value) {
    let Some(e) = c.object(path, v) else {
        return;
    };
    c.known_fields(path, e, ELEMENT_FIELDS);
    if let Some(title) = c.string(path, e, "title", Need::Required) {
        c.max_chars(&join(path, "title"), title, &ELEMENT_TITLE_MAX, None);
    }
    if let Some(subtitle) = c.string(path, e, "subtitle", Need::Optional) {
        c.max_chars(
            &join(path, "subtitle"),
            subtitle,
            &ELEMENT_SUBTITLE_MAX,
            None,
        );
    }
    if let Some(url) = c.string(path, e, "image_url", Need::Optional) {
        c.http_url(&join(path, "image_url"), url);
    }
    if let Some(action) = super::check::get(e, "default_action") {
        default_action(c, &join(path, "default_action"), action);
    }
    if let Some(buttons) = c.array(path, e, "buttons", Need::Optional) {
        button_list(c, &join(path, "buttons"), buttons);
    }
    let others = ["subtitle", "image_url", "default_action", "buttons"];
    if !others.iter().any(|k| super::check::get(e, k).is_some()) {
        c.push(Violation::min_properties(path, &others));
    }
}

fn default_action(c: &mut Checker, path: &str, v: &Value) {
    let Some(a) = c.object(path, v) else {
        return;
    };
    c.known_fields(
        path,
        a,
        &[
            "type",
            "url",
            "messenger_extensions",
            "webview_height_ratio",
            "fallback_url",
        ],
    );
    if let Some(t) = c.string(path, a, "type", Need::Required) {
        c.one_of(&join(path, "type"), t, &[ButtonType::WebUrl.as_str()], None);
    }
    if let Some(url) = c.string(path, a, "url", Need::Required) {
        if !url.trim().is_empty() {
            c.http_url(&join(path, "url"), url);
        }
    }
    c.boolean(path, a, "messenger_extensions");
    if let Some(r) = c.string(path, a, "webview_height_ratio", Need::Optional) {
        c.one_of(
            &join(path, "webview_height_ratio"),
            r,
            WebviewHeightRatio::KNOWN,
            None,
        );
    }
    if let Some(url) = c.string(path, a, "fallback_url", Need::Optional) {
        c.http_url(&join(path, "fallback_url"), url);
    }
}

fn button_list(c: &mut Checker, path: &str, buttons: &[Value]) {
    c.item_count(path, buttons, &BUTTONS_MIN, &BUTTONS_MAX);
    for (i, b) in Checker::first(buttons, &BUTTONS_MAX) {
        if c.is_full() {
            break;
        }
        button(c, &index(path, i), b);
    }
}

fn button(c: &mut Checker, path: &str, v: &Value) {
    let Some(b) = c.object(path, v) else {
        return;
    };
    let title = |c: &mut Checker| {
        if let Some(t) = c.string(path, b, "title", Need::Required) {
            c.max_chars(&join(path, "title"), t, &BUTTON_TITLE_MAX, None);
        }
    };
    let Some(t) = c.string(path, b, "type", Need::Required) else {
        return;
    };
    match ButtonType::from_wire(t) {
        ButtonType::WebUrl => {
            c.known_fields(path, b, &["type", "url", "title"]);
            if let Some(url) = c.string(path, b, "url", Need::Required) {
                if !url.trim().is_empty() {
                    c.http_url(&join(path, "url"), url);
                }
            }
            title(c);
        }
        ButtonType::Postback => {
            c.known_fields(path, b, &["type", "title", "payload"]);
            title(c);
            if let Some(p) = c.string(path, b, "payload", Need::Required) {
                c.max_chars(&join(path, "payload"), p, &POSTBACK_PAYLOAD_MAX, None);
            }
        }
        ButtonType::Unknown(_) => c.one_of(&join(path, "type"), t, ButtonType::KNOWN, None),
    }
}

fn media_element(c: &mut Checker, path: &str, v: &Value) {
    let Some(e) = c.object(path, v) else {
        return;
    };
    c.known_fields(path, e, &["media_type", "attachment_id", "url"]);
    if let Some(t) = c.string(path, e, "media_type", Need::Required) {
        c.one_of(&join(path, "media_type"), t, MediaType::KNOWN, None);
    }
    c.exactly_one_of(path, e, &["attachment_id", "url"], None, None);
    let url = super::check::get(e, "url").and_then(Value::as_str);
    if let Some(url) = url.filter(|u| !u.trim().is_empty()) {
        if !is_facebook_url(url) {
            c.push(Violation::format(
                &join(path, "url"),
                "a Facebook URL (https://www.facebook.com/…)",
                Some(Value::from(url)),
            ));
        }
    }
}

/// Whether `url` is an http(s) URL on `facebook.com` or one of its subdomains
/// (the media template's "仅支持Facebook网址").
pub fn is_facebook_url(url: &str) -> bool {
    if !super::is_http_url(url) {
        return false;
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or("");
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("").to_ascii_lowercase();
    host == "facebook.com" || host.ends_with(".facebook.com")
}

/// `POST …/messenger/upload_async`: Page, attachment type and its URL.
pub fn upload_async(request: &Value) -> Vec<Violation> {
    let mut c = Checker::default();
    let Some(root) = c.object("", request) else {
        return c.finish();
    };
    c.known_fields("", root, &["pageid", "type", "payload"]);
    c.string_coded("", root, "pageid", Need::Required, Some("210001"));
    if let Some(t) = c.string("", root, "type", Need::Required) {
        c.one_of("type", t, AttachmentType::KNOWN, None);
    }
    match super::check::get(root, "payload") {
        Some(p) => media_payload(&mut c, p, Media::Upload),
        None => c.push(Violation::required("payload")),
    }
    c.finish()
}

/// `GET …/messenger/query_sub_users`: Page, topic and paging, all required.
pub fn query_sub_users(request: &Value) -> Vec<Violation> {
    let mut c = Checker::default();
    let Some(root) = c.object("", request) else {
        return c.finish();
    };
    c.known_fields("", root, &["appid", "title", "page_no", "page_size"]);
    c.string_coded("", root, "appid", Need::Required, Some("210001"));
    c.string_coded("", root, "title", Need::Required, Some("210003"));
    c.paging("", root, Need::Required, None);
    c.finish()
}

const TOPIC_FIELDS: &[&str] = &[
    "appid",
    "title",
    "describe",
    "image_ratio",
    "button_type",
    "image_url",
    "timezone",
    "configid",
];

/// `POST …/messenger/create_or_update_title`: every rule the platform reports
/// with codes 210001–210012 that can be checked before sending.
pub fn topic(request: &Value) -> Vec<Violation> {
    topic_checked(request).finish()
}

fn topic_checked(request: &Value) -> Checker {
    let mut c = Checker::default();
    let Some(root) = c.object("", request) else {
        return c;
    };
    c.known_fields("", root, TOPIC_FIELDS);
    c.string_coded("", root, "appid", Need::Required, Some("210001"));
    if let Some(t) = c.string_coded("", root, "title", Need::Required, Some("210003")) {
        c.max_chars("title", t, &TOPIC_TITLE_MAX, Some("210004"));
    }
    if let Some(d) = c.string_coded("", root, "describe", Need::Required, Some("210005")) {
        c.max_chars("describe", d, &TOPIC_DESCRIBE_MAX, Some("210006"));
    }
    if let Some(r) = c.string_coded("", root, "image_ratio", Need::Required, Some("210012")) {
        if !r.trim().is_empty() {
            c.one_of("image_ratio", r, ImageRatio::KNOWN, Some("210012"));
        }
    }
    if let Some(b) = c.string_coded("", root, "button_type", Need::Required, Some("210007")) {
        if !b.trim().is_empty() {
            c.one_of("button_type", b, TopicButtonType::KNOWN, Some("210007"));
        }
    }
    if let Some(u) = c.string("", root, "image_url", Need::Optional) {
        c.http_url("image_url", u);
    }
    c.string("", root, "timezone", Need::Optional);
    if let Some(id) = c.string("", root, "configid", Need::Optional) {
        if id.trim().is_empty() {
            c.push(Violation::required("configid"));
        }
    }
    c
}

/// An update of `existing` (a topic read from `get_title_list`): the rules of
/// [`topic`], plus 210011 — an update may not change `appid` or `title`.
pub fn topic_update(request: &Value, existing: &Topic) -> Vec<Violation> {
    let mut c = topic_checked(request);
    let Some(root) = request.as_object() else {
        return c.finish();
    };
    let Some(configid) = root.get("configid").and_then(Value::as_str) else {
        return c.finish();
    };
    if let Some(current) = existing.configid.as_deref() {
        if current != configid {
            c.push(Violation::format(
                "configid",
                "the configid of the topic being updated",
                Some(Value::from(configid)),
            ));
            return c.finish();
        }
    }
    for (key, current) in [("appid", &existing.appid), ("title", &existing.title)] {
        if let (Some(current), Some(new)) =
            (current.as_deref(), root.get(key).and_then(Value::as_str))
        {
            if current != new {
                c.push(Violation::immutable(key, current, new).with_code(Some("210011")));
            }
        }
    }
    c.finish()
}

/// `GET …/messenger/del_title`: the topic's `configid`.
pub fn delete_topic(request: &Value) -> Vec<Violation> {
    let mut c = Checker::default();
    let Some(root) = c.object("", request) else {
        return c.finish();
    };
    c.known_fields("", root, &["configid"]);
    c.string("", root, "configid", Need::Required);
    c.finish()
}

/// `POST …/messenger/get_title_list`: filters, creation time range, paging.
pub fn title_list(request: &Value) -> Vec<Violation> {
    let mut c = Checker::default();
    let Some(root) = c.object("", request) else {
        return c.finish();
    };
    c.known_fields(
        "",
        root,
        &[
            "start_time",
            "end_time",
            "appids",
            "title",
            "page_no",
            "page_size",
        ],
    );
    let s = c.integer("", root, "start_time", Need::Optional);
    let e = c.integer("", root, "end_time", Need::Optional);
    c.time_range("", "start_time", s, "end_time", e);
    c.string("", root, "appids", Need::Optional);
    c.string("", root, "title", Need::Optional);
    c.paging("", root, Need::Required, None);
    c.finish()
}

/// `POST …/messenger/send_opt_in_message`: Page, topic and user; the optional
/// topic fields follow the topic rules.
pub fn opt_in(request: &Value) -> Vec<Violation> {
    let mut c = Checker::default();
    let Some(root) = c.object("", request) else {
        return c.finish();
    };
    c.known_fields(
        "",
        root,
        &[
            "appid",
            "title",
            "recipientid",
            "recipient_id",
            "describe",
            "image_url",
            "image_ratio",
            "button_type",
            "timezone",
        ],
    );
    c.string_coded("", root, "appid", Need::Required, Some("210001"));
    if let Some(t) = c.string_coded("", root, "title", Need::Required, Some("210003")) {
        c.max_chars("title", t, &TOPIC_TITLE_MAX, Some("210004"));
    }
    // The table says `recipientid`, the example `recipient_id`: one of them,
    // required. A blank one counts as given (and is refused).
    let names = ["recipientid", "recipient_id"];
    match c.alternatives("", root, &names, Some("210009")).0 {
        0 => c.push(Violation::required("recipientid").with_code(Some("210009"))),
        1 => {}
        n => c.push(Violation::exactly_one("recipientid", &names, n)),
    }
    if let Some(d) = c.string("", root, "describe", Need::Optional) {
        c.max_chars("describe", d, &TOPIC_DESCRIBE_MAX, Some("210006"));
    }
    if let Some(u) = c.string("", root, "image_url", Need::Optional) {
        c.http_url("image_url", u);
    }
    if let Some(r) = c.string("", root, "image_ratio", Need::Optional) {
        c.one_of("image_ratio", r, ImageRatio::KNOWN, None);
    }
    if let Some(b) = c.string("", root, "button_type", Need::Optional) {
        c.one_of("button_type", b, TopicButtonType::KNOWN, None);
    }
    c.string("", root, "timezone", Need::Optional);
    c.finish()
}

/// `POST /chat-set/api/messenger/query_task_list`.
pub fn task_list(request: &Value) -> Vec<Violation> {
    let mut c = Checker::default();
    let Some(root) = c.object("", request) else {
        return c.finish();
    };
    c.known_fields(
        "",
        root,
        &[
            "task_start_time",
            "task_end_time",
            "sender",
            "task_name",
            "message_topic_or_tag",
            "message_type",
            "page_no",
            "page_size",
        ],
    );
    let s = c.integer("", root, "task_start_time", Need::Optional);
    let e = c.integer("", root, "task_end_time", Need::Optional);
    c.time_range("", "task_start_time", s, "task_end_time", e);
    c.string("", root, "sender", Need::Optional);
    c.string("", root, "task_name", Need::Optional);
    c.string("", root, "message_topic_or_tag", Need::Optional);
    if let Some(t) = c.integer("", root, "message_type", Need::Optional) {
        if !crate::model::enums::TaskMessageType::from_wire(t).is_known() {
            c.push(Violation::one_of(
                "message_type",
                &["1", "2"],
                Value::from(t),
            ));
        }
    }
    c.paging("", root, Need::Optional, Some(&PAGE_SIZE_MAX));
    c.finish()
}

/// `POST /chat-set/api/messenger/send_record_list`.
pub fn send_record_list(request: &Value) -> Vec<Violation> {
    let mut c = Checker::default();
    let Some(root) = c.object("", request) else {
        return c.finish();
    };
    c.known_fields(
        "",
        root,
        &[
            "send_start_time",
            "send_end_time",
            "messageid",
            "message_status",
            "taskid",
            "task_name",
            "send_agentid",
            "sender",
            "recipient",
            "message_topic_or_tag",
            "page_no",
            "page_size",
        ],
    );
    record_filters(&mut c, root);
    c.string("", root, "message_topic_or_tag", Need::Optional);
    c.finish()
}

/// The send record filters both documents share.
pub(super) fn record_filters(c: &mut Checker, root: &Map<String, Value>) {
    let s = c.integer("", root, "send_start_time", Need::Optional);
    let e = c.integer("", root, "send_end_time", Need::Optional);
    c.time_range("", "send_start_time", s, "send_end_time", e);
    for key in [
        "messageid",
        "taskid",
        "task_name",
        "send_agentid",
        "sender",
        "recipient",
    ] {
        c.string("", root, key, Need::Optional);
    }
    if let Some(s) = c.string("", root, "message_status", Need::Optional) {
        c.one_of("message_status", s, MessageStatus::KNOWN, None);
    }
    c.paging("", root, Need::Optional, Some(&PAGE_SIZE_MAX));
}
