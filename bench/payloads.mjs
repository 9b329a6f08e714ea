// The webhook bodies of the suite, built from the test fixtures.
import { readFileSync } from 'node:fs';
import { createHmac, randomBytes } from 'node:crypto';

const fixture = (p) => readFileSync(new URL(`../tests/fixtures/${p}`, import.meta.url));

/** The document's single text message (000, "Webhook消息转发", 1. 文本). */
export const messengerText = fixture('messenger/webhook_doc_text.json');

/** The LINE document's single text message (001, "Webhook 消息转发"). */
export const lineText = fixture('line/webhook_doc_text.json');

/** 100 LINE events: the document's message and follow examples in turn, each with its own id. */
export const lineBatch = (() => {
  const docs = ['text', 'image', 'video', 'audio', 'file', 'location', 'sticker', 'follow', 'unfollow'].map(
    (n) => JSON.parse(fixture(`line/webhook_doc_${n}.json`)).events[0],
  );
  const events = Array.from({ length: 100 }, (_, i) => ({
    ...docs[i % docs.length],
    webhookEventId: `01HMQGW40RZJPJM3RAJP7B${String(i).padStart(4, '0')}`,
  }));
  return Buffer.from(JSON.stringify({ destination: 'U0123456789abcdef0123456789abcdef', events }));
})();

/** A LINE-shaped body of about `size` bytes (text events padded to the size). */
export function lineBodyOfSize(size) {
  const ev = JSON.parse(lineText).events[0];
  const events = [];
  let body;
  for (let i = 0; ; i++) {
    events.push({ ...ev, webhookEventId: `01HMQGW40RZJPJM3RAJP7B${String(i).padStart(4, '0')}` });
    body = Buffer.from(JSON.stringify({ destination: 'U0123456789abcdef0123456789abcdef', events }));
    if (body.length >= size) break;
  }
  return body;
}

export const channelSecret = 'b5a8bc3f0d7b2e8f3c1a9d4e6f708192';
export const lineSignature = (body) => createHmac('sha256', channelSecret).update(body).digest('base64');
export const hubSignature = (body) => 'sha256=' + createHmac('sha256', channelSecret).update(body).digest('hex');
export { randomBytes };
