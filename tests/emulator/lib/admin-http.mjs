// The admin HTTP API under /__admin/: the same operations as the `admin` object,
// as JSON over HTTP so a browser page or another process can drive the emulator.

import { SobotFail, isObj } from './util.mjs';

const JSON_TYPE = 'application/json; charset=utf-8';

function reply(res, status, value) {
  const text = JSON.stringify(value ?? { ok: true });
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Dispatches one admin request; errors answer 400 `{error}`. */
export async function handleAdmin(emu, req, res, path, query, raw) {
  const admin = emu.admin;
  let body = {};
  if (raw) {
    try {
      body = JSON.parse(raw);
    } catch {
      return reply(res, 400, { error: 'body is not valid JSON' });
    }
  }
  const key = `${req.method} ${path.replace(/\/+$/, '')}`;
  try {
    switch (key) {
      case 'GET /__admin/health':
        return reply(res, 200, { ok: true, url: emu.url, seed: emu.seed });
      case 'GET /__admin/state':
        return reply(res, 200, admin.state());
      case 'POST /__admin/reset':
        admin.reset();
        return reply(res, 200, { ok: true });
      case 'POST /__admin/seed':
        return reply(res, 200, { added: admin.seed(body) });
      case 'POST /__admin/generate':
        return reply(res, 200, { added: admin.generate(body) });
      case 'GET /__admin/requests':
        return reply(res, 200, { requests: admin.requests(query) });
      case 'DELETE /__admin/requests':
        admin.clearRequests();
        return reply(res, 200, { ok: true });
      case 'GET /__admin/counts':
        return reply(res, 200, query.route ? { route: query.route, count: admin.count(query.route) } : { counts: admin.counts(), total: admin.count() });
      case 'GET /__admin/sends':
        return reply(res, 200, query.per === 'recipient' ? { perRecipient: admin.sendsPerRecipient() } : { sends: admin.sends() });
      case 'GET /__admin/uploads':
        return reply(res, 200, { uploads: admin.uploads() });
      case 'GET /__admin/optins':
        return reply(res, 200, { optIns: admin.optIns() });
      case 'GET /__admin/deliveries':
        return reply(res, 200, { deliveries: admin.deliveries() });
      case 'GET /__admin/faults':
        return reply(res, 200, { faults: admin.faults() });
      case 'POST /__admin/faults': {
        const specs = Array.isArray(body) ? body : [body];
        const added = specs.map((s) => {
          if (!isObj(s)) throw new SobotFail('999994', 'fault spec must be an object');
          return admin.fault(s.route, s);
        });
        return reply(res, 200, { faults: added });
      }
      case 'DELETE /__admin/faults':
        admin.clearFaults(query.route);
        return reply(res, 200, { ok: true });
      case 'POST /__admin/webhooks/messenger': {
        const { event, ...opts } = body;
        return reply(res, 200, await admin.triggerMessenger(event, opts));
      }
      case 'POST /__admin/webhooks/line': {
        const { events, event, ...opts } = body;
        return reply(res, 200, await admin.triggerLine(events ?? event, opts));
      }
      case 'POST /__admin/webhooks/raw':
        return reply(res, 200, await admin.triggerRaw(body.channel, body.body, { url: body.url }));
      case 'POST /__admin/settle':
        await admin.settle();
        return reply(res, 200, { ok: true });
      case 'GET /__admin/tokens':
        return reply(res, 200, { tokens: admin.tokens() });
      case 'POST /__admin/tokens/invalidate':
        return reply(res, 200, { invalidated: admin.invalidateToken(body.appId) });
      case 'POST /__admin/graph-tokens/expire':
        admin.expireGraphToken(body.token);
        return reply(res, 200, { ok: true });
      case 'GET /__admin/time':
        return reply(res, 200, { now: admin.now() });
      case 'POST /__admin/time': {
        let now;
        if (body.real) now = admin.useRealTime();
        if (body.now !== undefined) now = admin.setTime(body.now);
        if (body.advance !== undefined) now = admin.advanceTime(body.advance);
        return reply(res, 200, { now: now ?? admin.now() });
      }
      case 'GET /__admin/config':
        return reply(res, 200, { config: admin.configure({}) });
      case 'POST /__admin/config':
        return reply(res, 200, { config: admin.configure(body) });
      default:
        return reply(res, 404, { error: `no admin operation ${key}` });
    }
  } catch (e) {
    return reply(res, 400, { error: e instanceof SobotFail ? e.reason : String(e?.message ?? e) });
  }
}
