//! Plain data: serde types for the requests, responses and webhook payloads of
//! the three API documents, with the documents' wire names kept exactly.
//!
//! Where a document contradicts itself, types decode leniently and encode
//! exactly as the document's tables say (see `docs/decisions.md`).

/// Declares an answer's alias once: the Rust type and, in wasm builds, its
/// TypeScript declaration (`export type Name = Outer<Inner>;`).
macro_rules! answer_alias {
    (#[doc = $doc:literal] $name:ident = $outer:ident<$inner:ident>;) => {
        #[doc = $doc]
        pub type $name = $outer<$inner>;
        #[cfg(target_arch = "wasm32")]
        #[allow(non_upper_case_globals)]
        #[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
        const $name: &'static str = concat!(
            "/**",
            $doc,
            " */\nexport type ",
            stringify!($name),
            " = ",
            stringify!($outer),
            "<",
            ts_name!($inner),
            ">;\n"
        );
    };
}

/// The TypeScript name of a type argument of `answer_alias!`.
#[cfg(target_arch = "wasm32")]
macro_rules! ts_name {
    (String) => {
        "string"
    };
    ($inner:ident) => {
        stringify!($inner)
    };
}

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
