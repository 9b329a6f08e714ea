// A local emulator of the Sobot open platform (Messenger and LINE channels) and of
// Meta's Graph API Conversations API: one HTTP server on 127.0.0.1 that answers the
// documented paths, records every request, injects faults and sends webhooks.
// See README.md in this folder.

import http from 'node:http';
import { randomInt } from 'node:crypto';
import { createRng, streamSeed } from './lib/rng.mjs';
import { Store } from './lib/store.mjs';
import { Faults } from './lib/faults.mjs';
import { SOBOT_MESSAGES, SobotFail, isLoopbackOrigin, isObj } from './lib/util.mjs';
import * as sobot from './lib/sobot.mjs';
import * as graph from './lib/graph.mjs';
import { GraphFail, graphError } from './lib/graph.mjs';
import { deliver, lineEvent, messengerEvent, webhookHeaders } from './lib/webhooks.mjs';
import { handleAdmin } from './lib/admin-http.mjs';
import { SOBOT_ENDPOINTS } from './lib/rules.mjs';

/** The handler of each Sobot endpoint of the package's catalogue, by its name there. */
const SOBOT_HANDLERS = {
  get_token: sobot.getToken,
  'messenger.send': sobot.send,
  'messenger.upload_async': sobot.uploadAsync,
  'messenger.query_sub_users': sobot.querySubUsers,
  'messenger.create_or_update_title': sobot.createOrUpdateTitle,
  'messenger.del_title': sobot.delTitle,
  'messenger.get_title_list': sobot.getTitleList,
  'messenger.send_opt_in_message': sobot.sendOptInMessage,
  'messenger.query_task_list': sobot.messengerTaskList,
  'messenger.send_record_list': sobot.messengerRecordList,
  'line.get_media_content': sobot.getMediaContent,
  'line.query_task_list': sobot.lineTaskList,
  'line.send_record_list': sobot.lineRecordList,
};

/** Every Sobot route, from the package's catalogue: method, path, route name, group, handler, whether it needs the token. */
const SOBOT_ROUTES = SOBOT_ENDPOINTS.map(({ endpoint: e, route, group }) => {
  const handler = SOBOT_HANDLERS[e.name];
  if (!handler) throw new Error(`the emulator has no handler for ${e.name}`);
  return [e.method, e.path, route, group, handler, e.auth === 'sobot_token'];
});

const GRAPH_ROUTES = [
  ['graph.conversations', graph.conversations],
  ['graph.messages', graph.messagesEdge],
  ['graph.node', graph.node],
];

/** Route name → group, for every route (used by fault patterns like `messenger.*`). */
export const ROUTE_GROUPS = Object.freeze(
  Object.fromEntries([
    ...SOBOT_ROUTES.map((r) => [r[2], r[3]]),
    ...GRAPH_ROUTES.map((r) => [r[0], 'graph']),
    ['media_file', 'media'],
  ]),
);

/** Every route name the emulator knows. */
export const ROUTE_NAMES = Object.freeze(Object.keys(ROUTE_GROUPS));

const sobotByPath = new Map(SOBOT_ROUTES.map((r) => [r[1], { method: r[0], path: r[1], name: r[2], group: r[3], handler: r[4], auth: r[5] }]));
const GRAPH_PATH = /^\/(v\d+\.\d+)\/([^/]+)(?:\/(conversations|messages))?\/?$/;

const DEFAULTS = {
  apps: [{ appId: 'demo-app', appKey: 'demo-key' }],
  tokenTtlSeconds: 86400,
  createTimeSkewSeconds: 300,
  graphAccessTokens: ['demo-page-token'],
  pages: [{ pageid: '110661988000000', name: 'Sobot Demo Page' }],
  lineChannels: [{ appid: '2005652357', name: 'Sobot Demo LINE' }],
  companyId: 'c72d7e67c0f64d38879747c9cfd68e85',
  webhookUrl: undefined,
  messengerWebhookUrl: undefined,
  lineWebhookUrl: undefined,
  lineChannelSecret: 'demo-line-channel-secret',
  messengerAppSecret: 'demo-messenger-app-secret',
  lineDestination: 'U0000000000000000000000000000demo',
  uploadDelayMs: 50,
  autoOptIn: true,
  optInDelayMs: 0,
  webhookTimeoutMs: 5000,
  // The most Messenger sends one Page accepts per second of the emulator's clock;
  // more are answered 429 with Retry-After (the seconds to the next window). null: no limit.
  sendsPerPagePerSecond: null,
  maxLoggedRequests: 100000,
  initialData: undefined,
  generate: undefined,
  host: '127.0.0.1',
  port: 0,
};

/** Options that admin.configure() may change on a running emulator. */
const CONFIGURABLE = ['tokenTtlSeconds', 'createTimeSkewSeconds', 'webhookUrl', 'messengerWebhookUrl', 'lineWebhookUrl', 'lineChannelSecret', 'messengerAppSecret', 'uploadDelayMs', 'autoOptIn', 'optInDelayMs', 'webhookTimeoutMs', 'sendsPerPagePerSecond'];

const MEDIA_BYTES = {
  image: Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000'
    + '1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082', 'hex'),
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class Emulator {
  constructor(options) {
    this.options = { ...DEFAULTS, ...options };
    this.initialConfig = Object.fromEntries(CONFIGURABLE.map((k) => [k, this.options[k]]));
    this.seed = this.options.seed ?? randomInt(2 ** 31);
    this.fixedTime = null;
    this.offset = 0;
    this.url = '';
    this.timers = new Set();
    this.pending = new Set();
    this.faults = new Faults(this);
    this.store = new Store(this.ctx());
    this.resetState();
  }

  ctx() {
    const emu = this;
    return {
      options: this.options,
      now: () => emu.now(),
      get ids() {
        return emu.ids;
      },
      get gen() {
        return emu.gen;
      },
      baseUrl: () => emu.url,
    };
  }

  /** The emulator's clock in epoch milliseconds (frozen, shifted or real). */
  now() {
    if (this.fixedTime !== null) return this.fixedTime;
    return (this.options.now ? this.options.now() : Date.now()) + this.offset;
  }

  resetState() {
    this.cancelTimers();
    Object.assign(this.options, this.initialConfig);
    this.ids = createRng(streamSeed(this.seed, 0));
    this.gen = createRng(streamSeed(this.seed, 1));
    this.faultRng = createRng(streamSeed(this.seed, 2));
    this.fixedTime = null;
    this.offset = 0;
    this.faults.clear();
    this.requestLog = [];
    this.requestSeq = 0;
    this.countMap = new Map();
    this.deliveries = [];
    this.pageWindows = new Map();
    const s = this.store;
    s.clear();
    for (const a of this.options.apps) s.addApp(a);
    for (const p of this.options.pages) s.addPage(p);
    for (const c of this.options.lineChannels) s.addLineChannel(c);
    for (const t of this.options.graphAccessTokens) s.graphTokens.set(String(t), { expired: false });
    if (this.options.initialData) s.seed(this.options.initialData);
    if (this.options.generate) s.generate(this.options.generate);
  }

  defaultPageId() {
    return this.store.pages.keys().next().value ?? '110661988000000';
  }

  defaultLineAppId() {
    return this.store.lineChannels.keys().next().value ?? '2005652357';
  }

  routeGroup(route) {
    return ROUTE_GROUPS[route];
  }

  /** Accepts route names, `*`, `<group>.*` and `messenger.`/`line.`-qualified aliases. */
  normaliseRoute(route) {
    const r = String(route);
    if (r === '*' || /^(sobot|messenger|line|graph|media)\.\*$/.test(r)) return r;
    if (ROUTE_GROUPS[r]) return r;
    if (r === 'token') return 'get_token';
    const m = /^(messenger|line|sobot)\.(.+)$/.exec(r);
    if (m && ROUTE_GROUPS[m[2]] === m[1]) return m[2];
    throw new SobotFail('999994', `unknown route "${r}"; known: ${ROUTE_NAMES.join(', ')}`);
  }

  // ---- webhooks ---------------------------------------------------------------

  messengerTarget(url) {
    return url ?? this.options.messengerWebhookUrl ?? this.options.webhookUrl;
  }

  lineTarget(url) {
    return url ?? this.options.lineWebhookUrl ?? this.options.webhookUrl;
  }

  track(promise) {
    this.pending.add(promise);
    promise.finally(() => this.pending.delete(promise));
    return promise;
  }

  async sendSigned(channel, url, body, meta) {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const headers = webhookHeaders(channel, channel === 'line' ? this.options.lineChannelSecret : this.options.messengerAppSecret, raw);
    const record = { seq: this.deliveries.length + 1, time: this.now(), channel, ...meta, url: url ?? null, headers, rawBody: raw, body: typeof body === 'string' ? undefined : body };
    this.deliveries.push(record);
    if (!url) {
      record.result = { status: 0, ok: false, error: 'no webhook URL configured' };
      return record;
    }
    record.result = await deliver(url, raw, headers, this.options.webhookTimeoutMs);
    return record;
  }

  async triggerMessenger(event, opts = {}) {
    const { body } = messengerEvent(this, event, opts);
    this.applyOptIn(body);
    return this.track(this.sendSigned('messenger', this.messengerTarget(opts.url), body, { event }));
  }

  async triggerLine(events, opts = {}) {
    const list = Array.isArray(events) ? events : [{ event: events, ...opts }];
    const built = list.map((e) => (typeof e === 'string' ? lineEvent(this, e, {}) : lineEvent(this, e.event ?? e.type, e)));
    const body = { destination: opts.destination ?? this.options.lineDestination, events: built };
    return this.track(this.sendSigned('line', this.lineTarget(opts.url), body, { event: list.map((e) => (typeof e === 'string' ? e : e.event ?? e.type)).join(',') }));
  }

  async triggerRaw(channel, body, opts = {}) {
    if (channel !== 'line' && channel !== 'messenger') throw new SobotFail('999994', 'channel must be line or messenger');
    const url = channel === 'line' ? this.lineTarget(opts.url) : this.messengerTarget(opts.url);
    return this.track(this.sendSigned(channel, url, body, { event: 'raw' }));
  }

  /** Keeps subscribers in step with opt-in webhooks (subscribe, stop, resume). */
  applyOptIn(body) {
    const m = body.entry?.[0]?.messaging?.[0];
    const o = m?.optin;
    if (!o) return;
    const pageid = m.recipient.id;
    const facebookid = m.sender.id;
    const now = this.now();
    const existing = this.store.findSubscriber((s) => s.pageid === pageid && s.facebookid === facebookid && s.sub_title === o.title);
    const status = o.notification_messages_status === 'STOP_NOTIFICATIONS' ? 0 : 1;
    if (existing) {
      existing.pub.sub_status = status;
      existing.pub.update_time = now;
      existing.pub.sub_token = o.notification_messages_token;
    } else {
      const t = this.store.findTitle(pageid, o.title);
      this.store.addSubscriber({ facebookid, pageid, sub_status: status, sub_title: o.title, sub_token: o.notification_messages_token, timezone: o.notification_messages_timezone ?? t?.timezone ?? 'UTC', title_describe: t?.describe ?? o.payload, create_time: now, update_time: now });
    }
  }

  scheduleUploadResult(upload) {
    const url = this.messengerTarget();
    this.laterTracked(this.options.uploadDelayMs, async () => {
      upload.delivery = await this.sendSigned('messenger', url, { track_id: upload.track_id, attachment_id: upload.attachment_id }, { event: 'upload_result' });
    });
  }

  scheduleOptIn(optIn) {
    if (!this.options.autoOptIn) return;
    this.laterTracked(this.options.optInDelayMs, async () => {
      const { body } = messengerEvent(this, 'optin', { pageId: optIn.appid, senderId: optIn.recipient_id, title: optIn.title, payload: optIn.describe ?? '', timezone: optIn.timezone ?? 'UTC' });
      this.applyOptIn(body);
      optIn.delivery = await this.sendSigned('messenger', this.messengerTarget(), body, { event: 'optin' });
    });
  }

  /** Runs fn after ms; settle() waits for it; reset()/close() cancel it. */
  laterTracked(ms, fn) {
    let done;
    const p = new Promise((r) => (done = r));
    this.track(p);
    const t = setTimeout(async () => {
      this.timers.delete(t);
      try {
        await fn();
      } finally {
        done();
      }
    }, ms);
    t.done = done;
    this.timers.add(t);
  }

  cancelTimers() {
    for (const t of this.timers) {
      clearTimeout(t);
      t.done?.();
    }
    this.timers.clear();
  }

  /** Resolves once every scheduled or in-flight webhook delivery has finished. */
  async settle() {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  // ---- tokens -------------------------------------------------------------------

  invalidateTokens(appId, why = 'invalidated') {
    let n = 0;
    for (const [app, token] of this.store.currentToken) {
      if (appId !== undefined && app !== appId) continue;
      const t = this.store.tokens.get(token);
      if (t && !t.revoked) {
        t.revoked = why;
        n++;
      }
    }
    return n;
  }

  currentTokens() {
    const out = {};
    for (const [app, token] of this.store.currentToken) {
      const t = this.store.tokens.get(token);
      out[app] = { token, expiresAt: t.expiresAt, valid: !t.revoked && this.now() < t.expiresAt };
    }
    return out;
  }

  // ---- request log -------------------------------------------------------------

  logRequest(entry) {
    this.requestLog.push(entry);
    // Trim in batches so a long run does not shift the whole log on every request.
    const max = this.options.maxLoggedRequests;
    if (this.requestLog.length > max + Math.ceil(max / 10)) this.requestLog.splice(0, this.requestLog.length - max);
    this.countMap.set(entry.route, (this.countMap.get(entry.route) ?? 0) + 1);
  }

  requests(filter = {}) {
    let list = this.requestLog;
    if (filter.route) {
      const r = this.normaliseRoute(filter.route);
      const g = /^(\w+)\.\*$/.exec(r)?.[1];
      list = list.filter((e) => r === '*' || e.route === r || (g && ROUTE_GROUPS[e.route] === g));
    }
    if (filter.since !== undefined) list = list.filter((e) => e.seq > Number(filter.since));
    if (filter.limit !== undefined) list = list.slice(-Number(filter.limit));
    return list;
  }

  count(route) {
    const r = route === undefined ? '*' : this.normaliseRoute(route);
    if (r === '*') return [...this.countMap.values()].reduce((a, b) => a + b, 0);
    const g = /^(\w+)\.\*$/.exec(r)?.[1];
    if (g) {
      let n = 0;
      for (const [k, v] of this.countMap) if (ROUTE_GROUPS[k] === g) n += v;
      return n;
    }
    return this.countMap.get(r) ?? 0;
  }

  configure(patch) {
    if (!isObj(patch)) throw new SobotFail('999994', 'configure needs an object');
    for (const [k, v] of Object.entries(patch)) {
      if (!CONFIGURABLE.includes(k)) throw new SobotFail('999994', `option ${k} cannot be changed at run time; configurable: ${CONFIGURABLE.join(', ')}`);
      this.options[k] = v;
    }
    return Object.fromEntries(CONFIGURABLE.map((k) => [k, this.options[k]]));
  }

  // ---- HTTP ---------------------------------------------------------------------

  async handle(req, res) {
    const origin = req.headers.origin;
    if (origin && isLoopbackOrigin(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
      res.setHeader('access-control-expose-headers', 'retry-after, x-emulator-reason, www-authenticate');
    }
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    const query = q < 0 ? {} : Object.fromEntries(new URLSearchParams(req.url.slice(q + 1)));
    if (req.method === 'OPTIONS') {
      if (!origin || !isLoopbackOrigin(origin)) {
        res.writeHead(403, { 'content-type': 'text/plain' });
        res.end('CORS is allowed for loopback origins only');
        return;
      }
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'content-type, token, authorization',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    if (path.startsWith('/__admin/') || path === '/__admin') {
      const raw = await readBody(req);
      return handleAdmin(this, req, res, path, query, raw);
    }

    let route;
    let graphMatch;
    const sr = sobotByPath.get(path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);
    if (sr) route = sr;
    else if ((graphMatch = GRAPH_PATH.exec(path))) {
      const name = graphMatch[3] === 'conversations' ? 'graph.conversations' : graphMatch[3] === 'messages' ? 'graph.messages' : 'graph.node';
      route = { name, group: 'graph', method: 'GET', handler: GRAPH_ROUTES.find((r) => r[0] === name)[1], graph: true };
    } else if (path.startsWith('/chatres/') && this.store.mediaFiles.has(path)) {
      route = { name: 'media_file', group: 'media', method: 'GET', media: true };
    }
    const raw = await readBody(req);
    if (!route) {
      return send(res, 404, JSON_SOBOT, JSON.stringify({ timestamp: new Date(this.now()).toISOString(), status: 404, error: 'Not Found', path }));
    }
    let body;
    let parseError = false;
    if (raw.length) {
      try {
        body = JSON.parse(raw);
      } catch {
        parseError = true;
      }
    }
    const entry = { seq: ++this.requestSeq, time: this.now(), route: route.name, method: req.method, path, query, headers: req.headers, rawBody: raw, body, status: 0 };
    this.logRequest(entry);

    const faults = this.faults.take(route.name, isObj(body) ? body : query);
    let truncate = null;
    if (faults) {
      entry.faults = faults.map((f) => f.type);
      let delay = 0;
      for (const f of faults) if (f.type === 'latency') delay += Number(f.params.ms);
      if (delay) await sleep(delay);
      for (const f of faults) if (f.type === 'invalidate_token') this.invalidateTokens(undefined, 'invalidated by a fault');
      for (const f of faults) {
        if (f.type === 'reset') {
          entry.status = -1;
          req.socket.destroy();
          return;
        }
        if (f.type === 'status' || f.type === 'html' || f.type === 'code') return this.answerFault(res, route, path, f, entry);
        if (f.type === 'redirect') {
          // 307 keeps the method and body: a client following it would send
          // its token (and the message) to the other origin.
          entry.status = 307;
          const to = f.params.location ?? `http://127.0.0.1:9${req.url}`;
          return send(res, 307, 'text/plain; charset=utf-8', '', { location: to });
        }
        if (f.type === 'truncate') truncate = f;
      }
    }

    if (req.method !== route.method) {
      entry.status = 405;
      return send(res, 405, JSON_SOBOT, JSON.stringify({ timestamp: new Date(this.now()).toISOString(), status: 405, error: 'Method Not Allowed', path }), { allow: route.method });
    }

    if (route.media) {
      const f = this.store.mediaFiles.get(path);
      const bytes = MEDIA_BYTES[f.type] ?? Buffer.from(`media content of LINE message ${f.messageid}\n`);
      entry.status = 200;
      const ct = { image: 'image/png', video: 'video/mp4', audio: 'audio/mp4' }[f.type] ?? 'application/octet-stream';
      res.writeHead(200, { 'content-type': ct, 'content-length': bytes.length });
      res.end(bytes);
      return;
    }

    let status = 200;
    let out;
    let headers;
    let ctype = JSON_SOBOT;
    if (route.graph) {
      ctype = JSON_GRAPH;
      try {
        const r = { query, headers: req.headers, path, version: graphMatch[1], id: decodeURIComponent(graphMatch[2]), baseUrl: req.headers.host ? `http://${req.headers.host}` : this.url };
        r.graphToken = graph.graphAuth(this, r);
        out = route.handler(this, r);
      } catch (e) {
        if (!(e instanceof GraphFail)) throw e;
        status = e.status;
        headers = e.headers;
        out = { error: e.error };
        entry.reason = e.error.message;
      }
    } else {
      try {
        if (route.auth) sobot.checkToken(this, req.headers);
        if (parseError) throw new SobotFail('999994', 'body is not valid JSON');
        // A send the Page would take, beyond its limit: 429 (the quota counts these only).
        const wait = this.pageRateLimited(route, body);
        if (wait) {
          entry.status = 429;
          entry.reason = `page ${body.pageid}: more than ${this.options.sendsPerPagePerSecond} sends this second`;
          const answer = { timestamp: new Date(this.now()).toISOString(), status: 429, error: http.STATUS_CODES[429], path };
          return send(res, 429, JSON_SOBOT, JSON.stringify(answer), { 'retry-after': String(wait) });
        }
        out = route.handler(this, { query, body, headers: req.headers, route: route.name });
      } catch (e) {
        if (!(e instanceof SobotFail)) {
          out = { ret_code: '999999', ret_msg: SOBOT_MESSAGES['999999'] };
          entry.reason = String(e?.stack ?? e);
          status = 500;
        } else {
          out = { ret_code: e.code, ret_msg: SOBOT_MESSAGES[e.code] ?? e.reason };
          entry.reason = e.reason;
          headers = { 'x-emulator-reason': encodeURIComponent(e.reason) };
        }
      }
      entry.ret_code = out.ret_code;
    }
    entry.status = status;
    let text = out instanceof sobot.RawAnswer ? out.text : JSON.stringify(out);
    if (truncate) {
      const buf = Buffer.from(text);
      const keep = Math.max(1, Math.floor(buf.length * Number(truncate.params.fraction ?? 0.5)));
      return send(res, status, ctype, buf.subarray(0, Math.min(keep, buf.length - 1)), headers);
    }
    send(res, status, ctype, text, headers);
  }

  /**
   * The Retry-After seconds when this Messenger send is over its Page's limit of
   * the current one-second window (counted on the emulator's clock), else 0.
   */
  pageRateLimited(route, body) {
    const limit = this.options.sendsPerPagePerSecond;
    if (route.name !== 'send' || limit == null || !isObj(body) || body.pageid == null) return 0;
    const now = this.now();
    const second = Math.floor(now / 1000);
    const page = String(body.pageid);
    let w = this.pageWindows.get(page);
    if (!w || w.second !== second) this.pageWindows.set(page, (w = { second, count: 0 }));
    if (w.count >= limit) return Math.max(1, Math.ceil(((second + 1) * 1000 - now) / 1000));
    w.count += 1;
    return 0;
  }

  answerFault(res, route, path, f, entry) {
    const p = f.params;
    const isGraph = route.group === 'graph';
    if (f.type === 'html') {
      const status = Number(p.status ?? 502);
      const reason = http.STATUS_CODES[status] ?? 'Error';
      entry.status = status;
      return send(res, status, 'text/html; charset=utf-8', p.body ?? `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`);
    }
    if (f.type === 'status') {
      const status = f.params.status;
      entry.status = status;
      const headers = status === 429 ? { 'retry-after': String(p.retryAfter ?? 1) } : undefined;
      if (p.body !== undefined) return send(res, status, typeof p.body === 'string' ? 'text/plain; charset=utf-8' : JSON_SOBOT, typeof p.body === 'string' ? p.body : JSON.stringify(p.body), headers);
      if (isGraph) {
        const spec = status === 429 ? { message: '(#4) Application request limit reached', code: 4, transient: true } : { message: 'An unexpected error has occurred. Please retry your request later.', code: 2, transient: true };
        return send(res, status, JSON_GRAPH, JSON.stringify({ error: graphError(this, spec) }), headers);
      }
      return send(res, status, JSON_SOBOT, JSON.stringify({ timestamp: new Date(this.now()).toISOString(), status, error: http.STATUS_CODES[status], path }), headers);
    }
    // code
    if (isGraph) {
      const code = Number(p.graphCode ?? 4);
      const known = {
        1: 'An unknown error occurred',
        2: 'An unexpected error has occurred. Please retry your request later.',
        4: '(#4) Application request limit reached',
        17: '(#17) User request limit reached',
        32: '(#32) Page request limit reached',
        613: '(#613) Calls to this api have exceeded the rate limit.',
      };
      const status = Number(p.status ?? (code === 2 || code === 1 ? 500 : 400));
      entry.status = status;
      return send(res, status, JSON_GRAPH, JSON.stringify({ error: graphError(this, { message: p.message ?? known[code] ?? `(#${code}) Error`, type: 'OAuthException', code, transient: [1, 2, 4, 17, 32, 613].includes(code) ? true : undefined }) }));
    }
    const retCode = String(p.retCode ?? '999999');
    entry.status = 200;
    entry.ret_code = retCode;
    return send(res, 200, JSON_SOBOT, JSON.stringify({ ret_code: retCode, ret_msg: p.retMsg ?? SOBOT_MESSAGES[retCode] ?? '系统繁忙,请稍后重试' }));
  }

  listen() {
    return new Promise((resolve, reject) => {
      const server = http.createServer((req, res) => {
        this.handle(req, res).catch((err) => {
          if (!res.headersSent) send(res, 500, 'text/plain', String(err?.stack ?? err));
          else res.destroy();
        });
      });
      server.keepAliveTimeout = 60000;
      server.headersTimeout = 61000;
      server.requestTimeout = 0;
      this.server = server;
      this.sockets = new Set();
      server.on('connection', (s) => {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
      });
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        const addr = server.address();
        const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
        this.url = `http://${host}:${addr.port}`;
        resolve();
      });
    });
  }

  async close() {
    this.cancelTimers();
    if (!this.server) return;
    await new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
    this.server = null;
  }
}

const JSON_SOBOT = 'application/json;charset=UTF-8';
const JSON_GRAPH = 'application/json; charset=UTF-8';

function send(res, status, ctype, body, extra) {
  const headers = { 'content-type': ctype, 'content-length': Buffer.byteLength(body) };
  if (extra) Object.assign(headers, extra);
  res.writeHead(status, headers);
  res.end(body);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(chunks.length ? Buffer.concat(chunks).toString('utf8') : ''));
    req.on('error', reject);
  });
}

/** The admin facade handed to tests; each method mirrors an /__admin HTTP call. */
function makeAdmin(emu) {
  return {
    reset: () => emu.resetState(),
    seed: (data) => emu.store.seed(data),
    generate: (spec) => emu.store.generate(spec),
    state: () => ({ seed: emu.seed, now: emu.now(), ...emu.store.summary(), requests: emu.requestLog.length, faults: emu.faults.list.length, deliveries: emu.deliveries.length }),
    requests: (filter) => emu.requests(filter),
    lastRequest: (route) => emu.requests({ route }).at(-1),
    clearRequests: () => {
      emu.requestLog = [];
      emu.countMap.clear();
    },
    count: (route) => emu.count(route),
    counts: () => Object.fromEntries(emu.countMap),
    sends: () => emu.store.sends,
    /** How many accepted sends each recipient got (its `recipient_token`, else `recipientid`). */
    sendsPerRecipient: () => {
      const n = new Map();
      for (const s of emu.store.sends) {
        const who = s.recipient_token ?? s.body?.recipientid;
        n.set(who, (n.get(who) ?? 0) + 1);
      }
      return Object.fromEntries(n);
    },
    uploads: () => emu.store.uploads,
    optIns: () => emu.store.optIns,
    deliveries: () => emu.deliveries,
    fault: (route, spec) => emu.faults.add(route, spec),
    faults: () => emu.faults.all(),
    clearFaults: (route) => emu.faults.clear(route),
    triggerMessenger: (event, opts) => emu.triggerMessenger(event, opts),
    triggerLine: (events, opts) => emu.triggerLine(events, opts),
    triggerRaw: (channel, body, opts) => emu.triggerRaw(channel, body, opts),
    invalidateToken: (appId) => emu.invalidateTokens(appId),
    tokens: () => emu.currentTokens(),
    expireGraphToken: (token) => {
      const t = emu.store.graphTokens.get(token);
      if (!t) throw new SobotFail('999994', `unknown Graph token ${token}`);
      t.expired = true;
      t.expiredAt = emu.now();
    },
    setTime: (ms) => {
      emu.fixedTime = Number(ms);
      return emu.now();
    },
    advanceTime: (ms) => {
      if (emu.fixedTime !== null) emu.fixedTime += Number(ms);
      else emu.offset += Number(ms);
      return emu.now();
    },
    useRealTime: () => {
      emu.fixedTime = null;
      emu.offset = 0;
      return emu.now();
    },
    now: () => emu.now(),
    configure: (patch) => emu.configure(patch),
    settle: () => emu.settle(),
  };
}

/**
 * Starts an emulator on 127.0.0.1 (port 0 unless `options.port`).
 * Resolves to `{ url, admin, close() }`; see README.md for the options.
 */
export async function startEmulator(options = {}) {
  const emu = new Emulator(options);
  await emu.listen();
  const admin = makeAdmin(emu);
  emu.admin = admin;
  return { url: emu.url, admin, seed: emu.seed, close: () => emu.close() };
}

export { makeAdmin };
