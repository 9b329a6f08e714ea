// `sobot-channels/webhook`: the webhook functions alone, in their own smaller
// wasm. Same answers as the whole package's, one SobotError class across both
// entries, and the clients' wasm never loaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as full from 'sobot-channels';
import * as hooks from 'sobot-channels/webhook';
import { fixtureTexts } from '../fixture-texts.mjs';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../..', import.meta.url));

const WEBHOOK_EXPORTS = [
  'EventDeduper', 'MemoryDedupeStore', 'SobotError', 'WebhookHandler', 'createWebhookHandler', 'init',
  'messengerVerifyChallenge', 'normalizeEvents', 'parseEvents', 'parseLineWebhook', 'parseMessengerWebhook',
  'parseUploadResult', 'toNodeListener', 'verifyLineSignature', 'verifyMessengerSignature', 'wasmMemoryBytes',
];

test('it exports the webhook functions, each also in the whole package, and nothing else', () => {
  assert.deepEqual(Object.keys(hooks).sort(), WEBHOOK_EXPORTS);
  for (const name of WEBHOOK_EXPORTS) assert.equal(typeof full[name], typeof hooks[name], name);
  assert.deepEqual(Object.keys(require('sobot-channels/webhook')).sort(), WEBHOOK_EXPORTS);
});

test('every fixture gives the same payloads and events as the whole package', () => {
  const answer = (f) => {
    try {
      return { ok: f() };
    } catch (e) {
      return { error: e.toJSON() };
    }
  };
  let compared = 0;
  for (const { name, text } of fixtureTexts()) {
    const bytes = new TextEncoder().encode(text);
    for (const body of [text, bytes, bytes.buffer]) {
      for (const fn of ['parseMessengerWebhook', 'parseLineWebhook', 'parseUploadResult']) {
        assert.deepEqual(answer(() => hooks[fn](body)), answer(() => full[fn](body)), `${fn} ${name}`);
        compared++;
      }
      for (const channel of ['messenger', 'line']) {
        const a = answer(() => hooks.parseEvents(channel, body));
        assert.deepEqual(a, answer(() => full.parseEvents(channel, body)), `parseEvents ${channel} ${name}`);
        compared++;
      }
    }
    const typed = answer(() => full.parseLineWebhook(text));
    if (typed.ok) assert.deepEqual(hooks.normalizeEvents(typed.ok), full.normalizeEvents(typed.ok), name);
  }
  assert.ok(compared > 500, String(compared));
});

test('signatures, the handshake and the deduper answer as in the whole package', () => {
  const body = fixtureTexts().find((f) => f.name === 'line/webhook_doc_text.json').text;
  const line = createHmac('sha256', 's3cret').update(body).digest('base64');
  const hub = 'sha256=' + createHmac('sha256', 's3cret').update(body).digest('hex');
  for (const m of [hooks, full]) {
    assert.equal(m.verifyLineSignature(body, 's3cret', line), true);
    assert.equal(m.verifyLineSignature(body, 'other', line), false);
    assert.equal(m.verifyMessengerSignature(body, 's3cret', hub), true);
    assert.equal(m.verifyMessengerSignature(body, 's3cret', 'sha256=00'), false);
  }
  const q = 'hub.mode=subscribe&hub.verify_token=tok&hub.challenge=42';
  assert.deepEqual(hooks.messengerVerifyChallenge(q, 'tok'), full.messengerVerifyChallenge(q, 'tok'));
  const seen = new hooks.EventDeduper(2);
  assert.equal(seen.isDuplicate('a'), false);
  assert.equal(seen.isDuplicate('a'), true);
});

test('one SobotError class whichever entry threw, in ES modules and CommonJS', () => {
  assert.equal(hooks.SobotError, full.SobotError);
  assert.equal(require('sobot-channels/webhook').SobotError, require('sobot-channels').SobotError);
  assert.equal(require('sobot-channels/webhook').SobotError, full.SobotError);
  const fromHooks = (() => { try { hooks.parseEvents('line', '{'); } catch (e) { return e; } })();
  const fromFull = (() => { try { full.verifyLineSignature('x', '', 'a'); } catch (e) { return e; } })();
  assert.ok(fromHooks instanceof full.SobotError && fromHooks instanceof hooks.SobotError);
  assert.ok(fromFull instanceof hooks.SobotError);
  assert.equal(fromHooks.kind, 'decode');
  // and one module instance for `import` and `require`
  assert.equal(require('sobot-channels/webhook').parseEvents, hooks.parseEvents);
});

test('loading it alone loads neither the clients nor the whole package\'s wasm', () => {
  const script = `
    const fs = require('node:fs');
    const opened = [];
    const read = fs.readFileSync;
    fs.readFileSync = function (p, ...rest) { opened.push(String(p)); return read.call(this, p, ...rest); };
    const hooks = require('sobot-channels/webhook');
    hooks.parseEvents('line', '{"destination":"x","events":[]}');
    const loaded = Object.keys(require.cache).map((p) => p.split(/[\\\\/]/).pop());
    process.stdout.write(JSON.stringify({ wasm: opened.filter((p) => p.endsWith('.wasm')).map((p) => p.split(/[\\\\/]/).pop()), loaded }));`;
  const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: root }));
  assert.deepEqual(out.wasm, ['sobot_channels_webhook_bg.wasm']);
  assert.ok(!out.loaded.includes('sobot_channels.cjs') && !out.loaded.includes('index.node.cjs'), out.loaded.join(', '));
});
