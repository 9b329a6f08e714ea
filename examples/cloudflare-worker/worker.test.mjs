// Runs the example Worker in real workerd (Miniflare), its Durable Object included,
// with the emulator as the Sobot API: the emulator delivers signed webhooks to the
// Worker over HTTP, and the Worker answers through Sobot.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startEmulator } from '../../tests/emulator/index.mjs';
import { startWorker, DEFAULT_BINDINGS as env } from './dev.mjs';

const fixture = (p) => readFileSync(new URL(`../../tests/fixtures/${p}`, import.meta.url));
const hubSig = (body) => 'sha256=' + createHmac('sha256', env.MESSENGER_APP_SECRET).update(body).digest('hex');
const lineSig = (body) => createHmac('sha256', env.LINE_CHANNEL_SECRET).update(body).digest('base64');
const PAGE = '110661988000000';
let emu;
let worker;
const logs = [];

before(async () => {
  emu = await startEmulator({ seed: 7, apps: [{ appId: env.SOBOT_APP_ID, appKey: env.SOBOT_APP_KEY }] });
  worker = await startWorker({ bindings: { SOBOT_BASE_URL: emu.url }, isolates: 2, onLog: (l) => logs.push(l) });
  emu.admin.configure({ messengerWebhookUrl: `${worker.url}/webhook/messenger`, lineWebhookUrl: `${worker.url}/webhook/line` });
});
after(async () => {
  await worker?.close();
  await emu?.close();
});

/** Waits until `fn()` is truthy (the Worker works after answering). */
async function eventually(fn, what) {
  for (let i = 0; i < 400; i++) {
    const v = fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out waiting for ${what}; worker log:\n${logs.join('\n')}`);
}
const sendTo = (recipient) => emu.admin.sends().find((s) => s.body.recipientid === recipient);

test('answers the Messenger handshake', async () => {
  let res = await worker.fetch(`/webhook/messenger?hub.mode=subscribe&hub.verify_token=${env.MESSENGER_VERIFY_TOKEN}&hub.challenge=1158201444`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), '1158201444');
  res = await worker.fetch('/webhook/messenger?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1');
  assert.equal(res.status, 403);
});

test('a Messenger text delivered by the emulator is answered with a button template through Sobot', async () => {
  const d = await emu.admin.triggerMessenger('text', { senderId: '7000000000000001', pageId: PAGE, text: 'Where is my parcel?' });
  assert.equal(d.result.status, 200);
  const sent = await eventually(() => sendTo('7000000000000001'), 'the reply');
  assert.equal(sent.pageid, PAGE);
  assert.equal(sent.body.type, 'template');
  assert.equal(sent.body.messaging_type, 'RESPONSE');
  assert.equal(sent.body.payload.template_type, 'button');
  assert.match(sent.body.payload.text, /Where is my parcel\?/);
  assert.deepEqual(sent.body.payload.buttons.map((b) => b.type), ['postback', 'postback', 'web_url']);
  // The send carried a token that the emulator accepted, from the one get_token call.
  const call = emu.admin.lastRequest('send');
  assert.equal(call.ret_code, '000000');
  assert.ok(call.headers.token);
  await eventually(() => logs.some((l) => /answered "Where is my parcel\?" from 7000000000000001 with a button template/.test(l)), 'the worker\'s log line');
});

test('a Messenger event redelivered to both isolates is answered once', async () => {
  const body = Buffer.from(JSON.stringify({
    object: 'page',
    entry: [{ id: PAGE, time: 1700000000000, messaging: [{ sender: { id: '7000000000000002' }, recipient: { id: PAGE }, timestamp: 1700000000000, message: { mid: 'm_redelivered_1', text: 'hi' } }] }],
  }));
  // Delivered to both isolates at once, then again to each: handled once, through the shared Durable Object.
  const deliver = (isolate) =>
    worker.fetch('/webhook/messenger', { method: 'POST', body, headers: { 'x-hub-signature-256': hubSig(body) } }, isolate);
  const first = await Promise.all([deliver(0), deliver(1)]);
  assert.deepEqual(first.map((r) => r.status), [200, 200]);
  for (const isolate of [0, 1]) assert.equal((await deliver(isolate)).status, 200);
  await eventually(() => sendTo('7000000000000002'), 'the reply');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(emu.admin.sends().filter((s) => s.body.recipientid === '7000000000000002').length, 1);
});

test('a postback (signed by the emulator) is answered with text', async () => {
  const body = {
    object: 'page',
    entry: [{ id: PAGE, time: 1700000000000, messaging: [{ sender: { id: '7000000000000003' }, recipient: { id: PAGE }, timestamp: 1700000000000, postback: { mid: 'm_pb_1', title: 'Talk to a person', payload: 'HUMAN_AGENT' } }] }],
  };
  const d = await emu.admin.triggerRaw('messenger', body, { url: `${worker.url}/webhook/messenger` });
  assert.equal(d.result.status, 200);
  const sent = await eventually(() => sendTo('7000000000000003'), 'the postback answer');
  assert.deepEqual({ type: sent.body.type, payload: sent.body.payload }, { type: 'text', payload: 'A person from our team will answer here shortly.' });
});

test('a LINE image delivered by the emulator is verified, parsed and its content looked up', async () => {
  const before = emu.admin.count('get_media_content');
  const d = await emu.admin.triggerLine(['image', 'text']);
  assert.equal(d.result.status, 200);
  const imageId = JSON.parse(d.rawBody).events[0].message.id;
  await eventually(() => emu.admin.count('get_media_content') > before, 'get_media_content');
  const call = emu.admin.lastRequest('get_media_content');
  assert.equal(call.query.messageid, imageId);
  assert.equal(call.query.appid, env.LINE_CHANNEL_ID);
  assert.equal(call.ret_code, '000000');
  const line = await eventually(() => logs.find((l) => l.includes(`image ${imageId} `)), 'the media log line');
  assert.match(line, /is at https?:\/\/\S+$/);
});

test('wrong signatures are refused: 401 for the emulator with another secret, 400 for a bad body', async () => {
  emu.admin.configure({ lineChannelSecret: 'not-the-channel-secret', messengerAppSecret: 'not-the-app-secret' });
  try {
    assert.equal((await emu.admin.triggerLine('text')).result.status, 401);
    assert.equal((await emu.admin.triggerMessenger('text')).result.status, 401);
  } finally {
    emu.admin.configure({ lineChannelSecret: env.LINE_CHANNEL_SECRET, messengerAppSecret: env.MESSENGER_APP_SECRET });
  }
  const bad = Buffer.from('{"destination":"U1"}');
  const res = await worker.fetch('/webhook/line', { method: 'POST', body: bad, headers: { 'x-line-signature': lineSig(bad) } });
  assert.equal(res.status, 400);
  const doc = fixture('line/webhook_doc_sticker.json');
  const ok = await worker.fetch('/webhook/line', { method: 'POST', body: doc, headers: { 'x-line-signature': lineSig(doc) } });
  assert.equal(ok.status, 200);
});

/** Two messages to each isolate, alternating; returns the get_token count and the 900002 answers. */
async function alternate(w, prefix) {
  emu.admin.clearRequests();
  for (let i = 0; i < 4; i++) {
    const user = `${prefix}${i}`;
    const body = Buffer.from(JSON.stringify({
      object: 'page',
      entry: [{ id: PAGE, time: 1700000000000 + i, messaging: [{ sender: { id: user }, recipient: { id: PAGE }, timestamp: 1700000000000 + i, message: { mid: `m_${user}`, text: `message ${i}` } }] }],
    }));
    const res = await w.fetch('/webhook/messenger', { method: 'POST', body, headers: { 'x-hub-signature-256': hubSig(body) } }, i % 2);
    assert.equal(res.status, 200);
    await eventually(() => sendTo(user), `the reply to ${user}`);
  }
  const revoked = emu.admin.requests({ route: 'send' }).filter((r) => r.ret_code === '900002').length;
  return { getToken: emu.admin.count('get_token'), revoked };
}

test('two isolates share one token through the Durable Object: one get_token, no revoked token', async () => {
  // Tokens the earlier tests left in the Durable Object stay valid: start from a fresh one.
  emu.admin.invalidateToken();
  const fresh = await startWorker({ bindings: { SOBOT_BASE_URL: emu.url }, isolates: 2, onLog: (l) => logs.push(l) });
  try {
    const r = await alternate(fresh, '71000000000000');
    assert.deepEqual(r, { getToken: 1, revoked: 0 });
  } finally {
    await fresh.close();
  }
});

test('without the Durable Object (TOKEN_STORE=memory) the isolates revoke each other', async () => {
  const mem = await startWorker({ bindings: { SOBOT_BASE_URL: emu.url, TOKEN_STORE: 'memory' }, isolates: 2, onLog: (l) => logs.push(l) });
  try {
    const r = await alternate(mem, '72000000000000');
    assert.ok(r.getToken >= 3, `get_token ${r.getToken}`);
    assert.ok(r.revoked >= 1, `900002 answers ${r.revoked}`);
  } finally {
    await mem.close();
  }
});
