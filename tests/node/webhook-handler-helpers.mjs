// Bodies and requests for the webhook handler's tests: signed as LINE and
// Meta sign them, with node:crypto.
import { createHmac } from 'node:crypto';

export const LINE_SECRET = 'line-channel-secret';
export const META_SECRET = 'meta-app-secret';

/** A LINE body with one text message per id. */
export function lineBody(...ids) {
  return JSON.stringify({
    destination: 'Ubot',
    events: ids.map((id, i) => ({
      type: 'message',
      mode: 'active',
      timestamp: 1700000000000 + i,
      webhookEventId: id,
      deliveryContext: { isRedelivery: false },
      source: { type: 'user', userId: 'Uuser' },
      replyToken: `reply-${id}`,
      message: { id: `m-${id}`, type: 'text', text: `hello ${id}`, quoteToken: 'q' },
    })),
  });
}

export const lineSignature = (body, secret = LINE_SECRET) =>
  createHmac('sha256', secret).update(body).digest('base64');

export const metaSignature = (body, secret = META_SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** A signed LINE `Request`. */
export function lineRequest(body, { url = 'http://127.0.0.1/webhook', headers = {} } = {}) {
  return new Request(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-line-signature': lineSignature(body), ...headers },
  });
}

/** A promise with its resolve and reject, for explicit sequencing. */
export function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
