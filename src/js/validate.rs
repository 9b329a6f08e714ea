//! JS exports of the validation layer and the error catalogue: one validator
//! per request of the documents, and `describeError`. Each converts the JS
//! value to JSON, calls `crate::validate`, and converts the answer back.

use crate::model::catalogue::{self, Table};
use crate::model::messenger::Topic;
use crate::validate::{self, Validator, Violation};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::options::js_json as to_json;

fn out<T: Serialize>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or_else(|_| js_sys::Array::new().into())
}

fn run(request: &JsValue, validator: Validator) -> JsValue {
    let violations = match to_json(request, "(request)") {
        Ok(v) => validator(&v),
        Err(v) => vec![v],
    };
    out(&violations)
}

macro_rules! validators {
    ($( $(#[$doc:meta])* $js:ident => $rust:ident ( $ts:tt ) = $f:path; )+) => {
        $(
            $(#[$doc])*
            #[doc = ""]
            #[doc = " Takes the request exactly as the document's JSON shows it and"]
            #[doc = " returns every violation (an empty array when it is valid). Never throws."]
            #[wasm_bindgen(js_name = $js, unchecked_return_type = "Violation[]")]
            pub fn $rust(#[wasm_bindgen(unchecked_param_type = $ts)] request: JsValue) -> JsValue {
                run(&request, $f)
            }
        )+
    };
}

validators! {
    #[doc = " Messenger `send`: recipient, messaging type and tag, and the payload of `type`."]
    validateSendMessage => validate_send_message("SendMessageRequest") = validate::messenger::send_message;
    #[doc = " Messenger `upload_async`."]
    validateUploadAsync => validate_upload_async("UploadAsyncRequest") = validate::messenger::upload_async;
    #[doc = " Messenger `query_sub_users` (the query parameters as an object)."]
    validateQuerySubUsers => validate_query_sub_users("QuerySubUsersRequest") = validate::messenger::query_sub_users;
    #[doc = " Messenger `del_title` (the query parameters as an object)."]
    validateDeleteTopic => validate_delete_topic("DeleteTopicRequest") = validate::messenger::delete_topic;
    #[doc = " Messenger `get_title_list`."]
    validateTitleList => validate_title_list("TitleListRequest") = validate::messenger::title_list;
    #[doc = " Messenger `send_opt_in_message`."]
    validateOptIn => validate_opt_in("OptInRequest") = validate::messenger::opt_in;
    #[doc = " Messenger `query_task_list`."]
    validateMessengerTaskList => validate_messenger_task_list("MessengerTaskListRequest") = validate::messenger::task_list;
    #[doc = " Messenger `send_record_list`."]
    validateMessengerSendRecordList => validate_messenger_send_record_list("MessengerSendRecordListRequest") = validate::messenger::send_record_list;
    #[doc = " LINE `get_media_content` (the query parameters as an object)."]
    validateLineMediaContent => validate_line_media_content("MediaContentRequest") = validate::line::media_content;
    #[doc = " LINE `query_task_list`."]
    validateLineTaskList => validate_line_task_list("LineTaskListRequest") = validate::line::task_list;
    #[doc = " LINE `send_record_list`."]
    validateLineSendRecordList => validate_line_send_record_list("LineSendRecordListRequest") = validate::line::send_record_list;
    #[doc = " Graph `/{page_id}/conversations`."]
    validateGraphConversations => validate_graph_conversations("ConversationListRequest") = validate::graph::conversations;
    #[doc = " Graph `/{conversation_id}?fields=messages`."]
    validateGraphConversationMessages => validate_graph_conversation_messages("ConversationMessagesRequest") = validate::graph::conversation_messages;
    #[doc = " Graph `/{message_id}?fields=…`."]
    validateGraphMessage => validate_graph_message("MessageDetailRequest") = validate::graph::message;
}

/// Messenger `create_or_update_title`: the topic rules (codes 210001–210012).
/// With `existing` (the topic as `get_title_list` returned it), an update is
/// also checked not to change `appid` or `title` (210011). Never throws.
#[wasm_bindgen(js_name = validateTopic, unchecked_return_type = "Violation[]")]
pub fn validate_topic(
    #[wasm_bindgen(unchecked_param_type = "TopicRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Topic")] existing: Option<JsValue>,
) -> JsValue {
    let request = match to_json(&request, "(request)") {
        Ok(v) => v,
        Err(v) => return out(&vec![v]),
    };
    let existing = existing.filter(|e| !e.is_undefined() && !e.is_null());
    let violations = match existing {
        None => validate::messenger::topic(&request),
        Some(e) => match to_json(&e, "(existing)")
            .map_err(|v| v.message)
            .and_then(|v| serde_json::from_value::<Topic>(v).map_err(|e| e.to_string()))
        {
            Ok(topic) => validate::messenger::topic_update(&request, &topic),
            Err(err) => {
                let mut v = validate::messenger::topic(&request);
                v.push(Violation::format(
                    "(existing)",
                    "a topic as get_title_list returns it",
                    Some(serde_json::Value::from(err)),
                ));
                v
            }
        },
    };
    out(&violations)
}

/// The catalogue entry of a code: its documented Chinese message, an English
/// one, a category and whether a retry can help; `undefined` when unknown.
/// Without `table`, the code is read as an API error (`ret_code` first, then
/// the Messenger send `error_code`).
#[wasm_bindgen(
    js_name = describeError,
    unchecked_return_type = "ErrorCatalogueEntry | undefined"
)]
pub fn describe_error(
    #[wasm_bindgen(unchecked_param_type = "string | number")] code: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ErrorTable")] table: Option<String>,
) -> JsValue {
    let code = match (code.as_string(), code.as_f64()) {
        (Some(s), _) => s,
        (None, Some(n)) if n.fract() == 0.0 && n >= 0.0 => format!("{n:.0}"),
        _ => return JsValue::UNDEFINED,
    };
    let entry = match table.as_deref() {
        None => catalogue::lookup(&code),
        Some(name) => Table::from_name(name).and_then(|t| catalogue::lookup_in(t, &code)),
    };
    entry.map_or(JsValue::UNDEFINED, out)
}
