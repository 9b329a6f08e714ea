// One cold start, in this fresh process: import a package and handle one webhook.
//   node bench/cold.mjs sdk|sdk-webhook|line-bot-sdk <body-file> <signature>
// Prints JSON: ms from before the import to the parsed result, and ms since
// the process's time origin (Node's own start-up included).
import { readFileSync } from 'node:fs';

const [which, file, signature] = process.argv.slice(2);
const body = readFileSync(file);
const secret = process.env.BENCH_SECRET;
const t0 = performance.now();
let ok;
if (which === 'sdk' || which === 'sdk-webhook') {
  const m = await import(which === 'sdk' ? 'sobot-channels' : 'sobot-channels/webhook');
  ok = m.verifyLineSignature(body, secret, signature) && m.parseEvents('line', body).length > 0;
} else {
  const m = await import('@line/bot-sdk');
  ok = m.validateSignature(body, secret, signature) && JSON.parse(body.toString()).events.length > 0;
}
const t1 = performance.now();
process.stdout.write(JSON.stringify({ ok, importAndParseMs: t1 - t0, sinceStartMs: t1 }));
