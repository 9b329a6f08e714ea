#!/usr/bin/env node
// Before/after of one change, in one process: two builds of the package
// (each a pkg/ folder) loaded side by side and timed interleaved.
//   node bench/ab.mjs <pkg-before> <pkg-after>
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { interleaved } from './harness.mjs';
import * as P from './payloads.mjs';

const [a, b] = process.argv.slice(2).map((p) => resolve(p));
const A = await import(pathToFileURL(`${a}/index.node.mjs`));
const B = await import(pathToFileURL(`${b}/index.node.mjs`));
const gz = (dir) => gzipSync(readFileSync(`${dir}/sobot_channels_bg.wasm`), { level: 9 }).length + gzipSync(readFileSync(`${dir}/sobot_channels.js`), { level: 9 }).length;
console.log(`wasm+glue gzip: before ${gz(a)} B, after ${gz(b)} B`);
const rows = [];
for (const [name, bytes, channel, typed] of [
  ['messenger single', P.messengerText, 'messenger', 'parseMessengerWebhook'],
  ['line single', P.lineText, 'line', 'parseLineWebhook'],
  ['line batch 100', P.lineBatch, 'line', 'parseLineWebhook'],
]) {
  const u8 = new Uint8Array(bytes);
  const text = new TextDecoder().decode(u8);
  const opts = { rounds: bytes.length > 10000 ? 11 : 21 };
  const t = interleaved(
    {
      json: () => JSON.parse(text),
      aEvents: () => A.parseEvents(channel, u8),
      bEvents: () => B.parseEvents(channel, u8),
      aTyped: () => A[typed](u8),
      bTyped: () => B[typed](u8),
      aEventsStr: () => A.parseEvents(channel, text),
      bEventsStr: () => B.parseEvents(channel, text),
    },
    opts,
  );
  rows.push({ payload: name, 'JSON.parse µs': t.json, 'parseEvents(bytes) before': t.aEvents, after: t.bEvents, 'parseEvents(string) before': t.aEventsStr, 'after ': t.bEventsStr, 'typed(bytes) before': t.aTyped, 'after  ': t.bTyped });
}
{
  const body = P.lineBodyOfSize(2048);
  const sig = P.lineSignature(body);
  const t = interleaved({ a: () => A.verifyLineSignature(body, P.channelSecret, sig), b: () => B.verifyLineSignature(body, P.channelSecret, sig) });
  rows.push({ payload: `verify ${body.length} B`, 'verify before': t.a, 'verify after': t.b });
}
for (const r of rows) for (const k of Object.keys(r)) if (typeof r[k] === 'number') r[k] = Number(r[k].toFixed(2));
console.table(rows);
