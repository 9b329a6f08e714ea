// A Cloudflare Worker that answers Messenger and LINE webhooks through Sobot:
//   GET  /webhook/messenger  Meta's verification handshake
//   POST /webhook/messenger  X-Hub-Signature-256 verified, events parsed; a user's text
//                            message is answered with a button template (Sobot `send`),
//                            a postback with a text
//   POST /webhook/line       X-Line-Signature verified, events parsed; the download URL
//                            of a user's image, video or audio is looked up
//                            (Sobot `get_media_content`)
// createWebhookHandler answers each request (401, 403, 405, 413, 400, or 200 as soon as
// the events are parsed) and does the work after the response (ctx.waitUntil), so the
// platforms never wait on Sobot.
//
// It also sends to a topic's subscribers (./broadcast.js): POST /broadcast enqueues the
// run on a Cloudflare Queue, whose consumer (`queue()` below) sends.
//
// Two Durable Objects are shared by every isolate: the Sobot token (./token-store.js;
// each `get_token` call invalidates the previous token) and claims (./claim-store.js):
// the webhook events already handled, so that a redelivery to another isolate is not
// handled twice, and each broadcast run's recipients, so that nobody gets two sends.
import { init, createWebhookHandler, SobotClient, SobotError } from 'sobot-channels';
import { durableTokenStore } from './token-store.js';
import { durableDedupeStore } from './claim-store.js';
import { broadcastRequest, consumeBroadcast } from './broadcast.js';

export { SobotTokenStore } from './token-store.js';
export { SobotClaimStore } from './claim-store.js';

// Both live as long as the isolate.
let client;
let handlers;

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

/** Handles the new events of one delivery; a failure is logged, not redelivered. */
async function handleEvents(events, env) {
  await Promise.all(
    events.map((e) =>
      handleEvent(e, env).catch((err) => {
        const detail = err instanceof SobotError ? JSON.stringify(err) : String(err?.stack ?? err);
        console.error(`[worker] ${e.channel} ${e.kind} failed: ${detail}`);
      }),
    ),
  );
}

/** One handler per channel: signatures checked, events de-duplicated across isolates. */
function webhookHandlers(env) {
  const dedupe = durableDedupeStore(env.SOBOT_CLAIMS);
  // deferHandling: answer 200 at once and work in ctx.waitUntil, so the platforms never wait on Sobot.
  const common = { dedupe, deferHandling: true, onEvents: (events) => handleEvents(events, env) };
  return {
    messenger: createWebhookHandler({
      channel: 'messenger',
      secret: env.MESSENGER_APP_SECRET,
      verifyToken: env.MESSENGER_VERIFY_TOKEN,
      ...common,
    }),
    line: createWebhookHandler({ channel: 'line', secret: env.LINE_CHANNEL_SECRET, ...common }),
  };
}

export default {
  async fetch(request, env, ctx) {
    await init();
    handlers ??= webhookHandlers(env);
    const { pathname } = new URL(request.url);
    if (pathname === '/webhook/messenger') return handlers.messenger(request, ctx);
    if (pathname === '/webhook/line') return handlers.line(request, ctx);
    return (await broadcastRequest(request, env, sobot(env))) ?? new Response('not found', { status: 404 });
  },

  async queue(batch, env) {
    await init();
    await consumeBroadcast(batch, env, sobot(env));
  },
};
