//! Every fixture of `tests/fixtures/` (the documents' JSON examples): each
//! response decodes into the typed model without losing a field; each request
//! validates (clean, or with exactly the violations its placeholders cause)
//! and re-encodes through the typed model to the same JSON.
//!
//! Webhook examples (`webhook_*`) are tested by the webhook suite.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use sobot_channels::model::{graph, line, messenger, Envelope, TokenItem};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn json(name: &str) -> Value {
    serde_json::from_str(&read(name)).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
}

/// Decodes `v` as `T` and encodes it back.
fn through<T: DeserializeOwned + Serialize>(name: &str, v: &Value) -> Value {
    let t: T = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::to_value(&t).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every object key of `original` is present in `encoded` at the same place
/// (`renames` maps a key of the original to the model's name).
fn keys_kept(name: &str, path: &str, original: &Value, encoded: &Value, renames: &[(&str, &str)]) {
    match (original, encoded) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let k2 = renames
                    .iter()
                    .find(|(from, _)| from == k)
                    .map_or(k.as_str(), |(_, to)| to);
                let Some(w) = b.get(k2) else {
                    panic!("{name}: {path}.{k} was lost by the model");
                };
                keys_kept(name, &format!("{path}.{k}"), v, w, renames);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "{name}: {path} length");
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                keys_kept(name, &format!("{path}[{i}]"), v, w, renames);
            }
        }
        _ => {}
    }
}

type Codec = fn(&str, &Value) -> Value;

enum Kind {
    /// An answer: decodes, keeps every field.
    Response(Codec, &'static [(&'static str, &'static str)]),
    /// A request: validator name, expected `(path, rule)` violations, the
    /// typed codec, and key renames between the example and the tables.
    Request(
        &'static str,
        &'static [(&'static str, &'static str)],
        Codec,
        &'static [(&'static str, &'static str)],
    ),
    /// A response printed where the document promises a request example.
    ResponseAsRequest(Codec, &'static str, &'static [&'static str]),
    /// The verbatim text of an example that is not JSON, beside its correction.
    NotJson(&'static str),
}

use Kind::*;

const MANIFEST: &[(&str, Kind)] = &[
    (
        "messenger/get_token_response.json",
        Response(through::<Envelope<TokenItem>>, &[]),
    ),
    (
        "messenger/send_text_request.json",
        Request(
            "messenger.send",
            &[],
            through::<messenger::SendMessageRequest>,
            &[],
        ),
    ),
    (
        "messenger/send_media_request.json",
        Request(
            "messenger.send",
            &[],
            through::<messenger::SendMessageRequest>,
            &[],
        ),
    ),
    (
        "messenger/send_message_tag_request.json",
        Request(
            "messenger.send",
            &[],
            through::<messenger::SendMessageRequest>,
            &[],
        ),
    ),
    (
        "messenger/send_template_button_request.json",
        Request(
            "messenger.send",
            &[],
            through::<messenger::SendMessageRequest>,
            &[],
        ),
    ),
    (
        "messenger/send_template_generic_request.json",
        Request(
            "messenger.send",
            &[],
            through::<messenger::SendMessageRequest>,
            &[],
        ),
    ),
    (
        "messenger/send_template_media_attachment_request.json",
        Request(
            "messenger.send",
            &[("payload.elements[0].media_type", "one_of")],
            through::<messenger::SendMessageRequest>,
            &[],
        ),
    ),
    (
        "messenger/send_template_media_url_request.json",
        Request(
            "messenger.send",
            &[
                ("payload.elements[0].media_type", "one_of"),
                ("payload.elements[0].url", "format"),
            ],
            through::<messenger::SendMessageRequest>,
            &[],
        ),
    ),
    (
        "messenger/upload_async_request.json",
        Request(
            "messenger.upload_async",
            &[("payload.url", "format")],
            through::<messenger::UploadAsyncRequest>,
            &[],
        ),
    ),
    (
        "messenger/upload_async_response.json",
        Response(through::<messenger::UploadReceipt>, &[]),
    ),
    (
        "messenger/query_sub_users_response.json",
        Response(through::<messenger::SubscribedUsersPage>, &[]),
    ),
    (
        "messenger/create_or_update_title_request.json",
        Request(
            "messenger.create_or_update_title",
            &[],
            through::<messenger::TopicRequest>,
            &[],
        ),
    ),
    (
        "messenger/create_or_update_title_response.json",
        Response(through::<messenger::TopicReceipt>, &[]),
    ),
    (
        "messenger/del_title_response.json",
        Response(through::<Envelope<Value>>, &[]),
    ),
    (
        "messenger/get_title_list_request.json",
        Request(
            "messenger.get_title_list",
            &[],
            through::<messenger::TitleListRequest>,
            &[],
        ),
    ),
    (
        "messenger/get_title_list_response.json",
        Response(through::<messenger::TopicsPage>, &[("item", "items")]),
    ),
    (
        "messenger/send_opt_in_message_request.json",
        Request(
            "messenger.send_opt_in_message",
            &[],
            through::<messenger::OptInRequest>,
            &[("recipient_id", "recipientid")],
        ),
    ),
    (
        "messenger/send_opt_in_message_response.json",
        Response(through::<messenger::OptInResponse>, &[]),
    ),
    (
        "messenger/query_task_list_request.json",
        Request(
            "messenger.query_task_list",
            &[],
            through::<messenger::MessengerTaskListRequest>,
            &[],
        ),
    ),
    (
        "messenger/query_task_list_response.json",
        Response(through::<messenger::MessengerTasksPage>, &[]),
    ),
    (
        "messenger/send_record_list_request.json",
        ResponseAsRequest(
            through::<messenger::MessengerSendRecordsPage>,
            "messenger.send_record_list",
            &["items", "page_count", "ret_code", "ret_msg", "total_count"],
        ),
    ),
    (
        "messenger/send_record_list_response.json",
        Response(through::<messenger::MessengerSendRecordsPage>, &[]),
    ),
    (
        "line/get_token_response.json",
        Response(through::<Envelope<TokenItem>>, &[]),
    ),
    (
        "line/get_media_content_response.txt",
        NotJson("line/get_media_content_response.json"),
    ),
    (
        "line/get_media_content_response.json",
        Response(media_content, &[]),
    ),
    (
        "line/query_task_list_request.json",
        Request(
            "line.query_task_list",
            &[],
            through::<line::LineTaskListRequest>,
            &[],
        ),
    ),
    (
        "line/query_task_list_response.json",
        Response(through::<line::LineTasksPage>, &[]),
    ),
    (
        "line/send_record_list_request.txt",
        NotJson("line/send_record_list_request.json"),
    ),
    (
        "line/send_record_list_request.json",
        Request(
            "line.send_record_list",
            &[],
            through::<line::LineSendRecordListRequest>,
            &[],
        ),
    ),
    (
        "line/send_record_list_response.json",
        Response(through::<line::LineSendRecordsPage>, &[]),
    ),
    (
        "graph/conversations_response.txt",
        NotJson("graph/conversations_response.json"),
    ),
    (
        "graph/conversations_response.json",
        Response(through::<graph::ConversationsPage>, &[]),
    ),
    (
        "graph/conversations_by_user_response.txt",
        NotJson("graph/conversations_by_user_response.json"),
    ),
    (
        "graph/conversations_by_user_response.json",
        Response(through::<graph::ConversationsPage>, &[]),
    ),
    (
        "graph/conversation_messages_response.txt",
        NotJson("graph/conversation_messages_response.json"),
    ),
    (
        "graph/conversation_messages_response.json",
        Response(through::<graph::ConversationMessages>, &[]),
    ),
    (
        "graph/message_detail_response.json",
        Response(through::<graph::MessageDetail>, &[]),
    ),
];

fn media_content(name: &str, v: &Value) -> Value {
    let env = line::decode_media_content(&v.to_string()).unwrap_or_else(|e| panic!("{name}: {e}"));
    // The model names the URL `url`; the wire's `item` is the URL itself.
    let mut out = serde_json::to_value(&env).unwrap_or_else(|e| panic!("{name}: {e}"));
    if let Some(item) = out.get_mut("item") {
        *item = item.get("url").cloned().unwrap_or(Value::Null);
    }
    out
}

#[test]
fn manifest_lists_every_fixture_and_only_those() {
    let mut on_disk = BTreeSet::new();
    for sub in ["messenger", "line", "graph"] {
        for entry in std::fs::read_dir(dir().join(sub)).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            // Webhook examples (`webhook_*` files and their folders) belong to the webhook suite.
            if entry.file_type().unwrap().is_file() && !name.starts_with("webhook_") {
                on_disk.insert(format!("{sub}/{name}"));
            }
        }
    }
    let listed: BTreeSet<String> = MANIFEST.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(on_disk, listed);
    let readme = read("README.md");
    for name in &listed {
        let file = name.rsplit('/').next().unwrap();
        assert!(
            readme.contains(&format!("`{file}`")),
            "README.md does not list {name}"
        );
    }
}

#[test]
fn responses_decode_and_keep_every_field() {
    for (name, kind) in MANIFEST {
        if let Response(codec, renames) = kind {
            let v = json(name);
            let encoded = codec(name, &v);
            keys_kept(name, "", &v, &encoded, renames);
        }
    }
}

fn violations(name: &str, validator: &str, v: &Value) -> Vec<(String, &'static str)> {
    sobot_channels::api::by_name(validator)
        .map(|e| (e.validate)(v))
        .unwrap_or_else(|| panic!("{name}: no endpoint {validator}"))
        .into_iter()
        .map(|x| (x.path, x.rule))
        .collect()
}

#[test]
fn requests_validate_and_re_encode_to_the_same_json() {
    for (name, kind) in MANIFEST {
        if let Request(validator, expected, codec, renames) = kind {
            let v = json(name);
            let got = violations(name, validator, &v);
            let want: Vec<(String, &str)> =
                expected.iter().map(|(p, r)| (p.to_string(), *r)).collect();
            assert_eq!(got, want, "{name}");
            let mut original = v.clone();
            if let Value::Object(map) = &mut original {
                for (from, to) in *renames {
                    if let Some(x) = map.remove(*from) {
                        map.insert(to.to_string(), x);
                    }
                }
            }
            assert_eq!(codec(name, &v), original, "{name} re-encoded differently");
        }
    }
}

#[test]
fn response_printed_as_request_decodes_and_is_refused_as_a_request() {
    for (name, kind) in MANIFEST {
        if let ResponseAsRequest(codec, validator, unknown) = kind {
            let v = json(name);
            keys_kept(name, "", &v, &codec(name, &v), &[]);
            let got = violations(name, validator, &v);
            let mut paths: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
            paths.sort_unstable();
            assert_eq!(paths, *unknown, "{name}");
            assert!(
                got.iter().all(|(_, r)| *r == "unknown_field"),
                "{name}: {got:?}"
            );
        }
    }
}

#[test]
fn not_json_examples_fail_to_parse_and_have_a_correction() {
    for (name, kind) in MANIFEST {
        if let NotJson(corrected) = kind {
            assert!(
                serde_json::from_str::<Value>(&read(name)).is_err(),
                "{name} parses"
            );
            let _ = json(corrected);
        }
    }
}

#[test]
fn printed_media_content_is_repaired() {
    let env = line::decode_media_content(&read("line/get_media_content_response.txt")).unwrap();
    let url = env.item.unwrap().url;
    assert!(url.starts_with("https://sg.sobot.com/chatres/") && url.ends_with(".png"));
}

#[test]
fn line_record_request_with_only_its_string_fixed_is_reported_precisely() {
    // The verbatim example with only the unterminated string closed: the
    // string times break the table's Long, the rest is valid.
    let text = read("line/send_record_list_request.txt")
        .replace("\"recipient\":\"12345678,", "\"recipient\":\"12345678\",");
    let v: Value = serde_json::from_str(&text).unwrap();
    let got = violations("txt", "line.send_record_list", &v);
    let want = vec![
        ("send_start_time".to_string(), "type"),
        ("send_end_time".to_string(), "type"),
        ("taskid".to_string(), "type"),
    ];
    assert_eq!(got, want);
    // The typed model still decodes it leniently and encodes the table's types.
    let typed: line::LineSendRecordListRequest = serde_json::from_value(v).unwrap();
    assert_eq!(typed.send_start_time, Some(1714295033250));
}

#[test]
fn documented_values_arrive() {
    let t: messenger::TopicsPage =
        serde_json::from_value(json("messenger/get_title_list_response.json")).unwrap();
    assert_eq!(t.items.len(), 1);
    assert_eq!(
        t.items[0].configid.as_deref(),
        Some("10d7de1db4884c43b4b88e3fcbbf47d2")
    );
    let s: messenger::SubscribedUsersPage =
        serde_json::from_value(json("messenger/query_sub_users_response.json")).unwrap();
    assert_eq!(s.items[0].update_time.as_deref(), Some("1715155761777"));
    assert_eq!(
        s.items[0].sub_status,
        Some(sobot_channels::model::enums::SubStatus::Subscribed)
    );
    let d: graph::MessageDetail =
        serde_json::from_value(json("graph/message_detail_response.json")).unwrap();
    assert_eq!(
        d.from.unwrap().username.as_deref(),
        Some("INSTAGRAM-USERNAME")
    );
    assert_eq!(
        d.to.unwrap().data[0].id,
        "INSTAGRAM-PROFESSIONAL-ACCOUNT-ID"
    );
    let r: line::LineSendRecordsPage =
        serde_json::from_value(json("line/send_record_list_response.json")).unwrap();
    assert_eq!(
        r.items[1].message_ids(),
        vec!["515320261680824337", "515320261478973734"]
    );
    let tok: Envelope<TokenItem> =
        serde_json::from_value(json("line/get_token_response.json")).unwrap();
    assert_eq!(tok.item.unwrap().expires_in, "86400");
}
