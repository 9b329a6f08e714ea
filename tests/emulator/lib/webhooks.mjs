// Outgoing webhooks: Messenger and LINE event payloads in the exact shapes of the
// documents' examples, their signatures, and delivery to a receiver.

import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { bad, isObj } from './util.mjs';

export const MESSENGER_EVENTS = ['text', 'image', 'video', 'audio', 'file', 'delivery', 'read', 'optin', 'optin_stop', 'optin_resume'];
export const LINE_EVENTS = ['text', 'image', 'video', 'audio', 'file', 'location', 'sticker', 'follow', 'unfollow'];

const MESSENGER_ALIASES = {
  subscribe: 'optin',
  stop: 'optin_stop',
  STOP_NOTIFICATIONS: 'optin_stop',
  resume: 'optin_resume',
  RESUME_NOTIFICATIONS: 'optin_resume',
};

/** `sha256=<hex>` and `sha1=<hex>` HMACs of the raw body with the app secret. */
export function messengerSignatures(secret, raw) {
  return {
    'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`,
    'x-hub-signature': `sha1=${createHmac('sha1', secret).update(raw).digest('hex')}`,
  };
}

/** base64 HMAC-SHA256 of the raw body with the channel secret. */
export function lineSignature(secret, raw) {
  return createHmac('sha256', secret).update(raw).digest('base64');
}

/** The headers of a signed delivery of `raw`, as each platform sends them. */
export function webhookHeaders(channel, secret, raw) {
  if (channel === 'line') {
    return { 'content-type': 'application/json; charset=utf-8', 'x-line-signature': lineSignature(secret, raw), 'user-agent': 'LineBotWebhook/2.0' };
  }
  return { 'content-type': 'application/json', ...messengerSignatures(secret, raw), 'user-agent': 'facebookexternalua' };
}

/**
 * Builds a Messenger webhook body. `o` may set pageId, senderId, time, timestamp,
 * mid, text, mediaUrl, mids, watermark, title, payload, token, tokenExpiry, timezone,
 * userTokenStatus; anything unset is generated.
 */
export function messengerEvent(emu, kindIn, o = {}) {
  const kind = MESSENGER_ALIASES[kindIn] ?? kindIn;
  if (!MESSENGER_EVENTS.includes(kind)) bad(`unknown Messenger event "${kindIn}"; one of ${MESSENGER_EVENTS.join(', ')}`);
  const ids = emu.ids;
  const pageId = String(o.pageId ?? emu.defaultPageId());
  const senderId = String(o.senderId ?? ids.digits(16));
  const time = o.time ?? emu.now();
  const sender = { id: senderId };
  const recipient = { id: pageId };
  const mid = o.mid ?? `m_${ids.urlsafe(60)}`;
  let messaging;
  if (kind === 'text') {
    messaging = { sender, recipient, timestamp: o.timestamp ?? time - 500, message: { mid, text: o.text ?? 'hello' } };
  } else if (['image', 'video', 'audio', 'file'].includes(kind)) {
    messaging = {
      sender,
      recipient,
      timestamp: o.timestamp ?? time - 500,
      message: { mid, attachments: [{ type: kind, payload: { url: o.mediaUrl ?? `https://scontent.example.com/${kind}/${ids.hex(16)}` } }] },
    };
  } else if (kind === 'delivery') {
    const watermark = o.watermark ?? time - 800;
    messaging = { sender, recipient, timestamp: o.timestamp ?? time - 100, delivery: { mids: o.mids ?? [mid], watermark } };
  } else if (kind === 'read') {
    messaging = { sender, recipient, timestamp: o.timestamp ?? time - 300, read: { watermark: o.watermark ?? time - 1500 } };
  } else {
    const optin = {
      type: 'notification_messages',
      payload: o.payload ?? o.describe ?? '',
      notification_messages_token: String(o.token ?? ids.digits(18)),
      token_expiry_timestamp: o.tokenExpiry ?? 2145916800000,
      user_token_status: o.userTokenStatus ?? 'NOT_REFRESHED',
    };
    if (kind === 'optin') {
      optin.notification_messages_timezone = o.timezone ?? 'UTC';
      optin.title = o.title ?? '';
      messaging = { sender, recipient, timestamp: o.timestamp ?? time - 800, optin };
    } else {
      optin.notification_messages_status = kind === 'optin_stop' ? 'STOP_NOTIFICATIONS' : 'RESUME_NOTIFICATIONS';
      optin.title = o.title ?? '';
      messaging = { recipient, timestamp: o.timestamp ?? time, sender, optin };
    }
    return { kind, body: { object: 'page', entry: [{ id: pageId, time, messaging: [messaging] }] } };
  }
  return { kind, body: { object: 'page', entry: [{ time, id: pageId, messaging: [messaging] }] } };
}

function lineBase(emu, o, type) {
  const ids = emu.ids;
  const ev = {};
  if (type !== 'unfollow') ev.replyToken = o.replyToken ?? ids.hex(32);
  ev.type = type;
  ev.mode = o.mode ?? 'active';
  ev.timestamp = o.timestamp ?? emu.now();
  ev.source = o.source ?? { type: 'user', userId: o.userId ?? `U${ids.hex(32)}` };
  ev.webhookEventId = o.webhookEventId ?? `01${ids.crockford(24)}`;
  ev.deliveryContext = { isRedelivery: o.isRedelivery ?? false };
  return ev;
}

/**
 * Builds one LINE webhook event. `o` may set userId, replyToken, timestamp,
 * webhookEventId, mode, isRedelivery, and `message` (merged over the generated
 * message object); media messages with contentProvider "line" are registered so
 * get_media_content can answer for them.
 */
export function lineEvent(emu, kind, o = {}) {
  if (!LINE_EVENTS.includes(kind)) bad(`unknown LINE event "${kind}"; one of ${LINE_EVENTS.join(', ')}`);
  const ids = emu.ids;
  const ev = lineBase(emu, o, kind === 'follow' || kind === 'unfollow' ? kind : 'message');
  if (kind === 'follow') {
    ev.follow = { isUnblocked: o.isUnblocked ?? false };
    return ev;
  }
  if (kind === 'unfollow') return ev;
  const id = String(o.message?.id ?? ids.digits(18));
  let message;
  switch (kind) {
    case 'text':
      // Default text carries one LINE emoji "(love)" at index 15; a caller's own
      // text carries emojis only when the caller gives them.
      message = { id, type: 'text', quoteToken: ids.urlsafe(20), text: o.text ?? 'Good Morning!! (love)' };
      if (Array.isArray(o.emojis)) message.emojis = o.emojis;
      else if (o.text === undefined && o.emojis !== false) message.emojis = [{ index: 15, length: 6, productId: '5ac1bfd5040ab15980c9b435', emojiId: '001' }];
      break;
    case 'image':
      message = { type: 'image', id, quoteToken: ids.urlsafe(20), contentProvider: { type: 'line' } };
      if (o.imageSet !== false) message.imageSet = o.imageSet ?? { id: ids.hex(64).toUpperCase(), index: 1, total: 1 };
      break;
    case 'video':
      message = { id, type: 'video', quoteToken: ids.urlsafe(20), duration: o.duration ?? 60000, contentProvider: { type: 'line' } };
      break;
    case 'audio':
      message = { id, type: 'audio', duration: o.duration ?? 60000, contentProvider: { type: 'line' } };
      break;
    case 'file':
      message = { id, type: 'file', fileName: o.fileName ?? 'file.txt', fileSize: o.fileSize ?? 2138 };
      break;
    case 'location':
      message = { id, type: 'location', title: 'my location', address: '1-3 Kioicho, Chiyoda-ku, Tokyo, 102-8282 Japan', latitude: 35.67966, longitude: 139.73669 };
      break;
    case 'sticker':
      message = { type: 'sticker', id, quoteToken: ids.urlsafe(20), stickerId: '52002738', packageId: '11537', stickerResourceType: 'ANIMATION', keywords: ['cony', 'sally', 'hi'] };
      break;
    default:
      bad(`unknown LINE event "${kind}"`);
  }
  if (isObj(o.message)) Object.assign(message, o.message);
  ev.message = message;
  if (['image', 'video', 'audio', 'file'].includes(kind) && (message.contentProvider?.type ?? 'line') === 'line') {
    emu.store.addMedia({ appid: o.appid ?? emu.defaultLineAppId(), messageid: message.id, type: kind });
  }
  return ev;
}

/**
 * POSTs a raw body to a receiver on a fresh connection (no pooling, so a receiver
 * closing idle keep-alive sockets cannot race a delivery); resolves to what the
 * receiver answered.
 */
export function deliver(url, raw, headers, timeoutMs) {
  const started = Date.now();
  return new Promise((resolve) => {
    let u;
    try {
      u = new URL(url);
    } catch {
      resolve({ url, status: 0, ok: false, error: 'invalid URL', ms: 0 });
      return;
    }
    const body = Buffer.from(raw, 'utf8');
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(u, { method: 'POST', agent: false, headers: { ...headers, 'content-length': body.length }, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const status = res.statusCode;
        resolve({ url, status, ok: status >= 200 && status < 300, body: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - started });
      });
      res.on('error', (err) => resolve({ url, status: 0, ok: false, error: String(err.code ?? err), ms: Date.now() - started }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (err) => resolve({ url, status: 0, ok: false, error: String(err.code ?? err.message ?? err), ms: Date.now() - started }));
    req.end(body);
  });
}
