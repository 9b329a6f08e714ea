// The Sobot token, shared by every isolate of the Worker through one Durable Object.
//
// Every `get_token` call invalidates the previous token. Workers run many isolates
// at once (one per machine, more under load), each with its own memory: if each kept
// its own token, each refresh would revoke the others' tokens and they would keep
// revoking one another. A Durable Object with a given name is one instance in the
// world, single-threaded, with durable storage: the one place every isolate reads the
// token from, and the one lock that lets a single isolate refresh it at a time.
import { DurableObject } from 'cloudflare:workers';

/** The Durable Object: the current token and the refresh lock of one Sobot app. */
export class SobotTokenStore extends DurableObject {
  /** `{ token, expiresAt }`, or null before the first refresh. */
  async getToken() {
    return (await this.ctx.storage.get('token')) ?? null;
  }

  /**
   * Replaces the token (`expiresAt` in ms since the epoch) if `owner` still holds
   * the lock, so that a refresher whose lock expired never overwrites a newer token.
   * Answers whether it stored.
   */
  async setToken(owner, token, expiresAt) {
    const held = await this.ctx.storage.get('lock');
    if (!held || held.owner !== owner || held.until <= Date.now()) return false;
    await this.ctx.storage.put('token', { token, expiresAt });
    return true;
  }

  /**
   * Makes `owner` the one refresher for `ttlMs`; false while another owner holds an
   * unexpired lock. The object handles one call at a time, so this test-and-set is atomic.
   */
  async lock(owner, ttlMs) {
    const now = Date.now();
    const held = await this.ctx.storage.get('lock');
    if (held && held.owner !== owner && held.until > now) return false;
    await this.ctx.storage.put('lock', { owner, until: now + ttlMs });
    return true;
  }

  /** Releases the lock if `owner` holds it (a late unlock never frees another's lock). */
  async unlock(owner) {
    const held = await this.ctx.storage.get('lock');
    if (held?.owner === owner) await this.ctx.storage.delete('lock');
  }
}

/**
 * The `tokenStore` option of `SobotClient`, backed by the Durable Object named after
 * the app id: `namespace` is the binding (`env.SOBOT_TOKEN`). Each isolate gets its own
 * owner id for the lock.
 */
export function durableTokenStore(namespace, appId) {
  const id = namespace.idFromName(`sobot-token:${appId}`);
  const stub = () => namespace.get(id);
  const owner = crypto.randomUUID();
  return {
    get: () => stub().getToken(),
    set: (token, expiresAt) => stub().setToken(owner, token, expiresAt),
    lock: (ttlMs) => stub().lock(owner, ttlMs),
    unlock: () => stub().unlock(owner),
  };
}
