// messenger.broadcast() against the emulator: a topic of 10,000 subscribers (one in
// ten unsubscribed), 429s with Retry-After and 503s on sends, a run stopped by its
// signal and resumed with its runId, the perSecond bound, and validation first.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { SobotError, MemoryDedupeStore } from 'sobot-channels';
import { emulator, sobot, PAGE } from './client-helpers.mjs';

const BIG = 'spring sale';
const SMALL = 'weekly';
const TINY = 'alerts';
const message = { pageid: PAGE, type: 'text', payload: 'Spring sale: 20% off today', messaging_type: 'UPDATE' };
const request = (title) => ({ appid: PAGE, title, message });
// Retry-After of 1 s within the policy (the helpers' fast policy caps waits at 50 ms).
const retry = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2000 };

let emu;
/** The subscribers of each topic, as query_sub_users lists them. */
const topics = {};

before(async () => {
  emu = await emulator();
});
after(() => emu?.close());

/** The three topics, the same after each reset (one seeded stream, in this order). */
function generate() {
  emu.admin.reset();
  emu.admin.generate({ subscribers: { count: 10_000, title: BIG } });
  emu.admin.generate({ subscribers: { count: 1_000, title: SMALL } });
  emu.admin.generate({ subscribers: { count: 100, title: TINY } });
}

beforeEach(async () => {
  generate();
  const c = sobot(emu);
  for (const title of [BIG, SMALL, TINY]) {
    const all = [];
    for await (const s of c.messenger.subUsers({ appid: PAGE, title })) all.push(s);
    topics[title] = { all, active: all.filter((s) => s.sub_status === 1) };
  }
  emu.admin.clearRequests();
});

/** The recipient_token of every accepted send, checked to be each at most once. */
function sentOnce() {
  const tokens = emu.admin.sends().map((s) => s.recipient_token);
  const set = new Set(tokens);
  assert.equal(set.size, tokens.length, 'no recipient got two sends');
  return set;
}

test('10,000 subscribers with 429s and 503s: each active one reached once, the maybe-sent reported', async (t) => {
  const { all, active } = topics[BIG];
  assert.equal(all.length, 10_000);
  const byId = new Map(all.map((s) => [s.facebookid, s]));
  emu.admin.fault('send', { type: 'status', status: 429, retryAfter: 1, times: 4, skip: 100 });
  emu.admin.fault('send', { type: 'status', status: 503, times: 3, skip: 2_000 });
  const client = sobot(emu, { retry });
  let calls = 0;
  const started = performance.now();
  const report = await client.messenger.broadcast(request(BIG), {
    concurrency: 16,
    perSecond: 10_000,
    onProgress: () => calls++,
    timeoutMs: 30_000,
  });
  const ms = performance.now() - started;
  t.diagnostic(`10,000 subscribers, ${report.sent} sent in ${ms.toFixed(0)} ms: ${(report.sent / (ms / 1000)).toFixed(0)} sends/s`);

  assert.match(report.runId, /^[0-9a-f]{32}$/);
  assert.equal(report.total, 10_000);
  assert.equal(report.skipped, all.length - active.length);
  assert.equal(report.unknown, 3);
  assert.equal(report.failed, 0);
  assert.equal(report.alreadyClaimed, 0);
  assert.equal(report.sent, active.length - 3);
  assert.equal(report.cancelled, false);
  assert.equal(calls, active.length + 1, 'after each send and once at the end');
  assert.equal(report.failures.length, 3);
  for (const f of report.failures) {
    assert.deepEqual([f.outcome, f.released, f.kind, f.status], ['unknown', false, 'http', 503]);
    assert.match(f.message, /may have been processed/);
    assert.ok(byId.get(f.recipient), 'the recipient is the facebookid');
  }

  // Exactly once, but for the maybe-sent; none of them sent twice or to an unsubscribed one.
  const sent = sentOnce();
  const unknown = new Set(report.failures.map((f) => byId.get(f.recipient).sub_token));
  for (const s of active) assert.ok(sent.has(s.sub_token) !== unknown.has(s.sub_token), s.sub_token);
  assert.equal(sent.size + unknown.size, active.length);
  assert.equal(emu.admin.count('send'), active.length + 4, 'each 429 repeated once, no 503 repeated');
  assert.equal(emu.admin.count('query_sub_users'), 100);

  // The repeat of a 429 waited its Retry-After.
  const log = emu.admin.requests({ route: 'send' });
  const limited = log.filter((r) => r.status === 429);
  assert.equal(limited.length, 4);
  for (const r of limited) {
    const again = log.find((x) => x.seq > r.seq && x.body.recipient_token === r.body.recipient_token);
    assert.ok(again.time - r.time >= 900, `${again.time - r.time} ms`);
  }
});

test('a run stopped by its signal and resumed with its runId sends only to the rest', async () => {
  const { active } = topics[SMALL];
  for (const shared of [false, true]) {
    generate();
    const store = shared ? new MemoryDedupeStore(10_000) : undefined;
    const first = sobot(emu);
    const controller = new AbortController();
    const runId = `weekly-${shared}`;
    const stopped = await first.messenger.broadcast(request(SMALL), {
      runId,
      store,
      signal: controller.signal,
      onProgress: (c) => c.sent >= 300 && controller.abort(),
    });
    assert.equal(stopped.cancelled, true);
    assert.equal(stopped.runId, runId);
    assert.ok(stopped.sent >= 300 && stopped.sent < 304, `in-flight sends finish: ${stopped.sent}`);
    assert.equal(emu.admin.sends().length, stopped.sent);

    // Resumed: by the same client (its memory), or by another one over the same store.
    const second = shared ? sobot(emu) : first;
    const resumed = await second.messenger.broadcast(request(SMALL), { runId, store });
    assert.equal(resumed.cancelled, false);
    assert.equal(resumed.alreadyClaimed, stopped.sent);
    assert.equal(stopped.sent + resumed.sent, active.length);
    const sent = sentOnce();
    assert.equal(sent.size, active.length);
    for (const s of active) assert.ok(sent.has(s.sub_token));

    // The same id again sends nothing; a new id is a new run.
    const again = await second.messenger.broadcast(request(SMALL), { runId, store });
    assert.deepEqual([again.sent, again.alreadyClaimed], [0, active.length]);
  }
});

test('a 429 on every attempt is failed and released: a resume sends it', async () => {
  const { active } = topics[TINY];
  emu.admin.fault('send', { type: 'status', status: 429, retryAfter: 0, times: 3 });
  const client = sobot(emu);
  const store = new MemoryDedupeStore(1_000);
  const first = await client.messenger.broadcast(request(TINY), { runId: 'r', concurrency: 1, store });
  assert.equal(first.failed, 1);
  assert.deepEqual(
    [first.failures[0].outcome, first.failures[0].released, first.failures[0].status],
    ['failed', true, 429],
  );
  assert.equal(first.sent, active.length - 1);
  const resumed = await client.messenger.broadcast(request(TINY), { runId: 'r', store });
  assert.deepEqual([resumed.sent, resumed.alreadyClaimed], [1, active.length - 1]);
  assert.equal(sentOnce().size, active.length);
});

test('perSecond bounds the sends started in any second', async () => {
  const { active } = topics[TINY];
  const starts = [];
  const fetch = (url, init) => {
    if (String(url).endsWith('/send')) starts.push(performance.now());
    return globalThis.fetch(url, init);
  };
  const client = sobot(emu, { fetch });
  const report = await client.messenger.broadcast(request(TINY), { perSecond: 30, concurrency: 8 });
  assert.equal(report.sent, active.length);
  assert.equal(starts.length, active.length);
  // Starts are paced by Date.now(); 50 ms of slack for its granularity and the hop to fetch.
  for (let i = 0; i < starts.length; i++) {
    const within = starts.filter((s) => s >= starts[i] && s < starts[i] + 950).length;
    assert.ok(within <= 30, `${within} sends started within a second`);
  }
  const span = starts[starts.length - 1] - starts[0];
  assert.ok(span >= (Math.ceil(active.length / 30) - 1) * 1000 - 50, `${span} ms`);
});

test('an invalid request or option is refused before anything is sent', async () => {
  const client = sobot(emu);
  const refused = async (req, options, check) => {
    const e = await client.messenger.broadcast(req, options).then(
      () => assert.fail('resolved'),
      (e) => e,
    );
    assert.ok(e instanceof SobotError, String(e));
    assert.equal(e.kind, 'validation');
    check(e);
  };
  await refused(
    { appid: PAGE, title: TINY, message: { pageid: PAGE, type: 'text', payload: '', recipient_token: 'x' } },
    undefined,
    (e) => {
      const paths = e.violations.map((v) => v.path);
      assert.ok(paths.includes('message.payload') && paths.includes('message.recipient_token'), paths.join());
      assert.match(e.message, /message\.payload/);
    },
  );
  await refused({ appid: PAGE, message }, undefined, (e) => assert.deepEqual(e.violations.map((v) => v.path), ['title']));
  await refused(request(TINY), { concurency: 2 }, (e) => assert.match(e.message, /did you mean concurrency\?/));
  await refused(request(TINY), { store: { claim() {} }, concurrency: 0 }, (e) => {
    assert.deepEqual(e.violations.map((v) => v.path).sort(), ['concurrency', 'store']);
  });
  assert.equal(emu.admin.count('*'), 0, 'not even a token or a page was asked for');
});
