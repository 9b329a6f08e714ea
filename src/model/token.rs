//! `GET /api/get_token` (identical in the Messenger and LINE documents).

use serde::{Deserialize, Serialize};

/// The `item` of a `get_token` answer.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct TokenItem {
    /// The token, sent in the `token` header of every other Sobot call.
    pub token: String,
    /// Lifetime in seconds. Documented as `String` ("86400"); numbers are accepted too.
    #[serde(deserialize_with = "crate::model::lenient::string")]
    pub expires_in: String,
}

impl std::fmt::Debug for TokenItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenItem")
            .field("token", &"<redacted>")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Envelope;

    #[test]
    fn decodes_the_documented_answer() {
        let body = r#"{
            "item": {"token": "4ac37cb2e9c740dba4b75a34d5358802", "expires_in": "86400"},
            "ret_code": "000000",
            "ret_msg": "操作成功"
        }"#;
        let env: Envelope<TokenItem> = serde_json::from_str(body).unwrap();
        assert!(env.is_success());
        let item = env.item.unwrap();
        assert_eq!(item.token, "4ac37cb2e9c740dba4b75a34d5358802");
        assert_eq!(item.expires_in, "86400");
        assert!(!format!("{item:?}").contains("4ac37cb2"));
    }
}
