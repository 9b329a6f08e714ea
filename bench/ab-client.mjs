#!/usr/bin/env node
// Before/after of one change to the client, in one process: two builds of the
// package (each a pkg/ folder) side by side, each making `queryTaskList` calls
// one at a time through a `fetch` that answers at once with a page of 10 tasks,
// interleaved with plain `Response.json()` of the same answer. Prints the medians
// in µs per call: the SDK's own cost apart from the network.
//   node bench/ab-client.mjs <pkg-before> <pkg-after>
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [a, b] = process.argv.slice(2).map((p) => resolve(p));
const A = await import(pathToFileURL(`${a}/index.node.mjs`));
const B = await import(pathToFileURL(`${b}/index.node.mjs`));
const fixture = new URL('../tests/fixtures/line/query_task_list_response.json', import.meta.url);
const items = JSON.parse(readFileSync(fixture, 'utf8')).items;
const page = JSON.stringify({
  ret_code: '000000',
  ret_msg: 'ok',
  items: Array.from({ length: 10 }, (_, i) => ({ ...items[i % items.length], taskid: `task-${i}` })),
  page_count: 50,
  total_count: 500,
  page_no: 1,
  page_size: 10,
});
const token = JSON.stringify({ ret_code: '000000', ret_msg: 'ok', item: { token: 't0123456789', expires_in: '86400' } });
const fetch = async (url) => new Response(url.includes('get_token') ? token : page, { status: 200, headers: { 'content-type': 'application/json' } });
const client = (M) => new M.SobotClient({ appId: 'a', appKey: 'k', baseUrl: 'http://127.0.0.1:9', fetch });
const ca = client(A);
const cb = client(B);
const request = { page_no: 1, page_size: 10 };
const plain = async () => {
  const j = await (await fetch('x')).json();
  if (j.ret_code !== '000000') throw new Error(j.ret_code);
  return j;
};
const before = () => ca.line.queryTaskList(request);
const after = () => cb.line.queryTaskList(request);
if (JSON.stringify(await before()) !== JSON.stringify(await after())) throw new Error('the two builds answer differently');

async function perCall(f, n) {
  const t = performance.now();
  for (let i = 0; i < n; i++) await f();
  return ((performance.now() - t) * 1000) / n;
}
for (const f of [before, after, plain]) await perCall(f, 2000);
const runs = { before: [], after: [], plain: [] };
for (let r = 0; r < 9; r++) {
  runs.before.push(await perCall(before, 1000));
  runs.after.push(await perCall(after, 1000));
  runs.plain.push(await perCall(plain, 1000));
}
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
console.log(
  `µs per call (median of 9 rounds): before ${median(runs.before).toFixed(1)}, after ${median(runs.after).toFixed(1)}, ` +
    `plain Response.json() ${median(runs.plain).toFixed(1)}`,
);
