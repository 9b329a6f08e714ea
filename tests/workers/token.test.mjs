// The package in real workerd (through Miniflare): a worker imports it through
// its `workerd` entry and gets a token from the local emulator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { startEmulator } from '../emulator/index.mjs';
import { bundleWorker } from './bundle.mjs';

const APP_ID = 'worker-app';
const APP_KEY = 'worker-key-77e1';
let emu;
let mf;
let bundle;

before(async () => {
  emu = await startEmulator({ apps: [{ appId: APP_ID, appKey: APP_KEY }] });
  bundle = await bundleWorker(fileURLToPath(new URL('./token-worker.js', import.meta.url)));
  mf = new Miniflare({
    ...bundle.miniflare,
    bindings: { APP_ID, APP_KEY, SOBOT_BASE_URL: emu.url },
  });
  await mf.ready;
});

after(async () => {
  await mf?.dispose();
  await emu?.close();
});

test('the bundle resolves the package through its workerd entry', () => {
  assert.ok(bundle.inputs.some((p) => p.endsWith('index.workerd.js')), bundle.inputs.join('\n'));
  assert.ok(!bundle.inputs.some((p) => p.includes('index.node') || p.includes('index.browser')));
});

test('sign runs in workerd', async () => {
  const res = await mf.dispatchFetch('http://worker/sign');
  assert.deepEqual(await res.json(), { sign: '258eec3118705112b2c53dc8043d4d34' });
});

test('getToken in workerd reaches the local endpoint and gets a token', async () => {
  const res = await mf.dispatchFetch('http://worker/token');
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.ok, true);
  assert.equal(typeof body.token.token, 'string');
  assert.equal(body.token.expiresIn, 86400);
  const second = await (await mf.dispatchFetch('http://worker/token')).json();
  assert.notEqual(second.token.token, body.token.token);
});

test('errors in workerd are SobotErrors without the app key', async () => {
  const bad = new Miniflare({
    ...bundle.miniflare,
    bindings: { APP_ID, APP_KEY: 'not-the-key-9f', SOBOT_BASE_URL: emu.url },
  });
  try {
    const res = await bad.dispatchFetch('http://worker/token');
    const body = await res.json();
    assert.equal(body.ok, false);
    assert.equal(body.isSobotError, true);
    assert.equal(body.error.kind, 'api');
    assert.ok(!JSON.stringify(body).includes('not-the-key-9f'));
  } finally {
    await bad.dispose();
  }
});
