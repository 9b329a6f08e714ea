// The webhook functions in real workerd (through Miniflare), bytes from
// `request.arrayBuffer()` straight in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { bundleWorker } from './bundle.mjs';

const fixturesDir = new URL('../fixtures/', import.meta.url);
const read = (p) => readFileSync(new URL(p, fixturesDir), 'utf8');
let mf;

before(async () => {
  const bundle = await bundleWorker(fileURLToPath(new URL('./webhook-worker.js', import.meta.url)));
  mf = new Miniflare(bundle.miniflare);
  await mf.ready;
});
after(() => mf?.dispose());

test('every fixture normalises in workerd as it does natively', async () => {
  for (const channel of ['messenger', 'line']) {
    for (const name of readdirSync(new URL(`${channel}/`, fixturesDir)).filter((n) => n.startsWith('webhook_'))) {
      const res = await mf.dispatchFetch(`http://worker/events?channel=${channel}`, { method: 'POST', body: read(`${channel}/${name}`) });
      const body = await res.json();
      assert.equal(res.status, 200, name);
      assert.deepEqual(body.events, JSON.parse(read(`${channel}/normalized/${name}`)), name);
    }
  }
});

test('malformed JSON in workerd is a SobotError with line and column', async () => {
  const res = await mf.dispatchFetch('http://worker/events?channel=line', { method: 'POST', body: '{\n"events": [,]}' });
  const body = await res.json();
  assert.equal(res.status, 400);
  assert.equal(body.isSobotError, true);
  assert.equal(body.error.kind, 'decode');
  assert.match(body.error.message, /line 2, column \d+/);
});

test('the same workerd instance survives thousands of random and truncated bodies', async () => {
  const fixtures = ['messenger/webhook_doc_text.json', 'messenger/webhook_ref_mixed_unknown.json', 'line/webhook_doc_sticker.json',
    'line/webhook_ref_unknown_kinds.json'].map(read);
  const res = await mf.dispatchFetch('http://worker/survive', {
    method: 'POST',
    body: JSON.stringify({ fixtures, valid: read('line/webhook_doc_follow.json') }),
  });
  const body = await res.json();
  assert.equal(res.status, 200);
  assert.equal(body.foreign, 0);
  assert.ok(body.errors > 3000, String(body.errors));
  assert.equal(body.events[0].kind, 'follow');
  // And the instance still answers ordinary requests.
  const again = await mf.dispatchFetch('http://worker/events?channel=messenger', { method: 'POST', body: fixtures[0] });
  assert.equal((await again.json()).events[0].text, '11');
});
