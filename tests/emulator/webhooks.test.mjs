import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { start, receiver, PAGE } from './helpers.mjs';
import { EXAMPLES } from './doc-examples.mjs';

const LINE_SECRET = 'line-channel-secret';
const APP_SECRET = 'messenger-app-secret';

async function setup(t, answer) {
  const m = await receiver(answer);
  const l = await receiver(answer);
  const emu = await start({ messengerWebhookUrl: m.url, lineWebhookUrl: l.url, lineChannelSecret: LINE_SECRET, messengerAppSecret: APP_SECRET });
  t.after(async () => {
    await emu.close();
    await m.close();
    await l.close();
  });
  return { emu, m, l };
}

function verifyMessenger(got) {
  assert.equal(got.headers['x-hub-signature-256'], `sha256=${createHmac('sha256', APP_SECRET).update(got.raw).digest('hex')}`);
  assert.equal(got.headers['x-hub-signature'], `sha1=${createHmac('sha1', APP_SECRET).update(got.raw).digest('hex')}`);
}

function verifyLine(got) {
  assert.equal(got.headers['x-line-signature'], createHmac('sha256', LINE_SECRET).update(got.raw).digest('base64'));
}

/** Trigger options that reproduce one Messenger example of the document. */
function messengerOptions(kind, ex) {
  const entry = ex.entry[0];
  const m = entry.messaging[0];
  const o = { pageId: entry.id, time: entry.time, senderId: m.sender.id, timestamp: m.timestamp };
  if (m.message) {
    o.mid = m.message.mid;
    if (m.message.text !== undefined) o.text = m.message.text;
    else o.mediaUrl = m.message.attachments[0].payload.url;
  }
  if (m.delivery) Object.assign(o, { mids: m.delivery.mids, watermark: m.delivery.watermark });
  if (m.read) o.watermark = m.read.watermark;
  if (m.optin) {
    Object.assign(o, { payload: m.optin.payload, token: m.optin.notification_messages_token, tokenExpiry: m.optin.token_expiry_timestamp, userTokenStatus: m.optin.user_token_status, title: m.optin.title });
    if (m.optin.notification_messages_timezone) o.timezone = m.optin.notification_messages_timezone;
  }
  return o;
}

test('Messenger webhooks reproduce every example of the document and are signed', async (t) => {
  const { emu, m } = await setup(t);
  const kinds = ['text', 'video', 'image', 'file', 'delivery', 'read', 'optin', 'optin_stop', 'optin_resume'];
  for (const [i, kind] of kinds.entries()) {
    const ex = EXAMPLES[`messenger.webhook.${kind}`];
    const d = await emu.admin.triggerMessenger(kind, messengerOptions(kind, ex));
    assert.equal(d.result.status, 200, `${kind} ${JSON.stringify(d.result)}`);
    assert.equal(d.result.body, 'EVENT_RECEIVED', kind);
    const got = m.got[i];
    assert.deepEqual(got.body, ex, kind);
    assert.equal(got.raw.toString(), d.rawBody);
    verifyMessenger(got);
  }
  assert.equal(emu.admin.deliveries().length, kinds.length);
});

test('Messenger events with generated values keep the documented shapes; aliases work', async (t) => {
  const { emu, m } = await setup(t);
  for (const kind of ['text', 'image', 'video', 'audio', 'file', 'delivery', 'read', 'subscribe', 'STOP_NOTIFICATIONS', 'RESUME_NOTIFICATIONS']) {
    await emu.admin.triggerMessenger(kind, { senderId: '5248', title: 't' });
  }
  const shape = (b) => Object.keys(b.entry[0].messaging[0]).sort().join(',');
  assert.deepEqual(m.got.map((g) => shape(g.body)), [
    'message,recipient,sender,timestamp', 'message,recipient,sender,timestamp', 'message,recipient,sender,timestamp', 'message,recipient,sender,timestamp', 'message,recipient,sender,timestamp',
    'delivery,recipient,sender,timestamp', 'read,recipient,sender,timestamp', 'optin,recipient,sender,timestamp', 'optin,recipient,sender,timestamp', 'optin,recipient,sender,timestamp',
  ]);
  assert.equal(m.got[3].body.entry[0].messaging[0].message.attachments[0].type, 'audio');
  assert.equal(m.got[0].body.entry[0].id, PAGE);
  assert.match(m.got[0].body.entry[0].messaging[0].message.mid, /^m_/);
  assert.equal(m.got[8].body.entry[0].messaging[0].optin.notification_messages_status, 'STOP_NOTIFICATIONS');
  await assert.rejects(emu.admin.triggerMessenger('poke'), /unknown Messenger event/);
});

test('opt-in webhooks keep subscribers in step: subscribe, stop, resume', async (t) => {
  const { emu } = await setup(t);
  emu.admin.seed({ titles: [{ appid: PAGE, title: 'news', describe: 'd', button_type: 'ALLOW', image_ratio: 'SQUARE' }] });
  const token = await emu.tokenFor();
  const status = async () => (await emu.get(`/chat-facebook/api/messenger/query_sub_users?appid=${PAGE}&title=news&page_no=1&page_size=100`, token)).json.items.map((s) => s.sub_status);
  await emu.admin.triggerMessenger('optin', { senderId: '9', title: 'news', token: '555' });
  assert.deepEqual(await status(), [1]);
  await emu.admin.triggerMessenger('optin_stop', { senderId: '9', title: 'news', token: '555' });
  assert.deepEqual(await status(), [0]);
  await emu.admin.triggerMessenger('optin_resume', { senderId: '9', title: 'news', token: '555' });
  assert.deepEqual(await status(), [1]);
});

test('LINE webhooks reproduce every example of the document and carry X-Line-Signature', async (t) => {
  const { emu, l } = await setup(t);
  const kinds = ['text', 'image', 'video', 'audio', 'file', 'location', 'sticker', 'follow', 'unfollow'];
  for (const [i, kind] of kinds.entries()) {
    const ex = EXAMPLES[`line.webhook.${kind}`];
    const e = ex.events[0];
    const opts = { event: kind, timestamp: e.timestamp, userId: e.source.userId, webhookEventId: e.webhookEventId, mode: e.mode, replyToken: e.replyToken };
    if (e.message) opts.message = e.message;
    const d = await emu.admin.triggerLine([opts], { destination: ex.destination });
    assert.equal(d.result.status, 200, kind);
    const got = l.got[i];
    assert.deepEqual(got.body, ex, kind);
    verifyLine(got);
  }
});

test('LINE events with generated values: shapes, several events in one delivery, media registered', async (t) => {
  const { emu, l } = await setup(t);
  const d = await emu.admin.triggerLine(['text', 'image', 'video', 'audio', 'file', 'location', 'sticker', 'follow', 'unfollow']);
  assert.equal(d.result.status, 200);
  const evs = l.got[0].body.events;
  assert.equal(evs.length, 9);
  verifyLine(l.got[0]);
  assert.deepEqual(evs.map((e) => e.message?.type ?? e.type), ['text', 'image', 'video', 'audio', 'file', 'location', 'sticker', 'follow', 'unfollow']);
  const text = evs[0].message;
  assert.equal([...text.text].slice(text.emojis[0].index, text.emojis[0].index + text.emojis[0].length).join(''), '(love)');
  assert.ok(evs[1].message.imageSet.id);
  assert.equal(evs[8].replyToken, undefined);
  assert.match(evs[0].webhookEventId, /^01[0-9A-Z]{24}$/);
  assert.equal(emu.admin.state().media, 4);
  await assert.rejects(emu.admin.triggerLine('postback'), /unknown LINE event/);
});

test('delivery results report what the receiver answered; url override; raw bodies; no URL', async (t) => {
  let n = 0;
  const { emu } = await setup(t, () => (++n === 1 ? { status: 500, body: 'boom' } : { status: 200, body: 'ok' }));
  const d = await emu.admin.triggerMessenger('text');
  assert.equal(d.result.status, 500);
  assert.equal(d.result.ok, false);
  assert.equal(d.result.body, 'boom');
  const other = await receiver();
  t.after(() => other.close());
  const o = await emu.admin.triggerLine('follow', { url: other.url });
  assert.equal(o.result.status, 200);
  assert.equal(other.got.length, 1);
  const raw = await emu.admin.triggerRaw('line', '{"destination":"x","events":[]}', { url: other.url });
  assert.equal(raw.result.status, 200);
  assert.equal(other.got[1].raw.toString(), '{"destination":"x","events":[]}');
  assert.equal(other.got[1].headers['x-line-signature'], createHmac('sha256', LINE_SECRET).update('{"destination":"x","events":[]}').digest('base64'));
  const bare = await start();
  t.after(() => bare.close());
  const none = await bare.admin.triggerMessenger('text');
  assert.equal(none.result.ok, false);
  assert.match(none.result.error, /no webhook URL/);
  const closed = await bare.admin.triggerMessenger('text', { url: 'http://127.0.0.1:9/hook' });
  assert.equal(closed.result.status, 0);
  assert.ok(closed.result.error);
});
