// `sobot-channels/webhook` in workerd (Miniflare), bundled as wrangler does: only
// its own wasm goes into the Worker, and it answers as the whole package does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { bundleWorker } from './bundle.mjs';
import { fixtureTexts, readFixture } from '../fixture-texts.mjs';

const SECRET = 'line-channel-secret';
let mf;
let inputs;

before(async () => {
  const bundle = await bundleWorker(fileURLToPath(new URL('./webhook-entry-worker.js', import.meta.url)));
  inputs = bundle.inputs;
  mf = new Miniflare({ ...bundle.miniflare, bindings: { LINE_CHANNEL_SECRET: SECRET } });
  await mf.ready;
});
after(() => mf?.dispose());

test('the Worker carries the webhook wasm only', () => {
  const wasm = inputs.filter((p) => p.endsWith('.wasm')).map((p) => p.split('/').pop());
  assert.deepEqual(wasm, ['sobot_channels_webhook_bg.wasm']);
  assert.ok(!inputs.some((p) => p.endsWith('/sobot_channels.js')), inputs.join(', '));
});

test('signed webhooks of both channels normalise in workerd as documented', async () => {
  let n = 0;
  for (const { name, text } of fixtureTexts().filter((f) => /^(line|messenger)\/webhook_/.test(f.name))) {
    const [channel, file] = name.split('/');
    const sig = createHmac('sha256', SECRET).update(text).digest('base64');
    const res = await mf.dispatchFetch(`http://worker/?channel=${channel}`, {
      method: 'POST',
      body: text,
      headers: { 'x-line-signature': sig },
    });
    assert.equal(res.status, 200, name);
    assert.deepEqual((await res.json()).events, JSON.parse(readFixture(`${channel}/normalized/${file}`)), name);
    n++;
  }
  assert.ok(n >= 15, String(n));
});

test('a wrong signature is refused and a malformed body is a SobotError', async () => {
  const body = readFixture('line/webhook_doc_text.json');
  const refused = await mf.dispatchFetch('http://worker/?channel=line', {
    method: 'POST',
    body,
    headers: { 'x-line-signature': createHmac('sha256', 'other').update(body).digest('base64') },
  });
  assert.equal(refused.status, 401);
  const bad = await mf.dispatchFetch('http://worker/?channel=messenger', { method: 'POST', body: '{"object":' });
  assert.equal(bad.status, 400);
  const out = await bad.json();
  assert.equal(out.isSobotError, true);
  assert.equal(out.error.kind, 'decode');
});
