// The one shared token, through the built package against the emulator over real
// HTTP: single-flight refresh, refresh ahead of expiry, one refresh when the
// platform refuses a token, and tokens shared between clients through a store.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getToken } from 'sobot-channels';
import { emulator, sobot, currentToken, rejection, APP_ID, APP_KEY } from './client-helpers.mjs';

let emu;

before(async () => {
  emu = await emulator();
});
after(() => emu?.close());

const page = { page_no: 1, page_size: 1 };

/** The requests of `route` since the last reset, by the ret_code they got. */
function byCode(route) {
  const out = {};
  for (const r of emu.admin.requests({ route })) out[r.ret_code] = (out[r.ret_code] ?? 0) + 1;
  return out;
}

/**
 * A token store over `backend` (one shared place, as Redis or KV would be); counts
 * what it is asked. Two stores over one backend stand for two processes.
 */
function sharedStore({ lock = false, backend = { value: null, held: false } } = {}) {
  const store = {
    backend,
    get value() {
      return backend.value;
    },
    set value(v) {
      backend.value = v;
    },
    calls: { get: 0, set: 0, lock: 0, unlock: 0, lost: 0 },
    async get() {
      store.calls.get++;
      return backend.value;
    },
    async set(token, expiresAt) {
      store.calls.set++;
      backend.value = { token, expiresAt };
    },
  };
  if (lock) {
    store.lock = async (ttlMs) => {
      store.calls.lock++;
      assert.equal(typeof ttlMs, 'number');
      if (backend.held) {
        store.calls.lost++;
        return false;
      }
      backend.held = true;
      return true;
    };
    store.unlock = async () => {
      store.calls.unlock++;
      backend.held = false;
    };
  }
  return store;
}

test('200 concurrent calls with no token send exactly one get_token, and all use it', async () => {
  emu.admin.reset();
  const client = sobot(emu);
  const results = await Promise.all(Array.from({ length: 200 }, () => client.line.queryTaskList(page)));
  assert.equal(results.length, 200);
  assert.equal(emu.admin.count('get_token'), 1);
  const tokens = new Set(emu.admin.requests({ route: 'line.query_task_list' }).map((r) => r.headers.token));
  assert.deepEqual([...tokens], [currentToken(emu)]);
  assert.deepEqual(byCode('line.query_task_list'), { '000000': 200 });
  assert.deepEqual(client.stats(), { tokenRequests: 1, tokenRefreshes: 1 });
});

test('expiry reached during a burst: one refresh ahead of expiry, no call refused', async () => {
  emu.admin.reset();
  emu.admin.configure({ tokenTtlSeconds: 2 });
  try {
    // Refresh 1 s before expiry: the token is renewed 1 s into the burst.
    const client = sobot(emu, { refreshMarginMs: 1000 });
    await client.line.queryTaskList(page);
    const first = currentToken(emu);
    const until = Date.now() + 1400;
    let calls = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (Date.now() < until) {
          await client.line.queryTaskList(page);
          calls++;
        }
      }),
    );
    assert.ok(calls > 40, `${calls} calls`);
    assert.equal(emu.admin.count('get_token'), 2);
    assert.notEqual(currentToken(emu), first);
    assert.deepEqual(Object.keys(byCode('line.query_task_list')), ['000000']);
  } finally {
    emu.admin.configure({ tokenTtlSeconds: 86400 });
  }
});

test('expiry the client cannot see (the server clock moves on) mid-burst: each refused call refreshes once, one get_token', async () => {
  emu.admin.reset();
  // The server clock jumps a day ahead (its skew check widened so that our create_time
  // still counts): the token has expired there while the client still holds it valid.
  emu.admin.configure({ createTimeSkewSeconds: 3 * 86400 });
  try {
    const client = sobot(emu);
    await client.line.queryTaskList(page);
    const burst = Array.from({ length: 60 }, async (_, i) => {
      if (i >= 30) {
        await new Promise((r) => setTimeout(r, 3));
        if (i === 30) emu.admin.advanceTime(86_400_000 + 1000);
      }
      return client.line.queryTaskList(page);
    });
    await Promise.all(burst);
    const codes = byCode('line.query_task_list');
    assert.ok(codes['900002'] >= 1, JSON.stringify(codes));
    assert.equal(codes['000000'], 61);
    assert.equal(emu.admin.count('line.query_task_list'), 61 + codes['900002']);
    assert.equal(emu.admin.count('get_token'), 2);
  } finally {
    emu.admin.useRealTime();
    emu.admin.configure({ createTimeSkewSeconds: 300 });
  }
});

test('the emulator invalidating the token mid-flight: each affected call succeeds after one refresh', async () => {
  emu.admin.reset();
  const client = sobot(emu);
  await client.line.queryTaskList(page);
  const old = currentToken(emu);
  // The 10th request of the burst finds its token revoked, and so does every request after it
  // that still carries the old token.
  emu.admin.fault('line.query_task_list', { type: 'invalidate_token', times: 1, skip: 10 });
  await Promise.all(Array.from({ length: 50 }, () => client.line.queryTaskList(page)));
  const log = emu.admin.requests({ route: 'line.query_task_list' }).slice(1);
  const refused = log.filter((r) => r.ret_code === '900002');
  assert.ok(refused.length >= 1);
  for (const r of refused) assert.equal(r.headers.token, old);
  // every call succeeded once: 50 successes, and a call was repeated only when refused
  assert.equal(log.filter((r) => r.ret_code === '000000').length, 50);
  assert.equal(log.length, 50 + refused.length);
  assert.equal(emu.admin.count('get_token'), 2);
  const fresh = currentToken(emu);
  assert.ok(log.filter((r) => r.ret_code === '000000' && r.headers.token === fresh).length >= refused.length);

  // between two bursts: every call of the next burst is refused once, one get_token for all
  emu.admin.invalidateToken(APP_ID);
  await Promise.all(Array.from({ length: 30 }, () => client.messenger.getTitleList(page)));
  assert.deepEqual(byCode('get_title_list'), { '000000': 30, '900002': 30 });
  assert.equal(emu.admin.count('get_token'), 3);
});

test('a platform refusing every token: 3 refreshes, then the 900002 reaches the caller (never a loop)', async () => {
  emu.admin.reset();
  const client = sobot(emu);
  emu.admin.fault('line.query_task_list', { type: 'invalidate_token' });
  const e = await rejection(client.line.queryTaskList(page));
  assert.equal(e.kind, 'api');
  assert.equal(e.code, '900002');
  assert.equal(e.endpoint, 'line.query_task_list');
  assert.equal(emu.admin.count('line.query_task_list'), 4);
  assert.equal(emu.admin.count('get_token'), 4);
});

test('a token invalidated again during the repeat is refreshed again: the call succeeds', async () => {
  emu.admin.reset();
  const client = sobot(emu);
  await client.line.queryTaskList(page);
  emu.admin.fault('line.query_task_list', { type: 'invalidate_token', times: 2 });
  assert.equal((await client.line.queryTaskList(page)).ret_code, '000000');
  assert.deepEqual(byCode('line.query_task_list'), { '000000': 2, '900002': 2 });
  assert.equal(emu.admin.count('get_token'), 3);
});

test('two clients sharing one store object: one refresh for both, no 900002 reaches a caller', async () => {
  emu.admin.reset();
  const store = sharedStore();
  const a = sobot(emu, { tokenStore: store });
  const b = sobot(emu, { tokenStore: store });
  for (let round = 0; round < 4; round++) {
    if (round === 2) emu.admin.invalidateToken(APP_ID);
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).line.queryTaskList(page)));
  }
  assert.equal(byCode('line.query_task_list')['000000'], 160);
  // the cold start and the invalidation: one get_token each, for both clients
  assert.equal(emu.admin.count('get_token'), 2);
  assert.deepEqual(a.stats(), { tokenRequests: 2, tokenRefreshes: 2 });
  assert.equal(store.value.token, currentToken(emu));
  assert.ok(store.calls.get >= 160, 'the store is read on every call');
});

test('two processes (two store objects over one backend) with a lock: one wins, one get_token in all', async () => {
  emu.admin.reset();
  const backend = { value: null, held: false };
  const storeA = sharedStore({ lock: true, backend });
  const storeB = sharedStore({ lock: true, backend });
  const a = sobot(emu, { tokenStore: storeA });
  const b = sobot(emu, { tokenStore: storeB });
  await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).line.queryTaskList(page)));
  assert.equal(emu.admin.count('get_token'), 1);
  assert.deepEqual(byCode('line.query_task_list'), { '000000': 40 });
  assert.equal(storeA.calls.set + storeB.calls.set, 1);
  // (it looks again every 50 ms while the winner's get_token is in flight: once or more)
  assert.ok(storeA.calls.lost + storeB.calls.lost >= 1, 'the other process found the lock taken and waited for the stored token');
  assert.equal(storeA.calls.unlock + storeB.calls.unlock, 1);
  assert.equal(a.stats().tokenRequests + b.stats().tokenRequests, 1);
  assert.equal(backend.held, false);
});

test('two processes without a lock: no 900002 reaches a caller once the token is stored', async () => {
  emu.admin.reset();
  const backend = { value: null };
  const a = sobot(emu, { tokenStore: sharedStore({ backend }) });
  const b = sobot(emu, { tokenStore: sharedStore({ backend }) });
  // one process gets the token first (a lock is what makes a simultaneous cold start safe)
  await a.line.queryTaskList(page);
  for (let round = 0; round < 3; round++) {
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).line.queryTaskList(page)));
  }
  assert.equal(byCode('line.query_task_list')['000000'], 121);
  assert.equal(emu.admin.count('get_token'), 1);
});

test('the client reads the store on every call: a token put there by someone else is used at once', async () => {
  emu.admin.reset();
  const store = sharedStore();
  const client = sobot(emu, { tokenStore: store });
  await client.line.queryTaskList(page);
  const elsewhere = await getToken({ appId: APP_ID, appKey: APP_KEY, baseUrl: emu.url });
  await store.set(elsewhere.token, elsewhere.expiresAt);
  emu.admin.clearRequests();
  await client.line.queryTaskList(page);
  const [r] = emu.admin.requests({ route: 'line.query_task_list' });
  assert.equal(r.headers.token, elsewhere.token);
  assert.equal(r.ret_code, '000000');
  assert.equal(emu.admin.count('get_token'), 0);
});

test('an expired token in the store is replaced before any call is made with it', async () => {
  emu.admin.reset();
  const store = sharedStore();
  store.value = { token: 'expired-token-0000', expiresAt: Date.now() - 1 };
  const client = sobot(emu, { tokenStore: store });
  await client.line.queryTaskList(page);
  assert.deepEqual(byCode('line.query_task_list'), { '000000': 1 });
  assert.equal(store.value.token, currentToken(emu));
  assert.ok(store.value.expiresAt > Date.now() + 86_000_000);
});

test('token(): the current token for calls the client does not cover', async () => {
  emu.admin.reset();
  const client = sobot(emu);
  const t = await client.token();
  assert.equal(t.token, currentToken(emu));
  assert.deepEqual(await client.token(), t);
  assert.equal(emu.admin.count('get_token'), 1);
});
