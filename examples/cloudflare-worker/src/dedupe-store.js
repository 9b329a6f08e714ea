// Webhook de-duplication shared by every isolate of the Worker: one Durable
// Object holds each event's claim (while an isolate handles it) and then its
// "seen" mark, so an event redelivered to another isolate is not handled twice.
import { DurableObject } from 'cloudflare:workers';

/** The Durable Object: claims and seen marks, each with its expiry. */
export class SobotDedupeStore extends DurableObject {
  /** Claims `key` for `owner`; false while another owner's claim or a seen mark holds. Atomic: one call at a time. */
  async claim(key, owner, ttlMs) {
    const now = Date.now();
    const held = await this.ctx.storage.get(key);
    if (held && held.until > now && (held.seen || held.owner !== owner)) return false;
    await this.ctx.storage.put(key, { owner, until: now + ttlMs });
    return true;
  }

  /** Marks `key` seen for `ttlMs` if `owner` holds its claim. */
  async confirm(key, owner, ttlMs) {
    const held = await this.ctx.storage.get(key);
    if (!held || held.seen || held.owner !== owner) return false;
    await this.ctx.storage.put(key, { seen: true, until: Date.now() + ttlMs });
    return true;
  }

  /** Frees `key` if `owner` holds its claim, so the redelivery is handled. */
  async release(key, owner) {
    const held = await this.ctx.storage.get(key);
    if (!held || held.seen || held.owner !== owner) return false;
    await this.ctx.storage.delete(key);
    return true;
  }
}

/** The `dedupe` option of `createWebhookHandler`, over the binding `namespace`. */
export function durableDedupeStore(namespace) {
  const stub = () => namespace.get(namespace.idFromName('sobot-webhook-dedupe'));
  return {
    claim: (key, owner, ttlMs) => stub().claim(key, owner, ttlMs),
    confirm: (key, owner, ttlMs) => stub().confirm(key, owner, ttlMs),
    release: (key, owner) => stub().release(key, owner),
  };
}
