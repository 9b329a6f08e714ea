// A Cloudflare Worker that answers Messenger and LINE webhooks through Sobot:
//   GET  /webhook/messenger  Meta's verification handshake
//   POST /webhook/messenger  X-Hub-Signature-256 verified, events parsed; a user's text
//                            message is answered with a button template (Sobot `send`),
//                            a postback with a text
//   POST /webhook/line       X-Line-Signature verified, events parsed; the download URL
//                            of a user's image, video or audio is looked up
//                            (Sobot `get_media_content`)
// It answers 200 as soon as the events are parsed and does the work after the
// response (ctx.waitUntil), so the platforms never wait on Sobot.
//
// The Sobot token lives in the SobotTokenStore Durable Object (./token-store.js), shared
// by every isolate: each `get_token` call invalidates the previous token.
import {
  init,
  messengerVerifyChallenge,
  verifyMessengerSignature,
  verifyLineSignature,
  parseEvents,
  EventDeduper,
  SobotClient,
  SobotError,
} from 'sobot-channels';
import { durableTokenStore } from './token-store.js';

export { SobotTokenStore } from './token-store.js';

// Both live as long as the isolate.
const seen = new EventDeduper(10000);
let client;

/** This isolate's Sobot client; its token comes from the Durable Object. */
function sobot(env) {
  if (!client) {
    client = new SobotClient({
      appId: env.SOBOT_APP_ID,
      appKey: env.SOBOT_APP_KEY,
      baseUrl: env.SOBOT_BASE_URL,
      // TOKEN_STORE=memory shows what goes wrong without the Durable Object.
      tokenStore: env.TOKEN_STORE === 'memory' ? undefined : durableTokenStore(env.SOBOT_TOKEN, env.SOBOT_APP_ID),
    });
  }
  return client;
}

/** The reply to a user's text: a button template (Messenger 1.4.1). */
export function buttonReply(text) {
  const quoted = text.length > 200 ? `${text.slice(0, 199)}…` : text;
  return {
    type: 'template',
    payload: {
      template_type: 'button',
      text: `You said “${quoted}”. How can we help?`,
      buttons: [
        { type: 'postback', title: 'Track my order', payload: 'TRACK_ORDER' },
        { type: 'postback', title: 'Talk to a person', payload: 'HUMAN_AGENT' },
        { type: 'web_url', title: 'Open the help centre', url: 'https://example.com/help' },
      ],
    },
  };
}

const POSTBACK_ANSWERS = {
  TRACK_ORDER: 'Your order ships tomorrow.',
  HUMAN_AGENT: 'A person from our team will answer here shortly.',
};

/** Handles one new event; runs after the webhook has been answered. */
async function handleEvent(event, env) {
  const log = (text) => console.log(`[worker] ${event.channel} ${event.kind}: ${text}`);
  if (event.channel === 'messenger') {
    const to = { pageid: event.recipient?.id, recipientid: event.sender?.id, messaging_type: 'RESPONSE' };
    if (event.kind === 'message' && !event.isEcho && event.text) {
      const sent = await sobot(env).messenger.send({ ...to, ...buttonReply(event.text) });
      log(`answered "${event.text}" from ${to.recipientid} with a button template (${sent.message_id})`);
    } else if (event.kind === 'postback' && event.postback.payload) {
      const text = POSTBACK_ANSWERS[event.postback.payload] ?? 'Thanks!';
      const sent = await sobot(env).messenger.send({ ...to, type: 'text', payload: text });
      log(`answered postback ${event.postback.payload} (${sent.message_id})`);
    } else {
      log(`${event.eventId ?? ''}`);
    }
  } else if (event.kind === 'message' && event.attachments.some((a) => a.contentId)) {
    for (const a of event.attachments.filter((x) => x.contentId)) {
      const url = await sobot(env).line.getMediaContent({ messageid: a.contentId, appid: env.LINE_CHANNEL_ID });
      log(`${a.type} ${a.contentId} from ${event.sender?.id} is at ${url}`);
    }
  } else {
    log(event.text ?? event.eventId ?? '');
  }
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
  ctx.waitUntil(
    Promise.all(
      fresh.map((e) =>
        handleEvent(e, env).catch((err) => {
          const detail = err instanceof SobotError ? JSON.stringify(err) : String(err?.stack ?? err);
          console.error(`[worker] ${e.channel} ${e.kind} failed: ${detail}`);
        }),
      ),
    ),
  );
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
