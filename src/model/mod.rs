//! Plain data: serde types for the requests, responses and webhook payloads of
//! the three API documents, with the documents' wire names kept exactly.
//!
//! Where a document contradicts itself, types decode leniently and encode
//! exactly as the document's tables say (see `docs/decisions.md`).

pub mod catalogue;
pub mod enums;
pub mod envelope;
pub mod graph;
pub mod lenient;
pub mod line;
pub mod messenger;
pub mod token;
pub mod webhook;

pub use envelope::{Envelope, Paged, SUCCESS_CODE};
pub use token::TokenItem;
