//! One test per rule: at the limit passes, one past fails with the right path.

use super::*;
use serde_json::{json, Value};

/// `(path, rule)` of every violation.
fn found(v: &[Violation]) -> Vec<(&str, &str)> {
    v.iter().map(|x| (x.path.as_str(), x.rule)).collect()
}

fn send(payload_type: &str, payload: Value) -> Value {
    json!({
        "messaging_type": "RESPONSE",
        "recipientid": "R",
        "pageid": "P",
        "type": payload_type,
        "payload": payload
    })
}

fn button_template(text: &str, buttons: Value) -> Value {
    send(
        "template",
        json!({"template_type": "button", "text": text, "buttons": buttons}),
    )
}

fn web_url(title: &str) -> Value {
    json!({"type": "web_url", "url": "https://www.messenger.com", "title": title})
}

fn generic(elements: Value) -> Value {
    send(
        "template",
        json!({"template_type": "generic", "elements": elements}),
    )
}

fn element(title: &str) -> Value {
    json!({"title": title, "subtitle": "s", "buttons": [web_url("Go")]})
}

fn media(element: Value) -> Value {
    send(
        "template",
        json!({"template_type": "media", "elements": [element]}),
    )
}

fn ok(v: &Value) {
    assert_eq!(found(&messenger::send_message(v)), vec![], "{v}");
}

fn one(v: &Value, path: &str, rule: &str) -> Violation {
    let got = messenger::send_message(v);
    assert_eq!(found(&got), vec![(path, rule)], "{v}");
    got.into_iter().next().unwrap()
}

// ------------------------------------------------------------ characters

#[test]
fn button_text_counts_cjk_at_the_limit() {
    ok(&button_template(&"测".repeat(640), json!([web_url("a")])));
    let v = one(
        &button_template(&"测".repeat(641), json!([web_url("a")])),
        "payload.text",
        "max_length",
    );
    assert_eq!((v.limit, v.actual), (Some(json!(640)), Some(json!(641))));
}

#[test]
fn button_text_counts_emoji_as_two_utf16_units() {
    ok(&button_template(&"😀".repeat(320), json!([web_url("a")])));
    let past = format!("{}a", "😀".repeat(320));
    one(
        &button_template(&past, json!([web_url("a")])),
        "payload.text",
        "max_length",
    );
    // 321 emoji are 321 scalar values (within 640) but 642 UTF-16 units.
    let v = one(
        &button_template(&"😀".repeat(321), json!([web_url("a")])),
        "payload.text",
        "max_length",
    );
    assert_eq!(v.actual, Some(json!(642)));
}

#[test]
fn element_title_and_subtitle_at_80() {
    let mut e = element(&"标".repeat(80));
    e["subtitle"] = json!("😀".repeat(40));
    ok(&generic(json!([e])));
    let mut e = element(&"标".repeat(81));
    e["subtitle"] = json!(format!("{}a", "😀".repeat(40)));
    let got = messenger::send_message(&generic(json!([element("a"), e])));
    assert_eq!(
        found(&got),
        vec![
            ("payload.elements[1].title", "max_length"),
            ("payload.elements[1].subtitle", "max_length")
        ]
    );
}

#[test]
fn button_title_at_20() {
    ok(&button_template("t", json!([web_url(&"按".repeat(20))])));
    one(
        &button_template("t", json!([web_url(&"按".repeat(21))])),
        "payload.buttons[0].title",
        "max_length",
    );
}

#[test]
fn postback_payload_at_1000() {
    let b = |n: usize| json!({"type": "postback", "title": "t", "payload": "x".repeat(n)});
    ok(&button_template("t", json!([b(1000)])));
    one(
        &button_template("t", json!([b(1001)])),
        "payload.buttons[0].payload",
        "max_length",
    );
}

#[test]
fn text_message_at_2000() {
    ok(&send("text", json!("字".repeat(2000))));
    one(
        &send("text", json!("字".repeat(2001))),
        "payload",
        "max_length",
    );
}

// ------------------------------------------------------------ counts

#[test]
fn button_template_has_one_to_three_buttons() {
    ok(&button_template(
        "t",
        json!([web_url("a"), web_url("b"), web_url("c")]),
    ));
    let v = one(
        &button_template(
            "t",
            json!([web_url("a"), web_url("b"), web_url("c"), web_url("d")]),
        ),
        "payload.buttons",
        "max_items",
    );
    assert_eq!((v.limit, v.actual), (Some(json!(3)), Some(json!(4))));
    one(
        &button_template("t", json!([])),
        "payload.buttons",
        "min_items",
    );
    one(
        &send("template", json!({"template_type": "button", "text": "t"})),
        "payload.buttons",
        "required",
    );
}

#[test]
fn generic_element_buttons_one_to_three() {
    let mut e = element("t");
    e["buttons"] = json!([web_url("a"), web_url("b"), web_url("c")]);
    ok(&generic(json!([element("x"), e.clone()])));
    e["buttons"] = json!([web_url("a"), web_url("b"), web_url("c"), web_url("d")]);
    one(
        &generic(json!([element("x"), e])),
        "payload.elements[1].buttons",
        "max_items",
    );
}

#[test]
fn generic_has_one_to_ten_elements() {
    let ten: Vec<Value> = (0..10).map(|i| element(&format!("e{i}"))).collect();
    ok(&generic(json!(ten)));
    let eleven: Vec<Value> = (0..11).map(|i| element(&format!("e{i}"))).collect();
    one(&generic(json!(eleven)), "payload.elements", "max_items");
    one(&generic(json!([])), "payload.elements", "min_items");
}

#[test]
fn every_element_needs_a_title_and_one_more_field() {
    one(
        &generic(json!([{"subtitle": "s"}])),
        "payload.elements[0].title",
        "required",
    );
    one(
        &generic(json!([{"title": "only"}])),
        "payload.elements[0]",
        "min_properties",
    );
}

#[test]
fn generic_payload_buttons_belong_on_elements() {
    let mut v = generic(json!([element("t")]));
    v["payload"]["buttons"] = json!([web_url("a")]);
    let got = one(&v, "payload.buttons", "unknown_field");
    assert!(got.message.contains("each element"));
}

// ------------------------------------------------------------ buttons

#[test]
fn web_url_button_needs_an_http_url() {
    let b = json!({"type": "web_url", "url": "ftp://x", "title": "t"});
    one(
        &button_template("t", json!([b])),
        "payload.buttons[0].url",
        "format",
    );
    let b = json!({"type": "web_url", "title": "t"});
    one(
        &button_template("t", json!([b])),
        "payload.buttons[0].url",
        "required",
    );
    let b = json!({"type": "web_url", "url": "http://a.test/x", "title": "t"});
    ok(&button_template("t", json!([b])));
}

#[test]
fn postback_button_needs_a_payload() {
    let b = json!({"type": "postback", "title": "t"});
    one(
        &button_template("t", json!([b])),
        "payload.buttons[0].payload",
        "required",
    );
    let b = json!({"type": "postback", "title": "t", "payload": "p", "url": "https://a.test"});
    one(
        &button_template("t", json!([b])),
        "payload.buttons[0].url",
        "unknown_field",
    );
    let b = json!({"type": "call", "title": "t"});
    one(
        &button_template("t", json!([b])),
        "payload.buttons[0].type",
        "one_of",
    );
}

#[test]
fn default_action_is_a_url_action() {
    let mut e = element("t");
    e["default_action"] = json!({"type": "web_url", "url": "https://a.test", "messenger_extensions": false,
                                 "webview_height_ratio": "tall", "fallback_url": "https://a.test/f"});
    ok(&generic(json!([e.clone()])));
    e["default_action"] = json!({"type": "postback", "url": "nope", "messenger_extensions": "no",
                                 "webview_height_ratio": "huge", "title": "x"});
    let got = messenger::send_message(&generic(json!([e])));
    let p = "payload.elements[0].default_action";
    assert_eq!(
        found(&got),
        vec![
            (format!("{p}.title").as_str(), "unknown_field"),
            (format!("{p}.type").as_str(), "one_of"),
            (format!("{p}.url").as_str(), "format"),
            (format!("{p}.messenger_extensions").as_str(), "type"),
            (format!("{p}.webview_height_ratio").as_str(), "one_of"),
        ]
    );
}

// ------------------------------------------------------------ media template

#[test]
fn media_template_has_exactly_one_element() {
    ok(&media(json!({"media_type": "image", "attachment_id": "1"})));
    let two = send(
        "template",
        json!({"template_type": "media", "elements": [
            {"media_type": "image", "attachment_id": "1"}, {"media_type": "video", "attachment_id": "2"}]}),
    );
    one(&two, "payload.elements", "max_items");
    one(
        &send(
            "template",
            json!({"template_type": "media", "elements": []}),
        ),
        "payload.elements",
        "min_items",
    );
}

#[test]
fn media_type_is_image_or_video() {
    ok(&media(
        json!({"media_type": "video", "url": "https://www.facebook.com/x/videos/1/"}),
    ));
    one(
        &media(json!({"media_type": "audio", "attachment_id": "1"})),
        "payload.elements[0].media_type",
        "one_of",
    );
}

#[test]
fn media_has_exactly_one_of_attachment_id_and_url() {
    one(
        &media(
            json!({"media_type": "image", "attachment_id": "1", "url": "https://www.facebook.com/p"}),
        ),
        "payload.elements[0].attachment_id",
        "exactly_one",
    );
    one(
        &media(json!({"media_type": "image"})),
        "payload.elements[0].attachment_id",
        "exactly_one",
    );
    let got = messenger::send_message(&media(
        json!({"media_type": "image", "attachment_id": "", "url": "https://www.facebook.com/p"}),
    ));
    assert_eq!(
        found(&got),
        vec![
            ("payload.elements[0].attachment_id", "blank"),
            ("payload.elements[0].attachment_id", "exactly_one")
        ]
    );
    one(
        &media(json!({"media_type": "image", "url": "https://facebook.com.evil.test/p"})),
        "payload.elements[0].url",
        "format",
    );
    ok(&media(
        json!({"media_type": "image", "url": "https://business.facebook.com/p/photos/1"}),
    ));
}

// ------------------------------------------------------------ envelope of a send

#[test]
fn exactly_one_recipient() {
    let mut v = send("text", json!("hi"));
    v["recipient_token"] = json!("T");
    let got = one(&v, "recipientid", "exactly_one");
    assert_eq!(got.actual, Some(json!(2)));
    let mut v = send("text", json!("hi"));
    v.as_object_mut().unwrap().remove("recipientid");
    one(&v, "recipientid", "exactly_one");
    v["recipient_token"] = json!("T");
    ok(&v);
    // A blank recipientid beside a recipient_token counts as given: both
    // would be sent, so it is refused, naming the blank field.
    for blank in ["", " ", "\t\n"] {
        v["recipientid"] = json!(blank);
        let got = messenger::send_message(&v);
        assert_eq!(
            codes(&got),
            vec![
                ("recipientid", "blank", Some("210009")),
                ("recipientid", "exactly_one", None)
            ],
            "{blank:?}"
        );
        assert!(got[0].message.contains("recipientid"), "{}", got[0].message);
    }
    let mut v = send("text", json!("hi"));
    v["recipientid"] = json!("");
    assert_eq!(
        codes(&messenger::send_message(&v)),
        vec![("recipientid", "blank", Some("210009"))]
    );
    v.as_object_mut().unwrap().remove("recipientid");
    v["recipient_token"] = json!(" ");
    assert_eq!(
        codes(&messenger::send_message(&v)),
        vec![("recipient_token", "blank", Some("210009"))]
    );
    v.as_object_mut().unwrap().remove("recipient_token");
    assert_eq!(
        codes(&messenger::send_message(&v)),
        vec![("recipientid", "exactly_one", Some("210009"))]
    );
    v["recipientid"] = Value::Null;
    v["recipient_token"] = json!("T");
    ok(&v);
}

#[test]
fn message_tag_rules() {
    let mut v = send("text", json!("hi"));
    v["messaging_type"] = json!("MESSAGE_TAG");
    let got = one(&v, "tag", "required");
    assert!(got.message.contains("MESSAGE_TAG"));
    v["tag"] = json!("HUMAN_AGENT");
    ok(&v);
    v["tag"] = json!("SHIPPING_UPDATE");
    one(&v, "tag", "one_of");
    v["messaging_type"] = json!("UPDATE");
    v["tag"] = json!("ACCOUNT_UPDATE");
    one(&v, "tag", "only_with");
    v["messaging_type"] = json!("PUSH");
    let got = messenger::send_message(&v);
    assert_eq!(
        found(&got),
        vec![("messaging_type", "one_of"), ("tag", "only_with")]
    );
}

#[test]
fn type_matches_payload() {
    one(
        &send("text", json!({"url": "https://a.test"})),
        "payload",
        "type",
    );
    one(
        &send("image", json!("https://a.test/a.png")),
        "payload",
        "type",
    );
    one(
        &send("file", json!({"url": "a.pdf"})),
        "payload.url",
        "format",
    );
    one(&send("video", json!({})), "payload.url", "exactly_one");
    one(&send("sticker", json!("x")), "type", "one_of");
    one(&send("text", json!(" ")), "payload", "required");
    for t in ["image", "audio", "video", "file"] {
        ok(&send(t, json!({"url": "https://a.test/f"})));
    }
}

#[test]
fn media_messages_by_url_or_attachment_id() {
    for t in ["image", "audio", "video", "file"] {
        ok(&send(t, json!({"attachment_id": "1234567890"})));
        let got = one(
            &send(
                t,
                json!({"url": "https://a.test/f", "attachment_id": "1234567890"}),
            ),
            "payload.url",
            "exactly_one",
        );
        assert_eq!(got.actual, Some(json!(2)));
        let got = one(&send(t, json!({})), "payload.url", "exactly_one");
        assert_eq!(got.actual, Some(json!(0)));
    }
    // A blank alternative counts as given: refused, never sent beside the other.
    let got = messenger::send_message(&send(
        "image",
        json!({"url": " ", "attachment_id": "1234567890"}),
    ));
    assert_eq!(
        found(&got),
        vec![("payload.url", "blank"), ("payload.url", "exactly_one")]
    );
    one(
        &send("image", json!({"attachment_id": ""})),
        "payload.attachment_id",
        "blank",
    );
    one(&send("image", json!({"url": ""})), "payload.url", "blank");
    one(
        &send("image", json!({"attachment_id": 1234567890})),
        "payload.attachment_id",
        "type",
    );
    one(
        &send(
            "image",
            json!({"attachment_id": "1", "media_type": "image"}),
        ),
        "payload.media_type",
        "unknown_field",
    );
    // The document types attachment_id as String and shows "1234567890" and
    // "ATTACHMENT_ID": any non-blank string is an id.
    ok(&send("image", json!({"attachment_id": "ATTACHMENT_ID"})));
    // An upload is by URL only.
    let upload = json!({"pageid": "P", "type": "image", "payload": {"attachment_id": "1"}});
    assert_eq!(
        found(&messenger::upload_async(&upload)),
        vec![
            ("payload.attachment_id", "unknown_field"),
            ("payload.url", "required")
        ]
    );
}

#[test]
fn unknown_fields_and_wrong_types_have_paths() {
    let mut v = send("text", json!("hi"));
    v["recipient_id"] = json!("R");
    v["pageid"] = json!(123);
    let got = messenger::send_message(&v);
    assert_eq!(
        found(&got),
        vec![("recipient_id", "unknown_field"), ("pageid", "type")]
    );
    assert_eq!(
        found(&messenger::send_message(&json!([1]))),
        vec![("(request)", "type")]
    );
    assert_eq!(
        found(&messenger::send_message(&Value::Null)),
        vec![("(request)", "type")]
    );
}

#[test]
fn every_violation_at_once() {
    let v = json!({
        "messaging_type": "MESSAGE_TAG",
        "pageid": "",
        "type": "template",
        "payload": {"template_type": "generic", "elements": [
            {"title": "ok", "buttons": [web_url("a"), {"type": "postback", "title": "t"}]},
            {"subtitle": "x".repeat(81), "buttons": []}
        ]}
    });
    let got = messenger::send_message(&v);
    assert_eq!(
        found(&got),
        vec![
            ("tag", "required"),
            ("recipientid", "exactly_one"),
            ("pageid", "required"),
            ("payload.elements[0].buttons[1].payload", "required"),
            ("payload.elements[1].title", "required"),
            ("payload.elements[1].subtitle", "max_length"),
            ("payload.elements[1].buttons", "min_items"),
        ]
    );
}

// ------------------------------------------------------------ topics

fn topic_req() -> Value {
    json!({"appid": "106474898833640", "title": "测试", "describe": "这是一条测试消息",
           "image_ratio": "SQUARE", "button_type": "ALLOW"})
}

fn codes(v: &[Violation]) -> Vec<(&str, &str, Option<&str>)> {
    v.iter()
        .map(|x| (x.path.as_str(), x.rule, x.code))
        .collect()
}

#[test]
fn topic_title_and_describe_at_65() {
    let mut v = topic_req();
    v["title"] = json!("题".repeat(65));
    v["describe"] = json!(format!("{}a", "😀".repeat(32)));
    assert_eq!(messenger::topic(&v), vec![]);
    v["title"] = json!("题".repeat(66));
    v["describe"] = json!("😀".repeat(33));
    assert_eq!(
        codes(&messenger::topic(&v)),
        vec![
            ("title", "max_length", Some("210004")),
            ("describe", "max_length", Some("210006"))
        ]
    );
}

#[test]
fn topic_required_fields_carry_their_codes() {
    assert_eq!(
        codes(&messenger::topic(&json!({}))),
        vec![
            ("appid", "required", Some("210001")),
            ("title", "required", Some("210003")),
            ("describe", "required", Some("210005")),
            ("image_ratio", "required", Some("210012")),
            ("button_type", "required", Some("210007")),
        ]
    );
}

#[test]
fn topic_enumerations() {
    let mut v = topic_req();
    for r in ["SQUARE", "HORIZONTAL"] {
        v["image_ratio"] = json!(r);
        for b in ["ALLOW", "GET", "GET_UPDATES", "OPT_IN", "SIGN_UP"] {
            v["button_type"] = json!(b);
            assert_eq!(messenger::topic(&v), vec![]);
        }
    }
    v["image_ratio"] = json!("PORTRAIT");
    v["button_type"] = json!("SUBSCRIBE");
    v["image_url"] = json!("xxx.png");
    assert_eq!(
        codes(&messenger::topic(&v)),
        vec![
            ("image_ratio", "one_of", Some("210012")),
            ("button_type", "one_of", Some("210007")),
            ("image_url", "format", None),
        ]
    );
}

#[test]
fn topic_update_may_not_change_appid_or_title() {
    let existing = crate::model::messenger::Topic {
        configid: Some("c1".into()),
        appid: Some("106474898833640".into()),
        title: Some("测试".into()),
        ..Default::default()
    };
    let mut v = topic_req();
    v["configid"] = json!("c1");
    v["describe"] = json!("new description");
    assert_eq!(messenger::topic_update(&v, &existing), vec![]);
    v["appid"] = json!("999");
    v["title"] = json!("新主题");
    let got = messenger::topic_update(&v, &existing);
    assert_eq!(
        codes(&got),
        vec![
            ("appid", "immutable", Some("210011")),
            ("title", "immutable", Some("210011"))
        ]
    );
    v["configid"] = json!("other");
    assert_eq!(
        found(&messenger::topic_update(&v, &existing)),
        vec![("configid", "format")]
    );
    // A create (no configid) is not an update.
    let create = topic_req();
    assert_eq!(messenger::topic_update(&create, &existing), vec![]);
}

#[test]
fn opt_in_recipient_by_either_name() {
    let base = json!({"appid": "1", "title": "t"});
    let mut v = base.clone();
    v["recipient_id"] = json!("9");
    assert_eq!(messenger::opt_in(&v), vec![]);
    v["recipientid"] = json!("9");
    assert_eq!(
        found(&messenger::opt_in(&v)),
        vec![("recipientid", "exactly_one")]
    );
    assert_eq!(
        codes(&messenger::opt_in(&base)),
        vec![("recipientid", "required", Some("210009"))]
    );
    // A blank one counts as given, alone or beside the other name.
    for key in ["recipientid", "recipient_id"] {
        let mut v = base.clone();
        v[key] = json!(" ");
        assert_eq!(
            codes(&messenger::opt_in(&v)),
            vec![(key, "blank", Some("210009"))]
        );
    }
    let mut v = base.clone();
    v["recipientid"] = json!("");
    v["recipient_id"] = json!("9");
    assert_eq!(
        found(&messenger::opt_in(&v)),
        vec![("recipientid", "blank"), ("recipientid", "exactly_one")]
    );
    let mut v = base;
    v["recipientid"] = json!("9");
    v["image_ratio"] = json!("WIDE");
    assert_eq!(
        found(&messenger::opt_in(&v)),
        vec![("image_ratio", "one_of")]
    );
}

// ------------------------------------------------------------ paging and ranges

#[test]
fn page_size_at_most_100_where_documented() {
    for f in [
        messenger::task_list,
        messenger::send_record_list,
        line::task_list,
        line::send_record_list,
    ] {
        assert_eq!(f(&json!({"page_no": 1, "page_size": 100})), vec![]);
        let got = f(&json!({"page_no": 0, "page_size": 101}));
        assert_eq!(found(&got), vec![("page_no", "min"), ("page_size", "max")]);
        assert_eq!(
            found(&f(&json!({"page_size": 0}))),
            vec![("page_size", "min")]
        );
        assert_eq!(f(&json!({})), vec![]);
    }
    // No maximum documented for these two; both fields required.
    let sub = json!({"appid": "1", "title": "t", "page_no": 1, "page_size": 500});
    assert_eq!(messenger::query_sub_users(&sub), vec![]);
    assert_eq!(
        found(&messenger::title_list(&json!({}))),
        vec![("page_no", "required"), ("page_size", "required")]
    );
}

#[test]
fn paging_fields_are_integers() {
    let got = messenger::task_list(&json!({"page_no": "1", "page_size": 1.5}));
    assert_eq!(
        found(&got),
        vec![("page_no", "type"), ("page_size", "type")]
    );
    assert_eq!(messenger::task_list(&json!({"page_no": 2.0})), vec![]);
}

#[test]
fn time_ranges_start_not_after_end() {
    let at = 1714295033250_i64;
    let cases: [(super::Validator, &str, &str); 5] = [
        (messenger::task_list, "task_start_time", "task_end_time"),
        (
            messenger::send_record_list,
            "send_start_time",
            "send_end_time",
        ),
        (messenger::title_list, "start_time", "end_time"),
        (line::task_list, "task_start_time", "task_end_time"),
        (line::send_record_list, "send_start_time", "send_end_time"),
    ];
    for (f, s, e) in cases {
        let mut v = json!({"page_no": 1, "page_size": 15});
        v[s] = json!(at);
        v[e] = json!(at);
        assert_eq!(f(&v), vec![], "{s}");
        v[s] = json!(at + 1);
        let got = f(&v);
        assert_eq!(found(&got), vec![(s, "range_order")]);
        assert_eq!(got[0].limit, Some(json!(e)));
    }
}

#[test]
fn record_filters_enumerations() {
    let got = messenger::send_record_list(&json!({"message_status": "3"}));
    assert_eq!(found(&got), vec![("message_status", "one_of")]);
    let got = line::send_record_list(&json!({"message_status": 2}));
    assert_eq!(found(&got), vec![("message_status", "type")]);
    let got = messenger::task_list(&json!({"message_type": 3}));
    assert_eq!(found(&got), vec![("message_type", "one_of")]);
    assert_eq!(messenger::task_list(&json!({"message_type": 2})), vec![]);
}

// ------------------------------------------------------------ the rest

#[test]
fn small_requests() {
    assert_eq!(
        found(&messenger::delete_topic(&json!({}))),
        vec![("configid", "required")]
    );
    assert_eq!(
        found(&line::media_content(&json!({"messageid": 1}))),
        vec![("messageid", "type"), ("appid", "required")]
    );
    assert_eq!(
        found(&messenger::upload_async(
            &json!({"pageid": "P", "type": "sticker", "payload": {"url": "https://a.test"}})
        )),
        vec![("type", "one_of")]
    );
}

#[test]
fn graph_ids_are_path_segments() {
    assert_eq!(
        graph::conversations(&json!({"pageId": "1", "platform": "messenger", "limit": 100})),
        vec![]
    );
    let got = graph::conversations(
        &json!({"pageId": "1/../2", "platform": "whatsapp", "userId": "", "limit": 0}),
    );
    assert_eq!(
        found(&got),
        vec![
            ("pageId", "format"),
            ("platform", "one_of"),
            ("userId", "required"),
            ("limit", "min")
        ]
    );
    assert_eq!(
        found(&graph::conversation_messages(
            &json!({"conversationId": "t_1?x=1", "after": 1})
        )),
        vec![("conversationId", "format"), ("after", "type")]
    );
    assert_eq!(
        graph::message(
            &json!({"messageId": "aWdGGiblWZ", "fields": "id,created_time,from,to,message"})
        ),
        vec![]
    );
    assert_eq!(
        found(&graph::message(
            &json!({"messageId": "m", "fields": "id,,from"})
        )),
        vec![("fields", "format")]
    );
}

#[test]
fn every_endpoint_has_its_validator() {
    for e in crate::api::CATALOGUE {
        // every validator refuses a request that is not an object (get_token's
        // has nothing to check: its query is built by the client)
        let v = (e.validate)(&json!(42));
        assert_eq!(v.is_empty(), e.name == "get_token", "{}", e.name);
    }
}

// ------------------------------------------------------------ bounded lists

#[test]
fn an_array_over_its_limit_is_reported_once_and_walked_to_its_limit() {
    // 100,000 elements, each with two violations: the length, then the first 10 only.
    let bad = json!({"subtitle": "x".repeat(81)});
    let many = generic(Value::Array(vec![bad; 100_000]));
    let got = messenger::send_message(&many);
    assert_eq!(found(&got[..1]), vec![("payload.elements", "max_items")]);
    assert_eq!(got[0].actual, Some(json!(100_000)));
    assert_eq!(got.len(), 1 + 10 * 2, "{:?}", found(&got));
    assert!(got
        .iter()
        .all(|v| !v.path.starts_with("payload.elements[10]")));
    assert!(got.iter().all(|v| v.rule != "max_violations"));

    // the same for buttons: four bad buttons, the first three are checked
    let got = messenger::send_message(&button_template(
        "t",
        json!([{"type": "?"}, {"type": "?"}, {"type": "?"}, {"type": "?"}]),
    ));
    assert_eq!(
        found(&got),
        vec![
            ("payload.buttons", "max_items"),
            ("payload.buttons[0].type", "one_of"),
            ("payload.buttons[1].type", "one_of"),
            ("payload.buttons[2].type", "one_of"),
        ]
    );
}

#[test]
fn validation_lists_at_most_100_violations_then_says_how_many_more_at_least() {
    let with_unknown = |n: usize| {
        let mut m = serde_json::Map::new();
        for i in 0..n {
            m.insert(format!("x{i}"), json!(1));
        }
        Value::Object(m)
    };
    // upload_async of {}: pageid, type and payload are required (3), plus n unknown fields
    assert_eq!(messenger::upload_async(&with_unknown(97)).len(), 100);
    assert!(messenger::upload_async(&with_unknown(97))
        .iter()
        .all(|v| v.rule != "max_violations"));
    let got = messenger::upload_async(&with_unknown(98));
    assert_eq!(got.len(), 101);
    let last = &got[100];
    assert_eq!(
        (last.path.as_str(), last.rule),
        ("(request)", "max_violations")
    );
    assert_eq!(
        (&last.limit, &last.actual),
        (&Some(json!(100)), &Some(json!(1)))
    );
    assert_eq!(
        last.message,
        "at least 1 more violation is not listed: validation lists at most 100"
    );

    // unknown fields past the limit are counted, not built
    let got = messenger::send_message(&with_unknown(1_000_000));
    assert_eq!(got.len(), 101);
    let more = got[100]
        .actual
        .as_ref()
        .and_then(Value::as_u64)
        .unwrap_or(0);
    assert!(more >= 1_000_000 - 100, "{more}");
    assert!(got[100]
        .message
        .starts_with(&format!("at least {more} more violations are")));
}

#[test]
fn long_strings_are_measured_before_they_are_counted() {
    // far over the limit: one violation with the exact length
    let v = one(
        &send("text", json!("字".repeat(1_000_000))),
        "payload",
        "max_length",
    );
    assert_eq!(v.actual, Some(json!(1_000_000)));
    // more bytes than the limit but not more UTF-16 units: within it
    ok(&send("text", json!("字".repeat(2000))));
    ok(&send("text", json!("😀".repeat(1000))));
}
