/**
 * Where a handler claims events before `onEvents` and marks them seen after it:
 * the in-memory default, `redisDedupeStore` of `sobot-channels/redis`, or your own.
 * Each method may answer at once or with a promise.
 */
export interface DedupeStore {
  /** Claims `key` for `owner` for `ttlMs`: true, unless another owner holds it or it was seen. */
  claim(key: string, owner: string, ttlMs: number): boolean | Promise<boolean>;
  /** Marks `key` seen for `ttlMs`, if `owner` still holds its claim. */
  confirm(key: string, owner: string, ttlMs: number): unknown;
  /** Frees `key`, if `owner` still holds its claim, so that a redelivery is handed over. */
  release(key: string, owner: string): unknown;
}

/** What `onEvents` is told beside the events. */
export interface WebhookDelivery {
  channel: 'messenger' | 'line';
  /** The body as received. */
  body: Uint8Array;
  request: Request;
  /** The second argument the handler was called with (e.g. a Worker's `ExecutionContext`). */
  context: unknown;
}

interface WebhookHandlerCommonOptions {
  /** The normalised events, duplicates removed. The answer is 200 once it resolves, 500 if it throws. */
  onEvents(events: WebhookEvent[], delivery: WebhookDelivery): unknown;
  /** Told of a failure of `onEvents` or of the store (default: `console.error`). */
  onError?(error: unknown, delivery: Partial<WebhookDelivery>): void;
  /** The de-duplication store (default: one in memory), or `false` for none. */
  dedupe?: DedupeStore | false;
  /** The largest body read in bytes (default {DEFAULT_MAX_BYTES}); larger ones are 413, before the body is read. */
  maxBodyBytes?: number;
  /**
   * Answer 200 at once and run `onEvents` in `context.waitUntil` (or in the background).
   * A failure then no longer causes a redelivery.
   */
  deferHandling?: boolean;
  /** How long a claim holds (default {DEFAULT_CLAIM_TTL_MS} ms): longer than `onEvents` may take. */
  claimTtlMs?: number;
  /** How long a handed-over event is remembered (default {DEFAULT_SEEN_TTL_MS} ms). */
  seenTtlMs?: number;
  /** The longest wait for one store call (default {DEFAULT_STORE_TIMEOUT_MS} ms); then the answer is 500. */
  storeTimeoutMs?: number;
}

/** How bodies are authenticated: exactly one of `secret`, `sharedSecret` or `unsigned: true`. */
type WebhookAuth =
  | {
      /** The LINE channel secret or the Meta app secret: the signature header is checked. */
      secret: string;
      sharedSecret?: never;
      unsigned?: never;
    }
  | {
      /** A token the webhook URL carries (`?token=`) or the `X-Webhook-Token` header, compared in constant time. */
      sharedSecret: string;
      secret?: never;
      unsigned?: never;
    }
  | {
      /** Accept every body (a warning is logged once): only behind something that authenticates. */
      unsigned: true;
      secret?: never;
      sharedSecret?: never;
    };

/** Options of `createWebhookHandler`. */
export type WebhookHandlerOptions = WebhookHandlerCommonOptions &
  WebhookAuth &
  (
    | { channel: 'line'; verifyToken?: never }
    | {
        channel: 'messenger';
        /** The verify token of Meta's `GET` handshake, answered with the challenge. */
        verifyToken?: string;
      }
  );

/** A Fetch API handler: `(request, context?) => Promise<Response>`; it never rejects. */
export interface WebhookHandlerFunction {
  (request: Request, context?: unknown): Promise<Response>;
  /** The body limit, in bytes. */
  readonly maxBodyBytes: number;
}

/** A `node:http` / Express / Connect listener; resolves once the answer is sent. */
export type NodeWebhookListener = (req: unknown, res: unknown, next?: (error?: unknown) => void) => Promise<void>;
