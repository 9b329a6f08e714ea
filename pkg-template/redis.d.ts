/**
 * The node-redis client methods the store uses (`createClient()` of the `redis`
 * package, versions 4 to 6, connected). Declared structurally so that any of
 * those versions, and test doubles, fit.
 */
export interface RedisClientLike {
  get(key: string): Promise<unknown>;
  set(key: string, value: string, options: { NX?: boolean; PX?: number }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** Options of `redisTokenStore`. */
export interface RedisTokenStoreOptions {
  /** The Sobot app id: the keys are namespaced by it, so apps never share a token. */
  appId: string;
  /** Prefix of the keys (default `sobot-channels:`): keys are `<prefix>{<appId>}:token` and `:lock`. */
  prefix?: string;
}

/** A `TokenStore` (the `tokenStore` option of `SobotClient`) kept in Redis. */
export interface RedisTokenStore {
  /** The Redis keys of this store. */
  readonly keys: { readonly token: string; readonly lock: string };
  /** The stored token, or null. */
  get(): Promise<{ token: string; expiresAt: number } | null>;
  /** Stores the token until it expires (`expiresAt` in ms since the epoch) while this store holds the lock; resolves to whether it stored. */
  set(token: string, expiresAt: number): Promise<boolean>;
  /** Takes the refresh lock for `ttlMs` (`SET NX PX`); true when acquired. */
  lock(ttlMs: number): Promise<boolean>;
  /** Releases the lock if this store still holds it (compare-and-delete). */
  unlock(): Promise<void>;
}

/**
 * A token store in Redis, shared by every process of an app: one token for all,
 * and one refresher at a time. Give each `SobotClient` its own store (the lock's
 * owner is the store); they share the token through Redis.
 */
export function redisTokenStore(client: RedisClientLike, options: RedisTokenStoreOptions): RedisTokenStore;

/** Options of `redisDedupeStore`. */
export interface RedisDedupeStoreOptions {
  /** Prefix of the keys (default `sobot-channels:dedupe:`). */
  prefix?: string;
}

/** A de-duplication store in Redis (the `dedupe` option of `createWebhookHandler`). */
export interface RedisDedupeStore {
  /** The prefix of this store's keys. */
  readonly prefix: string;
  /** Claims `key` for `owner` for `ttlMs` (`SET NX PX`); true when claimed. */
  claim(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Marks `key` seen for `ttlMs` if `owner` holds its claim; true when it did. */
  confirm(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Deletes `key` if `owner` holds its claim; true when it did. */
  release(key: string, owner: string): Promise<boolean>;
}

/**
 * Claims and seen events in Redis, shared by every process of a webhook receiver:
 * each event is handed over once across them all.
 */
export function redisDedupeStore(client: Pick<RedisClientLike, 'set' | 'eval'>, options?: RedisDedupeStoreOptions): RedisDedupeStore;
