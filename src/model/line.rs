//! The Sobot LINE channel (document `001_…`): media content, mass-send tasks
//! and send records (with `subjectid`, the marketing subject).

use crate::model::enums::{MessageStatus, SendTimeType, TaskSource};
use crate::model::envelope::{Envelope, Paged};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

#[cfg(target_arch = "wasm32")]
use tsify::Tsify;

/// `GET /chat-line/api/line/get_media_content` (query parameters): the URL of
/// a media message's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct MediaContentRequest {
    /// The LINE message id.
    #[serde(deserialize_with = "crate::model::lenient::string")]
    pub messageid: String,
    /// The channel id.
    #[serde(deserialize_with = "crate::model::lenient::string")]
    pub appid: String,
}

/// The `item` of a `get_media_content` answer: where the content can be
/// downloaded.
///
/// The document prints `item` as `{ "https://…" }`, which is not JSON. The
/// item decodes from a URL string, from an object with a `url` field, or from
/// an object whose only value is a string; [`decode_media_content`] also
/// repairs the printed form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct MediaContent {
    /// The content's URL on Sobot's storage.
    pub url: String,
}

impl<'de> Deserialize<'de> for MediaContent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MediaContent;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a URL string or an object holding one")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<MediaContent, E> {
                Ok(MediaContent { url: v.to_owned() })
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<MediaContent, E> {
                Ok(MediaContent { url: v })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<MediaContent, A::Error> {
                let mut url = None;
                let mut only = None;
                let mut count = 0usize;
                while let Some((k, v)) = map.next_entry::<String, serde_json::Value>()? {
                    count += 1;
                    if let serde_json::Value::String(s) = v {
                        if k == "url" {
                            url = Some(s);
                        } else {
                            only = Some(s);
                        }
                    }
                }
                match (url, only) {
                    (Some(url), _) => Ok(MediaContent { url }),
                    (None, Some(url)) if count == 1 => Ok(MediaContent { url }),
                    _ => Err(de::Error::custom("media content item holds no URL")),
                }
            }
        }
        d.deserialize_any(V)
    }
}

answer_alias! {
    /// The answer of `get_media_content`.
    MediaContentResponse = Envelope<MediaContent>;
}

/// Decodes a `get_media_content` answer, accepting the document's printed form
/// `"item": { "https://…" }` (a string in braces) as `"item": "https://…"`.
pub fn decode_media_content(body: &str) -> Result<MediaContentResponse, serde_json::Error> {
    match serde_json::from_str(body) {
        Ok(v) => Ok(v),
        Err(e) => match repair_braced_string(body) {
            Some(fixed) => serde_json::from_str(&fixed),
            None => Err(e),
        },
    }
}

/// The text of a `get_media_content` answer in the document's printed form
/// (`"item": { "https://…" }`, which is not JSON) rewritten as JSON
/// (`"item": "https://…"`); `None` when `body` is JSON already, or when the
/// rewrite would not make it JSON.
pub fn repair_media_content(body: &str) -> Option<String> {
    use serde::de::IgnoredAny;
    if serde_json::from_str::<IgnoredAny>(body).is_ok() {
        return None;
    }
    let fixed = repair_braced_string(body)?;
    serde_json::from_str::<IgnoredAny>(&fixed).ok()?;
    Some(fixed)
}

/// Rewrites the first `{ "<string>" }` (braces around a lone string) into the
/// string itself; `None` when there is no such form.
fn repair_braced_string(body: &str) -> Option<String> {
    let mut search_from = 0;
    while let Some(rel) = body.get(search_from..)?.find('{') {
        let open = search_from + rel;
        let after = body.get(open + 1..)?;
        let trimmed = after.trim_start();

        if let Some(rest) = trimmed.strip_prefix('"') {
            // Find the closing quote, honouring escapes.
            let mut end = None;
            let mut escaped = false;
            for (i, c) in rest.char_indices() {
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, '\\') => escaped = true,
                    (false, '"') => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            if let Some(end) = end {
                let tail = rest.get(end + 1..)?;
                let tail_trimmed = tail.trim_start();
                if let Some(after_brace) = tail_trimmed.strip_prefix('}') {
                    let string_lit = trimmed.get(..end + 2)?;
                    let mut out = String::with_capacity(body.len());
                    out.push_str(body.get(..open)?);
                    out.push_str(string_lit);
                    out.push_str(after_brace);
                    return Some(out);
                }
            }
        }
        search_from = open + 1;
    }
    None
}

/// `POST /chat-set/api/line/query_task_list`: mass-send task statistics.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct LineTaskListRequest {
    /// Tasks started at or after, ms since the epoch.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub task_start_time: Option<i64>,
    /// Tasks ended at or before, ms since the epoch.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub task_end_time: Option<i64>,
    /// The LINE official account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    /// Task name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_name: Option<String>,
    /// Marketing subject id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub subjectid: Option<String>,
    /// Page number (default 1).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub page_no: Option<i64>,
    /// Rows per page (default 15, at most 100).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub page_size: Option<i64>,
}

/// One mass-send task (LINE `query_task_list` `items`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct LineTask {
    /// Task name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_name: Option<String>,
    /// 1: marketing mass send.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_source: Option<TaskSource>,
    /// Task id. Documented `String`; numbers accepted.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub taskid: Option<String>,
    /// Time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Start, `yyyy-MM-dd HH:mm:ss` in `timezone`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub task_start_time: Option<String>,
    /// End, `yyyy-MM-dd HH:mm:ss` in `timezone`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub task_end_time: Option<String>,
    /// 1 immediate, 2 scheduled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_time_type: Option<SendTimeType>,
    /// Expected sends.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub estimate_send_num: Option<i64>,
    /// Successful sends.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub send_success_num: Option<i64>,
    /// Failed sends.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub send_error_num: Option<i64>,
    /// Marketing subject id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub subjectid: Option<String>,
}

answer_alias! {
    /// The answer of LINE `query_task_list`.
    LineTasksPage = Paged<LineTask>;
}

/// `POST /chat-set/api/line/send_record_list`: individual sends.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct LineSendRecordListRequest {
    /// Sent at or after, ms since the epoch (default: the last month).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub send_start_time: Option<i64>,
    /// Sent at or before, ms since the epoch.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub send_end_time: Option<i64>,
    /// Message id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messageid: Option<String>,
    /// Status: `0` sent, `1` delivered, `2` read, `9` failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_status: Option<MessageStatus>,
    /// Task id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub taskid: Option<String>,
    /// Task name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_name: Option<String>,
    /// Sending agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_agentid: Option<String>,
    /// The LINE official account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    /// Receiver.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub recipient: Option<String>,
    /// Marketing subject id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub subjectid: Option<String>,
    /// Page number (default 1).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub page_no: Option<i64>,
    /// Rows per page (default 15, at most 100).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub page_size: Option<i64>,
}

/// One send (LINE `send_record_list` `items`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct LineSendRecord {
    /// Task name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_name: Option<String>,
    /// `000000` sent, `999999` failed (LINE `error_code错误码`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub error_code: Option<String>,
    /// Time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Message ids, comma-separated (one send may carry several messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messageid: Option<String>,
    /// Task id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub taskid: Option<String>,
    /// Receiver id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub recipient_id: Option<String>,
    /// Sending agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_agentid: Option<String>,
    /// Send time, ms since the epoch.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub send_time: Option<i64>,
    /// The LINE official account.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub sender: Option<String>,
    /// Last status change, ms since the epoch.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub status_update_time: Option<i64>,
    /// Marketing subject id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub subjectid: Option<String>,
}

answer_alias! {
    /// The answer of LINE `send_record_list`.
    LineSendRecordsPage = Paged<LineSendRecord>;
}

impl LineSendRecord {
    /// The message ids of the send (`messageid` split at commas, empties dropped).
    pub fn message_ids(&self) -> Vec<&str> {
        self.messageid
            .as_deref()
            .map(|s| {
                s.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://sg.sobot.com/chatres/x/017a.png";

    #[test]
    fn media_item_from_string_or_object() {
        for body in [
            format!(r#"{{"item":"{URL}","ret_code":"000000"}}"#),
            format!(r#"{{"item":{{"url":"{URL}"}},"ret_code":"000000"}}"#),
            format!(r#"{{"item":{{"x":"{URL}"}},"ret_code":"000000"}}"#),
            format!("{{\n \"item\": {{\n   \"{URL}\"\n }},\n \"ret_code\": \"000000\"}}"),
        ] {
            let env = decode_media_content(&body).unwrap();
            assert_eq!(env.item.unwrap().url, URL, "{body}");
        }
        assert!(decode_media_content(r#"{"item":{"a":1},"ret_code":"0"}"#).is_err());
        assert!(decode_media_content(r#"{"item":{"a":"x","b":"y"},"ret_code":"0"}"#).is_err());
        assert!(decode_media_content("{ \"unterminated }").is_err());
        assert!(decode_media_content("").is_err());
    }

    #[test]
    fn message_ids_split() {
        let r = LineSendRecord {
            messageid: Some("5153,5154,".into()),
            ..Default::default()
        };
        assert_eq!(r.message_ids(), vec!["5153", "5154"]);
    }
}
