// The 10,000 hostile bodies of tests/hostile.mjs through every parse and
// validate function of one wasm instance in workerd (Miniflare), in one
// request; then the same isolate answers valid bodies right, and its linear
// memory has stopped growing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { bundleWorker } from './bundle.mjs';
import { COVERED, NOT_PARSERS } from '../hostile.mjs';
import { fixtureTexts, readFixture as read } from '../fixture-texts.mjs';

const fixtures = fixtureTexts();
const COUNT = 10_000;
const MiB = 1 << 20;
let mf;

before(async () => {
  const bundle = await bundleWorker(fileURLToPath(new URL('./hostile-worker.js', import.meta.url)));
  mf = new Miniflare(bundle.miniflare);
  await mf.ready;
});
after(() => mf?.dispose());

test(`one workerd instance survives ${COUNT} hostile bodies through every parse and validate function`, async () => {
  const memBefore = (await (await mf.dispatchFetch('http://worker/memory')).json()).bytes;
  const r = await mf.dispatchFetch('http://worker/hostile', { method: 'POST', body: JSON.stringify({ fixtures, count: COUNT }) });
  assert.equal(r.status, 200, await r.clone().text());
  const { res, before: answersBefore, after: answersAfter, exported } = await r.json();
  const { memory } = res;
  console.log(`# workerd: ${res.bodies} bodies × ${res.functions} functions = ${res.calls} calls in ${res.ms} ms; ` +
    `linear memory ${memory.start} → ${memory.after1000} (1,000 bodies) → ${memory.end} bytes; ` +
    `grew after bodies ${memory.growth.map((g) => `${g.index} (${g.category}, ${g.size} B)`).join(', ')}`);
  console.log(`# workerd per category (bodies, ms): ${JSON.stringify(res.byCategory)}`);

  // The worker's package exports what Node's does, all of them accounted for.
  assert.deepEqual(exported.filter((n) => !(n in COVERED) && !(n in NOT_PARSERS)), []);
  assert.equal(res.bodies, COUNT);
  assert.equal(res.calls, COUNT * Object.keys(COVERED).length);
  assert.deepEqual(res.foreign, [], `${res.foreignCount} calls neither returned a well-formed result nor threw a SobotError`);
  for (const [name, c] of Object.entries(res.perFunction)) assert.ok(c.returned > 0, `${name} never returned`);

  // The same instance answers as before, and right.
  assert.deepEqual(answersAfter, answersBefore);
  for (const [name, events] of Object.entries(answersAfter)) {
    if (!name.includes('/webhook_')) continue;
    const [ch, base] = name.split('/');
    assert.deepEqual(events, JSON.parse(read(`${ch}/normalized/${base}`)), name);
  }
  assert.deepEqual(answersAfter['messenger/send_text_request.json'], []);

  // Memory stopped growing (the bounds of tests/node/hostile.test.mjs).
  assert.ok(memory.start >= memBefore);
  assert.ok(memory.end <= memory.after1000 + 4 * MiB, `memory ${memory.after1000} after 1,000 bodies, ${memory.end} at the end`);
  assert.deepEqual(memory.growth.filter((g) => g.index >= COUNT / 2), [], 'memory grew in the last 5,000 bodies');
  assert.ok(memory.end <= 40 * MiB, `memory ${memory.end}`);

  // And a later request to the same isolate is answered right.
  const again = await mf.dispatchFetch('http://worker/events?channel=line', { method: 'POST', body: read('line/webhook_doc_follow.json') });
  assert.deepEqual((await again.json()).events, JSON.parse(read('line/normalized/webhook_doc_follow.json')));
  const memAfter = (await (await mf.dispatchFetch('http://worker/memory')).json()).bytes;
  assert.equal(memAfter, memory.end, 'the same isolate (its memory as the run left it)');
});
