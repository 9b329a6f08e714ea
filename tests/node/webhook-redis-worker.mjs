// One process of the shared de-duplication test (webhook-redis.test.mjs): a
// node:http server whose handler keeps its claims in Redis. Each event handed
// over is reported to the parent; the first delivery containing `failOnce`
// throws in onEvents (so its events are released and must be handed over by a
// redelivery). Messages: parent → { config } → worker answers { ready, url }.
import { createServer } from 'node:http';
import { createClient } from 'redis';
import { createWebhookHandler, toNodeListener } from 'sobot-channels';
import { redisDedupeStore } from 'sobot-channels/redis';

process.once('message', async ({ config }) => {
  const redis = createClient({ url: config.redisUrl });
  await redis.connect();
  let failed = false;
  const handler = createWebhookHandler({
    channel: 'line',
    secret: config.secret,
    dedupe: redisDedupeStore(redis, { prefix: config.prefix }),
    onEvents: async (events) => {
      const ids = events.map((e) => e.eventId);
      // Yield, so that concurrent deliveries interleave in the middle of handling.
      await new Promise((r) => setImmediate(r));
      if (!failed && config.failOnce && ids.includes(config.failOnce)) {
        failed = true;
        throw new Error('simulated failure');
      }
      process.send({ handed: ids });
    },
    onError() {},
  });
  const server = createServer(toNodeListener(handler));
  server.listen(0, '127.0.0.1', () => {
    process.send({ ready: true, url: `http://127.0.0.1:${server.address().port}/webhook` });
  });
  process.on('disconnect', () => {
    server.close();
    redis.close().catch(() => {});
  });
});
