// Secret hygiene: every error path of the clients, and every way an error or a client
// can be shown (message, stack, JSON, String, util.inspect, console output), never
// contains the app key, the Sobot token or the Graph access token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SobotError } from 'sobot-channels';
import { emulator, sobot, graph, exposure, rejection, currentToken, APP_KEY, GRAPH_TOKEN, PAGE, closedPort } from './client-helpers.mjs';

let emu;
const printed = [];
const originals = {};

before(async () => {
  emu = await emulator();
  // everything the package might print goes through console
  for (const k of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
    originals[k] = console[k];
    console[k] = (...args) => printed.push(args.map((a) => exposure(a)).join(' '));
  }
});
after(async () => {
  Object.assign(console, originals);
  await emu?.close();
});

const page = { page_no: 1, page_size: 1 };
const message = { messaging_type: 'RESPONSE', recipientid: '524807506000000', pageid: PAGE, type: 'text', payload: 'hi' };

function assertClean(text, secrets, what) {
  for (const s of secrets) assert.ok(!text.includes(s), `${what} shows a secret (${s.slice(0, 4)}…):\n${text.slice(0, 2000)}`);
}

test('every error path: no app key, token or access token in any form of the error, nor in console output', async () => {
  emu.admin.reset();
  const fast = { timeoutMs: 80 };
  const client = sobot(emu, fast);
  await client.token();
  const token = currentToken(emu);
  assert.ok(token && token.length >= 16);
  const g = graph(emu, fast);
  const port = await closedPort();
  const errors = [];
  const collect = async (what, promise) => {
    const e = await rejection(promise);
    errors.push([what, e]);
    return e;
  };

  // validation, of a request and of options (the key is given where it does not belong)
  await collect('validation', client.messenger.send({ ...message, payload: APP_KEY.repeat(200) }));
  await collect('options', client.line.queryTaskList(page, { timeoutMs: APP_KEY }));
  try {
    sobot(emu, { baseUrl: `not a url ${APP_KEY}` });
  } catch (e) {
    errors.push(['constructor', e]);
  }
  try {
    graph(emu, { version: GRAPH_TOKEN });
  } catch (e) {
    errors.push(['graph constructor', e]);
  }
  // api: token refused on every repeat, a platform code, a wrong key at get_token
  emu.admin.fault('line.query_task_list', { type: 'invalidate_token', times: 4 });
  await collect('api 900002', client.line.queryTaskList(page));
  emu.admin.fault('send', { type: 'code', retCode: '999999', times: 1 });
  await collect('api transient send', client.messenger.send(message));
  await collect('get_token with a wrong key', sobot(emu, { appKey: `${APP_KEY}-wrong` }).line.queryTaskList(page));
  // http, network, timeout, decode
  emu.admin.fault('line.query_task_list', { type: 'status', status: 503, times: 3 });
  await collect('http', client.line.queryTaskList(page));
  emu.admin.fault('send', { type: 'reset', times: 1 });
  await collect('network reset', client.messenger.send(message));
  await collect('refused', sobot({ url: `http://127.0.0.1:${port}` }).line.queryTaskList(page));
  emu.admin.fault('line.query_task_list', { type: 'latency', ms: 300, times: 3 });
  await collect('timeout', client.line.queryTaskList(page));
  emu.admin.fault('send', { type: 'truncate', times: 1 });
  await collect('decode', client.messenger.send(message));
  emu.admin.fault('line.query_task_list', { type: 'html', status: 200, times: 3 });
  await collect('html', client.line.queryTaskList(page));
  // a caller's fetch or a store that quotes what it was given in its failure
  const quoting = sobot(emu, {
    fetch: (url, init) => Promise.reject(new TypeError(`proxy refused ${url} token=${init.headers?.token}`)),
    tokenStore: {
      get: () => ({ token, expiresAt: Date.now() + 3_600_000 }),
      set: () => {},
    },
  });
  await collect('quoting fetch', quoting.line.queryTaskList(page));
  const badStore = sobot(emu, {
    tokenStore: {
      get: () => null,
      set: (t) => {
        throw new Error(`redis SET failed for ${t}`);
      },
    },
  });
  // A set that fails after a good refresh leaves the token with this process:
  // the call succeeds (and the failure, quoting the token, reaches no one).
  await badStore.line.queryTaskList(page);
  const storeToken = currentToken(emu);
  // Graph: bad token, an expired token, an unknown id, a quoting fetch, a timeout
  await collect('graph bad token', graph(emu, { accessToken: `${GRAPH_TOKEN}-x` }).listConversations({ pageId: PAGE, platform: 'messenger' }));
  await collect('graph unknown id', g.message('m_unknown'));
  await collect('graph quoting fetch', graph(emu, { fetch: (url) => Promise.reject(new TypeError(`failed: ${url}`)) }).message('m_1'));
  emu.admin.fault('graph.*', { type: 'latency', ms: 300, times: 3 });
  await collect('graph timeout', g.conversationMessages('t_1'));
  emu.admin.clearFaults();
  emu.admin.expireGraphToken(GRAPH_TOKEN);
  await collect('graph expired', g.listConversations({ pageId: PAGE, platform: 'messenger' }));

  const kinds = new Set(errors.map(([, e]) => e.kind));
  assert.deepEqual([...kinds].sort(), ['api', 'decode', 'http', 'network', 'timeout', 'validation']);
  const secrets = [APP_KEY, token, storeToken, GRAPH_TOKEN];
  for (const [what, e] of errors) {
    assert.ok(e instanceof SobotError, `${what}: ${e}`);
    assertClean(exposure(e), secrets, what);
  }
  // the scrubbed messages still say what happened
  const byWhat = Object.fromEntries(errors);
  assert.match(byWhat['quoting fetch'].message, /proxy refused .*token=<redacted>/);
  assert.match(byWhat['graph quoting fetch'].message, /access_token=<redacted>/);
  assert.equal(byWhat['graph expired'].subcode, 463);
  assertClean(printed.join('\n'), secrets, 'console output');
});

test('clients and their parts never show a secret when serialised or inspected', async () => {
  emu.admin.reset();
  const client = sobot(emu);
  await client.line.queryTaskList(page);
  const token = currentToken(emu);
  const g = graph(emu);
  const secrets = [APP_KEY, token, GRAPH_TOKEN];
  for (const [what, v] of [
    ['client', client],
    ['messenger', client.messenger],
    ['line', client.line],
    ['graph', g],
    ['stats', client.stats()],
    ['pager', client.line.tasks(page)],
    ['graph pager', g.conversations({ pageId: PAGE, platform: 'messenger' })],
  ]) {
    assertClean(exposure(v), secrets, what);
  }
  assert.deepEqual(JSON.parse(JSON.stringify(client)), { appId: 'client-test-app', baseUrl: emu.url });
  assert.equal(String(client), `SobotClient(client-test-app @ ${emu.url})`);
  assert.deepEqual(JSON.parse(JSON.stringify(g)), { version: 'v23.0', baseUrl: emu.url });
  assert.equal(String(g), `GraphClient(v23.0 @ ${emu.url})`);
  assertClean(printed.join('\n'), secrets, 'console output');
});
