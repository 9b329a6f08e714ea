//! Parse, then normalise: every body either channel accepts becomes events,
//! which serialise to JSON (what the JavaScript side receives).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sobot_channels::webhook::{normalize, parse, Channel, ParseOptions};

fuzz_target!(|data: &[u8]| {
    for channel in [Channel::Messenger, Channel::Line] {
        if let Ok(payload) = parse(channel, data, ParseOptions::default()) {
            let events = normalize(&payload);
            let json = serde_json::to_vec(&events);
            assert!(json.is_ok(), "normalised events do not serialise");
        }
    }
});
