//! Calls to the Sobot endpoints: validate, attach the shared token, send,
//! decode the envelope, retry what may be retried, and refresh the token
//! when the platform refuses it (a bounded number of times per call).

use crate::api::{self, Answer, Auth, Endpoint, Json, Method};
use crate::client::config::SobotConfig;
use crate::client::exec::{
    host_of, network_context, transport_failure, with_retries, AttemptError, Attempts,
};
use crate::client::retry::{api_failure, parse_retry_after, Failure};
use crate::client::store::TokenStore;
use crate::client::token::api_error;
use crate::client::tokens::TokenManager;
use crate::client::{Clock, Detach, HttpRequest, HttpResponse, Transport};
use crate::error::Error;
use crate::model::SUCCESS_CODE;
use secrecy::{ExposeSecret, SecretString};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::rc::Rc;

/// `token 为空` (token missing).
pub const TOKEN_MISSING: &str = "900001";
/// `token 已失效,请重新获取` (token invalid or replaced).
pub const TOKEN_INVALID: &str = "900002";

/// How many times one call refreshes a refused token and repeats itself.
///
/// More than once: the shared token can turn over twice while one call is in
/// flight (an expiry refresh by another process, then a forced invalidation),
/// and each refusal is of a token the call has not seen refused before. Bounded:
/// a platform that refuses every token ends the call with its `900002`.
pub const MAX_TOKEN_REFRESHES: u32 = 3;

/// A Sobot client over a token store. Each call brings its transport and
/// clock, so that a call's own cancellation signal reaches both.
pub struct SobotClient<S> {
    config: SobotConfig,
    tokens: Rc<TokenManager<S>>,
}

/// Per-call settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallOptions {
    /// Overrides the client's timeout for this call.
    pub timeout_ms: Option<u64>,
}

/// What a call did besides its answer (for tests and diagnostics).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallReport {
    /// Attempts, over all token refreshes.
    pub attempts: u32,
    /// Milliseconds of backoff.
    pub waited_ms: u64,
    /// Whether the token was refreshed because the platform refused it.
    pub token_refreshed: bool,
    /// Whether the call failed after a write may have been processed (a
    /// send with an unknown outcome, never repeated).
    pub maybe_processed: bool,
}

impl<S: TokenStore + 'static> SobotClient<S> {
    /// A failure to get the token for `endpoint`: it names the call, and the
    /// `get_token` it needed (the store's own failures say so themselves).
    fn token_context(&self, mut e: Error, endpoint: &Endpoint) -> Error {
        use crate::error::ErrorKind::{Network, Timeout};
        let of_token = e.endpoint == Some(api::GET_TOKEN.name);
        if !of_token || !matches!(e.kind, Network | Timeout) || e.is_cancelled() {
            return e;
        }
        e.message = format!(
            "{}: its token could not be fetched: get_token failed: {} (host {})",
            endpoint.name,
            e.message,
            host_of(&self.config.credentials.base_url)
        );
        e.endpoint = Some(endpoint.name);
        e
    }

    /// The next page of a walk over a paged `endpoint` (its items), or `None`
    /// when the walk is over.
    pub async fn next_page<T, C>(
        &self,
        transport: &T,
        clock: &C,
        endpoint: &Endpoint,
        walker: &mut crate::client::paging::PageWalker,
        opts: CallOptions,
    ) -> Result<Option<Vec<Value>>, Error>
    where
        T: Transport + Detach + 'static,
        C: Clock + Detach + 'static,
    {
        let Some(req) = walker.next_request() else {
            return Ok(None);
        };
        let page = self.call(transport, clock, endpoint, &req, opts).await.0?;
        Ok(Some(walker.advance(page.value()?)))
    }
}

impl<S: TokenStore + 'static> SobotClient<S> {
    /// A client. Nothing is sent until the first call.
    pub fn new(config: SobotConfig, store: S) -> Self {
        Self::with_tokens(config, Rc::new(TokenManager::new(store)))
    }

    /// A client sharing `tokens` with other clients of the same app: one
    /// token and one refresh at a time for all of them.
    pub fn with_tokens(config: SobotConfig, tokens: Rc<TokenManager<S>>) -> Self {
        SobotClient { config, tokens }
    }

    /// The token manager (its store and counters).
    pub fn tokens(&self) -> &Rc<TokenManager<S>> {
        &self.tokens
    }

    /// The settings.
    pub fn config(&self) -> &SobotConfig {
        &self.config
    }

    /// The current token, refreshed if needed.
    pub async fn token<T, C>(
        &self,
        transport: &T,
        clock: &C,
        opts: CallOptions,
    ) -> Result<crate::client::store::StoredToken, Error>
    where
        T: Transport + Detach + 'static,
        C: Clock + Detach + 'static,
    {
        self.tokens
            .token(transport, clock, &self.config, None, opts.timeout_ms)
            .await
    }

    /// Calls `endpoint` with `request` (the document's JSON). Returns what
    /// the endpoint's [`Answer`] says, and a report of the attempts.
    pub async fn call<T, C>(
        &self,
        transport: &T,
        clock: &C,
        endpoint: &Endpoint,
        request: &Value,
        opts: CallOptions,
    ) -> (Result<Json, Error>, CallReport)
    where
        T: Transport + Detach + 'static,
        C: Clock + Detach + 'static,
    {
        let mut report = CallReport::default();
        let violations = (endpoint.validate)(request);
        if !violations.is_empty() {
            return (Err(Error::validation(violations).at(endpoint.name)), report);
        }
        // Sent as the request's model type encodes it: the tables' names and types.
        let encoded = match (endpoint.encode)(request.clone()) {
            Ok(v) => v,
            Err(e) => {
                let v = crate::validate::Violation::format(
                    "",
                    "the documented request shape",
                    Some(Value::from(e)),
                );
                return (Err(Error::validation(vec![v]).at(endpoint.name)), report);
            }
        };
        let request = &encoded;
        let mut stale: Option<SecretString> = None;
        let mut refreshes = 0;
        loop {
            let token = match self
                .tokens
                .token(
                    transport,
                    clock,
                    &self.config,
                    stale.as_ref().map(ExposeSecret::expose_secret),
                    opts.timeout_ms,
                )
                .await
            {
                Ok(t) => t,
                Err(e) => return (Err(self.token_context(e, endpoint)), report),
            };
            let timeout_ms = opts.timeout_ms.or(self.config.timeout_ms);
            let observe = (endpoint.name, &self.config.on_attempt);
            let (
                r,
                Attempts {
                    made,
                    waited_ms,
                    maybe_processed,
                },
            ) = with_retries(clock, &self.config.retry, endpoint.retry, observe, |_| {
                attempt(
                    transport,
                    clock,
                    &self.config.credentials.base_url,
                    endpoint,
                    request,
                    token.token.expose_secret(),
                    timeout_ms,
                )
            })
            .await;
            report.attempts += made;
            report.waited_ms += waited_ms;
            report.maybe_processed = maybe_processed;
            match r {
                Err(e) if is_token_refused(&e) && refreshes < MAX_TOKEN_REFRESHES => {
                    // The token was replaced (another get_token), invalidated or
                    // expired: take the newer one (or refresh) and repeat. The
                    // refused call was not processed, so repeating even a send
                    // is safe.
                    refreshes += 1;
                    report.token_refreshed = true;
                    stale = Some(token.token);
                }
                Err(e) => {
                    let base_url = &self.config.credentials.base_url;
                    let e = network_context(e, endpoint, base_url, report.attempts, timeout_ms);
                    return (Err(e), report);
                }
                Ok(Reply::Shaped(v)) => return (Ok(v), report),
                Ok(Reply::Envelope(env)) => return (answer(endpoint, env), report),
            }
        }
    }
}

async fn attempt<T: Transport, C: Clock>(
    transport: &T,
    clock: &C,
    base_url: &str,
    endpoint: &Endpoint,
    request: &Value,
    token: &str,
    timeout_ms: Option<u64>,
) -> Result<(Reply, u16), AttemptError> {
    let req = build_request(base_url, endpoint, request, token, timeout_ms);
    match transport
        .send(req)
        .await
        .map(|resp| repaired(endpoint, resp))
    {
        Ok(resp) => match read_success(endpoint, &resp.body) {
            Some(v) => Ok((Reply::Shaped(v), resp.status)),
            None => decode(endpoint, &resp, clock.now_ms())
                .map(|env| (Reply::Envelope(env), resp.status)),
        },
        Err(e) => Err(transport_failure(e, endpoint.name)),
    }
}

/// The answer with its body made JSON by the endpoint's `repair`, where it
/// has one and the body is not JSON already (see [`Endpoint::repair`]).
pub fn repaired(endpoint: &Endpoint, resp: HttpResponse) -> HttpResponse {
    let Some(repair) = endpoint.repair else {
        return resp;
    };
    match std::str::from_utf8(&resp.body).ok().and_then(repair) {
        Some(text) => HttpResponse {
            body: text.into_bytes(),
            ..resp
        },
        None => resp,
    }
}

fn is_token_refused(e: &Error) -> bool {
    e.kind == crate::ErrorKind::Api
        && matches!(e.code.as_deref(), Some(TOKEN_MISSING | TOKEN_INVALID))
}

/// Appends the value of a query parameter: strings as they are, numbers and
/// booleans in JSON form.
fn query_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The HTTP request of a Sobot call: GET parameters in the query, POST
/// parameters as the JSON body, the token in the `token` header.
pub fn build_request(
    base_url: &str,
    endpoint: &Endpoint,
    request: &Value,
    token: &str,
    timeout_ms: Option<u64>,
) -> HttpRequest {
    let empty = Map::new();
    let fields = request.as_object().unwrap_or(&empty);
    let (url, body) = match endpoint.method {
        Method::Get => {
            let pairs: Vec<(&str, String)> = fields
                .iter()
                .filter_map(|(k, v)| query_value(v).map(|v| (k.as_str(), v)))
                .collect();
            let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            (api::url(base_url, endpoint.path, &refs), None)
        }
        Method::Post => (
            api::url(base_url, endpoint.path, &[]),
            Some(request.to_string()),
        ),
    };
    let mut headers = Vec::new();
    if endpoint.auth == Auth::SobotToken {
        headers.push(("token", token.to_owned()));
    }
    HttpRequest {
        method: endpoint.method.as_str(),
        url,
        headers,
        body,
        timeout_ms,
    }
}

/// Decodes a Sobot answer into its envelope, or the attempt's failure.
pub fn decode(
    endpoint: &Endpoint,
    resp: &HttpResponse,
    now_ms: u64,
) -> Result<Value, AttemptError> {
    let retry_after_ms = resp
        .retry_after
        .as_deref()
        .and_then(|v| parse_retry_after(v, now_ms));
    let ok_status = (200..300).contains(&resp.status);
    let parsed: Result<Value, _> = serde_json::from_slice(&resp.body);
    let env = match parsed {
        Ok(Value::Object(map)) if map.contains_key("ret_code") => map,
        Ok(_) if ok_status => {
            return Err(AttemptError::fatal(
                Error::decode(
                    format!(
                        "the {} answer (HTTP {}) has no ret_code",
                        endpoint.name, resp.status
                    ),
                    Some(resp.status),
                )
                .at(endpoint.name),
            ))
        }
        Err(e) if ok_status => {
            return Err(AttemptError::not_json(
                endpoint,
                resp.status,
                &e,
                retry_after_ms,
            ));
        }
        _ => {
            return Err(AttemptError::classified(
                Error::http(resp.status).at(endpoint.name),
                retry_after_ms,
            ));
        }
    };
    let code = match env.get("ret_code") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    if code == SUCCESS_CODE {
        return Ok(Value::Object(env));
    }
    let failure = api_failure(&code, resp.status);
    let ret_msg = env.get("ret_msg").and_then(Value::as_str);
    let mut error = api_error(endpoint.name, code, ret_msg, failure != Failure::Final);
    error.status = Some(resp.status);
    Err(AttemptError {
        error,
        failure,
        retry_after_ms,
    })
}

/// A successful attempt's answer.
pub enum Reply {
    /// Read through the endpoint's model type already.
    Shaped(Json),
    /// The envelope, still to read with [`answer`].
    Envelope(Value),
}

/// The fields of an envelope that tell a success and hold its item; the
/// rest is skipped.
#[derive(serde::Deserialize)]
struct SuccessEnvelope<'a> {
    #[serde(borrow, default)]
    ret_code: Option<&'a RawValue>,
    #[serde(borrow, default)]
    item: Option<&'a RawValue>,
}

/// The body's text when it is a JSON object (its first non-blank byte is
/// `{`) in UTF-8: the only answers a success can be read from in one pass.
pub(crate) fn object_text(body: &[u8]) -> Option<&str> {
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return None;
    }
    std::str::from_utf8(body).ok()
}

/// The answer of a success read straight from the body's text into the
/// endpoint's model type, in one pass and without a `Value` in between.
/// `None` for anything else (a failure, a body that is not an object, a
/// `ret_code` written another way, an answer of the wrong shape): [`decode`]
/// and [`answer`] then read it as before and say what is wrong.
pub fn read_success(endpoint: &Endpoint, body: &[u8]) -> Option<Json> {
    let text = object_text(body)?;
    if let Answer::Page = endpoint.answer {
        // A page's model type reads `ret_code` itself (`api::shape_page`).
        return (endpoint.shape)(api::Answered::Text(text)).ok();
    }
    let env: SuccessEnvelope = serde_json::from_str(text).ok()?;
    // Exactly the string "000000"; any other spelling goes the long way.
    let code = env.ret_code?.get();
    if code.strip_prefix('"').and_then(|c| c.strip_suffix('"')) != Some(SUCCESS_CODE) {
        return None;
    }
    let part = match endpoint.answer {
        Answer::Nothing => return Some(Json::null()),
        Answer::Item => env.item.map_or("null", RawValue::get),
        _ => text,
    };
    (endpoint.shape)(api::Answered::Text(part)).ok()
}

/// What a successful call gives back, read through the endpoint's model type.
pub fn answer(endpoint: &Endpoint, env: Value) -> Result<Json, Error> {
    let v = match (endpoint.answer, env) {
        (Answer::Item, Value::Object(mut m)) => m.remove("item").unwrap_or(Value::Null),
        (Answer::Nothing, _) => return Ok(Json::null()),
        (_, v) => v,
    };
    (endpoint.shape)(api::Answered::Value(v)).map_err(|e| {
        Error::decode(
            format!(
                "the {} answer is not the documented shape: {e}",
                endpoint.name
            ),
            Some(200),
        )
        .at(endpoint.name)
    })
}
