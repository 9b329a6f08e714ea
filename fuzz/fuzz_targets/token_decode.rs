//! `get_token` answers (`client::token::decode_token_response`): a token with
//! an expiry, or an error; never a panic, whatever the clock says.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sobot_channels::client::token::decode_token_response;
use sobot_channels::client::{ExposeSecret, HttpResponse};

fuzz_target!(|data: &[u8]| {
    for status in [200, 500] {
        let resp = HttpResponse {
            status,
            retry_after: None,
            body: data.to_vec(),
        };
        for now in [0, 1_700_000_000_000, u64::MAX] {
            if let Ok(token) = decode_token_response(&resp, now) {
                assert!(
                    !token.token.expose_secret().is_empty(),
                    "an empty token accepted"
                );
                assert!(token.expires_at_ms >= now);
            }
        }
    }
});
