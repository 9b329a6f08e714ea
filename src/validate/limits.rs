//! Every limit the validators enforce, each named once with its source.
//!
//! Lengths are counted as [`crate::validate::text::char_count`] says (UTF-16
//! code units). Sources: `000` is the Messenger document
//! (`000_6e55ef2c417f615e.txt`), `001` the LINE document; "Meta" is the
//! Messenger Platform reference the Sobot send endpoint forwards to.

/// One limit: a number with its name, what it measures and where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Stable name, e.g. `button_template_text_max`.
    pub name: &'static str,
    /// The bound (inclusive).
    pub value: i64,
    /// What is measured.
    pub unit: Unit,
    /// The passage the limit rests on.
    pub source: &'static str,
}

/// What a [`Limit`] measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Characters, counted as UTF-16 code units.
    Characters,
    /// Items of an array.
    Items,
    /// The value of an integer.
    Value,
}

/// Text of a `type: "text"` message.
pub const TEXT_MESSAGE_MAX: Limit = Limit {
    name: "text_message_max",
    value: 2000,
    unit: Unit::Characters,
    source:
        "Meta Send API reference, message.text: UTF-8 text up to 2000 characters (000 is silent)",
};

/// `text` of a button template.
pub const BUTTON_TEMPLATE_TEXT_MAX: Limit = Limit {
    name: "button_template_text_max",
    value: 640,
    unit: Unit::Characters,
    source: "000 §1.4.1 button template table, text: 不超过 640 个字符",
};

/// Fewest buttons of a button template or of a generic element that has `buttons`.
pub const BUTTONS_MIN: Limit = Limit {
    name: "buttons_min",
    value: 1,
    unit: Unit::Items,
    source: "000 §1.4.1 and §1.4.2 tables, buttons: 一组按钮(数量为 1 至 3 个)",
};

/// Most buttons of a button template or of a generic element.
pub const BUTTONS_MAX: Limit = Limit {
    name: "buttons_max",
    value: 3,
    unit: Unit::Items,
    source: "000 §1.4.1 and §1.4.2 tables, buttons: 一组按钮(数量为 1 至 3 个)",
};

/// Button `title`.
pub const BUTTON_TITLE_MAX: Limit = Limit {
    name: "button_title_max",
    value: 20,
    unit: Unit::Characters,
    source: "Meta URL and postback button references, title: 20 character limit",
};

/// Postback button `payload`.
pub const POSTBACK_PAYLOAD_MAX: Limit = Limit {
    name: "postback_payload_max",
    value: 1000,
    unit: Unit::Characters,
    source: "Meta postback button reference, payload: 1000 character limit",
};

/// Fewest elements of a generic template.
pub const GENERIC_ELEMENTS_MIN: Limit = Limit {
    name: "generic_elements_min",
    value: 1,
    unit: Unit::Items,
    source: "000 §1.4.2 table, elements: 是 (required); Meta generic template",
};

/// Most elements of a generic template (a carousel).
pub const GENERIC_ELEMENTS_MAX: Limit = Limit {
    name: "generic_elements_max",
    value: 10,
    unit: Unit::Items,
    source: "Meta generic template reference, elements: maximum of 10 elements",
};

/// Generic element `title`.
pub const ELEMENT_TITLE_MAX: Limit = Limit {
    name: "element_title_max",
    value: 80,
    unit: Unit::Characters,
    source: "000 §1.4.2 elements对象 table, title: 不超过 80 个字符",
};

/// Generic element `subtitle`.
pub const ELEMENT_SUBTITLE_MAX: Limit = Limit {
    name: "element_subtitle_max",
    value: 80,
    unit: Unit::Characters,
    source: "000 §1.4.2 elements对象 table, subtitle: 不超过 80 个字符",
};

/// Elements of a media template: exactly this many.
pub const MEDIA_ELEMENTS: Limit = Limit {
    name: "media_elements",
    value: 1,
    unit: Unit::Items,
    source: "Meta media template reference, elements: an array containing 1 element",
};

/// Subscription topic `title`.
pub const TOPIC_TITLE_MAX: Limit = Limit {
    name: "topic_title_max",
    value: 65,
    unit: Unit::Characters,
    source: "000 错误编码 210004: 订阅主题长度不能超过65个字符",
};

/// Subscription topic `describe`.
pub const TOPIC_DESCRIBE_MAX: Limit = Limit {
    name: "topic_describe_max",
    value: 65,
    unit: Unit::Characters,
    source: "000 错误编码 210006: 订阅主题描述不能超过65个字符",
};

/// `page_no`.
pub const PAGE_NO_MIN: Limit = Limit {
    name: "page_no_min",
    value: 1,
    unit: Unit::Value,
    source: "000/001 page_no: 当前页数(默认从第一页) / 开始页 (默认1)",
};

/// `page_size`, everywhere.
pub const PAGE_SIZE_MIN: Limit = Limit {
    name: "page_size_min",
    value: 1,
    unit: Unit::Value,
    source: "a page holds at least one row",
};

/// `page_size` of the task and send record lists.
pub const PAGE_SIZE_MAX: Limit = Limit {
    name: "page_size_max",
    value: 100,
    unit: Unit::Value,
    source: "000/001 query_task_list and send_record_list, page_size: 查询条数(默认15,最大100)",
};

/// `limit` of a Graph page.
pub const GRAPH_LIMIT_MAX: Limit = Limit {
    name: "graph_limit_max",
    value: 100,
    unit: Unit::Value,
    source: "Graph API paging: limit up to 100 per page (002 is silent)",
};

/// The most violations one validation lists; past it the walk stops and one
/// last violation (`max_violations`) says how many more were found at least.
pub const VIOLATIONS_MAX: Limit = Limit {
    name: "violations_max",
    value: 100,
    unit: Unit::Items,
    source: "this SDK: a hostile request (100,000 bad elements) must not make validation's \
             time, answer or wasm memory grow with its size; 100 is more than any caller reads",
};

/// Every limit, for documentation and tests.
pub const ALL: &[&Limit] = &[
    &TEXT_MESSAGE_MAX,
    &BUTTON_TEMPLATE_TEXT_MAX,
    &BUTTONS_MIN,
    &BUTTONS_MAX,
    &BUTTON_TITLE_MAX,
    &POSTBACK_PAYLOAD_MAX,
    &GENERIC_ELEMENTS_MIN,
    &GENERIC_ELEMENTS_MAX,
    &ELEMENT_TITLE_MAX,
    &ELEMENT_SUBTITLE_MAX,
    &MEDIA_ELEMENTS,
    &TOPIC_TITLE_MAX,
    &TOPIC_DESCRIBE_MAX,
    &PAGE_NO_MIN,
    &PAGE_SIZE_MIN,
    &PAGE_SIZE_MAX,
    &GRAPH_LIMIT_MAX,
    &VIOLATIONS_MAX,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_sourced() {
        for (i, a) in ALL.iter().enumerate() {
            assert!(!a.source.is_empty() && a.value > 0, "{}", a.name);
            for b in ALL.iter().skip(i + 1) {
                assert_ne!(a.name, b.name);
            }
        }
    }
}
