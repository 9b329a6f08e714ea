// One process of the Redis token-sharing load test (redis-store.test.mjs): its own
// SobotClient with its own Redis connection and store (or, for the control run,
// the client's memory), a steady load of cheap reads until the deadline the parent
// gives, and the figures sent back to the parent.
//
// Messages: parent → { config } → worker answers { ready }; parent → { go: until }
// → worker answers { result }.
import { createClient } from 'redis';
import { SobotClient } from 'sobot-channels';
import { redisTokenStore } from 'sobot-channels/redis';

let redis = null;
let client = null;

async function setUp(config) {
  if (config.store === 'redis') {
    redis = createClient({ url: config.redisUrl });
    redis.on('error', (e) => process.send({ log: `redis client error: ${e.message}` }));
    await redis.connect();
  }
  client = new SobotClient({
    appId: config.appId,
    appKey: config.appKey,
    baseUrl: config.baseUrl,
    refreshMarginMs: config.refreshMarginMs,
    tokenStore: redis ? redisTokenStore(redis, { appId: config.appId }) : undefined,
  });
}

/** `concurrency` lanes, each calling again as soon as its call settles, until `until`. */
async function load(until, concurrency) {
  const out = { pid: process.pid, calls: 0, ok: 0, errors: {}, samples: [], startedAt: Date.now(), endedAt: 0 };
  const lane = async () => {
    while (Date.now() < until) {
      try {
        await client.line.queryTaskList({ page_no: 1, page_size: 1 });
        out.ok++;
      } catch (e) {
        const key = `${e?.kind ?? 'thrown'}:${e?.code ?? e?.name ?? '?'}`;
        out.errors[key] = (out.errors[key] ?? 0) + 1;
        if (out.samples.length < 5) out.samples.push(String(e?.message ?? e));
      }
      out.calls++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  out.endedAt = Date.now();
  out.stats = client.stats();
  return out;
}

process.on('message', async (msg) => {
  try {
    if (msg.config) {
      await setUp(msg.config);
      process.send({ ready: true });
    } else if (msg.go) {
      const result = await load(msg.go.until, msg.go.concurrency);
      if (redis) await (typeof redis.close === 'function' ? redis.close() : redis.quit());
      process.send({ result }, () => process.disconnect());
    }
  } catch (e) {
    process.send({ failed: String(e?.stack ?? e) }, () => process.exit(1));
  }
});
