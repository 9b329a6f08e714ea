import { Pool } from 'undici';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
const [port, which, seconds] = process.argv.slice(2);
const secret = 'b5a8bc3f0d7b2e8f3c1a9d4e6f708192';
const text = readFileSync('/work/main/tests/fixtures/line/webhook_doc_text.json', 'utf8');
const t = JSON.parse(text);
const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 32 });
let n = 0; const end = performance.now() + seconds * 1000;
await Promise.all(Array.from({ length: 32 }, async () => {
  while (performance.now() < end) {
    const body = JSON.stringify({ ...t, events: t.events.map((e) => ({ ...e, webhookEventId: `P${n++}` })) });
    const r = await pool.request({ path: '/webhook', method: 'POST', body, headers: { 'x-line-signature': createHmac('sha256', secret).update(body).digest('base64') } });
    await r.body.dump();
    if (r.statusCode !== 200) throw new Error(String(r.statusCode));
  }
}));
console.log('rps', n / seconds);
await pool.close();
