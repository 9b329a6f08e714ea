// A client over a read-only token store (get() only) and without an appKey:
// the browser pattern, where a server holds the key and the token. It uses the
// stored token and never calls get_token; a missing or expired token rejects
// with a clear error before anything is sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SobotClient, SobotError, getToken } from 'sobot-channels';
import { emulator, APP_ID, APP_KEY, FAST_RETRY } from './client-helpers.mjs';

let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu?.close());

const page = { page_no: 1, page_size: 1 };
const client = (stored) =>
  new SobotClient({ appId: APP_ID, baseUrl: emu.url, retry: FAST_RETRY, tokenStore: { get: async () => stored } });

test('a stored token is used; get_token is never called', async () => {
  const t = await getToken({ appId: APP_ID, appKey: APP_KEY, baseUrl: emu.url });
  emu.admin.clearRequests();
  const c = client({ token: t.token, expiresAt: t.expiresAt });
  const answer = await c.line.queryTaskList(page);
  assert.ok(Array.isArray(answer.items));
  assert.equal(emu.admin.count('get_token'), 0);
});

test('no stored token, or an expired one, rejects clearly and sends nothing', async () => {
  for (const stored of [null, { token: 'old-token-1234567', expiresAt: Date.now() - 1000 }]) {
    emu.admin.clearRequests();
    await assert.rejects(client(stored).line.queryTaskList(page), (e) => {
      assert.ok(e instanceof SobotError);
      assert.equal(e.code, 'token_store');
      assert.equal(e.retryable, false);
      assert.match(e.message, /holds no valid token, and its client never fetches one/);
      return true;
    });
    assert.equal(emu.admin.count('get_token'), 0);
    assert.equal(emu.admin.count('line.query_task_list'), 0);
  }
});

test('without an appKey, a store must be read-only; a store without get() is refused', () => {
  assert.throws(() => new SobotClient({ appId: APP_ID }), /appKey/);
  assert.throws(
    () => new SobotClient({ appId: APP_ID, tokenStore: { get: async () => null, set: async () => {} } }),
    /appKey/,
  );
  assert.throws(() => new SobotClient({ appId: APP_ID, tokenStore: {} }), /get\(\)/);
});
