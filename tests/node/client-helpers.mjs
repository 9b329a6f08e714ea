// Shared helpers of the client tests (tests/node/client-*.test.mjs, bench/client.mjs):
// an emulator per test file, clients bound to it, the documents' fixtures, and the
// text of every place a secret could leak from.
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { createServer } from 'node:net';
import { SobotClient, GraphClient } from 'sobot-channels';
import { startEmulator } from '../emulator/index.mjs';

export const APP_ID = 'client-test-app';
export const APP_KEY = 'client-test-key-3b9e51d7';
export const GRAPH_TOKEN = 'graph-test-token-a71c02';
export const PAGE = '110661988000000';

/** Fast retries for tests: the policy's shape, without the waiting. */
export const FAST_RETRY = { baseDelayMs: 1, maxDelayMs: 50 };

/** The JSON of a fixture, e.g. `fixture('messenger/send_text_request.json')`. */
export function fixture(path) {
  return JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8'));
}

/** An emulator with the test app and Graph token (plus any `options`). */
export function emulator(options = {}) {
  return startEmulator({
    seed: 11,
    apps: [{ appId: APP_ID, appKey: APP_KEY }],
    graphAccessTokens: [GRAPH_TOKEN],
    ...options,
  });
}

/** A Sobot client of the test app against `emu`. */
export function sobot(emu, options = {}) {
  return new SobotClient({ appId: APP_ID, appKey: APP_KEY, baseUrl: emu.url, retry: FAST_RETRY, ...options });
}

/** A Graph client against `emu`. */
export function graph(emu, options = {}) {
  return new GraphClient({ accessToken: GRAPH_TOKEN, baseUrl: emu.url, retry: FAST_RETRY, ...options });
}

/** The token the emulator considers current for the test app. */
export function currentToken(emu) {
  return emu.admin.tokens()[APP_ID]?.token;
}

/** Every form in which a value could show a secret: message, stack, JSON, String, inspect. */
export function exposure(value) {
  const parts = [];
  const safe = (f) => {
    try {
      parts.push(String(f()));
    } catch (e) {
      parts.push(`<${e && e.name}>`);
    }
  };
  safe(() => value && value.message);
  safe(() => value && value.stack);
  safe(() => JSON.stringify(value));
  safe(() => String(value));
  safe(() => inspect(value, { depth: null }));
  safe(() => inspect(value, { depth: null, showHidden: true, getters: true }));
  safe(() => value && JSON.stringify(value.violations));
  return parts.join('\n');
}

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejection(promise) {
  try {
    const v = await promise;
    throw Object.assign(new Error(`expected a rejection, got ${JSON.stringify(v)?.slice(0, 200)}`), { resolved: true });
  } catch (e) {
    if (e && e.resolved) throw e;
    return e;
  }
}

/** A loopback port nothing listens on. */
export async function closedPort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}
