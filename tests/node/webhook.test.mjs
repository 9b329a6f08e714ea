// Webhook verify / parse / normalise through the built package, as ESM
// (`import`) and CommonJS (`require`), against node:crypto and the fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { readFileSync, readdirSync } from 'node:fs';
import {
  parseMessengerWebhook,
  parseLineWebhook,
  parseUploadResult,
  parseEvents,
  normalizeEvents,
  verifyLineSignature,
  verifyMessengerSignature,
  messengerVerifyChallenge,
  EventDeduper,
  SobotError,
} from 'sobot-channels';

const require = createRequire(import.meta.url);
const fixturesDir = new URL('../fixtures/', import.meta.url);
const fixtures = (channel) =>
  readdirSync(new URL(`${channel}/`, fixturesDir))
    .filter((n) => n.startsWith('webhook_') && n.endsWith('.json'))
    .sort()
    .map((name) => ({
      name,
      bytes: readFileSync(new URL(`${channel}/${name}`, fixturesDir)),
      expected: JSON.parse(readFileSync(new URL(`${channel}/normalized/${name}`, fixturesDir), 'utf8')),
    }));

const lineSig = (body, secret) => createHmac('sha256', secret).update(body).digest('base64');
const hubSig = (body, secret) => 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
const hubSig1 = (body, secret) => 'sha1=' + createHmac('sha1', secret).update(body).digest('hex');

/** A small seeded generator, so a failure reproduces. */
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
}

test('every fixture parses from a string, a Uint8Array and an ArrayBuffer, and normalises as expected', () => {
  let n = 0;
  for (const { name, bytes, expected } of fixtures('messenger')) {
    const text = bytes.toString('utf8');
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    if (name.includes('upload_result')) {
      assert.deepEqual(parseUploadResult(text), JSON.parse(text));
      assert.deepEqual(normalizeEvents(parseUploadResult(ab)), expected, name);
    } else {
      const parsed = parseMessengerWebhook(text);
      // the typed form keeps every field, declared or not
      assert.deepEqual(parsed, JSON.parse(text), name);
      assert.deepEqual(parseMessengerWebhook(new Uint8Array(bytes)), parsed);
      assert.deepEqual(parseMessengerWebhook(ab), parsed);
      assert.deepEqual(normalizeEvents(parsed), expected, name);
    }
    assert.deepEqual(parseEvents('messenger', bytes), expected, name);
    n++;
  }
  for (const { name, bytes, expected } of fixtures('line')) {
    const parsed = parseLineWebhook(bytes);
    assert.deepEqual(parsed, JSON.parse(bytes.toString('utf8')), name);
    assert.deepEqual(parseEvents('line', bytes.toString('utf8')), expected, name);
    assert.deepEqual(normalizeEvents(parsed), expected, name);
    n++;
  }
  assert.ok(n >= 110, `${n} fixtures`);
});

test('the document text message, typed and normalised', () => {
  const body = readFileSync(new URL('messenger/webhook_doc_text.json', fixturesDir));
  const p = parseMessengerWebhook(body);
  assert.equal(p.entry[0].messaging[0].message.text, '11');
  assert.equal(p.entry[0].time, 1714120447751);
  const [e] = parseEvents('messenger', body);
  assert.equal(e.kind, 'message');
  assert.equal(e.text, '11');
  assert.equal(e.eventId, 'm_hAxxtkOsBG8UEtO0RQNcwPgfxWKYaLWowT0Z7iLv');
  assert.deepEqual(e.raw, JSON.parse(body).entry[0].messaging[0]);
});

test('unknown kinds keep their common fields and leave the rest of the batch alone', () => {
  const body = readFileSync(new URL('line/webhook_ref_unknown_kinds.json', fixturesDir));
  const p = parseLineWebhook(body);
  assert.deepEqual(p, JSON.parse(body));
  const events = parseEvents('line', body);
  assert.deepEqual(events.map((e) => e.kind), ['membership', 'unknown', 'message', 'follow']);
  assert.equal(events[1].type, 'hologram');
  for (const field of ['eventId', 'timestamp', 'mode', 'sender', 'chat', 'replyToken']) {
    assert.notEqual(events[1][field], null, field);
  }
  assert.equal(events[2].text, 'still here');

  const m = parseEvents('messenger', readFileSync(new URL('messenger/webhook_conf_unknown_game_play.json', fixturesDir)));
  assert.equal(m[0].kind, 'unknown');
  assert.equal(m[0].type, 'game_play');
  assert.ok(m[0].sender.id && m[0].recipient.id && m[0].timestamp && m[0].pageId);
  assert.match(m[0].eventId, /^game_play:/);
  const d = new EventDeduper();
  assert.equal(d.isDuplicate(m[0]), false);
  assert.equal(d.isDuplicate(parseEvents('messenger', readFileSync(new URL('messenger/webhook_conf_unknown_game_play.json', fixturesDir)))[0]), true);
});

/** The value at a dotted path (`attachments.0.url`): objects by key, arrays by index. */
const at = (v, path) => path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), v);

test('the conformance corpus: each event signed, verified, parsed and normalised field by field', () => {
  const manifest = JSON.parse(readFileSync(new URL('conformance.json', fixturesDir), 'utf8'));
  const secret = 'conformance-secret';
  let checked = 0;
  for (const { file, events } of manifest) {
    const body = readFileSync(new URL(file, fixturesDir));
    const channel = file.startsWith('line/') ? 'line' : 'messenger';
    const ok = channel === 'line'
      ? verifyLineSignature(body, secret, lineSig(body, secret))
      : verifyMessengerSignature(body, secret, hubSig(body, secret));
    assert.equal(ok, true, `${file}: signature`);
    const got = parseEvents(channel, body);
    assert.equal(got.length, events.length, file);
    events.forEach((want, i) => {
      assert.equal(got[i].kind, want.kind, `${file}[${i}].kind`);
      for (const [path, value] of Object.entries(want.expect)) {
        assert.deepEqual(at(got[i], path), value, `${file}[${i}].${path}`);
        checked++;
      }
    });
  }
  assert.ok(checked > 1000, `${checked} values checked`);
});

/** A random JSON number's text: integers up to 30 digits, decimals, exponents. */
function jsonNumber(r) {
  const digits = (n) => Array.from({ length: n }, (_, i) => String(Math.floor(r() * 10) || (i === 0 ? 1 : 0))).join('');
  const sign = r() < 0.3 ? '-' : '';
  switch (Math.floor(r() * 5)) {
    case 0: return sign + digits(1 + Math.floor(r() * 30));
    case 1: return `${sign}${digits(1 + Math.floor(r() * 4))}.${digits(1 + Math.floor(r() * 20))}`;
    case 2: return `${sign}${digits(1)}.${digits(1 + Math.floor(r() * 17))}e${r() < 0.5 ? '-' : '+'}${Math.floor(r() * 300)}`;
    case 3: return sign + String(2 ** 53 + Math.floor(r() * 1e6));
    default: return `${sign}0.${'0'.repeat(Math.floor(r() * 10))}${digits(1 + Math.floor(r() * 17))}`;
  }
}

test('numbers read as JSON.parse reads them, in every parser (property)', () => {
  const r = rng(0x5eed);
  for (let i = 0; i < 400; i++) {
    const [a, b, c, d] = [jsonNumber(r), jsonNumber(r), jsonNumber(r), jsonNumber(r)];
    const line = `{"destination":"Ub","events":[
      {"type":"message","mode":"active","timestamp":1,"source":{"type":"user","userId":"U1"},"webhookEventId":"E${i}a",
       "deliveryContext":{"isRedelivery":false},"message":{"type":"location","id":"1","latitude":${a},"longitude":${b},"extra":${c}}},
      {"type":"postback","timestamp":2,"source":{"type":"user","userId":"U1"},"webhookEventId":"E${i}b",
       "deliveryContext":{"isRedelivery":false},"postback":{"data":"x","params":{"n":${d},"deep":[${a},{"k":${b}}]}}},
      {"type":"futureKind","timestamp":3,"webhookEventId":"E${i}c","deliveryContext":{"isRedelivery":true},"value":${c}}]}`;
    const expected = JSON.parse(line);
    assert.deepEqual(parseLineWebhook(line), expected, line);
    const events = parseEvents('line', line);
    assert.deepEqual(events.map((e) => e.raw), expected.events);
    const lat = JSON.parse(a);
    if (Number.isFinite(lat)) assert.ok(Object.is(events[0].location.latitude, lat), `${a} → ${events[0].location.latitude}`);
    assert.deepEqual(events[1].postback.params, expected.events[1].postback.params);
    assert.equal(events[2].isRedelivery, true);
    assert.deepEqual(normalizeEvents(parseLineWebhook(line)), events);

    const messenger = `{"object":"page","entry":[{"id":"1","time":${Math.floor(r() * 1e12)},"messaging":[
      {"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":5,"message":{"mid":"m${i}","text":"t",
       "attachments":[{"type":"location","payload":{"coordinates":{"lat":${a},"long":${b}}}}],"nlp":{"score":${c}}}},
      {"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":6,"shipping":{"shipping_address":{"id":${d}}}}]}]}`;
    const m = JSON.parse(messenger);
    assert.deepEqual(parseMessengerWebhook(messenger), m, messenger);
    const me = parseEvents('messenger', messenger);
    assert.deepEqual(me.map((e) => e.raw), m.entry[0].messaging);
    if (Number.isFinite(lat)) assert.ok(Object.is(me[0].location.latitude, lat));
    assert.equal(me[1].type, 'shipping');
  }
  // the issue's own examples
  const lon = '139.70372892916203';
  const body = `{"destination":"U","events":[{"type":"message","message":{"type":"location","id":"1","latitude":35.6,"longitude":${lon}}}]}`;
  assert.equal(parseLineWebhook(body).events[0].message.longitude, 139.70372892916203);
  assert.equal(parseEvents('line', body)[0].location.longitude, 139.70372892916203);
  const big = '{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"2"},"timestamp":1,"postback":{"payload":"p","params":12345678901234567890123}}]}]}';
  assert.deepEqual(parseMessengerWebhook(big), JSON.parse(big));
});

test('raw is read from the body on first read, and reads as it would eagerly', () => {
  const enc = new TextEncoder();
  const line = JSON.stringify({
    destination: 'Ub',
    events: [
      { type: 'message', timestamp: 1, source: { type: 'user', userId: 'U1' }, webhookEventId: 'A',
        deliveryContext: { isRedelivery: false }, message: { type: 'text', id: '1', text: 'h\u00e9llo \ud83d\ude00' } },
      // the same text twice: each event gets its own place in the body
      { type: 'follow', timestamp: 2, source: { type: 'user', userId: 'U1' }, webhookEventId: 'B', deliveryContext: { isRedelivery: false } },
      { type: 'follow', timestamp: 2, source: { type: 'user', userId: 'U1' }, webhookEventId: 'B', deliveryContext: { isRedelivery: false } },
    ],
  });
  // non-ASCII text, the same as escapes (an ASCII body), and whitespace between events
  const ascii = line.replace('é', '\\u00e9').replace('\u{1f600}', '\\ud83d\\ude00');
  assert.match(ascii, /^[\x00-\x7f]+$/);
  const variants = [line, ascii, line.replaceAll('},{', '},\n  {')];
  for (const text of variants) {
    const expected = JSON.parse(text).events;
    const eager = normalizeEvents(parseLineWebhook(text));
    for (const body of [text, enc.encode(text), enc.encode(text).buffer]) {
      const events = parseEvents('line', body);
      assert.deepEqual(events.map((e) => e.raw), expected);
      assert.equal(JSON.stringify(events), JSON.stringify(eager), 'same JSON, same key order');
      assert.deepEqual(Object.keys(events[0]), Object.keys(eager[0]));
      assert.deepEqual(structuredClone(parseEvents('line', body)), eager);
      assert.deepEqual({ ...parseEvents('line', body)[1] }.raw, expected[1]);
    }
  }
  // the caller's bytes may change after parsing; raw does not
  const bytes = enc.encode(line);
  const events = parseEvents('line', bytes);
  assert.equal(typeof Object.getOwnPropertyDescriptor(events[0], 'raw').get, 'function', 'not yet read');
  bytes.fill(0x20);
  assert.deepEqual(events[0].raw, JSON.parse(line).events[0]);
  // read once, then kept: the same object, and assignable
  const e = parseEvents('line', line)[0];
  assert.equal(e.raw, e.raw);
  e.raw = { replaced: true };
  assert.deepEqual(e.raw, { replaced: true });
  const f = parseEvents('line', line)[1];
  f.raw = 'before first read';
  assert.equal(f.raw, 'before first read');
  // a frozen event still reads it
  const frozen = Object.freeze(parseEvents('line', line)[0]);
  assert.deepEqual(frozen.raw, JSON.parse(line).events[0]);
  assert.deepEqual(frozen.raw, JSON.parse(line).events[0]);
  // events handed over in another order than the body's (standby written first), and a
  // body of many identical events: each still reads its own text
  const standby = '{"object":"page","entry":[{"id":"1","time":1,"standby":[{"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":4,"message":{"mid":"s","text":"a"}}],' +
    '"messaging":[{"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":5,"message":{"mid":"m","text":"b"}}]}]}';
  const byOrder = parseEvents('messenger', standby);
  assert.deepEqual(byOrder.map((e) => e.raw.message.mid).sort(), ['m', 's']);
  assert.equal(JSON.stringify(byOrder), JSON.stringify(normalizeEvents(parseMessengerWebhook(standby))));
  const same = JSON.stringify({ destination: 'U', events: Array.from({ length: 500 }, () => JSON.parse(line).events[1]) });
  assert.deepEqual(parseEvents('line', same).map((e) => e.raw), JSON.parse(same).events);
  // Messenger: raw is the messaging item
  const m = '{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":5,"message":{"mid":"m","text":"ü"}}]}]}';
  for (const body of [m, enc.encode(m)]) {
    const [me] = parseEvents('messenger', body);
    assert.deepEqual(me.raw, JSON.parse(m).entry[0].messaging[0]);
    assert.equal(JSON.stringify(me), JSON.stringify(normalizeEvents(parseMessengerWebhook(m))[0]));
  }
});

test('signatures: known vectors, one changed byte, bad headers', () => {
  const key = 'Jefe';
  const data = 'what do ya want for nothing?';
  const hex = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
  assert.equal(verifyMessengerSignature(data, key, `sha256=${hex}`), true);
  assert.equal(verifyMessengerSignature(data, key, 'sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79'), true);
  assert.equal(verifyLineSignature(data, key, 'W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM='), true);

  const body = readFileSync(new URL('line/webhook_doc_sticker.json', fixturesDir));
  const secret = 'line-channel-secret';
  const sig = lineSig(body, secret);
  const hub = hubSig(body, secret);
  assert.equal(verifyLineSignature(body, secret, sig), true);
  assert.equal(verifyMessengerSignature(body, secret, hub), true);
  for (let i = 0; i < body.length; i += 13) {
    const changed = Buffer.from(body);
    changed[i] ^= 0x20;
    assert.equal(verifyLineSignature(changed, secret, sig), false);
    assert.equal(verifyMessengerSignature(changed, secret, hub), false);
  }
  for (const bad of [undefined, null, '', 'sha256=', hub.replace('sha256=', 'sha512='), hub.replace('sha256=', ''),
    hub.slice(0, -2), hub + '00', hub.slice(0, -1) + 'g', 'sha1=' + hub.slice(7), 42]) {
    assert.equal(verifyMessengerSignature(body, secret, bad), false, String(bad));
  }
  for (const bad of [undefined, null, '', sig.slice(0, -1), sig + '=', sig + 'AAAA', sig.replace(/[+/]/g, '-').replace(/^./, '*'),
    Buffer.from('x'.repeat(32)).toString('hex'), '!!!!', {}]) {
    assert.equal(verifyLineSignature(body, secret, bad), false, String(bad));
  }
  assert.throws(() => verifyLineSignature(body, '', sig), (e) => e instanceof SobotError && e.kind === 'validation'
    && e.violations[0].path === 'channelSecret');
  assert.throws(() => verifyMessengerSignature(body, undefined, hub), (e) => e.kind === 'validation');
});

test('signatures agree with node:crypto for random bodies and secrets', () => {
  const r = rng(20240426);
  for (let i = 0; i < 600; i++) {
    const body = randomBytes(Math.floor(r() * 2048));
    const secret = randomBytes(1 + Math.floor(r() * 100)).toString('base64');
    const form = [body, new Uint8Array(body), body.buffer.slice(body.byteOffset, body.byteOffset + body.length)][i % 3];
    assert.equal(verifyLineSignature(form, secret, lineSig(body, secret)), true);
    assert.equal(verifyMessengerSignature(form, secret, hubSig(body, secret)), true);
    assert.equal(verifyMessengerSignature(form, secret, hubSig1(body, secret)), true);
    // A different secret or one flipped bit fails.
    assert.equal(verifyLineSignature(form, secret + 'x', lineSig(body, secret)), false);
    if (body.length > 0) {
      const flipped = Buffer.from(body);
      flipped[Math.floor(r() * body.length)] ^= 1 << Math.floor(r() * 8);
      assert.equal(verifyMessengerSignature(flipped, secret, hubSig(body, secret)), false);
    }
  }
  // Text bodies are signed as their UTF-8 bytes.
  const text = '{"text":"你好 👋"}';
  assert.equal(verifyLineSignature(text, 's', lineSig(Buffer.from(text, 'utf8'), 's')), true);
});

test('signatures over typed-array views, byte secrets and text with lone surrogates', () => {
  const r = rng(7);
  for (let i = 0; i < 200; i++) {
    const bytes = randomBytes(2 * (1 + Math.floor(r() * 600)));
    const secretBytes = randomBytes(1 + Math.floor(r() * 64));
    // a view into the middle of a larger buffer: only the viewed bytes are signed
    const big = new Uint8Array(bytes.length + 6);
    big.set(bytes, 2);
    const views = [new Uint16Array(big.buffer, 2, bytes.length / 2), new DataView(big.buffer, 2, bytes.length), big.subarray(2, 2 + bytes.length)];
    const secrets = [secretBytes, new Uint8Array(secretBytes), secretBytes.buffer.slice(secretBytes.byteOffset, secretBytes.byteOffset + secretBytes.length)];
    const view = views[i % 3];
    const secret = secrets[Math.floor(i / 3) % 3];
    assert.equal(verifyLineSignature(view, secret, lineSig(bytes, secretBytes)), true);
    assert.equal(verifyMessengerSignature(view, secret, hubSig(bytes, secretBytes)), true);
    assert.equal(verifyMessengerSignature(view, secret, hubSig1(bytes, secretBytes)), true);
    assert.equal(verifyLineSignature(big, secret, lineSig(bytes, secretBytes)), false);
  }
  // a lone surrogate is signed as U+FFFD's UTF-8 bytes, as TextEncoder writes it
  const text = '{"text":"a\ud800b"}';
  const utf8 = new TextEncoder().encode(text);
  assert.equal(verifyLineSignature(text, 'k', lineSig(utf8, 'k')), true);
  assert.equal(verifyMessengerSignature(text, 'k', hubSig(utf8, 'k')), true);
});

test('string bodies around the encoding threshold (1,024 UTF-16 units) read as their UTF-8', () => {
  // Below the threshold a string is encoded into a buffer of three bytes per unit, above
  // it through a Uint8Array: both must give what the string's UTF-8 gives, whatever it holds.
  const base = JSON.parse(readFileSync(new URL('line/webhook_doc_text.json', fixturesDir), 'utf8'));
  base.events[0].message.text = '@@';
  const [head, tail] = JSON.stringify(base).split('@@');
  for (const fill of ['a', '語', '\ud800', '🌏', 'é']) {
    for (const units of [1022, 1023, 1024, 1025]) {
      let text = '';
      while (head.length + text.length + fill.length + tail.length <= units) text += fill;
      text += 'x'.repeat(units - head.length - text.length - tail.length);
      const body = head + text + tail;
      assert.equal(body.length, units);
      const bytes = new TextEncoder().encode(body);
      assert.deepEqual(parseEvents('line', body), parseEvents('line', bytes), `${units} units of ${JSON.stringify(fill)}`);
      assert.equal(verifyLineSignature(body, 'k', lineSig(bytes, 'k')), true);
    }
  }
});

test('without the host crypto (browsers, Workers) the software HMAC gives the same answers', () => {
  // A fresh process where `process.getBuiltinModule` is missing, as on Node 18.
  const script = `
    process.getBuiltinModule = undefined;
    const { createHmac } = require('node:crypto');
    const { verifyLineSignature, verifyMessengerSignature } = require('sobot-channels');
    let ok = 0;
    for (let n = 0; n < 300; n++) {
      const body = Buffer.alloc(n * 7, n % 251);
      const secret = 's' + n;
      const line = createHmac('sha256', secret).update(body).digest('base64');
      const hub = 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
      const hub1 = 'sha1=' + createHmac('sha1', secret).update(body).digest('hex');
      if (verifyLineSignature(body, secret, line) && verifyMessengerSignature(new Uint8Array(body), secret, hub)
        && verifyMessengerSignature(body.toString('latin1'), 'x', hub) === false && verifyMessengerSignature(body, secret, hub1)
        && verifyLineSignature(body, secret + 'x', line) === false) ok++;
    }
    process.stdout.write(String(ok));`;
  const out = execFileSync(process.execPath, ['-e', script], { cwd: fileURLToPath(new URL('../..', import.meta.url)) });
  assert.equal(String(out), '300');
});

test('bad input: JSON errors with line and column, shape errors naming the field, size limit', () => {
  const err = (fn) => {
    try { fn(); } catch (e) { return e; }
    assert.fail('no error');
  };
  let e = err(() => parseLineWebhook('{\n  "destination": "U1",\n  "events": [tru]\n}'));
  assert.ok(e instanceof SobotError);
  assert.equal(e.kind, 'decode');
  assert.match(e.message, /line 3, column \d+/);
  assert.deepEqual(e.violations[0].rule, 'json');
  assert.equal(e.violations[0].actual.line, 3);

  e = err(() => parseMessengerWebhook('{"object":"instagram","entry":[]}'));
  assert.equal(e.violations[0].path, 'object');
  e = err(() => parseMessengerWebhook('{"object":"page"}'));
  assert.deepEqual([e.violations[0].path, e.violations[0].rule], ['entry', 'required']);
  e = err(() => parseLineWebhook('{"destination":"U1"}'));
  assert.deepEqual([e.violations[0].path, e.violations[0].rule], ['events', 'required']);
  e = err(() => parseLineWebhook('[]'));
  assert.equal(e.message, 'body must be a JSON object');

  const body = readFileSync(new URL('line/webhook_doc_text.json', fixturesDir));
  e = err(() => parseLineWebhook(body, { maxBytes: body.length - 1 }));
  assert.equal(e.kind, 'decode');
  assert.deepEqual([e.violations[0].rule, e.violations[0].limit, e.violations[0].actual], ['max_bytes', body.length - 1, body.length]);
  assert.equal(parseLineWebhook(body, { maxBytes: body.length }).events.length, 1);
  e = err(() => parseEvents('line', '{'.repeat(1024 * 1024 + 1)));
  assert.equal(e.violations[0].rule, 'max_bytes');
  e = err(() => parseLineWebhook(body, { maxBytes: -1 }));
  assert.equal(e.kind, 'validation');
  e = err(() => parseLineWebhook(12));
  assert.deepEqual([e.kind, e.violations[0].path], ['validation', 'body']);
  e = err(() => parseEvents('whatsapp', body));
  assert.equal(e.violations[0].path, 'channel');
});

test('the same instance survives thousands of random and truncated bodies', () => {
  const r = rng(7);
  const all = [...fixtures('messenger'), ...fixtures('line')].map((f) => f.bytes);
  let errors = 0;
  for (let i = 0; i < 4000; i++) {
    const src = all[i % all.length];
    let b;
    switch (i % 4) {
      case 0: b = src.subarray(0, Math.floor(r() * src.length)); break;
      case 1: b = Buffer.from(src); for (let k = 0; k < 3; k++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256); break;
      case 2: b = randomBytes(Math.floor(r() * 300)); break;
      default: b = Buffer.from(JSON.stringify({ object: 'page', entry: [{ messaging: [r() < 0.5 ? 1 : { message: [] }] }], events: 'x' }));
    }
    for (const fn of [() => parseMessengerWebhook(b), () => parseLineWebhook(b), () => parseUploadResult(b),
      () => parseEvents('messenger', b), () => parseEvents('line', b), () => verifyLineSignature(b, 's', 'AAAA')]) {
      try { fn(); } catch (e) {
        assert.ok(e instanceof SobotError, String(e));
        errors++;
      }
    }
  }
  assert.ok(errors > 4000);
  const ok = readFileSync(new URL('messenger/webhook_doc_text.json', fixturesDir));
  assert.equal(parseEvents('messenger', ok)[0].text, '11');
  assert.equal(verifyMessengerSignature(ok, 'k', hubSig(ok, 'k')), true);
});

test('messengerVerifyChallenge takes a query string, URLSearchParams, a URL or an object', () => {
  const q = 'hub.mode=subscribe&hub.verify_token=tok%20en&hub.challenge=1158201444';
  const want = { ok: true, challenge: '1158201444' };
  assert.deepEqual(messengerVerifyChallenge(q, 'tok en'), want);
  assert.deepEqual(messengerVerifyChallenge('?' + q, 'tok en'), want);
  assert.deepEqual(messengerVerifyChallenge(new URLSearchParams(q), 'tok en'), want);
  assert.deepEqual(messengerVerifyChallenge(new URL('https://x.test/webhook?' + q), 'tok en'), want);
  assert.deepEqual(messengerVerifyChallenge(Object.fromEntries(new URLSearchParams(q)), 'tok en'), want);
  assert.deepEqual(messengerVerifyChallenge(q, 'token'), {
    ok: false, reason: 'token', message: 'hub.verify_token does not match the verify token',
  });
  assert.equal(messengerVerifyChallenge('hub.mode=unsubscribe&hub.verify_token=t&hub.challenge=1', 't').reason, 'mode');
  assert.equal(messengerVerifyChallenge('hub.mode=subscribe&hub.verify_token=t', 't').reason, 'challenge');
  assert.equal(messengerVerifyChallenge({}, 't').reason, 'mode');
  assert.throws(() => messengerVerifyChallenge(q, ''), (e) => e.kind === 'validation');
});

test('EventDeduper remembers the last N ids', () => {
  const d = new EventDeduper(2);
  assert.equal(d.capacity, 2);
  assert.equal(d.isDuplicate('a'), false);
  assert.equal(d.isDuplicate('a'), true);
  assert.equal(d.isDuplicate({ eventId: 'b' }), false);
  assert.equal(d.isDuplicate('c'), false);
  assert.equal(d.has('a'), false);
  assert.equal(d.has('b'), true);
  assert.equal(d.size, 2);
  assert.equal(d.isDuplicate({ eventId: null }), false);
  assert.equal(d.isDuplicate({ eventId: null }), false);
  d.clear();
  assert.equal(d.size, 0);
  assert.equal(new EventDeduper().capacity, 10000);
  assert.throws(() => new EventDeduper(0), (e) => e instanceof SobotError && e.violations[0].path === 'capacity');
  // A redelivered LINE event is caught by its webhookEventId.
  const body = readFileSync(new URL('line/webhook_doc_follow.json', fixturesDir));
  const seen = new EventDeduper(100);
  assert.deepEqual(parseEvents('line', body).map((e) => seen.isDuplicate(e)), [false]);
  assert.deepEqual(parseEvents('line', body).map((e) => seen.isDuplicate(e)), [true]);
  seen.free();
});

test('require() gives the same webhook functions', () => {
  const m = require('sobot-channels');
  const body = readFileSync(new URL('line/webhook_doc_location.json', fixturesDir));
  const [e] = m.parseEvents('line', body);
  assert.deepEqual(e.location, { title: 'my location', address: '1-3 Kioicho, Chiyoda-ku, Tokyo, 102-8282 Japan', latitude: 35.67966, longitude: 139.73669 });
  assert.equal(m.verifyLineSignature(body, 'sec', lineSig(body, 'sec')), true);
  assert.equal(typeof m.EventDeduper, 'function');
});
