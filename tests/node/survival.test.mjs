// One wasm instance survives hostile input through every exported function
// that takes a caller's value: deeply nested objects and JSON, huge numbers,
// invalid UTF-8, wrong types, BigInts and cycles. Afterwards the same instance
// still answers correctly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sdk from 'sobot-channels';

const validators = Object.keys(sdk).filter((k) => k.startsWith('validate'));
const parsers = ['parseMessengerWebhook', 'parseLineWebhook', 'parseUploadResult'];

function nested(depth, leaf = {}) {
  const root = {};
  let cur = root;
  for (let i = 0; i < depth; i++) {
    cur.a = i % 2 ? [{}] : {};
    cur = Array.isArray(cur.a) ? cur.a[0] : cur.a;
  }
  Object.assign(cur, leaf);
  return root;
}

function hostile() {
  const cyclic = { pageid: 'p' };
  cyclic.self = cyclic;
  return [
    nested(100_000),
    { pageid: 'p', type: 'text', payload: nested(50_000) },
    { payload: { elements: [nested(10_000)] } },
    cyclic,
    { page_no: 10n },
    1e308,
    -0,
    Number.MAX_SAFE_INTEGER * 1024,
    'x'.repeat(1 << 20),
    [],
    null,
    undefined,
    () => 1,
    Symbol('s'),
    new Uint8Array([0xff, 0xfe, 0xfd]),
    { page_no: Number.NaN, page_size: Infinity },
  ];
}

function hostileBodies() {
  return [
    '['.repeat(100_000) + ']'.repeat(100_000),
    '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000),
    `{"object":"page","entry":[{"id":"1","time":${'9'.repeat(400)},"messaging":[]}]}`,
    new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    new Uint8Array(0),
    '{"destination":"d","events":[' + '{},'.repeat(10_000) + '{}]}',
    '\u0000',
    '{"track_id":1e999,"attachment_id":[]}',
  ];
}

test('validators answer violations for hostile values and the instance keeps working', () => {
  for (const name of validators) {
    for (const value of hostile()) {
      const out = sdk[name](value);
      assert.ok(Array.isArray(out), `${name} answered ${typeof out}`);
    }
  }
  assert.deepEqual(
    sdk.validateSendMessage({ messaging_type: 'RESPONSE', recipientid: 'R', pageid: 'P', type: 'text', payload: 'hi' }),
    [],
  );
  assert.equal(sdk.sign('1', '1569397773', '2'), '258eec3118705112b2c53dc8043d4d34');
});

test('parsers and normalisation refuse hostile bodies with SobotErrors and the instance keeps working', () => {
  for (const name of [...parsers, 'normalizeEvents']) {
    for (const body of [...hostileBodies(), ...hostile()]) {
      try {
        sdk[name](body);
      } catch (e) {
        // Refusals are fine; a trap would break every later call below.
        assert.ok(e instanceof sdk.SobotError, `${name} threw ${String(e)}`);
      }
    }
  }
  for (const body of hostileBodies()) {
    let events;
    try {
      events = sdk.parseEvents('line', body);
    } catch (e) {
      assert.ok(e instanceof sdk.SobotError, String(e));
      continue;
    }
    // Only the batch of empty events is well-formed: each is an unknown event.
    assert.equal(events.length, 10_001);
    assert.ok(events.every((e) => e.kind === 'unknown'));
  }
  const line = JSON.stringify({
    destination: 'U1',
    events: [{ type: 'follow', mode: 'active', timestamp: 1, source: { type: 'user', userId: 'U2' }, webhookEventId: 'E', deliveryContext: { isRedelivery: false }, replyToken: 'r', follow: { isUnblocked: false } }],
  });
  assert.equal(sdk.parseEvents('line', line)[0].kind, 'follow');
});

test('client calls reject hostile requests as validation errors, sending nothing', async () => {
  let sent = 0;
  const client = new sdk.SobotClient({
    appId: 'a',
    appKey: 'k',
    baseUrl: 'http://127.0.0.1:9',
    fetch: async () => {
      sent++;
      throw new TypeError('no network in this test');
    },
  });
  for (const value of hostile()) {
    // An absent request is an empty one, and NaN / Infinity are JSON's null
    // (absent): those two are valid list requests and would go to the network.
    if (value === undefined || Number.isNaN(value?.page_no)) continue;
    await assert.rejects(client.messenger.send(value), (e) => e instanceof sdk.SobotError && e.kind === 'validation');
    await assert.rejects(client.line.queryTaskList(value), (e) => e instanceof sdk.SobotError && e.kind === 'validation');
  }
  assert.equal(sent, 0);
  assert.equal(sdk.sign('1', '1569397773', '2'), '258eec3118705112b2c53dc8043d4d34');
});
