//! The TypeScript request helpers no Rust type declares; the enumerations and
//! the answers' aliases declare their own (`wire_enum!`, `answer_alias!`).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const MODEL_TS: &'static str = r#"
/** A page walk's filter: the request, with `page_no` (default 1) and `page_size` (default 100) optional. */
export type PageFilter<T> = Omit<T, 'page_no' | 'page_size'> & { page_no?: number; page_size?: number };

/** `send_opt_in_message` as the document's example spells it: the user as `recipient_id` (sent as `recipientid`). */
export type OptInRequestAsExample = Omit<OptInRequest, 'recipientid'> & { recipient_id: string; recipientid?: never };
"#;
