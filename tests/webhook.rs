//! Webhook parsing and normalisation over every fixture, with the expected
//! normalised events in `tests/fixtures/<channel>/normalized/`.
//! `UPDATE_EXPECT=1 cargo test --test webhook` rewrites them (review the diff).

use serde_json::Value;
use sobot_channels::webhook::{
    normalize, parse, parse_line, parse_messenger, parse_upload_result, Channel, ParseOptions,
};
use sobot_channels::ErrorKind;
use std::fs;
use std::path::{Path, PathBuf};

fn fixtures(channel: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(channel);
    let mut v: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_str().unwrap();
            n.starts_with("webhook_") && n.ends_with(".json")
        })
        .collect();
    v.sort();
    v
}

/// The normalised events as JSON; each one's `kind` is also `NormalizedEvent::kind`.
fn normalized_json(channel: Channel, body: &[u8]) -> Value {
    let p = parse(channel, body, ParseOptions::default()).unwrap();
    let events = normalize(&p);
    let json = serde_json::to_value(&events).unwrap();
    for (e, j) in events.iter().zip(json.as_array().unwrap()) {
        assert_eq!(
            j["kind"],
            e.kind(),
            "the serialised kind is NormalizedEvent::kind"
        );
    }
    json
}

/// The typed form keeps every field, declared or not: re-serialised, it is the input.
fn kept_whole<T: serde::Serialize>(w: &T, body: &[u8], name: &str) {
    let input: Value = serde_json::from_slice(body).unwrap();
    let again = serde_json::to_value(w).unwrap();
    if again != input {
        let diff = first_difference(&input, &again, String::new());
        panic!("{name}: the typed form differs from the input at {diff}");
    }
}

fn first_difference(a: &Value, b: &Value, at: String) -> String {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) if w == v => {}
                    Some(w) => return first_difference(v, w, format!("{at}.{k}")),
                    None => return format!("{at}.{k} (missing)"),
                }
            }
            let extra: Vec<&String> = y.keys().filter(|k| !x.contains_key(*k)).collect();
            format!("{at} (added {extra:?})")
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find(|(_, (v, w))| v != w)
            .map(|(i, (v, w))| first_difference(v, w, format!("{at}[{i}]")))
            .unwrap_or(at),
        _ => format!("{at}: {a} became {b}"),
    }
}

fn check_expected(channel: Channel, dir: &str) -> usize {
    let mut n = 0;
    for path in fixtures(dir) {
        let body = fs::read(&path).unwrap();
        let got = normalized_json(channel, &body);
        let expected_path = path
            .parent()
            .unwrap()
            .join("normalized")
            .join(path.file_name().unwrap());
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            fs::create_dir_all(expected_path.parent().unwrap()).unwrap();
            fs::write(
                &expected_path,
                serde_json::to_string_pretty(&got).unwrap() + "\n",
            )
            .unwrap();
        }
        let expected: Value = serde_json::from_slice(&fs::read(&expected_path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
        assert_eq!(got, expected, "{}", path.display());
        n += 1;
    }
    n
}

#[test]
fn every_messenger_fixture_parses_and_normalises_as_expected() {
    let mut n = 0;
    for path in fixtures("messenger") {
        let body = fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        if name.contains("upload_result") {
            parse_upload_result(&body, ParseOptions::default()).unwrap();
            assert!(parse_messenger(&body, ParseOptions::default()).is_err());
        } else {
            let w = parse_messenger(&body, ParseOptions::default()).unwrap();
            assert_eq!(w.object, "page");
            kept_whole(&w, &body, name);
            // The parsed form re-parses to itself.
            let again = serde_json::to_vec(&w).unwrap();
            assert_eq!(
                parse_messenger(&again, ParseOptions::default()).unwrap(),
                w,
                "{name}"
            );
        }
        n += 1;
    }
    assert!(n >= 18, "{n} fixtures");
    assert_eq!(check_expected(Channel::Messenger, "messenger"), n);
}

#[test]
fn every_line_fixture_parses_and_normalises_as_expected() {
    let mut n = 0;
    for path in fixtures("line") {
        let body = fs::read(&path).unwrap();
        let w = parse_line(&body, ParseOptions::default()).unwrap();
        kept_whole(&w, &body, &path.display().to_string());
        let again = serde_json::to_vec(&w).unwrap();
        assert_eq!(parse_line(&again, ParseOptions::default()).unwrap(), w);
        n += 1;
    }
    assert!(n >= 21, "{n} fixtures");
    assert_eq!(check_expected(Channel::Line, "line"), n);
}

fn fixture(path: &str) -> Vec<u8> {
    fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(path),
    )
    .unwrap()
}

#[test]
fn messenger_text_of_the_document() {
    let ev = normalized_json(
        Channel::Messenger,
        &fixture("messenger/webhook_doc_text.json"),
    );
    let e = &ev[0];
    assert_eq!(e["channel"], "messenger");
    assert_eq!(e["kind"], "message");
    assert_eq!(e["eventId"], "m_hAxxtkOsBG8UEtO0RQNcwPgfxWKYaLWowT0Z7iLv");
    assert_eq!(e["text"], "11");
    assert_eq!(e["timestamp"], 1714120446870i64);
    assert_eq!(e["sender"]["id"], "524807506000000");
    assert_eq!(e["recipient"]["id"], "110661988000000");
    assert_eq!(
        e["chat"],
        serde_json::json!({"type": "user", "id": "524807506000000"})
    );
    assert_eq!(e["attachments"], serde_json::json!([]));
    assert_eq!(e["raw"]["message"]["text"], "11");
}

#[test]
fn messenger_subscription_statuses() {
    for (file, status) in [
        ("optin_subscribe", "subscribed"),
        ("optin_stop", "stopped"),
        ("optin_resume", "resumed"),
    ] {
        let ev = normalized_json(
            Channel::Messenger,
            &fixture(&format!("messenger/webhook_doc_{file}.json")),
        );
        let s = &ev[0]["subscription"];
        assert_eq!(ev[0]["kind"], "subscription");
        assert_eq!(s["status"], status, "{file}");
        assert_eq!(s["title"], "订阅主题");
        assert_eq!(s["expiresAt"], 2145916800000i64);
    }
}

#[test]
fn unknown_events_do_not_spoil_the_batch() {
    let ev = normalized_json(
        Channel::Messenger,
        &fixture("messenger/webhook_ref_mixed_unknown.json"),
    );
    let kinds: Vec<&str> = ev
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["messageEdit", "message", "unknown", "message"]);
    assert_eq!(ev[0]["messageEdit"]["numEdit"], 1);
    // a malformed message keeps its common fields, and so an id
    assert_eq!(ev[2]["sender"]["id"], "524807506000000");
    assert_eq!(ev[2]["timestamp"], 1714121007002i64);
    assert!(ev[2]["eventId"].is_string());
    assert_eq!(ev[1]["attachments"][1]["type"], "fallback");
    assert_eq!(ev[1]["sticker"]["stickerId"], "369239263222822");
    assert_eq!(ev[3]["mode"], "standby");

    let ev = normalized_json(
        Channel::Line,
        &fixture("line/webhook_ref_unknown_kinds.json"),
    );
    let kinds: Vec<&str> = ev
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["membership", "unknown", "message", "follow"]);
    assert_eq!(ev[0]["membership"]["type"], "joined");
    assert_eq!(ev[0]["eventId"], "01HMQGW40RZJPJM3RAJP7BH012");
    assert_eq!(ev[1]["type"], "hologram");
    // an unknown kind keeps LINE's common fields
    for field in ["mode", "sender", "chat", "eventId", "timestamp"] {
        assert!(!ev[1][field].is_null(), "{field}");
    }
    assert_eq!(ev[2]["text"], "still here");
    assert_eq!(ev[2]["raw"]["message"]["futureField"]["nested"][2], 3);
    assert_eq!(ev[3]["isUnblocked"], true);
}

#[test]
fn line_media_and_group_sources() {
    let ev = normalized_json(Channel::Line, &fixture("line/webhook_doc_image.json"));
    assert_eq!(ev[0]["attachments"][0]["contentId"], "354718705033693859");
    assert_eq!(ev[0]["attachments"][0]["url"], Value::Null);
    let ev = normalized_json(Channel::Line, &fixture("line/webhook_doc_video.json"));
    assert_eq!(
        ev[0]["attachments"][0]["url"],
        "https://example.com/original.mp4"
    );
    assert_eq!(ev[0]["attachments"][0]["contentId"], Value::Null);
    assert_eq!(ev[0]["attachments"][0]["duration"], 60000);
    let ev = normalized_json(Channel::Line, &fixture("line/webhook_doc_file.json"));
    assert_eq!(ev[0]["attachments"][0]["fileName"], "file.txt");
    assert_eq!(ev[0]["attachments"][0]["fileSize"], 2138);
    let ev = normalized_json(
        Channel::Line,
        &fixture("line/webhook_ref_member_joined_left.json"),
    );
    assert_eq!(ev[0]["chat"]["type"], "group");
    assert_eq!(ev[0]["members"].as_array().unwrap().len(), 2);
    let ev = normalized_json(
        Channel::Line,
        &fixture("line/webhook_ref_image_external_redelivery.json"),
    );
    assert_eq!(ev[0]["isRedelivery"], true);
}

#[test]
fn upload_result_on_the_messenger_channel() {
    let ev = normalized_json(
        Channel::Messenger,
        &fixture("messenger/webhook_doc_upload_result.json"),
    );
    assert_eq!(ev[0]["kind"], "upload");
    assert_eq!(
        ev[0]["upload"]["trackId"],
        "d13415bb2b704e58aa373bb5e0e11914"
    );
    assert_eq!(ev[0]["upload"]["attachmentId"], "1234567890");
    let e = parse_messenger(
        &fixture("messenger/webhook_doc_upload_result.json"),
        ParseOptions::default(),
    )
    .unwrap_err();
    assert!(e.message.contains("parseUploadResult"), "{}", e.message);
}

fn err(channel: Channel, body: &str) -> sobot_channels::Error {
    parse(channel, body.as_bytes(), ParseOptions::default()).unwrap_err()
}

#[test]
fn bad_input_errors_name_the_problem() {
    let e = err(
        Channel::Line,
        "{\n  \"destination\": \"x\",\n  \"events\": [tru]\n}",
    );
    assert_eq!(e.kind, ErrorKind::Decode);
    assert_eq!(e.violations[0].rule, "json");
    assert!(e.message.contains("line 3, column"), "{}", e.message);
    assert_eq!(e.violations[0].actual.as_ref().unwrap()["line"], 3);

    let e = err(
        Channel::Messenger,
        r#"{"object":"page","entry":[{"id":"1","#,
    );
    assert_eq!(e.violations[0].rule, "json");
    assert!(e.message.contains("line 1, column"));

    let e = err(Channel::Messenger, r#"{"object":"instagram","entry":[]}"#);
    assert_eq!(
        (e.violations[0].path.as_str(), e.violations[0].rule),
        ("object", "equals")
    );
    assert!(e.message.contains("\"page\"") && e.message.contains("instagram"));

    let e = err(Channel::Messenger, r#"{"object":"page"}"#);
    assert_eq!(
        (e.violations[0].path.as_str(), e.violations[0].rule),
        ("entry", "required")
    );
    let e = err(Channel::Messenger, r#"{"entry":[]}"#);
    assert_eq!(e.violations[0].path, "object");
    let e = err(Channel::Messenger, r#"{"object":"page","entry":{}}"#);
    assert_eq!(
        (e.violations[0].path.as_str(), e.violations[0].rule),
        ("entry", "type")
    );
    assert_eq!(e.message, "entry must be an array, got an object");
    let e = err(
        Channel::Messenger,
        r#"{"object":"page","entry":[{"messaging":7}]}"#,
    );
    assert_eq!(e.violations[0].path, "entry[0]");
    let e = err(Channel::Messenger, r#"{"object":"page","entry":[3]}"#);
    assert_eq!(e.message, "entry[0] must be an object, got a number");

    let e = err(Channel::Line, r#"{"destination":"U1"}"#);
    assert_eq!(
        (e.violations[0].path.as_str(), e.violations[0].rule),
        ("events", "required")
    );
    let e = err(Channel::Line, r#"{"destination":5,"events":[]}"#);
    assert_eq!(
        (e.violations[0].path.as_str(), e.violations[0].rule),
        ("destination", "type")
    );
    let e = err(Channel::Line, r#"{"events":[]}"#);
    assert_eq!(e.violations[0].path, "destination");
    let e = err(Channel::Line, "[]");
    assert_eq!(e.message, "body must be a JSON object");
    let e = err(Channel::Line, "");
    assert_eq!(e.violations[0].rule, "json");

    let e = parse_upload_result(br#"{"track_id":"t"}"#, ParseOptions::default()).unwrap_err();
    assert_eq!(
        (e.violations[0].path.as_str(), e.violations[0].rule),
        ("attachment_id", "required")
    );
}

#[test]
fn size_limit_is_checked_before_parsing() {
    let body = fixture("line/webhook_doc_text.json");
    let opts = ParseOptions {
        max_bytes: body.len() - 1,
    };
    let e = parse_line(&body, opts).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Decode);
    assert_eq!(e.violations[0].rule, "max_bytes");
    assert_eq!(e.violations[0].limit, Some(Value::from(body.len() - 1)));
    assert!(parse_line(
        &body,
        ParseOptions {
            max_bytes: body.len()
        }
    )
    .is_ok());
    // Not even looked at: invalid JSON over the limit is a size error.
    let junk = vec![b'{'; 2 * 1024 * 1024];
    let e = parse_line(&junk, ParseOptions::default()).unwrap_err();
    assert_eq!(e.violations[0].rule, "max_bytes");
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_and_truncated_bodies_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut bodies: Vec<Vec<u8>> = Vec::new();
    for ch in ["messenger", "line"] {
        for p in fixtures(ch) {
            let b = fs::read(p).unwrap();
            for cut in (0..b.len()).step_by(7) {
                bodies.push(b[..cut].to_vec());
            }
            for _ in 0..50 {
                let mut m = b.clone();
                let i = (rng.next() as usize) % m.len();
                m[i] = rng.next() as u8;
                bodies.push(m);
            }
        }
    }
    for _ in 0..2000 {
        let len = (rng.next() % 200) as usize;
        bodies.push((0..len).map(|_| rng.next() as u8).collect());
    }
    for b in &bodies {
        for ch in [Channel::Messenger, Channel::Line] {
            if let Ok(p) = parse(ch, b, ParseOptions::default()) {
                serde_json::to_string(&normalize(&p)).unwrap();
            }
        }
        let _ = parse_upload_result(b, ParseOptions::default());
    }
    assert!(parse(
        Channel::Line,
        &fixture("line/webhook_doc_text.json"),
        ParseOptions::default()
    )
    .is_ok());
}

/// The value at a dotted path (`attachments.0.url`): objects by key, arrays by index.
fn at<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(v, |v, key| match v {
        Value::Object(m) => m.get(key),
        Value::Array(a) => a.get(key.parse::<usize>().ok()?),
        _ => None,
    })
}

/// The conformance corpus (`tests/fixtures/conformance.json`): every event of
/// every fixture is signed, verified, parsed and normalised, and each value a
/// bot reads is checked against the payload it came from.
#[test]
fn the_conformance_corpus_normalises_field_by_field() {
    let manifest: Value = serde_json::from_slice(&fixture("conformance.json")).unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for entry in manifest.as_array().unwrap() {
        let file = entry["file"].as_str().unwrap();
        let body = fixture(file);
        let channel = if file.starts_with("line/") {
            Channel::Line
        } else {
            Channel::Messenger
        };
        let secret = b"conformance-secret";
        let ok = match channel {
            Channel::Line => {
                let sig = sobot_channels::webhook::sign_line(&body, secret).unwrap();
                sobot_channels::webhook::verify_line(&body, secret, Some(&sig)).unwrap()
            }
            Channel::Messenger => {
                let sig = sobot_channels::webhook::sign_messenger(&body, secret).unwrap();
                sobot_channels::webhook::verify_messenger(&body, secret, Some(&sig)).unwrap()
            }
        };
        assert!(ok, "{file}: signature");
        let events = normalized_json(channel, &body);
        let expected = entry["events"].as_array().unwrap();
        let got = events.as_array().unwrap();
        if got.len() != expected.len() {
            failures.push(format!(
                "{file}: {} events, expected {}",
                got.len(),
                expected.len()
            ));
            continue;
        }
        for (i, (ev, want)) in got.iter().zip(expected).enumerate() {
            if ev["kind"] != want["kind"] {
                failures.push(format!(
                    "{file}[{i}]: kind {} expected {}",
                    ev["kind"], want["kind"]
                ));
                continue;
            }
            for (path, value) in want["expect"].as_object().unwrap() {
                checked += 1;
                if at(ev, path) != Some(value) {
                    failures.push(format!(
                        "{file}[{i}].{path}: {:?} expected {value}",
                        at(ev, path)
                    ));
                }
            }
        }
    }
    assert!(checked > 1000, "{checked} values checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_message_always_has_a_sender() {
    let body = br#"{"destination":"U","events":[{"type":"message","timestamp":1,"mode":"active","webhookEventId":"E","deliveryContext":{"isRedelivery":false},"message":{"type":"text","id":"1","text":"hi"}}]}"#;
    let ev = normalized_json(Channel::Line, body);
    assert_eq!(ev[0]["kind"], "message");
    assert_eq!(ev[0]["sender"], serde_json::json!({ "id": null }));
    let follow = br#"{"destination":"U","events":[{"type":"follow","timestamp":1}]}"#;
    assert_eq!(
        normalized_json(Channel::Line, follow)[0]["sender"],
        Value::Null
    );
}
