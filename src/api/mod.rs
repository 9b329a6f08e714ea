//! The endpoint catalogue as data: one entry per endpoint of the documents,
//! saying how to call it, how it may be retried, and which rules its request
//! must meet.

use crate::model::{self, graph, line, messenger, Paged};
use crate::validate::{self, Violation};

/// HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`, parameters in the query string.
    Get,
    /// `POST`, parameters as a JSON body.
    Post,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// How an endpoint authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// No credential (the token endpoint signs its query instead).
    None,
    /// The Sobot `token` header.
    SobotToken,
    /// Graph's `access_token` query parameter.
    GraphAccessToken,
}

/// Whether a failed call may be repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetrySafety {
    /// A read: repeating it changes nothing.
    Safe,
    /// A write: repeat only when the request certainly was not processed.
    OnlyIfNotProcessed,
}

/// How an endpoint pages its answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// A single answer.
    None,
    /// Sobot's `page_no` / `page_size` with `page_count` and `total_count`.
    PageNo,
    /// Graph's `paging.cursors` and `paging.next`.
    GraphCursor,
}

/// What a successful call gives back to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// The envelope's `item` (a token, a message id, a receipt).
    Item,
    /// The whole page: the envelope with its items and paging counts (read
    /// from `items`, or `item` where the document answers a list there).
    Page,
    /// Nothing beyond success.
    Nothing,
    /// A Graph API object, as Graph answered it.
    Graph,
}

/// Checks a request before it is sent; returns every violation.
pub type Validator = fn(&serde_json::Value) -> Vec<Violation>;

/// Turns a valid request into what is sent.
pub type Encode = fn(serde_json::Value) -> Result<serde_json::Value, String>;

/// An answer to read: already a JSON value, or the JSON text as received
/// (read straight into the model type, without a `Value` in between).
#[derive(Debug, Clone, PartialEq)]
pub enum Answered<'a> {
    /// A decoded value.
    Value(serde_json::Value),
    /// JSON text.
    Text(&'a str),
}

impl Answered<'_> {
    /// Reads the answer as `T`. A value is read through its text, so that
    /// each model type has one decoder in the wasm (from text), not two.
    pub fn read<T: serde::de::DeserializeOwned>(self) -> Result<T, String> {
        match self {
            Answered::Value(v) => serde_json::from_str(&v.to_string()),
            Answered::Text(t) => serde_json::from_str(t),
        }
        .map_err(|e| e.to_string())
    }
}

/// An answer read through its model type, as JSON text: what a call gives
/// back, handed to JavaScript as it is (one `JSON.parse` there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Json(pub String);

impl Json {
    /// `null`.
    pub fn null() -> Self {
        Json("null".to_owned())
    }

    /// The answer as a JSON value (for the page walkers and tests).
    pub fn value(&self) -> Result<serde_json::Value, crate::Error> {
        serde_json::from_str(&self.0).map_err(|e| crate::Error::decode(e.to_string(), None))
    }
}

/// Writes a model value as [`Json`].
pub fn json_of<T: serde::Serialize + ?Sized>(t: &T) -> Result<Json, String> {
    crate::json::to_string(t)
        .map(Json)
        .map_err(|e| e.to_string())
}

/// Reads an answer through the endpoint's model type: lenient where the
/// document is (numbers as strings and the reverse), so that what reaches the
/// caller has exactly the documented types. Fails when the shape is wrong.
pub type Shape = fn(Answered<'_>) -> Result<Json, String>;

/// Decodes the answer as `T` and writes it back as JSON text.
pub fn shape_as<T: serde::de::DeserializeOwned + serde::Serialize>(
    a: Answered<'_>,
) -> Result<Json, String> {
    let t: T = a.read()?;
    json_of(&t)
}

/// Reads a page answer as `Paged<T>` and writes it back. A page whose
/// `ret_code` is not the success code is refused, so that a page read
/// straight from the body needs no separate pass over its envelope.
pub fn shape_page<T: serde::de::DeserializeOwned + serde::Serialize>(
    a: Answered<'_>,
) -> Result<Json, String> {
    let page: Paged<T> = a.read()?;
    if !page.is_success() {
        return Err(format!("ret_code {:?} is not a success", page.ret_code));
    }
    json_of(&page)
}

/// Reads `get_media_content`'s `item` (a URL string, or the document's
/// printed object form) and gives back the URL string the document describes.
pub fn shape_media_url(a: Answered<'_>) -> Result<Json, String> {
    let m: line::MediaContent = a.read()?;
    json_of(&m.url)
}

/// Removes `null` members of objects, at any depth: the validators read a
/// `null` member as absent, so it is sent absent.
fn drop_nulls(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => serde_json::Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, drop_nulls(v)))
                .collect(),
        ),
        serde_json::Value::Array(a) => {
            serde_json::Value::Array(a.into_iter().map(drop_nulls).collect())
        }
        other => other,
    }
}

/// Encodes a valid request: as written, without `null` members.
pub fn encode_plain(v: serde_json::Value) -> Result<serde_json::Value, String> {
    Ok(drop_nulls(v))
}

/// Encodes a valid `send_opt_in_message` request: the example's
/// `recipient_id` leaves under the table's name `recipientid`.
pub fn encode_opt_in(v: serde_json::Value) -> Result<serde_json::Value, String> {
    let mut v = drop_nulls(v);
    if let Some(m) = v.as_object_mut() {
        if let Some(id) = m.remove("recipient_id") {
            m.entry("recipientid").or_insert(id);
        }
    }
    Ok(v)
}

/// Keeps at most one of the alternative members `a` and `b` of `m`: a blank
/// one (empty or whitespace) is left out, and two that are not blank are an
/// error, so that both never leave together.
fn one_of_pair(
    m: &mut serde_json::Map<String, serde_json::Value>,
    a: &str,
    b: &str,
    at: &str,
) -> Result<(), String> {
    let blank = |v: &serde_json::Value| v.as_str().is_some_and(|s| s.trim().is_empty());
    for key in [a, b] {
        if m.get(key).is_some_and(blank) {
            m.remove(key);
        }
    }
    if m.contains_key(a) && m.contains_key(b) {
        return Err(format!(
            "{at}{a} and {at}{b} are alternatives: exactly one of them is sent"
        ));
    }
    Ok(())
}

/// Encodes a valid `send` request: without `null` members, and with one
/// member of each pair of alternatives (`recipientid` / `recipient_token`, a
/// media payload's `url` / `attachment_id`, a media element's `attachment_id` /
/// `url`), so that a request never leaves with both.
pub fn encode_send(v: serde_json::Value) -> Result<serde_json::Value, String> {
    let mut v = drop_nulls(v);
    let Some(root) = v.as_object_mut() else {
        return Ok(v);
    };
    one_of_pair(root, "recipientid", "recipient_token", "")?;
    if let Some(payload) = root.get_mut("payload").and_then(|p| p.as_object_mut()) {
        one_of_pair(payload, "url", "attachment_id", "payload.")?;
        if let Some(elements) = payload.get_mut("elements").and_then(|e| e.as_array_mut()) {
            for (i, e) in elements.iter_mut().enumerate() {
                if let Some(e) = e.as_object_mut() {
                    one_of_pair(
                        e,
                        "attachment_id",
                        "url",
                        &format!("payload.elements[{i}]."),
                    )?;
                }
            }
        }
    }
    Ok(v)
}

/// Encodes a valid Graph request: without `null` members, each camelCase
/// field under its snake_case Graph name (`pageId` → `page_id`).
pub fn encode_graph(v: serde_json::Value) -> Result<serde_json::Value, String> {
    let serde_json::Value::Object(m) = drop_nulls(v) else {
        return Err("a Graph request is an object".to_owned());
    };
    Ok(serde_json::Value::Object(
        m.into_iter().map(|(k, v)| (snake_case(&k), v)).collect(),
    ))
}

/// `pageId` → `page_id`: a Graph parameter's name from its request field's.
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `page_id` → `pageId`: a request field's name from its Graph parameter's.
pub fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Sends a request as it is (`get_token`, whose parameters go in the URL).
pub fn encode_any(v: serde_json::Value) -> Result<serde_json::Value, String> {
    Ok(v)
}

/// Keeps an answer the documents do not describe as it is.
pub fn shape_any(a: Answered<'_>) -> Result<Json, String> {
    json_of(&a.read::<serde_json::Value>()?)
}

/// One endpoint of the catalogue.
#[derive(Clone, Copy)]
pub struct Endpoint {
    /// Stable name used in errors and logs, e.g. `get_token`.
    pub name: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path below the base URL (Graph paths hold `{placeholders}`).
    pub path: &'static str,
    /// How the call authenticates.
    pub auth: Auth,
    /// How answers are paged.
    pub paging: Paging,
    /// Whether a retry is safe.
    pub retry: RetrySafety,
    /// What a success gives back.
    pub answer: Answer,
    /// The request's rules.
    pub validate: Validator,
    /// Turns a valid request into what is sent: the tables' names (a
    /// documented alias such as `recipient_id` leaves as `recipientid`),
    /// without `null` members (the validators read them as absent).
    pub encode: Encode,
    /// The model type of what a success gives back (the item, the page or
    /// the Graph object).
    pub shape: Shape,
    /// Makes JSON of an answer the document prints in a form that is not
    /// (`get_media_content`), before it is read; `None` for the others.
    pub repair: Option<fn(&str) -> Option<String>>,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("name", &self.name)
            .field("method", &self.method)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn no_request(_: &serde_json::Value) -> Vec<Violation> {
    Vec::new()
}

/// Every endpoint, declared once: its wire name, method, path, auth, paging,
/// retry safety, answer, rules, encoding and answer type, and its JavaScript
/// binding (the client method, the page iterator, the validator export and
/// their TypeScript types; `by f` makes the request's field `f` the methods'
/// first argument; `details` an iterator over another endpoint's answer for
/// each row; `checked` names a validator export written by hand,
/// `validateTopic`, which also takes the stored topic); `repair` names the
/// function that makes JSON of an answer the document prints otherwise.
/// `$cb` receives the whole list: the catalogue below, the JS methods
/// (`js/client.rs`) and the JS validators (`js/validate.rs`) expand from it.
macro_rules! with_endpoints {
    ($cb:ident) => {
        $cb! {
            /// `GET /api/get_token`: a new token, invalidating the previous one.
            GET_TOKEN = "get_token", Get "/api/get_token", None, None, Safe, Answer::Item,
                no_request, encode_any, shape_as::<model::TokenItem>,
                js {};
            /// Messenger `send`: a text, media or template message. Never sent twice:
            /// after an ambiguous failure it rejects with `retryable: false`.
            MESSENGER_SEND = "messenger.send", Post "/chat-facebook/api/messenger/send", SobotToken, None, OnlyIfNotProcessed, Answer::Item,
                validate::messenger::send_message, encode_send, shape_any,
                js { MessengerClient call send "send": "SendMessageRequest" -> "Promise<SendMessageResult | null>";
                     validator validate_send_message "validateSendMessage": "SendMessageRequest"; };
            /// Messenger `upload_async`: resolves to the `track_id`; the `attachment_id`
            /// arrives by webhook (`parseUploadResult`) and is then sent as a media
            /// message's `payload.attachment_id`.
            MESSENGER_UPLOAD_ASYNC = "messenger.upload_async", Post "/chat-facebook/api/messenger/upload_async", SobotToken, None, OnlyIfNotProcessed, Answer::Item,
                validate::messenger::upload_async, encode_plain, shape_as::<String>,
                js { MessengerClient call upload_async "uploadAsync": "UploadAsyncRequest" -> "Promise<string>";
                     validator validate_upload_async "validateUploadAsync": "UploadAsyncRequest"; };
            /// Messenger `query_sub_users`: one page of a topic's subscribers.
            MESSENGER_QUERY_SUB_USERS = "messenger.query_sub_users", Get "/chat-facebook/api/messenger/query_sub_users", SobotToken, PageNo, Safe, Answer::Page,
                validate::messenger::query_sub_users, encode_plain, shape_page::<messenger::SubscribedUser>,
                js { MessengerClient call query_sub_users "querySubUsers": "QuerySubUsersRequest" -> "Promise<Paged<SubscribedUser>>";
                     pages sub_users "subUsers": "PageFilter<QuerySubUsersRequest>" -> "AsyncIterable<SubscribedUser>";
                     validator validate_query_sub_users "validateQuerySubUsers": "QuerySubUsersRequest"; };
            /// Messenger `create_or_update_title`: creates a subscription topic, or
            /// updates one (`configid`); resolves to the topic's `configid`.
            MESSENGER_CREATE_OR_UPDATE_TITLE = "messenger.create_or_update_title", Post "/chat-facebook/api/messenger/create_or_update_title", SobotToken, None, OnlyIfNotProcessed, Answer::Item,
                validate::messenger::topic, encode_plain, shape_as::<String>,
                js { MessengerClient call create_or_update_title "createOrUpdateTitle": "TopicRequest" -> "Promise<string>";
                     checked "validateTopic"; };
            /// Messenger `del_title`: deletes a subscription topic.
            MESSENGER_DEL_TITLE = "messenger.del_title", Get "/chat-facebook/api/messenger/del_title", SobotToken, None, OnlyIfNotProcessed, Answer::Nothing,
                validate::messenger::delete_topic, encode_plain, shape_any,
                js { MessengerClient call delete_title "deleteTitle": "DeleteTopicRequest" -> "Promise<null>";
                     validator validate_delete_topic "validateDeleteTopic": "DeleteTopicRequest"; };
            /// Messenger `get_title_list`: one page of subscription topics (the list
            /// is in `item`).
            MESSENGER_GET_TITLE_LIST = "messenger.get_title_list", Post "/chat-facebook/api/messenger/get_title_list", SobotToken, PageNo, Safe, Answer::Page,
                validate::messenger::title_list, encode_plain, shape_page::<messenger::Topic>,
                js { MessengerClient call get_title_list "getTitleList": "TitleListRequest" -> "Promise<Paged<Topic>>";
                     pages titles "titles": "PageFilter<TitleListRequest>" -> "AsyncIterable<Topic>";
                     validator validate_title_list "validateTitleList": "TitleListRequest"; };
            /// Messenger `send_opt_in_message`: asks a user to subscribe to a topic.
            MESSENGER_SEND_OPT_IN_MESSAGE = "messenger.send_opt_in_message", Post "/chat-facebook/api/messenger/send_opt_in_message", SobotToken, None, OnlyIfNotProcessed, Answer::Item,
                validate::messenger::opt_in, encode_opt_in, shape_as::<messenger::OptInResult>,
                js { MessengerClient call send_opt_in_message "sendOptInMessage": "OptInRequest | OptInRequestAsExample" -> "Promise<OptInResult>";
                     validator validate_opt_in "validateOptIn": "OptInRequest | OptInRequestAsExample"; };
            /// Messenger `query_task_list`: one page of mass-send tasks.
            MESSENGER_QUERY_TASK_LIST = "messenger.query_task_list", Post "/chat-set/api/messenger/query_task_list", SobotToken, PageNo, Safe, Answer::Page,
                validate::messenger::task_list, encode_plain, shape_page::<messenger::MessengerTask>,
                js { MessengerClient call query_task_list "queryTaskList": "MessengerTaskListRequest" -> "Promise<Paged<MessengerTask>>";
                     pages tasks "tasks": "PageFilter<MessengerTaskListRequest>" -> "AsyncIterable<MessengerTask>";
                     validator validate_messenger_task_list "validateMessengerTaskList": "MessengerTaskListRequest"; };
            /// Messenger `send_record_list`: one page of send records.
            MESSENGER_SEND_RECORD_LIST = "messenger.send_record_list", Post "/chat-set/api/messenger/send_record_list", SobotToken, PageNo, Safe, Answer::Page,
                validate::messenger::send_record_list, encode_plain, shape_page::<messenger::MessengerSendRecord>,
                js { MessengerClient call send_record_list "sendRecordList": "MessengerSendRecordListRequest" -> "Promise<Paged<MessengerSendRecord>>";
                     pages send_records "sendRecords": "PageFilter<MessengerSendRecordListRequest>" -> "AsyncIterable<MessengerSendRecord>";
                     validator validate_messenger_send_record_list "validateMessengerSendRecordList": "MessengerSendRecordListRequest"; };
            /// LINE `get_media_content`: the URL (the answer's `item`) where a media
            /// message's content can be downloaded.
            LINE_GET_MEDIA_CONTENT = "line.get_media_content", Get "/chat-line/api/line/get_media_content", SobotToken, None, Safe, Answer::Item,
                validate::line::media_content, encode_plain, shape_media_url,
                repair model::line::repair_media_content,
                js { LineClient call get_media_content "getMediaContent": "MediaContentRequest" -> "Promise<string>";
                     validator validate_line_media_content "validateLineMediaContent": "MediaContentRequest"; };
            /// LINE `query_task_list`: one page of mass-send tasks.
            LINE_QUERY_TASK_LIST = "line.query_task_list", Post "/chat-set/api/line/query_task_list", SobotToken, PageNo, Safe, Answer::Page,
                validate::line::task_list, encode_plain, shape_page::<line::LineTask>,
                js { LineClient call query_task_list "queryTaskList": "LineTaskListRequest" -> "Promise<Paged<LineTask>>";
                     pages tasks "tasks": "PageFilter<LineTaskListRequest>" -> "AsyncIterable<LineTask>";
                     validator validate_line_task_list "validateLineTaskList": "LineTaskListRequest"; };
            /// LINE `send_record_list`: one page of send records.
            LINE_SEND_RECORD_LIST = "line.send_record_list", Post "/chat-set/api/line/send_record_list", SobotToken, PageNo, Safe, Answer::Page,
                validate::line::send_record_list, encode_plain, shape_page::<line::LineSendRecord>,
                js { LineClient call send_record_list "sendRecordList": "LineSendRecordListRequest" -> "Promise<Paged<LineSendRecord>>";
                     pages send_records "sendRecords": "PageFilter<LineSendRecordListRequest>" -> "AsyncIterable<LineSendRecord>";
                     validator validate_line_send_record_list "validateLineSendRecordList": "LineSendRecordListRequest"; };
            /// Graph: the conversations of a Page or Instagram account.
            GRAPH_CONVERSATIONS = "graph.conversations", Get "/{version}/{page_id}/conversations", GraphAccessToken, GraphCursor, Safe, Answer::Graph,
                validate::graph::conversations, encode_graph, shape_as::<graph::GraphList<graph::Conversation>>,
                js { GraphClient call list_conversations "listConversations": "ConversationListRequest" -> "Promise<GraphList<Conversation>>";
                     pages conversations "conversations": "ConversationListRequest" -> "AsyncIterable<Conversation>";
                     validator validate_graph_conversations "validateGraphConversations": "ConversationListRequest"; };
            /// Graph: the messages (ids and times) of a conversation.
            GRAPH_CONVERSATION_MESSAGES = "graph.conversation_messages", Get "/{version}/{conversation_id}?fields=messages", GraphAccessToken, GraphCursor, Safe, Answer::Graph,
                validate::graph::conversation_messages, encode_graph, shape_as::<graph::ConversationMessages>,
                js { GraphClient by conversationId
                     call conversation_messages "conversationMessages": "CallOptions & Omit<ConversationMessagesRequest, 'conversationId'>" -> "Promise<ConversationMessages>";
                     pages messages "messages": "CallOptions & Omit<ConversationMessagesRequest, 'conversationId'>" -> "AsyncIterable<MessageRef>";
                     details message_details "messageDetails" GRAPH_MESSAGE: "CallOptions & Omit<MessageDetailRequest, 'messageId'>" -> "AsyncIterable<MessageDetail>";
                     validator validate_graph_conversation_messages "validateGraphConversationMessages": "ConversationMessagesRequest"; };
            /// Graph: one message's details (only the 20 most recent of a conversation).
            GRAPH_MESSAGE = "graph.message", Get "/{version}/{message_id}?fields=id,created_time,from,to,message", GraphAccessToken, None, Safe, Answer::Graph,
                validate::graph::message, encode_graph, shape_as::<graph::MessageDetail>,
                js { GraphClient by messageId
                     call message "message": "CallOptions & Omit<MessageDetailRequest, 'messageId'>" -> "Promise<MessageDetail>";
                     validator validate_graph_message "validateGraphMessage": "MessageDetailRequest"; };
        }
    };
}
// used by `js/`, which only the wasm32 build with the `client` feature has
#[cfg_attr(
    not(all(target_arch = "wasm32", feature = "client")),
    allow(unused_imports)
)]
pub(crate) use with_endpoints;

/// `Some(f)` for an entry's `repair f`, else `None`.
macro_rules! repair_of {
    () => {
        None
    };
    ($f:path) => {
        Some($f as fn(&str) -> Option<String>)
    };
}

/// Expands [`with_endpoints`] into one `Endpoint` constant each and [`CATALOGUE`].
macro_rules! define_endpoints {
    ($( $(#[$doc:meta])* $id:ident = $name:literal, $method:ident $path:literal, $auth:ident, $paging:ident, $retry:ident, $answer:expr, $validate:path, $encode:expr, $shape:expr, $(repair $repair:path,)? js $js:tt; )*) => {
        $(
            $(#[$doc])*
            pub const $id: Endpoint = Endpoint {
                name: $name,
                method: Method::$method,
                path: $path,
                auth: Auth::$auth,
                paging: Paging::$paging,
                retry: RetrySafety::$retry,
                answer: $answer,
                validate: $validate,
                encode: $encode,
                shape: $shape,
                repair: repair_of!($($repair)?),
            };
        )*
        /// Every endpoint the crate knows.
        pub const CATALOGUE: &[Endpoint] = &[$($id),*];
    };
}

with_endpoints!(define_endpoints);

/// The endpoint named `name`.
pub fn by_name(name: &str) -> Option<&'static Endpoint> {
    CATALOGUE.iter().find(|e| e.name == name)
}

/// Appends `s` to `out`, percent-encoded as a URL query component: RFC 3986's
/// unreserved characters stay, every other byte of the UTF-8 is `%XX`.
pub fn encode_query_component(out: &mut String, s: &str) {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    const ENCODED: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    out.extend(utf8_percent_encode(s, ENCODED));
}

/// Builds `base + path + ?k=v&…`, encoding each value; `base` may end in `/`.
pub fn url(base: &str, path: &str, query: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(base.len() + path.len() + 16 * query.len());
    out.push_str(base.trim_end_matches('/'));
    out.push_str(path);
    for (i, (k, v)) in query.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        encode_query_component(&mut out, k);
        out.push('=');
        encode_query_component(&mut out, v);
    }
    out
}

/// A piece of a path template: literal text or a `{name}` placeholder.
enum Part<'a> {
    Text(&'a str),
    Field(&'a str),
}

/// A path template's parts (`/{version}/{page_id}/conversations?platform=x`:
/// its text and placeholders in turn) and its fixed query pairs.
struct Template<'a> {
    parts: Vec<Part<'a>>,
    query: Vec<(&'a str, &'a str)>,
}

impl<'a> Template<'a> {
    fn parse(template: &'a str) -> Self {
        let (path, fixed) = template.split_once('?').unwrap_or((template, ""));
        let mut parts = Vec::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            parts.push(Part::Text(&rest[..open]));
            let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
            parts.push(Part::Field(&rest[open + 1..close]));
            rest = rest.get(close + 1..).unwrap_or("");
        }
        parts.push(Part::Text(rest));
        let query = fixed
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once('=').unwrap_or((p, "")))
            .collect();
        Template { parts, query }
    }
}

/// An endpoint's path and query from its template and a checked request: each
/// `{name}` is the request's `name` (or `fixed`'s, e.g. the API version), and
/// the request's other string and number fields follow the template's fixed
/// query. The validators keep placeholders to safe
/// path segments, so they are written as they are. The query's order is the
/// request map's (by name).
pub fn fill_path(
    template: &str,
    request: &serde_json::Value,
    fixed: &[(&str, &str)],
) -> (String, Vec<(String, String)>) {
    let Template {
        parts,
        query: fixed_query,
    } = Template::parse(template);
    let field = |name: &str| -> Option<String> {
        match request.get(name)? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let mut path = String::with_capacity(template.len() + 32);
    let mut used = Vec::new();
    for part in &parts {
        match part {
            Part::Text(text) => path.push_str(text),
            Part::Field(name) => {
                let value = fixed
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| (*v).to_owned())
                    .or_else(|| field(name))
                    .unwrap_or_default();
                path.push_str(&value);
                used.push(*name);
            }
        }
    }
    let mut query: Vec<(String, String)> = fixed_query
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    if let serde_json::Value::Object(m) = request {
        for k in m.keys() {
            if used.contains(&k.as_str()) {
                continue;
            }
            let Some(v) = field(k) else { continue };
            match query.iter_mut().find(|(q, _)| q == k) {
                Some(pair) => pair.1 = v,
                None => query.push((k.clone(), v)),
            }
        }
    }
    (path, query)
}

/// The placeholders of a path template, `{version}` included, in order.
pub fn placeholders(template: &str) -> Vec<&str> {
    Template::parse(template)
        .parts
        .into_iter()
        .filter_map(|p| match p {
            Part::Field(name) => Some(name),
            Part::Text(_) => None,
        })
        .collect()
}

/// The one field a node template expands (`?fields=messages`): a cursor
/// walk's list is that member of the answer, and its later pages are read
/// from the node's edge of that name. `None` for other templates.
pub fn expanded_edge(template: &str) -> Option<&str> {
    let fields = Template::parse(template)
        .query
        .into_iter()
        .find(|(k, _)| *k == "fields")?
        .1;
    (!fields.is_empty() && !fields.contains(',')).then_some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_path_templates() {
        let req =
            serde_json::json!({"page_id": "42", "platform": "instagram", "limit": 5, "x": null});
        let (path, query) = fill_path(GRAPH_CONVERSATIONS.path, &req, &[("version", "v23.0")]);
        assert_eq!(path, "/v23.0/42/conversations");
        let q: Vec<(&str, &str)> = query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        // serde_json's map orders the fields by name.
        assert_eq!(q, [("limit", "5"), ("platform", "instagram")]);
        let req = serde_json::json!({"conversation_id": "t_1"});
        let (path, query) = fill_path(GRAPH_CONVERSATION_MESSAGES.path, &req, &[("version", "v1")]);
        assert_eq!(path, "/v1/t_1");
        assert_eq!(query, [("fields".to_owned(), "messages".to_owned())]);
        // A request's field replaces the template's default of that name.
        let req = serde_json::json!({"message_id": "m_1", "fields": "id"});
        let (path, query) = fill_path(GRAPH_MESSAGE.path, &req, &[("version", "v1")]);
        assert_eq!(path, "/v1/m_1");
        assert_eq!(query, [("fields".to_owned(), "id".to_owned())]);
        assert_eq!(placeholders(GRAPH_MESSAGE.path), ["version", "message_id"]);
        assert_eq!(
            expanded_edge(GRAPH_CONVERSATION_MESSAGES.path),
            Some("messages")
        );
        assert_eq!(expanded_edge(GRAPH_MESSAGE.path), None);
        assert_eq!(expanded_edge(GRAPH_CONVERSATIONS.path), None);
        let (path, query) = fill_path("/{a}{b}/c", &serde_json::json!({"a": 1}), &[]);
        assert_eq!((path.as_str(), query.len()), ("/1/c", 0));
    }

    #[test]
    fn builds_urls() {
        assert_eq!(
            url(
                "https://sg.sobot.com/",
                GET_TOKEN.path,
                &[("appid", "a b&c"), ("sign", "x")]
            ),
            "https://sg.sobot.com/api/get_token?appid=a%20b%26c&sign=x"
        );
        assert_eq!(url("http://h", "/p", &[]), "http://h/p");
        let mut s = String::new();
        encode_query_component(&mut s, "测");
        assert_eq!(s, "%E6%B5%8B");
        let mut s = String::new();
        encode_query_component(&mut s, "Az09-_.~ +*!'()/?#=&%\u{7f}\n");
        assert_eq!(s, "Az09-_.~%20%2B%2A%21%27%28%29%2F%3F%23%3D%26%25%7F%0A");
    }

    #[test]
    fn names_and_paths_are_unique() {
        for (i, a) in CATALOGUE.iter().enumerate() {
            for b in CATALOGUE.iter().skip(i + 1) {
                assert_ne!(a.name, b.name);
                assert_ne!((a.method, a.path), (b.method, b.path), "{}", a.name);
            }
        }
        assert_eq!(
            by_name("line.query_task_list").unwrap().path,
            "/chat-set/api/line/query_task_list"
        );
    }

    #[test]
    fn encodes_requests_with_the_tables_names_and_no_nulls() {
        use serde_json::json;
        let req = json!({"appid": "1", "title": "t", "recipient_id": "9", "describe": null});
        assert_eq!(
            (MESSENGER_SEND_OPT_IN_MESSAGE.encode)(req).unwrap(),
            json!({"appid": "1", "title": "t", "recipientid": "9"})
        );
        let both = json!({"recipientid": "1", "recipient_id": "2"});
        assert_eq!(
            (MESSENGER_SEND_OPT_IN_MESSAGE.encode)(both).unwrap(),
            json!({"recipientid": "1"})
        );
        let send = json!({"pageid": "p", "tag": null, "payload": {"buttons": [{"url": null, "title": "x"}]}});
        assert_eq!(
            (MESSENGER_SEND.encode)(send).unwrap(),
            json!({"pageid": "p", "payload": {"buttons": [{"title": "x"}]}})
        );
        assert_eq!(
            (LINE_GET_MEDIA_CONTENT.shape)(Answered::Value(json!({"url": "https://x/y.png"})))
                .unwrap()
                .value()
                .unwrap(),
            json!("https://x/y.png")
        );
        assert_eq!(
            (LINE_GET_MEDIA_CONTENT.shape)(Answered::Text(r#""https://x/y.png""#))
                .unwrap()
                .value()
                .unwrap(),
            json!("https://x/y.png")
        );
    }

    #[test]
    fn writes_are_never_blindly_retried() {
        for e in CATALOGUE {
            let write = matches!(
                e.name,
                "messenger.send"
                    | "messenger.upload_async"
                    | "messenger.create_or_update_title"
                    | "messenger.del_title"
                    | "messenger.send_opt_in_message"
            );
            assert_eq!(
                e.retry == RetrySafety::OnlyIfNotProcessed,
                write,
                "{}",
                e.name
            );
        }
    }
}
