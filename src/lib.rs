//! `sobot-channels`: the client for the Sobot open platform's Facebook Messenger
//! and LINE channels and for Meta's Graph API Conversations API.
//!
//! The crate is layered as `../shared/DESIGN.md` describes; data flows one way:
//!
//! 1. [`model`]: plain serde types named after the API documents;
//! 2. [`validate`]: the rules a request must meet before it is sent;
//! 3. [`webhook`]: verify, parse and normalise incoming webhooks;
//! 4. [`api`]: the endpoint catalogue as data;
//! 5. [`client`]: runtime behaviour (token, transport, clock) behind small traits;
//! 6. `js`: the WebAssembly boundary, compiled for `wasm32` only.
//!
//! Library code never panics: every failure is an [`Error`] value.
#![deny(missing_docs)]
// `Error` carries everything a caller needs (kind, code, status, violations,
// Graph details); it is returned once per failed call, never in a loop.
#![allow(clippy::result_large_err)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable
    )
)]

pub mod api;
pub mod client;
pub mod error;
mod hex;
mod json;
pub mod model;
pub mod validate;
pub mod webhook;

#[cfg(target_arch = "wasm32")]
pub mod js;

pub use error::{Error, ErrorKind};
