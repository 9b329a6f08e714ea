//! The TypeScript declarations of the model that no function's signature
//! carries: the enumerations' unions and the answers' aliases. Compiled into
//! every build, so that each entry's declarations are complete.

use crate::model::enums;
use wasm_bindgen::prelude::*;

macro_rules! enum_sections {
    ($($name:ident => $ty:path;)+) => {
        $(
            #[wasm_bindgen(typescript_custom_section)]
            const $name: &'static str = <$ty>::TS;
        )+
    };
}

enum_sections! {
    TS_MESSAGING_TYPE => enums::MessagingType;
    TS_MESSAGE_TAG => enums::MessageTag;
    TS_SEND_TYPE => enums::SendType;
    TS_ATTACHMENT_TYPE => enums::AttachmentType;
    TS_TEMPLATE_TYPE => enums::TemplateType;
    TS_BUTTON_TYPE => enums::ButtonType;
    TS_WEBVIEW_HEIGHT_RATIO => enums::WebviewHeightRatio;
    TS_MEDIA_TYPE => enums::MediaType;
    TS_IMAGE_RATIO => enums::ImageRatio;
    TS_TOPIC_BUTTON_TYPE => enums::TopicButtonType;
    TS_MESSAGE_STATUS => enums::MessageStatus;
    TS_GRAPH_PLATFORM => enums::GraphPlatform;
    TS_SUB_STATUS => enums::SubStatus;
    TS_TASK_MESSAGE_TYPE => enums::TaskMessageType;
    TS_TASK_SOURCE => enums::TaskSource;
    TS_SEND_TIME_TYPE => enums::SendTimeType;
}

#[wasm_bindgen(typescript_custom_section)]
const MODEL_TS: &'static str = r#"
/** A page walk's filter: the request, with `page_no` (default 1) and `page_size` (default 100) optional. */
export type PageFilter<T> = Omit<T, 'page_no' | 'page_size'> & { page_no?: number; page_size?: number };

/** `send_opt_in_message` as the document's example spells it: the user as `recipient_id` (sent as `recipientid`). */
export type OptInRequestAsExample = Omit<OptInRequest, 'recipientid'> & { recipient_id: string; recipientid?: never };

/** The answer of `upload_async`: `item` is the `track_id` the upload-result webhook repeats. */
export type UploadReceipt = Envelope<string>;
/** The answer of `create_or_update_title`: `item` is the topic's `configid`. */
export type TopicReceipt = Envelope<string>;
/** The answer of `send_opt_in_message`. */
export type OptInResponse = Envelope<OptInResult>;
/** The answer of LINE `get_media_content`. */
export type MediaContentResponse = Envelope<MediaContent>;
/** The answer of `query_sub_users`. */
export type SubscribedUsersPage = Paged<SubscribedUser>;
/** The answer of `get_title_list`. */
export type TopicsPage = Paged<Topic>;
/** The answer of Messenger `query_task_list`. */
export type MessengerTasksPage = Paged<MessengerTask>;
/** The answer of Messenger `send_record_list`. */
export type MessengerSendRecordsPage = Paged<MessengerSendRecord>;
/** The answer of LINE `query_task_list`. */
export type LineTasksPage = Paged<LineTask>;
/** The answer of LINE `send_record_list`. */
export type LineSendRecordsPage = Paged<LineSendRecord>;
/** The answer of Graph `/{page_id}/conversations`. */
export type ConversationsPage = GraphList<Conversation>;
"#;
