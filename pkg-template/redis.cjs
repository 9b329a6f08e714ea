'use strict';
// `sobot-channels/redis`: the Sobot token and the webhook de-duplication store
// in Redis, shared by every process of an app. Each `get_token` call
// invalidates the previous token, so services running several processes (or
// machines) must keep one token in one place and let one of them refresh it at
// a time; and each event must be handed over by one of them only. This module only adapts a caller-made
// `redis` client (node-redis 4, 5 or 6); it loads neither Redis nor the wasm.
const { randomUUID } = require('node:crypto');

/** Deletes the lock only if `owner` still holds it (a late unlock never frees another's lock). */
const UNLOCK = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

/**
 * Stores the token only while `owner` holds the lock: a refresher whose lock
 * expired (and was taken by another) never overwrites the newer token.
 */
const SET_IF_LOCKED =
  "if redis.call('get', KEYS[2]) == ARGV[3] then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end return 0";

const DEFAULT_PREFIX = 'sobot-channels:';

function fail(path, rule) {
  return new TypeError(`redisTokenStore: ${path} ${rule}`);
}

function checkClient(client, name, methods) {
  if (client === null || typeof client !== 'object' && typeof client !== 'function') {
    throw new TypeError(`${name}: client must be a connected node-redis client (createClient() from the \`redis\` package)`);
  }
  for (const method of methods) {
    if (typeof client[method] !== 'function') {
      throw new TypeError(`${name}: client.${method} must be a function: pass a node-redis client (createClient() from the \`redis\` package)`);
    }
  }
}

/**
 * A `tokenStore` for `SobotClient` over a connected node-redis client.
 *
 *   const store = redisTokenStore(redis, { appId: 'your-app-id' });
 *   const client = new SobotClient({ appId, appKey, tokenStore: store });
 *
 * Keys: `<prefix>{<appId>}:token` holds `{"token","expiresAt"}` as JSON and
 * expires with the token; `<prefix>{<appId>}:lock` is the refresh lock
 * (`SET NX PX`, owned by this store's random id, released by a compare-and-delete
 * script). `set` stores only while this store holds the lock. Give each client
 * its own store: the lock's owner is the store.
 */
function redisTokenStore(client, options) {
  checkClient(client, 'redisTokenStore', ['get', 'set', 'eval']);
  if (options === null || typeof options !== 'object') throw fail('options', 'must be an object with appId');
  const { appId, prefix = DEFAULT_PREFIX } = options;
  if (typeof appId !== 'string' || appId.length === 0) throw fail('options.appId', 'must be a non-empty string');
  if (typeof prefix !== 'string') throw fail('options.prefix', 'must be a string');
  for (const key of Object.keys(options)) {
    if (key !== 'appId' && key !== 'prefix') throw fail(`options.${key}`, 'is not an option (appId, prefix)');
  }

  // The braces are a Redis Cluster hash tag: both keys of an app live in one slot.
  const base = `${prefix}{${appId}}`;
  const keys = Object.freeze({ token: `${base}:token`, lock: `${base}:lock` });
  const owner = randomUUID();

  return {
    /** The Redis keys of this store. */
    keys,

    /** The stored token, or null (none, expired by Redis, or not a token this module wrote). */
    async get() {
      const raw = await client.get(keys.token);
      if (raw === null || raw === undefined) return null;
      let value;
      try {
        value = JSON.parse(String(raw));
      } catch {
        return null;
      }
      if (value === null || typeof value !== 'object') return null;
      const { token, expiresAt } = value;
      if (typeof token !== 'string' || token.length === 0) return null;
      if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt) || expiresAt <= 0) return null;
      return { token, expiresAt };
    },

    /**
     * Stores the token until it expires (`expiresAt` in ms since the epoch),
     * if this store still holds the lock; resolves to whether it stored.
     */
    async set(token, expiresAt) {
      const ttl = Math.max(1, Math.ceil(expiresAt - Date.now()));
      const value = JSON.stringify({ token, expiresAt });
      const reply = await client.eval(SET_IF_LOCKED, {
        keys: [keys.token, keys.lock],
        arguments: [value, String(ttl), owner],
      });
      return Number(reply) === 1;
    },

    /** Takes the refresh lock for `ttlMs` unless anyone (this store included) holds it. */
    async lock(ttlMs) {
      const ttl = Math.max(1, Math.ceil(ttlMs));
      const reply = await client.set(keys.lock, owner, { NX: true, PX: ttl });
      return reply === 'OK';
    },

    /** Releases the lock if this store still holds it. */
    async unlock() {
      await client.eval(UNLOCK, { keys: [keys.lock], arguments: [owner] });
    },
  };
}

/** Marks a key seen, only while `owner` holds its claim. */
const CONFIRM =
  "if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[1], 'seen', 'PX', ARGV[2]) return 1 end return 0";

/**
 * A `DedupeStore` for `createWebhookHandler` (and broadcasts) over a connected
 * node-redis client, shared by every process and machine that uses the same Redis.
 *
 *   const handler = createWebhookHandler({ ..., dedupe: redisDedupeStore(redis) });
 *
 * A key `<prefix><key>` holds its owner while claimed (`SET NX PX`) and `seen`
 * once confirmed; confirm and release act only for the owner (compare-and-set
 * and compare-and-delete scripts), so a late or foreign call never frees another's claim.
 */
function redisDedupeStore(client, options = {}) {
  checkClient(client, 'redisDedupeStore', ['set', 'eval']);
  if (options === null || typeof options !== 'object') {
    throw new TypeError('redisDedupeStore: options must be an object');
  }
  const { prefix = `${DEFAULT_PREFIX}dedupe:` } = options;
  if (typeof prefix !== 'string') throw new TypeError('redisDedupeStore: options.prefix must be a string');
  for (const key of Object.keys(options)) {
    if (key !== 'prefix') throw new TypeError(`redisDedupeStore: options.${key} is not an option (prefix)`);
  }
  const ttl = (ms) => String(Math.max(1, Math.ceil(ms)));
  return {
    /** The prefix of this store's keys. */
    prefix,
    async claim(key, owner, ttlMs) {
      const reply = await client.set(prefix + key, owner, { NX: true, PX: Number(ttl(ttlMs)) });
      return reply === 'OK';
    },
    async confirm(key, owner, ttlMs) {
      const reply = await client.eval(CONFIRM, { keys: [prefix + key], arguments: [owner, ttl(ttlMs)] });
      return Number(reply) === 1;
    },
    async release(key, owner) {
      const reply = await client.eval(UNLOCK, { keys: [prefix + key], arguments: [owner] });
      return Number(reply) === 1;
    },
  };
}

module.exports = { redisTokenStore, redisDedupeStore };
