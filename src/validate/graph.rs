//! Validators of the Graph Conversations API requests. Ids go into the URL
//! path, so each must be a single path segment.

use super::check::{Checker, Need};
use super::Violation;
use crate::model::enums::GraphPlatform;
use serde_json::Value;

/// `GET /{page_id}/conversations?platform=…[&user_id=…]`.
pub fn conversations(request: &Value) -> Vec<Violation> {
    let mut c = Checker::default();
    let Some(root) = c.object("", request) else {
        return c.finish();
    };
    c.known_fields("", root, &["page_id", "platform", "user_id", "after"]);
    if let Some(id) = c.string("", root, "page_id", Need::Required) {
        c.path_segment("page_id", id);
    }
    if let Some(p) = c.string("", root, "platform", Need::Required) {
        c.one_of("platform", p, GraphPlatform::KNOWN, None);
    }
    if let Some(u) = c.string("", root, "user_id", Need::Optional) {
        if u.trim().is_empty() {
            c.push(Violation::required("user_id"));
        }
    }
    c.string("", root, "after", Need::Optional);
    c.finish()
}

/// `GET /{conversation_id}?fields=messages`.
pub fn conversation_messages(request: &Value) -> Vec<Violation> {
    let mut c = Checker::default();
    let Some(root) = c.object("", request) else {
        return c.finish();
    };
    c.known_fields("", root, &["conversation_id"]);
    if let Some(id) = c.string("", root, "conversation_id", Need::Required) {
        c.path_segment("conversation_id", id);
    }
    c.finish()
}

/// `GET /{message_id}?fields=…`.
pub fn message(request: &Value) -> Vec<Violation> {
    let mut c = Checker::default();
    let Some(root) = c.object("", request) else {
        return c.finish();
    };
    c.known_fields("", root, &["message_id", "fields"]);
    if let Some(id) = c.string("", root, "message_id", Need::Required) {
        c.path_segment("message_id", id);
    }
    if let Some(f) = c.string("", root, "fields", Need::Optional) {
        let ok = !f.is_empty()
            && f.split(',').all(|name| {
                !name.is_empty()
                    && name.chars().all(|ch| {
                        ch.is_ascii_alphanumeric()
                            || matches!(ch, '_' | '.' | '{' | '}' | '(' | ')')
                    })
            });
        if !ok {
            c.push(Violation::format(
                "fields",
                "comma-separated field names, e.g. id,created_time,from,to,message",
                Some(Value::from(f)),
            ));
        }
    }
    c.finish()
}
