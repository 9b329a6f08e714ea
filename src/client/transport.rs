//! One HTTP exchange, behind a trait: `fetch` in wasm, a fake in native tests.

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
    /// The request could not be delivered or the connection broke.
    Network(String),
    /// The exchange was cut by a timeout.
    Timeout,
}

/// Performs one HTTP exchange.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// Sends `request` and waits for the whole answer.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}
