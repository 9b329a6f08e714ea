//! Validators of the Graph Conversations API requests, in their camelCase
//! JavaScript spelling. Ids go into the URL path, so each must be a single
//! path segment.

use super::check::{Checker, Need};
use super::limits::{GRAPH_LIMIT_MAX, PAGE_SIZE_MIN};
use super::Violation;
use crate::model::enums::GraphPlatform;
use serde_json::{Map, Value};

/// `GET /{page_id}/conversations?platform=…[&user_id=…][&limit=…]`.
pub fn conversations(request: &Value) -> Vec<Violation> {
    let mut c = Checker::default();
    let Some(root) = c.object("", request) else {
        return c.finish();
    };
    c.known_fields(
        "",
        root,
        &["pageId", "platform", "userId", "after", "limit"],
    );
    id(&mut c, root, "pageId");
    if let Some(p) = c.string("", root, "platform", Need::Required) {
        c.one_of("platform", p, GraphPlatform::KNOWN, None);
    }
    if let Some(u) = c.string("", root, "userId", Need::Optional) {
        if u.trim().is_empty() {
            c.push(Violation::required("userId"));
        }
    }
    c.string("", root, "after", Need::Optional);
    if let Some(n) = c.integer("", root, "limit", Need::Optional) {
        c.int_range("limit", n, &PAGE_SIZE_MIN, Some(&GRAPH_LIMIT_MAX));
    }
    c.finish()
}

/// `GET /{conversation_id}?fields=messages`.
pub fn conversation_messages(request: &Value) -> Vec<Violation> {
    let mut c = Checker::default();
    let Some(root) = c.object("", request) else {
        return c.finish();
    };
    c.known_fields("", root, &["conversationId", "after"]);
    id(&mut c, root, "conversationId");
    c.string("", root, "after", Need::Optional);
    c.finish()
}

/// `GET /{message_id}?fields=…`.
pub fn message(request: &Value) -> Vec<Violation> {
    let mut c = Checker::default();
    let Some(root) = c.object("", request) else {
        return c.finish();
    };
    c.known_fields("", root, &["messageId", "fields"]);
    id(&mut c, root, "messageId");
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

/// A required id that is one path segment.
fn id(c: &mut Checker, root: &Map<String, Value>, key: &str) {
    if let Some(id) = c.string("", root, key, Need::Required) {
        c.path_segment(key, id);
    }
}
