//! The one error type of the crate, surfaced to JavaScript as `SobotError`.
//!
//! An error carries what a caller needs to decide what to do next: a
//! [`ErrorKind`], the platform's code where it gave one, and whether a retry
//! can help. Secrets (the app key, tokens) never enter an error.

use crate::validate::Violation;
use std::fmt;

/// What went wrong, broadly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request broke a rule of the documents; nothing was sent.
    Validation,
    /// The platform answered with an error code (`ret_code`, Graph `error.code`).
    Api,
    /// The platform answered with an HTTP status outside 2xx and no error code.
    Http,
    /// The request could not reach the platform (DNS, refused, reset).
    Network,
    /// The call took longer than its timeout.
    Timeout,
    /// The answer could not be decoded (not JSON, or not the documented shape).
    Decode,
}

impl ErrorKind {
    /// The lowercase name used in JavaScript (`error.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Validation => "validation",
            ErrorKind::Api => "api",
            ErrorKind::Http => "http",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Decode => "decode",
        }
    }
}

/// An error of any layer, with what a caller needs to react to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// The broad category.
    pub kind: ErrorKind,
    /// The platform's code (`ret_code`, Facebook or Graph error code), if any.
    pub code: Option<String>,
    /// A sentence for people. Never contains a secret.
    pub message: String,
    /// Whether repeating the same call later can succeed.
    pub retryable: bool,
    /// The HTTP status of the answer, when one arrived.
    pub status: Option<u16>,
    /// The catalogue name of the endpoint called, e.g. `get_token`.
    pub endpoint: Option<&'static str>,
    /// Every broken rule, for [`ErrorKind::Validation`].
    pub violations: Vec<Violation>,
    /// The details of a Graph API error object.
    pub graph: Option<Box<GraphDetails>>,
}

/// What Graph's error object says besides its code and message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GraphDetails {
    /// `error.type`, e.g. `OAuthException`.
    pub error_type: Option<String>,
    /// `error.error_subcode`.
    pub subcode: Option<i64>,
    /// `error.fbtrace_id`, for Meta's support.
    pub fbtrace_id: Option<String>,
}

impl Error {
    fn new(kind: ErrorKind, message: String, retryable: bool) -> Self {
        Error {
            kind,
            code: None,
            message,
            retryable,
            status: None,
            endpoint: None,
            violations: Vec::new(),
            graph: None,
        }
    }

    /// A validation error listing every violation; its message names them all.
    pub fn validation(violations: Vec<Violation>) -> Self {
        let message = match violations.as_slice() {
            [] => "invalid request".to_owned(),
            [one] => one.message.clone(),
            many => {
                let list: Vec<&str> = many.iter().map(|v| v.message.as_str()).collect();
                format!("{} problems: {}", many.len(), list.join("; "))
            }
        };
        let mut e = Error::new(ErrorKind::Validation, message, false);
        e.violations = violations;
        e
    }

    /// The platform answered with an error code.
    pub fn api(code: impl Into<String>, message: impl Into<String>, retryable: bool) -> Self {
        let mut e = Error::new(ErrorKind::Api, message.into(), retryable);
        e.code = Some(code.into());
        e
    }

    /// An HTTP status outside 2xx without a platform error code.
    pub fn http(status: u16) -> Self {
        let retryable = status == 429 || status >= 500;
        let mut e = Error::new(
            ErrorKind::Http,
            format!("the server answered HTTP {status}"),
            retryable,
        );
        e.status = Some(status);
        e
    }

    /// The request did not reach the platform.
    pub fn network(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Network, message.into(), true)
    }

    /// The caller cancelled the call. In JS the call rejects with the
    /// signal's own reason instead (as `fetch` does).
    pub fn cancelled() -> Self {
        let mut e = Error::new(
            ErrorKind::Timeout,
            "the call was cancelled".to_owned(),
            false,
        );
        e.code = Some("cancelled".to_owned());
        e
    }

    /// Whether this error is a cancellation by the caller.
    pub fn is_cancelled(&self) -> bool {
        self.kind == ErrorKind::Timeout && self.code.as_deref() == Some("cancelled")
    }

    /// The call timed out.
    pub fn timeout(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Timeout, message.into(), true)
    }

    /// The answer could not be decoded.
    pub fn decode(message: impl Into<String>, status: Option<u16>) -> Self {
        let mut e = Error::new(ErrorKind::Decode, message.into(), false);
        e.status = status;
        e
    }

    /// Sets the endpoint the error belongs to.
    pub fn at(mut self, endpoint: &'static str) -> Self {
        self.endpoint = Some(endpoint);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.as_str())?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_message_lists_every_violation() {
        let e = Error::validation(vec![
            Violation::required("appId"),
            Violation::required("appKey"),
        ]);
        assert_eq!(e.kind, ErrorKind::Validation);
        assert!(e.message.contains("appId") && e.message.contains("appKey"));
        assert_eq!(e.violations.len(), 2);
        assert!(!e.retryable);
    }

    #[test]
    fn http_retryable_only_for_429_and_5xx() {
        assert!(Error::http(503).retryable);
        assert!(Error::http(429).retryable);
        assert!(!Error::http(404).retryable);
        assert_eq!(Error::api("900002", "x", true).to_string(), "api 900002: x");
    }
}
