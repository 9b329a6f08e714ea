import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { start, receiver, PAGE, signFor } from './helpers.mjs';

async function admin(emu, method, path, body, headers = {}) {
  const r = await fetch(`${emu.url}/__admin/${path}`, {
    method,
    headers: body !== undefined ? { 'content-type': 'application/json', ...headers } : headers,
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, headers: r.headers, json: await r.json() };
}

test('the admin HTTP API mirrors the admin object', async (t) => {
  const hook = await receiver();
  const emu = await start();
  t.after(async () => {
    await emu.close();
    await hook.close();
  });
  assert.equal((await admin(emu, 'GET', 'health')).json.ok, true);
  assert.deepEqual((await admin(emu, 'POST', 'seed', { titles: [{ appid: PAGE, title: 'a', describe: 'b', button_type: 'ALLOW', image_ratio: 'SQUARE' }] })).json, { added: { titles: 1 } });
  assert.deepEqual((await admin(emu, 'POST', 'generate', { messengerTasks: 30 })).json, { added: { messengerTasks: 30 } });
  const state = (await admin(emu, 'GET', 'state')).json;
  assert.equal(state.titles, 1);
  assert.equal(state.messengerTasks, 30);
  assert.equal(state.seed, 7);

  const token = await emu.tokenFor();
  assert.equal((await admin(emu, 'GET', 'tokens')).json.tokens['demo-app'].token, token);
  await emu.post('/chat-set/api/messenger/query_task_list', { page_size: 5 }, token);
  const reqs = (await admin(emu, 'GET', 'requests?route=messenger.query_task_list')).json.requests;
  assert.equal(reqs.length, 1);
  assert.deepEqual(reqs[0].body, { page_size: 5 });
  assert.equal(reqs[0].rawBody, '{"page_size":5}');
  assert.equal(reqs[0].headers.token, token);
  assert.equal(reqs[0].method, 'POST');
  assert.equal(reqs[0].path, '/chat-set/api/messenger/query_task_list');
  assert.equal(reqs[0].status, 200);
  assert.equal(reqs[0].ret_code, '000000');
  assert.equal(typeof reqs[0].time, 'number');
  assert.deepEqual((await admin(emu, 'GET', 'counts?route=get_token')).json, { route: 'get_token', count: 1 });
  assert.deepEqual((await admin(emu, 'GET', 'counts')).json, { counts: { get_token: 1, 'messenger.query_task_list': 1 }, total: 2 });
  assert.equal((await admin(emu, 'GET', 'requests?since=1')).json.requests.length, 1);

  const f = await admin(emu, 'POST', 'faults', { route: 'send', type: 'status', status: 503, times: 2 });
  assert.equal(f.json.faults[0].route, 'send');
  assert.equal((await admin(emu, 'GET', 'faults')).json.faults.length, 1);
  assert.equal((await emu.post('/chat-facebook/api/messenger/send', { recipientid: '1', pageid: PAGE, type: 'text', payload: 'x' }, token)).status, 503);
  assert.equal((await admin(emu, 'DELETE', 'faults')).status, 200);
  assert.equal((await admin(emu, 'GET', 'faults')).json.faults.length, 0);
  assert.equal((await admin(emu, 'GET', 'sends')).json.sends.length, 0);

  assert.equal((await admin(emu, 'POST', 'tokens/invalidate', {})).json.invalidated, 1);
  assert.equal((await emu.post('/chat-set/api/messenger/query_task_list', {}, token)).json.ret_code, '900002');

  const t0 = (await admin(emu, 'POST', 'time', { now: 1_000_000_000_000 })).json.now;
  assert.equal(t0, 1_000_000_000_000);
  assert.equal((await admin(emu, 'POST', 'time', { advance: 5000 })).json.now, 1_000_000_005_000);
  assert.equal((await admin(emu, 'GET', 'time')).json.now, 1_000_000_005_000);
  const ct = '1000000005';
  const tok = await emu.get(`/api/get_token?appid=demo-app&create_time=${ct}&sign=${signFor('demo-app', ct, 'demo-key')}`);
  assert.equal(tok.json.ret_code, '000000');
  await admin(emu, 'POST', 'time', { real: true });

  // webhooks through HTTP, with a receiver configured at run time
  const cfg = await admin(emu, 'POST', 'config', { webhookUrl: hook.url, uploadDelayMs: 1 });
  assert.equal(cfg.json.config.webhookUrl, hook.url);
  const d = await admin(emu, 'POST', 'webhooks/messenger', { event: 'text', text: 'hello', senderId: '5' });
  assert.equal(d.json.result.status, 200);
  assert.equal(hook.got[0].body.entry[0].messaging[0].message.text, 'hello');
  const l = await admin(emu, 'POST', 'webhooks/line', { events: [{ event: 'follow' }, 'unfollow'] });
  assert.equal(l.json.result.status, 200);
  assert.equal(hook.got[1].body.events.length, 2);
  const raw = await admin(emu, 'POST', 'webhooks/raw', { channel: 'messenger', body: { object: 'page', entry: [] } });
  assert.equal(raw.json.result.status, 200);
  assert.equal(hook.got[2].headers['x-hub-signature-256'], `sha256=${createHmac('sha256', 'demo-messenger-app-secret').update(hook.got[2].raw).digest('hex')}`);
  assert.equal((await admin(emu, 'GET', 'deliveries')).json.deliveries.length, 3);

  const tok2 = await emu.tokenFor();
  await emu.post('/chat-facebook/api/messenger/upload_async', { pageid: PAGE, type: 'file', payload: { url: 'https://x/y.pdf' } }, tok2);
  assert.equal((await admin(emu, 'POST', 'settle', {})).status, 200);
  assert.equal((await admin(emu, 'GET', 'uploads')).json.uploads[0].delivery.result.status, 200);
  assert.equal(hook.got.length, 4);
  assert.deepEqual(Object.keys(hook.got[3].body), ['track_id', 'attachment_id']);

  // errors
  assert.equal((await admin(emu, 'POST', 'faults', { route: 'nope', type: 'reset' })).status, 400);
  assert.equal((await admin(emu, 'POST', 'config', { port: 1 })).status, 400);
  assert.equal((await admin(emu, 'GET', 'nothing')).status, 404);
  const badJson = await fetch(`${emu.url}/__admin/seed`, { method: 'POST', body: '{' });
  assert.equal(badJson.status, 400);

  // reset returns to the initial state
  assert.equal((await admin(emu, 'POST', 'reset', {})).status, 200);
  const after = (await admin(emu, 'GET', 'state')).json;
  assert.equal(after.titles, 0);
  assert.equal(after.messengerTasks, 0);
  assert.equal(after.requests, 0);
  assert.equal(after.pages, 1);
  assert.equal((await admin(emu, 'GET', 'config')).json.config.webhookUrl, undefined, 'reset restores the options');
  assert.equal((await emu.post('/chat-set/api/messenger/query_task_list', {}, tok2)).json.ret_code, '900002');
  assert.equal((await admin(emu, 'DELETE', 'requests')).status, 200);
});

test('same seed, same ids: reset replays identifiers', async (t) => {
  const emu = await start({ seed: 1234 });
  t.after(() => emu.close());
  const run = async () => {
    const token = await emu.tokenFor();
    const r = await emu.post('/chat-facebook/api/messenger/send', { recipientid: '1', pageid: PAGE, type: 'text', payload: 'x' }, token);
    return [token, r.json.item.message_id];
  };
  const a = await run();
  emu.admin.reset();
  const b = await run();
  assert.deepEqual(a, b);
  const other = await start({ seed: 1234 });
  t.after(() => other.close());
  const ct = String(Math.floor(Date.now() / 1000));
  const tok = await other.get(`/api/get_token?appid=demo-app&create_time=${ct}&sign=${signFor('demo-app', ct, 'demo-key')}`);
  assert.equal(tok.json.item.token, a[0]);
  // seeded queues give exact ids
  emu.admin.seed({ tokens: ['4ac37cb2e9c740dba4b75a34d5358802'], ids: { message_id: ['m_fixed'] } });
  const [token, mid] = await run();
  assert.equal(token, '4ac37cb2e9c740dba4b75a34d5358802');
  assert.equal(mid, 'm_fixed');
});

test('CORS: loopback origins get headers on preflight, API and admin answers; others do not', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  for (const origin of ['http://127.0.0.1:5173', 'http://localhost:8080', 'https://localhost', 'http://[::1]:3000']) {
    const pre = await fetch(`${emu.url}/chat-facebook/api/messenger/get_title_list`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,token' },
    });
    assert.equal(pre.status, 204, origin);
    assert.equal(pre.headers.get('access-control-allow-origin'), origin);
    assert.match(pre.headers.get('access-control-allow-methods'), /POST/);
    assert.equal(pre.headers.get('access-control-allow-headers'), 'content-type,token');
    const api = await fetch(`${emu.url}/api/get_token`, { headers: { origin } });
    assert.equal(api.headers.get('access-control-allow-origin'), origin);
    const adm = await fetch(`${emu.url}/__admin/state`, { headers: { origin } });
    assert.equal(adm.headers.get('access-control-allow-origin'), origin);
    const pre2 = await fetch(`${emu.url}/__admin/faults`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'DELETE' } });
    assert.equal(pre2.status, 204);
  }
  for (const origin of ['https://evil.example', 'http://127.0.0.1.evil.example', 'null']) {
    const pre = await fetch(`${emu.url}/__admin/state`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
    assert.equal(pre.status, 403, origin);
    assert.equal(pre.headers.get('access-control-allow-origin'), null);
    const r = await fetch(`${emu.url}/__admin/state`, { headers: { origin } });
    assert.equal(r.headers.get('access-control-allow-origin'), null, origin);
  }
});

test('keep-alive: many calls reuse a few connections', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  const token = await emu.tokenFor();
  const http = await import('node:http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  t.after(() => agent.destroy());
  const sockets = new Set();
  const call = () =>
    new Promise((resolve, reject) => {
      const req = http.request(`${emu.url}/chat-set/api/line/query_task_list`, { method: 'POST', agent, headers: { token, 'content-type': 'application/json' } }, (res) => {
        sockets.add(req.socket);
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      });
      req.on('error', reject);
      req.end('{}');
    });
  const statuses = await Promise.all(Array.from({ length: 40 }, call));
  assert.ok(statuses.every((s) => s === 200));
  assert.ok(sockets.size <= 4, `${sockets.size} sockets`);
});

test('the request log keeps the newest maxLoggedRequests entries; counts keep counting', async (t) => {
  const emu = await start({ maxLoggedRequests: 10 });
  t.after(() => emu.close());
  for (let i = 0; i < 30; i++) await fetch(`${emu.url}/api/get_token?appid=x&i=${i}`);
  const log = emu.admin.requests();
  assert.ok(log.length >= 10 && log.length <= 11, `${log.length}`);
  assert.equal(log.at(-1).query.i, '29');
  assert.equal(emu.admin.count('get_token'), 30);
  assert.equal(emu.admin.count(), 30);
});
