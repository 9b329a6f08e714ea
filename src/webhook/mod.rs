//! Incoming webhooks as pure functions: verify a signature over raw bytes,
//! parse a payload, normalise the events of both channels into one shape, and
//! decide what a webhook handler answers.
//!
//! Nothing here does I/O; every function takes bytes and returns values or
//! an [`crate::Error`], and none of them panics on any input.

pub mod challenge;
pub mod dedupe;
pub mod handler;
pub mod normalize;
pub mod parse;
pub mod signature;

pub use challenge::{query_param, verify_challenge, Refusal};
pub use dedupe::Deduper;
pub use normalize::{
    events, normalize, normalize_line, normalize_messenger, Details, NormalizedEvent,
};
pub use parse::{
    check_length, parse, parse_line, parse_messenger, parse_upload_result, Channel, ParseOptions,
    Payload, DEFAULT_MAX_BYTES,
};
pub use signature::{
    hmac, line_claim, messenger_claim, sign_line, sign_messenger, verify_line, verify_messenger,
    verify_with, ClaimedMac, MacAlgorithm,
};
