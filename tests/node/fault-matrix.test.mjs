// The fault matrix: every emulator fault × every endpoint class, with the outcome the
// SDK promises written down in one table (MATRIX) and asserted cell by cell. The same
// table is rendered as Markdown into README.md ("Faults and retries"); a test keeps the
// two identical. Print it with `node tests/node/fault-matrix.test.mjs --markdown`.
//
// Expected values come from the retry rules (src/client/retry.rs, src/client/exec.rs,
// docs/decisions.md "Client"): reads are repeated after any failure that may succeed
// later; writes only when the request certainly was not processed (429, a rate-limit
// code, a refused token); a token refusal refreshes the token once and repeats once.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** The client settings of every cell: short timeouts and backoff so the matrix runs fast. */
const TIMEOUT_MS = 250;
const RETRY = { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 1500 };
/** A latency fault longer than the timeout. */
const SLOW_MS = 600;
/** The Page of the Graph classes and of the sends. */
const PAGE = '110661988000000';
/** A paged read walks 3 pages of 2 (5 items); its fault hits page 2. */
const PAGE_SIZE = 2;
const ITEMS = 5;

// A cell: attempts the emulator saw on the call's route (every page of a paged read),
// the bound on the time spent waiting between attempts (ms), the outcome, then extras:
// `refreshes` (get_token calls the refusal caused) and `sent` (messages the emulator
// recorded; a send is never recorded twice).
const c = (attempts, wait, outcome, extra = {}) => ({ attempts, wait, outcome, refreshes: 0, ...extra });
const ok = { ok: true };
const err = (kind, retryable, code = null) => ({ ok: false, kind, retryable, code });
const FINAL = false;
const RETRYABLE = true;

// Backoff bounds under RETRY: before attempt n+1 the wait is below min(1500, 20·2ⁿ⁻¹)
// (20 after the first attempt, 40 after the second); a Retry-After of 1 s is waited as is.
const ONE = 20;
const TWO = 60;
const RA = 1000;
/** Allowance per gap between attempts for timers firing late on a busy machine. */
const SCHEDULING_MS = 75;

/* eslint-disable prettier/prettier */
const MATRIX = [
  { fault: `latency ${SLOW_MS} ms, past the ${TIMEOUT_MS} ms timeout`, sobot: { type: 'latency', ms: SLOW_MS }, graph: { type: 'latency', ms: SLOW_MS },
    read: c(2, ONE, ok), paged: c(4, ONE, ok), send: c(1, 0, err('timeout', FINAL), { sent: 1 }), token: c(2, ONE, ok), graphRead: c(2, ONE, ok), graphPaged: c(4, ONE, ok) },
  { fault: 'HTTP 500', sobot: { type: 'status', status: 500 },
    read: c(2, ONE, ok), paged: c(4, ONE, ok), send: c(1, 0, err('http', FINAL), { sent: 0 }), token: c(2, ONE, ok), graphRead: c(2, ONE, ok), graphPaged: c(4, ONE, ok) },
  { fault: 'HTTP 502', sobot: { type: 'status', status: 502 },
    read: c(2, ONE, ok), paged: c(4, ONE, ok), send: c(1, 0, err('http', FINAL), { sent: 0 }), token: c(2, ONE, ok), graphRead: c(2, ONE, ok), graphPaged: c(4, ONE, ok) },
  { fault: 'HTTP 503', sobot: { type: 'status', status: 503 },
    read: c(2, ONE, ok), paged: c(4, ONE, ok), send: c(1, 0, err('http', FINAL), { sent: 0 }), token: c(2, ONE, ok), graphRead: c(2, ONE, ok), graphPaged: c(4, ONE, ok) },
  { fault: 'HTTP 504', sobot: { type: 'status', status: 504 },
    read: c(2, ONE, ok), paged: c(4, ONE, ok), send: c(1, 0, err('http', FINAL), { sent: 0 }), token: c(2, ONE, ok), graphRead: c(2, ONE, ok), graphPaged: c(4, ONE, ok) },
  { fault: 'HTTP 429, Retry-After: 1', sobot: { type: 'status', status: 429, retryAfter: 1 },
    read: c(2, RA, ok), paged: c(4, RA, ok), send: c(2, RA, ok, { sent: 1 }), token: c(2, RA, ok), graphRead: c(2, RA, ok), graphPaged: c(4, RA, ok) },
  { fault: 'connection reset before the answer', sobot: { type: 'reset' },
    read: c(2, ONE, ok), paged: c(4, ONE, ok), send: c(1, 0, err('network', FINAL), { sent: 0 }), token: c(2, ONE, ok), graphRead: c(2, ONE, ok), graphPaged: c(4, ONE, ok) },
  { fault: 'truncated JSON (HTTP 200)', sobot: { type: 'truncate' },
    read: c(2, ONE, ok), paged: c(4, ONE, ok), send: c(1, 0, err('decode', FINAL), { sent: 1 }), token: c(2, ONE, ok), graphRead: c(2, ONE, ok), graphPaged: c(4, ONE, ok) },
  { fault: 'HTML error page (HTTP 502)', sobot: { type: 'html' },
    read: c(2, ONE, ok), paged: c(4, ONE, ok), send: c(1, 0, err('http', FINAL), { sent: 0 }), token: c(2, ONE, ok), graphRead: c(2, ONE, ok), graphPaged: c(4, ONE, ok) },
  { fault: 'transient code: Sobot 999999, Graph 2', sobot: { type: 'code', retCode: '999999' }, graph: { type: 'code', graphCode: 2 },
    read: c(2, ONE, ok), paged: c(4, ONE, ok), send: c(1, 0, err('api', FINAL, '999999'), { sent: 0 }), token: c(2, ONE, ok), graphRead: c(2, ONE, ok), graphPaged: c(4, ONE, ok) },
  { fault: 'permanent code: Sobot 999994, Graph 100', sobot: { type: 'code', retCode: '999994' }, graph: { type: 'code', graphCode: 100, status: 400, message: '(#100) Invalid parameter' },
    read: c(1, 0, err('api', FINAL, '999994')), paged: c(2, 0, err('api', FINAL, '999994')), send: c(1, 0, err('api', FINAL, '999994'), { sent: 0 }), token: c(1, 0, err('api', FINAL, '999994')), graphRead: c(1, 0, err('api', FINAL, '100')), graphPaged: c(2, 0, err('api', FINAL, '100')) },
  { fault: 'rate-limit code: Sobot 4, Graph 4', sobot: { type: 'code', retCode: '4', retMsg: 'rate limited' }, graph: { type: 'code', graphCode: 4 },
    read: c(2, ONE, ok), paged: c(4, ONE, ok), send: c(2, ONE, ok, { sent: 1 }), token: c(2, ONE, ok), graphRead: c(2, ONE, ok), graphPaged: c(4, ONE, ok) },
  { fault: 'token invalidated: Sobot 900002, Graph 190', sobot: { type: 'invalidate_token' }, graph: { type: 'code', graphCode: 190, status: 400, message: 'Error validating access token: The session has been invalidated.' },
    read: c(2, 0, ok, { refreshes: 1 }), paged: c(4, 0, ok, { refreshes: 1 }), send: c(2, 0, ok, { refreshes: 1, sent: 1 }), token: c(1, 0, ok), graphRead: c(1, 0, err('api', FINAL, '190')), graphPaged: c(2, 0, err('api', FINAL, '190')) },
  { fault: 'HTTP 503 on every attempt', sobot: { type: 'status', status: 503 }, every: true,
    read: c(3, TWO, err('http', RETRYABLE)), paged: c(4, TWO, err('http', RETRYABLE)), send: c(1, 0, err('http', FINAL), { sent: 0 }), token: c(3, TWO, err('http', RETRYABLE)), graphRead: c(3, TWO, err('api', RETRYABLE, '2')), graphPaged: c(4, TWO, err('api', RETRYABLE, '2')) },
  { fault: 'HTTP 429, Retry-After: 120 (above maxDelayMs)', sobot: { type: 'status', status: 429, retryAfter: 120 },
    read: c(1, 0, err('http', RETRYABLE)), paged: c(2, 0, err('http', RETRYABLE)), send: c(1, 0, err('http', RETRYABLE), { sent: 0 }), token: c(1, 0, err('http', RETRYABLE)), graphRead: c(1, 0, err('api', RETRYABLE, '4')), graphPaged: c(2, 0, err('api', RETRYABLE, '4')) },
  { fault: 'HTTP 307 to another origin (not followed)', sobot: { type: 'redirect', status: 307 },
    read: c(1, 0, err('http', FINAL)), paged: c(2, 0, err('http', FINAL)), send: c(1, 0, err('http', FINAL), { sent: 0 }), token: c(1, 0, err('http', FINAL)), graphRead: c(1, 0, err('http', FINAL)), graphPaged: c(2, 0, err('http', FINAL)) },
];
/* eslint-enable prettier/prettier */

/** The endpoint classes: column title, the emulator route, whether it is Graph. */
const CLASSES = [
  { key: 'read', title: 'read (`line.queryTaskList`)', route: 'line.query_task_list' },
  { key: 'paged', title: 'paged read (`line.tasks`, fault on page 2)', route: 'line.query_task_list', paged: true },
  { key: 'send', title: 'send (`messenger.send`)', route: 'send' },
  { key: 'token', title: 'token (`get_token`)', route: 'get_token' },
  { key: 'graphRead', title: 'Graph read (`listConversations`)', route: 'graph.conversations', graph: true },
  { key: 'graphPaged', title: 'Graph paged read (`conversations`, fault on page 2)', route: 'graph.conversations', graph: true, paged: true },
];

/** The HTTP status an `http` outcome carries: the fault's. */
const statusOf = (row) => (row.sobot.type === 'html' ? 502 : row.sobot.status);

/** One cell as Markdown: attempts · wait bound · outcome (· messages recorded). */
function cellText(cell, row) {
  const o = cell.outcome;
  const detail = o.code ?? (o.kind === 'http' ? statusOf(row) : null);
  const outcome = o.ok ? 'ok' : `\`${o.kind}\`${detail ? ` ${detail}` : ''}, ${o.retryable ? 'retryable' : 'not retryable'}`;
  const parts = [
    `${cell.attempts}${cell.refreshes ? ` + ${cell.refreshes} get_token` : ''}`,
    cell.wait === RA ? `${RA} ms (Retry-After)` : cell.wait ? `≤ ${cell.wait} ms` : '0 ms',
    outcome,
  ];
  if (cell.sent !== undefined) parts.push(`${cell.sent} sent`);
  return parts.join(' · ');
}

/** The matrix as Markdown (what README.md carries): how to read it, then the table. */
export function markdown(matrix = MATRIX) {
  const lines = [
    'Each cell reads: requests the emulator received for the call (every page of a paged read, ' +
      'plus the `get_token` a refused token caused) · the bound on the time waited between them · ' +
      'the outcome (`kind`, code or HTTP status, `retryable`) · for sends, the messages the emulator ' +
      `recorded. The client runs with \`timeoutMs: ${TIMEOUT_MS}\` and ` +
      `\`retry: { maxAttempts: ${RETRY.maxAttempts}, baseDelayMs: ${RETRY.baseDelayMs}, maxDelayMs: ${RETRY.maxDelayMs} }\`; ` +
      'each fault hits one request (page 2 of a paged read) unless the row says every attempt. ' +
      '`tests/node/fault-matrix.test.mjs` asserts every cell.',
    '',
    `| fault | ${CLASSES.map((k) => k.title).join(' | ')} |`,
    `| --- | ${CLASSES.map(() => '---').join(' | ')} |`,
  ];
  for (const row of matrix) lines.push(`| ${row.fault} | ${CLASSES.map((k) => cellText(row[k.key], row)).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

if (process.argv.includes('--markdown')) {
  process.stdout.write(markdown());
} else {
  // (loaded here, so that printing the table needs neither the built package nor a server)
  const sdk = await import('sobot-channels');
  const helpers = await import('./client-helpers.mjs');
  defineTests(sdk, helpers);
}

function defineTests({ SobotError }, { emulator, sobot, graph, currentToken }) {
  let emu;
  let client;
  let g;
  /** Every HTTP exchange of the current cell: start and end (answer read or failure). */
  let exchanges = [];

  /** A fetch that reads the whole answer before handing it over, and times it. */
  const timedFetch = async (url, init) => {
    const x = { url: String(url), start: performance.now(), end: 0 };
    exchanges.push(x);
    try {
      const res = await fetch(url, init);
      const body = await res.arrayBuffer();
      x.end = performance.now();
      return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    } catch (e) {
      x.end = performance.now();
      throw e;
    }
  };

  /** Milliseconds between the exchanges of a call: its backoff (and nothing else). */
  const waited = () => {
    let w = 0;
    for (let i = 1; i < exchanges.length; i++) w += Math.max(0, exchanges[i].start - exchanges[i - 1].end);
    return w;
  };

  const settle = (ms) => new Promise((r) => setTimeout(r, ms));
  const message = (n) => ({ messaging_type: 'RESPONSE', recipientid: '524807506000000', pageid: PAGE, type: 'text', payload: `matrix ${n}` });

  before(async () => {
    emu = await emulator({ generate: { lineTasks: ITEMS, conversations: { count: ITEMS, pageId: PAGE } } });
  });
  after(() => emu?.close());

  beforeEach(() => {
    emu.admin.reset();
    exchanges = [];
    const opts = { timeoutMs: TIMEOUT_MS, retry: RETRY, fetch: timedFetch };
    client = sobot(emu, opts);
    g = graph(emu, opts);
  });

  /** Runs one class's call; resolves to `{ value | error, items }`. */
  async function run(cls, n) {
    const outcome = async (p) => {
      try {
        return { value: await p };
      } catch (error) {
        return { error };
      }
    };
    if (cls.paged) {
      const items = [];
      const iter = cls.graph
        ? g.conversations({ pageId: PAGE, platform: 'messenger', limit: PAGE_SIZE })
        : client.line.tasks({ page_size: PAGE_SIZE });
      const r = await outcome((async () => {
        for await (const it of iter) items.push(cls.graph ? it.id : it.taskid);
      })());
      return { ...r, items };
    }
    switch (cls.key) {
      case 'read':
        return outcome(client.line.queryTaskList({ page_no: 1, page_size: PAGE_SIZE }));
      case 'send':
        return outcome(client.messenger.send(message(n)));
      case 'token':
        return outcome(client.token());
      default:
        return outcome(g.listConversations({ pageId: PAGE, platform: 'messenger', limit: PAGE_SIZE }));
    }
  }

  test('the matrix covers every emulator fault type and every endpoint class', async () => {
    const { FAULT_TYPES } = await import('../emulator/lib/faults.mjs');
    const used = new Set(MATRIX.flatMap((r) => [r.sobot.type, (r.graph ?? r.sobot).type]));
    assert.deepEqual([...used].sort(), [...FAULT_TYPES].sort());
    const statuses = new Set(MATRIX.filter((r) => r.sobot.type === 'status').map((r) => r.sobot.status));
    assert.deepEqual([...statuses].sort(), [429, 500, 502, 503, 504]);
    for (const row of MATRIX) for (const k of CLASSES) assert.ok(row[k.key], `${row.fault} × ${k.key}`);
  });

  test('README.md carries the matrix verbatim', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    assert.ok(readme.includes(markdown()), `README.md lacks the current table; regenerate it with\n  node tests/node/fault-matrix.test.mjs --markdown\n\n${markdown()}`);
  });

  let n = 0;
  for (const row of MATRIX) {
    for (const cls of CLASSES) {
      const cell = row[cls.key];
      test(`${row.fault} × ${cls.key}: ${cellText(cell, row)}`, async () => {
        n++;
        // The token first (except when the token is the call), so that every request
        // counted below is the call's own.
        if (cls.key !== 'token' && !cls.graph) await client.token();
        emu.admin.clearRequests();
        exchanges = [];
        const spec = { ...(cls.graph ? (row.graph ?? row.sobot) : row.sobot) };
        if (!row.every) spec.times = 1;
        if (cls.paged) spec.skip = 1;
        emu.admin.fault(cls.route, spec);

        const t0 = performance.now();
        const r = await run(cls, n);
        const elapsed = performance.now() - t0;
        if (spec.type === 'latency') await settle(SLOW_MS);

        // attempts the emulator saw, and get_token calls the call caused
        assert.equal(emu.admin.count(cls.route), cell.attempts, 'attempts on the route');
        if (cls.key !== 'token' && !cls.graph) assert.equal(emu.admin.count('get_token'), cell.refreshes, 'get_token calls');

        // waits between attempts: within the bound, with an allowance per gap for timers
        // and the event loop running late on a loaded machine (measured up to ~60 ms with
        // other builds running); a Retry-After is waited in full
        const w = waited();
        const gaps = Math.max(0, exchanges.length - 1);
        assert.ok(w <= cell.wait + SCHEDULING_MS * gaps, `waited ${w.toFixed(1)} ms over ${gaps} gaps, bound ${cell.wait} ms`);
        if (cell.wait === RA) assert.ok(w >= RA - 5, `waited ${w.toFixed(1)} ms, Retry-After asked ${RA}`);
        // and the whole call: its waits, the timeouts it sat through, and the I/O
        const timeouts = spec.type === 'latency' ? Math.min(cell.attempts, row.every ? cell.attempts : 1) * TIMEOUT_MS : 0;
        assert.ok(elapsed <= cell.wait + timeouts + 1000 + SCHEDULING_MS * gaps, `the call took ${elapsed.toFixed(0)} ms`);

        if (cell.outcome.ok) {
          assert.ok(!r.error, `expected success, got ${r.error}`);
          if (cls.paged) {
            assert.equal(r.items.length, ITEMS, 'every item once');
            assert.equal(new Set(r.items).size, ITEMS);
          } else if (cls.key === 'read') assert.equal(r.value.ret_code, '000000');
          else if (cls.key === 'send') assert.match(r.value.message_id, /^m_/);
          else if (cls.key === 'token') {
            // the emulator's current token (unless a timed-out attempt's late answer replaced it)
            if (spec.type !== 'latency') assert.equal(r.value.token, currentToken(emu));
            else assert.match(r.value.token, /^\w{16,}$/);
          }
          else assert.equal(r.value.data.length, PAGE_SIZE);
        } else {
          const e = r.error;
          assert.ok(e instanceof SobotError, `expected a SobotError, got ${e}`);
          assert.equal(e.kind, cell.outcome.kind);
          assert.equal(e.retryable, cell.outcome.retryable, `retryable (${e.message})`);
          if (cell.outcome.code) assert.equal(e.code, cell.outcome.code);
          if (e.kind === 'http') assert.equal(e.status, statusOf(row));
          assert.equal(e.endpoint, { read: 'line.query_task_list', paged: 'line.query_task_list', send: 'messenger.send', token: 'get_token' }[cls.key] ?? 'graph.conversations');
          // a send that failed after it may have been processed says so; a refusal does not
          // (a redirect is an answer: the server did not take the request)
          const ambiguous = (e.kind !== 'api' || e.code === '999999') && e.status !== 307;
          if (cls.key === 'send' && !e.retryable) assert.equal(/may have been processed/.test(e.message), ambiguous, e.message);
          // a failed page 2 ends the walk after page 1's items
          if (cls.paged) assert.equal(r.items.length, PAGE_SIZE);
        }

        if (cell.sent !== undefined) {
          const sends = emu.admin.sends().map((s) => s.body.payload);
          assert.equal(sends.length, cell.sent, 'messages recorded');
          assert.ok(sends.every((p) => p === `matrix ${n}`));
        }

        // a token handed out by a retried get_token is usable, or recoverable: the late
        // answer of a timed-out attempt may have replaced it, and the client refreshes once
        if (cls.key === 'token' && cell.outcome.ok) {
          emu.admin.clearFaults();
          assert.equal((await client.line.queryTaskList({ page_no: 1, page_size: 1 })).ret_code, '000000');
        }
      });
    }
  }
}
