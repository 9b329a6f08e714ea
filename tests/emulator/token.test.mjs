import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start, signFor, PAGE } from './helpers.mjs';

const SEND = '/chat-facebook/api/messenger/send';
const sendBody = { messaging_type: 'RESPONSE', recipientid: '1', pageid: PAGE, type: 'text', payload: 'hi' };

test('get_token answers the documented envelope and the sign follows the document example', async (t) => {
  assert.equal(signFor('1', '1569397773', '2'), '258eec3118705112b2c53dc8043d4d34');
  const emu = await start({ apps: [{ appId: '1', appKey: '2' }] });
  t.after(() => emu.close());
  emu.admin.setTime(1569397773000);
  const r = await emu.get('/api/get_token?appid=1&create_time=1569397773&sign=258eec3118705112b2c53dc8043d4d34');
  assert.equal(r.status, 200);
  assert.deepEqual(Object.keys(r.json), ['item', 'ret_code', 'ret_msg']);
  assert.equal(r.json.ret_code, '000000');
  assert.equal(r.json.ret_msg, '操作成功');
  assert.match(r.json.item.token, /^[0-9a-f]{32}$/);
  assert.equal(r.json.item.expires_in, '86400');
  assert.equal(emu.admin.count('get_token'), 1);
});

test('get_token rejects every bad parameter with 999994', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  const now = Math.floor(emu.admin.now() / 1000);
  const ct = String(now);
  const good = signFor('demo-app', ct, 'demo-key');
  const stale = String(now - 301);
  const cases = [
    ['missing appid', `create_time=${ct}&sign=${good}`],
    ['missing create_time', `appid=demo-app&sign=${good}`],
    ['create_time in ms', `appid=demo-app&create_time=${ct}000&sign=${good}`],
    ['missing sign', `appid=demo-app&create_time=${ct}`],
    ['unknown appid', `appid=other&create_time=${ct}&sign=${signFor('other', ct, 'demo-key')}`],
    ['stale create_time', `appid=demo-app&create_time=${stale}&sign=${signFor('demo-app', stale, 'demo-key')}`],
    ['wrong key', `appid=demo-app&create_time=${ct}&sign=${signFor('demo-app', ct, 'wrong')}`],
    ['uppercase sign', `appid=demo-app&create_time=${ct}&sign=${good.toUpperCase()}`],
  ];
  for (const [why, qs] of cases) {
    const r = await emu.get(`/api/get_token?${qs}`);
    assert.equal(r.status, 200, why);
    assert.deepEqual(r.json, { ret_code: '999994', ret_msg: '参数异常,请检查' }, why);
    assert.ok(r.headers.get('x-emulator-reason'), why);
  }
  const reasons = emu.admin.requests({ route: 'get_token' }).map((e) => e.reason);
  assert.ok(reasons.includes('sign mismatch'));
  assert.ok(reasons.includes('unknown appid'));
  assert.ok(reasons.some((x) => /away from the server clock/.test(x)));
  // within the skew is fine: 299 s before the server's clock, rounded up to the second and
  // taken just before the request (`now` above is rounded down and older by the requests since)
  const near = String(Math.ceil(emu.admin.now() / 1000) - 299);
  const ok = await emu.get(`/api/get_token?appid=demo-app&create_time=${near}&sign=${signFor('demo-app', near, 'demo-key')}`);
  assert.equal(ok.json.ret_code, '000000');
});

test('each token replaces the previous one of its app; other apps keep theirs', async (t) => {
  const emu = await start({ apps: [{ appId: 'a', appKey: 'ka' }, { appId: 'b', appKey: 'kb' }] });
  t.after(() => emu.close());
  const a1 = await emu.tokenFor('a', 'ka');
  const b1 = await emu.tokenFor('b', 'kb');
  assert.equal((await emu.post(SEND, sendBody, a1)).json.ret_code, '000000');
  const a2 = await emu.tokenFor('a', 'ka');
  assert.notEqual(a1, a2);
  assert.deepEqual((await emu.post(SEND, sendBody, a1)).json, { ret_code: '900002', ret_msg: 'token 已失效,请重新获取' });
  assert.equal((await emu.post(SEND, sendBody, a2)).json.ret_code, '000000');
  assert.equal((await emu.post(SEND, sendBody, b1)).json.ret_code, '000000');
  assert.equal(emu.admin.tokens().a.token, a2);
});

test('missing token → 900001, unknown → 900002, on every Sobot route', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  const routes = [
    ['POST', SEND],
    ['POST', '/chat-facebook/api/messenger/upload_async'],
    ['GET', '/chat-facebook/api/messenger/query_sub_users'],
    ['POST', '/chat-facebook/api/messenger/create_or_update_title'],
    ['GET', '/chat-facebook/api/messenger/del_title'],
    ['POST', '/chat-facebook/api/messenger/get_title_list'],
    ['POST', '/chat-facebook/api/messenger/send_opt_in_message'],
    ['POST', '/chat-set/api/messenger/query_task_list'],
    ['POST', '/chat-set/api/messenger/send_record_list'],
    ['GET', '/chat-line/api/line/get_media_content'],
    ['POST', '/chat-set/api/line/query_task_list'],
    ['POST', '/chat-set/api/line/send_record_list'],
  ];
  for (const [method, path] of routes) {
    for (const [token, code] of [[undefined, '900001'], ['', '900001'], ['0123456789abcdef0123456789abcdef', '900002']]) {
      const r = method === 'GET' ? await emu.get(path, undefined, token !== undefined ? { token } : {}) : await emu.post(path, {}, undefined, token !== undefined ? { token } : {});
      assert.equal(r.json.ret_code, code, `${path} token=${token}`);
      assert.equal(r.json.ret_msg, code === '900001' ? 'token 为空' : 'token 已失效,请重新获取');
    }
  }
});

test('tokens expire after tokenTtlSeconds on the injectable clock', async (t) => {
  let clock = 1_700_000_000_000;
  const emu = await start({ tokenTtlSeconds: 60, now: () => clock });
  t.after(() => emu.close());
  const ct = String(clock / 1000);
  const r = await emu.get(`/api/get_token?appid=demo-app&create_time=${ct}&sign=${signFor('demo-app', ct, 'demo-key')}`);
  assert.equal(r.json.item.expires_in, '60');
  const token = r.json.item.token;
  clock += 59_999;
  assert.equal((await emu.post(SEND, sendBody, token)).json.ret_code, '000000');
  clock += 1;
  assert.equal((await emu.post(SEND, sendBody, token)).json.ret_code, '900002');
  assert.equal(emu.admin.lastRequest('send').reason, 'token expired');
});

test('admin.advanceTime expires tokens; admin.invalidateToken revokes them', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  const token = await emu.tokenFor();
  emu.admin.advanceTime(86_400_000);
  assert.equal((await emu.post(SEND, sendBody, token)).json.ret_code, '900002');
  emu.admin.useRealTime();
  const t2 = await emu.tokenFor();
  assert.equal(emu.admin.invalidateToken(), 1);
  assert.equal((await emu.post(SEND, sendBody, t2)).json.ret_code, '900002');
  assert.match(emu.admin.lastRequest('send').reason, /invalidated/);
});
