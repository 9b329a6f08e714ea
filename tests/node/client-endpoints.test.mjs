// Every endpoint of the two Sobot documents and the Graph one, through the built
// package against the emulator over real HTTP: the request the emulator received
// (method, path, query, JSON body, `token` header) is the document's JSON for the
// same call, and the answer comes back with the documents' names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SobotError } from 'sobot-channels';
import { emulator, sobot, graph, fixture, currentToken, rejection, GRAPH_TOKEN } from './client-helpers.mjs';

let emu;
let client;
let g;

before(async () => {
  emu = await emulator();
});
after(() => emu?.close());

/** A fresh emulator state and clients for each test. */
function fresh() {
  emu.admin.reset();
  client = sobot(emu);
  g = graph(emu);
}

/** The one request the emulator received on `route` since the last reset. */
function received(route) {
  const list = emu.admin.requests({ route });
  assert.equal(list.length, 1, `${route}: ${list.length} requests`);
  return list[0];
}

/** The query of a document's curl line, e.g. `https://sg.sobot.com/a?b=1` → `{ b: '1' }`. */
function docQuery(curlUrl) {
  return Object.fromEntries(new URL(curlUrl).searchParams);
}

/** Checks a POST the emulator received against the document's body. */
function assertPost(route, path, body) {
  const r = received(route);
  assert.equal(r.method, 'POST');
  assert.equal(r.path, path);
  assert.deepEqual(r.query, {});
  assert.equal(r.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(r.rawBody), body);
  assert.equal(r.headers.token, currentToken(emu));
  return r;
}

/** Checks a GET the emulator received against the document's curl line. */
function assertGet(route, path, query) {
  const r = received(route);
  assert.equal(r.method, 'GET');
  assert.equal(r.path, path);
  assert.deepEqual(r.query, query);
  assert.equal(r.rawBody, '');
  assert.equal(r.headers.token, currentToken(emu));
  return r;
}

const M = '/chat-facebook/api/messenger';

test('the first call gets one token with a signed get_token and uses it', async () => {
  fresh();
  await client.messenger.getTitleList({ page_no: 1, page_size: 15 });
  const t = received('get_token');
  assert.equal(t.method, 'GET');
  assert.equal(t.path, '/api/get_token');
  assert.deepEqual(Object.keys(t.query).sort(), ['appid', 'create_time', 'sign']);
  assert.match(t.query.create_time, /^\d{10}$/);
  assert.equal(received('get_title_list').headers.token, currentToken(emu));
  assert.deepEqual(client.stats(), { tokenRequests: 1, tokenRefreshes: 1 });
});

test('messenger.send: every valid example of the document, as written', async () => {
  fresh();
  emu.admin.seed({ pages: [{ pageid: 'PAGEID' }] });
  for (const name of ['send_text', 'send_media', 'send_message_tag', 'send_template_button', 'send_template_generic']) {
    emu.admin.clearRequests();
    const doc = fixture(`messenger/${name}_request.json`);
    emu.admin.seed({ ids: { message_id: [`m_${name}`] } });
    const item = await client.messenger.send(doc);
    assertPost('send', `${M}/send`, doc);
    assert.deepEqual(item, { message_id: `m_${name}`, recipient_id: 'RECIPIENTID' }, name);
  }
  assert.equal(emu.admin.sends().length, 5);
});

test('messenger.send: the media template examples hold placeholders, rejected before sending', async () => {
  fresh();
  emu.admin.seed({ pages: [{ pageid: 'PAGEID' }] });
  const cases = [
    ['send_template_media_attachment', [['payload.elements[0].media_type', 'one_of']], (d) => {
      d.payload.elements[0].media_type = 'image';
      d.payload.elements[0].attachment_id = '1234567890';
    }],
    ['send_template_media_url', [['payload.elements[0].media_type', 'one_of'], ['payload.elements[0].url', 'format']], (d) => {
      d.payload.elements[0].media_type = 'video';
      d.payload.elements[0].url = 'https://www.facebook.com/photo.php?fbid=1234567890';
    }],
  ];
  for (const [name, expected, fix] of cases) {
    const doc = fixture(`messenger/${name}_request.json`);
    const e = await rejection(client.messenger.send(doc));
    assert.ok(e instanceof SobotError);
    assert.equal(e.kind, 'validation');
    assert.equal(e.endpoint, 'messenger.send');
    assert.deepEqual(e.violations.map((v) => [v.path, v.rule]), expected, name);
    assert.equal(emu.admin.count('*'), 0, 'nothing was sent, not even get_token');
    fix(doc);
    await client.messenger.send(doc);
    assertPost('send', `${M}/send`, doc);
    emu.admin.clearRequests();
  }
});

test('messenger.uploadAsync: the document request (its URL placeholder filled) → track_id', async () => {
  fresh();
  const doc = fixture('messenger/upload_async_request.json');
  const e = await rejection(client.messenger.uploadAsync(doc));
  assert.deepEqual(e.violations.map((v) => [v.path, v.rule]), [['payload.url', 'format']]);
  assert.equal(emu.admin.count('*'), 0);
  doc.payload.url = 'https://sg.sobot.com/console/common/face/admin.png';
  const answer = fixture('messenger/upload_async_response.json');
  emu.admin.seed({ pages: [{ pageid: 'PAGEID' }], ids: { track_id: [answer.item] } });
  assert.equal(await client.messenger.uploadAsync(doc), answer.item);
  assertPost('upload_async', `${M}/upload_async`, doc);
});

test('messenger.querySubUsers: the document curl line, and the document answer', async () => {
  fresh();
  emu.admin.seed({ pages: [{ pageid: '22222222' }], titles: [{ appid: '22222222', title: 'test', describe: 'd', button_type: 'ALLOW', image_ratio: 'SQUARE' }] });
  const curl = 'https://sg.sobot.com/chat-facebook/api/messenger/query_sub_users?appid=22222222&title=test&page_no=1&page_size=100';
  const page = await client.messenger.querySubUsers({ appid: '22222222', title: 'test', page_no: 1, page_size: 100 });
  assertGet('query_sub_users', `${M}/query_sub_users`, docQuery(curl));
  assert.equal(page.total_count, 0);

  const doc = fixture('messenger/query_sub_users_response.json');
  const s = doc.items[0];
  emu.admin.seed({ pages: [{ pageid: s.pageid }], titles: [{ appid: s.pageid, title: s.sub_title, describe: s.title_describe, button_type: 'ALLOW', image_ratio: 'SQUARE' }], subscribers: [s] });
  const got = await client.messenger.querySubUsers({ appid: s.pageid, title: s.sub_title, page_no: 1, page_size: 15 });
  // `update_time` is a String in the document's table and a number in its example:
  // the answer has the table's type (docs/decisions.md).
  assert.deepEqual(got, { ...doc, items: [{ ...s, update_time: String(s.update_time) }] });
});

test('messenger.createOrUpdateTitle, deleteTitle, getTitleList: the document requests and answers', async () => {
  fresh();
  const createDoc = fixture('messenger/create_or_update_title_request.json');
  const created = fixture('messenger/create_or_update_title_response.json');
  emu.admin.seed({ pages: [{ pageid: createDoc.appid }], ids: { configid: [created.item] } });
  assert.equal(await client.messenger.createOrUpdateTitle(createDoc), created.item);
  assertPost('create_or_update_title', `${M}/create_or_update_title`, createDoc);

  const curl = 'https://sg.sobot.com/chat-facebook/api/messenger/del_title?configid=482716046a4242e7a5fa42e18d943ae0655810';
  emu.admin.seed({ titles: [{ appid: createDoc.appid, title: 'to delete', describe: 'x', button_type: 'GET', image_ratio: 'SQUARE', configid: '482716046a4242e7a5fa42e18d943ae0655810' }] });
  assert.equal(await client.messenger.deleteTitle(docQuery(curl)), null);
  assertGet('del_title', `${M}/del_title`, docQuery(curl));

  const listDoc = fixture('messenger/get_title_list_request.json');
  const page = await client.messenger.getTitleList(listDoc);
  assertPost('get_title_list', `${M}/get_title_list`, listDoc);
  assert.equal(page.total_count, 0);

  // The document's answer, its rows under `item`, arrives with them under `items`.
  fresh();
  const list = fixture('messenger/get_title_list_response.json');
  emu.admin.seed({ titles: list.item });
  const got = await client.messenger.getTitleList({ appids: '106474898833640', title: '测试', page_no: 1, page_size: 15 });
  const { item, ...rest } = list;
  assert.deepEqual(got, { ...rest, items: item });
});

test('messenger.sendOptInMessage: the document example (recipient_id) goes out under the table name recipientid', async () => {
  fresh();
  const doc = fixture('messenger/send_opt_in_message_request.json');
  const answer = fixture('messenger/send_opt_in_message_response.json');
  emu.admin.seed({ titles: [{ appid: doc.appid, title: doc.title, describe: 'd', button_type: 'ALLOW', image_ratio: 'SQUARE' }], ids: { message_id: [answer.item.message_id] } });
  assert.deepEqual(await client.messenger.sendOptInMessage(doc), answer.item);
  const { recipient_id: recipientid, ...rest } = doc;
  assertPost('send_opt_in_message', `${M}/send_opt_in_message`, { ...rest, recipientid });
});

test('messenger.queryTaskList: the document request, and the document answer (24 tasks, page_size 2)', async () => {
  fresh();
  const doc = fixture('messenger/query_task_list_request.json');
  await client.messenger.queryTaskList(doc);
  assertPost('messenger.query_task_list', '/chat-set/api/messenger/query_task_list', doc);

  const answer = fixture('messenger/query_task_list_response.json');
  const before = Date.UTC(2024, 6, 18, 11, 0, 0);
  const filler = Array.from({ length: 22 }, (_, i) => ({ task_name: `filler ${i}`, start_ms: before - (i + 1) * 60000 }));
  emu.admin.seed({ messengerTasks: [...answer.items, ...filler] });
  assert.deepEqual(await client.messenger.queryTaskList({ page_no: 1, page_size: 2 }), answer);
});

test('messenger.sendRecordList: a request with every field of the table, and the document answer', async () => {
  fresh();
  // The document's "request example" is a response body (tests/fixtures/README.md):
  // the request is written from its table.
  const req = {
    send_start_time: 1714295033250,
    send_end_time: 1714295033250,
    messageid: 'm_1',
    message_status: '2',
    taskid: '0fd27d6f98524995bfa03a5487a23ba7',
    task_name: '测试',
    send_agentid: '8532a283d2df41cc9a212bace7bf1d0b',
    sender: '111756121635281',
    recipient: '5194793377264405',
    message_topic_or_tag: 'ACCOUNT_UPDATE',
    page_no: 1,
    page_size: 15,
  };
  await client.messenger.sendRecordList(req);
  assertPost('messenger.send_record_list', '/chat-set/api/messenger/send_record_list', req);

  const answer = fixture('messenger/send_record_list_response.json');
  emu.admin.seed({ messengerRecords: answer.items });
  const got = await client.messenger.sendRecordList({ send_start_time: 1715000000000, send_end_time: 1716000000000, page_no: 1, page_size: 15 });
  assert.deepEqual(got, answer);
});

test('line.getMediaContent: the document curl line; the answer is the URL', async () => {
  fresh();
  const curl = 'https://sg.sobot.com/chat-line/api/line/get_media_content?appid=12323&messageid=1501597916';
  const url = fixture('line/get_media_content_response.json').item;
  emu.admin.seed({ lineChannels: [{ appid: '12323' }], media: [{ appid: '12323', messageid: '1501597916', url }] });
  assert.equal(await client.line.getMediaContent(docQuery(curl)), url);
  assertGet('get_media_content', '/chat-line/api/line/get_media_content', docQuery(curl));
});

// Every form of `item` docs/decisions.md says the client reads, answered by the emulator
// (`form` of a seeded media entry): each resolves to the URL string.
for (const [form, shape] of [
  ['string', '"item": "https://…"'],
  ['url_object', '"item": { "url": "https://…" }'],
  ['value_object', '"item": { "content": "https://…" } (an object whose one value is the URL)'],
  ['printed', 'the document\'s printed "item": { "https://…" }, which is not JSON'],
]) {
  test(`line.getMediaContent reads ${shape}`, async () => {
    fresh();
    const url = fixture('line/get_media_content_response.json').item;
    emu.admin.seed({ media: [{ appid: '2005652357', messageid: '1501597916', url, form }] });
    assert.equal(await client.line.getMediaContent({ appid: '2005652357', messageid: '1501597916' }), url);
    assert.equal(received('get_media_content').ret_code, '000000', 'one attempt: the answer was read the first time');
    if (form === 'printed') {
      // what the emulator sent is the fixture's text, which JSON.parse refuses
      const text = await (await fetch(`${emu.url}/chat-line/api/line/get_media_content?appid=2005652357&messageid=1501597916`, { headers: { token: currentToken(emu) } })).text();
      assert.throws(() => JSON.parse(text), SyntaxError);
      assert.equal(text.replace(/\s+/g, ''), readFileSync(new URL('../fixtures/line/get_media_content_response.txt', import.meta.url), 'utf8').replace(/\s+/g, ''));
    }
  });
}

test('line.queryTaskList: the document request, and the document answer (9 tasks, page_size 2)', async () => {
  fresh();
  const doc = fixture('line/query_task_list_request.json');
  await client.line.queryTaskList(doc);
  assertPost('line.query_task_list', '/chat-set/api/line/query_task_list', doc);

  const answer = fixture('line/query_task_list_response.json');
  const before = Date.UTC(2024, 6, 3, 5, 0, 0);
  const filler = Array.from({ length: 7 }, (_, i) => ({ task_name: `filler ${i}`, start_ms: before - (i + 1) * 60000, subjectid: '12345678' }));
  emu.admin.seed({ lineTasks: [...answer.items, ...filler] });
  assert.deepEqual(await client.line.queryTaskList({ page_no: 1, page_size: 2 }), answer);
});

test('line.sendRecordList: the document request (as corrected), and the document answer', async () => {
  fresh();
  const doc = fixture('line/send_record_list_request.json');
  await client.line.sendRecordList(doc);
  assertPost('line.send_record_list', '/chat-set/api/line/send_record_list', doc);

  const answer = fixture('line/send_record_list_response.json');
  const filler = Array.from({ length: 17 }, (_, i) => ({ task_name: 'f', send_time: 1719000000000 - i * 1000, sender: '2005652357', messageid: String(i), error_code: '000000', send_agentid: 'a', taskid: 't', recipient_id: 'U', subjectid: '12345678' }));
  emu.admin.seed({ lineRecords: [...answer.items, ...filler] });
  const got = await client.line.sendRecordList({ send_start_time: 1700000000000, send_end_time: 1730000000000, page_no: 1, page_size: 12 });
  const { items, ...rest } = got;
  const { items: docItems, ...docRest } = answer;
  assert.deepEqual(rest, docRest);
  assert.equal(items.length, 12);
  assert.deepEqual(items.slice(0, 2), docItems);
});

/** Checks a Graph GET against the document's curl line (its placeholders filled). */
function assertGraph(route, path, curl) {
  const r = received(route);
  assert.equal(r.method, 'GET');
  assert.equal(r.path, path);
  assert.deepEqual(r.query, docQuery(curl));
  assert.equal(r.headers.token, undefined);
}

/** The document's curl line with its placeholders replaced. */
function graphCurl(text, values) {
  let s = text.replace(/\s+/g, '');
  for (const [k, v] of Object.entries(values)) s = s.replaceAll(k, encodeURIComponent(v));
  return s;
}

test('graph: listConversations, by user, conversationMessages and message, as the document writes them', async () => {
  fresh();
  const pageId = '17841400000000001';
  const user = { username: 'INSTAGRAM-USERNAME', id: 'INSTAGRAM-SCOPED-ID' };
  const page = { username: 'INSTAGRAM-PROFESSIONAL-ACCOUNT-USERNAME', id: pageId };
  const detail = fixture('graph/message_detail_response.json');
  detail.to.data[0].id = pageId;
  const listDoc = fixture('graph/conversations_response.json');
  const messagesDoc = fixture('graph/conversation_messages_response.json');
  emu.admin.seed({
    conversations: [
      { id: 'CONVERSATION-ID-1', pageId, platform: 'instagram', participants: [user, page], messages: [detail], updated_time: '2022-07-12T19:11:07+0000' },
      { id: 'CONVERSATION-ID-2', pageId, platform: 'instagram', participants: [{ id: 'OTHER-USER' }, page], updated_time: '2022-07-11T10:00:00+0000' },
    ],
  });
  const vars = { 'LATEST-API-VERSION': 'v23.0', 'PAGE-ID': pageId, PLATFORM: 'instagram', 'PAGE-ACCESS-TOKEN': GRAPH_TOKEN };

  const list = await g.listConversations({ pageId, platform: 'instagram' });
  assertGraph('graph.conversations', `/v23.0/${pageId}/conversations`, graphCurl(`https://graph.facebook.com/LATEST-API-VERSION/PAGE-ID/conversations
    ?platform=PLATFORM
    &access_token=PAGE-ACCESS-TOKEN`, vars));
  assert.deepEqual(list.data, listDoc.data.map((c, i) => ({ id: c.id, updated_time: ['2022-07-12T19:11:07+0000', '2022-07-11T10:00:00+0000'][i] })));
  assert.deepEqual(Object.keys(list.data[0]).sort(), Object.keys(listDoc.data[0]).sort());

  emu.admin.clearRequests();
  const byUser = await g.listConversations({ pageId, platform: 'instagram', userId: user.id });
  assertGraph('graph.conversations', `/v23.0/${pageId}/conversations`, graphCurl(`https://graph.facebook.com/LATEST-API-VERSION/PAGE-ID/conversations
    ?platform=PLATFORM
    &user_id=INSTAGRAM-OR-PAGE-SCOPED-ID
    &access_token=PAGE-ACCESS-TOKEN`, { ...vars, 'INSTAGRAM-OR-PAGE-SCOPED-ID': user.id }));
  assert.deepEqual(byUser.data, [{ id: 'CONVERSATION-ID-1' }]);
  assert.deepEqual(Object.keys(byUser.data[0]), Object.keys(fixture('graph/conversations_by_user_response.json').data[0]));

  emu.admin.clearRequests();
  const msgs = await g.conversationMessages('CONVERSATION-ID-1');
  assertGraph('graph.node', '/v23.0/CONVERSATION-ID-1', graphCurl(`https://graph.facebook.com/LATEST-API-VERSION/CONVERSATION-ID
    ?fields=messages
    &access_token=PAGE-ACCESS-TOKEN`, { ...vars, 'CONVERSATION-ID': 'CONVERSATION-ID-1' }));
  assert.equal(msgs.id, 'CONVERSATION-ID-1');
  assert.deepEqual(msgs.messages.data, [{ id: detail.id, created_time: detail.created_time }]);
  assert.deepEqual(Object.keys(msgs).sort(), Object.keys(messagesDoc).sort());
  assert.deepEqual(Object.keys(msgs.messages.data[0]).sort(), Object.keys(messagesDoc.messages.data[0]).sort());

  emu.admin.clearRequests();
  const got = await g.message(detail.id);
  assertGraph('graph.node', `/v23.0/${detail.id}`, graphCurl(`https://graph.facebook.com/LATEST-API-VERSION/MESSAGE-ID
    ?fields=id,created_time,from,to,message
    &access_token=PAGE-ACCESS-TOKEN`, { ...vars, 'MESSAGE-ID': detail.id }).replaceAll('%2C', ','));
  assert.deepEqual(got, detail);

  emu.admin.clearRequests();
  assert.deepEqual(await g.message(detail.id, { fields: 'id,message' }), { id: detail.id, message: detail.message });
  assert.equal(received('graph.node').query.fields, 'id,message');
});

test('every endpoint rejects an invalid request with a validation error and sends nothing', async () => {
  fresh();
  const calls = [
    () => client.messenger.send({ messaging_type: 'RESPONSE', pageid: 'P', type: 'text' }),
    () => client.messenger.uploadAsync({ pageid: 'P', type: 'pdf', payload: {} }),
    () => client.messenger.querySubUsers({ page_size: 0 }),
    () => client.messenger.createOrUpdateTitle({ appid: 'P' }),
    () => client.messenger.deleteTitle({}),
    () => client.messenger.getTitleList({ page_size: 101 }),
    () => client.messenger.sendOptInMessage({ appid: 'P', title: 't' }),
    () => client.messenger.queryTaskList({ message_type: 'x' }),
    () => client.messenger.sendRecordList({ send_start_time: 'yesterday' }),
    () => client.line.getMediaContent({ appid: 'A' }),
    () => client.line.queryTaskList({ page_no: 0 }),
    () => client.line.sendRecordList({ unknown_field: 1 }),
    () => g.listConversations({ pageId: 'a/b', platform: 'whatsapp' }),
    () => g.conversationMessages(''),
    () => g.message('m', { fields: 'id created_time' }),
    () => g.conversations({ pageId: '1', platform: 'messenger', limit: 101 })[Symbol.asyncIterator]().next(),
  ];
  for (const call of calls) {
    const e = await rejection(call());
    assert.ok(e instanceof SobotError, String(e));
    assert.equal(e.kind, 'validation', `${e.endpoint}: ${e.message}`);
    assert.equal(e.retryable, false);
    assert.ok(e.violations.length >= 1, e.endpoint);
    for (const v of e.violations) assert.match(e.message, new RegExp(v.path.replace(/[[\].]/g, '\\$&')));
  }
  assert.equal(emu.admin.count('*'), 0);
});
