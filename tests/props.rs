//! Property tests: validation never panics on arbitrary JSON, and a generated
//! valid request validates clean and survives encode → decode unchanged.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use serde_json::{Map, Value};
use sobot_channels::api::CATALOGUE;
use sobot_channels::model::enums::*;
use sobot_channels::model::messenger::*;
use sobot_channels::validate;

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "\\PC{0,12}".prop_map(Value::from),
        // Values the validators compare against.
        prop::sample::select(vec![
            "text",
            "image",
            "template",
            "button",
            "generic",
            "media",
            "web_url",
            "postback",
            "MESSAGE_TAG",
            "RESPONSE",
            "HUMAN_AGENT",
            "https://a.test",
            "https://www.facebook.com/x",
            "SQUARE",
            "ALLOW",
            "messenger",
            "c1",
            "😀",
        ])
        .prop_map(Value::from),
    ];
    let keys = prop::sample::select(vec![
        "messaging_type",
        "recipientid",
        "recipient_token",
        "pageid",
        "type",
        "tag",
        "payload",
        "template_type",
        "text",
        "buttons",
        "elements",
        "title",
        "subtitle",
        "image_url",
        "default_action",
        "url",
        "media_type",
        "attachment_id",
        "appid",
        "describe",
        "image_ratio",
        "button_type",
        "configid",
        "page_no",
        "page_size",
        "start_time",
        "end_time",
        "task_start_time",
        "task_end_time",
        "message_status",
        "page_id",
        "platform",
        "fields",
        "recipient_id",
        "x",
    ]);
    leaf.prop_recursive(5, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..12).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..8).prop_map(|kv| Value::Object(
                kv.into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect::<Map<_, _>>()
            )),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn validation_never_panics(v in any_json()) {
        for e in CATALOGUE {
            for x in (e.validate)(&v) {
                prop_assert!(!x.path.is_empty() && !x.message.is_empty());
            }
        }
        let topic = Topic { configid: Some("c1".into()), appid: Some("a".into()), title: Some("t".into()), ..Default::default() };
        let _ = validate::messenger::topic_update(&v, &topic);
    }
}

fn text(max_chars: usize) -> impl Strategy<Value = String> {
    // CJK, emoji (2 UTF-16 units) and ASCII; at most `max_chars` UTF-16 units.
    prop::collection::vec(
        prop::sample::select(vec!["a", "Z", "7", " ", "测", "試", "😀", "é"]),
        1..=max_chars / 2,
    )
    .prop_map(|parts| parts.concat())
    .prop_filter("non-blank", |s| !s.trim().is_empty())
}

fn url() -> impl Strategy<Value = String> {
    ("[a-z]{1,8}", "[a-z0-9/]{0,8}").prop_map(|(h, p)| format!("https://{h}.test/{p}"))
}

fn button() -> impl Strategy<Value = Button> {
    prop_oneof![
        (url(), text(20)).prop_map(|(url, title)| Button::WebUrl { url, title }),
        (text(20), text(1000)).prop_map(|(title, payload)| Button::Postback { title, payload }),
    ]
}

fn element() -> impl Strategy<Value = GenericElement> {
    (
        text(80),
        prop::option::of(text(80)),
        prop::option::of(url()),
        prop::option::of((
            url(),
            prop::option::of(any::<bool>()),
            prop::option::of(prop::sample::select(vec!["compact", "tall", "full"])),
        )),
        prop::collection::vec(button(), 1..=3),
    )
        .prop_map(
            |(title, subtitle, image_url, action, buttons)| GenericElement {
                title,
                subtitle,
                image_url,
                default_action: action.map(|(url, ext, ratio)| DefaultAction {
                    action_type: ButtonType::WebUrl,
                    url,
                    messenger_extensions: ext,
                    webview_height_ratio: ratio.map(WebviewHeightRatio::from),
                    fallback_url: None,
                }),
                buttons: Some(buttons),
            },
        )
}

fn content() -> impl Strategy<Value = MessageContent> {
    prop_oneof![
        text(2000).prop_map(MessageContent::Text),
        url().prop_map(|url| MessageContent::Image(MediaMessagePayload::url(url))),
        url().prop_map(|url| MessageContent::Audio(MediaMessagePayload::url(url))),
        url().prop_map(|url| MessageContent::Video(MediaMessagePayload::url(url))),
        url().prop_map(|url| MessageContent::File(MediaMessagePayload::url(url))),
        "[0-9]{1,16}".prop_map(|id| MessageContent::Image(MediaMessagePayload::attachment(id))),
        "[0-9]{1,16}".prop_map(|id| MessageContent::File(MediaMessagePayload::attachment(id))),
        (text(640), prop::collection::vec(button(), 1..=3)).prop_map(|(text, buttons)| {
            MessageContent::Template(Template::Button(ButtonTemplate { text, buttons }))
        }),
        prop::collection::vec(element(), 1..=10).prop_map(|elements| MessageContent::Template(
            Template::Generic(GenericTemplate { elements })
        )),
        (any::<bool>(), any::<bool>(), "[0-9]{1,12}").prop_map(|(video, by_id, id)| {
            let media_type = if video {
                MediaType::Video
            } else {
                MediaType::Image
            };
            let (attachment_id, url) = if by_id {
                (Some(id), None)
            } else {
                (None, Some(format!("https://www.facebook.com/photo/{id}")))
            };
            MessageContent::Template(Template::Media(MediaTemplate {
                elements: vec![MediaElement {
                    media_type,
                    attachment_id,
                    url,
                }],
            }))
        }),
    ]
}

fn send_request() -> impl Strategy<Value = SendMessageRequest> {
    (
        prop::option::of(prop::sample::select(vec![
            "RESPONSE",
            "UPDATE",
            "MESSAGE_TAG",
        ])),
        prop::sample::select(vec![
            "ACCOUNT_UPDATE",
            "CONFIRMED_EVENT_UPDATE",
            "HUMAN_AGENT",
            "POST_PURCHASE_UPDATE",
        ]),
        any::<bool>(),
        "[0-9]{1,16}",
        "[0-9]{1,16}",
        content(),
    )
        .prop_map(|(mt, tag, by_token, recipient, pageid, content)| {
            let messaging_type = mt.map(MessagingType::from);
            let tagged = messaging_type == Some(MessagingType::MessageTag);
            SendMessageRequest {
                messaging_type,
                recipientid: (!by_token).then(|| recipient.clone()),
                recipient_token: by_token.then_some(recipient),
                pageid,
                tag: tagged.then(|| MessageTag::from(tag)),
                content,
            }
        })
}

fn topic_request() -> impl Strategy<Value = TopicRequest> {
    (
        "[0-9]{1,16}",
        text(65),
        text(65),
        prop::sample::select(ImageRatio::KNOWN.to_vec()),
        prop::sample::select(TopicButtonType::KNOWN.to_vec()),
        prop::option::of(url()),
        prop::option::of(prop::sample::select(vec!["UTC", "GMT+08:00"])),
        prop::option::of("[0-9a-f]{32}"),
    )
        .prop_map(
            |(appid, title, describe, ratio, button, image_url, tz, configid)| TopicRequest {
                appid,
                title,
                describe,
                image_ratio: ImageRatio::from(ratio),
                button_type: TopicButtonType::from(button),
                image_url,
                timezone: tz.map(str::to_owned),
                configid,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn valid_send_request_round_trips(req in send_request()) {
        let json = serde_json::to_value(&req).unwrap();
        let violations = validate::messenger::send_message(&json);
        prop_assert!(violations.is_empty(), "{violations:?}\n{json}");
        // what is sent is what the model type writes
        let sent = (sobot_channels::api::MESSENGER_SEND.encode)(json.clone());
        prop_assert_eq!(sent, Ok(json.clone()));
        let text = serde_json::to_string(&req).unwrap();
        let back: SendMessageRequest = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(back, req);
    }

    #[test]
    fn valid_topic_request_round_trips(req in topic_request()) {
        let json = serde_json::to_value(&req).unwrap();
        let violations = validate::messenger::topic(&json);
        prop_assert!(violations.is_empty(), "{violations:?}\n{json}");
        let sent = (sobot_channels::api::MESSENGER_CREATE_OR_UPDATE_TITLE.encode)(json.clone());
        prop_assert_eq!(sent, Ok(json.clone()));
        let back: TopicRequest = serde_json::from_value(json).unwrap();
        prop_assert_eq!(back, req);
    }
}
