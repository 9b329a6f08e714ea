
/**
 * Loads the WebAssembly module. A no-op in Node and Cloudflare Workers, where
 * loading is synchronous; in browsers, call `await init()` once before anything
 * else. `input` overrides where the .wasm comes from (a URL, a Response, bytes
 * or a compiled `WebAssembly.Module`).
 */
export function init(input?: RequestInfo | URL | Response | BufferSource | WebAssembly.Module): Promise<void>;

/**
 * The one error class of the package. Secrets never appear in it. Its fields
 * are `SobotErrorFields`, generated from the Rust type that fills them.
 */
export class SobotError extends Error {
  readonly name: 'SobotError';
  /** Network errors: what `fetch` threw (e.g. undici's error with its `code`). */
  cause?: unknown;
  toJSON(): Record<string, unknown>;
}
export interface SobotError extends Readonly<SobotErrorFields> {}
