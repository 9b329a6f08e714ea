//! Every validator over arbitrary JSON: `validate::REQUESTS`, and each
//! catalogue endpoint's validator and encoder (a request with no violation
//! must encode). Inputs that are not JSON are skipped.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sobot_channels::api::CATALOGUE;
use sobot_channels::validate::REQUESTS;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    for (name, validator) in REQUESTS {
        for v in validator(&value) {
            assert!(
                !v.path.is_empty() || !v.message.is_empty(),
                "{name}: empty violation"
            );
        }
    }
    for endpoint in CATALOGUE {
        if (endpoint.validate)(&value).is_empty() {
            let _ = (endpoint.encode)(value.clone());
        }
    }
});
