// What a failed call tells its caller and what an observer sees: the caller's
// frames in the stack, what fetch threw as `cause`, the host and attempts in
// network messages, and the `onAttempt` hook with every attempt and no secret.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { SobotError } from 'sobot-channels';
import { emulator, sobot, graph, rejection, currentToken, APP_KEY, GRAPH_TOKEN, PAGE, closedPort } from './client-helpers.mjs';

let emu;

before(async () => {
  emu = await emulator();
});
after(() => emu?.close());
beforeEach(() => emu.admin.reset());

const READ = 'line.query_task_list';
const page = { page_no: 1, page_size: 1 };

function assertCallerFrames(e, fnName) {
  assert.ok(e instanceof SobotError, String(e));
  const lines = e.stack.split('\n');
  assert.equal(lines[0], `SobotError: ${e.message}`);
  assert.ok(lines.some((l) => l.includes(fnName)), `the caller's frame ${fnName} in:\n${e.stack}`);
  assert.ok(!/wasm:\/\//.test(e.stack), `no wasm frames in:\n${e.stack}`);
}

test("a rejected call's stack shows the awaiting callers' frames, not the package's", async () => {
  const c = sobot(emu);
  async function placeTheCall() {
    return await c.messenger.send({ recipientid: 'x' });
  }
  assertCallerFrames(await rejection(placeTheCall()), 'placeTheCall');

  emu.admin.fault(READ, { type: 'code', retCode: '999994' });
  async function readTasks() {
    return await c.line.queryTaskList(page);
  }
  const e = await rejection(readTasks());
  assert.equal(e.kind, 'api');
  assertCallerFrames(e, 'readTasks');

  async function walkTasks() {
    for await (const task of c.line.tasks({ page_size: 1 })) void task;
  }
  assertCallerFrames(await rejection(walkTasks()), 'walkTasks');

  const g = graph(emu, { accessToken: 'not-a-known-token' });
  async function listThem() {
    return await g.listConversations({ pageId: PAGE, platform: 'messenger' });
  }
  assertCallerFrames(await rejection(listThem()), 'listThem');

  async function badOptions() {
    return await c.line.queryTaskList(page, { timeoutMs: -1 });
  }
  const v = await rejection(badOptions());
  assert.equal(v.kind, 'validation');
  assertCallerFrames(v, 'badOptions');
});

test('a refused connection keeps what fetch threw as `cause`, and names the host, attempts and timeout', async () => {
  const port = await closedPort();
  const c = sobot({ url: `http://127.0.0.1:${port}` }, { retry: { maxAttempts: 2, baseDelayMs: 1 }, timeoutMs: 700 });
  const e = await rejection(c.token());
  assert.equal(e.kind, 'network');
  assert.ok(e.cause instanceof Error, inspect(e));
  assert.equal(e.cause.cause?.code ?? e.cause.code, 'ECONNREFUSED');
  assert.match(inspect(e), /\[cause\]/);

  const g = graph({ url: `http://127.0.0.1:${port}` }, { retry: { maxAttempts: 2, baseDelayMs: 1 }, timeoutMs: 700 });
  const ge = await rejection(g.listConversations({ pageId: PAGE, platform: 'messenger' }));
  assert.equal(ge.kind, 'network');
  assert.equal(ge.endpoint, 'graph.conversations');
  assert.ok(ge.message.startsWith('graph.conversations: TypeError: fetch failed (ECONNREFUSED)'), ge.message);
  assert.ok(ge.message.endsWith(`(host 127.0.0.1:${port}; 2 attempt(s), each of at most 700 ms)`), ge.message);
  assert.equal(ge.cause.cause?.code ?? ge.cause.code, 'ECONNREFUSED');
});

test("fetch's own reason is in the message when it gives no code (undici's `bad port`)", async () => {
  const c = sobot({ url: 'http://127.0.0.1:1' }, { retry: { maxAttempts: 1 } });
  const e = await rejection(c.token());
  assert.equal(e.kind, 'network');
  assert.match(e.message, /fetch failed \(bad port\)/);
  assert.equal(e.cause?.cause?.message, 'bad port');
});

test('a cause quoting a secret is replaced by a scrubbed copy', async () => {
  const leaky = (url) => {
    const err = new TypeError(`proxy refused ${url}`);
    err.code = 'EPROXY';
    return Promise.reject(err);
  };
  const g = graph(emu, { fetch: leaky, retry: { maxAttempts: 1 } });
  const e = await rejection(g.listConversations({ pageId: PAGE, platform: 'messenger' }));
  assert.equal(e.kind, 'network');
  assert.ok(e.cause instanceof Error);
  assert.equal(e.cause.name, 'TypeError');
  assert.equal(e.cause.code, 'EPROXY');
  assert.match(e.cause.message, /<redacted>/);
  assert.ok(!inspect(e, { depth: 10 }).includes(GRAPH_TOKEN), inspect(e));

  const plain = graph(emu, { fetch: () => Promise.reject(new TypeError('proxy down')), retry: { maxAttempts: 1 } });
  const cause = (await rejection(plain.listConversations({ pageId: PAGE, platform: 'messenger' }))).cause;
  assert.equal(cause.message, 'proxy down', 'a cause without a secret is the original');
});

test('onAttempt sees every attempt, get_token included, with status, wait and error kind', async () => {
  const events = [];
  const c = sobot(emu, { onAttempt: (a) => events.push(a) });
  emu.admin.fault(READ, { type: 'status', status: 503, times: 1 });
  await c.line.queryTaskList(page);
  assert.deepEqual(events.map(({ endpoint, attempt, status, error }) => ({ endpoint, attempt, status, error })), [
    { endpoint: 'get_token', attempt: 1, status: 200, error: null },
    { endpoint: READ, attempt: 1, status: 503, error: 'http' },
    { endpoint: READ, attempt: 2, status: 200, error: null },
  ]);
  assert.equal(typeof events[1].delayMs, 'number', 'a wait follows the failed attempt');
  assert.equal(events[2].delayMs, null, 'no wait after the last');
  for (const a of events) {
    assert.deepEqual(Object.keys(a).sort(), ['attempt', 'delayMs', 'durationMs', 'endpoint', 'error', 'status']);
    assert.ok(Number.isInteger(a.durationMs) && a.durationMs >= 0);
  }
  const text = JSON.stringify(events);
  assert.ok(!text.includes(APP_KEY) && !text.includes(currentToken(emu)), 'no secret reaches the hook');

  // A send that may have been processed: one attempt, no wait, kind network.
  events.length = 0;
  emu.admin.fault('send', { type: 'reset', times: 1 });
  const message = { messaging_type: 'RESPONSE', recipientid: '524807506000000', pageid: PAGE, type: 'text', payload: 'hi' };
  await rejection(c.messenger.send(message));
  assert.deepEqual(events.map((a) => [a.endpoint, a.attempt, a.status, a.delayMs, a.error]), [
    ['messenger.send', 1, null, null, 'network'],
  ]);

  const gEvents = [];
  const g = graph(emu, { onAttempt: (a) => gEvents.push(a) });
  await g.listConversations({ pageId: PAGE, platform: 'messenger' });
  assert.deepEqual(gEvents.map((a) => [a.endpoint, a.attempt, a.status, a.error]), [['graph.conversations', 1, 200, null]]);
});

test('a hook that throws or calls the client again never fails the call', async () => {
  let nested;
  const c = sobot(emu, {
    onAttempt: (a) => {
      if (a.endpoint === READ && !nested) nested = c.line.queryTaskList(page);
      c.stats();
      throw new Error('observer bug');
    },
  });
  assert.equal((await c.line.queryTaskList(page)).ret_code, '000000');
  assert.equal((await nested).ret_code, '000000');
  assert.throws(() => sobot(emu, { onAttempt: 'log' }), (e) => e.violations[0].path === 'onAttempt');
});

test("an error thrown at once shows the caller's frames too", async () => {
  const { createWebhookHandler } = await import('sobot-channels/webhook');
  function makeHandler() {
    return createWebhookHandler({ secret: 's' });
  }
  let thrown;
  try {
    makeHandler();
  } catch (e) {
    thrown = e;
  }
  assert.equal(thrown?.kind, 'validation');
  assertCallerFrames(thrown, 'makeHandler');
});

test('inspecting an instance shows what toJSON shows, never wasm-bindgen internals', async () => {
  const pkg = await import('sobot-channels');
  const hook = await import('sobot-channels/webhook');
  const c = sobot(emu);
  const instances = {
    SobotClient: c,
    MessengerClient: c.messenger,
    LineClient: c.line,
    GraphClient: graph(emu),
    MemoryDedupeStore: new pkg.MemoryDedupeStore(),
    'MemoryDedupeStore (webhook entry)': new hook.MemoryDedupeStore(),
  };
  for (const [name, obj] of Object.entries(instances)) {
    const text = inspect(obj);
    assert.ok(text.startsWith(name.split(' ')[0] + ' {'), `${name}: ${text}`);
    assert.ok(!text.includes('__wbg_ptr') && !text.includes(APP_KEY), `${name}: ${text}`);
    assert.equal(typeof obj[Symbol.dispose ?? Symbol.for('nodejs.dispose')], 'function', `${name} is disposable`);
  }
  assert.match(inspect(c), /appId: 'client-test-app'/);
});

test('getToken on its own: host, attempt, timeout, cause and the caller frames', async () => {
  const { getToken } = await import('sobot-channels');
  const port = await closedPort();
  async function fetchIt() {
    return await getToken({ appId: 'a', appKey: APP_KEY, baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 900 });
  }
  const e = await rejection(fetchIt());
  assert.equal(e.kind, 'network');
  assert.ok(e.message.endsWith(`(host 127.0.0.1:${port}; 1 attempt(s), each of at most 900 ms)`), e.message);
  assert.equal(e.cause.cause?.code ?? e.cause.code, 'ECONNREFUSED');
  assertCallerFrames(e, 'fetchIt');
});

test("an API error carries the catalogue's entry of its code, in both languages", async () => {
  const c = sobot(emu);
  emu.admin.fault(READ, { type: 'code', retCode: '999994', times: 1 });
  const e = await rejection(c.line.queryTaskList(page));
  assert.equal(e.kind, 'api');
  assert.equal(e.description?.code, '999994');
  assert.equal(typeof e.description.messageZh, 'string');
  assert.match(e.message, new RegExp(e.description.messageEn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.deepEqual(JSON.parse(JSON.stringify(e)).description, e.description);
  const v = await rejection(c.messenger.send({}));
  assert.equal(v.description, undefined, 'only API errors have one');
});
