//! LINE webhook bodies: `parse_line` and `parse` on the LINE channel agree,
//! and neither panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sobot_channels::webhook::{parse, parse_line, Channel, ParseOptions};

fuzz_target!(|data: &[u8]| {
    let opts = ParseOptions::default();
    let direct = parse_line(data, opts);
    let either = parse(Channel::Line, data, opts);
    assert_eq!(
        direct.is_ok(),
        either.is_ok(),
        "parse and parse_line disagree"
    );
    if let Err(e) = direct {
        assert!(!e.message.is_empty(), "an error without a message");
    }
    if !data.is_empty() {
        let small = ParseOptions {
            max_bytes: data.len() - 1,
        };
        assert!(parse_line(data, small).is_err());
    }
});
