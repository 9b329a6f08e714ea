//! Calls to the Graph API Conversations API, each one of the catalogue's
//! Graph endpoints, and cursor walks over them.

use crate::api::{self, Endpoint, Json};
use crate::client::exec::{network_context, transport_failure};
use crate::client::exec::{with_retries, AttemptError, AttemptHook};
use crate::client::paging::CursorWalker;
use crate::client::retry::{parse_retry_after, Failure, RetryPolicy};
use crate::client::sobot::object_text;
use crate::client::{Clock, HttpRequest, HttpResponse, Transport};
use crate::error::{Error, GraphDetails};
use crate::validate::Violation;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;

/// Graph's host.
pub const DEFAULT_GRAPH_URL: &str = "https://graph.facebook.com";
/// The Graph API version used when none is given.
pub const DEFAULT_GRAPH_VERSION: &str = "v23.0";
/// Only the most recent messages of a conversation have details (the document:
/// "您只能获取该对话中最近 20 条消息的详情"): a details walk ends after as many.
pub const MESSAGE_DETAIL_LIMIT: usize = 20;

/// A walk over a cursor-paged endpoint of the catalogue, page by page from
/// its request's `after`; with `details`, each row's details instead.
#[derive(Debug, Clone)]
pub struct GraphWalk {
    endpoint: &'static Endpoint,
    request: Value,
    cursor: CursorWalker,
    details: Option<Details>,
}

/// The per-row call of a details walk.
#[derive(Debug, Clone)]
struct Details {
    endpoint: &'static Endpoint,
    request: Value,
    yielded: usize,
}

impl GraphWalk {
    /// A walk over the pages `request` (camelCase, as the method takes it)
    /// asks `endpoint` for.
    pub fn new(endpoint: &'static Endpoint, request: Value) -> Self {
        let after = request
            .get("after")
            .and_then(Value::as_str)
            .map(str::to_owned);
        GraphWalk {
            endpoint,
            request,
            cursor: CursorWalker::new(after),
            details: None,
        }
    }

    /// The walk yielding, for each row, `endpoint`'s answer for the row's
    /// `id` (its one path placeholder) and `request`'s other fields, for the
    /// [`MESSAGE_DETAIL_LIMIT`] rows Graph details.
    pub fn details(mut self, endpoint: &'static Endpoint, request: Value) -> Self {
        self.details = Some(Details {
            endpoint,
            request,
            yielded: 0,
        });
        self
    }

    /// What is wrong with the walk's requests, found before the first page
    /// is read; a details request lacks only the row id each row supplies.
    pub fn violations(&self) -> Vec<Violation> {
        let mut v = (self.endpoint.validate)(&self.request);
        if let Some(d) = &self.details {
            let id = detail_id_field(d.endpoint);
            let mut req = d.request.clone();
            if let (Some(m), Some(id)) = (req.as_object_mut(), &id) {
                m.insert(id.clone(), Value::from(""));
            }
            v.extend(
                (d.endpoint.validate)(&req)
                    .into_iter()
                    .filter(|x| id.as_deref() != Some(x.path.as_str())),
            );
        }
        v
    }
}

/// The request field naming a details endpoint's one path placeholder.
fn detail_id_field(endpoint: &Endpoint) -> Option<String> {
    api::placeholders(endpoint.path)
        .into_iter()
        .find(|p| *p != "version")
        .map(api::camel_case)
}

/// Settings of a Graph client. `Debug` never shows the access token.
#[derive(Clone, Debug)]
pub struct GraphConfig {
    /// The Page access token. Never appears in an error.
    pub access_token: SecretString,
    /// API version, e.g. `v23.0`.
    pub version: String,
    /// Base URL, e.g. [`DEFAULT_GRAPH_URL`].
    pub base_url: String,
    /// Per-call timeout, in milliseconds.
    pub timeout_ms: Option<u64>,
    /// Retry policy (every Graph call here is a read).
    pub retry: RetryPolicy,
    /// Accept a plain-http base URL off this machine.
    pub allow_insecure_http: bool,
    /// Called after each attempt.
    pub on_attempt: AttemptHook,
}

impl GraphConfig {
    /// Every problem with the settings, named by their JS option names.
    pub fn violations(&self) -> Vec<Violation> {
        let mut v = Vec::new();
        if self.access_token.expose_secret().trim().is_empty() {
            v.push(Violation::required("accessToken"));
        }
        let ver = self.version.strip_prefix('v').unwrap_or("");
        let mut parts = ver.split('.');
        let ok = matches!((parts.next(), parts.next(), parts.next()), (Some(a), Some(b), None)
            if !a.is_empty() && !b.is_empty() && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit()));
        if !ok {
            v.push(Violation::format(
                "version",
                "a Graph API version such as v23.0",
                Some(self.version.clone().into()),
            ));
        }
        v.extend(crate::client::token::base_url_violation(
            &self.base_url,
            self.allow_insecure_http,
        ));
        v
    }
}

/// Graph error codes that mean "slow down" (the request was not processed).
fn graph_rate_limited(code: i64) -> bool {
    matches!(code, 4 | 17 | 32 | 613) || (80_001..=80_014).contains(&code)
}

/// Graph error codes of passing failures.
fn graph_transient(code: i64) -> bool {
    matches!(code, 1 | 2)
}

/// Whether a member is there at all (`null` included).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    serde::de::IgnoredAny::deserialize(d).map(|_| true)
}

/// The one member of a Graph answer that tells a failure.
#[derive(serde::Deserialize)]
struct ErrorMember {
    #[serde(default, deserialize_with = "present")]
    error: bool,
}

/// A success (2xx, an object without `error`) read in one pass from the
/// text into the endpoint's model type; `None` for anything else, which
/// [`decode`] reads through a `Value` and explains.
fn read_success(endpoint: &Endpoint, resp: &HttpResponse) -> Option<Json> {
    if !(200..300).contains(&resp.status) {
        return None;
    }
    let text = object_text(&resp.body)?;
    match serde_json::from_str::<ErrorMember>(text) {
        Ok(ErrorMember { error: false }) => (endpoint.shape)(api::Answered::Text(text)).ok(),
        _ => None,
    }
}

/// Decodes a Graph answer: the object, or Graph's error object as an error.
pub fn decode(endpoint: &Endpoint, resp: &HttpResponse, now_ms: u64) -> Result<Json, AttemptError> {
    if let Some(j) = read_success(endpoint, resp) {
        return Ok(j);
    }
    let retry_after_ms = resp
        .retry_after
        .as_deref()
        .and_then(|v| parse_retry_after(v, now_ms));
    let ok_status = (200..300).contains(&resp.status);
    let parsed: Result<Value, _> = serde_json::from_slice(&resp.body);
    match parsed {
        Ok(Value::Object(mut m)) => {
            if let Some(Value::Object(err)) = m.remove("error") {
                return Err(graph_error(endpoint, &err, resp.status, retry_after_ms));
            }
            if ok_status {
                (endpoint.shape)(api::Answered::Value(Value::Object(m))).map_err(|e| {
                    AttemptError::fatal(
                        Error::decode(
                            format!(
                                "the {} answer is not the documented shape: {e}",
                                endpoint.name
                            ),
                            Some(resp.status),
                        )
                        .at(endpoint.name),
                    )
                })
            } else {
                Err(AttemptError::classified(
                    Error::http(resp.status).at(endpoint.name),
                    retry_after_ms,
                ))
            }
        }
        Ok(_) if ok_status => Err(AttemptError::fatal(
            Error::decode(
                format!("the {} answer is not a JSON object", endpoint.name),
                Some(resp.status),
            )
            .at(endpoint.name),
        )),
        Err(e) if ok_status => Err(AttemptError::not_json(
            endpoint,
            resp.status,
            &e,
            retry_after_ms,
        )),
        _ => Err(AttemptError::classified(
            Error::http(resp.status).at(endpoint.name),
            retry_after_ms,
        )),
    }
}

fn graph_error(
    endpoint: &Endpoint,
    err: &serde_json::Map<String, Value>,
    status: u16,
    retry_after_ms: Option<u64>,
) -> AttemptError {
    let code = err.get("code").and_then(Value::as_i64).unwrap_or(0);
    let message = err
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("Graph API error")
        .to_owned();
    let failure = if graph_rate_limited(code) || status == 429 {
        Failure::NotProcessed
    } else if graph_transient(code) || err.get("is_transient") == Some(&Value::Bool(true)) {
        Failure::Ambiguous
    } else {
        Failure::Final
    };
    let mut error =
        Error::api(code.to_string(), message, failure != Failure::Final).at(endpoint.name);
    error.status = Some(status);
    error.graph = Some(Box::new(GraphDetails {
        error_type: err.get("type").and_then(Value::as_str).map(str::to_owned),
        subcode: err.get("error_subcode").and_then(Value::as_i64),
        fbtrace_id: err
            .get("fbtrace_id")
            .and_then(Value::as_str)
            .map(str::to_owned),
    }));
    AttemptError {
        error,
        failure,
        retry_after_ms,
    }
}

/// A Graph client. Each call brings its transport and clock.
pub struct GraphClient {
    config: GraphConfig,
}

impl GraphClient {
    /// A client; `config` is checked by [`GraphConfig::violations`] first.
    pub fn new(config: GraphConfig) -> Result<Self, Error> {
        let v = config.violations();
        if v.is_empty() {
            Ok(GraphClient { config })
        } else {
            Err(Error::validation(v))
        }
    }

    /// The settings.
    pub fn config(&self) -> &GraphConfig {
        &self.config
    }

    /// One call of the catalogue's `endpoint` with `request` as the JS
    /// method takes it (camelCase): checked, encoded, then the path
    /// template filled from it and the API version, its other fields the
    /// query. The later pages of an expanded edge (`?fields=messages` with
    /// `after`) are read from the node's edge and given in the first page's
    /// shape, `{ id, messages }`.
    pub async fn call<T: Transport, C: Clock>(
        &self,
        transport: &T,
        clock: &C,
        endpoint: &Endpoint,
        request: &Value,
        timeout_ms: Option<u64>,
    ) -> Result<Json, Error> {
        let invalid = |v| Error::validation(v).at(endpoint.name);
        let v = (endpoint.validate)(request);
        if !v.is_empty() {
            return Err(invalid(v));
        }
        let encoded = (endpoint.encode)(request.clone()).map_err(|e| {
            invalid(vec![Violation::format(
                "",
                "a Graph request",
                Some(e.into()),
            )])
        })?;
        let version = [("version", self.config.version.as_str())];
        let (path, query) = api::fill_path(endpoint.path, &encoded, &version);
        let edge = api::expanded_edge(endpoint.path).filter(|_| encoded.get("after").is_some());
        let Some(edge) = edge else {
            return self
                .get(transport, clock, endpoint, &path, &query, timeout_ms)
                .await;
        };
        let page_only = Endpoint {
            shape: api::shape_any,
            ..*endpoint
        };
        let query: Vec<_> = query.into_iter().filter(|(k, _)| k != "fields").collect();
        let page = self
            .get(
                transport,
                clock,
                &page_only,
                &format!("{path}/{edge}"),
                &query,
                timeout_ms,
            )
            .await?;
        let id = api::placeholders(endpoint.path)
            .into_iter()
            .find(|p| *p != "version")
            .and_then(|p| encoded.get(p))
            .cloned()
            .unwrap_or(Value::Null);
        let whole = format!("{{\"id\":{id},\"{edge}\":{}}}", page.0);
        (endpoint.shape)(api::Answered::Text(&whole)).map_err(|e| {
            Error::decode(
                format!(
                    "the {} answer is not the documented shape: {e}",
                    endpoint.name
                ),
                None,
            )
            .at(endpoint.name)
        })
    }

    async fn get<T: Transport, C: Clock>(
        &self,
        transport: &T,
        clock: &C,
        endpoint: &Endpoint,
        path: &str,
        query: &[(String, String)],
        timeout_ms: Option<u64>,
    ) -> Result<Json, Error> {
        let mut q: Vec<(&str, &str)> = query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        q.push(("access_token", self.config.access_token.expose_secret()));
        let url = api::url(&self.config.base_url, path, &q);
        let timeout_ms = timeout_ms.or(self.config.timeout_ms);
        let observe = (endpoint.name, &self.config.on_attempt);
        let (r, attempts) =
            with_retries(clock, &self.config.retry, endpoint.retry, observe, |_| {
                let req = HttpRequest {
                    method: "GET",
                    url: url.clone(),
                    headers: Vec::new(),
                    body: None,
                    timeout_ms,
                };
                async move {
                    match transport.send(req).await {
                        Ok(resp) => {
                            decode(endpoint, &resp, clock.now_ms()).map(|j| (j, resp.status))
                        }
                        Err(e) => Err(transport_failure(e, endpoint.name)),
                    }
                }
            })
            .await;
        let base_url = &self.config.base_url;
        r.map_err(|e| network_context(e, endpoint, base_url, attempts.made, timeout_ms))
    }

    /// The next page of a walk (its rows, or their details), or `None` when
    /// it is over.
    pub async fn next_page<T: Transport, C: Clock>(
        &self,
        transport: &T,
        clock: &C,
        walk: &mut GraphWalk,
        timeout_ms: Option<u64>,
    ) -> Result<Option<Vec<Value>>, Error> {
        if walk
            .details
            .as_ref()
            .is_some_and(|d| d.yielded >= MESSAGE_DETAIL_LIMIT)
        {
            return Ok(None);
        }
        let Some(after) = walk.cursor.next_after() else {
            return Ok(None);
        };
        let mut req = walk.request.clone();
        if let Some(m) = req.as_object_mut() {
            match after {
                Some(a) => m.insert("after".into(), Value::from(a)),
                None => m.remove("after"),
            };
        }
        let mut answer = self
            .call(transport, clock, walk.endpoint, &req, timeout_ms)
            .await?
            .value()?;
        let page = match api::expanded_edge(walk.endpoint.path) {
            Some(edge) => answer.get_mut(edge).map(Value::take).unwrap_or(Value::Null),
            None => answer,
        };
        let rows = walk.cursor.advance(page);
        let Some(d) = &mut walk.details else {
            return Ok(Some(rows));
        };
        let Some(id_field) = detail_id_field(d.endpoint) else {
            return Ok(Some(Vec::new()));
        };
        let mut out = Vec::new();
        for id in rows
            .iter()
            .filter_map(|r| r.get("id").filter(|i| i.is_string()).cloned())
        {
            if d.yielded >= MESSAGE_DETAIL_LIMIT {
                break;
            }
            let mut req = d.request.clone();
            if let Some(m) = req.as_object_mut() {
                m.insert(id_field.clone(), id);
            }
            let detail = self
                .call(transport, clock, d.endpoint, &req, timeout_ms)
                .await?;
            out.push(detail.value()?);
            d.yielded += 1;
        }
        Ok(Some(out))
    }
}
