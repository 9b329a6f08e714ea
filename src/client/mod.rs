//! Runtime behaviour behind small traits ([`Transport`], [`Clock`],
//! [`TokenStore`]), so the same logic runs natively with fakes in tests and in
//! wasm with `fetch` and `setTimeout`.

#[cfg(feature = "client")]
pub mod broadcast;
pub mod clock;
pub mod config;
pub mod exec;
pub mod graph;
pub mod paging;
pub mod retry;
pub mod secrets;
pub mod sobot;
pub mod store;
pub mod token;
pub mod tokens;
pub mod transport;

pub use clock::{Clock, Detach};
pub use config::SobotConfig;
pub use exec::{AttemptEvent, AttemptHook};
pub use retry::RetryPolicy;
/// The app key and the tokens are held as `SecretString`s (redacted in `Debug`).
pub use secrecy::{ExposeSecret, SecretString};
pub use sobot::{CallOptions, SobotClient};
pub use store::{MemoryStore, StoredToken, TokenStore};
pub use token::{fetch_token, sign, Credentials, Token, DEFAULT_BASE_URL};
pub use transport::{HttpRequest, HttpResponse, Transport, TransportError};

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
