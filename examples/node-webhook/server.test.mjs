// Starts the example server on 127.0.0.1 (port 0) and sends it signed webhooks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createWebhookServer } from './server.mjs';

const cfg = { verifyToken: 'verify-me', appSecret: 'app-secret-1', lineChannelSecret: 'line-secret-2' };
const fixture = (p) => readFileSync(new URL(`../../tests/fixtures/${p}`, import.meta.url));
const handled = [];
let server;
let base;

before(async () => {
  server = createWebhookServer({ ...cfg, onEvent: (e) => handled.push(e) });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => new Promise((r) => server.close(r)));

const post = (path, body, headers) => fetch(base + path, { method: 'POST', body, headers });

test('answers the Messenger handshake', async () => {
  let res = await fetch(`${base}/webhook/messenger?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=42`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), '42');
  res = await fetch(`${base}/webhook/messenger?hub.mode=subscribe&hub.verify_token=x&hub.challenge=42`);
  assert.equal(res.status, 403);
});

test('a signed Messenger webhook is parsed and handled once; a bad signature is 401', async () => {
  const body = fixture('messenger/webhook_doc_optin_stop.json');
  const sig = 'sha256=' + createHmac('sha256', cfg.appSecret).update(body).digest('hex');
  let res = await post('/webhook/messenger', body, { 'x-hub-signature-256': sig });
  assert.equal(res.status, 200);
  // Handed over before the answer: onEvent resolved first.
  assert.equal(handled.filter((e) => e.kind === 'subscription').length, 1);
  assert.equal(handled.find((e) => e.kind === 'subscription').subscription.status, 'stopped');
  res = await post('/webhook/messenger', body, { 'x-hub-signature-256': sig });
  assert.equal(res.status, 200);
  const legacy = 'sha1=' + createHmac('sha1', cfg.appSecret).update(body).digest('hex');
  res = await post('/webhook/messenger', body, { 'x-hub-signature': legacy });
  assert.equal(res.status, 200);
  assert.equal(handled.filter((e) => e.kind === 'subscription').length, 1, 'redeliveries are not handed over');
  res = await post('/webhook/messenger', body, { 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) });
  assert.equal(res.status, 401);
});

test('a signed LINE webhook is parsed; bad signature 401, bad body 400, huge body 413', async () => {
  const body = fixture('line/webhook_ref_join_leave.json');
  const sign = (b) => createHmac('sha256', cfg.lineChannelSecret).update(b).digest('base64');
  let res = await post('/webhook/line', body, { 'x-line-signature': sign(body) });
  assert.equal(res.status, 200);
  assert.deepEqual(handled.slice(-2).map((e) => e.kind), ['join', 'leave']);
  res = await post('/webhook/line', body, { 'x-line-signature': sign(Buffer.from('other')) });
  assert.equal(res.status, 401);
  const bad = Buffer.from('{"destination":"U1","events":[');
  res = await post('/webhook/line', bad, { 'x-line-signature': sign(bad) });
  assert.equal(res.status, 400);
  const huge = Buffer.alloc(1024 * 1024 + 10, 0x20);
  res = await post('/webhook/line', huge, { 'x-line-signature': sign(huge) }).catch((e) => e);
  assert.equal(res.status, 413);
});
