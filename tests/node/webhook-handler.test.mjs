// createWebhookHandler over the Fetch API: every answer, de-duplication with
// claims (explicitly sequenced, no timing races), the store's faults, the
// modes without signatures, and deferred handling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createWebhookHandler, MemoryDedupeStore, SobotError, parseEvents } from 'sobot-channels';
import { hostileBodies, asBody } from '../hostile.mjs';
import { fixtureTexts } from '../fixture-texts.mjs';
import * as webhookEntry from 'sobot-channels/webhook';
import {
  LINE_SECRET, META_SECRET, lineBody, lineRequest, lineSignature, metaSignature, deferred,
} from './webhook-handler-helpers.mjs';

const require = createRequire(import.meta.url);

function lineHandler(extra = {}) {
  const handed = [];
  const errors = [];
  const handler = createWebhookHandler({
    channel: 'line',
    secret: LINE_SECRET,
    onEvents: (events) => {
      handed.push(...events.map((e) => e.eventId));
    },
    onError: (e) => errors.push(e),
    ...extra,
  });
  return { handler, handed, errors };
}

test('both entries and CommonJS export the handler', () => {
  assert.equal(typeof webhookEntry.createWebhookHandler, 'function');
  assert.equal(typeof webhookEntry.toNodeListener, 'function');
  assert.equal(typeof require('sobot-channels').createWebhookHandler, 'function');
  assert.equal(typeof require('sobot-channels/webhook').MemoryDedupeStore, 'function');
});

test('a signed delivery is handed over once, with its body, channel and request', async () => {
  let info;
  const { handler, handed, errors } = lineHandler({
    onEvents: (events, delivery) => {
      info = delivery;
      handed.push(...events.map((e) => e.eventId));
      assert.equal(events[0].kind, 'message');
      assert.equal(events[0].text, `hello ${events[0].eventId}`);
    },
  });
  const body = lineBody('E1', 'E2');
  const request = lineRequest(body);
  const r = await handler(request, { some: 'context' });
  assert.equal(r.status, 200);
  assert.deepEqual(handed, ['E1', 'E2']);
  assert.equal(info.channel, 'line');
  assert.equal(new TextDecoder().decode(info.body), body);
  assert.equal(info.request, request);
  assert.deepEqual(info.context, { some: 'context' });

  const again = await handler(lineRequest(body));
  assert.equal(again.status, 200, 'a redelivery is answered 200');
  assert.deepEqual(handed, ['E1', 'E2'], 'and not handed over again');

  await handler(lineRequest(lineBody('E2', 'E3')));
  assert.deepEqual(handed, ['E1', 'E2', 'E3'], 'only the new event of a mixed delivery');
  assert.deepEqual(errors, []);
});

test('refusals: 401, 405, 413 (declared and streamed), 400; nothing parsed unsigned', async () => {
  const { handler, handed } = lineHandler({ maxBodyBytes: 2048 });
  const body = lineBody('E1');
  const wrong = await handler(lineRequest(body, { headers: { 'x-line-signature': lineSignature(body, 'other') } }));
  assert.equal(wrong.status, 401);
  const missing = await handler(new Request('http://h/w', { method: 'POST', body }));
  assert.equal(missing.status, 401);
  const junk = await handler(new Request('http://h/w', { method: 'POST', body: 'not json' }));
  assert.equal(junk.status, 401, 'an unsigned body is refused before it is parsed');
  for (const method of ['PUT', 'DELETE', 'PATCH']) {
    assert.equal((await handler(new Request('http://h/w', { method, body }))).status, 405, method);
  }
  assert.equal((await handler(new Request('http://h/w', { method: 'GET' }))).status, 405, 'GET on LINE');

  const big = lineBody(...Array.from({ length: 40 }, (_, i) => `B${i}`));
  assert.ok(big.length > 2048);
  const declared = await handler(lineRequest(big));
  assert.equal(declared.status, 413);
  // No Content-Length: the limit is measured while the stream is read, which stops there.
  let pulled = 0;
  const stream = new ReadableStream({
    pull(c) {
      pulled += 1;
      if (pulled > 1000) return c.close();
      c.enqueue(new Uint8Array(512).fill(32));
    },
  });
  const streamed = await handler(
    new Request('http://h/w', { method: 'POST', body: stream, duplex: 'half', headers: { 'x-line-signature': 'x' } }),
  );
  assert.equal(streamed.status, 413);
  assert.ok(pulled < 20, `stopped reading after ${pulled} chunks`);

  const notWebhook = '{"hello":"world"}';
  const r400 = await handler(lineRequest(notWebhook));
  assert.equal(r400.status, 400);
  assert.deepEqual(handed, []);
});

test('handed-over events read raw from the body, even after the caller changes it', async () => {
  let events;
  let delivery;
  const { handler } = lineHandler({ onEvents: (e, d) => { events = e; delivery = d; } });
  const body = lineBody('R1', 'R2');
  assert.equal((await handler(lineRequest(body))).status, 200);
  delivery.body.fill(0x20);
  assert.deepEqual(events.map((e) => e.raw), JSON.parse(body).events);
  assert.equal(JSON.stringify(events), JSON.stringify(parseEvents('line', body)));
});

test("LINE's verify request (no events) is 200 without calling onEvents", async () => {
  const { handler, handed } = lineHandler({ onEvents: () => assert.fail('not called') });
  const r = await handler(lineRequest(JSON.stringify({ destination: 'Ubot', events: [] })));
  assert.equal(r.status, 200);
  assert.deepEqual(handed, []);
});

test('a throwing onEvents is 500, and the redelivery is handed over', async () => {
  let fail = true;
  const handed = [];
  const errors = [];
  const handler = createWebhookHandler({
    channel: 'line',
    secret: LINE_SECRET,
    onEvents: async (events) => {
      if (fail) throw new Error('database down');
      handed.push(...events.map((e) => e.eventId));
    },
    onError: (e) => errors.push(e.message),
  });
  const body = lineBody('E1');
  assert.equal((await handler(lineRequest(body))).status, 500);
  assert.deepEqual(errors, ['database down']);
  fail = false;
  assert.equal((await handler(lineRequest(body))).status, 200);
  assert.deepEqual(handed, ['E1']);
});

test('two identical deliveries at once hand the events over once', async () => {
  const gate = deferred();
  const entered = deferred();
  let calls = 0;
  const handler = createWebhookHandler({
    channel: 'line',
    secret: LINE_SECRET,
    onEvents: async () => {
      calls += 1;
      entered.resolve();
      await gate.promise;
    },
  });
  const body = lineBody('E1');
  const first = handler(lineRequest(body));
  await entered.promise; // the first holds its claim inside onEvents
  const second = await handler(lineRequest(body));
  assert.equal(second.status, 200);
  assert.equal(calls, 1);
  gate.resolve();
  assert.equal((await first).status, 200);
  assert.equal((await handler(lineRequest(body))).status, 200);
  assert.equal(calls, 1);
});

test("Meta's handshake: the challenge, 403 on a wrong token, signed POSTs", async () => {
  const handed = [];
  const handler = createWebhookHandler({
    channel: 'messenger',
    secret: META_SECRET,
    verifyToken: 'my-verify-token',
    onEvents: (events) => handed.push(...events.map((e) => e.kind)),
  });
  const ok = await handler(
    new Request('http://h/w?hub.mode=subscribe&hub.verify_token=my-verify-token&hub.challenge=1158201444'),
  );
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), '1158201444');
  const bad = await handler(new Request('http://h/w?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1'));
  assert.equal(bad.status, 403);

  const body = JSON.stringify({
    object: 'page',
    entry: [{ id: 'P1', time: 1, messaging: [{ sender: { id: 'U1' }, recipient: { id: 'P1' }, timestamp: 1, message: { mid: 'mid.1', text: 'hi' } }] }],
  });
  const signed = new Request('http://h/w', { method: 'POST', body, headers: { 'x-hub-signature-256': metaSignature(body) } });
  assert.equal((await handler(signed)).status, 200);
  assert.deepEqual(handed, ['message']);
  const unsigned = new Request('http://h/w', { method: 'POST', body });
  assert.equal((await handler(unsigned)).status, 401);
});

test('a shared secret in the query or a header, and the unsigned mode', async (t) => {
  const handed = [];
  const handler = createWebhookHandler({
    channel: 'line',
    sharedSecret: 's3cret-token',
    onEvents: (events) => handed.push(...events.map((e) => e.eventId)),
  });
  const body = lineBody('Q1');
  const byQuery = await handler(new Request('http://h/w?token=s3cret-token', { method: 'POST', body }));
  assert.equal(byQuery.status, 200);
  const byHeader = await handler(
    new Request('http://h/w', { method: 'POST', body: lineBody('H1'), headers: { 'x-webhook-token': 's3cret-token' } }),
  );
  assert.equal(byHeader.status, 200);
  const wrong = await handler(new Request('http://h/w?token=s3cret-tokeN', { method: 'POST', body: lineBody('W1') }));
  assert.equal(wrong.status, 401);
  const none = await handler(new Request('http://h/w', { method: 'POST', body: lineBody('N1') }));
  assert.equal(none.status, 401);
  assert.deepEqual(handed, ['Q1', 'H1']);

  const warnings = [];
  t.mock.method(console, 'warn', (m) => warnings.push(m));
  const open = createWebhookHandler({ channel: 'line', unsigned: true, onEvents: (e) => handed.push(e[0].eventId) });
  assert.equal((await open(new Request('http://h/w', { method: 'POST', body: lineBody('U1') }))).status, 200);
  assert.equal((await open(new Request('http://h/w', { method: 'POST', body: lineBody('U2') }))).status, 200);
  assert.equal(warnings.length, 1, 'one warning, when the handler is made');
  assert.match(warnings[0], /unsigned/);
});

test('options are checked, all at once, naming each', () => {
  let e;
  try {
    createWebhookHandler({ channel: 'lin', secret: 's', sharedSecret: 't', apiKey: 1, maxBodyBytes: -1 });
  } catch (error) {
    e = error;
  }
  assert.ok(e instanceof SobotError);
  assert.equal(e.kind, 'validation');
  const paths = e.violations.map((v) => v.path);
  for (const p of ['options.apiKey', 'channel', 'options', 'options.onEvents', 'options.maxBodyBytes']) {
    assert.ok(paths.includes(p), `${p} in ${paths}`);
  }
  assert.throws(() => createWebhookHandler({ channel: 'line', onEvents() {} }), /exactly one of secret, sharedSecret/);
  assert.throws(
    () => createWebhookHandler({ channel: 'line', secret: 's', verifyToken: 'v', onEvents() {} }),
    /verifyToken/,
  );
  assert.throws(() => createWebhookHandler({ channel: 'line', secret: 's', onEvents() {}, dedupe: {} }), /claim, confirm and release/);
});

test('a hanging store is bounded: 500, reported, and the next delivery works', async () => {
  const errors = [];
  const calls = [];
  let hang = true;
  const memory = new MemoryDedupeStore();
  const store = {
    claim: (k, o, ttl) => (calls.push('claim'), hang ? new Promise(() => {}) : memory.claim(k, o, ttl)),
    confirm: (k, o, ttl) => (calls.push('confirm'), memory.confirm(k, o, ttl)),
    release: (k, o) => (calls.push('release'), memory.release(k, o)),
  };
  const handed = [];
  const handler = createWebhookHandler({
    channel: 'line',
    secret: LINE_SECRET,
    dedupe: store,
    storeTimeoutMs: 30,
    onEvents: (events) => handed.push(...events.map((e) => e.eventId)),
    onError: (e) => errors.push(e.message),
  });
  const r = await handler(lineRequest(lineBody('E1')));
  assert.equal(r.status, 500);
  assert.match(errors[0], /dedupe\.claim\(\) did not settle within 30 ms/);
  assert.deepEqual(handed, []);
  hang = false;
  assert.equal((await handler(lineRequest(lineBody('E1')))).status, 200);
  assert.deepEqual(handed, ['E1']);
  assert.deepEqual(calls.slice(-2), ['claim', 'confirm']);
});

test('a claim that fails for one event releases the others', async () => {
  const memory = new MemoryDedupeStore();
  const released = [];
  const store = {
    claim: (k, o, ttl) => {
      if (k.endsWith('E2')) return Promise.reject(new Error('redis: connection lost'));
      return memory.claim(k, o, ttl);
    },
    confirm: (k, o, ttl) => memory.confirm(k, o, ttl),
    release: (k, o) => (released.push(k), memory.release(k, o)),
  };
  const handler = createWebhookHandler({
    channel: 'line', secret: LINE_SECRET, dedupe: store, onEvents: () => assert.fail('not called'), onError() {},
  });
  assert.equal((await handler(lineRequest(lineBody('E1', 'E2', 'E3')))).status, 500);
  assert.deepEqual(released.sort(), ['line:E1', 'line:E3']);
  assert.equal(memory.size, 0);
});

test('deferHandling answers at once and runs onEvents in waitUntil', async () => {
  const gate = deferred();
  const waited = [];
  const handed = [];
  const handler = createWebhookHandler({
    channel: 'line',
    secret: LINE_SECRET,
    deferHandling: true,
    onEvents: async (events) => {
      await gate.promise;
      handed.push(...events.map((e) => e.eventId));
    },
  });
  const r = await handler(lineRequest(lineBody('D1')), { waitUntil: (p) => waited.push(p) });
  assert.equal(r.status, 200);
  assert.equal(waited.length, 1);
  assert.deepEqual(handed, []);
  gate.resolve();
  await waited[0];
  assert.deepEqual(handed, ['D1']);
});

test('dedupe: false hands every delivery over; a custom memory store is shared', async () => {
  const { handler, handed, errors } = lineHandler({ dedupe: false });
  await handler(lineRequest(lineBody('E1')));
  await handler(lineRequest(lineBody('E1')));
  assert.deepEqual(handed, ['E1', 'E1']);
  assert.deepEqual(errors, [], 'nothing to confirm without a store');

  const shared = new MemoryDedupeStore(100);
  const a = lineHandler({ dedupe: shared });
  const b = lineHandler({ dedupe: shared });
  await a.handler(lineRequest(lineBody('S1')));
  await b.handler(lineRequest(lineBody('S1')));
  assert.deepEqual([...a.handed, ...b.handed], ['S1']);
  assert.equal(shared.size, 1);
  assert.throws(() => new MemoryDedupeStore(0), SobotError);
});

test('a body already read, or something not a Request, is a 500 reported clearly', async () => {
  const { handler, errors } = lineHandler();
  const request = lineRequest(lineBody('E1'));
  await request.text();
  assert.equal((await handler(request)).status, 500);
  assert.match(String(errors[0]), /already read/);
  assert.equal((await handler({})).status, 500);
  assert.match(String(errors[1]), /Fetch API Request/);
});

test('signed hostile bodies are 200 or 400, as parseEvents decides, and never a 500', async () => {
  let handed = 0;
  const handler = createWebhookHandler({
    channel: 'line', secret: LINE_SECRET, dedupe: false, onEvents: (events) => void (handed += events.length),
  });
  let bodies = 0;
  for (const { body } of hostileBodies(fixtureTexts(), { seed: 7, count: 300 })) {
    const bytes = asBody(body, 'bytes');
    if (bytes.length > 1 << 20) continue;
    let parses = true;
    try {
      parseEvents('line', bytes);
    } catch {
      parses = false;
    }
    const r = await handler(lineRequest(bytes));
    assert.equal(r.status, parses ? 200 : 400, `body ${bodies}`);
    bodies++;
  }
  assert.ok(bodies > 250, String(bodies));
  assert.ok(handed > 0);
});
