//! The common Sobot response envelope: `ret_code`, `ret_msg` and a payload.

use serde::{Deserialize, Serialize};

#[cfg(target_arch = "wasm32")]
use tsify::Tsify;

/// The `ret_code` of a successful Sobot call ("操作成功").
pub const SUCCESS_CODE: &str = "000000";

/// The envelope every Sobot endpoint answers with.
///
/// `item` carries single-object answers (token, upload receipt, opt-in result);
/// paged answers are modelled by the paged envelope types of their endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify))]
pub struct Envelope<T> {
    /// Result code; `000000` is success, anything else an error code.
    #[serde(deserialize_with = "crate::model::lenient::string")]
    pub ret_code: String,
    /// Result message, in Chinese as the platform sends it.
    #[serde(default, deserialize_with = "crate::model::lenient::opt_string")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ret_msg: Option<String>,
    /// The payload, absent on errors and on calls that answer nothing.
    #[serde(default = "Option::default", skip_serializing_if = "Option::is_none")]
    pub item: Option<T>,
}

impl<T> Envelope<T> {
    /// Whether `ret_code` is the success code.
    pub fn is_success(&self) -> bool {
        self.ret_code == SUCCESS_CODE
    }
}

/// The envelope of paged Sobot answers: rows plus `page_no`, `page_size`,
/// `page_count` and `total_count`.
///
/// Rows are read from `items`, or from `item` where an answer (`get_title_list`)
/// puts its list there; a `null` list is empty. Counts accept numbers and
/// digit strings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    // `items` always reaches JS (an empty list at worst), though it may be
    // absent on the wire: spelled by hand so that TypeScript does not mark it optional.
    tsify(type = "{\n    /** Result code; `000000` is success, anything else an error code. */\n    ret_code: string;\n    /** Result message, in Chinese as the platform sends it. */\n    ret_msg?: string;\n    /** The rows of this page (read from `items`, or `item` for `get_title_list`). */\n    items: T[];\n    /** Number of pages. */\n    page_count?: number;\n    /** This page's number, from 1. */\n    page_no?: number;\n    /** Rows per page. */\n    page_size?: number;\n    /** Rows in all pages. */\n    total_count?: number;\n}")
)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct Paged<T> {
    /// Result code; `000000` is success, anything else an error code.
    #[serde(deserialize_with = "crate::model::lenient::string")]
    pub ret_code: String,
    /// Result message, in Chinese as the platform sends it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_string"
    )]
    pub ret_msg: Option<String>,
    /// The rows of this page.
    #[serde(
        default = "Vec::new",
        alias = "item",
        deserialize_with = "crate::model::lenient::null_as_default"
    )]
    pub items: Vec<T>,
    /// Number of pages.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub page_count: Option<i64>,
    /// This page's number, from 1.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub page_no: Option<i64>,
    /// Rows per page.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub page_size: Option<i64>,
    /// Rows in all pages.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::model::lenient::opt_int"
    )]
    pub total_count: Option<i64>,
}

impl<T> Paged<T> {
    /// Whether `ret_code` is the success code.
    pub fn is_success(&self) -> bool {
        self.ret_code == SUCCESS_CODE
    }

    /// Whether a page follows this one, judged by `page_count` or, failing
    /// that, by `total_count` and `page_size`.
    pub fn has_next(&self) -> bool {
        let no = self.page_no.unwrap_or(1);
        if let Some(count) = self.page_count {
            return no < count;
        }
        match (self.total_count, self.page_size) {
            (Some(total), Some(size)) if size > 0 => no.saturating_mul(size) < total,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paged_reads_items_or_item_and_null() {
        let p: Paged<u8> = serde_json::from_str(
            r#"{"ret_code":"000000","item":[1,2],"page_count":"2","page_no":1,"page_size":2,"total_count":4}"#,
        )
        .unwrap();
        assert_eq!(p.items, vec![1, 2]);
        assert!(p.is_success() && p.has_next());
        let p: Paged<u8> = serde_json::from_str(r#"{"ret_code":900002,"items":null}"#).unwrap();
        assert!(p.items.is_empty() && !p.is_success() && !p.has_next());
        let p: Paged<u8> =
            serde_json::from_str(r#"{"ret_code":"0","page_no":2,"page_size":2,"total_count":5}"#)
                .unwrap();
        assert!(p.has_next());
    }
}
