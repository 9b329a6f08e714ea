//! Every Sobot answer the client decodes: the envelope (`client::sobot::decode`)
//! of each endpoint of `api::CATALOGUE`, then its documented shape
//! (`client::sobot::answer`) and, for paged endpoints, the page walker.
//! The input is the body; it is also tried as the `Retry-After` header.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sobot_channels::api::{Answer, Auth, CATALOGUE};
use sobot_channels::client::paging::PageWalker;
use sobot_channels::client::sobot::{answer, decode};
use sobot_channels::client::HttpResponse;

const STATUSES: [u16; 5] = [200, 400, 429, 500, 503];
const NOWS: [u64; 3] = [0, 1_700_000_000_000, u64::MAX];

fuzz_target!(|data: &[u8]| {
    let header = String::from_utf8_lossy(data).into_owned();
    for endpoint in CATALOGUE
        .iter()
        .filter(|e| e.auth != Auth::GraphAccessToken)
    {
        for (i, status) in STATUSES.into_iter().enumerate() {
            let resp = HttpResponse {
                status,
                retry_after: (i % 2 == 1).then(|| header.clone()),
                body: data.to_vec(),
            };
            for now in NOWS {
                match decode(endpoint, &resp, now) {
                    Ok(env) => {
                        if let Ok(v) = answer(endpoint, env) {
                            if let Answer::Page { list } = endpoint.answer {
                                let mut walker = PageWalker::new(&serde_json::json!({}), list);
                                let _ = walker.advance(v);
                                let _ = walker.next_request();
                            }
                        }
                    }
                    Err(e) => assert!(!e.error.message.is_empty() || e.error.code.is_some()),
                }
            }
        }
    }
});
