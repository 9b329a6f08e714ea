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

/** Fields every normalised event has; absent values are `null`. */
export interface WebhookEventBase {
  channel: 'messenger' | 'line';
  /**
   * LINE `webhookEventId`; Messenger `mid`, or for events without one
   * `kind:sender:recipient:timestamp` (a delivery without a timestamp adds its
   * watermark and message ids), stable across redeliveries; the `track_id` of an upload.
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
  /** Messenger: the entry's `id` (the Page); `null` on LINE. */
  pageId: string | null;
  /** The event's JSON as received. */
  raw: unknown;
}
export interface WebhookAttachment {
  type: 'image' | 'video' | 'audio' | 'file' | 'location' | 'fallback' | 'template' | 'reel' | 'ig_reel'
    | 'story_mention' | 'sticker' | (string & {});
  /** Download URL or link (Messenger `payload.url`, LINE external content). */
  url: string | null;
  /** A shared link's, location's or reel's title. */
  title: string | null;
  /** LINE message id to fetch the content with (`get_media_content`). */
  contentId: string | null;
  /** LINE preview image of external content. */
  previewUrl: string | null;
  /** LINE `contentProvider.type`. */
  provider: 'line' | 'external' | null;
  fileName: string | null;
  fileSize: number | null;
  /** Milliseconds. */
  duration: number | null;
  /** LINE images sent together: this image's `index` (1-based) of `total`. */
  imageSet: { id: string | null; index: number | null; total: number | null } | null;
  stickerId: string | null;
  reelVideoId: string | null;
  /** Messenger templates and other types: the payload as received. */
  payload: Record<string, unknown> | null;
}
export interface WebhookMentionee {
  type: 'user' | 'all' | null;
  userId: string | null;
  /** Position and length in `text`, in UTF-16 units (as JavaScript strings count). */
  index: number;
  length: number;
  /** The mention is of the bot itself. */
  isSelf: boolean;
}
export interface MessageWebhookEvent extends WebhookEventBase {
  kind: 'message';
  /** Always present on a message; `id` is null when the platform did not say (a LINE group member who did not consent). */
  sender: { id: string | null; userRef?: string };
  messageId: string | null;
  text: string | null;
  attachments: WebhookAttachment[];
  /** A LINE location message, or a Messenger location attachment's coordinates. */
  location: { title: string | null; address: string | null; latitude: number | null; longitude: number | null } | null;
  sticker: { packageId: string | null; stickerId: string | null; resourceType: string | null; keywords: string[]; text: string | null } | null;
  /** LINE emojis in `text`, positions in UTF-16 units. */
  emojis: Array<{ index: number; length: number; productId: string; emojiId: string }>;
  /** LINE mentions in `text`. */
  mentionees: WebhookMentionee[];
  /** Whether one of `mentionees` is the bot. */
  mentionsBot: boolean;
  /** Messenger: the Page sent this message (`message_echoes`). */
  isEcho: boolean;
  /** Messenger echoes: the app that sent it, and its metadata. */
  appId: string | null;
  metadata: string | null;
  quickReplyPayload: string | null;
  /** Messenger `reply_to.mid`; LINE `quotedMessageId`. */
  replyToMessageId: string | null;
  replyToStory: { url: string | null; id: string | null } | null;
  /** LINE: quote this message with it. */
  quoteToken: string | null;
  markAsReadToken: string | null;
}
export interface DeliveryWebhookEvent extends WebhookEventBase { kind: 'delivery'; watermark: number | null; messageIds: string[] }
export interface ReadWebhookEvent extends WebhookEventBase { kind: 'read'; watermark: number | null }
export interface SubscriptionWebhookEvent extends WebhookEventBase {
  kind: 'subscription';
  subscription: {
    /** `subscribed` (first opt-in), `stopped` (STOP_NOTIFICATIONS), `resumed` (RESUME_NOTIFICATIONS). */
    status: 'subscribed' | 'stopped' | 'resumed' | (string & {});
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
export interface WebhookReferral {
  ref: string | null; source: string | null; type: string | null; adId: string | null; refererUri: string | null;
  isGuestUser: boolean | null;
  adsContext: { adTitle: string | null; photoUrl: string | null; videoUrl: string | null; postId: string | null; productId: string | null } | null;
}
export interface PostbackWebhookEvent extends WebhookEventBase {
  kind: 'postback';
  postback: {
    payload: string | null; title: string | null; params: Record<string, unknown> | null;
    referral: WebhookReferral | null; messageId: string | null;
  };
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
export interface AccountLinkWebhookEvent extends WebhookEventBase {
  kind: 'accountLink';
  /** LINE: `result` `ok`/`failed` and `nonce`; Messenger: `result` `linked`/`unlinked` and `authorizationCode`. */
  link: { result: string | null; nonce: string | null; authorizationCode: string | null };
}
export interface MembershipWebhookEvent extends WebhookEventBase {
  kind: 'membership'; membership: { type: 'joined' | 'left' | 'renewed' | (string & {}); membershipId: number | null };
}
export interface ModuleWebhookEvent extends WebhookEventBase {
  kind: 'module'; module: { type: 'attached' | 'detached' | (string & {}); botId: string | null; scopes: string[]; reason: string | null };
}
export interface ActivatedWebhookEvent extends WebhookEventBase { kind: 'activated'; chatControl: { expireAt: number | null } }
export interface DeactivatedWebhookEvent extends WebhookEventBase { kind: 'deactivated' }
export interface BotSuspendedWebhookEvent extends WebhookEventBase { kind: 'botSuspended' }
export interface BotResumedWebhookEvent extends WebhookEventBase { kind: 'botResumed' }
export interface PnpDeliveryCompletionWebhookEvent extends WebhookEventBase { kind: 'pnpDeliveryCompletion'; delivery: { data: string } }
export interface MessageEditWebhookEvent extends WebhookEventBase {
  kind: 'messageEdit'; messageEdit: { messageId: string | null; text: string | null; numEdit: number | null };
}
export interface PolicyEnforcementWebhookEvent extends WebhookEventBase {
  kind: 'policyEnforcement'; policy: { action: 'warning' | 'block' | 'unblock' | (string & {}) | null; reason: string | null };
}
export interface HandoverWebhookEvent extends WebhookEventBase {
  kind: 'handover';
  handover: {
    /** `pass_thread_control`, `take_thread_control`, `request_thread_control`, or `app_roles`. */
    action: 'pass' | 'take' | 'request' | 'roles';
    newOwnerAppId: string | null; previousOwnerAppId: string | null; requestedOwnerAppId: string | null;
    metadata: string | null;
    /** `roles`: app id → roles. */
    appRoles: Record<string, string[]> | null;
  };
}
export interface UploadWebhookEvent extends WebhookEventBase { kind: 'upload'; upload: { trackId: string; attachmentId: string } }
export interface UnknownWebhookEvent extends WebhookEventBase {
  kind: 'unknown';
  /** LINE's event type (or an unknown message's type); Messenger's payload field; when there is one. */
  type: string | null;
}
/** A normalised webhook event, discriminated by `kind`. */
export type WebhookEvent =
  | MessageWebhookEvent | DeliveryWebhookEvent | ReadWebhookEvent | SubscriptionWebhookEvent | OptinWebhookEvent
  | FollowWebhookEvent | UnfollowWebhookEvent | PostbackWebhookEvent | ReactionWebhookEvent | ReferralWebhookEvent
  | JoinWebhookEvent | LeaveWebhookEvent | MemberJoinedWebhookEvent | MemberLeftWebhookEvent | UnsendWebhookEvent
  | VideoPlayCompleteWebhookEvent | BeaconWebhookEvent | AccountLinkWebhookEvent | MembershipWebhookEvent
  | ModuleWebhookEvent | ActivatedWebhookEvent | DeactivatedWebhookEvent | BotSuspendedWebhookEvent
  | BotResumedWebhookEvent | PnpDeliveryCompletionWebhookEvent | MessageEditWebhookEvent
  | PolicyEnforcementWebhookEvent | HandoverWebhookEvent | UploadWebhookEvent | UnknownWebhookEvent;

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
