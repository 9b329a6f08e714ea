//! Meta's Graph API Conversations API (document `002_…`): the conversations of
//! a Page or Instagram professional account, their messages, one message's
//! details, Graph paging and the Graph error object.

use crate::model::enums::GraphPlatform;
use serde::{Deserialize, Serialize};

#[cfg(target_arch = "wasm32")]
use tsify::Tsify;

/// `listConversations`: `GET /{PAGE-ID}/conversations?platform=…[&user_id=…]`.
/// Graph requests are written in camelCase; each field is sent as its
/// snake_case query parameter or path segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ConversationListRequest {
    /// The Facebook Page id (for Instagram, the Page linked to the account).
    pub page_id: String,
    /// `messenger` or `instagram`.
    pub platform: GraphPlatform,
    /// Only the conversation with this Instagram- or Page-scoped user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Cursor of the page to read (`paging.cursors.after` of the previous one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Conversations per page (Graph's default when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// `conversationMessages`: `GET /{CONVERSATION-ID}?fields=messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ConversationMessagesRequest {
    /// The conversation id.
    pub conversation_id: String,
    /// Cursor of the page to read; later pages come from the `messages` edge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// `message`: `GET /{MESSAGE-ID}?fields=…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
#[serde(rename_all = "camelCase")]
pub struct MessageDetailRequest {
    /// The message id.
    pub message_id: String,
    /// Comma-separated fields; default those of the document's example,
    /// `id,created_time,from,to,message` (the catalogue's path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<String>,
}

/// A page of a Graph list: `data` and `paging`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    // `data` always reaches JS: spelled by hand so that TypeScript does not mark it optional.
    tsify(type = "{\n    /** The rows of this page. */\n    data: T[];\n    /** Cursors and links to the neighbouring pages. */\n    paging?: GraphPaging;\n}")
)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct GraphList<T> {
    /// The rows of this page.
    #[serde(
        default = "Vec::new",
        deserialize_with = "crate::model::lenient::null_as_default"
    )]
    pub data: Vec<T>,
    /// Cursors and links to the neighbouring pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paging: Option<GraphPaging>,
}

impl<T> GraphList<T> {
    /// The cursor of the next page, when Graph says there is one.
    pub fn next_cursor(&self) -> Option<&str> {
        let paging = self.paging.as_ref()?;
        paging.next.as_ref()?;
        paging.cursors.as_ref()?.after.as_deref()
    }
}

/// Graph `paging`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct GraphPaging {
    /// `before` / `after` cursors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursors: Option<GraphCursors>,
    /// URL of the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// URL of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
}

/// Graph `paging.cursors`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct GraphCursors {
    /// Cursor of the first row of this page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// Cursor of the last row of this page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// One conversation (`/{PAGE-ID}/conversations` `data`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct Conversation {
    /// The conversation id.
    pub id: String,
    /// Time of the most recent message (absent when filtered by `user_id`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub updated_time: Option<String>,
}

answer_alias! {
    /// The answer of `/{PAGE-ID}/conversations`.
    ConversationsPage = GraphList<Conversation>;
}

/// The answer of `/{CONVERSATION-ID}?fields=messages`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct ConversationMessages {
    /// The messages, most recent first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<GraphList<MessageRef>>,
    /// The conversation id.
    pub id: String,
}

/// A message of a conversation list: its id and creation time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct MessageRef {
    /// The message id.
    pub id: String,
    /// Creation time.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub created_time: Option<String>,
}

/// The answer of `/{MESSAGE-ID}?fields=id,created_time,from,to,message`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct MessageDetail {
    /// The message id.
    pub id: String,
    /// Creation time, e.g. `2022-07-12T19:11:07+0000`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub created_time: Option<String>,
    /// The sender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<GraphParticipant>,
    /// The receivers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<GraphList<GraphParticipant>>,
    /// The text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A sender or receiver of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct GraphParticipant {
    /// Instagram- or Page-scoped id.
    pub id: String,
    /// Instagram username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Messenger display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Messenger e-mail (a Page-scoped alias).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// A Graph error answer: `{"error": {…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct GraphErrorResponse {
    /// The error.
    pub error: GraphError,
}

/// Graph's error object.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct GraphError {
    /// A sentence for people.
    #[serde(default)]
    pub message: String,
    /// E.g. `OAuthException`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
    /// Error code (e.g. 190 invalid token, 4/613 rate limit, 100 bad parameter).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub code: Option<i64>,
    /// Finer code.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub error_subcode: Option<i64>,
    /// Id for Meta support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fbtrace_id: Option<String>,
    /// Whether Graph says the error is transient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_transient: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_object_decodes() {
        let e: GraphErrorResponse = serde_json::from_str(
            r#"{"error":{"message":"Invalid OAuth access token.","type":"OAuthException","code":190,"error_subcode":460,"fbtrace_id":"AbC"}}"#,
        )
        .unwrap();
        assert_eq!(e.error.code, Some(190));
        assert_eq!(e.error.error_type.as_deref(), Some("OAuthException"));
        assert_eq!(e.error.error_subcode, Some(460));
    }

    #[test]
    fn next_cursor_only_when_next_exists() {
        let p: ConversationsPage = serde_json::from_str(
            r#"{"data":[{"id":"c1","updated_time":"2022-07-12T19:11:07+0000"}],
                "paging":{"cursors":{"before":"b","after":"a"},"next":"https://graph.facebook.com/x?after=a"}}"#,
        )
        .unwrap();
        assert_eq!(p.next_cursor(), Some("a"));
        let last: ConversationsPage =
            serde_json::from_str(r#"{"data":[],"paging":{"cursors":{"after":"a"}}}"#).unwrap();
        assert_eq!(last.next_cursor(), None);
    }
}
