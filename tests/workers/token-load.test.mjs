// The example Worker's Durable Object token store (examples/cloudflare-worker) in
// real workerd (Miniflare), under load: several Workers, each its own isolate with
// its own SobotClient, bound to one Durable Object namespace (the class defined by
// the first, `scriptName` in the others: Miniflare's multiple-workers setup), each
// kept busy with cheap reads against one emulator whose get_token invalidates the
// previous token, with short-lived tokens and forced invalidations. No call fails,
// and get_token is called at most once per expiry window plus once per forced
// invalidation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { startEmulator } from '../emulator/index.mjs';
import { bundleWorker } from './bundle.mjs';

const APP_ID = 'do-load-app';
const APP_KEY = 'do-load-key-5e02';
const ISOLATES = 4;
const CONCURRENCY = 20;
const TOKEN_TTL_MS = 3000;
const REFRESH_MARGIN_MS = 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let bundle;

before(async () => {
  bundle = await bundleWorker(fileURLToPath(new URL('./token-load-worker.js', import.meta.url)), {
    external: ['cloudflare:workers'],
  });
});

/** `ISOLATES` Workers sharing the SobotTokenStore namespace; `bindings` over the defaults. */
async function startIsolates(emu, bindings = {}) {
  const workers = Array.from({ length: ISOLATES }, (_, i) => ({
    ...bundle.miniflare,
    name: `load-${i}`,
    bindings: { APP_ID, APP_KEY, SOBOT_BASE_URL: emu.url, REFRESH_MARGIN_MS: String(REFRESH_MARGIN_MS), ...bindings },
    durableObjects: { SOBOT_TOKEN: { className: 'SobotTokenStore', scriptName: 'load-0' } },
  }));
  const mf = new Miniflare({ workers });
  await mf.ready;
  const handles = await Promise.all(workers.map((w) => mf.getWorker(w.name)));
  return { mf, handles };
}

/**
 * Keeps `CONCURRENCY` requests in flight on each isolate for `durationMs`; the
 * `during` hooks run at their times. Resolves to per-isolate outcomes, each
 * isolate's client stats and the run's duration.
 */
async function run(handles, durationMs, during = []) {
  const start = Date.now();
  const until = start + durationMs;
  const perIsolate = handles.map(() => ({ calls: 0, ok: 0, errors: {}, samples: [] }));
  const lane = async (handle, out) => {
    while (Date.now() < until) {
      let body;
      try {
        const res = await handle.fetch('http://worker/read');
        body = await res.json();
      } catch (e) {
        body = { ok: false, kind: 'dispatch', code: e?.name ?? null, message: String(e?.message ?? e) };
      }
      out.calls++;
      if (body.ok) {
        out.ok++;
      } else {
        const key = `${body.kind}:${body.code}`;
        out.errors[key] = (out.errors[key] ?? 0) + 1;
        if (out.samples.length < 5) out.samples.push(body.message);
      }
    }
  };
  const lanes = handles.flatMap((h, i) => Array.from({ length: CONCURRENCY }, () => lane(h, perIsolate[i])));
  await Promise.all([...lanes, ...during.map(([at, fn]) => sleep(at).then(fn))]);
  const durationMsDone = Date.now() - start;
  const stats = await Promise.all(handles.map(async (h) => (await h.fetch('http://worker/stats')).json()));
  return { perIsolate, stats, durationMs: durationMsDone };
}

test(`${ISOLATES} isolates sharing the token through the Durable Object under load: no call fails, get_token at most once per expiry window plus once per forced invalidation`, async () => {
  const emu = await startEmulator({ seed: 3, apps: [{ appId: APP_ID, appKey: APP_KEY }], tokenTtlSeconds: TOKEN_TTL_MS / 1000 });
  const { mf, handles } = await startIsolates(emu);
  try {
    let invalidations = 0;
    const invalidate = () => {
      invalidations += emu.admin.invalidateToken(APP_ID) > 0 ? 1 : 0;
    };
    const { perIsolate, stats, durationMs } = await run(handles, 8000, [[2500, invalidate], [5500, invalidate]]);

    // A token is used for W = ttl − refresh margin, then refreshed: between two
    // get_token calls of expiry there are at least W ms, so a run of D ms holds at
    // most floor(D / W) of them; each forced invalidation adds one refresh; and
    // the first token is one more.
    //   bound = 1 + floor(D / W) + invalidations
    const windows = Math.floor(durationMs / (TOKEN_TTL_MS - REFRESH_MARGIN_MS));
    const bound = 1 + windows + invalidations;
    const getToken = emu.admin.count('get_token');
    const refused = emu.admin.requests({ route: 'line.query_task_list' }).filter((r) => r.ret_code === '900001' || r.ret_code === '900002').length;
    const figures = {
      isolates: ISOLATES,
      concurrencyPerIsolate: CONCURRENCY,
      durationMs,
      tokenTtlMs: TOKEN_TTL_MS,
      refreshMarginMs: REFRESH_MARGIN_MS,
      calls: perIsolate.reduce((n, r) => n + r.calls, 0),
      callsPerIsolate: perIsolate.map((r) => r.calls),
      failedCalls: perIsolate.reduce((n, r) => n + r.calls - r.ok, 0),
      getToken,
      getTokenPerIsolate: stats.map((s) => s.tokenRequests),
      windows,
      invalidations,
      bound,
      refusedAttemptsRetriedInside: refused,
    };
    console.log(`durable object token sharing under load: ${JSON.stringify(figures)}`);

    for (const [i, r] of perIsolate.entries()) {
      assert.deepEqual(r.errors, {}, `isolate ${i}: ${r.samples.join(' | ')}`);
      assert.ok(r.calls > 20, `isolate ${i} made ${r.calls} calls`);
    }
    assert.equal(invalidations, 2);
    assert.ok(windows >= 3, `the run spans ${windows} expiry windows`);
    assert.ok(getToken <= bound, `get_token ${getToken} > ${bound} = 1 + ${windows} windows + ${invalidations} invalidations`);
    assert.ok(getToken >= 1 + invalidations, `get_token ${getToken}`);
    assert.equal(stats.reduce((n, s) => n + s.tokenRequests, 0), getToken, 'every get_token came from one of the isolates');
  } finally {
    await mf.dispose();
    await emu.close();
  }
});

test('control: the same isolates with their own memory (TOKEN_STORE=memory) revoke each other', async () => {
  const emu = await startEmulator({ seed: 4, apps: [{ appId: APP_ID, appKey: APP_KEY }], tokenTtlSeconds: TOKEN_TTL_MS / 1000 });
  const { mf, handles } = await startIsolates(emu, { TOKEN_STORE: 'memory' });
  try {
    const { perIsolate, durationMs } = await run(handles, 2000);
    const windows = Math.floor(durationMs / (TOKEN_TTL_MS - REFRESH_MARGIN_MS));
    const getToken = emu.admin.count('get_token');
    const failed = perIsolate.reduce((n, r) => n + r.calls - r.ok, 0);
    console.log(`control (memory per isolate): ${JSON.stringify({ isolates: ISOLATES, durationMs, calls: perIsolate.reduce((n, r) => n + r.calls, 0), failedCalls: failed, getToken, windows })}`);
    assert.ok(getToken > 1 + windows, `get_token ${getToken}`);
  } finally {
    await mf.dispose();
    await emu.close();
  }
});

test('the Durable Object store keeps a newer token from a refresher whose lock expired', async () => {
  const emu = await startEmulator({ apps: [{ appId: APP_ID, appKey: APP_KEY }] });
  const { mf, handles } = await startIsolates(emu);
  try {
    const res = await handles[0].fetch('http://worker/late-set');
    assert.deepEqual(await res.json(), {
      unlockedSet: false,
      lateLock: true,
      nextLock: true,
      nextSet: true,
      lateSet: false,
      stored: 'tok-new',
    });
  } finally {
    await mf.dispose();
    await emu.close();
  }
});
