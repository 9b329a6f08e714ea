// Sample webhooks of every normalised event kind, for `sobot-channels trigger`:
// the emulator's own builders where it has one (LINE message, follow, unfollow;
// Messenger message, delivery, read, subscription), else the first event of a
// document or conformance fixture (`tests/fixtures/`, copied beside the emulator
// into the package), with fresh ids and timestamps so that a de-duplicating
// handler hands every trigger over.

import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRng } from './rng.mjs';
import { LINE_EVENTS, MESSENGER_EVENTS, lineEvent, messengerEvent, webhookHeaders } from './webhooks.mjs';

const BUILT = Symbol('built by the emulator');

/** Each channel's kinds, in the order of the README's table: a builder, or a fixture. */
const SOURCES = {
  line: {
    message: BUILT,
    postback: 'line/webhook_ref_postback.json',
    accountLink: 'line/webhook_ref_account_link.json',
    follow: BUILT,
    unfollow: BUILT,
    join: 'line/webhook_conf_join.json',
    leave: 'line/webhook_conf_leave.json',
    deactivated: 'line/webhook_conf_deactivated.json',
    botSuspended: 'line/webhook_conf_bot_suspended.json',
    botResumed: 'line/webhook_conf_bot_resumed.json',
    memberJoined: 'line/webhook_conf_member_joined.json',
    memberLeft: 'line/webhook_conf_member_left.json',
    unsend: 'line/webhook_ref_unsend.json',
    videoPlayComplete: 'line/webhook_ref_video_play_complete.json',
    beacon: 'line/webhook_ref_beacon.json',
    membership: 'line/webhook_conf_membership.json',
    module: 'line/webhook_conf_module_attached.json',
    activated: 'line/webhook_conf_activated.json',
    pnpDeliveryCompletion: 'line/webhook_conf_pnp_delivery.json',
    unknown: 'line/webhook_conf_unknown_type.json',
  },
  messenger: {
    message: BUILT,
    postback: 'messenger/webhook_ref_postback.json',
    accountLink: 'messenger/webhook_conf_account_linking.json',
    delivery: BUILT,
    read: BUILT,
    subscription: BUILT,
    optin: 'messenger/webhook_conf_optin.json',
    reaction: 'messenger/webhook_ref_reaction.json',
    referral: 'messenger/webhook_ref_referral.json',
    messageEdit: 'messenger/webhook_conf_message_edit.json',
    policyEnforcement: 'messenger/webhook_conf_policy_enforcement.json',
    handover: 'messenger/webhook_conf_handover_pass.json',
    upload: 'messenger/webhook_doc_upload_result.json',
    unknown: 'messenger/webhook_conf_unknown_game_play.json',
  },
};

/** The event kinds `sampleWebhook` builds, per channel. */
export const WEBHOOK_KINDS = Object.freeze({
  line: Object.freeze(Object.keys(SOURCES.line)),
  messenger: Object.freeze(Object.keys(SOURCES.messenger)),
});

/** The message types of a `message` sample, per channel (the emulator's builders). */
export const MESSAGE_TYPES = Object.freeze({
  line: Object.freeze(LINE_EVENTS.filter((e) => e !== 'follow' && e !== 'unfollow')),
  messenger: Object.freeze(MESSENGER_EVENTS.filter((e) => ['text', 'image', 'video', 'audio', 'file'].includes(e))),
});

/** The fixtures the samples read, relative to `tests/fixtures/` (the build copies them). */
export const SAMPLE_FIXTURES = Object.freeze(
  Object.values(SOURCES).flatMap((kinds) => Object.values(kinds).filter((s) => typeof s === 'string')),
);

const FIXTURES = new URL('../../fixtures/', import.meta.url);
const LINE_DESTINATION = 'U0000000000000000000000000000demo';

let lastTime = 0;

/**
 * The clock, one millisecond on at least from the last sample's: a Messenger event
 * without a `mid` is keyed by its timestamp, so two samples never share one.
 */
function tick() {
  lastTime = Math.max(Date.now(), lastTime + 1);
  return lastTime;
}

/** What the emulator's builders need of an emulator, with a fresh id stream. */
function builderContext(now) {
  return {
    ids: createRng(randomInt(2 ** 31)),
    now: () => now,
    defaultPageId: () => '110661988000000',
    defaultLineAppId: () => '2005652357',
    store: { addMedia() {} },
  };
}

function fixture(path) {
  return JSON.parse(readFileSync(new URL(path, FIXTURES), 'utf8'));
}

/** The fixture's first event, with fresh ids and timestamps. */
function fromFixture(channel, path, ctx) {
  const body = fixture(path);
  const { ids } = ctx;
  const now = ctx.now();
  if (channel === 'line') {
    const ev = { ...body.events[0], timestamp: now, webhookEventId: `01${ids.crockford(24)}` };
    if (ev.replyToken !== undefined) ev.replyToken = ids.hex(32);
    if (ev.deliveryContext !== undefined) ev.deliveryContext = { ...ev.deliveryContext, isRedelivery: false };
    return { ...body, events: [ev] };
  }
  if (body.track_id !== undefined) return { track_id: ids.hex(32), attachment_id: ids.digits(16) };
  const entry = body.entry[0];
  const list = entry.messaging ? 'messaging' : 'standby';
  const ev = { ...entry[list][0], timestamp: now - 300 };
  // a message's or a postback's `mid` is its eventId
  for (const f of ['message', 'postback']) if (ev[f]?.mid !== undefined) ev[f] = { ...ev[f], mid: `m_${ids.urlsafe(60)}` };
  return { ...body, entry: [{ ...entry, time: now, [list]: [ev] }] };
}

/** The closest of `names` to `word` (edit distance, any case), or undefined when none is close. */
export function closest(word, names) {
  const w = String(word).toLowerCase();
  let best;
  let bestD = Infinity;
  for (const n of names) {
    const d = distance(w, n.toLowerCase());
    if (d < bestD) {
      best = n;
      bestD = d;
    }
  }
  return bestD <= Math.max(2, Math.floor(w.length / 3)) ? best : undefined;
}

function distance(a, b) {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** Why `kind` is not one of `channel`'s kinds, naming them and the closest one. */
export function unknownKind(channel, kind) {
  const kinds = WEBHOOK_KINDS[channel];
  const other = channel === 'line' ? 'messenger' : 'line';
  const guess = closest(kind, kinds);
  let why = `unknown ${channel} event kind "${kind}"`;
  if (guess) why += `; did you mean ${guess}?`;
  else if (WEBHOOK_KINDS[other].includes(kind)) why += ` (a ${other} kind)`;
  return `${why}; ${channel} kinds: ${kinds.join(', ')}`;
}

/**
 * A sample webhook body of one event of `kind` on `channel`, as a string.
 * `messageType` picks the emulator's message builder for `message` (default text).
 * Throws an Error naming the kinds (or message types) when either is unknown.
 */
export function sampleWebhook(channel, kind, { messageType, now = tick() } = {}) {
  const sources = SOURCES[channel];
  if (!sources) throw new Error(`unknown channel "${channel}"; one of line, messenger`);
  if (!Object.hasOwn(sources, kind)) throw new Error(unknownKind(channel, kind));
  if (messageType !== undefined) {
    if (kind !== 'message') throw new Error(`--message-type applies to the message kind only, not ${kind}`);
    if (!MESSAGE_TYPES[channel].includes(messageType)) {
      throw new Error(`unknown ${channel} message type "${messageType}"; one of ${MESSAGE_TYPES[channel].join(', ')}`);
    }
  }
  const ctx = builderContext(now);
  const source = sources[kind];
  let body;
  if (source !== BUILT) body = fromFixture(channel, source, ctx);
  else if (channel === 'line') {
    body = { destination: LINE_DESTINATION, events: [lineEvent(ctx, kind === 'message' ? messageType ?? 'text' : kind)] };
  } else {
    const builder = { message: messageType ?? 'text', subscription: 'optin' }[kind] ?? kind;
    body = messengerEvent(ctx, builder).body;
  }
  return JSON.stringify(body);
}

/**
 * The headers of a delivery of `raw` to a handler: signed with `auth.secret` as the
 * platform signs (LINE `X-Line-Signature`, Messenger `X-Hub-Signature-256` and
 * `X-Hub-Signature`), with `auth.sharedSecret` as `X-Webhook-Token`, or neither
 * (`auth.unsigned`).
 */
export function sampleHeaders(channel, raw, auth) {
  if (auth.secret !== undefined) return webhookHeaders(channel, auth.secret, raw);
  const headers = webhookHeaders(channel, '', raw);
  for (const h of ['x-line-signature', 'x-hub-signature-256', 'x-hub-signature']) delete headers[h];
  if (auth.sharedSecret !== undefined) headers['x-webhook-token'] = auth.sharedSecret;
  return headers;
}
