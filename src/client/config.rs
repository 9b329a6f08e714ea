//! The settings of a Sobot client, which the client and its token manager share.

use crate::client::exec::AttemptHook;
use crate::client::retry::RetryPolicy;
use crate::client::token::Credentials;

/// How long before its expiry a token is refreshed when the settings give no margin.
pub const DEFAULT_REFRESH_MARGIN_MS: u64 = 300_000;

pub use crate::client::transport::DEFAULT_TIMEOUT_MS;

/// Settings of a Sobot client.
#[derive(Debug, Clone)]
pub struct SobotConfig {
    /// App credentials and base URL.
    pub credentials: Credentials,
    /// Per-call timeout, in milliseconds.
    pub timeout_ms: Option<u64>,
    /// Retry policy.
    pub retry: RetryPolicy,
    /// Refresh this many milliseconds before the token expires.
    pub refresh_margin_ms: u64,
    /// Called after each attempt, `get_token`'s included.
    pub on_attempt: AttemptHook,
}
