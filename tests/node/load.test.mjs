// Load: one SobotClient, 10,000 calls at concurrency 200 (reads, paged reads, sends with
// unique payloads) against the emulator with about 5 % seeded transient faults on every
// route. The emulator runs in a child process (its CLI, driven over the admin HTTP API),
// so that the heap measured here is the client's, and the two use both cores. Every call resolves with a valid answer or rejects with a typed SobotError; no
// rejection goes unhandled; no message is recorded twice; the JS heap and the wasm
// linear memory stay flat between the middle and the end of the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// The package does not expose its wasm memory: catch the instance as the package
// creates it (the Node entry instantiates synchronously, once, on first import).
let wasmMemory = null;
const OriginalInstance = WebAssembly.Instance;
WebAssembly.Instance = new Proxy(OriginalInstance, {
  construct(target, args, newTarget) {
    const instance = Reflect.construct(target, args, newTarget);
    if (instance.exports.memory instanceof WebAssembly.Memory) wasmMemory ??= instance.exports.memory;
    return instance;
  },
});
const { SobotClient, SobotError } = await import('sobot-channels');
WebAssembly.Instance = OriginalInstance;
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

// A real collection before each sample: node --test passes no flags to the test
// process, so the flag is set at run time and `gc` taken from a new context.
setFlagsFromString('--expose-gc');
const gc = globalThis.gc ?? runInNewContext('gc');

const CALLS = 10_000;
const CONCURRENCY = 200;
const FAULT_RATE = 0.01; // per fault type, five types: about 5 % of requests
const KINDS = new Set(['validation', 'api', 'http', 'network', 'timeout', 'decode']);
const APP_ID = 'load-app';
const APP_KEY = 'load-key-5e0c';
const PAGE = '110661988000000';
const PAGED_ITEMS = 40; // two pages of 20

const MiB = 1024 * 1024;

function sample() {
  gc();
  gc();
  return { heap: process.memoryUsage().heapUsed, wasm: wasmMemory?.buffer.byteLength ?? 0 };
}

test(`${CALLS} calls at concurrency ${CONCURRENCY} with ~5 % transient faults`, { timeout: 120_000 }, async () => {
  assert.ok(wasmMemory, 'the wasm memory was caught');
  assert.equal(typeof gc, 'function');
  const child = spawn(process.execPath, [new URL('../emulator/cli.mjs', import.meta.url).pathname, '--port', '0', '--seed', '5', '--app-id', APP_ID, '--app-key', APP_KEY], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await once(createInterface({ input: child.stdout }), 'line');
  const url = line.match(/http:\/\/\S+/)[0];
  const admin = async (method, path, body) => {
    const r = await fetch(`${url}/__admin/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    const v = await r.json();
    if (!r.ok) throw new Error(`admin ${path}: ${JSON.stringify(v)}`);
    return v;
  };
  const emu = { url, close: () => (child.kill('SIGTERM'), once(child, 'exit')) };
  await admin('POST', 'generate', { lineTasks: PAGED_ITEMS, messengerRecords: 200 });
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const client = new SobotClient({
      appId: APP_ID,
      appKey: APP_KEY,
      baseUrl: emu.url,
      timeoutMs: 30_000,
      retry: { maxAttempts: 3, baseDelayMs: 2, maxDelayMs: 50 },
    });
    await client.token();
    // seeded fractions of every route (the token route included)
    for (const f of [
      { type: 'status', status: 503 },
      { type: 'status', status: 429, retryAfter: 0 },
      { type: 'reset' },
      { type: 'truncate' },
      { type: 'code', retCode: '999999' },
    ]) {
      await admin('POST', 'faults', { route: '*', ...f, rate: FAULT_RATE });
    }
    await admin('DELETE', 'requests');

    const message = (i) => ({ messaging_type: 'RESPONSE', recipientid: '524807506000000', pageid: PAGE, type: 'text', payload: `load ${i}` });
    const stats = { ok: 0, errors: {}, reads: 0, paged: 0, sends: 0 };
    const sendOutcome = new Map(); // payload → 'ok' | 'maybe' | 'not-sent'
    const invalid = [];

    async function one(i) {
      const kind = i % 10 < 3 ? 'send' : i % 10 < 5 ? 'paged' : 'read';
      stats[kind === 'send' ? 'sends' : kind === 'paged' ? 'paged' : 'reads']++;
      try {
        if (kind === 'send') {
          const item = await client.messenger.send(message(i));
          if (typeof item?.message_id !== 'string') invalid.push([i, item]);
          sendOutcome.set(`load ${i}`, 'ok');
        } else if (kind === 'paged') {
          const ids = [];
          for await (const t of client.line.tasks({ page_size: 20 })) ids.push(t.taskid);
          if (ids.length !== PAGED_ITEMS || new Set(ids).size !== PAGED_ITEMS) invalid.push([i, ids.length]);
        } else {
          const p = i % 2
            ? await client.line.queryTaskList({ page_no: 1 + (i % 2), page_size: 20 })
            : await client.messenger.sendRecordList({ page_no: 1 + (i % 10), page_size: 20 });
          if (p.ret_code !== '000000' || !Array.isArray(p.items) || p.items.length !== 20) invalid.push([i, p]);
        }
        stats.ok++;
      } catch (e) {
        if (!(e instanceof SobotError) || !KINDS.has(e.kind) || typeof e.retryable !== 'boolean') {
          invalid.push([i, e]);
          return;
        }
        const key = `${e.kind}${e.code ? ` ${e.code}` : e.status ? ` ${e.status}` : ''}`;
        stats.errors[key] = (stats.errors[key] ?? 0) + 1;
        if (kind === 'send') sendOutcome.set(`load ${i}`, /may have been processed/.test(e.message) ? 'maybe' : 'not-sent');
      }
    }

    // four quarters of 2,500 calls, each drained, with a sample after each: the
    // second half must not leave more memory behind than the first. The middle is
    // the higher of the first half's two samples, so that one low sample (the
    // heap after GC moves by a few MiB with what the engine keeps) is not taken
    // for the level the run had reached.
    let next = 0;
    const upTo = async (end) => {
      const worker = async () => {
        while (next < end) await one(next++);
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    };
    const start = sample();
    const t0 = Date.now();
    const quarters = [];
    for (let q = 1; q <= 4; q++) {
      await upTo((CALLS * q) / 4);
      if (q < 4) quarters.push(sample());
    }
    const ms = Date.now() - t0;
    const end = sample();
    const mid = { heap: Math.max(quarters[0].heap, quarters[1].heap), wasm: quarters[1].wasm };

    const { counts: byRoute, total } = await admin('GET', 'counts');
    const { sends } = await admin('GET', 'sends');
    const payloads = sends.map((s) => s.body.payload);
    const minimal = stats.reads + stats.paged * (PAGED_ITEMS / 20) + stats.sends;
    const figures = {
      calls: CALLS,
      concurrency: CONCURRENCY,
      ok: stats.ok,
      errors: stats.errors,
      mix: { reads: stats.reads, pagedReads: stats.paged, sends: stats.sends },
      requests: total,
      repeatsSeenByEmulator: total - minimal,
      getToken: byRoute.get_token ?? 0,
      sendsRecorded: sends.length,
      ms,
      callsPerSecond: Math.round((CALLS / ms) * 1000),
      heapMiB: { start: +(start.heap / MiB).toFixed(1), quarters: quarters.map((q) => +(q.heap / MiB).toFixed(1)), end: +(end.heap / MiB).toFixed(1) },
      wasmMiB: { start: +(start.wasm / MiB).toFixed(2), mid: +(mid.wasm / MiB).toFixed(2), end: +(end.wasm / MiB).toFixed(2) },
    };
    console.log(`load: ${JSON.stringify(figures)}`);

    assert.deepEqual(invalid.slice(0, 5), [], `${invalid.length} calls ended with something else than a valid answer or a typed SobotError`);
    assert.equal(stats.ok + Object.values(stats.errors).reduce((a, b) => a + b, 0), CALLS);
    assert.deepEqual(unhandled, []);
    // the faults happened, and most calls got past them
    assert.ok(total > minimal, 'the emulator saw repeats');
    assert.ok(stats.ok / CALLS > 0.95, `${stats.ok} calls succeeded`);
    // no message recorded twice; every resolved send recorded once; a send that
    // certainly was not processed recorded never
    assert.equal(new Set(payloads).size, payloads.length, 'a message was recorded twice');
    const recorded = new Set(payloads);
    for (const [p, o] of sendOutcome) {
      if (o === 'ok') assert.ok(recorded.has(p), `${p} resolved but was not recorded`);
      if (o === 'not-sent') assert.ok(!recorded.has(p), `${p} rejected as not processed but was recorded`);
    }
    // memory flat: through the second half (at three quarters and at the end), the heap
    // stays within 4 MiB of the higher of the first half's two samples, and the wasm
    // memory does not grow at all
    for (const [at, s] of [['three quarters', quarters[2]], ['the end', end]]) {
      assert.ok(s.heap <= mid.heap + 4 * MiB, `heap grew from ${mid.heap} bytes (the first half's higher sample) to ${s.heap} bytes at ${at}`);
      assert.ok(s.wasm <= mid.wasm, `wasm memory grew from ${mid.wasm} to ${s.wasm} bytes by ${at}`);
    }
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await emu.close();
  }
});
