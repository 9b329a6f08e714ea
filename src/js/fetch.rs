//! [`Transport`] over the runtime's global `fetch` (Node ≥ 18, workerd, browsers).

use crate::client::{HttpRequest, HttpResponse, Transport, TransportError};
use gloo_net::http::{Method, RequestBuilder};

/// Sends requests with the global `fetch`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FetchTransport;

fn describe(e: gloo_net::Error) -> String {
    match e {
        gloo_net::Error::JsError(js) => {
            if js.message.is_empty() {
                js.name
            } else {
                js.message
            }
        }
        other => other.to_string(),
    }
}

impl Transport for FetchTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let method = if request.method == "POST" {
            Method::POST
        } else {
            Method::GET
        };
        let mut builder = RequestBuilder::new(&request.url).method(method);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let req = match request.body {
            Some(body) => builder
                .header("content-type", "application/json")
                .body(body),
            None => builder.build(),
        }
        .map_err(|e| TransportError::Network(describe(e)))?;
        let resp = req
            .send()
            .await
            .map_err(|e| TransportError::Network(describe(e)))?;
        let status = resp.status();
        let retry_after = resp.headers().get("retry-after");
        let body = resp
            .binary()
            .await
            .map_err(|e| TransportError::Network(describe(e)))?;
        Ok(HttpResponse {
            status,
            retry_after,
            body,
        })
    }
}
