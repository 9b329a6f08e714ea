// Secret hygiene, swept: (a) every request the emulator recorded while every endpoint
// (Sobot, Graph, get_token) was driven through success and failure carries the app key
// in no form — raw, URL-encoded, base64, hex, hashed alone — and its one derivative is
// get_token's md5 `sign`; (b) the error paths not covered by client-secrets.test.mjs
// (aborts, token store failures, failures of iterators, the standalone getToken,
// violations quoting objects, secrets that URL-encoding changes) show no app key,
// token or access token in any form of the error, of the clients, or on the console.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { SobotClient, GraphClient, SobotError, getToken } from 'sobot-channels';
import { startEmulator, ROUTE_NAMES } from '../emulator/index.mjs';
import { exposure, rejection, FAST_RETRY } from './client-helpers.mjs';

// Keys with characters that URL-encoding, JSON and base64 each change.
const APP_ID = 'hygiene-app';
const APP_KEY = 'hyg/key+7f3e=9a&?ü 1c5d';
const GRAPH_TOKEN = 'EAAGhyg/iene+Tok=en7d21&x';
const PAGE = '110661988000000';

let emu;
const printed = [];
const originals = {};

before(async () => {
  emu = await startEmulator({
    seed: 23,
    apps: [{ appId: APP_ID, appKey: APP_KEY }],
    graphAccessTokens: [GRAPH_TOKEN],
    uploadDelayMs: 0,
    generate: {
      titles: 3,
      subscribers: { count: 5, title: 'News' },
      messengerTasks: 5,
      lineTasks: 5,
      messengerRecords: 5,
      lineRecords: 5,
      conversations: { count: 3, pageId: PAGE, messagesPerConversation: 30 },
    },
  });
  for (const k of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table']) {
    originals[k] = console[k];
    console[k] = (...args) => printed.push(args.map((a) => exposure(a)).join(' '));
  }
});
after(async () => {
  Object.assign(console, originals);
  await emu?.close();
});

const sobot = (options = {}) =>
  new SobotClient({ appId: APP_ID, appKey: APP_KEY, baseUrl: emu.url, retry: FAST_RETRY, timeoutMs: 150, ...options });
const graph = (options = {}) =>
  new GraphClient({ accessToken: GRAPH_TOKEN, baseUrl: emu.url, retry: FAST_RETRY, timeoutMs: 150, ...options });

const md5 = (s) => createHash('md5').update(s).digest('hex');
const b64 = (buf) => buf.toString('base64');

/** Every form in which the app key could leave: encodings, and hashes of the key alone. */
function keyForms(key) {
  const bytes = Buffer.from(key);
  const forms = new Map([
    ['raw', key],
    ['encodeURIComponent', encodeURIComponent(key)],
    ['form-encoded', new URLSearchParams({ k: key }).toString().slice(2)],
    ['lowercase percent-encoding', encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
    ['JSON', JSON.stringify(key).slice(1, -1)],
    ['hex', bytes.toString('hex')],
    ['HEX', bytes.toString('hex').toUpperCase()],
    ['md5(key)', md5(key)],
    ['sha1(key)', createHash('sha1').update(key).digest('hex')],
    ['sha256(key)', createHash('sha256').update(key).digest('hex')],
    ['base64url', bytes.toString('base64url')],
  ]);
  // base64 of the key inside a longer value, at each of the three alignments: the
  // characters that depend on the key's bytes only
  for (let pad = 0; pad < 3; pad++) {
    const enc = b64(Buffer.concat([Buffer.alloc(pad, 0x41), bytes]));
    const start = Math.ceil((pad * 4) / 3) + 1;
    const end = Math.floor(((pad + bytes.length) * 4) / 3) - 1;
    forms.set(`base64 (offset ${pad})`, enc.slice(start, end));
  }
  return forms;
}

test('(a) the app key never leaves the process except inside the md5 sign of get_token', async () => {
  emu.admin.reset();
  const client = sobot();
  const g = graph();
  const drive = async (p) => {
    try {
      await p;
    } catch (e) {
      if (!(e instanceof SobotError)) throw e;
    }
  };
  const walk = async (it) => {
    for await (const _ of it);
  };
  const m = client.messenger;
  const l = client.line;
  const message = { messaging_type: 'RESPONSE', recipientid: '524807506000000', pageid: PAGE, type: 'text', payload: 'hi' };

  // the standalone getToken, the client's token, every endpoint, every iterator
  await getToken({ appId: APP_ID, appKey: APP_KEY, baseUrl: emu.url });
  await client.token();
  await m.send(message);
  await m.uploadAsync({ pageid: PAGE, type: 'image', payload: { url: 'https://example.com/a.png' } });
  await m.querySubUsers({ appid: PAGE, title: 'News', page_no: 1, page_size: 10 });
  const configid = await m.createOrUpdateTitle({ appid: PAGE, title: 'Weekly', describe: 'weekly news', image_url: 'https://example.com/t.png', image_ratio: 'SQUARE', button_type: 'ALLOW', timezone: 'UTC' });
  await m.deleteTitle({ configid });
  await m.getTitleList({ page_no: 1, page_size: 10 });
  await m.sendOptInMessage({ appid: PAGE, title: 'News', recipient_id: '524807506000000' });
  await m.queryTaskList({ page_no: 1, page_size: 2 });
  await m.sendRecordList({ page_no: 1, page_size: 2 });
  await drive(l.getMediaContent({ appid: '2005652357', messageid: '1' }));
  await l.queryTaskList({ page_no: 1, page_size: 2 });
  await l.sendRecordList({ page_no: 1, page_size: 2 });
  for (const it of [m.subUsers({ appid: PAGE, title: 'News', page_size: 2 }), m.titles({ page_size: 2 }), m.tasks({ page_size: 2 }), m.sendRecords({ page_size: 2 }), l.tasks({ page_size: 2 }), l.sendRecords({ page_size: 2 })]) await walk(it);
  const convs = await g.listConversations({ pageId: PAGE, platform: 'messenger', limit: 2 });
  const cid = convs.data[0].id;
  const msgs = await g.conversationMessages(cid);
  await g.message(msgs.messages.data[0].id);
  await walk(g.conversations({ pageId: PAGE, platform: 'messenger', limit: 1 }));
  await walk(g.messages(cid));
  await walk(g.messageDetails(cid));

  // failing paths: every fault on every route, token refusals, a wrong key, bad tokens
  for (const fault of [{ type: 'status', status: 503 }, { type: 'status', status: 429, retryAfter: 0 }, { type: 'reset' }, { type: 'truncate' }, { type: 'html' }, { type: 'code' }, { type: 'invalidate_token' }, { type: 'latency', ms: 300 }]) {
    emu.admin.fault('*', { ...fault, times: 4 });
    await drive(client.token());
    await drive(m.send(message));
    await drive(l.queryTaskList({ page_no: 1, page_size: 1 }));
    await drive(walk(m.tasks({ page_size: 2 })));
    await drive(g.listConversations({ pageId: PAGE, platform: 'messenger' }));
    await drive(walk(g.messageDetails(cid)));
    emu.admin.clearFaults();
  }
  emu.admin.invalidateToken(APP_ID);
  await drive(m.querySubUsers({ appid: PAGE, title: 'News', page_no: 1, page_size: 1 }));
  await drive(sobot({ appKey: `${APP_KEY}-wrong` }).line.queryTaskList({ page_no: 1, page_size: 1 }));
  await drive(getToken({ appId: APP_ID, appKey: `${APP_KEY}x`, baseUrl: emu.url }));
  await drive(graph({ accessToken: `${GRAPH_TOKEN}-bad` }).message('m_1'));
  await new Promise((r) => setTimeout(r, 350)); // the slow requests end, and are logged

  const log = emu.admin.requests({ limit: 100000 });
  const routes = new Set(log.map((r) => r.route));
  // every route of the emulator, which reads them from the package's catalogue
  for (const r of ROUTE_NAMES.filter((n) => n !== 'media_file')) {
    assert.ok(routes.has(r), `no request on ${r}`);
  }

  const forms = keyForms(APP_KEY);
  const signs = new Set();
  for (const r of log) {
    if (r.route === 'get_token') {
      // the one derivative: md5(appid + create_time + app_key), for this app
      const { appid, create_time: t, sign } = r.query;
      assert.equal(appid, APP_ID);
      assert.match(t, /^\d{10}$/);
      const right = md5(`${APP_ID}${t}${APP_KEY}`);
      // (the wrong-key clients sign with their own key)
      if (sign === right) signs.add(sign);
      else assert.ok([`${APP_KEY}-wrong`, `${APP_KEY}x`].some((k) => sign === md5(`${APP_ID}${t}${k}`)), `get_token #${r.seq} signs with an unknown key`);
      assert.deepEqual(Object.keys(r.query).sort(), ['appid', 'create_time', 'sign']);
      assert.equal(r.rawBody, '');
    }
    const wire = [r.method, r.path, JSON.stringify(r.query), JSON.stringify(r.headers), r.rawBody, JSON.stringify(r.body ?? null)].join('\n');
    for (const [name, form] of forms) assert.ok(!wire.includes(form), `request #${r.seq} (${r.route}) carries the app key (${name})`);
    if (r.route !== 'get_token') for (const s of signs) assert.ok(!wire.includes(s), `request #${r.seq} (${r.route}) carries a sign`);
  }
  assert.ok(signs.size >= 2, 'several signs were checked');
  const byRoute = {};
  for (const r of log) byRoute[r.route] = (byRoute[r.route] ?? 0) + 1;
  console.log = originals.log;
  console.log(`wire sweep: ${log.length} requests on ${routes.size} routes, ${log.filter((r) => r.faults).length} of them faulted, ${forms.size} forms of the key; get_token ${byRoute.get_token} (${signs.size} distinct signs)`);
  console.log = (...args) => printed.push(args.map((a) => exposure(a)).join(' '));
});

test('(b) error paths beyond client-secrets: no secret in any form of the error, the clients or the console', async () => {
  emu.admin.reset();
  const client = sobot();
  await client.token();
  const token = emu.admin.tokens()[APP_ID].token;
  const lastToken = () => emu.admin.tokens()[APP_ID].token;
  const g = graph();
  const errors = [];
  // each error with the app's token at that moment (a replaced token is dead: every
  // get_token revokes the previous one)
  const collect = async (what, promise) => {
    const e = await rejection(promise);
    errors.push([what, e, emu.admin.tokens()[APP_ID]?.token]);
    return e;
  };
  const page = { page_no: 1, page_size: 1 };
  const message = { messaging_type: 'RESPONSE', recipientid: '524807506000000', pageid: PAGE, type: 'text', payload: 'hi' };

  // aborts: before the call, during a request, during a backoff wait, in an iterator
  const aborted = new AbortController();
  aborted.abort();
  await collect('abort before', client.line.queryTaskList(page, { signal: aborted.signal }));
  emu.admin.fault('line.query_task_list', { type: 'latency', ms: 200, times: 1 });
  const mid = new AbortController();
  setTimeout(() => mid.abort(), 30);
  await collect('abort in flight', client.line.queryTaskList(page, { signal: mid.signal }));
  // A 429 asks for 2 s before the next attempt; the abort comes once the first
  // answer is in, so it always falls in that wait (no race with random backoff).
  emu.admin.fault('line.query_task_list', { type: 'status', status: 429, retryAfter: 2 });
  const backoff = new AbortController();
  const slow = sobot({
    retry: { maxAttempts: 3, maxDelayMs: 5000 },
    fetch: async (url, init) => {
      const res = await fetch(url, init);
      if (String(url).includes('query_task_list')) setTimeout(() => backoff.abort(), 0);
      return res;
    },
  });
  await slow.token();
  await collect('abort in backoff', slow.line.queryTaskList(page, { signal: backoff.signal }));
  emu.admin.clearFaults();
  const iterAbort = new AbortController();
  await collect('abort in an iterator', (async () => {
    for await (const _ of client.line.tasks({ page_size: 1 }, { signal: iterAbort.signal })) iterAbort.abort();
  })());
  await collect('graph abort', g.listConversations({ pageId: PAGE, platform: 'messenger' }, { signal: aborted.signal }));

  // token store failures: get, set, lock and unlock throwing with the token in the message,
  // and a get answering a malformed value that holds the token
  const stored = () => ({ token, expiresAt: Date.now() + 3_600_000 });
  const failing = (over) => sobot({ tokenStore: { get: () => null, set: () => {}, ...over } });
  await collect('store get throws', failing({ get: () => { throw new Error(`GET sobot:token -> ${lastToken()} (parse failed)`); } }).line.queryTaskList(page));
  await collect('store get rejects', failing({ get: () => Promise.reject(new Error(`timeout reading ${APP_KEY}/${lastToken()}`)) }).line.queryTaskList(page));
  await collect('store get malformed', failing({ get: () => ({ token: [token], expiresAt: 'soon' }) }).line.queryTaskList(page));
  await collect('store lock throws', failing({ lock: () => { throw new Error(`lock held by ${APP_KEY}`); } }).line.queryTaskList(page));
  // (an unlock or set that fails after a good refresh does not fail the call)
  await failing({ unlock: () => Promise.reject(`unlock failed, token ${lastToken()}`) }).line.queryTaskList(page);
  await failing({ set: (t) => Promise.reject(`SET ${t}`) }).token();

  // iterators failing mid-walk (a token refused on every repeat, a final code, a Graph 190)
  emu.admin.fault('line.query_task_list', { type: 'invalidate_token', skip: 1, times: 4 });
  await collect('iterator token refused on every repeat', (async () => { for await (const _ of client.line.tasks({ page_size: 1 })); })());
  emu.admin.fault('messenger.query_task_list', { type: 'code', retCode: '999994', skip: 1, times: 1 });
  await collect('iterator final code', (async () => { for await (const _ of client.messenger.tasks({ page_size: 1 })); })());
  emu.admin.fault('graph.conversations', { type: 'code', graphCode: 190, status: 400, skip: 1, times: 1 });
  await collect('graph iterator 190', (async () => { for await (const _ of g.conversations({ pageId: PAGE, platform: 'messenger', limit: 1 })); })());
  emu.admin.clearFaults();

  // the standalone getToken: refused connection, a wrong key, bad options quoting the key
  const srv = createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  await collect('getToken refused', getToken({ appId: APP_ID, appKey: APP_KEY, baseUrl: `http://127.0.0.1:${port}` }));
  await collect('getToken wrong key', getToken({ appId: APP_ID, appKey: `${APP_KEY}!`, baseUrl: emu.url }));
  await collect('getToken bad baseUrl', getToken({ appId: APP_ID, appKey: APP_KEY, baseUrl: `ftp://${APP_KEY}` }));

  // violations whose actual value is an object or a URL holding a secret
  await collect('violation object', client.messenger.send({ ...message, type: 'template', payload: { template_type: 'generic', elements: [{ title: APP_KEY, secret: lastToken() }] } }));
  await collect('violation url', client.messenger.uploadAsync({ pageid: PAGE, type: 'image', payload: { url: `ftp://x/${APP_KEY}?t=${lastToken()}` } }));
  await collect('violation options', client.line.queryTaskList(page, { timeoutMs: lastToken() }));

  // Graph: a quoting fetch (the URL holds the access token URL-encoded), 190 expired
  const quoting = (url) => Promise.reject(new TypeError(`could not reach ${url} (${decodeURIComponent(String(url))})`));
  await collect('graph quoting fetch', graph({ fetch: quoting }).message('m_1'));
  await collect('sobot quoting fetch', sobot({ fetch: (url, init) => Promise.reject(new TypeError(`${url} ${JSON.stringify(init.headers)}`)) }).line.queryTaskList(page));
  emu.admin.expireGraphToken(GRAPH_TOKEN);
  await collect('graph 190 expired', g.listConversations({ pageId: PAGE, platform: 'messenger' }));

  const formsOf = (secrets) => {
    const out = [];
    for (const [name, s] of secrets) {
      out.push([`${name}`, s], [`${name} (URL-encoded)`, encodeURIComponent(s)], [`${name} (form-encoded)`, new URLSearchParams({ k: s }).toString().slice(2)], [`${name} (JSON)`, JSON.stringify(s).slice(1, -1)]);
    }
    return out;
  };
  const forms = formsOf([['app key', APP_KEY], ['access token', GRAPH_TOKEN], ['token', lastToken()]]);
  let scanned = 0;
  const leaks = [];
  for (const [what, e, current] of errors) {
    const text = exposure(e);
    scanned++;
    for (const [name, form] of formsOf([['app key', APP_KEY], ['access token', GRAPH_TOKEN], ['token', current]])) if (text.includes(form)) leaks.push(`${what}: the error shows the ${name}: ${String(e?.message).slice(0, 300)}`);
  }
  assert.deepEqual(leaks, []);
  // the kinds of errors met, and aborts rejecting with the signal's reason, as fetch does
  const by = Object.fromEntries(errors);
  for (const w of ['abort before', 'abort in flight', 'abort in backoff', 'abort in an iterator', 'graph abort']) assert.equal(by[w].name, 'AbortError', w);
  for (const w of ['store get throws', 'store get rejects', 'store get malformed', 'store lock throws']) {
    assert.ok(by[w] instanceof SobotError, w);
    assert.equal(by[w].code, 'token_store', w);
  }
  assert.equal(by['graph iterator 190'].code, '190');
  assert.equal(by['graph 190 expired'].subcode, 463);
  assert.equal(by['violation object'].kind, 'validation');

  // the clients themselves
  for (const [what, v] of [['client', client], ['graph', g], ['messenger', client.messenger], ['pager', client.line.tasks(page)], ['stats', client.stats()]]) {
    const text = exposure(v);
    for (const [name, form] of forms) assert.ok(!text.includes(form), `${what} shows the ${name}`);
  }
  const out = printed.join('\n');
  for (const [name, form] of forms) assert.ok(!out.includes(form), `console output shows the ${name}`);
  originals.log(`error sweep: ${scanned} errors (${new Set(errors.map(([, e]) => e.kind ?? e.name)).size} kinds: ${[...new Set(errors.map(([, e]) => e.kind ?? e.name))].join(', ')}), ${forms.length} secret forms × 7 renderings, ${printed.length} console lines`);
});
