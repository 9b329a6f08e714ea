//! The common Sobot response envelope: `ret_code`, `ret_msg` and a payload.

use serde::{Deserialize, Serialize};

/// The `ret_code` of a successful Sobot call ("操作成功").
pub const SUCCESS_CODE: &str = "000000";

/// The envelope every Sobot endpoint answers with.
///
/// `item` carries single-object answers (token, upload receipt, opt-in result);
/// paged answers are modelled by the paged envelope types of their endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// Result code; `000000` is success, anything else an error code.
    #[serde(deserialize_with = "crate::model::lenient::string")]
    pub ret_code: String,
    /// Result message, in Chinese as the platform sends it.
    #[serde(default, deserialize_with = "crate::model::lenient::opt_string")]
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
