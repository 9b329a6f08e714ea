// One cold start, in this fresh process: import a package and handle one webhook.
//   node bench/cold.mjs sdk|sdk-webhook|line-bot-sdk <body-file> <signature>
//   node bench/cold.mjs sdk-parse|sdk-webhook-parse|line-bot-sdk-parse <body-file>
//   node bench/cold.mjs floor <specifier> <wasm-file>
//   node bench/cold.mjs empty <empty-file>
//   node bench/cold.mjs crypto
// Prints JSON: ms from before the import to the parsed result, its parts
// (import, first verification, first parse), and ms since the process's time
// origin (Node's own start-up included). The `-parse` forms import and parse
// only, without verifying: the budget's "import + first parse". The other
// three time, each in its own fresh process, parts of a cold start that do not
// depend on what the wasm does (bench/NOTES.md): `floor` imports an empty ES
// module through a package's name (resolved from where this file is: Node's
// loader and its resolution of a package and its `exports` map, as
// `import 'sobot-channels/webhook'` pays), then compiles the wasm with
// `new WebAssembly.Module` (decoding and validating it, which every import
// pays), one after the other as an import of the package does; `empty` an ESM
// import of an empty file by its path (for a CommonJS file, Node's CommonJS
// loader too); `crypto` the first load of `node:crypto` (which an HMAC through
// it pays).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [which, file, signature] = process.argv.slice(2);
if (which === 'floor') {
  const wasmFile = process.argv[4];
  const bytes = readFileSync(wasmFile);
  const t0 = performance.now();
  await import(file);
  const t1 = performance.now();
  new WebAssembly.Module(bytes);
  const t2 = performance.now();
  process.stdout.write(JSON.stringify({ ok: true, importMs: t1 - t0, compileMs: t2 - t1, ms: t2 - t0 }));
  process.exit(0);
}
if (which === 'empty' || which === 'crypto') {
  const t = performance.now();
  if (which === 'empty') await import(pathToFileURL(file).href);
  // as the package loads it where Node has `getBuiltinModule` (runtime.js)
  else if (typeof process.getBuiltinModule === 'function') process.getBuiltinModule('node:crypto');
  else await import('node:crypto');
  process.stdout.write(JSON.stringify({ ok: true, ms: performance.now() - t }));
  process.exit(0);
}
const body = readFileSync(file);
const secret = process.env.BENCH_SECRET;
const verify = !which.endsWith('-parse');
const pkg = which.replace(/-parse$/, '');
const t0 = performance.now();
let ok = true;
let tImport;
let tVerify;
if (pkg === 'sdk' || pkg === 'sdk-webhook') {
  const m = await import(pkg === 'sdk' ? 'sobot-channels' : 'sobot-channels/webhook');
  tImport = performance.now();
  if (verify) ok = m.verifyLineSignature(body, secret, signature);
  tVerify = performance.now();
  ok = ok && m.parseEvents('line', body).length > 0;
} else {
  const m = await import('@line/bot-sdk');
  tImport = performance.now();
  if (verify) ok = m.validateSignature(body, secret, signature);
  tVerify = performance.now();
  ok = ok && JSON.parse(body.toString()).events.length > 0;
}
const t1 = performance.now();
process.stdout.write(
  JSON.stringify({ ok, totalMs: t1 - t0, importMs: tImport - t0, verifyMs: tVerify - tImport, parseMs: t1 - tVerify, sinceStartMs: t1 }),
);
