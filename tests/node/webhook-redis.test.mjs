// Webhook de-duplication across processes: three Node processes, each with its
// own handler and Redis connection, share claims through redisDedupeStore on a
// real redis-server. Every delivery is sent to all three at once, twice: each
// event is handed over exactly once (when process 0 wins X0, its first handling
// throws, and a redelivery hands X0 over).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { redisDedupeStore } from 'sobot-channels/redis';
import { startRedis } from './redis-server.mjs';
import { LINE_SECRET, lineBody, lineSignature } from './webhook-handler-helpers.mjs';

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

test('claim, confirm and release act for their owner only', async () => {
  const store = redisDedupeStore(redis, { prefix: 'unit:' });
  assert.equal(await store.claim('k', 'a', 10_000), true);
  assert.equal(await store.claim('k', 'b', 10_000), false);
  assert.equal(await store.release('k', 'b'), false);
  assert.equal(await store.confirm('k', 'b', 10_000), false);
  assert.equal(await store.release('k', 'a'), true);
  assert.equal(await store.claim('k', 'b', 10_000), true);
  assert.equal(await store.confirm('k', 'b', 10_000), true);
  assert.equal(await redis.get('unit:k'), 'seen');
  assert.equal(await store.claim('k', 'c', 10_000), false);
  assert.equal(await store.release('k', 'b'), false, 'a seen key stays');
  assert.throws(() => redisDedupeStore(redis, { prefx: 'x' }), /options.prefx is not an option/);
  assert.throws(() => redisDedupeStore({}), /client.set must be a function/);
});

test('three processes on one Redis hand each event over exactly once', async () => {
  const worker = fileURLToPath(new URL('./webhook-redis-worker.mjs', import.meta.url));
  const handed = [];
  const children = [];
  const urls = [];
  for (let i = 0; i < 3; i++) {
    const child = fork(worker, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    child.on('message', (m) => m.handed && handed.push(...m.handed));
    const ready = new Promise((resolve) => child.on('message', (m) => m.ready && resolve(m.url)));
    child.send({
      config: { redisUrl: server.url, secret: LINE_SECRET, prefix: 'race:', failOnce: i === 0 ? 'X0' : undefined },
    });
    urls.push(await ready);
  }
  try {
    const deliveries = Array.from({ length: 20 }, (_, d) => lineBody(`X${d}`, `Y${d}`, `X${(d + 1) % 20}`));
    const send = (url, body) =>
      fetch(url, { method: 'POST', body, headers: { 'x-line-signature': lineSignature(body) } }).then((r) => r.status);
    for (let round = 0; round < 2; round++) {
      const statuses = await Promise.all(deliveries.flatMap((body) => urls.map((url) => send(url, body))));
      assert.ok(statuses.every((s) => s === 200 || s === 500), `statuses ${statuses}`);
    }
    // If X0's first handling threw, one more delivery of it hands it over.
    await Promise.all(urls.map((url) => send(url, lineBody('X0'))));
    const expected = Array.from({ length: 20 }, (_, d) => [`X${d}`, `Y${d}`]).flat().sort();
    assert.deepEqual([...handed].sort(), expected);
  } finally {
    for (const c of children) c.disconnect();
  }
});
