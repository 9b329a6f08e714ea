// The Worker's broadcasts in workerd (Miniflare), against the emulator's topic of
// 10,000 subscribers: the queued run (producer, Cloudflare Queue, consumer) with 429s
// and 503s, and in-request runs shared by two isolates, killed with
// workerd mid-run and resumed by a new one. Nobody gets two sends; each active
// subscriber is sent to, reported unknown, or held by a claim of the killed run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SobotClient } from 'sobot-channels';
import { startEmulator } from '../../tests/emulator/index.mjs';
import { startWorker, DEFAULT_BINDINGS as env } from './dev.mjs';

const PAGE = '110661988000000';
const QUEUED = 'spring sale';
const SHARED = 'autumn sale';
const N = 10_000;
const message = { pageid: PAGE, type: 'text', payload: 'Spring sale: 20% off today', messaging_type: 'UPDATE' };
const auth = { authorization: `Bearer ${env.BROADCAST_TOKEN}` };
let emu;
const logs = [];
/** Each topic's subscribers, as the emulator lists them. */
const topics = {};

before(async () => {
  emu = await startEmulator({ seed: 11, apps: [{ appId: env.SOBOT_APP_ID, appKey: env.SOBOT_APP_KEY }] });
  const sobot = new SobotClient({ appId: env.SOBOT_APP_ID, appKey: env.SOBOT_APP_KEY, baseUrl: emu.url });
  for (const title of [QUEUED, SHARED]) {
    emu.admin.generate({ subscribers: { count: N, title } });
    const all = [];
    for await (const s of sobot.messenger.subUsers({ appid: PAGE, title })) all.push(s);
    topics[title] = { all, active: all.filter((s) => s.sub_status === 1) };
  }
  emu.admin.invalidateToken();
});
after(() => emu?.close());

/** The accepted sends to one topic's subscribers, checked to be each at most once. */
function sentOnce(title) {
  const tokens = new Set(topics[title].all.map((s) => s.sub_token));
  const per = emu.admin.sendsPerRecipient();
  const twice = Object.entries(per).filter(([t, n]) => tokens.has(t) && n > 1);
  assert.deepEqual(twice, [], 'no recipient got two sends');
  return new Set(Object.keys(per).filter((t) => tokens.has(t)));
}

test('a queued broadcast of 10,000 with 429s and 503s: each active subscriber reached once', async (t) => {
  const { all, active } = topics[QUEUED];
  const worker = await startWorker({ bindings: { SOBOT_BASE_URL: emu.url, BROADCAST_PER_SECOND: '400' }, isolates: 2, onLog: (l) => logs.push(l) });
  t.after(() => worker.close());
  const post = (body, headers = auth, path = '/broadcast') => worker.fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });

  assert.equal((await post({ appid: PAGE, title: QUEUED, message }, {})).status, 401);
  const bad = await post({ appid: PAGE, title: QUEUED, message: { ...message, recipient_token: 'x', payload: '' } });
  assert.equal(bad.status, 400);
  assert.deepEqual((await bad.json()).violations.map((v) => v.path).sort(), ['message.payload', 'message.recipient_token']);
  assert.equal(emu.admin.sends().length, 0);

  // Two 429s in a row (one send may meet both: its third attempt passes), three 503s.
  emu.admin.fault('send', { type: 'status', status: 429, retryAfter: 1, times: 2, skip: 1_000 });
  emu.admin.fault('send', { type: 'status', status: 503, times: 3, skip: 2_000 });
  // One subscriber answered 429 on each of the client's 3 attempts: released, re-queued, then sent.
  const requeued = active[5_000];
  emu.admin.fault('send', { type: 'status', status: 429, retryAfter: 1, times: 3, match: { recipient_token: requeued.sub_token } });
  t.after(() => emu.admin.clearFaults());
  emu.admin.clearRequests();
  const started = performance.now();
  const res = await post({ runId: 'spring-queued', appid: PAGE, title: QUEUED, message });
  assert.equal(res.status, 202);
  assert.deepEqual(await res.json(), { runId: 'spring-queued', pass: 1, subscribers: N, pages: N / 100 });

  /** The run's counts once its pass `pass` is done (at most two minutes). */
  const ended = async (pass) => {
    let s;
    for (let i = 0; i < 1200 && !(s?.pass === pass && s.done); i++) {
      await new Promise((r) => setTimeout(r, 100));
      s = await (await worker.fetch('/broadcast/spring-queued', { headers: auth })).json();
    }
    return s;
  };
  let status = await ended(1);
  const ms = performance.now() - started;
  assert.ok(status.done, `the run ended: ${JSON.stringify(status)}\n${logs.slice(-20).join('\n')}`);
  const limited = emu.admin.requests({ route: 'send' }).filter((r) => r.status === 429).length;
  t.diagnostic(`queued: ${status.sent} sent in ${ms.toFixed(0)} ms (${(status.sent / (ms / 1000)).toFixed(0)} sends/s at BROADCAST_PER_SECOND 400), ${limited} answered 429, ${status.retried} re-queued`);

  const sent = sentOnce(QUEUED);
  const unknown = new Set(logs.filter((l) => l.includes('spring-queued') && l.includes(': unknown')).map((l) => /spring-queued (\S+):/.exec(l)[1]));
  assert.equal(status.unknown, 3, '503s: may have been processed, never repeated');
  assert.equal(unknown.size, 3);
  assert.equal(status.failed, 0);
  assert.equal(status.total, all.length);
  assert.equal(status.skipped, all.length - active.length);
  assert.equal(status.sent, active.length - 3);
  assert.equal(sent.size, status.sent);
  for (const s of active) assert.ok(sent.has(s.sub_token) || unknown.has(s.facebookid), s.facebookid);
  assert.equal(limited, 5, 'the two 429s and the refused subscriber\'s three');
  assert.equal(status.retried, 1);
  assert.ok(sent.has(requeued.sub_token), 'the re-queued subscriber was sent to');

  // Started again with the same runId (its second pass): everyone is claimed; nothing is sent.
  const before = emu.admin.sends().length;
  assert.equal((await post({ runId: 'spring-queued', appid: PAGE, title: QUEUED, message })).status, 202);
  status = await ended(2);
  assert.ok(status.done, `the second pass ended: ${JSON.stringify(status)}`);
  assert.deepEqual(
    { total: status.total, sent: status.sent, alreadyClaimed: status.alreadyClaimed, skipped: status.skipped },
    { total: all.length, sent: 0, alreadyClaimed: active.length, skipped: all.length - active.length },
  );
  assert.equal(emu.admin.sends().length, before);
});

test('two isolates share an in-request run; workerd is killed mid-run and a new one resumes it', async (t) => {
  const { all, active } = topics[SHARED];
  const persist = mkdtempSync(join(tmpdir(), 'sobot-broadcast-do-'));
  t.after(() => rmSync(persist, { recursive: true, force: true }));
  emu.admin.fault('send', { type: 'status', status: 429, retryAfter: 1, times: 3, skip: 500 });
  emu.admin.fault('send', { type: 'status', status: 503, times: 2, skip: 3_000 });
  t.after(() => emu.admin.clearFaults());
  const bindings = { SOBOT_BASE_URL: emu.url, BROADCAST_PER_SECOND: '' };
  const body = JSON.stringify({ runId: 'autumn-shared', appid: PAGE, title: SHARED, message });
  const run = (w, isolate) => w.fetch('/broadcast/run', { method: 'POST', headers: auth, body }, isolate);
  const started = performance.now();

  const first = await startWorker({ bindings, isolates: 2, persist, onLog: (l) => logs.push(l) });
  const killed = [run(first, 0), run(first, 1)].map((p) => p.then((r) => r.status, () => 'killed'));
  const before = emu.admin.sends().length;
  for (let i = 0; i < 3000 && emu.admin.sends().length - before < 2_000; i++) await new Promise((r) => setTimeout(r, 20));
  const sentBeforeKill = emu.admin.sends().length - before;
  assert.ok(sentBeforeKill >= 2_000, `2,000 sent before the kill: ${sentBeforeKill}`);
  await first.close();
  const sentByKilled = emu.admin.sends().length - before;
  assert.deepEqual(await Promise.all(killed), ['killed', 'killed'], 'both runs died with workerd');

  const second = await startWorker({ bindings, isolates: 2, persist, onLog: (l) => logs.push(l) });
  t.after(() => second.close());
  const reports = await Promise.all([run(second, 0), run(second, 1)].map(async (p) => {
    const r = await p;
    assert.equal(r.status, 200);
    return r.json();
  }));
  const ms = performance.now() - started;
  const sent = sentOnce(SHARED);
  t.diagnostic(`shared: ${sent.size} sent in ${ms.toFixed(0)} ms over two isolates, killed once and resumed`);

  const unknown = new Set(reports.flatMap((r) => r.failures.filter((f) => f.outcome === 'unknown').map((f) => f.recipient)));
  const missing = active.filter((s) => !sent.has(s.sub_token) && !unknown.has(s.facebookid));
  // At most the killed isolates' sends in flight (4 each) are left claimed: sent or not, never repeated.
  assert.ok(missing.length <= 8, `held by the killed run's claims: ${missing.length}`);
  for (const r of reports) {
    assert.equal(r.total, all.length);
    assert.equal(r.failed, 0);
    assert.equal(r.sent + r.alreadyClaimed + r.skipped + r.unknown, all.length);
  }
  // The resumed isolates sent the rest between them; the killed run's sends were not repeated.
  assert.equal(reports[0].sent + reports[1].sent, sent.size - sentByKilled);
  for (const r of reports) assert.ok(r.alreadyClaimed >= sentByKilled, 'the killed run\'s recipients are claimed');
});
