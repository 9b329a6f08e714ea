#!/usr/bin/env node
// The benchmark suite: each SDK operation side by side with the fastest thing a
// user would write by hand, interleaved in one process after a warm-up.
//   npm run bench                 all sections; writes bench/RESULTS.md
//   npm run bench -- --check      the same, then fails if a budget (bench/budgets.json) is exceeded
//   npm run bench -- --only parse,verify   a subset (parse, verify, path, server, cold, client, size, workerd)
// Needs a built package (`npm run build`).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants as zc } from 'node:zlib';
import { validateSignature } from '@line/bot-sdk';
import * as sdk from 'sobot-channels';
import * as webhookEntry from 'sobot-channels/webhook';
import { interleaved, interleavedAsync, median } from './harness.mjs';
import * as P from './payloads.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const check = args.includes('--check');
const onlyArg = args.indexOf('--only');
const only = onlyArg >= 0 ? new Set(args[onlyArg + 1].split(',')) : null;
const want = (s) => !only || only.has(s);

const figures = {}; // id → value, the figures budgets refer to
const sections = []; // markdown
const us = (x) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));
const ratio = (a, b) => a / b;
const fmtRatio = (r) => `${r.toFixed(2)}×`;
function table(head, rows) {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}
function say(md) {
  sections.push(md);
  console.log(md + '\n');
}

const decoder = new TextDecoder();

// --- parse + normalise vs JSON.parse ---------------------------------------
if (want('parse')) {
  const rows = [];
  const floorRows = [];
  for (const [id, name, bytes, channel, typed] of [
    ['messenger-single', 'Messenger single text (doc 000)', P.messengerText, 'messenger', sdk.parseMessengerWebhook],
    ['line-single', 'LINE single text (doc 001)', P.lineText, 'line', sdk.parseLineWebhook],
    ['line-batch-100', 'LINE, 100 events', P.lineBatch, 'line', sdk.parseLineWebhook],
  ]) {
    const text = decoder.decode(bytes);
    const u8 = new Uint8Array(bytes);
    const ab = u8.slice().buffer;
    const big = bytes.length > 10000;
    // The floor of this design, measured through the public API: reading the
    // same bytes in wasm with no event to build (the body wrapped in an ignored
    // member of an empty webhook), and building the returned objects alone
    // (JSON.parse of the result's own JSON text).
    const wrapped = channel === 'line' ? `{"destination":"U0","events":[],"x":${text}}` : `{"object":"page","entry":[],"x":${text}}`;
    if (sdk.parseEvents(channel, wrapped).length !== 0) throw new Error('the read-only body has events');
    // without `raw`, which an event reads from the body when first read
    const resultText = JSON.stringify(sdk.parseEvents(channel, text).map(({ raw, ...e }) => e));
    const t = interleaved(
      {
        readOnly: () => sdk.parseEvents(channel, wrapped),
        handOver: () => JSON.parse(resultText),
        jsonString: () => JSON.parse(text),
        jsonBytes: () => JSON.parse(decoder.decode(u8)),
        eventsString: () => sdk.parseEvents(channel, text),
        eventsBytes: () => sdk.parseEvents(channel, u8),
        eventsArrayBuffer: () => sdk.parseEvents(channel, ab),
        webhookString: () => webhookEntry.parseEvents(channel, text),
        webhookBytes: () => webhookEntry.parseEvents(channel, u8),
        typedString: () => typed(text),
        typedBytes: () => typed(u8),
      },
      { rounds: big ? 15 : 31 },
    );
    figures[`parse.${id}.json.string.us`] = t.jsonString;
    figures[`parse.${id}.json.bytes.us`] = t.jsonBytes;
    figures[`parse.${id}.string.us`] = t.eventsString;
    figures[`parse.${id}.bytes.us`] = t.eventsBytes;
    figures[`parse.${id}.typed.bytes.us`] = t.typedBytes;
    figures[`parse.${id}.string.ratio`] = ratio(t.eventsString, t.jsonString);
    figures[`parse.${id}.bytes.ratio`] = ratio(t.eventsBytes, t.jsonBytes);
    figures[`parse.${id}.typed.bytes.ratio`] = ratio(t.typedBytes, t.jsonBytes);
    figures[`parse.${id}.webhookEntry.string.us`] = t.webhookString;
    figures[`parse.${id}.webhookEntry.bytes.us`] = t.webhookBytes;
    figures[`parse.${id}.webhookEntry.string.ratio`] = ratio(t.webhookString, t.jsonString);
    figures[`parse.${id}.webhookEntry.bytes.ratio`] = ratio(t.webhookBytes, t.jsonBytes);
    figures[`parse.${id}.floor.readOnly.us`] = t.readOnly;
    figures[`parse.${id}.floor.handOver.us`] = t.handOver;
    figures[`parse.${id}.floor.ratio`] = ratio(t.readOnly + t.handOver, t.jsonString);
    floorRows.push([
      `${name}, ${bytes.length} B`,
      us(t.jsonString),
      `${us(t.readOnly)} (${fmtRatio(ratio(t.readOnly, t.jsonString))})`,
      `${us(t.handOver)} (${fmtRatio(ratio(t.handOver, t.jsonString))}), ${resultText.length} chars`,
      fmtRatio(ratio(t.readOnly + t.handOver, t.jsonString)),
      fmtRatio(ratio(t.eventsString, t.jsonString)),
    ]);
    const pair = (x, base) => [us(x), fmtRatio(ratio(x, base))];
    rows.push([`${name}, ${bytes.length} B`, 'string', us(t.jsonString), ...pair(t.eventsString, t.jsonString), ...pair(t.webhookString, t.jsonString), ...pair(t.typedString, t.jsonString)]);
    rows.push(['', 'Uint8Array', us(t.jsonBytes), ...pair(t.eventsBytes, t.jsonBytes), ...pair(t.webhookBytes, t.jsonBytes), ...pair(t.typedBytes, t.jsonBytes)]);
    rows.push(['', 'ArrayBuffer', us(t.jsonBytes), ...pair(t.eventsArrayBuffer, t.jsonBytes), '', '', '', '']);
  }
  say(
    '## Parse + normalise vs JSON.parse (µs per body, median)\n\n' +
      'Baseline: `JSON.parse(string)` for a string body, `JSON.parse(new TextDecoder().decode(bytes))` for bytes. ' +
      '`parseEvents` parses, checks the shape and normalises; `parse…Webhook` returns the typed payload. ' +
      'The same `parseEvents` from `sobot-channels/webhook`, the entry for webhook handlers, is compiled at ' +
      '`opt-level = "s"`; the whole package at `"z"`, the smallest.\n\n' +
      table(['payload', 'input', 'JSON.parse', 'parseEvents', 'ratio', 'parseEvents, `/webhook`', 'ratio', 'parse…Webhook', 'ratio'], rows) +
      '\n\n### The floor of parseEvents (string body, µs, median)\n\n' +
      'What any wasm parser returning these events pays at least, measured through the public API: ' +
      '"read only" is `parseEvents` on the same body wrapped in an ignored member of a webhook with no events ' +
      '(crossing into wasm and reading every byte, nothing built); "hand-over" is `JSON.parse` of the result\'s own JSON without `raw` ' +
      '(building the returned objects in the engine, however they are made; each `raw` is read from the body when first read). The floor is their sum.\n\n' +
      table(['payload', 'JSON.parse', 'read only', 'hand-over', 'floor', 'parseEvents'], floorRows),
  );
}

// --- signature verification -----------------------------------------------
if (want('verify')) {
  const rows = [];
  for (const [id, size] of [['2k', 2048], ['64k', 65536]]) {
    const body = P.lineBodyOfSize(size);
    const u8 = new Uint8Array(body);
    const sig = P.lineSignature(body);
    const secret = P.channelSecret;
    const t = interleaved({
      sdk: () => sdk.verifyLineSignature(u8, secret, sig),
      // the header arrives with each request: decoding it is part of the check
      nodeCrypto: () => {
        const mac = createHmac('sha256', secret).update(u8).digest();
        const sigBytes = Buffer.from(sig, 'base64');
        return mac.length === sigBytes.length && timingSafeEqual(mac, sigBytes);
      },
      lineBotSdk: () => validateSignature(body, secret, sig),
    });
    if (!sdk.verifyLineSignature(u8, secret, sig) || !validateSignature(body, secret, sig)) throw new Error('signature check failed');
    figures[`verify.${id}.sdk.us`] = t.sdk;
    figures[`verify.${id}.node.us`] = t.nodeCrypto;
    figures[`verify.${id}.ratio`] = ratio(t.sdk, t.nodeCrypto);
    figures[`verify.${id}.lineBotSdk.ratio`] = ratio(t.sdk, t.lineBotSdk);
    rows.push([`${body.length} B`, us(t.nodeCrypto), us(t.lineBotSdk), us(t.sdk), fmtRatio(ratio(t.sdk, t.nodeCrypto)), fmtRatio(ratio(t.sdk, t.lineBotSdk))]);
  }
  say(
    '## LINE signature verification (µs per body, median)\n\n' +
      table(['body', 'createHmac + timingSafeEqual', '@line/bot-sdk validateSignature', 'verifyLineSignature', 'vs node:crypto', 'vs @line/bot-sdk'], rows),
  );
}

// --- whole webhook path ------------------------------------------------------
if (want('path')) {
  const rows = [];
  for (const [id, name, bytes, channel] of [
    ['line-single', 'LINE single text', P.lineText, 'line'],
    ['line-batch-100', 'LINE, 100 events', P.lineBatch, 'line'],
  ]) {
    const u8 = new Uint8Array(bytes);
    const sig = P.lineSignature(bytes);
    const secret = P.channelSecret;
    const t = interleaved(
      {
        plain: () => {
          const mac = createHmac('sha256', secret).update(u8).digest();
          const sigBytes = Buffer.from(sig, 'base64');
          if (!(mac.length === sigBytes.length && timingSafeEqual(mac, sigBytes))) throw new Error('bad');
          return JSON.parse(decoder.decode(u8));
        },
        sdk: () => {
          if (!sdk.verifyLineSignature(u8, secret, sig)) throw new Error('bad');
          return sdk.parseEvents(channel, u8);
        },
      },
      { rounds: bytes.length > 10000 ? 15 : 31 },
    );
    figures[`path.${id}.ratio`] = ratio(t.sdk, t.plain);
    rows.push([`${name}, ${bytes.length} B`, us(t.plain), us(t.sdk), fmtRatio(ratio(t.sdk, t.plain))]);
  }
  say(
    '## Whole webhook path: verify + parse + normalise (µs per body, median)\n\n' +
      table(['payload', 'createHmac + timingSafeEqual + JSON.parse', 'verifyLineSignature + parseEvents', 'ratio'], rows),
  );
}

// --- webhook server throughput ---------------------------------------------------
if (want('server')) {
  const { spawn } = await import('node:child_process');
  const { Pool } = await import('undici');
  const SERVERS = { plain: 'node:http + createHmac + JSON.parse', sdk: 'createWebhookHandler (`sobot-channels/webhook`)', lineBotSdk: '@line/bot-sdk middleware on Express' };
  const CONNECTIONS = 32;
  const SECONDS = 2;
  const ROUNDS = 3;
  const script = fileURLToPath(new URL('./server-worker.mjs', import.meta.url));
  const servers = {};
  for (const kind of Object.keys(SERVERS)) {
    const child = spawn(process.execPath, [script, kind], { cwd: root, env: { ...process.env, BENCH_SECRET: P.channelSecret }, stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = [];
    let buf = '';
    const waiters = [];
    child.stdout.on('data', (d) => {
      buf += d;
      for (let i; (i = buf.indexOf('\n')) >= 0; buf = buf.slice(i + 1)) {
        lines.push(JSON.parse(buf.slice(0, i)));
        waiters.splice(0).forEach((w) => w());
      }
    });
    const next = async (n) => {
      while (lines.length < n) await new Promise((r) => waiters.push(r));
      return lines[n - 1];
    };
    const { port } = await next(1);
    servers[kind] = { child, next, pool: new Pool(`http://127.0.0.1:${port}`, { connections: CONNECTIONS }), sent: 0, at: 0 };
  }
  // Every request is a new delivery (its own event ids, signed), so that the
  // package's de-duplication claims each event as it would in production: each
  // server cycles through more ids than its store keeps (10,000), oldest first.
  const bodiesOf = (id, bytes, count) => {
    const template = JSON.parse(decoder.decode(bytes));
    const events = template.events.map((e, i) => ({ ...e, webhookEventId: `@@${String(i).padStart(4, '0')}` }));
    const parts = JSON.stringify({ ...template, events }).split('@@');
    return Array.from({ length: count }, (_, n) => {
      const body = Buffer.from(parts.join(`${id}-${String(n).padStart(7, '0')}`));
      return { body, signature: P.lineSignature(body), events: events.length };
    });
  };
  const rows = [];
  for (const [id, name, bytes, count] of [
    ['line-single', 'LINE single text', P.lineText, 12000],
    ['line-batch-100', 'LINE, 100 events', P.lineBatch, 150],
  ]) {
    const bodies = bodiesOf(id, bytes, count);
    const load = async (kind, seconds) => {
      const s = servers[kind];
      const end = performance.now() + seconds * 1000;
      let done = 0;
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          while (performance.now() < end) {
            const b = bodies[s.at++ % bodies.length];
            const r = await s.pool.request({ path: '/webhook', method: 'POST', body: b.body, headers: { 'content-type': 'application/json', 'x-line-signature': b.signature } });
            await r.body.dump();
            if (r.statusCode !== 200) throw new Error(`${kind} server answered ${r.statusCode}`);
            s.sent += b.events;
            done++;
          }
        }),
      );
      return done / seconds;
    };
    const rps = Object.fromEntries(Object.keys(SERVERS).map((k) => [k, []]));
    for (const kind of Object.keys(SERVERS)) await load(kind, 1); // warm-up
    for (let r = 0; r < ROUNDS; r++) for (const kind of Object.keys(SERVERS)) rps[kind].push(await load(kind, SECONDS));
    const m = Object.fromEntries(Object.entries(rps).map(([k, xs]) => [k, median(xs)]));
    for (const [k, v] of Object.entries(m)) figures[`server.${id}.${k}.rps`] = v;
    figures[`server.${id}.ratio`] = m.sdk / m.plain;
    figures[`server.${id}.lineBotSdk.ratio`] = m.sdk / m.lineBotSdk;
    rows.push([`${name}, ${bytes.length} B`, ...Object.keys(SERVERS).map((k) => m[k].toFixed(0)), fmtRatio(m.sdk / m.plain), fmtRatio(m.sdk / m.lineBotSdk)]);
  }
  for (const [kind, s] of Object.entries(servers)) {
    await s.pool.close();
    s.child.kill('SIGTERM');
    const { seen } = await s.next(2);
    // each server handed every event of every delivery to its handler
    if (seen !== s.sent) throw new Error(`${kind} server handed over ${seen} events of ${s.sent}`);
  }
  say(
    `## Webhook server throughput (requests per second, median of ${ROUNDS} runs of ${SECONDS} s)\n\n` +
      `Each server runs in a process of its own; this process is the load generator, with ${CONNECTIONS} keep-alive ` +
      'connections (undici). Every request is a new signed delivery with its own event ids; each server verifies it, ' +
      'parses it and hands its events to a function that reads each id. A ratio is the package\'s throughput over the ' +
      'other server\'s (higher is better).\n\n' +
      table(['payload', ...Object.values(SERVERS), 'package / hand-written', 'package / @line/bot-sdk'], rows),
  );
}

// --- cold start ----------------------------------------------------------------
if (want('cold')) {
  const dir = mkdtempSync(join(tmpdir(), 'sobot-bench-'));
  const file = join(dir, 'body.json');
  writeFileSync(file, P.lineText);
  const sig = P.lineSignature(P.lineText);
  const PKGS = ['sdk', 'sdk-webhook', 'line-bot-sdk'];
  // per package: the whole path (import + verify + parse) and, in processes of
  // their own, import + first parse (the budget)
  const runs = {};
  const wall = {};
  const parts = {};
  for (const p of PKGS) for (const k of [p, `${p}-parse`]) [runs[k], wall[k], parts[k]] = [[], [], {}];
  const wasmFiles = { sdk: 'sobot_channels_bg.wasm', 'sdk-webhook': 'sobot_channels_webhook_bg.wasm' };
  const compile = { sdk: [], 'sdk-webhook': [] };
  const emptyCjs = join(dir, 'empty.cjs');
  const emptyEsm = join(dir, 'empty.mjs');
  writeFileSync(emptyCjs, '');
  writeFileSync(emptyEsm, '');
  const floorParts = { emptyCjs: [], emptyEsm: [], crypto: [] };
  const floor = { sdk: [], 'sdk-webhook': [] };
  const emptyPackageImport = [];
  const script = fileURLToPath(new URL('./cold.mjs', import.meta.url));
  // An installed package of empty modules with this package's `exports` map,
  // next to a copy of cold.mjs that imports it by name, as a user's code does:
  // the floor of an import is that import, then the compile of the wasm.
  const emptyName = 'sobot-channels-empty';
  const emptyPkg = join(dir, 'node_modules', emptyName);
  mkdirSync(emptyPkg, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(root, 'pkg', 'package.json'), 'utf8'));
  const { version, type, exports } = manifest;
  writeFileSync(join(emptyPkg, 'package.json'), JSON.stringify({ name: emptyName, version, type, exports }));
  for (const f of ['webhook.node.mjs', 'index.node.mjs']) writeFileSync(join(emptyPkg, f), '');
  const emptyScript = join(dir, 'cold.mjs');
  copyFileSync(script, emptyScript);
  for (let i = 0; i < 21; i++) {
    for (const which of Object.keys(runs)) {
      const t = performance.now();
      const out = execFileSync(process.execPath, [script, which, file, sig], {
        cwd: root,
        env: { ...process.env, BENCH_SECRET: P.channelSecret },
      }).toString();
      const w = performance.now() - t;
      const r = JSON.parse(out);
      if (!r.ok) throw new Error(`cold start ${which} did not verify and parse`);
      if (i === 0) continue; // the first run warms the file cache
      runs[which].push(r.totalMs);
      wall[which].push(w);
      for (const part of ['importMs', 'verifyMs', 'parseMs']) (parts[which][part] ??= []).push(r[part]);
    }
    for (const [name, wasm] of Object.entries(wasmFiles)) {
      const specifier = name === 'sdk' ? emptyName : `${emptyName}/webhook`;
      const out = JSON.parse(
        execFileSync(process.execPath, [emptyScript, 'floor', specifier, join(root, 'pkg', wasm)], { cwd: root }).toString(),
      );
      if (i === 0) continue;
      compile[name].push(out.compileMs);
      floor[name].push(out.ms);
      emptyPackageImport.push(out.importMs);
    }
    for (const [name, args] of [
      ['emptyCjs', [script, 'empty', emptyCjs]],
      ['emptyEsm', [script, 'empty', emptyEsm]],
      ['crypto', [script, 'crypto']],
    ]) {
      const out = JSON.parse(execFileSync(process.execPath, args, { cwd: root }).toString());
      if (i > 0) floorParts[name].push(out.ms);
    }
  }
  const m = (xs) => median(xs);
  const NAMES = { sdk: 'sdk', 'sdk-webhook': 'webhook', 'line-bot-sdk': 'lineBotSdk' };
  for (const [key, name] of Object.entries(NAMES)) {
    figures[`cold.${name}.importParse.ms`] = m(runs[`${key}-parse`]);
    figures[`cold.${name}.importVerifyParse.ms`] = m(runs[key]);
    figures[`cold.${name}.process.ms`] = m(wall[`${key}-parse`]);
    figures[`cold.${name}.import.ms`] = m(parts[`${key}-parse`].importMs);
    figures[`cold.${name}.firstParse.ms`] = m(parts[`${key}-parse`].parseMs);
    figures[`cold.${name}.firstVerify.ms`] = m(parts[key].verifyMs);
    if (compile[key]) figures[`cold.${name}.wasmCompile.ms`] = m(compile[key]);
  }
  figures['cold.floor.esmImportOfEmptyCommonJs.ms'] = m(floorParts.emptyCjs);
  figures['cold.floor.esmImportOfEmptyEsModule.ms'] = m(floorParts.emptyEsm);
  figures['cold.floor.esmImportOfEmptyPackage.ms'] = m(emptyPackageImport);
  figures['cold.floor.nodeCryptoLoad.ms'] = m(floorParts.crypto);
  // The parts of the budget's figure that do not depend on what the wasm does:
  // Node's import of an (empty) ES module by the package's name, then the compile.
  figures['cold.sdk.floor.ms'] = m(floor.sdk);
  figures['cold.webhook.floor.ms'] = m(floor['sdk-webhook']);
  const fx = (v) => (v === undefined ? '' : v.toFixed(2));
  const row = (label, key) => [
    label,
    fx(m(runs[`${key}-parse`])),
    fx(m(parts[`${key}-parse`].importMs)),
    compile[key] ? fx(m(compile[key])) : '',
    fx(m(parts[`${key}-parse`].parseMs)),
    fx(m(runs[key])),
    fx(m(parts[key].verifyMs)),
    m(wall[`${key}-parse`]).toFixed(1),
  ];
  say(
    '## Cold start in a fresh Node process (ms, median of 20)\n\n' +
      '"import + first parse" (the budget) imports the package and parses one LINE webhook (`parseEvents`; for ' +
      '`@line/bot-sdk`, `JSON.parse`), with its parts. "import + verify + parse" is the whole path, in other fresh ' +
      'processes: `verifyLineSignature` + `parseEvents` (`@line/bot-sdk`: `validateSignature` + `JSON.parse`), and ' +
      '"first verify" its verification. "wasm compile" is `new WebAssembly.Module` of the package\'s wasm in the fresh ' +
      'processes of the floor below: decoding and validating it, which every import pays (V8 compiles each function ' +
      'lazily, on its first call; the first parse pays for the parse path\'s).\n\n' +
      table(
        ['', 'import + first parse', 'import', 'of which wasm compile', 'first parse', 'import + verify + parse', 'first verify', 'whole process of import + first parse (spawn to exit)'],
        [row('sobot-channels', 'sdk'), row('sobot-channels/webhook', 'sdk-webhook'), row('@line/bot-sdk', 'line-bot-sdk')],
      ) +
      '\n\nThe floor, what any package with this wasm pays before its code runs, timed in fresh processes of its own: ' +
      'Node\'s ESM import of an empty ES module through a package\'s name (an installed package of empty modules with ' +
      `this package's \`exports\` map: ${fx(figures['cold.floor.esmImportOfEmptyPackage.ms'])} ms), then the wasm compile ` +
      `(it scales with the code): **${fx(figures['cold.webhook.floor.ms'])} ms** for \`sobot-channels/webhook\`, ` +
      `${fx(figures['cold.sdk.floor.ms'])} ms for \`sobot-channels\`, before the first parse compiles its code. By its ` +
      `path, an empty ES module takes ${fx(m(floorParts.emptyEsm))} ms to import. Each ES-module entry is one file that ` +
      'loads no CommonJS (an empty CommonJS file takes ' +
      `${fx(m(floorParts.emptyCjs))} ms, which the entries paid when they imported their CommonJS twins). The first ` +
      'verification adds the first load of ' +
      `\`node:crypto\` (${fx(m(floorParts.crypto))} ms: its HMAC is what meets the verification budget; \`@line/bot-sdk\` ` +
      'pays it inside its import).',
  );
}

// --- client vs plain fetch ---------------------------------------------------------
if (want('client')) {
  const { startEmulator } = await import('../tests/emulator/index.mjs');
  const { createHash } = await import('node:crypto');
  const emu = await startEmulator({ seed: 1 });
  // tasks to answer with: each call reads a page of 15
  emu.admin.generate({ lineTasks: 500 });
  const CALLS = 2000;
  const CONC = 50;
  const request = { page_no: 1, page_size: 15, task_start_time: 1714295033250, task_end_time: 1914295033250 };
  const client = new sdk.SobotClient({ appId: 'demo-app', appKey: 'demo-key', baseUrl: emu.url });
  await client.line.queryTaskList(request);
  const ct = String(Math.floor(Date.now() / 1000));
  const sign = createHash('md5').update(`demo-app${ct}demo-key`).digest('hex');
  let token;
  const getToken = async () => {
    const r = await fetch(`${emu.url}/api/get_token?appid=demo-app&create_time=${ct}&sign=${sign}`);
    token = (await r.json()).item.token;
  };
  const url = `${emu.url}/chat-set/api/line/query_task_list`;
  const body = JSON.stringify(request);
  const pool = async (op) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONC }, async () => {
        while (next < CALLS) {
          next++;
          await op();
        }
      }),
    );
  };
  const plainCall = async () => {
    const r = await fetch(url, { method: 'POST', headers: { token, 'content-type': 'application/json' }, body });
    const j = await r.json();
    if (j.ret_code !== '000000') throw new Error(`plain fetch: ${j.ret_code}`);
  };
  const plainCallTimeout = async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 30000);
    try {
      const r = await fetch(url, { method: 'POST', headers: { token, 'content-type': 'application/json' }, body, signal: controller.signal });
      const j = await r.json();
      if (j.ret_code !== '000000') throw new Error(`plain fetch: ${j.ret_code}`);
    } finally {
      clearTimeout(timer);
    }
  };
  const t = await interleavedAsync(
    {
      sdk: () => pool(() => client.line.queryTaskList(request)),
      // The same requests; the token is fetched once per run (the SDK shares one too).
      plainFetch: async () => {
        await getToken();
        await pool(plainCall);
      },
      // The same, each request bounded by a timeout as the SDK bounds its own
      // (an AbortController and a timer per request): what the feature costs alone.
      plainFetchTimeout: async () => {
        await getToken();
        await pool(plainCallTimeout);
      },
    },
    { rounds: 5, warmup: 1 },
  );
  // The SDK's own cost per call, apart from the network: the emulator's answer to
  // this request replayed by a fetch that answers at once, one call at a time.
  const answer = await (await fetch(url, { method: 'POST', headers: { token, 'content-type': 'application/json' }, body })).text();
  const instantFetch = async () => new Response(answer, { status: 200, headers: { 'content-type': 'application/json' } });
  const instantClient = new sdk.SobotClient({ appId: 'demo-app', appKey: 'demo-key', baseUrl: emu.url, fetch: async (u, init) => (u.includes('get_token') ? fetch(u, init) : instantFetch()) });
  await instantClient.line.queryTaskList(request);
  const N = 2000;
  const own = await interleavedAsync(
    {
      sdk: async () => {
        for (let i = 0; i < N; i++) await instantClient.line.queryTaskList(request);
      },
      plain: async () => {
        for (let i = 0; i < N; i++) {
          const j = await (await instantFetch()).json();
          if (j.ret_code !== '000000') throw new Error('plain');
        }
      },
    },
    { rounds: 5, warmup: 1 },
  );
  // The stages of a call that can be timed apart through the public API, one
  // call at a time; "the rest" is what only the whole call shows.
  const answerBytes = new TextEncoder().encode(answer);
  const stages = interleaved({
    validate: () => {
      if (sdk.validateLineTaskList(request).length) throw new Error('invalid');
    },
    encode: () => JSON.stringify(request),
    read: () => decoder.decode(answerBytes),
    handOver: () => JSON.parse(answer),
  });
  const glue = await interleavedAsync(
    {
      fetchGlue: async () => {
        for (let i = 0; i < N; i++) await (await instantFetch()).text();
      },
    },
    { rounds: 5, warmup: 1 },
  );
  await emu.close();
  const ownUs = ((own.sdk - own.plain) * 1000) / N;
  const callUs = (own.sdk * 1000) / N;
  const glueUs = (glue.fetchGlue * 1000) / N;
  const timedUs = stages.validate + stages.encode + glueUs + stages.read + stages.handOver;
  for (const [k, v] of Object.entries({ ...stages, fetchGlue: glueUs, rest: callUs - timedUs })) figures[`client.stage.${k}.us`] = v;
  const allowanceUs = ((t.plainFetch * 1000) / CALLS) * 0.1;
  figures['client.queryTaskList.own.us'] = ownUs;
  figures['client.queryTaskList.allowance.us'] = allowanceUs;
  figures['client.queryTaskList.sdk.ms'] = t.sdk;
  figures['client.queryTaskList.fetch.ms'] = t.plainFetch;
  figures['client.queryTaskList.ratio'] = ratio(t.sdk, t.plainFetch);
  figures['client.queryTaskList.fetchTimeout.ratio'] = ratio(t.plainFetchTimeout, t.plainFetch);
  say(
    `## Client: ${CALLS} LINE queryTaskList calls at concurrency ${CONC} against the emulator (ms per run, median of 5)\n\n` +
      table(
        ['plain fetch', 'plain fetch with a timeout per request', 'SobotClient', 'ratio to plain fetch'],
        [[t.plainFetch.toFixed(0), `${t.plainFetchTimeout.toFixed(0)} (${fmtRatio(ratio(t.plainFetchTimeout, t.plainFetch))})`, t.sdk.toFixed(0), fmtRatio(ratio(t.sdk, t.plainFetch))]],
      ) +
      `\n\nThe SDK's own cost per call, with the same answer (${answer.length} B) from a \`fetch\` that answers at once, one call at a time: ` +
      `${us((own.sdk * 1000) / N)} µs per SDK call against ${us((own.plain * 1000) / N)} µs for \`Response.json()\` of it, so ` +
      `**${us(ownUs)} µs** of the SDK's own (validation, the request's JSON, token, timeout, reading the answer into its model type and handing it to JS). ` +
      `The 1.1× budget allows ${us(allowanceUs)} µs per call at this rate (a tenth of plain fetch's ${us((t.plainFetch * 1000) / CALLS)} µs per call at concurrency ${CONC}).\n\n` +
      'Its stages, timed apart through the public API (µs per call): validation is `validateLineTaskList` of the request; ' +
      'encoding, at least `JSON.stringify` of it; the fetch glue, a `fetch` answering at once and `Response.text()`; reading, ' +
      'at least decoding the answer\'s UTF-8; the hand-over, at least `JSON.parse` of it. The rest is what only the whole call ' +
      'shows: the token, the timeout, the request\'s and the answer\'s passage through wasm and the answer\'s model type.\n\n' +
      table(
        ['whole call', 'validate', 'encode', 'fetch glue', 'read', 'hand-over', 'the rest'],
        [[us(callUs), us(stages.validate), us(stages.encode), us(glueUs), us(stages.read), us(stages.handOver), us(callUs - timedUs)]],
      ),
  );
}

// --- size ------------------------------------------------------------------------------
if (want('size')) {
  const gz = (b) => gzipSync(b, { level: 9 }).length;
  const br = (b) => brotliCompressSync(b, { params: { [zc.BROTLI_PARAM_QUALITY]: 11 } }).length;
  const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
  const rows = [];
  // the whole package, and the webhook functions alone (`sobot-channels/webhook`)
  for (const [id, name, spec] of [['', 'sobot_channels', 'sobot-channels'], ['webhook.', 'sobot_channels_webhook', 'sobot-channels/webhook']]) {
    const wasm = readFileSync(join(root, 'pkg', `${name}_bg.wasm`));
    const glue = readFileSync(join(root, 'pkg', `${name}.js`));
    const both = Buffer.concat([wasm, glue]);
    figures[`size.${id}wasm.raw`] = wasm.length;
    figures[`size.${id}wasm.gzip`] = gz(wasm);
    figures[`size.${id}glue.gzip`] = gz(glue);
    figures[`size.${id}wasm+glue.gzip`] = gz(wasm) + gz(glue);
    figures[`size.${id}wasm+glue.brotli`] = br(wasm) + br(glue);
    rows.push(
      [`\`${spec}\`: pkg/${name}_bg.wasm`, kb(wasm.length), kb(gz(wasm)), kb(br(wasm))],
      [`\`${spec}\`: pkg/${name}.js (glue)`, kb(glue.length), kb(gz(glue)), kb(br(glue))],
      [`\`${spec}\`: wasm + glue`, kb(both.length), kb(gz(wasm) + gz(glue)), kb(br(wasm) + br(glue))],
    );
  }
  let md = '## Size (1 KB = 1000 B)\n\n' + table(['file', 'raw', 'gzip -9', 'brotli 11'], rows);
  const named = join(root, 'target', 'wasm-bindgen', 'sobot_channels_bg.wasm');
  const twiggy = spawnSync('twiggy', ['top', '-n', '20', named], { encoding: 'utf8' });
  if (twiggy.status === 0 && existsSync(named)) {
    md += '\n\n`twiggy top -n 20` of the wasm before wasm-opt (it keeps the names section):\n\n```\n' + twiggy.stdout.trimEnd() + '\n```';
  } else {
    md += '\n\n(twiggy not found: `cargo install twiggy` for the size profile)';
  }
  say(md);
}

// --- workerd -----------------------------------------------------------------------------
if (want('workerd')) {
  const { Miniflare } = await import('miniflare');
  const { bundleWorker } = await import('../tests/workers/bundle.mjs');
  const bundle = await bundleWorker(fileURLToPath(new URL('./workerd-worker.js', import.meta.url)));
  const mf = new Miniflare({ ...bundle.miniflare, bindings: { SECRET: P.channelSecret } });
  await mf.ready;
  const N = 400;
  const call = async (op, bytes, channel, n) => {
    const res = await mf.dispatchFetch(`http://bench/?op=${op}&n=${n}&channel=${channel}`, {
      method: 'POST',
      body: bytes,
      headers: { 'x-line-signature': P.lineSignature(bytes) },
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`workerd ${op}: ${res.status} ${text}`);
  };
  const rows = [];
  for (const [id, name, bytes, channel] of [
    ['messenger-single', 'Messenger single text', P.messengerText, 'messenger'],
    ['line-single', 'LINE single text', P.lineText, 'line'],
    ['line-batch-100', 'LINE, 100 events', P.lineBatch, 'line'],
  ]) {
    const n = bytes.length > 10000 ? 40 : N;
    const ops = ['noop', 'json-parse', 'parse', 'subtle', 'verify', 'webhook-plain', 'webhook'];
    const t = await interleavedAsync(Object.fromEntries(ops.map((op) => [op, () => call(op, bytes, channel, n)])), { rounds: 7, warmup: 2 });
    const per = (op) => (t[op] - t.noop) / n; // ms per operation, the request's own cost removed
    figures[`workerd.webhook.${id}.ms`] = per('webhook');
    figures[`workerd.parse.${id}.ratio`] = per('parse') / per('json-parse');
    figures[`workerd.verify.${id}.ratio`] = per('verify') / per('subtle');
    rows.push([
      `${name}, ${bytes.length} B`,
      (per('json-parse') * 1000).toFixed(1),
      (per('parse') * 1000).toFixed(1),
      (per('subtle') * 1000).toFixed(1),
      (per('verify') * 1000).toFixed(1),
      (per('webhook-plain') * 1000).toFixed(1),
      (per('webhook') * 1000).toFixed(1),
    ]);
  }
  await mf.dispose();
  say(
    '## Inside workerd (Miniflare), µs per operation\n\n' +
      `Each request runs one operation n times on the posted body (n = ${N}, 40 for the batch); the time of a request that does nothing n times is subtracted ` +
      '(workerd does not advance its clocks while a request computes, so the driver times requests from outside). "webhook" = verify + parseEvents; ' +
      '"plain" = `crypto.subtle.verify` + `JSON.parse`.\n\n' +
      table(['payload', 'JSON.parse', 'parseEvents', 'crypto.subtle.verify', 'verifyLineSignature', 'plain webhook', 'SDK webhook'], rows),
  );
}

// --- budgets and RESULTS.md ------------------------------------------------------------------
const budgets = JSON.parse(readFileSync(new URL('./budgets.json', import.meta.url), 'utf8')).budgets;
const checked = budgets
  .filter((b) => b.id in figures)
  .map((b) => ({ ...b, value: figures[b.id], pass: !(figures[b.id] > b.max) && !(figures[b.id] < b.min) }));
const bound = (b) => (b.min !== undefined ? `≥ ${b.min}` : `≤ ${b.max}`);
const fmt = (v) => (Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(3));
say(
  '## Budgets (bench/budgets.json)\n\n' +
    table(['figure', 'what', 'budget', 'measured', ''], checked.map((c) => [`\`${c.id}\``, c.what, bound(c), fmt(c.value), c.pass ? 'pass' : '**missed**'])),
);

if (!only) {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const head =
    '# Benchmark results\n\n' +
    `Written by \`npm run bench\` on ${new Date().toISOString()}: Node ${process.version}, ${process.platform}/${process.arch}, ` +
    `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB. Medians of interleaved runs after warm-up; ` +
    'a ratio is SDK time / baseline time (lower is better).\n\n';
  const raw = '## Every figure\n\n```json\n' + JSON.stringify(figures, (k, v) => (typeof v === 'number' ? Number(v.toPrecision(5)) : v), 2) + '\n```\n';
  const notesFile = new URL('./NOTES.md', import.meta.url);
  const notes = existsSync(notesFile) ? '\n' + readFileSync(notesFile, 'utf8') : '';
  writeFileSync(new URL('./RESULTS.md', import.meta.url), head + sections.join('\n\n') + '\n\n' + raw + notes);
  console.log('wrote bench/RESULTS.md');
}

if (check) {
  const over = checked.filter((c) => !c.pass);
  const missing = budgets.filter((b) => !(b.id in figures)).map((b) => b.id);
  if (missing.length && !only) console.log(`not measured: ${missing.join(', ')}`);
  if (over.length) {
    console.error(`budget missed: ${over.map((c) => `${c.id} = ${fmt(c.value)} (${bound(c)})`).join('; ')}`);
    process.exit(1);
  }
  console.log('every budget met');
}
