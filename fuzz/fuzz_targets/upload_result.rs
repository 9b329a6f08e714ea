//! The upload result Sobot forwards after `upload_async`: parsed, or refused
//! with an error naming the field.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sobot_channels::webhook::{parse_upload_result, ParseOptions};

fuzz_target!(|data: &[u8]| {
    if let Err(e) = parse_upload_result(data, ParseOptions::default()) {
        assert!(!e.message.is_empty(), "an error without a message");
        assert!(
            !e.violations.is_empty(),
            "a parse error without a violation"
        );
    }
});
