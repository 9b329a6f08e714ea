import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start, PAGE, LINE_APP } from './helpers.mjs';

const MT = '/chat-set/api/messenger/query_task_list';
const MR = '/chat-set/api/messenger/send_record_list';
const LT = '/chat-set/api/line/query_task_list';
const LR = '/chat-set/api/line/send_record_list';

test('task lists page with page_no/page_size (default 15, max 100) on both channels', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  emu.admin.generate({ messengerTasks: 230, lineTasks: 31 });
  const token = await emu.tokenFor();
  for (const [path, total] of [[MT, 230], [LT, 31]]) {
    const d = await emu.post(path, {}, token);
    assert.equal(d.json.ret_msg, '操作成功');
    assert.equal(d.json.page_no, 1);
    assert.equal(d.json.page_size, 15);
    assert.equal(d.json.total_count, total);
    assert.equal(d.json.page_count, Math.ceil(total / 15));
    const ids = new Set();
    let starts = [];
    for (let p = 1; p <= Math.ceil(total / 100); p++) {
      const r = await emu.post(path, { page_no: p, page_size: 100 }, token);
      assert.equal(r.json.items.length, Math.min(100, total - (p - 1) * 100));
      for (const it of r.json.items) {
        ids.add(it.taskid);
        starts.push(it.task_start_time);
      }
    }
    assert.equal(ids.size, total);
    assert.deepEqual(starts, [...starts].sort().reverse(), 'newest first');
    const beyond = await emu.post(path, { page_no: 99, page_size: 100 }, token);
    assert.deepEqual(beyond.json.items, []);
    assert.equal(beyond.json.total_count, total);
    for (const bad of [{ page_size: 101 }, { page_size: 0 }, { page_no: 0 }, { page_no: 'x' }, { task_start_time: 'yesterday' }]) {
      assert.equal((await emu.post(path, bad, token)).json.ret_code, '999994', JSON.stringify(bad));
    }
  }
  const line = (await emu.post(LT, { page_size: 1 }, token)).json.items[0];
  assert.deepEqual(Object.keys(line).sort(), ['estimate_send_num', 'send_error_num', 'send_success_num', 'send_time_type', 'subjectid', 'task_end_time', 'task_name', 'task_source', 'task_start_time', 'taskid', 'timezone']);
  const ms = (await emu.post(MT, { page_size: 1 }, token)).json.items[0];
  assert.deepEqual(Object.keys(ms).sort(), ['already_read_num', 'already_send_num', 'estimate_send_num', 'reply_data_num', 'send_error_num', 'send_success_num', 'send_time_type', 'task_end_time', 'task_name', 'task_source', 'task_start_time', 'taskid', 'timezone']);
});

test('task list filters: time range, sender, task_name substring, topic/tag, message_type, subjectid', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  const base = Date.UTC(2024, 6, 18, 12, 0, 0); // 2024-07-18 20:00:00 GMT+08:00
  emu.admin.seed({
    messengerTasks: [
      { task_name: 'summer sale', start_ms: base, end_ms: base + 60000, sender: PAGE, message_topic_or_tag: 'ACCOUNT_UPDATE', message_type: 2 },
      { task_name: 'winter sale', start_ms: base + 3600000, end_ms: base + 3660000, sender: PAGE, message_topic_or_tag: 'news', message_type: 1 },
      { task_name: 'other', start_ms: base + 7200000, end_ms: base + 7260000, sender: '22', message_topic_or_tag: 'news', message_type: 1 },
    ],
    lineTasks: [
      { task_name: '走查', start_ms: base, sender: LINE_APP, subjectid: '12345678' },
      { task_name: '群发', start_ms: base + 1000, sender: LINE_APP, subjectid: '87654321' },
    ],
  });
  const token = await emu.tokenFor();
  const names = async (path, body) => (await emu.post(path, body, token)).json.items.map((x) => x.task_name);
  assert.deepEqual(await names(MT, { task_name: 'sale' }), ['winter sale', 'summer sale']);
  assert.deepEqual(await names(MT, { sender: PAGE }), ['winter sale', 'summer sale']);
  assert.deepEqual(await names(MT, { message_topic_or_tag: 'news' }), ['other', 'winter sale']);
  assert.deepEqual(await names(MT, { message_type: 2 }), ['summer sale']);
  assert.deepEqual(await names(MT, { message_type: '1', sender: '22' }), ['other']);
  assert.deepEqual(await names(MT, { task_start_time: base + 1, task_end_time: base + 3660000 }), ['winter sale']);
  assert.deepEqual(await names(MT, { task_end_time: base + 60000 }), ['summer sale']);
  assert.equal((await emu.post(MT, { message_type: 3 }, token)).json.ret_code, '999994');
  const first = (await emu.post(MT, { task_name: 'summer' }, token)).json.items[0];
  assert.equal(first.task_start_time, '2024-07-18 20:00:00');
  assert.equal(first.task_end_time, '2024-07-18 20:01:00');
  assert.deepEqual(await names(LT, { subjectid: '12345678' }), ['走查']);
  assert.deepEqual(await names(LT, { subjectid: 12345678 }), ['走查']);
  assert.deepEqual(await names(LT, { sender: LINE_APP, task_name: '群' }), ['群发']);
});

test('send record lists: default window of the last month, filters, 2,500 records across 25 pages', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  const now = emu.admin.now();
  emu.admin.generate({ messengerRecords: 2500, lineRecords: 40 });
  emu.admin.seed({
    messengerRecords: [{ task_name: 'old', send_time: now - 40 * 86400000, sender: PAGE, recipient_id: '1', messageid: 'm_old', error_code: '000000', taskid: 'old', send_agentid: 'a', message_topic_or_tag: 'x' }],
  });
  const token = await emu.tokenFor();
  const d = await emu.post(MR, {}, token);
  assert.equal(d.json.total_count, 2500, 'the 40-day-old record is outside the default window');
  const ids = new Set();
  let last = Infinity;
  for (let p = 1; p <= 25; p++) {
    const r = await emu.post(MR, { page_no: p, page_size: 100 }, token);
    assert.equal(r.json.page_count, 25);
    assert.equal(r.json.items.length, 100);
    for (const it of r.json.items) {
      assert.ok(it.send_time <= last);
      last = it.send_time;
      ids.add(it.recipient_id + it.send_time);
    }
  }
  assert.equal(ids.size, 2500);
  assert.equal((await emu.post(MR, { send_start_time: now - 41 * 86400000 }, token)).json.total_count, 2501);
  const old = await emu.post(MR, { send_start_time: now - 41 * 86400000, send_end_time: now - 39 * 86400000 }, token);
  assert.deepEqual(old.json.items.map((x) => x.taskid), ['old']);

  // filters on a page of known records
  const all = (await emu.post(MR, { page_size: 100 }, token)).json.items;
  const one = all.find((x) => x.messageid);
  const check = async (path, body, pred) => {
    const r = await emu.post(path, { page_size: 100, ...body }, token);
    assert.equal(r.json.ret_code, '000000', JSON.stringify(body));
    assert.ok(r.json.total_count > 0, JSON.stringify(body));
    for (const it of r.json.items) assert.ok(pred(it), `${JSON.stringify(body)} → ${JSON.stringify(it)}`);
    return r.json;
  };
  await check(MR, { messageid: one.messageid }, (x) => x.messageid === one.messageid);
  await check(MR, { taskid: one.taskid }, (x) => x.taskid === one.taskid);
  await check(MR, { task_name: 'task 3' }, (x) => x.task_name.includes('task 3'));
  await check(MR, { send_agentid: one.send_agentid }, (x) => x.send_agentid === one.send_agentid);
  await check(MR, { sender: PAGE }, (x) => x.sender === PAGE);
  await check(MR, { recipient: one.recipient_id }, (x) => x.recipient_id === one.recipient_id);
  await check(MR, { message_topic_or_tag: 'ACCOUNT_UPDATE' }, (x) => x.message_topic_or_tag === 'ACCOUNT_UPDATE');
  await check(MR, { message_status: '9' }, (x) => x.error_code !== '000000');
  await check(MR, { message_status: 2 }, (x) => x.error_code === '000000');
  assert.equal((await emu.post(MR, { message_status: '5' }, token)).json.ret_code, '999994');
  assert.equal((await emu.post(MR, { messageid: 'none' }, token)).json.total_count, 0);

  const l = await emu.post(LR, {}, token);
  assert.equal(l.json.total_count, 40);
  await check(LR, { subjectid: '11111111' }, (x) => x.subjectid === '11111111');
  await check(LR, { message_status: '9' }, (x) => x.error_code === '999999');
  assert.deepEqual(Object.keys(l.json.items[0]).sort(), ['error_code', 'messageid', 'recipient_id', 'send_agentid', 'send_time', 'sender', 'status_update_time', 'subjectid', 'task_name', 'taskid', 'timezone']);
});

test('LINE send_record_list matches one id of a comma-separated messageid and takes numbers as strings', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  const now = emu.admin.now();
  emu.admin.seed({ lineRecords: [{ task_name: 'x', send_time: now - 1000, sender: LINE_APP, messageid: '515320261680824337,515320261478973734', error_code: '000000', taskid: '1123', recipient_id: 'U1', send_agentid: 'a', subjectid: '12345678' }] });
  const token = await emu.tokenFor();
  assert.equal((await emu.post(LR, { messageid: '515320261478973734' }, token)).json.total_count, 1);
  assert.equal((await emu.post(LR, { taskid: 1123, send_start_time: String(now - 5000), send_end_time: String(now) }, token)).json.total_count, 1);
});
