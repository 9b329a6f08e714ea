// `sobot-channels/redis` against a real redis-server on loopback (started here):
// the store's own behaviour (round trip, expiry, namespacing, lock exclusivity,
// release only by the owner), then several Node processes, each with its own
// SobotClient and Redis store, under a steady load against one emulator whose
// get_token invalidates the previous token, with short-lived tokens and forced
// invalidations: no call fails, and get_token is called at most once per expiry
// window plus once per forced invalidation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fork, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { redisTokenStore } from 'sobot-channels/redis';
import { startRedis } from './redis-server.mjs';
import { emulator, sobot, APP_ID, APP_KEY } from './client-helpers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let server;
let redis;

before(async () => {
  server = await startRedis();
  redis = createClient({ url: server.url });
  await redis.connect();
});

after(async () => {
  await redis?.close();
  await server?.close();
});

test('set then get answers the token; the key expires with it; other apps do not see it', async () => {
  const store = redisTokenStore(redis, { appId: 'app-roundtrip' });
  const other = redisTokenStore(redis, { appId: 'app-other' });
  assert.deepEqual(store.keys, { token: 'sobot-channels:{app-roundtrip}:token', lock: 'sobot-channels:{app-roundtrip}:lock' });
  assert.equal(await store.get(), null);
  const expiresAt = Date.now() + 300;
  assert.equal(await store.lock(5000), true);
  assert.equal(await store.set('tok-1', expiresAt), true);
  await store.unlock();
  assert.deepEqual(await store.get(), { token: 'tok-1', expiresAt });
  assert.equal(await other.get(), null);
  const pttl = await redis.pTTL(store.keys.token);
  assert.ok(pttl > 0 && pttl <= 300, `PTTL ${pttl}`);
  await sleep(400);
  assert.equal(await store.get(), null, 'Redis dropped the token when it expired');
  // A custom prefix moves both keys.
  const prefixed = redisTokenStore(redis, { appId: 'app-roundtrip', prefix: 'svc-a:' });
  assert.deepEqual(prefixed.keys, { token: 'svc-a:{app-roundtrip}:token', lock: 'svc-a:{app-roundtrip}:lock' });
});

test('a value this module did not write reads as no token (the client then refreshes and overwrites it)', async () => {
  const store = redisTokenStore(redis, { appId: 'app-garbage' });
  for (const raw of ['not json', 'null', '42', '{"token":7,"expiresAt":1}', '{"token":"t"}', '{"token":"","expiresAt":5}', '{"token":"t","expiresAt":-1}']) {
    await redis.set(store.keys.token, raw);
    assert.equal(await store.get(), null, raw);
  }
  await store.lock(5000);
  await store.set('tok-2', Date.now() + 60_000);
  await store.unlock();
  assert.equal((await store.get()).token, 'tok-2');
});

test('set stores only while this store holds the lock: a refresher whose lock expired never overwrites a newer token', async () => {
  const late = redisTokenStore(redis, { appId: 'app-set-if-locked' });
  const next = redisTokenStore(redis, { appId: 'app-set-if-locked' });
  assert.equal(await late.set('tok-unlocked', Date.now() + 60_000), false, 'no lock held: nothing stored');
  assert.equal(await late.get(), null);
  assert.equal(await late.lock(100), true);
  await sleep(150);
  assert.equal(await next.lock(5000), true, 'the lock expired and was taken');
  assert.equal(await next.set('tok-new', Date.now() + 60_000), true);
  assert.equal(await late.set('tok-old', Date.now() + 60_000), false, 'the late refresher is refused');
  assert.equal((await late.get()).token, 'tok-new');
  await next.unlock();
});

test('the lock: one holder at a time; only the holder releases it; it expires after its ttl', async () => {
  const a = redisTokenStore(redis, { appId: 'app-lock' });
  const b = redisTokenStore(redis, { appId: 'app-lock' });
  const elsewhere = redisTokenStore(redis, { appId: 'app-lock-2' });
  assert.equal(await a.lock(5000), true);
  assert.equal(await b.lock(5000), false);
  assert.equal(await a.lock(5000), false, 'SET NX: the holder cannot take it twice either');
  assert.equal(await elsewhere.lock(5000), true, 'another app has its own lock');
  const pttl = await redis.pTTL(a.keys.lock);
  assert.ok(pttl > 4000 && pttl <= 5000, `PTTL ${pttl}`);
  await b.unlock();
  assert.equal(await b.lock(5000), false, "b's unlock left a's lock in place");
  await a.unlock();
  assert.equal(await redis.exists(a.keys.lock), 0);
  assert.equal(await b.lock(5000), true);
  await b.unlock();

  // A holder that outlives its ttl loses the lock, and its late unlock frees nothing.
  assert.equal(await a.lock(100), true);
  await sleep(150);
  assert.equal(await b.lock(5000), true);
  await a.unlock();
  assert.equal(await a.lock(5000), false, "a's late unlock did not free b's lock");
  await b.unlock();
  await elsewhere.unlock();
});

test('50 stores racing for the lock: exactly one gets it', async () => {
  const stores = Array.from({ length: 50 }, () => redisTokenStore(redis, { appId: 'app-race' }));
  const won = await Promise.all(stores.map((s) => s.lock(5000)));
  assert.equal(won.filter(Boolean).length, 1);
  await stores[won.indexOf(true)].unlock();
  assert.equal(await redis.exists(stores[0].keys.lock), 0);
});

test('bad arguments are TypeErrors naming the field and the rule', () => {
  const cases = [
    [() => redisTokenStore(null, { appId: 'a' }), /client must be a connected node-redis client/],
    [() => redisTokenStore({ get() {}, set() {} }, { appId: 'a' }), /client\.eval must be a function/],
    [() => redisTokenStore(redis), /options must be an object with appId/],
    [() => redisTokenStore(redis, { appId: '' }), /options\.appId must be a non-empty string/],
    [() => redisTokenStore(redis, { appId: 'a', prefix: 3 }), /options\.prefix must be a string/],
    [() => redisTokenStore(redis, { appId: 'a', ttl: 3 }), /options\.ttl is not an option/],
  ];
  for (const [fn, message] of cases) assert.throws(fn, (e) => e instanceof TypeError && message.test(e.message));
});

test('require and import give the same function; neither the main entry nor this one loads redis', () => {
  const require = createRequire(import.meta.url);
  assert.equal(require('sobot-channels/redis').redisTokenStore, redisTokenStore);
  const probe = spawnSync(process.execPath, ['-e', `
    require('sobot-channels');
    require('sobot-channels/redis');
    const loaded = Object.keys(require.cache).filter((p) => /node_modules[\\\\/](redis|@redis)[\\\\/]/.test(p));
    console.log(JSON.stringify(loaded));
  `], { cwd: fileURLToPath(new URL('.', import.meta.url)), encoding: 'utf8' });
  assert.equal(probe.status, 0, probe.stderr);
  assert.deepEqual(JSON.parse(probe.stdout), []);
});

test('two clients with their own stores over one Redis: one get_token between them', async () => {
  const emu = await emulator();
  try {
    await redis.del([`sobot-channels:{${APP_ID}}:token`, `sobot-channels:{${APP_ID}}:lock`]);
    const one = sobot(emu, { tokenStore: redisTokenStore(redis, { appId: APP_ID }) });
    const two = sobot(emu, { tokenStore: redisTokenStore(redis, { appId: APP_ID }) });
    const page = { page_no: 1, page_size: 1 };
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).line.queryTaskList(page)));
    assert.equal(emu.admin.count('get_token'), 1);
    assert.equal(one.stats().tokenRequests + two.stats().tokenRequests, 1);
    assert.equal(await redis.exists(`sobot-channels:{${APP_ID}}:lock`), 0, 'the lock was released');
  } finally {
    await emu.close();
  }
});

// ---------------------------------------------------------------------------
// Several processes under load.

const PROCESSES = 4;
const CONCURRENCY = 20;
const TOKEN_TTL_MS = 3000;
const REFRESH_MARGIN_MS = 1000;

/**
 * Runs `processes` child processes against `emu` for `durationMs`, each with
 * `CONCURRENCY` calls in flight all the time; `during(elapsedMs)` hooks run at
 * the given times. Resolves to the children's results and the run's duration.
 */
async function run({ emu, store, processes, durationMs, during = [] }) {
  const worker = fileURLToPath(new URL('./redis-load-worker.mjs', import.meta.url));
  const children = Array.from({ length: processes }, () => fork(worker, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const next = (child, key) =>
    new Promise((resolve, reject) => {
      const onMessage = (m) => {
        if (m.log) return console.log(`[pid ${child.pid}] ${m.log}`);
        child.off('message', onMessage);
        if (m.failed) reject(new Error(`child ${child.pid}: ${m.failed}`));
        else if (key in m) resolve(m[key]);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => code !== 0 && reject(new Error(`child ${child.pid} exited with ${code}`)));
    });
  try {
    const config = { store, redisUrl: server.url, baseUrl: emu.url, appId: APP_ID, appKey: APP_KEY, refreshMarginMs: REFRESH_MARGIN_MS };
    await Promise.all(children.map((c) => (c.send({ config }), next(c, 'ready'))));
    const start = Date.now();
    const until = start + durationMs;
    const results = Promise.all(children.map((c) => (c.send({ go: { until, concurrency: CONCURRENCY } }), next(c, 'result'))));
    const hooks = Promise.all(during.map(([at, fn]) => sleep(at).then(fn)));
    const [out] = await Promise.all([results, hooks]);
    const end = Math.max(...out.map((r) => r.endedAt));
    return { results: out, durationMs: end - start };
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill();
  }
}

test(`${PROCESSES} processes sharing the token through Redis under load: no call fails, get_token at most once per expiry window plus once per forced invalidation`, async () => {
  const emu = await emulator({ tokenTtlSeconds: TOKEN_TTL_MS / 1000 });
  try {
    await redis.del([`sobot-channels:{${APP_ID}}:token`, `sobot-channels:{${APP_ID}}:lock`]);
    let invalidations = 0;
    const invalidate = () => {
      invalidations += emu.admin.invalidateToken(APP_ID) > 0 ? 1 : 0;
    };
    const { results, durationMs } = await run({
      emu,
      store: 'redis',
      processes: PROCESSES,
      durationMs: 8000,
      during: [[2500, invalidate], [5500, invalidate]],
    });

    // A token is used for W = ttl − refresh margin, then refreshed: between two
    // get_token calls of expiry there are at least W ms, so a run of D ms holds at
    // most floor(D / W) of them; each forced invalidation adds one refresh; and
    // the first token is one more.
    //   bound = 1 + floor(D / W) + invalidations
    const windowMs = TOKEN_TTL_MS - REFRESH_MARGIN_MS;
    const windows = Math.floor(durationMs / windowMs);
    const bound = 1 + windows + invalidations;
    const getToken = emu.admin.count('get_token');
    const calls = results.reduce((n, r) => n + r.calls, 0);
    const refused = emu.admin.requests({ route: 'line.query_task_list' }).filter((r) => r.ret_code === '900001' || r.ret_code === '900002').length;
    const figures = {
      processes: PROCESSES,
      concurrencyPerProcess: CONCURRENCY,
      durationMs,
      tokenTtlMs: TOKEN_TTL_MS,
      refreshMarginMs: REFRESH_MARGIN_MS,
      calls,
      callsPerProcess: results.map((r) => r.calls),
      failedCalls: results.reduce((n, r) => n + r.calls - r.ok, 0),
      getToken,
      getTokenPerProcess: results.map((r) => r.stats.tokenRequests),
      windows,
      invalidations,
      bound,
      refusedAttemptsRetriedInside: refused,
    };
    console.log(`redis token sharing under load: ${JSON.stringify(figures)}`);

    for (const r of results) {
      assert.deepEqual(r.errors, {}, `process ${r.pid}: ${r.samples.join(' | ')}`);
      assert.ok(r.calls > 20, `process ${r.pid} made ${r.calls} calls`);
    }
    assert.equal(invalidations, 2);
    assert.ok(windows >= 3, `the run spans ${windows} expiry windows`);
    assert.ok(getToken <= bound, `get_token ${getToken} > ${bound} = 1 + ${windows} windows + ${invalidations} invalidations`);
    // Each expiry and each invalidation did cause a refresh (the tokens really turned over).
    assert.ok(getToken >= 1 + invalidations, `get_token ${getToken}`);
    // Every get_token came from one of the processes, through the shared lock.
    assert.equal(results.reduce((n, r) => n + r.stats.tokenRequests, 0), getToken);
  } finally {
    await emu.close();
  }
});

test('control: the same processes without a shared store revoke each other', async () => {
  const emu = await emulator({ tokenTtlSeconds: TOKEN_TTL_MS / 1000 });
  try {
    const { results, durationMs } = await run({ emu, store: 'memory', processes: PROCESSES, durationMs: 2000 });
    const windows = Math.floor(durationMs / (TOKEN_TTL_MS - REFRESH_MARGIN_MS));
    const failed = results.reduce((n, r) => n + r.calls - r.ok, 0);
    const getToken = emu.admin.count('get_token');
    console.log(`control (memory stores): ${JSON.stringify({ processes: PROCESSES, durationMs, calls: results.reduce((n, r) => n + r.calls, 0), failedCalls: failed, getToken, windows })}`);
    assert.ok(getToken > 1 + windows, `get_token ${getToken}`);
  } finally {
    await emu.close();
  }
});
