//! Runtime behaviour behind small traits ([`Transport`], [`Clock`]), so the
//! same logic runs natively with fakes in tests and in wasm with `fetch`.

pub mod clock;
pub mod token;
pub mod transport;

pub use clock::Clock;
pub use token::{fetch_token, sign, Credentials, Token, DEFAULT_BASE_URL};
pub use transport::{HttpRequest, HttpResponse, Transport, TransportError};
