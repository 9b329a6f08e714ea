// Claims shared by every isolate of the Worker, in one Durable Object per name:
// - webhook de-duplication: each event's claim while an isolate handles it, then its
//   "seen" mark, so an event redelivered to another isolate is not handled twice;
// - broadcasts: each recipient's claim before its send, then its mark, so that queue
//   consumers (and their retries) reach every subscriber once.
// The methods have the shape of `dedupe` (createWebhookHandler) and `store`
// (messenger.broadcast): claim / confirm / release, each for one owner. A run's object
// also keeps each pass's counts (startPass, addCounts, counts).
import { DurableObject } from 'cloudflare:workers';

/** How often expired claims and marks are swept out of storage. */
const SWEEP_MS = 60 * 60 * 1000;
/** The run's latest pass number; `pass:<n>` holds that pass's counts. */
const PASS = 'pass';
/** How long a step's "counted" mark is kept: as long as the claims, by default. */
const RUN_TTL_MS = 7 * 24 * 60 * 60 * 1000;
// `retried`: recipients certainly not sent to that went back on the queue (each then
// ends in another count); `subscribers`, set by startPass, is the topic's size then.
const COUNT_FIELDS = ['total', 'sent', 'skipped', 'failed', 'unknown', 'alreadyClaimed', 'retried'];

/** The Durable Object: claims and marks, each with its expiry. One call at a time, so each is atomic. */
export class SobotClaimStore extends DurableObject {
  /** Claims `key` for `owner`; false while another owner's claim or a mark holds. */
  async claim(key, owner, ttlMs) {
    const now = Date.now();
    const held = await this.ctx.storage.get(key);
    if (held && held.until > now && (held.seen || held.owner !== owner)) return false;
    await this.ctx.storage.put(key, { owner, until: now + ttlMs });
    await this.sweepLater();
    return true;
  }

  /** Marks `key` done for `ttlMs` if `owner` holds its claim. */
  async confirm(key, owner, ttlMs) {
    const held = await this.ctx.storage.get(key);
    if (!held || held.seen || held.owner !== owner) return false;
    await this.ctx.storage.put(key, { seen: true, until: Date.now() + ttlMs });
    return true;
  }

  /** Frees `key` if `owner` holds its claim, so that it can be claimed again. */
  async release(key, owner) {
    const held = await this.ctx.storage.get(key);
    if (!held || held.seen || held.owner !== owner) return false;
    await this.ctx.storage.delete(key);
    return true;
  }

  /** Starts a pass of the run (a POST /broadcast): its number, its counts at zero. */
  async startPass(subscribers) {
    const pass = ((await this.ctx.storage.get(PASS)) ?? 0) + 1;
    const counts = Object.fromEntries(COUNT_FIELDS.map((k) => [k, 0]));
    await this.ctx.storage.put({ [PASS]: pass, [`${PASS}:${pass}`]: { ...counts, subscribers } });
    return pass;
  }

  /** Adds one step's report counts to its pass, once: a redelivered step keeps its first report. */
  async addCounts(pass, stepId, counts) {
    const step = `step:${pass}:${stepId}`;
    if (await this.ctx.storage.get(step)) return false;
    const key = `${PASS}:${pass}`;
    const sum = await this.ctx.storage.get(key);
    if (!sum) return false;
    for (const k of COUNT_FIELDS) sum[k] += Number(counts[k] ?? 0);
    await this.ctx.storage.put({ [key]: sum, [step]: { until: Date.now() + RUN_TTL_MS } });
    await this.sweepLater();
    return true;
  }

  /** The latest pass's counts (`done` once every subscriber it listed has an outcome), or null for an unknown run. */
  async counts() {
    const pass = await this.ctx.storage.get(PASS);
    const c = pass && (await this.ctx.storage.get(`${PASS}:${pass}`));
    if (!c) return null;
    const ended = c.sent + c.skipped + c.failed + c.unknown + c.alreadyClaimed;
    return { pass, ...c, done: c.total >= c.subscribers && ended === c.total };
  }

  /** Arms the sweep once per instance (not a storage read per claim). */
  async sweepLater() {
    if (this.armed) return;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + SWEEP_MS);
    this.armed = true;
  }

  /** Deletes what has expired; comes back while anything is left. */
  async alarm() {
    const now = Date.now();
    let left = 0;
    let startAfter;
    for (;;) {
      const page = await this.ctx.storage.list({ startAfter, limit: 1000 });
      const gone = [];
      for (const [key, held] of page) {
        startAfter = key;
        // The pass records have no expiry of their own: they go with the last claim.
        if (typeof held?.until !== 'number') continue;
        if (held.until <= now) gone.push(key);
        else left++;
      }
      // delete() takes at most 128 keys.
      for (let i = 0; i < gone.length; i += 128) await this.ctx.storage.delete(gone.slice(i, i + 128));
      if (page.size < 1000) break;
    }
    // Once every claim and mark has lapsed, the run's counts go too.
    if (left > 0) await this.ctx.storage.setAlarm(now + SWEEP_MS);
    else await this.ctx.storage.deleteAll();
    this.armed = left > 0;
  }
}

/** A claim store over the object `name` of the binding `namespace`. */
export function durableClaimStore(namespace, name) {
  // A stub per call: the store outlives the request that made it.
  const stub = () => namespace.get(namespace.idFromName(name));
  return {
    claim: (key, owner, ttlMs) => stub().claim(key, owner, ttlMs),
    confirm: (key, owner, ttlMs) => stub().confirm(key, owner, ttlMs),
    release: (key, owner) => stub().release(key, owner),
  };
}

/** The `dedupe` option of `createWebhookHandler`: one object for all webhook events. */
export const durableDedupeStore = (namespace) => durableClaimStore(namespace, 'sobot-webhook-dedupe');

/** The object of broadcast run `runId`: its claims and its counts. */
export const broadcastRun = (namespace, runId) => namespace.get(namespace.idFromName(`broadcast:${runId}`));
