// The small proxy a team puts in front of the Sobot API when the admin page is served from
// an origin the API does not allow cross-origin calls from. It
//
// - forwards only the Sobot API's paths, passing bodies and the `token` header through,
//   and answers CORS for the one origin the page is served from;
// - with SOBOT_APP_ID and SOBOT_APP_KEY set, holds the token: `GET /sobot-token` answers
//   `{ token, expiresAt }` of its own `SobotClient` (the page's read-only token store), and
//   a `get_token` from the page is refused. So the key never reaches a browser, and no admin
//   who connects revokes the token of the others and of your services (each `get_token`
//   invalidates the app's previous token). Put your own login in front of `/sobot-token`;
// - with the same client, runs broadcasts for the page's "Send to subscribers" panel, so a
//   run goes on when the page is closed (put your login in front of `/broadcasts` too):
//     POST   /broadcasts         {appid, title, message, runId?, perSecond?} as JSON, from
//                                 the page's origin → 202 {runId}, or 400 with the
//                                 violations; 409 while that run is going
//     GET    /broadcasts/:runId  Server-Sent Events: `progress` (the counts), then `report`
//                                 or `failed` (the error), then the stream ends
//     DELETE /broadcasts/:runId  stops the run between sends (the report says cancelled)
//   A run started again with the same runId sends only to those not yet reached (the
//   claims are this process's memory: give the client a shared store to keep them longer).
//
//   UPSTREAM=https://sg.sobot.com ALLOW_ORIGIN=https://admin.example.com \
//   SOBOT_APP_ID=… SOBOT_APP_KEY=… PORT=8788 node examples/browser-admin/proxy.mjs
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { SobotClient, SobotError, validateBroadcast } from 'sobot-channels';

/** The Sobot API's paths: get_token, Messenger, LINE, tasks and records. */
const ALLOWED = [/^\/api\/get_token$/, /^\/chat-facebook\/api\/messenger\/\w+$/, /^\/chat-line\/api\/line\/\w+$/, /^\/chat-set\/api\/(messenger|line)\/\w+$/];
/**
 * Creates the proxy server (not listening yet). `appId`/`appKey` (optional) make it hold
 * the token and serve it at `/sobot-token`; `tokenStore` may share that token further
 * (with your services), as in SobotClient.
 */
export function createProxy({ upstream, allowOrigin, appId, appKey, tokenStore, fetch: fetchImpl = fetch }) {
  const base = upstream.replace(/\/$/, '');
  const shared = appId && appKey ? new SobotClient({ appId, appKey, baseUrl: base, tokenStore, fetch: fetchImpl }) : null;
  const cors = (req) =>
    req.headers.origin === allowOrigin
      ? { 'access-control-allow-origin': allowOrigin, vary: 'Origin', 'access-control-allow-headers': 'content-type, token', 'access-control-allow-methods': 'GET, POST, DELETE', 'access-control-max-age': '600' }
      : {};
  const json = (req, res, status, body) => res.writeHead(status, { 'content-type': 'application/json', ...cors(req) }).end(JSON.stringify(body));
  const runs = shared ? broadcasts(shared) : null;

  return createServer(async (req, res) => {
    const url = new URL(req.url, 'http://proxy');
    if (shared && url.pathname === '/sobot-token') {
      if (req.method === 'OPTIONS') return res.writeHead(req.headers.origin === allowOrigin ? 204 : 403, cors(req)).end();
      try {
        const { token, expiresAt } = await shared.token();
        return json(req, res, 200, { token, expiresAt });
      } catch (e) {
        return json(req, res, 502, { error: e.message });
      }
    }
    if (runs && (url.pathname === '/broadcasts' || url.pathname.startsWith('/broadcasts/'))) {
      if (req.method === 'OPTIONS') return res.writeHead(req.headers.origin === allowOrigin ? 204 : 403, cors(req)).end();
      const reply = (status, body) => json(req, res, status, body);
      // Only the page's origin (or no browser at all) starts or stops a run; a JSON body
      // makes a browser ask first (CORS), so another site's form cannot post one.
      if (req.method !== 'GET' && req.headers.origin !== undefined && req.headers.origin !== allowOrigin) {
        return reply(403, { error: 'broadcasts are started from the admin page\'s origin only' });
      }
      try {
        return await runs(req, res, url, cors(req), reply);
      } catch (e) {
        if (!res.headersSent) return reply(400, { error: String(e?.message ?? e) });
        return res.destroy();
      }
    }
    if (shared && url.pathname === '/api/get_token') return json(req, res, 403, { error: 'this proxy holds the token: read /sobot-token' });
    if (!ALLOWED.some((re) => re.test(url.pathname))) return res.writeHead(404, { 'content-type': 'text/plain', ...cors(req) }).end('not a Sobot API path');
    if (req.method === 'OPTIONS') return res.writeHead(req.headers.origin === allowOrigin ? 204 : 403, cors(req)).end();
    if (req.method !== 'GET' && req.method !== 'POST') return res.writeHead(405, cors(req)).end();
    try {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const headers = { accept: 'application/json' };
      for (const h of ['content-type', 'token']) if (req.headers[h]) headers[h] = req.headers[h];
      const up = await fetchImpl(base + url.pathname + url.search, {
        method: req.method,
        headers,
        body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
        signal: AbortSignal.timeout(30000),
      });
      const out = { 'content-type': up.headers.get('content-type') ?? 'application/json', ...cors(req) };
      if (up.headers.get('retry-after')) out['retry-after'] = up.headers.get('retry-after');
      res.writeHead(up.status, out).end(Buffer.from(await up.arrayBuffer()));
    } catch (e) {
      res.writeHead(502, { 'content-type': 'text/plain', ...cors(req) }).end(`upstream unreachable: ${e.message}`);
    }
  });
}

/** The broadcast runs of `client`, by runId, and the handler of `/broadcasts`. */
function broadcasts(client) {
  const runs = new Map(); // runId -> { counts, end: { report } | { error }, stop, watchers }
  const event = (res, name, data) => res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  const ended = (res, end) => (end.report ? event(res, 'report', end.report) : event(res, 'failed', end.error));

  async function start(body, reply) {
    const { runId = crypto.randomUUID(), perSecond, ...request } = body ?? {};
    const violations = validateBroadcast(request);
    if (violations.length) return reply(400, { error: 'the broadcast breaks the API\'s rules: nothing was sent', violations });
    if (runs.get(runId) && !runs.get(runId).end) return reply(409, { error: `run ${runId} is going` });
    // The topic's size, for the page's progress bar (and a missing topic is refused now).
    let subscribers;
    try {
      const first = await client.messenger.querySubUsers({ appid: request.appid, title: request.title, page_no: 1, page_size: 1 });
      subscribers = first.total_count ?? null;
    } catch (e) {
      if (!(e instanceof SobotError)) throw e;
      return reply(e.kind === 'api' ? 400 : 502, e.toJSON());
    }
    const run = { counts: null, end: null, stop: new AbortController(), watchers: new Set() };
    runs.set(runId, run);
    const onProgress = (counts) => {
      run.counts = { ...counts, subscribers };
      for (const w of run.watchers) event(w, 'progress', run.counts);
    };
    client.messenger
      .broadcast(request, { runId, perSecond, signal: run.stop.signal, onProgress })
      .then((report) => ({ report: { ...report, subscribers } }), (e) => ({ error: e instanceof SobotError ? e.toJSON() : { message: String(e?.message ?? e) } }))
      .then((end) => {
        run.end = end;
        for (const w of run.watchers) {
          ended(w, end);
          w.end();
        }
      });
    reply(202, { runId });
  }

  return async (req, res, url, cors, reply) => {
    const runId = decodeURIComponent(url.pathname.slice('/broadcasts/'.length));
    if (req.method === 'POST' && url.pathname === '/broadcasts') {
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return reply(415, { error: 'send the broadcast as application/json' });
      const chunks = [];
      for await (const c of req) chunks.push(c);
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString());
      } catch {
        return reply(400, { error: 'the body must be JSON: {appid, title, message, runId?, perSecond?}' });
      }
      return start(body, reply);
    }
    const run = runs.get(runId);
    if (!run) return reply(404, { error: `no broadcast run ${runId}` });
    if (req.method === 'DELETE') {
      run.stop.abort();
      return reply(202, { runId, stopping: !run.end });
    }
    if (req.method !== 'GET') return reply(405, { error: 'POST /broadcasts, GET or DELETE /broadcasts/:runId' });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', ...cors });
    if (run.counts) event(res, 'progress', run.counts);
    if (run.end) {
      ended(res, run.end);
      return res.end();
    }
    run.watchers.add(res);
    req.on('close', () => run.watchers.delete(res));
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { UPSTREAM = 'https://sg.sobot.com', ALLOW_ORIGIN, SOBOT_APP_ID, SOBOT_APP_KEY, PORT = '8788', HOST = '127.0.0.1' } = process.env;
  if (!ALLOW_ORIGIN) {
    console.error('set ALLOW_ORIGIN to the origin the admin page is served from, e.g. http://127.0.0.1:8080');
    process.exit(2);
  }
  const server = createProxy({ upstream: UPSTREAM, allowOrigin: ALLOW_ORIGIN, appId: SOBOT_APP_ID, appKey: SOBOT_APP_KEY });
  server.listen(Number(PORT), HOST, () =>
    console.log(`proxy for ${UPSTREAM} on http://${HOST}:${server.address().port}, CORS for ${ALLOW_ORIGIN}${SOBOT_APP_ID ? `, shared token of app ${SOBOT_APP_ID}` : ''}`),
  );
}
