// getToken and sign through the built package, imported as ESM (`import`),
// against the local emulator over real HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { sign, getToken, init, SobotError } from 'sobot-channels';
import { startEmulator } from '../emulator/index.mjs';

const APP_ID = 'token-test-app';
const APP_KEY = 'token-test-key-5f2d9c';
let emu;

before(async () => {
  emu = await startEmulator({ apps: [{ appId: APP_ID, appKey: APP_KEY }] });
});
after(() => emu?.close());

/** A loopback server answering every request with `status` and `body`. */
async function serverAnswering(status, body, contentType = 'text/html') {
  const srv = createServer((req, res) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${srv.address().port}`, close: () => new Promise((r) => srv.close(r)) };
}

/** Every place a secret could leak from an error. */
function errorText(e) {
  return [e.message, e.stack, JSON.stringify(e), String(e), JSON.stringify(e.violations)].join('\n');
}

test('sign matches the document example', () => {
  assert.equal(sign('1', '1569397773', '2'), '258eec3118705112b2c53dc8043d4d34');
});

test('require and import share one module instance', () => {
  const cjs = createRequire(import.meta.url)('sobot-channels');
  assert.equal(cjs.sign, sign);
  assert.equal(cjs.SobotError, SobotError);
});

test('init() is a no-op that resolves in Node', async () => {
  assert.equal(await init(), undefined);
});

test('getToken gets a token from the endpoint, signing create_time', async () => {
  const before = Date.now();
  const t = await getToken({ appId: APP_ID, appKey: APP_KEY, baseUrl: emu.url });
  assert.equal(typeof t.token, 'string');
  assert.ok(t.token.length >= 16);
  assert.equal(t.expiresIn, 86400);
  assert.ok(t.expiresAt >= before + 86400_000 && t.expiresAt <= Date.now() + 86400_000);
  assert.deepEqual(Object.keys(t).sort(), ['expiresAt', 'expiresIn', 'token']);
});

test('each call gets a new token', async () => {
  const a = await getToken({ appId: APP_ID, appKey: APP_KEY, baseUrl: emu.url });
  const b = await getToken({ appId: APP_ID, appKey: APP_KEY, baseUrl: `${emu.url}/` });
  assert.notEqual(a.token, b.token);
});

test('the app key never leaves the process: the request carries only the sign', async () => {
  const seen = [];
  const srv = createServer((req, res) => {
    seen.push(req.url + JSON.stringify(req.headers));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"item":{"token":"t0","expires_in":"60"},"ret_code":"000000","ret_msg":"ok"}');
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  try {
    const t = await getToken({ appId: 'a1', appKey: APP_KEY, baseUrl: `http://127.0.0.1:${srv.address().port}` });
    assert.equal(t.expiresIn, 60);
    assert.equal(seen.length, 1);
    const url = new URL(seen[0].split('{')[0], 'http://x');
    assert.equal(url.pathname, '/api/get_token');
    const ct = url.searchParams.get('create_time');
    assert.match(ct, /^\d{10}$/);
    assert.equal(url.searchParams.get('sign'), sign('a1', ct, APP_KEY));
    assert.ok(!seen[0].includes(APP_KEY));
  } finally {
    await new Promise((r) => srv.close(r));
  }
});

test('empty appId or appKey rejects with a validation error naming the field; nothing is sent', async () => {
  const srv = await serverAnswering(200, '{}', 'application/json');
  let hits = 0;
  const counting = createServer((req, res) => {
    hits++;
    res.end('{}');
  });
  await new Promise((r) => counting.listen(0, '127.0.0.1', r));
  const baseUrl = `http://127.0.0.1:${counting.address().port}`;
  try {
    for (const [opts, fields] of [
      [{ appId: '', appKey: APP_KEY, baseUrl }, ['appId']],
      [{ appId: APP_ID, appKey: '', baseUrl }, ['appKey']],
      [{ appKey: APP_KEY, baseUrl }, ['appId']],
      [{ appId: '  ', appKey: '', baseUrl }, ['appId', 'appKey']],
      [{ appId: 7, appKey: APP_KEY, baseUrl }, ['appId']],
      [{ appId: APP_ID, appKey: APP_KEY, baseUrl: 'sg.sobot.com' }, ['baseUrl']],
    ]) {
      await assert.rejects(getToken(opts), (e) => {
        assert.ok(e instanceof SobotError && e instanceof Error);
        assert.equal(e.kind, 'validation');
        assert.equal(e.retryable, false);
        assert.deepEqual(e.violations.map((v) => v.path), fields);
        for (const f of fields) assert.match(e.message, new RegExp(f));
        assert.ok(!errorText(e).includes(APP_KEY));
        return true;
      });
    }
    await assert.rejects(getToken(), (e) => e.kind === 'validation' && e.violations[0].path === 'options');
    assert.equal(hits, 0);
  } finally {
    await srv.close();
    await new Promise((r) => counting.close(r));
  }
});

test('an unreachable host rejects with a network error', async () => {
  const srv = await serverAnswering(200, '');
  const url = srv.url;
  await srv.close(); // nothing listens there any more
  await assert.rejects(getToken({ appId: APP_ID, appKey: APP_KEY, baseUrl: url }), (e) => {
    assert.ok(e instanceof SobotError);
    assert.equal(e.kind, 'network');
    assert.equal(e.retryable, true);
    assert.equal(e.endpoint, 'get_token');
    assert.ok(!errorText(e).includes(APP_KEY));
    return true;
  });
});

test('a body that is not JSON rejects with a decode error carrying the HTTP status', async () => {
  const srv = await serverAnswering(200, '<html><body>maintenance</body></html>');
  try {
    await assert.rejects(getToken({ appId: APP_ID, appKey: APP_KEY, baseUrl: srv.url }), (e) => {
      assert.equal(e.kind, 'decode');
      assert.equal(e.status, 200);
      assert.match(e.message, /HTTP 200/);
      return true;
    });
  } finally {
    await srv.close();
  }
});

test('an error status without a Sobot envelope rejects with an http error', async () => {
  const srv = await serverAnswering(503, '<html>busy</html>');
  try {
    await assert.rejects(getToken({ appId: APP_ID, appKey: APP_KEY, baseUrl: srv.url }), (e) => {
      assert.equal(e.kind, 'http');
      assert.equal(e.status, 503);
      assert.equal(e.retryable, true);
      return true;
    });
  } finally {
    await srv.close();
  }
});

test('a ret_code other than 000000 rejects with an api error carrying ret_code and ret_msg', async () => {
  await assert.rejects(getToken({ appId: APP_ID, appKey: 'wrong-key', baseUrl: emu.url }), (e) => {
    assert.ok(e instanceof SobotError);
    assert.equal(e.kind, 'api');
    assert.match(e.code, /^\d{6}$/);
    assert.notEqual(e.code, '000000');
    assert.match(e.message, /^get_token answered \d{6}: .*check the appId, the appKey/);
    assert.ok(!errorText(e).includes('wrong-key'));
    return true;
  });
  const srv = await serverAnswering(200, '{"ret_code":"999999","ret_msg":"系统未知异常"}', 'application/json');
  try {
    await assert.rejects(getToken({ appId: APP_ID, appKey: APP_KEY, baseUrl: srv.url }), (e) => {
      assert.equal(e.kind, 'api');
      assert.equal(e.code, '999999');
      assert.equal(e.message, 'get_token answered 999999: Unknown system error');
      assert.equal(e.platformMessage, '系统未知异常');
      return true;
    });
  } finally {
    await srv.close();
  }
});
