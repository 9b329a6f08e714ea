#!/usr/bin/env node
// Load check of the emulator's hot paths over keep-alive connections:
//   node tests/emulator/bench.mjs [--calls N] [--concurrency C] [--route send|get_token|query_task_list|conversations]
// Prints throughput and latency percentiles measured on this machine.

import http from 'node:http';
import { startEmulator } from './index.mjs';
import { createHash } from 'node:crypto';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const calls = Number(args.calls ?? 2000);
const concurrency = Number(args.concurrency ?? 50);
const route = args.route ?? 'send';

const emu = await startEmulator({ seed: 1 });
emu.admin.generate({ messengerTasks: 2500, conversations: { count: 200, messagesPerConversation: 5 } });
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const base = new URL(emu.url);

function request(method, path, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: base.hostname, port: base.port, method, path, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const ct = String(Math.floor(Date.now() / 1000));
const tokenPath = `/api/get_token?appid=demo-app&create_time=${ct}&sign=${createHash('md5').update(`demo-app${ct}demo-key`).digest('hex')}`;
const token = JSON.parse((await request('GET', tokenPath, {})).body).item.token;
const sendBody = JSON.stringify({ messaging_type: 'RESPONSE', recipientid: '524807506000000', pageid: '110661988000000', type: 'text', payload: 'What do you want to do next?' });
const ops = {
  send: () => request('POST', '/chat-facebook/api/messenger/send', { token, 'content-type': 'application/json' }, sendBody),
  get_token: () => request('GET', tokenPath, {}),
  query_task_list: () => request('POST', '/chat-set/api/messenger/query_task_list', { token, 'content-type': 'application/json' }, '{"page_no":3,"page_size":100}'),
  conversations: () => request('GET', '/v19.0/110661988000000/conversations?platform=messenger&limit=25&access_token=demo-page-token', {}),
};
const op = ops[route];
if (!op) throw new Error(`unknown route ${route}`);

const lat = [];
let next = 0;
let errors = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < calls) {
      next++;
      const s = performance.now();
      const r = await op();
      lat.push(performance.now() - s);
      if (r.status !== 200 || (route !== 'conversations' && !r.body.includes('"000000"'))) errors++;
    }
  }),
);
const total = performance.now() - t0;
lat.sort((a, b) => a - b);
const pct = (p) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))].toFixed(2);
console.log(`${route}: ${calls} calls at concurrency ${concurrency} in ${total.toFixed(0)} ms → ${(calls / (total / 1000)).toFixed(0)} req/s; p50 ${pct(50)} ms, p95 ${pct(95)} ms, p99 ${pct(99)} ms; errors ${errors}`);
agent.destroy();
await emu.close();
