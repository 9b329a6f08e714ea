/** A webhook body as received: text, or the bytes of `await request.arrayBuffer()`. */
export type WebhookBody = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/** Options of the webhook parsers. */
export interface ParseOptions {
  /**
   * Bodies longer than this many bytes are refused before parsing, and before being copied
   * into wasm memory, with a `SobotError` of kind `decode` and rule `max_bytes` (default {DEFAULT_MAX_BYTES}).
   */
  maxBytes?: number;
}

/** Options of `verifyLineSignature` and `verifyMessengerSignature`. */
export interface VerifyOptions {
  /**
   * Bodies longer than this many bytes are not verified: the answer is `false`, without
   * the HMAC being computed, so that `if (!verify(…)) return 401` holds (default {DEFAULT_MAX_BYTES},
   * as the parsers). To answer 413 instead, compare the length first, or call a parser,
   * which throws the `max_bytes` error. An invalid `maxBytes` throws a `SobotError`.
   */
  maxBytes?: number;
}

// ---- The platforms' forms: the payload exactly as received ----
//
// `parseMessengerWebhook` and `parseLineWebhook` return the body as `JSON.parse` reads it,
// once its shape is checked: every field is kept, declared here or not. The interfaces below
// declare the kinds this version knows; an event of another kind arrives as it was sent
// (its `type`, or its payload field, is then one not listed), and `parseEvents` gives it
// `kind: 'unknown'` with its common fields.

/** Fields the platform sends that this version does not declare. */
interface Undeclared { [field: string]: unknown }

// ---- Messenger, with Meta's field names ----

export interface MessengerParty { id?: string; user_ref?: string }
export interface MessengerAttachment extends Undeclared {
  type: 'image' | 'video' | 'audio' | 'file' | 'location' | 'fallback' | 'template' | 'reel' | 'ig_reel'
    | 'story_mention' | 'sticker' | (string & {});
  payload?: {
    url?: string; title?: string; sticker_id?: string | number; reel_video_id?: string | number;
    coordinates?: { lat?: number; long?: number };
    [field: string]: unknown;
  } | null;
  /** `fallback`: a shared link's title and URL, where sent beside the payload. */
  title?: string;
  url?: string;
}
export interface MessengerMessage extends Undeclared {
  mid?: string;
  text?: string;
  attachments?: MessengerAttachment[];
  quick_reply?: { payload?: string };
  reply_to?: { mid?: string; story?: { url?: string; id?: string } };
  is_echo?: boolean;
  app_id?: string | number;
  metadata?: string;
}
export interface MessengerReferral extends Undeclared {
  ref?: string; source?: string; type?: string; ad_id?: string; referer_uri?: string; is_guest_user?: boolean;
  ads_context_data?: { ad_title?: string; photo_url?: string; video_url?: string; post_id?: string; product_id?: string; [field: string]: unknown };
}
export interface MessengerOptin extends Undeclared {
  type?: 'notification_messages' | (string & {});
  payload?: string;
  notification_messages_token?: string;
  token_expiry_timestamp?: number;
  user_token_status?: 'REFRESHED' | 'NOT_REFRESHED' | (string & {});
  notification_messages_timezone?: string;
  notification_messages_status?: 'STOP_NOTIFICATIONS' | 'RESUME_NOTIFICATIONS' | (string & {});
  notification_messages_frequency?: string;
  title?: string;
  ref?: string;
  user_ref?: string;
}
export interface MessengerHandover extends Undeclared {
  new_owner_app_id?: string | number; previous_owner_app_id?: string | number | null;
  requested_owner_app_id?: string | number; metadata?: string;
}
/** One messaging event: one payload field (`message`, `delivery`, `postback`, …) besides `sender`, `recipient`, `timestamp`. */
export interface MessagingEvent extends Undeclared {
  sender?: MessengerParty;
  recipient?: MessengerParty;
  timestamp?: number;
  message?: MessengerMessage;
  delivery?: { mids?: string[]; watermark?: number; [field: string]: unknown };
  read?: { watermark?: number; [field: string]: unknown };
  optin?: MessengerOptin;
  postback?: { mid?: string; title?: string; payload?: string; referral?: MessengerReferral; [field: string]: unknown };
  reaction?: { reaction?: string; emoji?: string; action?: 'react' | 'unreact' | (string & {}); mid?: string };
  referral?: MessengerReferral;
  message_edit?: { mid?: string; text?: string; num_edit?: number };
  account_linking?: { status?: 'linked' | 'unlinked'; authorization_code?: string };
  'policy-enforcement'?: { action?: 'warning' | 'block' | 'unblock' | (string & {}); reason?: string };
  policy_enforcement?: { action?: 'warning' | 'block' | 'unblock' | (string & {}); reason?: string };
  pass_thread_control?: MessengerHandover;
  take_thread_control?: MessengerHandover;
  request_thread_control?: MessengerHandover;
  app_roles?: Record<string, string[]>;
}
export interface MessengerEntry extends Undeclared {
  id?: string;
  time?: number;
  messaging?: MessagingEvent[];
  standby?: MessagingEvent[];
}
/** A Messenger webhook as Sobot forwards it. */
export interface MessengerWebhook extends Undeclared { object: 'page'; entry: MessengerEntry[] }

/** The result of `upload_async`, forwarded to the webhook. */
export interface UploadResult extends Undeclared { track_id: string; attachment_id: string }

// ---- LINE, with LINE's field names ----

export interface LineSource { type: 'user' | 'group' | 'room'; userId?: string; groupId?: string; roomId?: string }
export interface LineContentProvider { type: 'line' | 'external'; originalContentUrl?: string; previewImageUrl?: string }
interface LineMessageBase extends Undeclared { id?: string; quoteToken?: string; quotedMessageId?: string; markAsReadToken?: string }
export interface LineTextMessage extends LineMessageBase {
  type: 'text'; text?: string;
  emojis?: Array<{ index: number; length: number; productId: string; emojiId: string }>;
  mention?: { mentionees: Array<{ type?: 'user' | 'all'; index: number; length: number; userId?: string; isSelf?: boolean }> };
}
export interface LineImageMessage extends LineMessageBase {
  type: 'image'; contentProvider?: LineContentProvider; imageSet?: { id?: string; index?: number; total?: number };
}
export interface LineVideoMessage extends LineMessageBase { type: 'video'; duration?: number; contentProvider?: LineContentProvider }
export interface LineAudioMessage extends LineMessageBase { type: 'audio'; duration?: number; contentProvider?: LineContentProvider }
export interface LineFileMessage extends LineMessageBase { type: 'file'; fileName?: string; fileSize?: number }
export interface LineLocationMessage extends LineMessageBase {
  type: 'location'; title?: string; address?: string; latitude?: number; longitude?: number;
}
export interface LineStickerMessage extends LineMessageBase {
  type: 'sticker'; packageId?: string; stickerId?: string; stickerResourceType?: string; keywords?: string[]; text?: string;
}
export type LineMessage =
  | LineTextMessage | LineImageMessage | LineVideoMessage | LineAudioMessage
  | LineFileMessage | LineLocationMessage | LineStickerMessage;

interface LineEventBase extends Undeclared {
  mode?: 'active' | 'standby';
  timestamp?: number;
  source?: LineSource;
  webhookEventId?: string;
  deliveryContext?: { isRedelivery: boolean };
  replyToken?: string;
}
export interface LineMessageEvent extends LineEventBase { type: 'message'; message: LineMessage }
export interface LineFollowEvent extends LineEventBase { type: 'follow'; follow?: { isUnblocked: boolean } }
export interface LineUnfollowEvent extends LineEventBase { type: 'unfollow' }
export interface LinePostbackEvent extends LineEventBase { type: 'postback'; postback: { data: string; params?: Record<string, unknown> } }
export interface LineJoinEvent extends LineEventBase { type: 'join' }
export interface LineLeaveEvent extends LineEventBase { type: 'leave' }
export interface LineMemberJoinedEvent extends LineEventBase { type: 'memberJoined'; joined: { members: LineSource[] } }
export interface LineMemberLeftEvent extends LineEventBase { type: 'memberLeft'; left: { members: LineSource[] } }
export interface LineUnsendEvent extends LineEventBase { type: 'unsend'; unsend: { messageId: string } }
export interface LineVideoPlayCompleteEvent extends LineEventBase { type: 'videoPlayComplete'; videoPlayComplete: { trackingId: string } }
export interface LineBeaconEvent extends LineEventBase { type: 'beacon'; beacon: { hwid: string; type: 'enter' | 'banner' | 'stay' | (string & {}); dm?: string } }
export interface LineAccountLinkEvent extends LineEventBase { type: 'accountLink'; link: { result: 'ok' | 'failed' | (string & {}); nonce: string } }
export interface LineMembershipEvent extends LineEventBase {
  type: 'membership'; membership: { type: 'joined' | 'left' | 'renewed' | (string & {}); membershipId?: number };
}
export interface LineModuleEvent extends LineEventBase {
  type: 'module'; module: { type: 'attached' | 'detached' | (string & {}); botId?: string; scopes?: string[]; reason?: string };
}
export interface LineActivatedEvent extends LineEventBase { type: 'activated'; chatControl?: { expireAt?: number } }
export interface LineDeactivatedEvent extends LineEventBase { type: 'deactivated' }
export interface LineBotSuspendedEvent extends LineEventBase { type: 'botSuspended' }
export interface LineBotResumedEvent extends LineEventBase { type: 'botResumed' }
export interface LinePnpDeliveryEvent extends LineEventBase { type: 'delivery'; delivery: { data: string } }
export type LineEvent =
  | LineMessageEvent | LineFollowEvent | LineUnfollowEvent | LinePostbackEvent | LineJoinEvent | LineLeaveEvent
  | LineMemberJoinedEvent | LineMemberLeftEvent | LineUnsendEvent | LineVideoPlayCompleteEvent
  | LineBeaconEvent | LineAccountLinkEvent | LineMembershipEvent | LineModuleEvent | LineActivatedEvent
  | LineDeactivatedEvent | LineBotSuspendedEvent | LineBotResumedEvent | LinePnpDeliveryEvent;
/** A LINE webhook as Sobot forwards it. */
export interface LineWebhook extends Undeclared { destination: string; events: LineEvent[] }

// ---- Normalised events: one camelCase shape for both channels ----
//
// `WebhookNormalizedEvent`, `WebhookDetails` and the types they name are generated from the
// Rust types that produce the events; `WebhookEvent` adds what the type system cannot say
// there: a message always has a sender.

/** A normalised webhook event, discriminated by `kind`; absent values are `null`. */
export type WebhookEvent = WebhookNormalizedEvent extends infer E
  ? E extends { kind: 'message' } ? E & { sender: WebhookSender } : E
  : never;
/** The normalised events of one `kind`, e.g. `WebhookEventOf<'message'>`. */
export type WebhookEventOf<K extends WebhookEvent['kind']> = Extract<WebhookEvent, { kind: K }>;
/** A normalised event's `kind`. */
export type WebhookEventKind = WebhookEvent['kind'];

/** The query of Meta's handshake: a query string or URL string, `URLSearchParams`, a `URL`, or a plain object. */
export type ChallengeQuery =
  | string
  | { get(name: string): string | null }
  | { searchParams: { get(name: string): string | null } }
  | Record<string, string | string[] | undefined>;
/** `ok: true`: answer 200 with `challenge` as the body; `ok: false`: answer 403. */
export type ChallengeResult =
  | { ok: true; challenge: string }
  | { ok: false; reason: 'mode' | 'token' | 'challenge'; message: string };
