/** A webhook body as received: text, or the bytes of `await request.arrayBuffer()`. */
export type WebhookBody = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/** Options of the webhook parsers. */
export interface ParseOptions {
  /**
   * Bodies longer than this many bytes are refused before parsing, and before being copied
   * into wasm memory, with a `SobotError` of kind `decode` and rule `max_bytes` (default 1048576).
   */
  maxBytes?: number;
}

/** Options of `verifyLineSignature` and `verifyMessengerSignature`. */
export interface VerifyOptions {
  /**
   * Bodies longer than this many bytes are not verified: the answer is `false`, without
   * the HMAC being computed, so that `if (!verify(…)) return 401` holds (default 1048576,
   * as the parsers). To answer 413 instead, compare the length first, or call a parser,
   * which throws the `max_bytes` error. An invalid `maxBytes` throws a `SobotError`.
   */
  maxBytes?: number;
}

/** An element the parser does not know (an event, a LINE message, a Messenger attachment), kept verbatim. */
export interface UnknownItem {
  kind: 'unknown';
  /** The element's `type`, when it has a string one. */
  type?: string;
  /** The element's JSON as received. */
  raw: unknown;
}

// ---- Messenger, with Meta's field names ----

export interface MessengerParty { id?: string; user_ref?: string }
export interface MessengerAttachment {
  kind?: never;
  type: 'image' | 'video' | 'audio' | 'file' | 'reel' | 'ig_reel';
  payload?: { url?: string; sticker_id?: string };
}
export interface MessengerMessage {
  mid?: string;
  text?: string;
  attachments?: Array<MessengerAttachment | UnknownItem>;
  quick_reply?: { payload?: string };
  reply_to?: { mid?: string };
  is_echo?: boolean;
  app_id?: string;
  metadata?: string;
}
export interface MessengerReferral {
  ref?: string; source?: string; type?: string; ad_id?: string; referer_uri?: string; ads_context_data?: unknown;
}
export interface MessengerOptin {
  type?: 'notification_messages' | string;
  payload?: string;
  notification_messages_token?: string;
  token_expiry_timestamp?: number;
  user_token_status?: 'REFRESHED' | 'NOT_REFRESHED' | string;
  notification_messages_timezone?: string;
  notification_messages_status?: 'STOP_NOTIFICATIONS' | 'RESUME_NOTIFICATIONS' | string;
  notification_messages_frequency?: string;
  title?: string;
  ref?: string;
  user_ref?: string;
}
/** One messaging event: one of `message`, `delivery`, `read`, `optin`, `postback`, `reaction`, `referral`. */
export interface MessagingEvent {
  kind?: never;
  sender?: MessengerParty;
  recipient?: MessengerParty;
  timestamp?: number;
  message?: MessengerMessage;
  delivery?: { mids?: string[]; watermark?: number };
  read?: { watermark?: number };
  optin?: MessengerOptin;
  postback?: { mid?: string; title?: string; payload?: string; referral?: MessengerReferral };
  reaction?: { reaction?: string; emoji?: string; action?: 'react' | 'unreact' | string; mid?: string };
  referral?: MessengerReferral;
}
export interface MessengerEntry {
  id?: string;
  time?: number;
  messaging: Array<MessagingEvent | UnknownItem>;
  standby?: Array<MessagingEvent | UnknownItem>;
}
/** A Messenger webhook as Sobot forwards it. */
export interface MessengerWebhook { object: 'page'; entry: MessengerEntry[] }

/** The result of `upload_async`, forwarded to the webhook. */
export interface UploadResult { track_id: string; attachment_id: string }

// ---- LINE, with LINE's field names ----

export interface LineSource { type: 'user' | 'group' | 'room'; userId?: string; groupId?: string; roomId?: string }
export interface LineContentProvider { type: 'line' | 'external'; originalContentUrl?: string; previewImageUrl?: string }
interface LineMessageBase { kind?: never; id?: string; quoteToken?: string; quotedMessageId?: string; markAsReadToken?: string }
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

interface LineEventBase {
  kind?: never;
  mode?: 'active' | 'standby';
  timestamp?: number;
  source?: LineSource;
  webhookEventId?: string;
  deliveryContext?: { isRedelivery: boolean };
  replyToken?: string;
}
export interface LineMessageEvent extends LineEventBase { type: 'message'; message: LineMessage | UnknownItem }
export interface LineFollowEvent extends LineEventBase { type: 'follow'; follow?: { isUnblocked: boolean } }
export interface LineUnfollowEvent extends LineEventBase { type: 'unfollow' }
export interface LinePostbackEvent extends LineEventBase { type: 'postback'; postback: { data: string; params?: Record<string, unknown> } }
export interface LineJoinEvent extends LineEventBase { type: 'join' }
export interface LineLeaveEvent extends LineEventBase { type: 'leave' }
export interface LineMemberJoinedEvent extends LineEventBase { type: 'memberJoined'; joined: { members: LineSource[] } }
export interface LineMemberLeftEvent extends LineEventBase { type: 'memberLeft'; left: { members: LineSource[] } }
export interface LineUnsendEvent extends LineEventBase { type: 'unsend'; unsend: { messageId: string } }
export interface LineVideoPlayCompleteEvent extends LineEventBase { type: 'videoPlayComplete'; videoPlayComplete: { trackingId: string } }
export interface LineBeaconEvent extends LineEventBase { type: 'beacon'; beacon: { hwid: string; type: 'enter' | 'banner' | 'stay' | string; dm?: string } }
export interface LineAccountLinkEvent extends LineEventBase { type: 'accountLink'; link: { result: 'ok' | 'failed' | string; nonce: string } }
export type LineEvent =
  | LineMessageEvent | LineFollowEvent | LineUnfollowEvent | LinePostbackEvent | LineJoinEvent | LineLeaveEvent
  | LineMemberJoinedEvent | LineMemberLeftEvent | LineUnsendEvent | LineVideoPlayCompleteEvent
  | LineBeaconEvent | LineAccountLinkEvent;
/** A LINE webhook as Sobot forwards it. */
export interface LineWebhook { destination: string; events: Array<LineEvent | UnknownItem> }

// ---- Normalised events: one camelCase shape for both channels ----

/** Fields every normalised event has; absent values are `null`. */
export interface WebhookEventBase {
  channel: 'messenger' | 'line';
  /**
   * LINE `webhookEventId`; Messenger `mid`, or for events without one
   * (delivery, read, optin, reaction, referral) `kind:sender:recipient:timestamp`,
   * stable across redeliveries; the `track_id` of an upload.
   */
  eventId: string | null;
  /** Milliseconds since the epoch. */
  timestamp: number | null;
  /** `active`, or `standby` (Messenger standby entries, LINE standby mode). */
  mode: 'active' | 'standby' | null;
  /** Messenger PSID (the Page for echoes); LINE `source.userId`. */
  sender: { id: string | null; userRef?: string } | null;
  /** Messenger Page id (the PSID for echoes); LINE `destination`. */
  recipient: { id: string | null } | null;
  /** Where to answer: the user on Messenger; the user, group or room on LINE. */
  chat: { type: 'user' | 'group' | 'room'; id: string | null } | null;
  /** LINE reply token. */
  replyToken: string | null;
  /** LINE `deliveryContext.isRedelivery`; always `false` on Messenger. */
  isRedelivery: boolean;
  /** The event's JSON as received. */
  raw: unknown;
}
export interface WebhookAttachment {
  type: 'image' | 'video' | 'audio' | 'file' | string;
  /** Download URL (Messenger `payload.url`, LINE external content). */
  url: string | null;
  /** LINE message id to fetch the content with (`get_media_content`). */
  contentId: string | null;
  previewUrl: string | null;
  fileName: string | null;
  fileSize: number | null;
  /** Milliseconds. */
  duration: number | null;
}
export interface MessageWebhookEvent extends WebhookEventBase {
  kind: 'message';
  messageId: string | null;
  text: string | null;
  attachments: WebhookAttachment[];
  location: { title: string | null; address: string | null; latitude: number | null; longitude: number | null } | null;
  sticker: { packageId: string | null; stickerId: string | null; resourceType: string | null; keywords: string[] } | null;
  isEcho: boolean;
  quickReplyPayload: string | null;
  replyToMessageId: string | null;
  quoteToken: string | null;
}
export interface DeliveryWebhookEvent extends WebhookEventBase { kind: 'delivery'; watermark: number | null; messageIds: string[] }
export interface ReadWebhookEvent extends WebhookEventBase { kind: 'read'; watermark: number | null }
export interface SubscriptionWebhookEvent extends WebhookEventBase {
  kind: 'subscription';
  subscription: {
    /** `subscribed` (first opt-in), `stopped` (STOP_NOTIFICATIONS), `resumed` (RESUME_NOTIFICATIONS). */
    status: 'subscribed' | 'stopped' | 'resumed' | string;
    token: string | null; title: string | null; timezone: string | null;
    /** `token_expiry_timestamp`, ms since the epoch. */
    expiresAt: number | null;
    tokenStatus: string | null; payload: string | null; frequency: string | null;
  };
}
export interface OptinWebhookEvent extends WebhookEventBase {
  kind: 'optin'; optin: { type: string | null; ref: string | null; userRef: string | null; payload: string | null };
}
export interface FollowWebhookEvent extends WebhookEventBase { kind: 'follow'; isUnblocked: boolean }
export interface UnfollowWebhookEvent extends WebhookEventBase { kind: 'unfollow' }
export interface WebhookReferral { ref: string | null; source: string | null; type: string | null; adId: string | null; refererUri: string | null }
export interface PostbackWebhookEvent extends WebhookEventBase {
  kind: 'postback';
  postback: { payload: string | null; title: string | null; params: Record<string, unknown> | null; referral: WebhookReferral | null };
}
export interface ReactionWebhookEvent extends WebhookEventBase {
  kind: 'reaction'; reaction: { action: string | null; reaction: string | null; emoji: string | null; messageId: string | null };
}
export interface ReferralWebhookEvent extends WebhookEventBase { kind: 'referral'; referral: WebhookReferral }
export interface JoinWebhookEvent extends WebhookEventBase { kind: 'join' }
export interface LeaveWebhookEvent extends WebhookEventBase { kind: 'leave' }
export interface MemberJoinedWebhookEvent extends WebhookEventBase { kind: 'memberJoined'; members: Array<string | null> }
export interface MemberLeftWebhookEvent extends WebhookEventBase { kind: 'memberLeft'; members: Array<string | null> }
export interface UnsendWebhookEvent extends WebhookEventBase { kind: 'unsend'; messageId: string }
export interface VideoPlayCompleteWebhookEvent extends WebhookEventBase { kind: 'videoPlayComplete'; trackingId: string }
export interface BeaconWebhookEvent extends WebhookEventBase { kind: 'beacon'; beacon: { hwid: string; type: string; dm: string | null } }
export interface AccountLinkWebhookEvent extends WebhookEventBase { kind: 'accountLink'; link: { result: string; nonce: string } }
export interface UploadWebhookEvent extends WebhookEventBase { kind: 'upload'; upload: { trackId: string; attachmentId: string } }
export interface UnknownWebhookEvent extends WebhookEventBase {
  kind: 'unknown';
  /** The platform's event (or LINE message) type, when it has one. */
  type: string | null;
}
/** A normalised webhook event, discriminated by `kind`. */
export type WebhookEvent =
  | MessageWebhookEvent | DeliveryWebhookEvent | ReadWebhookEvent | SubscriptionWebhookEvent | OptinWebhookEvent
  | FollowWebhookEvent | UnfollowWebhookEvent | PostbackWebhookEvent | ReactionWebhookEvent | ReferralWebhookEvent
  | JoinWebhookEvent | LeaveWebhookEvent | MemberJoinedWebhookEvent | MemberLeftWebhookEvent | UnsendWebhookEvent
  | VideoPlayCompleteWebhookEvent | BeaconWebhookEvent | AccountLinkWebhookEvent | UploadWebhookEvent
  | UnknownWebhookEvent;

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
