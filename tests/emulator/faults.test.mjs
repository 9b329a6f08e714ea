import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start, PAGE, GRAPH_TOKEN } from './helpers.mjs';

const SEND = '/chat-facebook/api/messenger/send';
const body = JSON.stringify({ recipientid: '1', pageid: PAGE, type: 'text', payload: 'hi' });
const sendRaw = (emu, token) => fetch(`${emu.url}${SEND}`, { method: 'POST', headers: { token, 'content-type': 'application/json' }, body });

test('latency delays the answer by the given ms', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  const token = await emu.tokenFor();
  emu.admin.fault('send', { type: 'latency', ms: 80, times: 1 });
  let t0 = performance.now();
  assert.equal((await (await sendRaw(emu, token)).json()).ret_code, '000000');
  assert.ok(performance.now() - t0 >= 75);
  t0 = performance.now();
  await sendRaw(emu, token);
  assert.ok(performance.now() - t0 < 75, 'only the next 1 request');
});

test('HTTP 500/502/503, and 429 with Retry-After, on Sobot and Graph routes', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  const token = await emu.tokenFor();
  for (const status of [500, 502, 503]) {
    emu.admin.fault('send', { type: 'status', status, times: 1 });
    const r = await sendRaw(emu, token);
    assert.equal(r.status, status);
    assert.equal((await r.json()).status, status);
  }
  emu.admin.fault('send', { type: 'status', status: 429, retryAfter: 7, times: 1 });
  const r = await sendRaw(emu, token);
  assert.equal(r.status, 429);
  assert.equal(r.headers.get('retry-after'), '7');
  emu.admin.fault('graph.conversations', { type: 'status', status: 503, times: 1 });
  const g = await fetch(`${emu.url}/v19.0/${PAGE}/conversations?platform=messenger&access_token=${GRAPH_TOKEN}`);
  assert.equal(g.status, 503);
  const gj = await g.json();
  assert.equal(gj.error.code, 2);
  assert.equal(gj.error.is_transient, true);
  assert.equal(emu.admin.sends().length, 0, 'faulted sends never reach the store');
  assert.equal((await sendRaw(emu, token)).status, 200);
  assert.equal(emu.admin.sends().length, 1);
});

test('connection reset before any answer', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  const token = await emu.tokenFor();
  emu.admin.fault('send', { type: 'reset', times: 1 });
  await assert.rejects(sendRaw(emu, token), (e) => e instanceof TypeError && /fetch failed/.test(e.message));
  assert.equal(emu.admin.count('send'), 1);
  assert.deepEqual(emu.admin.lastRequest('send').faults, ['reset']);
  assert.equal(emu.admin.sends().length, 0);
  assert.equal((await sendRaw(emu, token)).status, 200);
});

test('truncated JSON body with a consistent Content-Length', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  const token = await emu.tokenFor();
  emu.admin.fault('send', { type: 'truncate', times: 1 });
  const r = await sendRaw(emu, token);
  assert.equal(r.status, 200);
  const text = await r.text();
  assert.equal(Number(r.headers.get('content-length')), Buffer.byteLength(text));
  assert.throws(() => JSON.parse(text));
  assert.ok(text.startsWith('{"item":{"message_id":"m_'));
  // the send itself happened: the answer was lost, not the message
  assert.equal(emu.admin.sends().length, 1);
});

test('HTML error page', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  emu.admin.fault('get_token', { type: 'html', times: 1 });
  const r = await fetch(`${emu.url}/api/get_token?appid=x&create_time=1&sign=x`);
  assert.equal(r.status, 502);
  assert.match(r.headers.get('content-type'), /text\/html/);
  assert.match(await r.text(), /<h1>502 Bad Gateway<\/h1>/);
  emu.admin.fault('get_token', { type: 'html', status: 200, times: 1 });
  const ok = await fetch(`${emu.url}/api/get_token`);
  assert.equal(ok.status, 200);
  assert.match(await ok.text(), /^<html>/);
});

test('Sobot and Graph code answers (rate limit, transient, 999999)', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  const token = await emu.tokenFor();
  emu.admin.fault('send', { type: 'code', times: 1 });
  assert.deepEqual(await (await sendRaw(emu, token)).json(), { ret_code: '999999', ret_msg: '系统未知异常' });
  emu.admin.fault('send', { type: 'code', retCode: '900429', retMsg: '请求过于频繁', times: 1 });
  assert.deepEqual(await (await sendRaw(emu, token)).json(), { ret_code: '900429', ret_msg: '请求过于频繁' });
  emu.admin.fault('graph.*', { type: 'code', graphCode: 4, times: 1 });
  const g = await fetch(`${emu.url}/v19.0/${PAGE}/conversations?platform=messenger&access_token=${GRAPH_TOKEN}`);
  assert.equal(g.status, 400);
  const e = (await g.json()).error;
  assert.equal(e.code, 4);
  assert.equal(e.type, 'OAuthException');
  assert.equal(e.is_transient, true);
  assert.equal(emu.admin.requests({ route: 'send' })[1].ret_code, '900429');
});

test('invalidate_token between two calls makes the second one answer 900002', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  const token = await emu.tokenFor();
  emu.admin.fault('send', { type: 'invalidate_token', skip: 1, times: 1 });
  assert.equal((await (await sendRaw(emu, token)).json()).ret_code, '000000');
  assert.equal((await (await sendRaw(emu, token)).json()).ret_code, '900002');
  const fresh = await emu.tokenFor();
  assert.equal((await (await sendRaw(emu, fresh)).json()).ret_code, '000000');
  assert.equal(emu.admin.faults()[0].applied, 1);
  assert.equal(emu.admin.faults()[0].remaining, 0);
});

test('fractions are deterministic for a seed; patterns and aliases select routes; clearFaults', async (t) => {
  const pattern = async () => {
    const emu = await start({ seed: 99 });
    try {
      const token = await emu.tokenFor();
      emu.admin.fault('messenger.send', { type: 'status', status: 503, rate: 0.3 });
      const out = [];
      for (let i = 0; i < 40; i++) out.push((await sendRaw(emu, token)).status);
      return out;
    } finally {
      await emu.close();
    }
  };
  const a = await pattern();
  const b = await pattern();
  assert.deepEqual(a, b);
  const failed = a.filter((s) => s === 503).length;
  assert.ok(failed > 3 && failed < 25, `${failed} of 40`);

  const emu = await start();
  t.after(() => emu.close());
  const token = await emu.tokenFor();
  emu.admin.fault('messenger.*', { type: 'status', status: 500 });
  assert.equal((await sendRaw(emu, token)).status, 500);
  assert.equal((await fetch(`${emu.url}/chat-set/api/messenger/query_task_list`, { method: 'POST', headers: { token } })).status, 500);
  assert.equal((await fetch(`${emu.url}/chat-set/api/line/query_task_list`, { method: 'POST', headers: { token } })).status, 200);
  emu.admin.clearFaults('messenger.*');
  emu.admin.fault('*', { type: 'status', status: 502, times: 2 });
  assert.equal((await fetch(`${emu.url}/chat-set/api/line/query_task_list`, { method: 'POST', headers: { token } })).status, 502);
  assert.equal((await fetch(`${emu.url}/v19.0/${PAGE}?access_token=${GRAPH_TOKEN}`)).status, 502);
  assert.equal((await sendRaw(emu, token)).status, 200);
  emu.admin.clearFaults();
  assert.deepEqual(emu.admin.faults(), []);
  assert.throws(() => emu.admin.fault('nope', { type: 'reset' }), /unknown route/);
  assert.throws(() => emu.admin.fault('send', { type: 'explode' }), /fault type/);
  assert.throws(() => emu.admin.fault('send', { type: 'status', status: 404 }), /status/);
});

test('sendsPerPagePerSecond: over a Page\'s limit, 429 with the seconds to the next window', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  const token = await emu.tokenFor();
  // A frozen clock 400 ms into a second: the window ends in 600 ms, so Retry-After is 1.
  emu.admin.setTime(Math.floor(Date.now() / 1000) * 1000 + 400);
  emu.admin.configure({ sendsPerPagePerSecond: 2 });
  emu.admin.clearRequests();
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await sendRaw(emu, token)).status);
  assert.deepEqual(statuses, [200, 200, 429]);
  const limited = await sendRaw(emu, token);
  assert.equal(limited.headers.get('retry-after'), '1');
  assert.match(emu.admin.lastRequest('send').reason, /more than 2 sends this second/);
  // Another Page has its own window; the next second accepts again.
  const other = JSON.stringify({ recipientid: '1', pageid: '110661988000001', type: 'text', payload: 'hi' });
  const o = await fetch(`${emu.url}${SEND}`, { method: 'POST', headers: { token, 'content-type': 'application/json' }, body: other });
  assert.notEqual(o.status, 429);
  emu.admin.advanceTime(600);
  assert.equal((await sendRaw(emu, token)).status, 200);
  assert.equal(emu.admin.sends().length, 3);
  assert.deepEqual(emu.admin.sendsPerRecipient(), { 1: 3 });
  emu.admin.configure({ sendsPerPagePerSecond: null });
  for (let i = 0; i < 5; i++) assert.equal((await sendRaw(emu, token)).status, 200);
});
