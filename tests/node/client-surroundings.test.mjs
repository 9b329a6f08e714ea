// The client when what surrounds it fails: a refresh slower than any fixed lock,
// token stores that hang, fail or go down after a good token, one caller's
// cancel during a shared refresh, a fetch that ignores its signal, a body that
// never ends, redirects to another origin, plain http, option look-alikes, and
// concurrent steps of one iterator. Every wait is sequenced explicitly or bounded
// by a timeout the assertion allows for; nothing races random backoff.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { SobotClient, GraphClient, SobotError, getToken } from 'sobot-channels';
import { emulator, sobot, rejection, APP_ID, APP_KEY, GRAPH_TOKEN, PAGE } from './client-helpers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const page = { page_no: 1, page_size: 1 };
let emu;

before(async () => {
  emu = await emulator();
});

after(async () => {
  await emu?.close();
});

/** A `fetch` that delays `get_token` by `ms` (and counts it). */
function slowTokenFetch(ms) {
  const f = async (url, init) => {
    if (String(url).includes('/api/get_token')) {
      f.tokenCalls++;
      await sleep(ms);
    }
    return fetch(url, init);
  };
  f.tokenCalls = 0;
  return f;
}

/**
 * One process's handle on a shared store backend with a real-time lock: `lock`
 * is SET NX PX, `set` stores only while this handle holds the lock (as the Redis
 * store's script does).
 */
function lockingStore(backend, name) {
  return {
    ttls: [],
    async get() {
      return backend.value;
    },
    async set(token, expiresAt) {
      const held = backend.lock;
      if (!held || held.owner !== name || held.until <= Date.now()) {
        backend.refused++;
        return false;
      }
      backend.value = { token, expiresAt };
      backend.sets++;
      return true;
    },
    async lock(ttlMs) {
      this.ttls.push(ttlMs);
      if (backend.lock && backend.lock.until > Date.now()) return false;
      backend.lock = { owner: name, until: Date.now() + ttlMs };
      return true;
    },
    async unlock() {
      if (backend.lock?.owner === name) backend.lock = null;
    },
  };
}

test('a get_token slower than 10 s, three processes sharing a store: one get_token, no failed call', async () => {
  emu.admin.reset();
  const backend = { value: null, lock: null, sets: 0, refused: 0 };
  const fetchFn = slowTokenFetch(10_500);
  const stores = [0, 1, 2].map((i) => lockingStore(backend, `p${i}`));
  const clients = stores.map((store) => sobot(emu, { tokenStore: store, fetch: fetchFn, timeoutMs: 15_000 }));
  const results = await Promise.allSettled(clients.flatMap((c) => [c, c]).map((c) => c.line.queryTaskList(page)));
  assert.deepEqual(results.map((r) => r.status), Array(6).fill('fulfilled'));
  assert.equal(fetchFn.tokenCalls, 1);
  assert.equal(emu.admin.count('get_token'), 1);
  assert.deepEqual([backend.sets, backend.refused], [1, 0]);
  // The lock covers the whole refresh: attempts × timeout + backoff, not 10 s.
  const ttl = stores.flatMap((s) => s.ttls)[0];
  assert.ok(ttl >= 3 * 15_000, `lock ttl ${ttl}`);
});

test('a hung store is bounded by the timeout and by the signal, and the client recovers', async () => {
  emu.admin.reset();
  let hung = true;
  const never = new Promise(() => {});
  const value = { current: null };
  const store = {
    get: () => (hung ? never : value.current),
    set: (token, expiresAt) => (hung ? never : void (value.current = { token, expiresAt })),
    lock: () => (hung ? never : true),
    unlock: () => (hung ? never : undefined),
  };
  const client = sobot(emu, { tokenStore: store, timeoutMs: 300 });
  let t0 = Date.now();
  const e = await rejection(client.line.queryTaskList(page));
  assert.ok(e instanceof SobotError, String(e));
  assert.equal(e.kind, 'timeout');
  assert.equal(e.code, 'token_store');
  assert.match(e.message, /token store is unreachable: its (get|lock)\(\) did not answer within 300 ms/);
  assert.ok(Date.now() - t0 < 3_000, `${Date.now() - t0} ms`);
  // the signal ends the wait too, with its own reason
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  t0 = Date.now();
  const aborted = await rejection(sobot(emu, { tokenStore: store, timeoutMs: 60_000 }).line.queryTaskList(page, { signal: ac.signal }));
  assert.equal(aborted.name, 'AbortError');
  assert.ok(Date.now() - t0 < 3_000, `${Date.now() - t0} ms`);
  assert.equal(emu.admin.count('get_token'), 0);
  hung = false;
  await client.line.queryTaskList(page);
  assert.equal(emu.admin.count('get_token'), 1);
});

test('a set that never settles does not hang that call or the later ones', async () => {
  emu.admin.reset();
  const store = { get: () => null, set: () => new Promise(() => {}) };
  const client = sobot(emu, { tokenStore: store, timeoutMs: 300 });
  await client.line.queryTaskList(page);
  await client.line.queryTaskList(page);
  assert.equal(emu.admin.count('get_token'), 1, 'the token left with the process carries the next call');
});

test('a store that fails after a good token: calls go on with it; once it is refused, the error names the store', async () => {
  emu.admin.reset();
  let down = false;
  const value = { current: null };
  const timeoutError = () => Object.assign(new Error(''), { name: 'TimeoutError' });
  const store = {
    get: () => (down ? Promise.reject(timeoutError()) : value.current),
    set: (token, expiresAt) => {
      value.current = { token, expiresAt };
    },
    lock: () => (down ? Promise.reject(timeoutError()) : true),
  };
  const client = sobot(emu, { tokenStore: store });
  await client.line.queryTaskList(page);
  down = true;
  for (let i = 0; i < 5; i++) await client.line.queryTaskList(page);
  assert.equal(emu.admin.count('get_token'), 1);
  emu.admin.invalidateToken(APP_ID);
  const e = await rejection(client.line.queryTaskList(page));
  assert.equal(e.code, 'token_store');
  assert.match(e.message, /token store is unreachable: its lock\(\) failed: TimeoutError \(without a message\)/);
  assert.equal(emu.admin.count('get_token'), 1, 'no get_token without the lock');
  emu.admin.clearFaults();
});

test("one caller's cancel during a shared refresh never fails the others", async () => {
  emu.admin.reset();
  const fetchFn = slowTokenFetch(400);
  const client = sobot(emu, { fetch: fetchFn });
  const ac = new AbortController();
  const first = client.line.queryTaskList(page, { signal: ac.signal });
  const others = [client.line.queryTaskList(page), client.messenger.queryTaskList(page), client.token()];
  await sleep(50);
  ac.abort();
  const e = await rejection(first);
  assert.equal(e.name, 'AbortError');
  const settled = await Promise.allSettled(others);
  assert.deepEqual(settled.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled']);
  assert.equal(fetchFn.tokenCalls, 1);
});

test('timeoutMs holds whatever fetch does: a fetch that ignores its signal, a body that never ends', async () => {
  const ignoring = () => new Promise(() => {});
  const endless = async () =>
    new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('{"ret_code":')); } }), { status: 200 });
  for (const [what, fetchFn] of [['ignores its signal', ignoring], ['endless body', endless]]) {
    const client = new SobotClient({ appId: APP_ID, appKey: APP_KEY, baseUrl: emu.url, fetch: fetchFn, timeoutMs: 200, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    const t0 = Date.now();
    const e = await rejection(client.token());
    assert.equal(e.kind, 'timeout', `${what}: ${e.message}`);
    assert.ok(Date.now() - t0 < 2_000, `${what}: ${Date.now() - t0} ms`);
  }
  // the standalone getToken takes timeoutMs and signal too
  const hung = createServer(() => {});
  await new Promise((r) => hung.listen(0, '127.0.0.1', r));
  const baseUrl = `http://127.0.0.1:${hung.address().port}`;
  try {
    const e = await rejection(getToken({ appId: APP_ID, appKey: APP_KEY, baseUrl, timeoutMs: 200 }));
    assert.equal(e.kind, 'timeout');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    assert.equal((await rejection(getToken({ appId: APP_ID, appKey: APP_KEY, baseUrl, signal: ac.signal }))).name, 'AbortError');
  } finally {
    hung.closeAllConnections();
    await new Promise((r) => hung.close(r));
  }
});

test('a redirect to another origin is a final http error: no token, sign or body reaches it', async () => {
  const seen = [];
  const other = createServer((req, res) => {
    seen.push({ url: req.url, headers: req.headers });
    res.end('{"ret_code":"000000","item":{"token":"x","expires_in":"7200"}}');
  });
  await new Promise((r) => other.listen(0, '127.0.0.1', r));
  const target = `http://127.0.0.1:${other.address().port}`;
  const redirecting = createServer((req, res) => {
    if (req.url.startsWith('/api/get_token')) return emuProxy(req, res);
    res.writeHead(307, { location: `${target}${req.url}` }).end();
  });
  const emuProxy = async (req, res) => {
    const r = await fetch(`${emu.url}${req.url}`);
    res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text());
  };
  await new Promise((r) => redirecting.listen(0, '127.0.0.1', r));
  const baseUrl = `http://127.0.0.1:${redirecting.address().port}`;
  try {
    const client = new SobotClient({ appId: APP_ID, appKey: APP_KEY, baseUrl });
    const e = await rejection(client.messenger.send({ messaging_type: 'RESPONSE', recipientid: '524807506000000', pageid: PAGE, type: 'text', payload: 'hi' }));
    assert.equal(e.kind, 'http');
    assert.equal(e.status, 307);
    assert.equal(e.retryable, false);
    assert.ok(e.message.includes(target), e.message);
    const g = new GraphClient({ accessToken: GRAPH_TOKEN, baseUrl });
    const ge = await rejection(g.message('m_1'));
    assert.equal(ge.kind, 'http');
    assert.equal(ge.status, 307);
    assert.deepEqual(seen, [], 'the other origin received nothing');
  } finally {
    await Promise.all([redirecting, other].map((s) => new Promise((r) => s.close(r))));
  }
});

test('plain http is refused off loopback unless allowInsecureHttp', async () => {
  for (const make of [
    (o) => new SobotClient({ appId: APP_ID, appKey: APP_KEY, ...o }),
    (o) => new GraphClient({ accessToken: GRAPH_TOKEN, ...o }),
  ]) {
    assert.throws(() => make({ baseUrl: 'http://sg.sobot.com' }), (e) => e.kind === 'validation' && e.violations[0].path === 'baseUrl' && /allowInsecureHttp/.test(e.message));
    make({ baseUrl: 'http://sg.sobot.com', allowInsecureHttp: true });
    make({ baseUrl: 'http://localhost:1' });
    make({ baseUrl: 'http://[::1]:1' });
  }
  const e = await rejection(getToken({ appId: APP_ID, appKey: APP_KEY, baseUrl: 'http://sg.sobot.com' }));
  assert.equal(e.violations[0].path, 'baseUrl');
});

test('options: a signal look-alike and getters that throw are violations, never silent fallbacks', async () => {
  const client = sobot(emu);
  const e = await rejection(client.line.queryTaskList(page, { signal: { aborted: false } }));
  assert.equal(e.kind, 'validation');
  assert.equal(e.violations[0].path, 'signal');
  for (const key of ['tokenStore', 'fetch']) {
    const options = { appId: APP_ID, appKey: APP_KEY, baseUrl: emu.url };
    Object.defineProperty(options, key, { get() { throw new Error('no access'); }, enumerable: true });
    assert.throws(() => new SobotClient(options), (err) => err.kind === 'validation' && err.violations[0].path === key, key);
  }
});

test('concurrent next() calls on one iterator give each item once', async () => {
  emu.admin.reset();
  emu.admin.generate({ lineTasks: 7 });
  const client = sobot(emu);
  const all = [];
  for await (const t of client.line.tasks({ page_size: 2 })) all.push(t);
  assert.equal(all.length, 7);
  const it = client.line.tasks({ page_size: 2 })[Symbol.asyncIterator]();
  const steps = await Promise.all(Array.from({ length: all.length + 2 }, () => it.next()));
  const items = steps.filter((s) => !s.done).map((s) => JSON.stringify(s.value));
  assert.equal(items.length, all.length);
  assert.equal(new Set(items).size, all.length);
});

test('percent-encoded forms of secrets are redacted', async () => {
  const appKey = 'k&ey/9+x=z secret';
  const encoded = encodeURIComponent(appKey);
  const client = new SobotClient({
    appId: APP_ID,
    appKey,
    baseUrl: emu.url,
    retry: { maxAttempts: 1 },
    fetch: () => Promise.reject(new TypeError(`proxy refused key=${encoded}`)),
  });
  const e = await rejection(client.token());
  assert.ok(!e.message.includes(encoded), e.message);
  assert.match(e.message, /key=<redacted>/);
});
