// Each emulator fault → the documented outcome, the attempts the emulator saw, and
// never two copies of a send. Reads are repeated; a send is repeated only when it
// certainly was not processed (a refused connection, 429, a rate-limit code).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { SobotError } from 'sobot-channels';
import { emulator, sobot, graph, rejection, PAGE } from './client-helpers.mjs';

let emu;
let client;

before(async () => {
  emu = await emulator();
});
after(() => emu?.close());

const READ = 'line.query_task_list';
const page = { page_no: 1, page_size: 1 };
const message = { messaging_type: 'RESPONSE', recipientid: '524807506000000', pageid: PAGE, type: 'text', payload: 'hello' };

beforeEach(async () => {
  emu.admin.reset();
  client = sobot(emu, { timeoutMs: 1000 });
  // the token first, so that attempts counted below are the calls' own
  await client.token();
  emu.admin.clearRequests();
});

const read = () => client.line.queryTaskList(page);
const send = () => client.messenger.send(message);

/** Waits until the emulator has handled everything it received (latency faults end). */
const settle = (ms) => new Promise((r) => setTimeout(r, ms));

function assertMayHaveBeenSent(e, kind) {
  assert.ok(e instanceof SobotError, String(e));
  assert.equal(e.kind, kind);
  assert.equal(e.retryable, false);
  assert.equal(e.endpoint, 'messenger.send');
  assert.match(e.message, /may have been processed \(a message may have been sent\)/);
}

test('latency past the timeout: a read times out once and is repeated; a send rejects and is never repeated', async () => {
  emu.admin.fault(READ, { type: 'latency', ms: 1500, times: 1 });
  const p = await read();
  assert.equal(p.ret_code, '000000');
  assert.equal(emu.admin.count(READ), 2);

  emu.admin.fault('send', { type: 'latency', ms: 1300, times: 1 });
  const t0 = Date.now();
  const e = await rejection(send());
  assert.ok(Date.now() - t0 < 1300, 'the timeout, not the answer, ended the call');
  assertMayHaveBeenSent(e, 'timeout');
  await settle(400);
  assert.equal(emu.admin.count('send'), 1);
  // the server did process it: exactly one copy
  assert.equal(emu.admin.sends().length, 1);
});

test('a per-call timeoutMs overrides the client one; a read that always times out gives up after maxAttempts', async () => {
  emu.admin.fault(READ, { type: 'latency', ms: 250 });
  const e = await rejection(client.line.queryTaskList(page, { timeoutMs: 60 }));
  assert.equal(e.kind, 'timeout');
  assert.equal(e.retryable, true);
  assert.equal(e.endpoint, READ);
  assert.equal(emu.admin.count(READ), 3);
});

for (const status of [500, 502, 503]) {
  test(`HTTP ${status}: a read is repeated and succeeds; a send rejects retryable:false, not repeated, not sent`, async () => {
    emu.admin.fault(READ, { type: 'status', status, times: 1 });
    assert.equal((await read()).ret_code, '000000');
    assert.equal(emu.admin.count(READ), 2);

    emu.admin.fault('send', { type: 'status', status, times: 1 });
    const e = await rejection(send());
    assertMayHaveBeenSent(e, 'http');
    assert.equal(e.status, status);
    assert.equal(emu.admin.count('send'), 1);
    assert.equal(emu.admin.sends().length, 0);
  });
}

test('HTTP 503 on every attempt: a read gives up after maxAttempts with a retryable http error', async () => {
  emu.admin.fault(READ, { type: 'status', status: 503 });
  const e = await rejection(read());
  assert.equal(e.kind, 'http');
  assert.equal(e.status, 503);
  assert.equal(e.retryable, true);
  assert.equal(emu.admin.count(READ), 3);
  const more = sobot(emu, { retry: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 5 } });
  await rejection(more.line.queryTaskList(page));
  assert.equal(emu.admin.count(READ), 3 + 5);
});

test('429 with Retry-After: honoured, then a send is repeated (it was not processed) and sent once', async () => {
  const patient = sobot(emu, { retry: { baseDelayMs: 1, maxDelayMs: 2000 } });
  emu.admin.fault('send', { type: 'status', status: 429, retryAfter: 1, times: 1 });
  const t0 = Date.now();
  const item = await patient.messenger.send(message);
  const waited = Date.now() - t0;
  assert.ok(waited >= 950, `waited ${waited} ms`);
  assert.equal(typeof item.message_id, 'string');
  assert.equal(emu.admin.count('send'), 2);
  assert.equal(emu.admin.sends().length, 1);
});

test('429 asking for longer than maxDelayMs: no wait, a retryable http error for the caller to schedule', async () => {
  emu.admin.fault('send', { type: 'status', status: 429, retryAfter: 120 });
  const t0 = Date.now();
  const e = await rejection(send());
  assert.ok(Date.now() - t0 < 500);
  assert.equal(e.kind, 'http');
  assert.equal(e.status, 429);
  assert.equal(e.retryable, true);
  assert.equal(emu.admin.count('send'), 1);
  assert.equal(emu.admin.sends().length, 0);
});

test('a reset connection: a read is repeated; a send rejects as maybe-sent and is not repeated', async () => {
  emu.admin.fault(READ, { type: 'reset', times: 1 });
  assert.equal((await read()).ret_code, '000000');
  assert.equal(emu.admin.count(READ), 2);

  emu.admin.fault('send', { type: 'reset', times: 1 });
  const e = await rejection(send());
  assertMayHaveBeenSent(e, 'network');
  assert.equal(emu.admin.count('send'), 1);
  assert.equal(emu.admin.sends().length, 0);
});

test('truncated JSON: a read is repeated; a processed send rejects as maybe-sent, exactly one copy exists', async () => {
  emu.admin.fault(READ, { type: 'truncate', times: 1 });
  assert.equal((await read()).ret_code, '000000');
  assert.equal(emu.admin.count(READ), 2);

  emu.admin.fault('send', { type: 'truncate', times: 1 });
  const e = await rejection(send());
  assertMayHaveBeenSent(e, 'decode');
  assert.equal(emu.admin.count('send'), 1);
  assert.equal(emu.admin.sends().length, 1);
});

test('an HTML error page: a read is repeated; a send rejects as maybe-sent', async () => {
  emu.admin.fault(READ, { type: 'html', times: 2 });
  assert.equal((await read()).ret_code, '000000');
  assert.equal(emu.admin.count(READ), 3);

  emu.admin.fault('send', { type: 'html', times: 1 });
  const e = await rejection(send());
  assertMayHaveBeenSent(e, 'http');
  assert.equal(e.status, 502);
  assert.ok(!/<html/i.test(e.message), 'the page is not pasted into the message');

  // an HTML page with status 200 is not the documented JSON
  emu.admin.fault(READ, { type: 'html', status: 200 });
  const d = await rejection(read());
  assert.equal(d.kind, 'decode');
  assert.equal(d.retryable, true);
  assert.equal(emu.admin.count(READ), 3 + 3);
});

test('a rate-limit code: even a send is repeated (not processed), sent once', async () => {
  emu.admin.fault('send', { type: 'code', retCode: '4', retMsg: 'rate limited', times: 2 });
  const item = await send();
  assert.equal(typeof item.message_id, 'string');
  assert.equal(emu.admin.count('send'), 3);
  assert.equal(emu.admin.sends().length, 1);

  emu.admin.fault('send', { type: 'code', retCode: '4' });
  const e = await rejection(send());
  assert.equal(e.kind, 'api');
  assert.equal(e.code, '4');
  assert.equal(e.retryable, true);
  assert.equal(emu.admin.count('send'), 3 + 3);
  assert.equal(emu.admin.sends().length, 1);
});

test('a transient code (999999): a read is repeated; a send rejects as maybe-sent', async () => {
  emu.admin.fault(READ, { type: 'code', times: 1 });
  assert.equal((await read()).ret_code, '000000');
  assert.equal(emu.admin.count(READ), 2);

  emu.admin.fault('send', { type: 'code', times: 1 });
  const e = await rejection(send());
  assertMayHaveBeenSent(e, 'api');
  assert.equal(e.code, '999999');
  assert.equal(emu.admin.count('send'), 1);
});

test('a final code (999994) is not repeated and is not retryable', async () => {
  emu.admin.fault(READ, { type: 'code', retCode: '999994' });
  const e = await rejection(read());
  assert.equal(e.kind, 'api');
  assert.equal(e.code, '999994');
  assert.equal(e.retryable, false);
  assert.match(e.message, /answered 999994: Invalid parameters; check the request$/);
  assert.equal(e.platformMessage, '参数异常,请检查');
  assert.equal(emu.admin.count(READ), 1);
});

test('a token revoked just before a send: refreshed once and repeated, sent once', async () => {
  emu.admin.fault('send', { type: 'invalidate_token', times: 1 });
  await send();
  assert.deepEqual(emu.admin.requests({ route: 'send' }).map((r) => r.ret_code), ['900002', '000000']);
  assert.equal(emu.admin.count('get_token'), 1);
  assert.equal(emu.admin.sends().length, 1);
});

test('get_token failing (503, then a reset) is repeated like any read', async () => {
  emu.admin.reset();
  emu.admin.fault('get_token', { type: 'status', status: 503, times: 1 });
  emu.admin.fault('get_token', { type: 'reset', times: 1, skip: 1 });
  const fresh = sobot(emu);
  assert.equal((await fresh.line.queryTaskList(page)).ret_code, '000000');
  assert.equal(emu.admin.count('get_token'), 3);
});

test('a refused connection (nothing listening): even a send is repeated, and the caller gets a retryable network error', async () => {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const port = srv.address().port;
  await new Promise((r) => srv.close(r));
  let attempts = 0;
  const counting = (url, init) => {
    attempts++;
    return fetch(url, init);
  };
  const c = sobot({ url: `http://127.0.0.1:${port}` }, { fetch: counting });
  const e = await rejection(c.messenger.send(message));
  assert.equal(e.kind, 'network');
  assert.equal(e.retryable, true);
  assert.equal(e.endpoint, 'messenger.send', 'the endpoint called');
  assert.equal(attempts, 3);
  assert.match(e.message, /^messenger\.send: its token could not be fetched: get_token failed: .*ECONNREFUSED/);
  assert.ok(e.message.endsWith(`(host 127.0.0.1:${port})`), e.message);
});

test('the caller\'s fetch sees every request (instrumentation), and its failures are the call\'s', async () => {
  const seen = [];
  const c = sobot(emu, {
    fetch: (url, init) => {
      seen.push(`${init.method} ${new URL(url).pathname}`);
      return fetch(url, init);
    },
  });
  await c.line.queryTaskList(page);
  assert.deepEqual(seen, ['GET /api/get_token', 'POST /chat-set/api/line/query_task_list']);
  const failing = sobot(emu, { fetch: () => Promise.reject(new TypeError('proxy down')) });
  const e = await rejection(failing.line.queryTaskList(page));
  assert.equal(e.kind, 'network');
  assert.match(e.message, /proxy down/);
});

test('Graph: rate-limit (4), transient (2) and 5xx answers are repeated; a bad token is not', async () => {
  const g = graph(emu);
  const req = { pageId: PAGE, platform: 'messenger' };
  emu.admin.fault('graph.conversations', { type: 'code', graphCode: 4, times: 1 });
  // (a fault that matches counts as used even when an earlier one answered: skip the first)
  emu.admin.fault('graph.conversations', { type: 'code', graphCode: 2, times: 1, skip: 1 });
  await g.listConversations(req);
  assert.equal(emu.admin.count('graph.conversations'), 3);
  emu.admin.fault('graph.conversations', { type: 'status', status: 503, times: 1 });
  await g.listConversations(req);
  assert.equal(emu.admin.count('graph.conversations'), 5);

  emu.admin.fault('graph.conversations', { type: 'code', graphCode: 4 });
  const e = await rejection(g.listConversations(req));
  assert.equal(e.kind, 'api');
  assert.equal(e.code, '4');
  assert.equal(e.retryable, true);
  assert.equal(e.endpoint, 'graph.conversations');
  assert.equal(emu.admin.count('graph.conversations'), 8);
  emu.admin.clearFaults();

  const bad = graph(emu, { accessToken: 'not-a-valid-token-x' });
  const b = await rejection(bad.listConversations(req));
  assert.equal(b.kind, 'api');
  assert.equal(b.code, '190');
  assert.equal(b.type, 'OAuthException');
  assert.equal(b.status, 400);
  assert.equal(typeof b.fbtraceId, 'string');
  assert.equal(b.retryable, false);
  assert.equal(emu.admin.count('graph.conversations'), 9);
});
