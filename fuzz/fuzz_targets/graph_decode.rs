//! Graph answers (`client::graph::decode`) of every Graph endpoint of
//! `api::CATALOGUE`: the object in its documented shape, or Graph's error
//! object as an error; then the cursor walker over the page.
//! The input is the body; it is also tried as the `Retry-After` header.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sobot_channels::api::{Auth, Paging, CATALOGUE};
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
                if let Ok(v) = decode(endpoint, &resp, now) {
                    if endpoint.paging == Paging::GraphCursor {
                        let mut walker = CursorWalker::new(None);
                        let _ = walker.advance(v);
                        let _ = walker.next_after();
                    }
                }
            }
        }
    }
});
