//! Signature verification with arbitrary headers. The input is a header line,
//! `\n`, then the body. Verification never panics; the secret's own signature
//! of the body always verifies; an empty secret is always an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sobot_channels::webhook::{sign_line, sign_messenger, verify_line, verify_messenger};

const SECRET: &[u8] = b"fuzz-secret";

fuzz_target!(|data: &[u8]| {
    let (header, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (
            data.get(..i).unwrap_or_default(),
            data.get(i + 1..).unwrap_or_default(),
        ),
        None => (data, &[][..]),
    };
    let header = String::from_utf8_lossy(header);
    for secret in [SECRET, header.as_bytes()] {
        if secret.is_empty() {
            assert!(verify_line(body, secret, Some(&header)).is_err());
            assert!(verify_messenger(body, secret, Some(&header)).is_err());
            continue;
        }
        verify_line(body, secret, Some(&header)).expect("non-empty secret");
        verify_messenger(body, secret, Some(&header)).expect("non-empty secret");
        assert_eq!(verify_line(body, secret, None).ok(), Some(false));
        assert_eq!(verify_messenger(body, secret, None).ok(), Some(false));
        let line = sign_line(body, secret).expect("HMAC takes any key");
        assert_eq!(verify_line(body, secret, Some(&line)).ok(), Some(true));
        let messenger = sign_messenger(body, secret).expect("HMAC takes any key");
        assert_eq!(
            verify_messenger(body, secret, Some(&messenger)).ok(),
            Some(true)
        );
    }
});
