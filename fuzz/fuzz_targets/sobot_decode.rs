//! Every Sobot answer the client decodes, by both of its readings: the
//! success read straight from the text (`client::sobot::read_success`, what a
//! call tries first), and the envelope (`client::sobot::decode`) of each
//! endpoint of `api::CATALOGUE` followed by its documented shape
//! (`client::sobot::answer`). Answers are JSON text (`api::Json`); for paged
//! endpoints it is read back (`Json::value`) and given to the page walker.
//! The input is the body; it is also tried as the `Retry-After` header of
//! failed answers, with clocks at 0, now and `u64::MAX`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sobot_channels::api::{Answer, Auth, Endpoint, Json, CATALOGUE};
use sobot_channels::client::paging::PageWalker;
use sobot_channels::client::sobot::{answer, decode, read_success};
use sobot_channels::client::HttpResponse;

const NOW: u64 = 1_700_000_000_000;

/// An answer is the text of a model type: it reads back as JSON, and a page
/// goes through the walker as the client's pager gives it.
fn walk(endpoint: &Endpoint, json: &Json) {
    let v = json.value().expect("an answer's JSON text reads back");
    if let Answer::Page = endpoint.answer {
        // a page's model type holds its rows in `items`, whatever the wire called them
        let mut walker = PageWalker::new(&serde_json::json!({}), "items");
        let _ = walker.advance(v);
        let _ = walker.next_request();
    }
}

fuzz_target!(|data: &[u8]| {
    let ok = HttpResponse {
        status: 200,
        retry_after: None,
        body: data.to_vec(),
    };
    let sobot = || {
        CATALOGUE
            .iter()
            .filter(|e| e.auth != Auth::GraphAccessToken)
    };
    for endpoint in sobot() {
        if let Some(json) = read_success(endpoint, data) {
            walk(endpoint, &json);
        }
        match decode(endpoint, &ok, NOW) {
            Ok(env) => match answer(endpoint, env) {
                Ok(json) => walk(endpoint, &json),
                Err(e) => assert!(!e.message.is_empty(), "an error without a message"),
            },
            Err(e) => assert!(!e.error.message.is_empty(), "an error without a message"),
        }
    }
    // The status and Retry-After handling does not depend on the endpoint.
    let Some(endpoint) = sobot().next() else {
        return;
    };
    let header = String::from_utf8_lossy(data).into_owned();
    for status in [400, 429, 500, 503] {
        let resp = HttpResponse {
            status,
            retry_after: Some(header.clone()),
            body: data.to_vec(),
        };
        for now in [0, NOW, u64::MAX] {
            let _ = decode(endpoint, &resp, now);
        }
    }
});
