
/**
 * Loads the WebAssembly module. A no-op in Node and Cloudflare Workers, where
 * loading is synchronous; in browsers, call `await init()` once before anything
 * else. `input` overrides where the .wasm comes from (a URL, a Response, bytes
 * or a compiled `WebAssembly.Module`).
 */
export function init(input?: RequestInfo | URL | Response | BufferSource | WebAssembly.Module): Promise<void>;

/** What went wrong, broadly. */
export type SobotErrorKind = 'validation' | 'api' | 'http' | 'network' | 'timeout' | 'decode';

/** One broken rule of a request. */
export interface Violation {
  /** JSON path of the offending field, e.g. `payload.elements[1].buttons`. */
  path: string;
  /** The rule's name, e.g. `required` or `max_length`. */
  rule: string;
  /** The limit the rule sets, when it has one. */
  limit?: unknown;
  /** The value found, when showing it helps. */
  actual?: unknown;
  /** A sentence for people, naming the field and the rule. */
  message: string;
}

/** The one error class of the package. Secrets never appear in it. */
export class SobotError extends Error {
  readonly name: 'SobotError';
  /** What went wrong, broadly. */
  readonly kind: SobotErrorKind;
  /** The platform's code (`ret_code`, Facebook or Graph error code), or null. */
  readonly code: string | null;
  /** Whether repeating the same call later can succeed. */
  readonly retryable: boolean;
  /** The HTTP status of the answer, when one arrived. */
  readonly status: number | null;
  /** The endpoint called, e.g. `get_token`. */
  readonly endpoint: string | null;
  /** Every broken rule, for kind `validation`. */
  readonly violations: Violation[];
  /** Graph errors: Meta's `error.type` (e.g. `OAuthException`); absent on other errors. */
  readonly type?: string;
  /** Graph errors: Meta's `error_subcode`, when it gave one. */
  readonly subcode?: number | null;
  /** Graph errors: Meta's `fbtrace_id`, to quote to Meta's support. */
  readonly fbtraceId?: string | null;
  /** API errors: the platform's own words (Sobot's `ret_msg`, usually Chinese); the message is English. */
  readonly platformMessage: string | null;
  /** Network errors: what `fetch` threw (e.g. undici's error with its `code`). */
  cause?: unknown;
  toJSON(): Record<string, unknown>;
}
