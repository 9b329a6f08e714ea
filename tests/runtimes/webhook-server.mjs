// The webhook handler served by Bun (Bun.serve) or Deno (Deno.serve), for
// tests/node/webhook-runtimes.test.mjs: prints `LISTENING <port>` once it
// listens; GET /handed answers the event ids handed over so far.
import { createWebhookHandler } from 'sobot-channels';

const handed = [];
const handler = createWebhookHandler({
  channel: 'line',
  secret: 'line-channel-secret',
  maxBodyBytes: 4096,
  onEvents: (events) => {
    handed.push(...events.map((e) => e.eventId));
  },
});
const serve = (request) => (new URL(request.url).pathname === '/handed' ? Response.json(handed) : handler(request));

if (typeof Deno !== 'undefined') {
  Deno.serve({ port: 0, hostname: '127.0.0.1', onListen: ({ port }) => console.log(`LISTENING ${port}`) }, serve);
} else if (typeof Bun !== 'undefined') {
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: serve });
  console.log(`LISTENING ${server.port}`);
} else {
  throw new Error('run with bun or deno');
}
