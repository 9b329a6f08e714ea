//! Graph answers (`client::graph::decode`) of every Graph endpoint of
//! `api::CATALOGUE`: the object in its documented shape, as JSON text
//! (`api::Json`), or Graph's error object as an error; then the answer read
//! back (`Json::value`) and the cursor walker over the page, as the client's
//! pagers do (`graph.conversation_messages` pages its `messages`).
//! The input is the body; it is also tried as the `Retry-After` header.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sobot_channels::api::{Auth, Paging, CATALOGUE, GRAPH_CONVERSATION_MESSAGES};
use sobot_channels::client::graph::decode;
use sobot_channels::client::paging::CursorWalker;
use sobot_channels::client::HttpResponse;

fuzz_target!(|data: &[u8]| {
    let header = String::from_utf8_lossy(data).into_owned();
    for endpoint in CATALOGUE
        .iter()
        .filter(|e| e.auth == Auth::GraphAccessToken)
    {
        for (status, retry_after) in [(200, None), (400, None), (429, Some(header.clone()))] {
            let resp = HttpResponse {
                status,
                retry_after,
                body: data.to_vec(),
            };
            for now in [0, 1_700_000_000_000, u64::MAX] {
                if let Ok(json) = decode(endpoint, &resp, now) {
                    let v = json.value().expect("an answer's JSON text reads back");
                    if endpoint.paging == Paging::GraphCursor {
                        let page = if endpoint.name == GRAPH_CONVERSATION_MESSAGES.name {
                            v.get("messages").cloned().unwrap_or_default()
                        } else {
                            v
                        };
                        let mut walker = CursorWalker::new(None);
                        let _ = walker.advance(page);
                        let _ = walker.next_after();
                    }
                }
            }
        }
    }
});
