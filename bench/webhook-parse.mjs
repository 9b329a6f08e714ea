// Parse time of webhook bodies through the built package, next to JSON.parse
// of the same bytes, measured in one run. Prints medians in microseconds.
//   npm run build && node bench/webhook-parse.mjs
import { readFileSync } from 'node:fs';
import { parseMessengerWebhook, parseLineWebhook, parseEvents } from 'sobot-channels';

const fixture = (p) => readFileSync(new URL(`../tests/fixtures/${p}`, import.meta.url));

// The document's single text message (000, "Webhook消息转发", 1. 文本).
const messenger = fixture('messenger/webhook_doc_text.json');

// 100 LINE events: the document's message and follow examples in turn, each with its own id.
const docs = ['text', 'image', 'video', 'audio', 'file', 'location', 'sticker', 'follow', 'unfollow'].map(
  (n) => JSON.parse(fixture(`line/webhook_doc_${n}.json`)).events[0],
);
const events = Array.from({ length: 100 }, (_, i) => ({
  ...docs[i % docs.length],
  webhookEventId: `01HMQGW40RZJPJM3RAJP7B${String(i).padStart(4, '0')}`,
}));
const line = Buffer.from(JSON.stringify({ destination: 'U0123456789abcdef0123456789abcdef', events }));

function median(fn, { rounds = 41, minMs = 20 } = {}) {
  // Calibrate a batch size that runs for at least `minMs`.
  let n = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    if (performance.now() - t >= minMs) break;
    n *= 2;
  }
  const per = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    per.push(((performance.now() - t) * 1000) / n);
  }
  per.sort((a, b) => a - b);
  return per[per.length >> 1];
}

const decoder = new TextDecoder();
const rows = [];
for (const [name, bytes, parseTyped] of [
  ['messenger single text', messenger, parseMessengerWebhook],
  ['line 100 events', line, parseLineWebhook],
]) {
  const text = decoder.decode(bytes);
  const u8 = new Uint8Array(bytes);
  const channel = name.startsWith('line') ? 'line' : 'messenger';
  rows.push({
    payload: name,
    bytes: bytes.length,
    'JSON.parse(string) µs': median(() => JSON.parse(text)),
    'JSON.parse(decode(bytes)) µs': median(() => JSON.parse(decoder.decode(u8))),
    'parse…Webhook(bytes) µs': median(() => parseTyped(u8)),
    'parse…Webhook(string) µs': median(() => parseTyped(text)),
    'parseEvents(bytes) µs': median(() => parseEvents(channel, u8)),
  });
}
for (const r of rows) for (const k of Object.keys(r)) if (typeof r[k] === 'number' && k.endsWith('µs')) r[k] = Number(r[k].toFixed(2));
console.log(`node ${process.version}, ${new Date().toISOString()}`);
console.table(rows);
