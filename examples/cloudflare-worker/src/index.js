// A Cloudflare Worker receiving Messenger and LINE webhooks with sobot-channels:
//   GET  /webhook/messenger  Meta's verification handshake
//   POST /webhook/messenger  X-Hub-Signature-256 verified, events parsed
//   POST /webhook/line       X-Line-Signature verified, events parsed
// It answers 200 as soon as the events are parsed and handles them after the
// response (ctx.waitUntil), so the platforms never wait on your work.
import {
  init,
  messengerVerifyChallenge,
  verifyMessengerSignature,
  verifyLineSignature,
  parseEvents,
  EventDeduper,
  SobotError,
} from 'sobot-channels';

// Lives as long as the isolate: skips events the platform delivers again.
const seen = new EventDeduper(10000);

/** Your work on each new event (reply, store, enqueue …). */
async function handleEvent(event, env) {
  console.log(`${event.channel} ${event.kind} ${event.eventId ?? ''} ${event.text ?? ''}`);
}

async function receive(channel, request, env, ctx) {
  const body = await request.arrayBuffer();
  const valid =
    channel === 'line'
      ? verifyLineSignature(body, env.LINE_CHANNEL_SECRET, request.headers.get('x-line-signature'))
      : verifyMessengerSignature(
          body,
          env.MESSENGER_APP_SECRET,
          request.headers.get('x-hub-signature-256') ?? request.headers.get('x-hub-signature'),
        );
  if (!valid) return new Response('invalid signature', { status: 401 });

  let events;
  try {
    events = parseEvents(channel, body);
  } catch (e) {
    if (!(e instanceof SobotError)) throw e;
    const tooLarge = e.violations.some((v) => v.rule === 'max_bytes');
    return Response.json({ error: e.message }, { status: tooLarge ? 413 : 400 });
  }
  const fresh = events.filter((e) => !seen.isDuplicate(e));
  ctx.waitUntil(Promise.all(fresh.map((e) => handleEvent(e, env))));
  return Response.json({ received: events.length, duplicates: events.length - fresh.length });
}

export default {
  async fetch(request, env, ctx) {
    await init();
    const url = new URL(request.url);
    if (url.pathname === '/webhook/messenger' && request.method === 'GET') {
      const r = messengerVerifyChallenge(url.searchParams, env.MESSENGER_VERIFY_TOKEN);
      return r.ok ? new Response(r.challenge) : new Response(r.message, { status: 403 });
    }
    if (request.method === 'POST' && url.pathname === '/webhook/messenger') return receive('messenger', request, env, ctx);
    if (request.method === 'POST' && url.pathname === '/webhook/line') return receive('line', request, env, ctx);
    return new Response('not found', { status: 404 });
  },
};
