// One wasm instance (this process's) takes 10,000 hostile bodies from the
// shared generator (tests/hostile.mjs) through every export that takes a
// caller's value, and 10,000 hostile answers through the clients' decoding.
// Every call returns a well-formed result or throws a SobotError (a trap is a
// RuntimeError); afterwards the instance answers the fixtures exactly as
// before, and its linear memory has stopped growing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
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
