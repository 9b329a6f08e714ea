// The clients in real workerd (through Miniflare), against the emulator over real
// HTTP: calls, one token shared by the requests of an isolate, a paged iteration,
// a fault with retry, a send that must not be repeated, Graph paging, cancellation.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { startEmulator } from '../emulator/index.mjs';
import { bundleWorker } from './bundle.mjs';

const APP_ID = 'worker-client-app';
const APP_KEY = 'worker-client-key-c3a9';
const GRAPH_TOKEN = 'worker-graph-token-77d1';
const PAGE_ID = '110661988000000';
let emu;
let mf;

before(async () => {
  emu = await startEmulator({ seed: 5, apps: [{ appId: APP_ID, appKey: APP_KEY }], graphAccessTokens: [GRAPH_TOKEN] });
  const bundle = await bundleWorker(fileURLToPath(new URL('./client-worker.js', import.meta.url)));
  mf = new Miniflare({
    ...bundle.miniflare,
    bindings: { APP_ID, APP_KEY, GRAPH_TOKEN, PAGE_ID, BASE_URL: emu.url },
  });
  await mf.ready;
});

after(async () => {
  await mf?.dispose();
  await emu?.close();
});

// Each test starts from a fresh emulator state and an empty store in the isolate.
beforeEach(async () => {
  emu.admin.reset();
  await call('/forget');
});

async function call(path, init) {
  const res = await mf.dispatchFetch(`http://worker${path}`, init);
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`the worker answered ${res.status}: ${text.slice(0, 500)}`);
  }
}

test('calls from several requests of one isolate share one token (a module-scope store)', async () => {
  emu.admin.generate({ lineTasks: 35 });
  const pages = await Promise.all([1, 2, 3, 4].map((p) => call(`/tasks?page=${p}`)));
  for (const [i, body] of pages.entries()) {
    assert.equal(body.ok, true, JSON.stringify(body));
    assert.equal(body.page.page_no, i + 1);
    assert.equal(body.page.total_count, 35);
  }
  assert.equal(pages[3].page.items.length, 5);
  assert.equal(emu.admin.count('get_token'), 1);
  const tokens = new Set(emu.admin.requests({ route: 'line.query_task_list' }).map((r) => r.headers.token));
  assert.equal(tokens.size, 1);
});

test('a paged iteration in workerd walks every page', async () => {
  emu.admin.generate({ lineTasks: 260 });
  const body = await call('/iterate?size=10');
  assert.equal(body.ok, true, JSON.stringify(body));
  assert.equal(body.ids.length, 260);
  assert.equal(new Set(body.ids).size, 260);
  assert.equal(emu.admin.count('line.query_task_list'), 26);
});

test('a 503 and a reset in workerd are retried for a read', async () => {
  emu.admin.generate({ lineTasks: 3 });
  emu.admin.fault('line.query_task_list', { type: 'status', status: 503, times: 1 });
  emu.admin.fault('line.query_task_list', { type: 'reset', times: 1, skip: 1 });
  const body = await call('/tasks');
  assert.equal(body.ok, true, JSON.stringify(body));
  assert.equal(emu.admin.count('line.query_task_list'), 3);
});

test('a send in workerd: sent once; after a truncated answer it rejects as maybe-sent and is not repeated', async () => {
  const message = { messaging_type: 'RESPONSE', recipientid: '524807506000000', pageid: PAGE_ID, type: 'text', payload: 'from workerd' };
  const ok = await call('/send', { method: 'POST', body: JSON.stringify(message) });
  assert.equal(ok.ok, true, JSON.stringify(ok));
  assert.match(ok.item.message_id, /^m_/);
  assert.deepEqual(emu.admin.requests({ route: 'send' })[0].body, message);

  emu.admin.fault('send', { type: 'truncate', times: 1 });
  const bad = await call('/send', { method: 'POST', body: JSON.stringify(message) });
  assert.equal(bad.ok, false);
  assert.equal(bad.isSobotError, true);
  assert.equal(bad.error.kind, 'decode');
  assert.equal(bad.error.retryable, false);
  assert.match(bad.error.message, /may have been sent/);
  assert.equal(emu.admin.count('send'), 2);
  assert.equal(emu.admin.sends().length, 2);

  // a rate-limit answer means not processed: repeated, sent once
  emu.admin.fault('send', { type: 'status', status: 429, retryAfter: 0, times: 1 });
  const again = await call('/send', { method: 'POST', body: JSON.stringify(message) });
  assert.equal(again.ok, true, JSON.stringify(again));
  assert.equal(emu.admin.count('send'), 4);
  assert.equal(emu.admin.sends().length, 3);
});

test('validation in workerd: a SobotError listing the violations, nothing sent', async () => {
  const before = emu.admin.count('*');
  const body = await call('/invalid');
  assert.equal(body.ok, false);
  assert.equal(body.isSobotError, true);
  assert.equal(body.error.kind, 'validation');
  assert.ok(body.error.violations.length >= 2);
  assert.equal(emu.admin.count('*'), before);
  assert.ok(!JSON.stringify(body).includes(APP_KEY));
});

test('Graph in workerd: conversation cursors and message details ending after the 20th', async () => {
  emu.admin.generate({ conversations: { count: 12, pageId: PAGE_ID, messagesPerConversation: 24 } });
  const body = await call('/details');
  assert.equal(body.ok, true, JSON.stringify(body));
  assert.equal(body.conversations.length, 12);
  assert.equal(emu.admin.count('graph.conversations'), 3);
  assert.equal(body.details.length, 20);
});

test('cancellation in workerd: the loop rejects with the reason, no further page', async () => {
  emu.admin.generate({ lineTasks: 100 });
  const body = await call('/cancel');
  assert.deepEqual(body, { ok: true, seen: 15, rejected: true, reason: 'enough' });
  assert.equal(emu.admin.count('line.query_task_list'), 2);
});
