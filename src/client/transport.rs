//! One HTTP exchange, behind a trait: `fetch` in wasm, a fake in native tests.

/// The per-attempt timeout when the settings give none.
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;

/// An HTTP request as the client builds it.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The absolute URL, query included.
    pub url: String,
    /// Header names and values.
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body of a `POST`.
    pub body: Option<String>,
    /// Abandon the exchange after this many milliseconds.
    pub timeout_ms: Option<u64>,
}

/// An HTTP answer: status, the headers the client reads, and the raw body.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpResponse {
    /// The HTTP status code.
    pub status: u16,
    /// `Retry-After`, when present.
    pub retry_after: Option<String>,
    /// The body bytes, undecoded.
    pub body: Vec<u8>,
}

/// Why an exchange produced no answer.
#[derive(Debug, Clone, PartialEq)]
pub enum TransportError {
    /// The request certainly did not reach the server (connection refused,
    /// host not found): repeating it cannot cause a duplicate.
    Refused(String),
    /// The connection failed at a point where the request may have been
    /// received (a reset, a broken stream), or the runtime cannot tell.
    Network(String),
    /// The exchange was cut by the call's timeout.
    Timeout,
    /// The caller cancelled the call (its `AbortSignal`).
    Aborted,
    /// The server answered a redirect, which is not followed: the request's
    /// secrets stay with the configured origin. `to` names the target's
    /// origin (never its path or query).
    Redirected {
        /// The 3xx status.
        status: u16,
        /// The origin the server redirected to, as far as the runtime tells.
        to: String,
    },
}

/// Performs one HTTP exchange.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// Sends `request` and waits for the whole answer.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}
