// A node:http server receiving Messenger and LINE webhooks with sobot-channels:
//   GET  /webhook/messenger  Meta's verification handshake
//   POST /webhook/messenger  X-Hub-Signature-256 verified, events parsed
//   POST /webhook/line       X-Line-Signature verified, events parsed
// It answers 200 as soon as the events are parsed and handles them afterwards.
//
//   MESSENGER_VERIFY_TOKEN=… MESSENGER_APP_SECRET=… LINE_CHANNEL_SECRET=… PORT=8080 node server.mjs
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import {
  messengerVerifyChallenge,
  verifyMessengerSignature,
  verifyLineSignature,
  parseEvents,
  EventDeduper,
  SobotError,
} from 'sobot-channels/webhook';

const MAX_BYTES = 1024 * 1024;

/** Reads the raw body, refusing more than `max` bytes. */
function readBody(req, max) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > max) {
        reject(Object.assign(new Error('body too large'), { status: 413 }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res, status, body, type = 'application/json') {
  res.writeHead(status, { 'content-type': type });
  res.end(type === 'application/json' ? JSON.stringify(body) : body);
}

/**
 * Creates the webhook server. `onEvent(event)` is called for each new
 * (not redelivered) event after the platform has its answer.
 */
export function createWebhookServer({ verifyToken, appSecret, lineChannelSecret, onEvent = () => {} }) {
  const seen = new EventDeduper(10000);
  return createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    try {
      if (req.method === 'GET' && url.pathname === '/webhook/messenger') {
        const r = messengerVerifyChallenge(url.searchParams, verifyToken);
        return r.ok ? send(res, 200, r.challenge, 'text/plain') : send(res, 403, r.message, 'text/plain');
      }
      const channel = { '/webhook/messenger': 'messenger', '/webhook/line': 'line' }[url.pathname];
      if (req.method !== 'POST' || !channel) return send(res, 404, { error: 'not found' });

      const body = await readBody(req, MAX_BYTES);
      const valid =
        channel === 'line'
          ? verifyLineSignature(body, lineChannelSecret, req.headers['x-line-signature'])
          : verifyMessengerSignature(body, appSecret, req.headers['x-hub-signature-256'] ?? req.headers['x-hub-signature']);
      if (!valid) return send(res, 401, { error: 'invalid signature' });

      const events = parseEvents(channel, body, { maxBytes: MAX_BYTES });
      const fresh = events.filter((e) => !seen.isDuplicate(e));
      send(res, 200, { received: events.length, duplicates: events.length - fresh.length });
      for (const e of fresh) setImmediate(() => Promise.resolve(onEvent(e)).catch((err) => console.error(err)));
    } catch (e) {
      if (e instanceof SobotError) return send(res, 400, { error: e.message });
      if (e.status === 413) return send(res, 413, { error: e.message });
      console.error(e);
      send(res, 500, { error: 'internal error' });
    }
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const server = createWebhookServer({
    verifyToken: process.env.MESSENGER_VERIFY_TOKEN,
    appSecret: process.env.MESSENGER_APP_SECRET,
    lineChannelSecret: process.env.LINE_CHANNEL_SECRET,
    onEvent: (e) => console.log(`${e.channel} ${e.kind} ${e.eventId ?? ''} ${e.text ?? ''}`),
  });
  server.listen(Number(process.env.PORT ?? 8080), () => console.log(`listening on ${server.address().port}`));
}
