//! Validators of the LINE document's requests.

use super::check::{Checker, Need};
use super::limits::PAGE_SIZE_MAX;
use super::Violation;
use serde_json::Value;

/// `GET /chat-line/api/line/get_media_content`: message id and channel id.
pub fn media_content(request: &Value) -> Vec<Violation> {
    let mut c = Checker::default();
    let Some(root) = c.object("", request) else {
        return c.finish();
    };
    c.known_fields("", root, &["messageid", "appid"]);
    c.string("", root, "messageid", Need::Required);
    c.string("", root, "appid", Need::Required);
    c.finish()
}

/// `POST /chat-set/api/line/query_task_list`.
pub fn task_list(request: &Value) -> Vec<Violation> {
    let mut c = Checker::default();
    let Some(root) = c.object("", request) else {
        return c.finish();
    };
    c.known_fields(
        "",
        root,
        &[
            "task_start_time",
            "task_end_time",
            "sender",
            "task_name",
            "subjectid",
            "page_no",
            "page_size",
        ],
    );
    let s = c.integer("", root, "task_start_time", Need::Optional);
    let e = c.integer("", root, "task_end_time", Need::Optional);
    c.time_range("", "task_start_time", s, "task_end_time", e);
    c.string("", root, "sender", Need::Optional);
    c.string("", root, "task_name", Need::Optional);
    c.string("", root, "subjectid", Need::Optional);
    c.paging("", root, Need::Optional, Some(&PAGE_SIZE_MAX));
    c.finish()
}

/// `POST /chat-set/api/line/send_record_list`.
pub fn send_record_list(request: &Value) -> Vec<Violation> {
    let mut c = Checker::default();
    let Some(root) = c.object("", request) else {
        return c.finish();
    };
    c.known_fields(
        "",
        root,
        &[
            "send_start_time",
            "send_end_time",
            "messageid",
            "message_status",
            "taskid",
            "task_name",
            "send_agentid",
            "sender",
            "recipient",
            "subjectid",
            "page_no",
            "page_size",
        ],
    );
    super::messenger::record_filters(&mut c, root);
    c.string("", root, "subjectid", Need::Optional);
    c.finish()
}
