//! Calls to the Graph API Conversations API: conversations of a Page or
//! Instagram account, the messages of a conversation, and message details.

use crate::api::{self, Endpoint, Json};
use crate::client::exec::{network_context, transport_failure};
use crate::client::exec::{with_retries, AttemptError, AttemptHook};
use crate::client::paging::CursorWalker;
use crate::client::retry::{parse_retry_after, Failure, RetryPolicy};
use crate::client::sobot::object_text;
use crate::client::{Clock, HttpRequest, HttpResponse, Transport};
use crate::error::{Error, GraphDetails};
use crate::model::graph::{GraphList, MessageRef};
use crate::validate::Violation;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{json, Value};

/// A filled path and its query pairs.
type PathAndQuery = (String, Vec<(String, String)>);

/// Graph's host.
pub const DEFAULT_GRAPH_URL: &str = "https://graph.facebook.com";
/// The Graph API version used when none is given.
pub const DEFAULT_GRAPH_VERSION: &str = "v23.0";
/// The fields of a message detail the document asks for.
pub const DEFAULT_MESSAGE_FIELDS: &str = crate::model::graph::MessageDetailRequest::DEFAULT_FIELDS;
/// The most conversations Graph answers per page (`limit`).
pub const MAX_CONVERSATIONS_PER_PAGE: u32 = 100;
/// Only the most recent messages of a conversation have details (the document:
/// "您只能获取该对话中最近 20 条消息的详情").
pub const MESSAGE_DETAIL_LIMIT: usize = 20;

/// `listConversations`'s options, with the names JavaScript gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConversationsQuery {
    /// The Page or Instagram account (`pageId`).
    pub page_id: Option<String>,
    /// `messenger` or `instagram`.
    pub platform: Option<String>,
    /// Only the conversations with this user (`userId`).
    pub user_id: Option<String>,
    /// The cursor to start after.
    pub after: Option<String>,
}

impl ConversationsQuery {
    /// The request the catalogue's `graph.conversations` validator reads.
    pub fn request(&self) -> Value {
        let mut req = serde_json::Map::new();
        req.insert("page_id".into(), json!(self.page_id));
        req.insert("platform".into(), json!(self.platform));
        if let Some(u) = &self.user_id {
            req.insert("user_id".into(), json!(u));
        }
        if let Some(a) = &self.after {
            req.insert("after".into(), json!(a));
        }
        Value::Object(req)
    }

    /// The option name of a request field, where it differs.
    fn option_name(field: &str) -> Option<&'static str> {
        match field {
            "page_id" => Some("pageId"),
            "user_id" => Some("userId"),
            _ => None,
        }
    }

    /// `e` with its violations naming the options the caller wrote
    /// (`pageId`, not `page_id`), its message rebuilt from them.
    pub fn name_options(e: Error) -> Error {
        if e.violations.is_empty() {
            return e;
        }
        let violations = e
            .violations
            .into_iter()
            .map(|mut x| {
                if let Some(name) = Self::option_name(&x.path) {
                    x.message = x.message.replace(x.path.as_str(), name);
                    x.path = name.to_owned();
                }
                x
            })
            .collect();
        let mut renamed = Error::validation(violations);
        renamed.endpoint = e.endpoint;
        renamed
    }
}

/// A walk over a Page's conversations, page by page from its `after` cursor.
#[derive(Debug, Clone)]
pub struct ConversationsWalk {
    request: Value,
    limit: Option<u32>,
    cursor: CursorWalker,
}

impl ConversationsWalk {
    /// A walk over the conversations `request` asks for (see [`ConversationsQuery`]).
    pub fn new(request: Value, limit: Option<u32>) -> Self {
        let after = request
            .get("after")
            .and_then(Value::as_str)
            .map(str::to_owned);
        ConversationsWalk {
            request,
            limit,
            cursor: CursorWalker::new(after),
        }
    }
}

/// A walk over a conversation's messages: their refs, or with `details`
/// each message's details, for the [`MESSAGE_DETAIL_LIMIT`] Graph answers.
#[derive(Debug, Clone)]
pub struct MessagesWalk {
    conversation_id: String,
    cursor: CursorWalker,
    details: Option<DetailsState>,
}

#[derive(Debug, Clone)]
struct DetailsState {
    fields: Option<String>,
    yielded: usize,
}

impl MessagesWalk {
    /// A walk over the refs of `conversation_id`'s messages.
    pub fn refs(conversation_id: String) -> Self {
        MessagesWalk {
            conversation_id,
            cursor: CursorWalker::new(None),
            details: None,
        }
    }

    /// A walk over the details (`fields`, or [`DEFAULT_MESSAGE_FIELDS`]) of
    /// `conversation_id`'s messages.
    pub fn details(conversation_id: String, fields: Option<String>) -> Self {
        MessagesWalk {
            details: Some(DetailsState { fields, yielded: 0 }),
            ..MessagesWalk::refs(conversation_id)
        }
    }
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

    /// One call of the catalogue's `endpoint`: the path template filled from
    /// the checked `request` (and the API version), its other fields and
    /// `extra` as the query.
    async fn call<T: Transport, C: Clock>(
        &self,
        transport: &T,
        clock: &C,
        endpoint: &Endpoint,
        request: &Value,
        extra: &[(&str, &str)],
        timeout_ms: Option<u64>,
    ) -> Result<Json, Error> {
        let (path, query) = self.path(endpoint, request)?;
        let mut q: Vec<(&str, &str)> = query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        q.extend_from_slice(extra);
        self.get(transport, clock, endpoint, &path, &q, timeout_ms)
            .await
    }

    /// `request` checked by `endpoint`'s validator, then its path and query.
    fn path(&self, endpoint: &Endpoint, request: &Value) -> Result<PathAndQuery, Error> {
        let v = (endpoint.validate)(request);
        if !v.is_empty() {
            return Err(Error::validation(v).at(endpoint.name));
        }
        let version = [("version", self.config.version.as_str())];
        Ok(api::fill_path(endpoint.path, request, &version))
    }

    async fn get<T: Transport, C: Clock>(
        &self,
        transport: &T,
        clock: &C,
        endpoint: &Endpoint,
        path: &str,
        query: &[(&str, &str)],
        timeout_ms: Option<u64>,
    ) -> Result<Json, Error> {
        let mut q: Vec<(&str, &str)> = query.to_vec();
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

    /// `graph.conversations`: one page of a Page's conversations (`limit` per page).
    pub async fn conversations<T: Transport, C: Clock>(
        &self,
        transport: &T,
        clock: &C,
        request: &Value,
        limit: Option<u32>,
        timeout_ms: Option<u64>,
    ) -> Result<Json, Error> {
        let limit = limit.map(|l| l.to_string());
        let extra: Vec<(&str, &str)> = limit.iter().map(|l| ("limit", l.as_str())).collect();
        let ep = &api::GRAPH_CONVERSATIONS;
        self.call(transport, clock, ep, request, &extra, timeout_ms)
            .await
    }

    /// `graph.conversation_messages`: the conversation's message ids and
    /// times, newest first; `after` reads further pages.
    pub async fn conversation_messages<T: Transport, C: Clock>(
        &self,
        transport: &T,
        clock: &C,
        conversation_id: &str,
        after: Option<&str>,
        timeout_ms: Option<u64>,
    ) -> Result<Json, Error> {
        let ep = &api::GRAPH_CONVERSATION_MESSAGES;
        let request = json!({ "conversation_id": conversation_id });
        let Some(a) = after else {
            return self
                .call(transport, clock, ep, &request, &[], timeout_ms)
                .await;
        };
        // Later pages are read from the node's `messages` edge, which
        // answers the list alone (`data`, `paging`): wrapped as the first
        // page's `{ id, messages }`.
        let (node, _) = self.path(ep, &request)?;
        let edge = Endpoint {
            shape: api::shape_as::<GraphList<MessageRef>>,
            ..*ep
        };
        let path = format!("{node}/messages");
        let page = self
            .get(transport, clock, &edge, &path, &[("after", a)], timeout_ms)
            .await?;
        let id = api::json_of(conversation_id).map_err(|e| Error::decode(e, None).at(ep.name))?;
        Ok(Json(format!("{{\"id\":{},\"messages\":{}}}", id.0, page.0)))
    }

    /// `graph.message`: one message's details (`fields`, default
    /// [`DEFAULT_MESSAGE_FIELDS`]).
    pub async fn message<T: Transport, C: Clock>(
        &self,
        transport: &T,
        clock: &C,
        message_id: &str,
        fields: Option<&str>,
        timeout_ms: Option<u64>,
    ) -> Result<Json, Error> {
        let fields = fields.unwrap_or(DEFAULT_MESSAGE_FIELDS);
        let request = json!({ "message_id": message_id, "fields": fields });
        let ep = &api::GRAPH_MESSAGE;
        self.call(transport, clock, ep, &request, &[], timeout_ms)
            .await
    }

    /// The next page of a conversations walk, or `None` when it is over.
    pub async fn next_conversations<T: Transport, C: Clock>(
        &self,
        transport: &T,
        clock: &C,
        walk: &mut ConversationsWalk,
        timeout_ms: Option<u64>,
    ) -> Result<Option<Vec<Value>>, Error> {
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
        let page = self
            .conversations(transport, clock, &req, walk.limit, timeout_ms)
            .await?
            .value()?;
        Ok(Some(walk.cursor.advance(page)))
    }

    /// The next page of a messages walk (refs or details), or `None` when it is over.
    pub async fn next_messages<T: Transport, C: Clock>(
        &self,
        transport: &T,
        clock: &C,
        walk: &mut MessagesWalk,
        timeout_ms: Option<u64>,
    ) -> Result<Option<Vec<Value>>, Error> {
        if walk
            .details
            .as_ref()
            .is_some_and(|d| d.yielded >= MESSAGE_DETAIL_LIMIT)
        {
            return Ok(None);
        }
        let Some(after) = walk.cursor.next_after().map(|a| a.map(str::to_owned)) else {
            return Ok(None);
        };
        let id = walk.conversation_id.clone();
        let answer = self
            .conversation_messages(transport, clock, &id, after.as_deref(), timeout_ms)
            .await?
            .value()?;
        let page = answer.get("messages").cloned().unwrap_or(Value::Null);
        let refs = walk.cursor.advance(page);
        let Some(d) = &mut walk.details else {
            return Ok(Some(refs));
        };
        let limit = MESSAGE_DETAIL_LIMIT.saturating_sub(d.yielded);
        let fields = d.fields.clone();
        let out = self
            .details(
                transport,
                clock,
                &refs,
                fields.as_deref(),
                limit,
                timeout_ms,
            )
            .await?;
        d.yielded += out.len();
        Ok(Some(out))
    }

    /// The details of the messages `refs` names (each `{ id, … }`), one call
    /// each, in order, for at most `limit` of them: Graph answers details for
    /// a conversation's [`MESSAGE_DETAIL_LIMIT`] most recent messages only.
    /// A ref without an `id` is skipped.
    pub async fn details<T: Transport, C: Clock>(
        &self,
        transport: &T,
        clock: &C,
        refs: &[Value],
        fields: Option<&str>,
        limit: usize,
        timeout_ms: Option<u64>,
    ) -> Result<Vec<Value>, Error> {
        let mut out = Vec::new();
        for id in refs
            .iter()
            .filter_map(|r| r.get("id").and_then(Value::as_str))
        {
            if out.len() >= limit {
                break;
            }
            let detail = self
                .message(transport, clock, id, fields, timeout_ms)
                .await?;
            out.push(detail.value()?);
        }
        Ok(out)
    }
}
