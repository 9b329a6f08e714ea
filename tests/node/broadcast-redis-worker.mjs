// One process of the shared broadcast test (broadcast-redis.test.mjs): a client
// whose token and run claims live in Redis runs the same broadcast as the others.
// Messages: parent → { config }; worker → { progress: counts } after each 50 sends,
// then { report }.
import { createClient } from 'redis';
import { SobotClient } from 'sobot-channels';
import { redisDedupeStore, redisTokenStore } from 'sobot-channels/redis';

process.once('message', async ({ config }) => {
  const redis = createClient({ url: config.redisUrl });
  await redis.connect();
  const client = new SobotClient({
    appId: config.appId,
    appKey: config.appKey,
    baseUrl: config.baseUrl,
    tokenStore: redisTokenStore(redis, { appId: config.appId }),
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2000 },
  });
  const report = await client.messenger.broadcast(config.request, {
    runId: config.runId,
    store: redisDedupeStore(redis, { prefix: config.prefix }),
    concurrency: 4,
    onProgress: (c) => c.sent % 50 === 0 && process.send({ progress: c }),
  });
  process.send({ report });
  process.once('disconnect', () => redis.close().catch(() => {}));
});
