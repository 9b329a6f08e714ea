// A LINE webhook server for the throughput bench, in a process of its own:
//   node bench/server-worker.mjs <plain|sdk|lineBotSdk>
// listens on 127.0.0.1 (port printed as JSON), answers POST /webhook, and
// runs until killed. Each one verifies the signature, parses the body and
// hands the events to a handler that reads each event's id.
import { createServer } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';

const kind = process.argv[2];
const secret = process.env.BENCH_SECRET;
let seen = 0;
const onEvents = (events) => {
  for (const e of events) if (e.webhookEventId ?? e.eventId) seen++;
};

let server;
if (kind === 'plain') {
  // what a user writes by hand with node:http and node:crypto
  server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const mac = createHmac('sha256', secret).update(body).digest();
      const sig = Buffer.from(String(req.headers['x-line-signature'] ?? ''), 'base64');
      if (mac.length !== sig.length || !timingSafeEqual(mac, sig)) {
        res.writeHead(401).end();
        return;
      }
      let payload;
      try {
        payload = JSON.parse(body.toString('utf8'));
      } catch {
        res.writeHead(400).end();
        return;
      }
      onEvents(payload.events ?? []);
      res.writeHead(200).end();
    });
  });
} else if (kind === 'sdk') {
  // the package's handler, with its default in-memory de-duplication
  const { createWebhookHandler, toNodeListener } = await import('sobot-channels/webhook');
  const handler = createWebhookHandler({ channel: 'line', secret, onEvents });
  server = createServer(toNodeListener(handler));
} else if (kind === 'lineBotSdk') {
  const { default: express } = await import('express');
  const { middleware } = await import('@line/bot-sdk');
  const app = express();
  app.post('/webhook', middleware({ channelSecret: secret }), (req, res) => {
    onEvents(req.body.events);
    res.sendStatus(200);
  });
  server = createServer(app);
} else {
  throw new Error(`unknown server ${kind}`);
}
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
process.on('SIGTERM', () => {
  process.stdout.write(JSON.stringify({ seen }) + '\n');
  process.exit(0);
});
