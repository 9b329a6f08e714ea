// A broadcast shared by three Node processes through redisDedupeStore (and their
// token through redisTokenStore) on a real redis-server, over a topic of 10,000
// subscribers with 429s and 503s on sends, one process killed mid-run: no
// subscriber gets two sends, and each active one is sent to, reported unknown,
// or held by a claim of the killed process (sent or not: never repeated).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { startRedis } from './redis-server.mjs';
import { emulator, sobot, APP_ID, APP_KEY, PAGE } from './client-helpers.mjs';

const TITLE = 'shared run';
const PREFIX = 'bc:';
const RUN = 'spring-2026';
let server;
let redis;
let emu;

before(async () => {
  server = await startRedis();
  redis = createClient({ url: server.url });
  await redis.connect();
  emu = await emulator();
  emu.admin.generate({ subscribers: { count: 10_000, title: TITLE } });
});

after(async () => {
  await redis?.close();
  await server?.close();
  await emu?.close();
});

test('three processes share one run; one is killed mid-run; nobody gets two sends', async (t) => {
  const all = [];
  for await (const s of sobot(emu).messenger.subUsers({ appid: PAGE, title: TITLE })) all.push(s);
  const active = all.filter((s) => s.sub_status === 1);
  const byId = new Map(all.map((s) => [s.facebookid, s]));
  emu.admin.clearRequests();
  emu.admin.fault('send', { type: 'status', status: 429, retryAfter: 1, times: 3, skip: 500 });
  emu.admin.fault('send', { type: 'status', status: 503, times: 2, skip: 3_000 });

  const worker = fileURLToPath(new URL('./broadcast-redis-worker.mjs', import.meta.url));
  const config = {
    redisUrl: server.url,
    appId: APP_ID,
    appKey: APP_KEY,
    baseUrl: emu.url,
    prefix: PREFIX,
    runId: RUN,
    request: { appid: PAGE, title: TITLE, message: { pageid: PAGE, type: 'text', payload: 'Spring sale' } },
  };
  const started = performance.now();
  const children = [];
  const reports = [];
  for (let i = 0; i < 3; i++) {
    const child = fork(worker, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    reports.push(
      new Promise((resolve, reject) => {
        child.on('message', (m) => {
          if (m.report) resolve(m.report);
          // Process 0 dies without a word once it has sent 200.
          if (i === 0 && m.progress && m.progress.sent >= 200) child.kill('SIGKILL');
        });
        child.once('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(null) : code && reject(new Error(`worker ${i} exited ${code}`))));
      }),
    );
    child.send({ config });
  }
  try {
    const [killed, ...done] = await Promise.all(reports);
    const ms = performance.now() - started;
    assert.equal(killed, null, 'process 0 was killed before its end');
    const sends = emu.admin.sends();
    t.diagnostic(`10,000 subscribers over 3 processes (one killed): ${sends.length} sent in ${ms.toFixed(0)} ms`);

    // Nobody twice.
    const sent = new Set(sends.map((s) => s.recipient_token));
    assert.equal(sent.size, sends.length, 'no recipient got two sends');
    // Each active one: sent, reported unknown, or claimed by the killed process.
    const keys = await redis.keys(`${PREFIX}${RUN}:*`);
    const values = keys.length ? await redis.mGet(keys) : [];
    const held = new Set(keys.filter((k, i) => values[i] !== 'seen').map((k) => k.slice(`${PREFIX}${RUN}:`.length)));
    const unknown = new Set(done.flatMap((r) => r.failures.filter((f) => f.outcome === 'unknown').map((f) => f.recipient)));
    assert.ok(held.size <= 4, `at most the killed process's in-flight claims are left: ${held.size}`);
    for (const s of active) {
      assert.ok(sent.has(s.sub_token) || unknown.has(s.facebookid) || held.has(s.facebookid), s.facebookid);
    }
    for (const id of [...held, ...unknown]) assert.equal(byId.get(id).sub_status, 1);
    // The two that finished saw every subscriber, between them and the killed one.
    for (const r of done) {
      assert.equal(r.total, all.length);
      assert.equal(r.failed, 0);
      assert.equal(r.sent + r.alreadyClaimed + r.skipped + r.unknown, all.length);
    }
    assert.ok(done[0].sent > 0 && done[1].sent > 0, 'both shared the work');
    assert.ok(done[0].unknown + done[1].unknown <= 2);
  } finally {
    for (const c of children) if (c.connected) c.disconnect();
  }
});
