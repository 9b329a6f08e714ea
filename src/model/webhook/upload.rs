//! The result of an asynchronous Messenger upload (`upload_async`), which
//! Sobot forwards to the webhook: `{"track_id":…,"attachment_id":…}`.

use serde::{Deserialize, Serialize};

/// The attachment id of an upload, tracked by the `item` that `upload_async` answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadResult {
    /// The `item` of the `upload_async` answer.
    #[serde(deserialize_with = "crate::model::lenient::string")]
    pub track_id: String,
    /// The id to send the attachment with (`attachment_id` of a media message).
    #[serde(deserialize_with = "crate::model::lenient::string")]
    pub attachment_id: String,
}
