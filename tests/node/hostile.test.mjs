// One wasm instance (this process's) takes 10,000 hostile bodies from the
// shared generator (tests/hostile.mjs) through every export that takes a
// caller's value, and 10,000 hostile answers through the clients' decoding.
// Every call returns a well-formed result or throws a SobotError (a trap is a
// RuntimeError); afterwards the instance answers the fixtures exactly as
// before, and its linear memory has stopped growing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import * as sdk from 'sobot-channels';
import { COVERED, NOT_PARSERS, survive, answers, hostileBodies, asBody, FORMS } from '../hostile.mjs';
import { fixtureTexts, readFixture as read } from '../fixture-texts.mjs';

const fixtures = fixtureTexts();
const COUNT = 10_000;
const MiB = 1 << 20;

test('every export either takes the hostile bodies or is listed as taking no caller data', () => {
  const exported = Object.keys(sdk).sort();
  const missing = exported.filter((n) => !(n in COVERED) && !(n in NOT_PARSERS));
  assert.deepEqual(missing, [], `exports neither covered nor listed in NOT_PARSERS: ${missing.join(', ')}`);
  const stale = [...Object.keys(COVERED), ...Object.keys(NOT_PARSERS)].filter((n) => !exported.includes(n));
  assert.deepEqual(stale, [], 'entries of tests/hostile.mjs that the package no longer exports');
  for (const n of Object.keys(COVERED)) assert.ok(!(n in NOT_PARSERS), `${n} is in both lists`);
});

test('the generator is deterministic and makes every category', () => {
  const digest = (seed) => {
    let h = 0;
    const cats = new Set();
    for (const { category, body } of hostileBodies(fixtures, { seed, count: 500 })) {
      cats.add(category);
      const bytes = asBody(body, 'bytes');
      for (let i = 0; i < bytes.length; i += 97) h = (Math.imul(h, 31) + bytes[i]) >>> 0;
      h = (h + bytes.length) >>> 0;
    }
    return { h, cats: cats.size };
  };
  assert.deepEqual(digest(7), digest(7));
  assert.notDeepEqual(digest(7).h, digest(8).h);
  assert.equal(digest(7).cats, 12);
});

test(`one instance survives ${COUNT} hostile bodies through every parse and validate function`, () => {
  const before = answers(sdk, fixtures);
  // The answers are right to begin with: webhooks as their normalised
  // fixtures, the documents' clean requests without violations.
  for (const [name, events] of Object.entries(before)) {
    if (!name.includes('/webhook_')) continue;
    const [ch, base] = name.split('/');
    assert.deepEqual(events, JSON.parse(read(`${ch}/normalized/${base}`)), name);
  }
  assert.deepEqual(before['messenger/send_text_request.json'], []);
  assert.deepEqual(before['messenger/create_or_update_title_request.json'], []);
  assert.equal(before.sign, '258eec3118705112b2c53dc8043d4d34');

  const res = survive(sdk, fixtures, { count: COUNT });
  report('node', res);
  assert.equal(res.bodies, COUNT);
  assert.equal(res.calls, COUNT * Object.keys(COVERED).length);
  assert.deepEqual(res.foreign, [], `${res.foreignCount} calls neither returned a well-formed result nor threw a SobotError`);
  // Every function refused something and accepted something: the bodies reach
  // past the first check.
  for (const [name, c] of Object.entries(res.perFunction)) {
    assert.ok(c.returned > 0, `${name} never returned`);
  }
  for (const name of ['parseMessengerWebhook', 'parseLineWebhook', 'parseUploadResult', 'parseEvents', 'normalizeEvents']) {
    assert.ok(res.perFunction[name].sobotErrors > COUNT / 2, `${name} refused only ${res.perFunction[name].sobotErrors}`);
  }

  // The same instance answers exactly as before.
  assert.deepEqual(answers(sdk, fixtures), before);

  // Linear memory stops growing: after the first 1,000 bodies (which include
  // the largest, a 1.4 MB giant string, and a 100,000-level nesting) it grows
  // by at most 4 MiB (a later 800 KB nesting body), and not at all over the
  // last 5,000.
  const { memory } = res;
  assert.ok(memory.end <= memory.after1000 + 4 * MiB, `memory ${memory.after1000} after 1,000 bodies, ${memory.end} at the end`);
  assert.deepEqual(memory.growth.filter((g) => g.index >= COUNT / 2), [], 'memory grew in the last 5,000 bodies');
  assert.ok(memory.end <= 40 * MiB, `memory ${memory.end}`);
});

test(`the clients decode ${COUNT} hostile answers into results or SobotErrors`, async () => {
  // Each body is the answer of one endpoint, in turn; the status is 200 for
  // most, else an error status (with a hostile Retry-After).
  const valid = JSON.parse(read('messenger/get_token_response.json'));
  let body = null;
  let status = 200;
  let retryAfter = null;
  let current = null;
  const fetch = async (url) => {
    if (String(url).includes('/get_token') && current !== 'token') {
      return Response.json({ ...valid, item: { ...valid.item, expires_in: '86400' } });
    }
    const headers = retryAfter === null ? {} : { 'retry-after': retryAfter };
    return new Response(body, { status, headers });
  };
  const opts = { appId: 'a', appKey: 'k', baseUrl: 'http://127.0.0.1:9', retry: { maxAttempts: 1 }, fetch };
  const sobot = new sdk.SobotClient(opts);
  const graph = new sdk.GraphClient({ accessToken: 't', baseUrl: 'http://127.0.0.1:9', retry: { maxAttempts: 1 }, fetch });
  const fx = (p) => JSON.parse(read(p));
  const upload = fx('messenger/upload_async_request.json');
  upload.payload.url = 'https://example.com/a.png';
  const endpoints = {
    token: () => new sdk.SobotClient(opts).token(),
    send: () => sobot.messenger.send(fx('messenger/send_text_request.json')),
    uploadAsync: () => sobot.messenger.uploadAsync(upload),
    querySubUsers: () => sobot.messenger.querySubUsers({ appid: '22222222', title: 'test', page_no: 1, page_size: 100 }),
    createOrUpdateTitle: () => sobot.messenger.createOrUpdateTitle(fx('messenger/create_or_update_title_request.json')),
    deleteTitle: () => sobot.messenger.deleteTitle({ configid: '482716046a4242e7a5fa42e18d943ae0655810' }),
    getTitleList: () => sobot.messenger.getTitleList(fx('messenger/get_title_list_request.json')),
    sendOptInMessage: () => sobot.messenger.sendOptInMessage(fx('messenger/send_opt_in_message_request.json')),
    messengerTasks: () => sobot.messenger.queryTaskList(fx('messenger/query_task_list_request.json')),
    messengerRecords: () => sobot.messenger.sendRecordList({ page_no: 1, page_size: 15 }),
    lineMedia: () => sobot.line.getMediaContent({ appid: '12323', messageid: '1501597916' }),
    lineTasks: () => sobot.line.queryTaskList(fx('line/query_task_list_request.json')),
    lineRecords: () => sobot.line.sendRecordList({ page_no: 1, page_size: 12 }),
    conversations: () => graph.listConversations({ pageId: '1', platform: 'instagram' }),
    conversationMessages: () => graph.conversationMessages('C1'),
    message: () => graph.message('M1'),
  };
  const names = Object.keys(endpoints);
  const tally = Object.fromEntries(names.map((n) => [n, { resolved: 0, sobotErrors: 0 }]));
  const foreign = [];
  const started = Date.now();
  const memStart = sdk.wasmMemoryBytes();
  let mem1000 = null;
  for (const { index, body: b } of hostileBodies(fixtures, { seed: 99, count: COUNT })) {
    const name = names[index % names.length];
    current = name;
    body = asBody(b, FORMS[index % FORMS.length] === 'string' ? 'string' : 'bytes');
    status = index % 10 === 9 ? [400, 401, 429, 500, 502, 503][index % 6] : 200;
    retryAfter = index % 20 === 19 ? ['1', '-1', '1e400', 'soon', '99999999999999999999'][index % 5] : null;
    try {
      await endpoints[name]();
      tally[name].resolved++;
    } catch (e) {
      if (e instanceof sdk.SobotError) tally[name].sobotErrors++;
      else if (foreign.push({ name, index, error: `${e?.constructor?.name}: ${String(e?.message ?? e).slice(0, 200)}` }) > 20) break;
    }
    if (index === 999) mem1000 = sdk.wasmMemoryBytes();
  }
  const memEnd = sdk.wasmMemoryBytes();
  console.log(`# node answers: ${COUNT} answers over ${names.length} endpoints in ${Date.now() - started} ms; ` +
    `linear memory ${memStart} → ${mem1000} (1,000) → ${memEnd} bytes`);
  console.log(`# node answers per endpoint: ${JSON.stringify(tally)}`);
  assert.deepEqual(foreign, []);
  for (const [name, t] of Object.entries(tally)) assert.ok(t.sobotErrors > 0, `${name} refused nothing`);
  assert.ok(memEnd <= mem1000 + 4 * MiB, `memory ${mem1000} → ${memEnd}`);

  // The same instance still decodes a valid answer.
  body = read('line/query_task_list_response.json');
  status = 200;
  retryAfter = null;
  current = 'lineTasks';
  assert.deepEqual(await sobot.line.queryTaskList({ page_no: 1, page_size: 2 }), JSON.parse(body));
});

function report(where, res) {
  const { memory } = res;
  console.log(`# ${where}: ${res.bodies} bodies × ${res.functions} functions = ${res.calls} calls in ${res.ms} ms; ` +
    `linear memory ${memory.start} → ${memory.after1000} (1,000 bodies) → ${memory.end} bytes; ` +
    `grew after bodies ${memory.growth.map((g) => `${g.index} (${g.category}, ${g.size} B)`).join(', ')}`);
  console.log(`# ${where} per category (bodies, ms): ${JSON.stringify(res.byCategory)}`);
  console.log(`# ${where} per function (returned, SobotError): ${JSON.stringify(res.perFunction)}`);
}

// ---- Bounded input (issue 17) ----

const lineSig = (bytes, secret) => createHmac('sha256', secret).update(bytes).digest('base64');
const hubSig = (bytes, secret) => `sha256=${createHmac('sha256', secret).update(bytes).digest('hex')}`;

/** The error `fn` throws (failing when it returns). */
function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('no error');
}

test('a 48 MiB body is refused by maxBytes before it is copied into wasm memory', () => {
  const size = 48 * MiB;
  const bytes = new Uint8Array(size).fill(0x20);
  const forms = {
    string: ' '.repeat(size),
    Uint8Array: bytes,
    ArrayBuffer: bytes.buffer,
    DataView: new DataView(bytes.buffer),
    Uint16Array: new Uint16Array(bytes.buffer),
  };
  const secret = 'secret';
  const line = lineSig(bytes, secret);
  const hub = hubSig(bytes, secret);
  const before = sdk.wasmMemoryBytes();
  for (const [form, body] of Object.entries(forms)) {
    for (const parse of [
      (b) => sdk.parseEvents('line', b),
      (b) => sdk.parseEvents('messenger', b),
      (b) => sdk.parseLineWebhook(b),
      (b) => sdk.parseMessengerWebhook(b),
      (b) => sdk.parseUploadResult(b, { maxBytes: 4096 }),
    ]) {
      const e = thrown(() => parse(body));
      assert.ok(e instanceof sdk.SobotError, `${form}: ${e}`);
      assert.equal(e.kind, 'decode', form);
      assert.equal(e.violations[0].rule, 'max_bytes', form);
      assert.equal(e.violations[0].path, 'body', form);
      // bytes are measured exactly; a string's length already bounds its UTF-8 from below
      assert.equal(e.violations[0].actual, size, form);
      assert.match(e.message, form === 'string' ? /^body is at least 50331648 bytes/ : /^body is 50331648 bytes/);
    }
    // a valid signature over a body above the limit is not checked: `false`
    assert.equal(sdk.verifyLineSignature(body, secret, line), false, form);
    assert.equal(sdk.verifyMessengerSignature(body, secret, hub), false, form);
  }
  const after = sdk.wasmMemoryBytes();
  console.log(`# 48 MiB bodies: linear memory ${before} → ${after} bytes`);
  assert.ok(after <= before + MiB, `linear memory grew from ${before} to ${after} bytes`);
});

test('a string between length and 3 × length of maxBytes is measured exactly', () => {
  const body = JSON.stringify({ destination: 'U1', events: [], pad: '語'.repeat(400) });
  const exact = new TextEncoder().encode(body).length;
  assert.ok(body.length < 1024 && exact > body.length);
  // just at the limit parses, one byte under it is refused with the exact length
  assert.deepEqual(sdk.parseEvents('line', body, { maxBytes: exact }), []);
  const e = thrown(() => sdk.parseEvents('line', body, { maxBytes: exact - 1 }));
  assert.deepEqual([e.violations[0].rule, e.violations[0].limit, e.violations[0].actual], ['max_bytes', exact - 1, exact]);
  assert.match(e.message, new RegExp(`^body is ${exact} bytes`));
  // fewer UTF-16 units than the limit, more UTF-8 bytes: refused as well (a long string)
  const long = '"' + '語'.repeat(500_000) + '"';
  const l = thrown(() => sdk.parseLineWebhook(long));
  assert.equal(l.violations[0].actual, 1_500_002);
});

test('verify takes { maxBytes } (default 1 MiB, as the parsers) and answers false above it', () => {
  const secret = 'k';
  const atLimit = new Uint8Array(MiB).fill(0x7b);
  const over = new Uint8Array(MiB + 1).fill(0x7b);
  for (const [verify, sig] of [[sdk.verifyLineSignature, lineSig], [sdk.verifyMessengerSignature, hubSig]]) {
    assert.equal(verify(atLimit, secret, sig(atLimit, secret)), true);
    assert.equal(verify(over, secret, sig(over, secret)), false);
    assert.equal(verify(over, secret, sig(over, secret), { maxBytes: 2 * MiB }), true);
    assert.equal(verify(over, secret, sig(over, secret), { maxBytes: undefined }), false);
    assert.equal(verify('{}', secret, sig('{}', secret), { maxBytes: 2 }), true);
    assert.equal(verify('{}', secret, sig('{}', secret), { maxBytes: 1 }), false);
    assert.equal(verify('語', secret, sig('語', secret), { maxBytes: 2 }), false);
    assert.equal(verify('語', secret, sig('語', secret), { maxBytes: 3 }), true);
    // an invalid option is the caller's mistake: it throws, as the parsers do
    for (const bad of [-1, 1.5, 'big', {}]) {
      const e = thrown(() => verify(atLimit, secret, sig(atLimit, secret), { maxBytes: bad }));
      assert.ok(e instanceof sdk.SobotError);
      assert.deepEqual([e.kind, e.violations[0].path], ['validation', 'options.maxBytes']);
    }
    const e = thrown(() => verify(atLimit, secret, sig(atLimit, secret), 5));
    assert.deepEqual([e.kind, e.violations[0].path], ['validation', 'options']);
  }
});

test('detached, out-of-bounds and forged typed arrays are SobotErrors naming the argument', () => {
  const detach = (buf) => {
    structuredClone(buf, { transfer: [buf] });
    return buf;
  };
  const detachedBuffer = () => detach(new ArrayBuffer(16));
  const views = () => {
    const buf = new ArrayBuffer(16);
    const out = [new Uint8Array(buf), new DataView(buf), new Uint16Array(buf, 2, 4), Buffer.from(buf)];
    detach(buf);
    return out;
  };
  const rab = new ArrayBuffer(16, { maxByteLength: 32 });
  const outside = new DataView(rab, 8, 8);
  rab.resize(4);
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const bad = {
    'detached ArrayBuffer': detachedBuffer(),
    'Uint8Array of a detached buffer': views()[0],
    'DataView of a detached buffer': views()[1],
    'Uint16Array of a detached buffer': views()[2],
    'Buffer of a detached buffer': views()[3],
    'DataView outside its resized buffer': outside,
    'object inheriting from Uint8Array.prototype': Object.create(Uint8Array.prototype),
    'object inheriting from ArrayBuffer.prototype': Object.create(ArrayBuffer.prototype),
    'object inheriting from DataView.prototype': Object.create(DataView.prototype),
    'array-like with a huge length': { length: 2 ** 32, byteLength: 2 ** 32 },
    'revoked Proxy': revoked.proxy,
    'Proxy of a Uint8Array': new Proxy(new Uint8Array(4), {}),
  };
  const sig = lineSig('{}', 's');
  const calls = {
    parseEvents: (x) => sdk.parseEvents('line', x),
    parseLineWebhook: (x) => sdk.parseLineWebhook(x),
    parseMessengerWebhook: (x) => sdk.parseMessengerWebhook(x),
    parseUploadResult: (x) => sdk.parseUploadResult(x),
    verifyLineSignature: (x) => sdk.verifyLineSignature(x, 's', sig),
    verifyMessengerSignature: (x) => sdk.verifyMessengerSignature(x, 's', 'sha256=00'),
    'verifyLineSignature secret': (x) => sdk.verifyLineSignature('{}', x, sig),
    'verifyMessengerSignature secret': (x) => sdk.verifyMessengerSignature('{}', x, 'sha256=00'),
  };
  for (const [what, x] of Object.entries(bad)) {
    for (const [name, call] of Object.entries(calls)) {
      const e = thrown(() => call(x));
      assert.ok(e instanceof sdk.SobotError, `${name}(${what}) threw ${e?.constructor?.name}: ${e?.message}`);
      const path = !name.endsWith('secret') ? 'body' : name.startsWith('verifyLine') ? 'channelSecret' : 'appSecret';
      assert.deepEqual([e.kind, e.violations[0].path], ['validation', path], `${name}(${what})`);
    }
  }
  assert.match(thrown(() => sdk.parseEvents('line', detachedBuffer())).message, /got a detached ArrayBuffer$/);
  assert.match(thrown(() => sdk.parseEvents('line', views()[0])).message, /got a view of a detached ArrayBuffer$/);

  // A genuine view whose own properties lie is read through the built-in getters.
  const body = new TextEncoder().encode('{"destination":"U1","events":[]}');
  const liar = new Uint8Array(body);
  for (const k of ['length', 'byteLength', 'byteOffset']) Object.defineProperty(liar, k, { value: 2 ** 31 });
  Object.defineProperty(liar, 'buffer', { value: new ArrayBuffer(1) });
  assert.deepEqual(sdk.parseEvents('line', liar), []);
  assert.equal(sdk.verifyLineSignature(liar, 's', lineSig(body, 's')), true);
  // ArrayBuffers and views from another realm are bytes too
  const foreign = runInNewContext('(b) => new Uint8Array(b)')(body);
  assert.deepEqual(sdk.parseEvents('line', foreign), []);
  assert.deepEqual(sdk.parseEvents('line', foreign.buffer), []);

  // Values that used to throw something else from normalizeEvents and the handshake
  const e = thrown(() => sdk.normalizeEvents({ toJSON: () => undefined }));
  assert.ok(e instanceof sdk.SobotError);
  assert.deepEqual([e.kind, e.violations[0].path], ['validation', 'parsed']);
  const angry = new Proxy(['subscribe'], { get() { throw new RangeError('no'); } });
  assert.equal(sdk.messengerVerifyChallenge({ 'hub.mode': angry }, 't').ok, false);
});

test('a send of 100,000 generic elements gets a bounded list of violations, quickly', () => {
  const request = (n, element) => ({
    messaging_type: 'RESPONSE', recipientid: 'R', pageid: 'P', type: 'template',
    payload: { template_type: 'generic', elements: Array.from({ length: n }, () => element) },
  });
  let started = performance.now();
  const got = sdk.validateSendMessage(request(100_000, { subtitle: 'x'.repeat(81) }));
  const ms = performance.now() - started;
  console.log(`# 100,000 bad generic elements: ${got.length} violations in ${ms.toFixed(0)} ms`);
  assert.deepEqual([got[0].path, got[0].rule, got[0].actual], ['payload.elements', 'max_items', 100_000]);
  // the elements are walked up to the limit (10), two violations each
  assert.equal(got.length, 21);
  assert.ok(got.every((v) => !v.path.startsWith('payload.elements[10]')));
  assert.ok(ms < 2000, `${ms} ms`);

  // many violations of one object: 100, then one saying how many more at least
  const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`x${i}`, i]));
  started = performance.now();
  const many = sdk.validateSendMessage(wide);
  const wideMs = performance.now() - started;
  console.log(`# 100,000 unknown fields: ${many.length} violations in ${wideMs.toFixed(0)} ms`);
  assert.equal(many.length, 101);
  const last = many[100];
  assert.deepEqual([last.path, last.rule, last.limit], ['(request)', 'max_violations', 100]);
  assert.ok(last.actual >= 100_000 - 100, String(last.actual));
  assert.match(last.message, /^at least \d+ more violations are not listed/);
  assert.ok(wideMs < 2000, `${wideMs} ms`);
});

test('a client refuses a request over 1 MiB of JSON before parsing it or sending anything', async () => {
  let fetched = 0;
  const fetch = async () => {
    fetched++;
    return new Response('{}');
  };
  const sobot = new sdk.SobotClient({ appId: 'a', appKey: 'k', baseUrl: 'http://127.0.0.1:9', fetch });
  const element = { title: 't', subtitle: 's', buttons: [{ type: 'postback', title: 'b', payload: 'p' }] };
  const request = {
    messaging_type: 'RESPONSE', recipientid: 'R', pageid: 'P', type: 'template',
    payload: { template_type: 'generic', elements: Array.from({ length: 1_000_000 }, () => element) },
  };
  const before = sdk.wasmMemoryBytes();
  const started = performance.now();
  const e = await sobot.messenger.send(request).then(() => assert.fail('sent'), (err) => err);
  const ms = performance.now() - started;
  const after = sdk.wasmMemoryBytes();
  console.log(`# send of 10^6 elements: refused in ${ms.toFixed(0)} ms; linear memory ${before} → ${after} bytes`);
  assert.ok(e instanceof sdk.SobotError, String(e));
  assert.equal(e.kind, 'validation');
  const v = e.violations[0];
  assert.deepEqual([v.path, v.rule, v.limit], ['request', 'max_bytes', MiB]);
  assert.ok(v.actual > MiB);
  assert.match(v.message, /^request is at least \d+ bytes of JSON, more than the limit of 1048576 bytes$/);
  assert.equal(fetched, 0);
  assert.ok(after <= before + MiB, `linear memory grew from ${before} to ${after} bytes`);

  // Just under the cap in UTF-16 units but over it in UTF-8: measured exactly.
  const text = { ...request, payload: '語'.repeat(400_000), type: 'text' };
  const t = await sobot.messenger.send(text).then(() => assert.fail('sent'), (err) => err);
  assert.deepEqual([t.violations[0].rule, t.violations[0].path], ['max_bytes', 'request']);
  assert.match(t.violations[0].message, /^request is \d+ bytes of JSON/);
  assert.equal(fetched, 0);
});
