//! Messenger webhook bodies: `parse_messenger`, and `parse` on the Messenger
//! channel (which also recognises upload results). Neither may panic; a body
//! accepted by one reading is accepted by the other.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sobot_channels::webhook::{parse, parse_messenger, Channel, ParseOptions};

fuzz_target!(|data: &[u8]| {
    let opts = ParseOptions::default();
    let direct = parse_messenger(data, opts);
    let either = parse(Channel::Messenger, data, opts);
    if direct.is_ok() {
        assert!(
            either.is_ok(),
            "parse refused a body parse_messenger accepted"
        );
    }
    if let Err(e) = direct {
        assert!(!e.message.is_empty(), "an error without a message");
    }
    // A limit smaller than the body is refused before parsing.
    if !data.is_empty() {
        let small = ParseOptions {
            max_bytes: data.len() - 1,
        };
        assert!(parse_messenger(data, small).is_err());
    }
});
