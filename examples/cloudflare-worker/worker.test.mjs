// Runs the example worker in real workerd (Miniflare) with signed requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { bundleWorker } from '../../tests/workers/bundle.mjs';

const env = { MESSENGER_VERIFY_TOKEN: 'verify-me', MESSENGER_APP_SECRET: 'app-secret-1', LINE_CHANNEL_SECRET: 'line-secret-2' };
const fixture = (p) => readFileSync(new URL(`../../tests/fixtures/${p}`, import.meta.url));
let mf;

before(async () => {
  const bundle = await bundleWorker(fileURLToPath(new URL('./src/index.js', import.meta.url)));
  mf = new Miniflare({ ...bundle.miniflare, bindings: env });
  await mf.ready;
});
after(() => mf?.dispose());

const post = (path, body, headers) => mf.dispatchFetch(`http://worker${path}`, { method: 'POST', body, headers });

test('answers the Messenger handshake', async () => {
  let res = await mf.dispatchFetch('http://worker/webhook/messenger?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444');
  assert.equal(res.status, 200);
  assert.equal(await res.text(), '1158201444');
  res = await mf.dispatchFetch('http://worker/webhook/messenger?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1');
  assert.equal(res.status, 403);
});

test('verifies and parses a signed Messenger webhook, 401 on a bad signature', async () => {
  const body = fixture('messenger/webhook_doc_text.json');
  const sig = 'sha256=' + createHmac('sha256', env.MESSENGER_APP_SECRET).update(body).digest('hex');
  let res = await post('/webhook/messenger', body, { 'x-hub-signature-256': sig });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { received: 1, duplicates: 0 });
  res = await post('/webhook/messenger', body, { 'x-hub-signature-256': sig });
  assert.deepEqual(await res.json(), { received: 1, duplicates: 1 });
  res = await post('/webhook/messenger', body, { 'x-hub-signature-256': sig.replace(/.$/, (c) => (c === '0' ? '1' : '0')) });
  assert.equal(res.status, 401);
  res = await post('/webhook/messenger', body, {});
  assert.equal(res.status, 401);
});

test('verifies and parses a signed LINE webhook, 401 on a bad signature, 400 on a bad body', async () => {
  const body = fixture('line/webhook_doc_sticker.json');
  const sig = createHmac('sha256', env.LINE_CHANNEL_SECRET).update(body).digest('base64');
  let res = await post('/webhook/line', body, { 'x-line-signature': sig });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).received, 1);
  res = await post('/webhook/line', body, { 'x-line-signature': createHmac('sha256', 'other').update(body).digest('base64') });
  assert.equal(res.status, 401);
  const bad = Buffer.from('{"destination":"U1"}');
  res = await post('/webhook/line', bad, { 'x-line-signature': createHmac('sha256', env.LINE_CHANNEL_SECRET).update(bad).digest('base64') });
  assert.equal(res.status, 400);
  assert.match((await res.json()).error, /events is required/);
});
