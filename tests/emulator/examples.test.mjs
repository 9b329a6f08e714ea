// Each documented example response is reproduced by seeding the example's own data
// and compared with the document's JSON (deep equality; key order aside).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start, receiver } from './helpers.mjs';
import { EXAMPLES, RAW } from './doc-examples.mjs';

const M = '/chat-facebook/api/messenger';

async function emuWithToken(t, options = {}) {
  const emu = await start(options);
  t.after(() => emu.close());
  return { emu, token: await emu.tokenFor() };
}

test('get_token example (both documents)', async (t) => {
  const emu = await start({ apps: [{ appId: '1', appKey: '2' }] });
  t.after(() => emu.close());
  emu.admin.setTime(1569397773000);
  emu.admin.seed({ tokens: ['4ac37cb2e9c740dba4b75a34d5358802', '4ac37cb2e9c740dba4b75a34d5358802'] });
  for (const key of ['messenger.get_token.response', 'line.get_token.response']) {
    // the document's own request line
    const r = await emu.get('/api/get_token?appid=1&create_time=1569397773&sign=258eec3118705112b2c53dc8043d4d34');
    assert.deepEqual(r.json, EXAMPLES[key]);
  }
});

test('upload_async example and its webhook', async (t) => {
  const hook = await receiver();
  t.after(() => hook.close());
  const { emu, token } = await emuWithToken(t, { messengerWebhookUrl: hook.url, uploadDelayMs: 1 });
  emu.admin.seed({ pages: [{ pageid: 'PAGEID' }], ids: { track_id: ['d13415bb2b704e58aa373bb5e0e11914'], attachment_id: ['1234567890'] } });
  // The example's "URL" is a placeholder, which the SDK's validator refuses (payload.url: format).
  const request = structuredClone(EXAMPLES['messenger.upload_async.request']);
  assert.equal((await emu.post(`${M}/upload_async`, request, token)).json.ret_code, '999994');
  request.payload.url = 'https://sg.sobot.com/console/common/face/admin.png';
  const r = await emu.post(`${M}/upload_async`, request, token);
  assert.deepEqual(r.json, EXAMPLES['messenger.upload_async.response']);
  await hook.waitFor(1);
  assert.deepEqual(hook.got[0].body, EXAMPLES['messenger.upload_async.webhook']);
});

test('query_sub_users example', async (t) => {
  const { emu, token } = await emuWithToken(t);
  const ex = EXAMPLES['messenger.query_sub_users.response'];
  const s = ex.items[0];
  emu.admin.seed({ pages: [{ pageid: s.pageid }], titles: [{ appid: s.pageid, title: s.sub_title, describe: s.title_describe, button_type: 'ALLOW', image_ratio: 'SQUARE' }], subscribers: [s] });
  const r = await emu.get(`${M}/query_sub_users?appid=${s.pageid}&title=${encodeURIComponent(s.sub_title)}&page_no=1&page_size=15`, token);
  assert.deepEqual(r.json, ex);
});

test('create_or_update_title, del_title and get_title_list examples', async (t) => {
  const { emu, token } = await emuWithToken(t);
  const list = EXAMPLES['messenger.get_title_list.response'];
  emu.admin.seed({ pages: [{ pageid: '106474898833640', name: '爱你一万年' }], ids: { configid: ['4ac37cb2e9c740dba4b75a34d5358802'] } });
  const created = await emu.post(`${M}/create_or_update_title`, { appid: '106474898833640', title: '测试', describe: '这是一条测试消息', image_url: 'https://xxx.xx.com/xxx/image.png', image_ratio: 'SQUARE', button_type: 'ALLOW', timezone: 'UTC' }, token);
  assert.deepEqual(created.json, EXAMPLES['messenger.create_or_update_title.response']);

  emu.admin.seed({ titles: [{ appid: '106474898833640', title: 'to delete', describe: 'x', button_type: 'GET', image_ratio: 'SQUARE', configid: '482716046a4242e7a5fa42e18d943ae0655810' }] });
  const del = await emu.get(`${M}/del_title?configid=482716046a4242e7a5fa42e18d943ae0655810`, token);
  assert.deepEqual(del.json, EXAMPLES['messenger.del_title.response']);

  // the listed topic is the document's own item
  emu.admin.reset();
  const tok = await emu.tokenFor();
  emu.admin.seed({ titles: list.item });
  const r = await emu.post(`${M}/get_title_list`, { appids: '106474898833640', title: '测试', page_no: 1, page_size: 15 }, tok);
  assert.deepEqual(r.json, list);
  // the document's request example (other page ids, an older time range) is accepted and finds nothing
  const req = await emu.post(`${M}/get_title_list`, { start_time: 1317698342419, end_time: 1573693149125, appids: '11,22,33', title: '测试', page_no: 1, page_size: 15 }, tok);
  assert.equal(req.json.ret_code, '000000');
  assert.equal(req.json.total_count, 0);
});

test('send_opt_in_message example (its request uses recipient_id)', async (t) => {
  const { emu, token } = await emuWithToken(t);
  const ex = EXAMPLES['messenger.send_opt_in_message.response'];
  emu.admin.seed({ titles: [{ appid: '106474898833640', title: '测试', describe: 'd', button_type: 'ALLOW', image_ratio: 'SQUARE' }], ids: { message_id: [ex.item.message_id] } });
  const r = await emu.post(`${M}/send_opt_in_message`, { appid: '106474898833640', title: '测试', recipient_id: '123456789' }, token);
  assert.deepEqual(r.json, ex);
});

function fillerTasks(n, beforeMs, extra) {
  return Array.from({ length: n }, (_, i) => ({ task_name: `filler ${i}`, start_ms: beforeMs - (i + 1) * 60000, ...extra }));
}

test('Messenger query_task_list example: 24 tasks, page_size 2', async (t) => {
  const { emu, token } = await emuWithToken(t);
  const ex = EXAMPLES['messenger.query_task_list.response'];
  emu.admin.seed({ messengerTasks: [...ex.items, ...fillerTasks(22, Date.UTC(2024, 6, 18, 11, 0, 0))] });
  const r = await emu.post('/chat-set/api/messenger/query_task_list', { page_no: 1, page_size: 2 }, token);
  assert.deepEqual(r.json, ex);
  // the document's request example is accepted
  const req = await emu.post('/chat-set/api/messenger/query_task_list', { page_no: 1, page_size: 15, task_start_time: 1714295033250, task_end_time: 1714295033250, sender: '123456', task_name: '测试', message_topic_or_tag: '测试主题', message_type: 1 }, token);
  assert.equal(req.json.ret_code, '000000');
});

test('Messenger send_record_list example', async (t) => {
  const { emu, token } = await emuWithToken(t);
  const ex = EXAMPLES['messenger.send_record_list.response'];
  emu.admin.seed({ messengerRecords: ex.items });
  const r = await emu.post('/chat-set/api/messenger/send_record_list', { send_start_time: 1715000000000, send_end_time: 1716000000000, page_no: 1, page_size: 15 }, token);
  assert.deepEqual(r.json, ex);
});

test('LINE get_media_content example (item given as the URL string)', async (t) => {
  const { emu, token } = await emuWithToken(t);
  const url = /"(https:[^"]+)"/.exec(RAW['line.get_media_content.response'])[1];
  emu.admin.seed({ lineChannels: [{ appid: '12323' }], media: [{ appid: '12323', messageid: '1501597916', url }] });
  const r = await emu.get('/chat-line/api/line/get_media_content?appid=12323&messageid=1501597916', token);
  assert.deepEqual(r.json, { item: url, ret_code: '000000', ret_msg: '操作成功' });
});

test('LINE query_task_list example: 9 tasks, page_size 2', async (t) => {
  const { emu, token } = await emuWithToken(t);
  const ex = EXAMPLES['line.query_task_list.response'];
  emu.admin.seed({ lineTasks: [...ex.items, ...fillerTasks(7, Date.UTC(2024, 6, 3, 5, 0, 0), { subjectid: '12345678' })] });
  const r = await emu.post('/chat-set/api/line/query_task_list', { page_no: 1, page_size: 2 }, token);
  assert.deepEqual(r.json, ex);
  const req = await emu.post('/chat-set/api/line/query_task_list', { page_no: 1, page_size: 15, task_start_time: 1714295033250, task_end_time: 1714295033250, sender: '123456', task_name: '测试', subjectid: '12345678' }, token);
  assert.equal(req.json.ret_code, '000000');
});

test('LINE send_record_list example: 19 records, page_size 12 (the example lists only the first two)', async (t) => {
  const { emu, token } = await emuWithToken(t);
  const ex = EXAMPLES['line.send_record_list.response'];
  const filler = Array.from({ length: 17 }, (_, i) => ({ task_name: 'f', send_time: 1719000000000 - i * 1000, sender: '2005652357', messageid: String(i), error_code: '000000', send_agentid: 'a', taskid: 't', recipient_id: 'U', subjectid: '12345678' }));
  emu.admin.seed({ lineRecords: [...ex.items, ...filler] });
  const r = await emu.post('/chat-set/api/line/send_record_list', { send_start_time: 1700000000000, send_end_time: 1730000000000, page_no: 1, page_size: 12 }, token);
  const { items, ...rest } = r.json;
  const { items: exItems, ...exRest } = ex;
  assert.deepEqual(rest, exRest);
  assert.equal(items.length, 12);
  assert.deepEqual(items.slice(0, 2), exItems);
});

test('Graph message detail example (Instagram)', async (t) => {
  const emu = await start({ graphAccessTokens: ['PAGE-ACCESS-TOKEN'] });
  t.after(() => emu.close());
  const ex = EXAMPLES['graph.message.response'];
  const pageId = ex.to.data[0].id;
  emu.admin.seed({ conversations: [{ pageId, platform: 'instagram', participants: [ex.from, ex.to.data[0]], messages: [ex] }] });
  const r = await emu.graph(`/v19.0/${encodeURIComponent(ex.id)}?fields=id,created_time,from,to,message&access_token=PAGE-ACCESS-TOKEN`);
  assert.deepEqual(r.json, ex);
  const conv = await emu.graph(`/v19.0/${pageId}/conversations?platform=instagram&user_id=${ex.from.id}&access_token=PAGE-ACCESS-TOKEN`);
  assert.equal(conv.json.data.length, 1);
  assert.deepEqual(Object.keys(conv.json.data[0]), ['id']);
  const msgs = await emu.graph(`/v19.0/${conv.json.data[0].id}?fields=messages&access_token=PAGE-ACCESS-TOKEN`);
  assert.deepEqual(msgs.json.messages.data, [{ id: ex.id, created_time: ex.created_time }]);
  assert.equal(msgs.json.id, conv.json.data[0].id);
});
