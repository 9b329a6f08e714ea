// Shared helpers of the emulator's own tests: plain fetch, no SDK.

import http from 'node:http';
import { createHash } from 'node:crypto';
import { startEmulator } from './index.mjs';

export const PAGE = '110661988000000';
export const LINE_APP = '2005652357';
export const GRAPH_TOKEN = 'demo-page-token';

export const md5 = (s) => createHash('md5').update(s).digest('hex');

export function signFor(appid, createTime, appKey) {
  return md5(appid + createTime + appKey);
}

/** Starts an emulator with a fixed seed and returns it with request helpers bound to it. */
export async function start(options = {}) {
  const emu = await startEmulator({ seed: 7, ...options });
  const h = {
    ...emu,
    async tokenFor(appid = 'demo-app', key = 'demo-key') {
      const ct = String(Math.floor(emu.admin.now() / 1000));
      const r = await fetch(`${emu.url}/api/get_token?appid=${encodeURIComponent(appid)}&create_time=${ct}&sign=${signFor(appid, ct, key)}`);
      const j = await r.json();
      if (j.ret_code !== '000000') throw new Error(`get_token failed: ${JSON.stringify(j)}`);
      return j.item.token;
    },
    async get(path, token, headers = {}) {
      const r = await fetch(`${emu.url}${path}`, { headers: token ? { token, ...headers } : headers });
      return { status: r.status, headers: r.headers, json: await r.json() };
    },
    async post(path, body, token, headers = {}) {
      const r = await fetch(`${emu.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { token } : {}), ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: r.status, headers: r.headers, json: await r.json() };
    },
    async graph(path) {
      const r = await fetch(path.startsWith('http') ? path : `${emu.url}${path}`);
      return { status: r.status, headers: r.headers, json: await r.json() };
    },
  };
  return h;
}

/** A webhook receiver on 127.0.0.1 that records raw bodies and headers. */
export async function receiver(answer = () => ({ status: 200, body: 'EVENT_RECEIVED' })) {
  const got = [];
  const waiters = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const item = { method: req.method, url: req.url, headers: req.headers, raw, body: JSON.parse(raw.toString('utf8')) };
      got.push(item);
      const a = answer(item);
      res.writeHead(a.status, { 'content-type': 'text/plain' });
      res.end(a.body);
      while (waiters.length && waiters[0].n <= got.length) waiters.shift().resolve();
    });
  });
  server.keepAliveTimeout = 1;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    got,
    /** Resolves once n deliveries have arrived. */
    waitFor(n) {
      if (got.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}
