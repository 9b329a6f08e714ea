// A node:http server receiving Messenger and LINE webhooks with sobot-channels:
//   GET  /webhook/messenger  Meta's verification handshake
//   POST /webhook/messenger  X-Hub-Signature-256 (or the legacy X-Hub-Signature) verified
//   POST /webhook/line       X-Line-Signature verified
// createWebhookHandler answers each request as the platform expects and hands each new
// event to `onEvent` once; toNodeListener serves it on node:http.
//
//   MESSENGER_VERIFY_TOKEN=… MESSENGER_APP_SECRET=… LINE_CHANNEL_SECRET=… PORT=8080 node server.mjs
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { createWebhookHandler, toNodeListener } from 'sobot-channels/webhook';

/**
 * Creates the webhook server. `onEvent(event)` is called once for each new
 * (not redelivered) event; the platform gets 200 once it resolves, 500 if it throws.
 */
export function createWebhookServer({ verifyToken, appSecret, lineChannelSecret, onEvent = () => {} }) {
  const onEvents = async (events) => {
    for (const event of events) await onEvent(event);
  };
  const listeners = {
    '/webhook/messenger': toNodeListener(
      createWebhookHandler({ channel: 'messenger', secret: appSecret, verifyToken, onEvents }),
    ),
    '/webhook/line': toNodeListener(createWebhookHandler({ channel: 'line', secret: lineChannelSecret, onEvents })),
  };
  return createServer((req, res) => {
    const listener = listeners[new URL(req.url, 'http://localhost').pathname];
    if (listener) return listener(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
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
