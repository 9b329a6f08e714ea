// Pagination through the built package against the emulator: Sobot page_no/page_size
// walks over dozens of pages, Graph cursors, message details ending after the 20th,
// and cancellation mid-iteration with an AbortController.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { emulator, sobot, graph, PAGE } from './client-helpers.mjs';

let emu;
let client;

before(async () => {
  emu = await emulator();
});
after(() => emu?.close());

function fresh(spec) {
  emu.admin.reset();
  if (spec) emu.admin.generate(spec);
  client = sobot(emu);
}

const bodies = (route) => emu.admin.requests({ route }).map((r) => r.body);

test('line.tasks walks 26 pages of 100 (2,600 tasks), each exactly once, in the server order', async () => {
  fresh({ lineTasks: 2600 });
  const seen = [];
  for await (const task of client.line.tasks({ page_size: 100 })) seen.push(task.taskid);
  assert.equal(seen.length, 2600);
  assert.equal(new Set(seen).size, 2600);
  const reqs = bodies('line.query_task_list');
  assert.deepEqual(reqs.map((b) => b.page_no), Array.from({ length: 26 }, (_, i) => i + 1));
  assert.ok(reqs.every((b) => b.page_size === 100));
  // the same order as the single-page call gives
  const p7 = await client.line.queryTaskList({ page_no: 7, page_size: 100 });
  assert.deepEqual(p7.items.map((t) => t.taskid), seen.slice(600, 700));
  assert.equal(p7.page_count, 26);
  assert.equal(emu.admin.count('get_token'), 1);
});

test('the filter goes with every page: tasks({ task_start_time, task_end_time }) over a time window', async () => {
  const base = Date.UTC(2025, 0, 1);
  fresh({ lineTasks: 500, baseTime: base, spacingMs: 60_000 });
  const filter = { task_start_time: base - 200 * 60_000, task_end_time: base };
  let n = 0;
  for await (const t of client.line.tasks(filter)) {
    n++;
    assert.equal(typeof t.task_name, 'string');
  }
  const all = await client.line.queryTaskList({ ...filter, page_size: 1 });
  assert.equal(n, all.total_count);
  assert.ok(n > 100 && n < 500, `${n} tasks in the window`);
  const reqs = bodies('line.query_task_list').slice(0, -1);
  assert.equal(reqs.length, Math.ceil(n / 100));
  for (const b of reqs) assert.deepEqual({ s: b.task_start_time, e: b.task_end_time }, { s: filter.task_start_time, e: filter.task_end_time });
});

test('messenger.sendRecords walks 30 pages of 10 from the default 30-day window', async () => {
  fresh({ messengerRecords: 300, recordSpacingMs: 60_000 });
  const ids = [];
  // (failed sends have no messageid: send_agentid tells the records apart)
  for await (const r of client.messenger.sendRecords({ page_size: 10 })) ids.push(r.send_agentid);
  assert.equal(ids.length, 300);
  assert.equal(new Set(ids).size, 300);
  assert.equal(emu.admin.count('messenger.send_record_list'), 30);
});

test('titles (rows under `item`), subUsers (a GET) and messenger.tasks iterate too', async () => {
  fresh({ titles: 23, messengerTasks: 45, subscribers: { count: 31, pageId: PAGE, title: 'news' } });
  const titles = [];
  for await (const t of client.messenger.titles({ page_size: 5 })) titles.push(t.configid);
  // the 23 generated topics and the subscribers' topic 'news'
  assert.equal(titles.length, 24);
  assert.equal(new Set(titles).size, 24);
  assert.equal(emu.admin.count('get_title_list'), 5);
  assert.equal((await client.messenger.getTitleList({ page_no: 1, page_size: 1 })).total_count, 24);

  const subs = [];
  for await (const s of client.messenger.subUsers({ appid: PAGE, title: 'news', page_size: 4 })) subs.push(s.facebookid);
  assert.equal(subs.length, 31);
  assert.equal(new Set(subs).size, 31);
  const reqs = emu.admin.requests({ route: 'query_sub_users' });
  assert.equal(reqs.length, 8);
  reqs.forEach((r, i) => assert.deepEqual(r.query, { appid: PAGE, title: 'news', page_no: String(i + 1), page_size: '4' }));

  let tasks = 0;
  for await (const _ of client.messenger.tasks({ page_size: 100 })) tasks++;
  assert.equal(tasks, 45);
});

test('breaking out of the loop sends no further request; an iterable is iterated once', async () => {
  fresh({ lineTasks: 250 });
  const it = client.line.tasks({ page_size: 10 });
  let n = 0;
  for await (const _ of it) if (++n === 15) break;
  assert.equal(emu.admin.count('line.query_task_list'), 2);
  assert.throws(() => it[Symbol.asyncIterator](), TypeError);
});

test('cancellation mid-iteration: the loop rejects with the signal\'s reason at its next step, no further request', async () => {
  fresh({ lineTasks: 2600 });
  const controller = new AbortController();
  const reason = new Error('operator pressed stop');
  let n = 0;
  await assert.rejects(
    (async () => {
      for await (const _ of client.line.tasks({ page_size: 10 }, { signal: controller.signal })) {
        if (++n === 35) controller.abort(reason);
      }
    })(),
    (e) => e === reason,
  );
  assert.equal(n, 35);
  assert.equal(emu.admin.count('line.query_task_list'), 4);
});

test('cancellation while a page is in flight, and during a retry backoff: the reason, promptly', async () => {
  fresh({ lineTasks: 50 });
  emu.admin.fault('line.query_task_list', { type: 'latency', ms: 2000, skip: 1 });
  const controller = new AbortController();
  const seen = [];
  let abortedAt;
  const loop = (async () => {
    for await (const t of client.line.tasks({ page_size: 10 }, { signal: controller.signal })) {
      seen.push(t);
      if (seen.length === 10) {
        setTimeout(() => {
          abortedAt = Date.now();
          controller.abort();
        }, 50);
      }
    }
  })();
  await assert.rejects(loop, (e) => e.name === 'AbortError');
  // the second page's answer is 2 s away: the loop ended on the abort, not on it
  assert.ok(Date.now() - abortedAt < 1000, 'the in-flight request was abandoned');
  assert.equal(seen.length, 10);
  assert.equal(emu.admin.count('line.query_task_list'), 2);

  emu.admin.reset();
  emu.admin.fault('line.query_task_list', { type: 'status', status: 503 });
  // every attempt the client starts, timed (a full-jitter wait may be short enough
  // for a second attempt before the abort: what matters is none after it)
  const starts = [];
  const timedFetch = (url, init) => {
    starts.push(Date.now());
    return fetch(url, init);
  };
  const slow = sobot(emu, { retry: { maxAttempts: 5, baseDelayMs: 5000, maxDelayMs: 5000 }, fetch: timedFetch });
  await slow.token();
  starts.length = 0;
  const c2 = new AbortController();
  const t1 = Date.now();
  let stoppedAt;
  setTimeout(() => {
    stoppedAt = Date.now();
    c2.abort('stop');
  }, 100);
  await assert.rejects(slow.line.queryTaskList({}, { signal: c2.signal }), (e) => e === 'stop');
  assert.ok(Date.now() - t1 < 2000, 'the backoff was cut short');
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(starts.length >= 1 && starts.length < 5, String(starts.length));
  assert.ok(starts.every((t) => t <= stoppedAt), 'no attempt after the abort');
  assert.equal(emu.admin.count('line.query_task_list'), starts.length);

  // an already-aborted signal sends nothing
  const before = emu.admin.count('*');
  await assert.rejects(slow.line.queryTaskList({}, { signal: AbortSignal.abort() }), (e) => e.name === 'AbortError');
  assert.equal(emu.admin.count('*'), before);
});

test('graph: conversations walk their cursors over 6 pages; messages walk past 25; messageDetails ends after the 20th', async () => {
  fresh({ conversations: { count: 57, pageId: PAGE, messagesPerConversation: 3 } });
  const g = graph(emu);
  const ids = [];
  for await (const c of g.conversations({ pageId: PAGE, platform: 'messenger', limit: 10 })) ids.push(c.id);
  assert.equal(ids.length, 57);
  assert.equal(new Set(ids).size, 57);
  const reqs = emu.admin.requests({ route: 'graph.conversations' });
  assert.equal(reqs.length, 6);
  assert.equal(reqs[0].query.after, undefined);
  for (const r of reqs.slice(1)) assert.match(r.query.after, /.+/);
  for (const r of reqs) assert.equal(r.query.limit, '10');

  emu.admin.reset();
  emu.admin.seed({
    conversations: [
      {
        id: 't_long',
        pageId: PAGE,
        platform: 'messenger',
        participants: [{ id: 'U1', name: 'User' }, { id: PAGE, name: 'Page' }],
        messages: Array.from({ length: 30 }, (_, i) => ({
          id: `m_${String(i).padStart(2, '0')}`,
          created_time: Date.UTC(2025, 0, 1) + i * 60_000,
          from: { id: 'U1', name: 'User' },
          to: { data: [{ id: PAGE, name: 'Page' }] },
          message: `message ${i}`,
        })),
      },
    ],
  });
  const refs = [];
  for await (const m of g.messages('t_long')) refs.push(m.id);
  assert.equal(refs.length, 30);
  assert.equal(refs[0], 'm_29', 'newest first');
  assert.equal(emu.admin.count('graph.messages'), 1, 'the second page came from the messages edge');

  emu.admin.clearRequests();
  const details = [];
  for await (const d of g.messageDetails('t_long')) details.push(d);
  assert.equal(details.length, 20);
  assert.deepEqual(details.map((d) => d.id), refs.slice(0, 20));
  assert.equal(details[0].message, 'message 29');
  assert.deepEqual(Object.keys(details[0]).sort(), ['created_time', 'from', 'id', 'message', 'to']);
  // no request for the 21st message: one for the ids, twenty for the details
  const nodes = emu.admin.requests({ route: 'graph.node' }).map((r) => r.path.split('/').pop());
  assert.deepEqual(nodes, ['t_long', ...refs.slice(0, 20)]);
  assert.equal(emu.admin.count('graph.messages'), 0);

  // the 21st message asked for directly answers Graph's error, as it is
  const e = await g.message(refs[20]).catch((x) => x);
  assert.equal(e.kind, 'api');
  assert.equal(e.type, 'GraphMethodException');
});
