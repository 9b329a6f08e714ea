//! The result of an asynchronous Messenger upload (`upload_async`), which
//! Sobot forwards to the webhook: `{"track_id":…,"attachment_id":…}`.

use crate::model::lenient::Id;
use serde::{Deserialize, Serialize};

/// The attachment id of an upload, tracked by the `item` that `upload_async` answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadResult {
    /// The `item` of the `upload_async` answer.
    pub track_id: Id,
    /// The id to send the attachment with (`attachment_id` of a media message).
    pub attachment_id: Id,
}
