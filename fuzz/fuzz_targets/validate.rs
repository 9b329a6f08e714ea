//! Every catalogue endpoint's validator and encoder over arbitrary JSON:
//! violations are never empty, and a request with no violation encodes.
//! Inputs that are not JSON are skipped.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sobot_channels::api::CATALOGUE;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    for endpoint in CATALOGUE {
        let violations = (endpoint.validate)(&value);
        for v in &violations {
            assert!(
                !v.path.is_empty() || !v.message.is_empty(),
                "{}: empty violation",
                endpoint.name
            );
        }
        if violations.is_empty() {
            let _ = (endpoint.encode)(value.clone());
        }
    }
});
