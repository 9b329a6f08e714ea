// A Node service's whole Messenger story with sobot-channels, step by step:
//
//   token → subscription topic → opt-in message → opt-in webhook (the user's
//   notification_messages_token) → marketing message with recipient_token → button
//   and generic templates with recipientid → asynchronous image upload → upload-result
//   webhook (attachment_id) → media template → task list and send records
//
// It runs a small webhook receiver for the two webhooks Sobot forwards (signature
// checked, events parsed by the package).
//
//   node examples/node/service.mjs http://127.0.0.1:4010          # the emulator
//   SOBOT_APP_ID=… SOBOT_APP_KEY=… PAGE_ID=… RECIPIENT_ID=… MESSENGER_APP_SECRET=… \
//     WEBHOOK_PORT=8080 node examples/node/service.mjs https://sg.sobot.com
//
// With the real platform, Sobot's console must forward the Messenger webhook to
// http(s)://<this host>:WEBHOOK_PORT/webhook/messenger. With the emulator the script
// points the emulator's webhook at itself (POST /__admin/config).
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { SobotClient, SobotError, parseEvents, verifyMessengerSignature, describeError } from 'sobot-channels';
import { settings, mask, say } from './config.mjs';

const DEFAULTS = {
  SOBOT_APP_ID: 'demo-app',
  SOBOT_APP_KEY: 'demo-key',
  PAGE_ID: '110661988000000',
  RECIPIENT_ID: '6100000000000001',
  MESSENGER_APP_SECRET: 'demo-messenger-app-secret',
  WEBHOOK_PORT: '0',
};
const OPTIONAL = {
  TOPIC_TITLE: 'Weekly deals',
  IMAGE_URL: 'https://example.com/images/weekly-deals.jpg',
  WEBHOOK_PORT: '8080',
  WEBHOOK_TIMEOUT_MS: '10000',
};

/**
 * Receives Messenger webhooks on `port` and lets the story wait for one event:
 * `next(match, what)` resolves to the first event (past or future) that `match` accepts.
 */
async function webhookReceiver({ port, appSecret, timeoutMs }) {
  const events = [];
  const waiting = new Set();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const sig = req.headers['x-hub-signature-256'] ?? req.headers['x-hub-signature'];
      if (req.method !== 'POST' || !verifyMessengerSignature(body, appSecret, sig)) {
        res.writeHead(401).end();
        return;
      }
      let parsed;
      try {
        parsed = parseEvents('messenger', body);
      } catch (e) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: e.message }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received: parsed.length }));
      for (const event of parsed) {
        events.push(event);
        for (const w of waiting) if (w.match(event)) w.resolve(event);
      }
    });
  });
  await new Promise((r) => server.listen(Number(port), '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/webhook/messenger`,
    next(match, what) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const w = { match, resolve: (e) => (clearTimeout(timer), waiting.delete(w), resolve(e)) };
        const timer = setTimeout(() => {
          waiting.delete(w);
          reject(new Error(`no ${what} webhook within ${timeoutMs} ms: is the Messenger webhook forwarded to this script?`));
        }, Number(timeoutMs));
        waiting.add(w);
      });
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

/** The story. `s` is what `settings()` read. */
export async function runStory(s) {
  const hook = await webhookReceiver({ port: s.WEBHOOK_PORT, appSecret: s.MESSENGER_APP_SECRET, timeoutMs: s.WEBHOOK_TIMEOUT_MS });
  try {
    if (s.local) {
      // What Sobot's console does for a real app: forward the Messenger webhook here.
      const r = await fetch(`${s.baseUrl}/__admin/config`, { method: 'POST', body: JSON.stringify({ messengerWebhookUrl: hook.url }) });
      if (!r.ok) throw new Error(`the emulator refused its webhook configuration: ${r.status} ${await r.text()}`);
      say('webhook', `receiving Messenger webhooks at ${hook.url} (emulator configured to deliver there)`);
    } else {
      say('webhook', `receiving Messenger webhooks on port ${new URL(hook.url).port} at /webhook/messenger`);
    }

    const client = new SobotClient({ appId: s.SOBOT_APP_ID, appKey: s.SOBOT_APP_KEY, baseUrl: s.baseUrl });
    const m = client.messenger;
    const page = s.PAGE_ID;

    // 1. A token (the client gets and refreshes it by itself; this only shows it).
    const token = await client.token();
    say('token', `got token ${mask(token.token)}, valid until ${new Date(token.expiresAt).toISOString()}`);

    // 2. The subscription topic: created, or updated when it exists already.
    const topic = {
      appid: page,
      title: s.TOPIC_TITLE,
      describe: 'Our best offers, once a week',
      image_ratio: 'HORIZONTAL',
      button_type: 'GET_UPDATES',
      image_url: s.IMAGE_URL,
      timezone: 'UTC',
    };
    let existing;
    for await (const t of m.titles({ appids: page, title: s.TOPIC_TITLE, page_no: 1, page_size: 15 })) {
      if (t.title === s.TOPIC_TITLE) existing = t;
    }
    const configid = await m.createOrUpdateTitle(existing ? { ...topic, configid: existing.configid } : topic);
    say('topic', `${existing ? 'updated' : 'created'} "${s.TOPIC_TITLE}" on page ${page} → configid ${configid}`);

    // 3. Ask the user to subscribe; the emulator (or the user, for real) accepts.
    const optIn = await m.sendOptInMessage({ appid: page, title: s.TOPIC_TITLE, recipientid: s.RECIPIENT_ID, describe: topic.describe });
    say('opt-in', `opt-in message ${mask(optIn.message_id ?? '')} sent to user ${s.RECIPIENT_ID}`);

    // 4. The opt-in webhook carries the user's notification_messages_token.
    const sub = await hook.next(
      (e) => e.kind === 'subscription' && e.sender?.id === s.RECIPIENT_ID && e.subscription.title === s.TOPIC_TITLE,
      'opt-in',
    );
    const recipientToken = sub.subscription.token;
    say('webhook', `opt-in from user ${sub.sender.id}: ${sub.subscription.status} to "${sub.subscription.title}", notification_messages_token ${recipientToken}`);
    let subscribers = 0;
    for await (const u of m.subUsers({ appid: page, title: s.TOPIC_TITLE, page_no: 1, page_size: 100 })) if (u.sub_status === 1) subscribers++;
    say('topic', `"${s.TOPIC_TITLE}" has ${subscribers} subscriber(s)`);

    // 5. A marketing message goes to the token, not to the user id.
    const marketing = await m.send({ pageid: page, recipient_token: recipientToken, messaging_type: 'UPDATE', type: 'text', payload: 'This week: 20% off everything, until Sunday.' });
    say('send', `marketing text with recipient_token → message ${mask(marketing.message_id ?? '')}`);

    // 6. Templates to the user id, inside the 24-hour window.
    const to = { pageid: page, recipientid: s.RECIPIENT_ID, messaging_type: 'RESPONSE' };
    const button = await m.send({
      ...to,
      type: 'template',
      payload: {
        template_type: 'button',
        text: 'Thanks for subscribing! What would you like to see?',
        buttons: [
          { type: 'web_url', url: 'https://example.com/deals', title: 'This week’s deals' },
          { type: 'postback', title: 'Pick my interests', payload: 'PICK_INTERESTS' },
        ],
      },
    });
    say('send', `button template (2 buttons) to ${s.RECIPIENT_ID} → message ${mask(button.message_id ?? '')}`);
    const generic = await m.send({
      ...to,
      type: 'template',
      payload: {
        template_type: 'generic',
        elements: [
          { title: 'Trail shoes', subtitle: '89 € instead of 119 €', image_url: 'https://example.com/img/shoes.jpg', default_action: { type: 'web_url', url: 'https://example.com/p/shoes' }, buttons: [{ type: 'web_url', url: 'https://example.com/p/shoes', title: 'Buy' }] },
          { title: 'Rain jacket', subtitle: '59 € instead of 79 €', image_url: 'https://example.com/img/jacket.jpg', buttons: [{ type: 'postback', title: 'Remind me', payload: 'REMIND_JACKET' }] },
        ],
      },
    });
    say('send', `generic template (2 elements) to ${s.RECIPIENT_ID} → message ${mask(generic.message_id ?? '')}`);

    // 7. Upload an image once, reuse its attachment_id (it arrives by webhook).
    const trackId = await m.uploadAsync({ pageid: page, type: 'image', payload: { url: s.IMAGE_URL } });
    say('upload', `image ${s.IMAGE_URL} → track_id ${trackId}`);
    const uploaded = await hook.next((e) => e.kind === 'upload' && e.upload.trackId === trackId, 'upload-result');
    const attachmentId = uploaded.upload.attachmentId;
    say('webhook', `upload result for track_id ${trackId}: attachment_id ${attachmentId}`);
    const media = await m.send({ ...to, type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', attachment_id: attachmentId }] } });
    say('send', `media template with attachment_id ${attachmentId} → message ${mask(media.message_id ?? '')}`);

    // 8. What the mass sends did, and each send.
    const tasks = await m.queryTaskList({ sender: page, page_no: 1, page_size: 5 });
    say('tasks', `${tasks.total_count ?? tasks.items.length} mass-send task(s) from page ${page}${tasks.items.length ? '; the latest:' : ''}`);
    for (const t of tasks.items.slice(0, 3)) {
      say('', `"${t.task_name}" ${t.task_start_time}: estimated ${t.estimate_send_num}, sent ${t.send_success_num}, failed ${t.send_error_num}, delivered ${t.already_send_num}, read ${t.already_read_num}`);
    }
    const records = await m.sendRecordList({ sender: page, page_no: 1, page_size: 5 });
    say('records', `${records.total_count ?? records.items.length} send record(s) in the last 30 days${records.items.length ? '; the latest:' : ''}`);
    for (const r of records.items.slice(0, 3)) {
      const result = r.error_code === '000000' ? 'sent' : `failed ${r.error_code} (${describeError(r.error_code)?.messageEn ?? 'unknown code'})`;
      say('', `${new Date(r.send_time).toISOString()} to ${r.recipient_id}: ${result}`);
    }
    const stats = client.stats();
    say('done', `${stats.tokenRequests} get_token request(s) for the whole story`);
  } finally {
    await hook.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    await runStory(settings(process.argv.slice(2), process.env, DEFAULTS, OPTIONAL));
  } catch (e) {
    if (e instanceof SobotError) {
      const known = e.code ? describeError(e.code) : undefined;
      console.error(`failed: ${e.endpoint ?? ''} ${e.kind}${e.code ? ` ${e.code}` : ''}: ${known?.messageEn ?? e.message}`);
      for (const v of e.violations) console.error(`  ${v.path}: ${v.message}`);
    } else {
      console.error(`failed: ${e.message}`);
    }
    process.exit(1);
  }
}
