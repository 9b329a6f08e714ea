import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { start, receiver, PAGE } from './helpers.mjs';
import { EXAMPLES } from './doc-examples.mjs';

const M = '/chat-facebook/api/messenger';

function withPage(example) {
  return { ...example, pageid: PAGE, recipientid: '524807506000000' };
}

test('send accepts every payload example of the document and records each send once', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  const token = await emu.tokenFor();
  const kinds = ['text', 'image', 'message_tag', 'button', 'generic', 'media_attachment', 'media_url'];
  for (const k of kinds) {
    let body = withPage(EXAMPLES[`messenger.send.${k}`]);
    if (k.startsWith('media')) {
      // The document writes media_type "image|video" as a placeholder for one of them.
      body = structuredClone(body);
      body.payload.elements[0].media_type = 'image';
      // …and "ATTACHMENT_ID" / "FACEBOOK_URL" for a real id and a Facebook URL.
      if (k === 'media_attachment') body.payload.elements[0].attachment_id = '1234567890';
      else body.payload.elements[0].url = 'https://www.facebook.com/photo/?fbid=1234567890';
    }
    const r = await emu.post(`${M}/send`, body, token);
    assert.equal(r.json.ret_code, '000000', `${k}: ${r.headers.get('x-emulator-reason')}`);
    assert.equal(r.json.ret_msg, '成功');
    assert.match(r.json.item.message_id, /^m_[A-Za-z0-9_-]{86}$/);
    assert.equal(r.json.item.recipient_id, '524807506000000');
  }
  const sends = emu.admin.sends();
  assert.equal(sends.length, kinds.length);
  assert.equal(new Set(sends.map((s) => s.message_id)).size, kinds.length);
  assert.deepEqual(sends[0].body, withPage(EXAMPLES['messenger.send.text']));
  const logged = emu.admin.requests({ route: 'send' })[0];
  assert.equal(logged.method, 'POST');
  assert.equal(logged.headers.token, token);
  assert.deepEqual(JSON.parse(logged.rawBody), logged.body);
});

test('send validation follows the document: each rule has its code', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  const token = await emu.tokenFor();
  const base = { messaging_type: 'RESPONSE', recipientid: '1', pageid: PAGE, type: 'text', payload: 'hi' };
  const button = (n) => ({ template_type: 'button', text: 'pick', buttons: Array.from({ length: n }, (_, i) => ({ type: 'postback', title: `b${i}`, payload: 'P' })) });
  const cases = [
    ['missing pageid', { ...base, pageid: undefined }, '210001'],
    ['unknown pageid', { ...base, pageid: '999' }, '210002'],
    ['missing type', { ...base, type: undefined }, '999994'],
    ['bad type', { ...base, type: 'sticker' }, '999994'],
    ['missing payload', { ...base, payload: undefined }, '999994'],
    ['neither recipient', { ...base, recipientid: undefined }, '210009'],
    ['both recipients', { ...base, recipient_token: 'abc' }, '999994'],
    ['bad messaging_type', { ...base, messaging_type: 'PROMO' }, '999994'],
    ['MESSAGE_TAG without tag', { ...base, messaging_type: 'MESSAGE_TAG' }, '999994'],
    ['unknown tag', { ...base, messaging_type: 'MESSAGE_TAG', tag: 'SHIPPING_UPDATE' }, '999994'],
    ['empty text', { ...base, payload: '' }, '999994'],
    ['text over 2000', { ...base, payload: 'x'.repeat(2001) }, '999994'],
    ['image without url', { ...base, type: 'image', payload: {} }, '999994'],
    ['image with string payload', { ...base, type: 'image', payload: 'http://x' }, '999994'],
    ['4 buttons', { ...base, type: 'template', payload: button(4) }, '999994'],
    ['0 buttons', { ...base, type: 'template', payload: button(0) }, '999994'],
    ['button text over 640', { ...base, type: 'template', payload: { ...button(1), text: 'x'.repeat(641) } }, '999994'],
    ['bad button type', { ...base, type: 'template', payload: { ...button(1), buttons: [{ type: 'call', title: 't' }] } }, '999994'],
    ['web_url without url', { ...base, type: 'template', payload: { ...button(1), buttons: [{ type: 'web_url', title: 't' }] } }, '999994'],
    ['bad template_type', { ...base, type: 'template', payload: { template_type: 'list' } }, '999994'],
    ['generic title over 80', { ...base, type: 'template', payload: { template_type: 'generic', elements: [{ title: 'x'.repeat(81) }] } }, '999994'],
    ['generic 11 elements', { ...base, type: 'template', payload: { template_type: 'generic', elements: Array.from({ length: 11 }, () => ({ title: 't' })) } }, '999994'],
    ['generic element with 4 buttons', { ...base, type: 'template', payload: { template_type: 'generic', elements: [{ title: 't', buttons: button(4).buttons }] } }, '999994'],
    ['media both id and url', { ...base, type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', attachment_id: '1', url: 'u' }] } }, '999994'],
    ['media bad media_type', { ...base, type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image|video', attachment_id: '1' }] } }, '999994'],
    ['blank recipientid beside a recipient_token', { ...base, recipientid: ' ', recipient_token: 'abc' }, '210009'],
    ['empty recipientid beside a recipient_token', { ...base, recipientid: '', recipient_token: 'abc' }, '210009'],
    ['image with url and attachment_id', { ...base, type: 'image', payload: { url: 'https://x.test/a.png', attachment_id: '1234567890' } }, '999994'],
    ['image with a blank url beside attachment_id', { ...base, type: 'image', payload: { url: '', attachment_id: '1234567890' } }, '999994'],
    ['media with a blank attachment_id beside url', { ...base, type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', attachment_id: '', url: 'https://www.facebook.com/p' }] } }, '999994'],
    ['media by a URL off Facebook', { ...base, type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', url: 'https://x.test/p.png' }] } }, '999994'],
    ['phone_number button (not a send button of the document)', { ...base, type: 'template', payload: { ...button(1), buttons: [{ type: 'phone_number', title: 't', payload: '+1' }] } }, '999994'],
    ['a field the tables do not list', { ...base, metadata: 'x' }, '999994'],
  ];
  for (const [why, body, code] of cases) {
    const r = await emu.post(`${M}/send`, body, token);
    assert.equal(r.json.ret_code, code, `${why}: ${r.headers.get('x-emulator-reason')}`);
    assert.ok(r.json.ret_msg, why);
    assert.equal(r.json.item, undefined, why);
  }
  const notJson = await emu.post(`${M}/send`, '{"pageid":', token);
  assert.equal(notJson.json.ret_code, '999994');
  assert.equal(emu.admin.sends().length, 0);
  // the tag rule passes with a documented tag
  const ok = await emu.post(`${M}/send`, { ...base, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' }, token);
  assert.equal(ok.json.ret_code, '000000');
  // media messages by URL or by an uploaded attachment's id
  for (const type of ['image', 'audio', 'video', 'file']) {
    for (const payload of [{ url: 'https://x.test/f' }, { attachment_id: '1234567890' }]) {
      const r = await emu.post(`${M}/send`, { ...base, type, payload }, token);
      assert.equal(r.json.ret_code, '000000', `${type} ${JSON.stringify(payload)}: ${r.headers.get('x-emulator-reason')}`);
    }
  }
});

test('a marketing send by recipient_token answers the subscriber id', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  emu.admin.seed({ titles: [{ appid: PAGE, title: 'deals', describe: 'd', button_type: 'ALLOW', image_ratio: 'SQUARE' }], subscribers: [{ facebookid: '42', pageid: PAGE, sub_title: 'deals', sub_token: '9001' }] });
  const token = await emu.tokenFor();
  const r = await emu.post(`${M}/send`, { recipient_token: '9001', pageid: PAGE, type: 'text', payload: 'sale' }, token);
  assert.equal(r.json.item.recipient_id, '42');
});

test('upload_async answers a track_id and later POSTs {track_id, attachment_id}, signed', async (t) => {
  const hook = await receiver();
  const emu = await start({ messengerWebhookUrl: hook.url, uploadDelayMs: 5, messengerAppSecret: 's3cret' });
  t.after(async () => {
    await emu.close();
    await hook.close();
  });
  const token = await emu.tokenFor();
  const r = await emu.post(`${M}/upload_async`, { pageid: PAGE, type: 'image', payload: { url: 'https://example.com/a.png' } }, token);
  assert.equal(r.json.ret_code, '000000');
  assert.equal(r.json.ret_msg, '成功');
  assert.match(r.json.item, /^[0-9a-f]{32}$/);
  await hook.waitFor(1);
  const got = hook.got[0];
  assert.deepEqual(Object.keys(got.body), ['track_id', 'attachment_id']);
  assert.equal(got.body.track_id, r.json.item);
  assert.match(got.body.attachment_id, /^\d+$/);
  assert.equal(got.headers['x-hub-signature-256'], `sha256=${createHmac('sha256', 's3cret').update(got.raw).digest('hex')}`);
  await emu.admin.settle();
  assert.equal(emu.admin.uploads()[0].delivery.result.status, 200);

  const url = 'https://example.com/a.png';
  for (const [body, code] of [
    [{ type: 'image', payload: { url } }, '210001'],
    [{ pageid: '1', type: 'image', payload: { url } }, '210002'],
    [{ pageid: PAGE, type: 'template', payload: { url } }, '999994'],
    [{ pageid: PAGE, payload: { url } }, '999994'],
    [{ pageid: PAGE, type: 'file' }, '999994'],
    [{ pageid: PAGE, type: 'file', payload: {} }, '999994'],
    [{ pageid: PAGE, type: 'file', payload: { url: 'u' } }, '999994'],
    [{ pageid: PAGE, type: 'file', payload: { attachment_id: '1' } }, '999994'],
  ]) {
    assert.equal((await emu.post(`${M}/upload_async`, body, token)).json.ret_code, code, JSON.stringify(body));
  }
});

test('subscription topics: create, update, list, delete and every 2100xx code', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  const token = await emu.tokenFor();
  const topic = { appid: PAGE, title: '测试', describe: '这是一条测试消息', image_url: 'https://xxx.xx.com/xxx/image.png', image_ratio: 'SQUARE', button_type: 'ALLOW', timezone: 'UTC' };
  const created = await emu.post(`${M}/create_or_update_title`, topic, token);
  assert.equal(created.json.ret_code, '000000');
  assert.equal(created.json.ret_msg, '成功');
  const configid = created.json.item;
  assert.match(configid, /^[0-9a-f]{32}$/);

  const codes = [
    [{ ...topic, appid: undefined }, '210001'],
    [{ ...topic, appid: '123' }, '210002'],
    [{ ...topic, title: '' }, '210003'],
    [{ ...topic, title: '题'.repeat(66) }, '210004'],
    [{ ...topic, title: 'other', describe: undefined }, '210005'],
    [{ ...topic, title: 'other', describe: 'd'.repeat(66) }, '210006'],
    [{ ...topic, title: 'other', button_type: undefined }, '210007'],
    [topic, '210008'],
    [{ ...topic, title: 'other', image_ratio: undefined }, '210012'],
    [{ ...topic, configid: 'nope' }, '210013'],
    [{ ...topic, configid, title: 'renamed' }, '210011'],
    // A value outside the tables carries the field's code, as the SDK's validators say.
    [{ ...topic, title: 'other', button_type: 'CLICK' }, '210007'],
    [{ ...topic, title: 'other', image_ratio: 'TALL' }, '210012'],
    // A character is a UTF-16 code unit: 33 emoji are 66 of them.
    [{ ...topic, title: '😀'.repeat(33) }, '210004'],
    [{ ...topic, title: 'x'.repeat(64) + '😀' }, '210004'],
  ];
  for (const [body, code] of codes) {
    const r = await emu.post(`${M}/create_or_update_title`, body, token);
    assert.equal(r.json.ret_code, code, `${JSON.stringify(body)}: ${r.headers.get('x-emulator-reason')}`);
  }
  // 65 characters (UTF-16 code units) is allowed
  assert.equal((await emu.post(`${M}/create_or_update_title`, { ...topic, title: '题'.repeat(65) }, token)).json.ret_code, '000000');
  assert.equal((await emu.post(`${M}/create_or_update_title`, { ...topic, title: 'x' + '😀'.repeat(32) }, token)).json.ret_code, '000000');

  emu.admin.advanceTime(1000);
  const upd = await emu.post(`${M}/create_or_update_title`, { ...topic, describe: 'changed', configid }, token);
  assert.deepEqual(upd.json, { item: configid, ret_code: '000000', ret_msg: '成功' });

  const list = await emu.post(`${M}/get_title_list`, { appids: PAGE, title: '测试', page_no: 1, page_size: 15 }, token);
  assert.equal(list.json.total_count, 1);
  const item = list.json.item[0];
  assert.equal(item.describe, 'changed');
  assert.equal(item.app_name, 'Sobot Demo Page');
  assert.ok(item.update_time > item.create_time);
  assert.deepEqual(Object.keys(item).sort(), ['app_name', 'appid', 'button_type', 'companyid', 'configid', 'create_time', 'describe', 'image_ratio', 'image_url', 'timezone', 'title', 'update_time']);

  assert.equal((await emu.get(`${M}/del_title`, token)).json.ret_code, '999994');
  assert.deepEqual((await emu.get(`${M}/del_title?configid=${configid}`, token)).json, { ret_code: '000000', ret_msg: '成功' });
  assert.equal((await emu.get(`${M}/del_title?configid=${configid}`, token)).json.ret_code, '210013');
  assert.equal((await emu.post(`${M}/create_or_update_title`, { ...topic, configid }, token)).json.ret_code, '210013');
  // after deletion the title can be created again
  assert.equal((await emu.post(`${M}/create_or_update_title`, topic, token)).json.ret_code, '000000');
});

test('get_title_list filters by time, appids and title, and pages', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  emu.admin.seed({ pages: [{ pageid: '22', name: 'Two' }] });
  const titles = [];
  for (let i = 0; i < 40; i++) titles.push({ appid: i % 2 ? PAGE : '22', title: `t${i}`, describe: 'd', button_type: 'GET', image_ratio: 'HORIZONTAL', create_time: 1_000_000 + i });
  emu.admin.seed({ titles });
  const token = await emu.tokenFor();
  // page_no and page_size are required ("是" in the table, despite its default)
  assert.equal((await emu.post(`${M}/get_title_list`, {}, token)).json.ret_code, '999994');
  const all = await emu.post(`${M}/get_title_list`, { page_no: 1, page_size: 15 }, token);
  assert.equal(all.json.total_count, 40);
  assert.equal(all.json.page_size, 15);
  assert.equal(all.json.page_count, 3);
  assert.equal(all.json.item.length, 15);
  assert.equal(all.json.item[0].title, 't39');
  const r = await emu.post(`${M}/get_title_list`, { appids: `22,${'x'}`, start_time: 1_000_010, end_time: 1_000_019, page_no: 2, page_size: 3 }, token);
  assert.equal(r.json.total_count, 5);
  assert.deepEqual(r.json.item.map((x) => x.title), ['t12', 't10']);
  assert.equal((await emu.post(`${M}/get_title_list`, { title: 't3', page_no: 1, page_size: 15 }, token)).json.total_count, 11);
  // "查询条数,默认:15" sets no maximum (only the task and record lists say 最大100)
  const big = await emu.post(`${M}/get_title_list`, { page_no: 1, page_size: 200 }, token);
  assert.equal(big.json.ret_code, '000000');
  assert.equal(big.json.item.length, 40);
  assert.equal((await emu.post(`${M}/get_title_list`, { page_no: 1, page_size: 0 }, token)).json.ret_code, '999994');
  assert.equal((await emu.post(`${M}/get_title_list`, { page_no: 0, page_size: 15 }, token)).json.ret_code, '999994');
});

test('send_opt_in_message answers message_id and recipient_id and triggers the subscription webhook', async (t) => {
  const hook = await receiver();
  const emu = await start({ messengerWebhookUrl: hook.url, messengerAppSecret: 'app-secret' });
  t.after(async () => {
    await emu.close();
    await hook.close();
  });
  const token = await emu.tokenFor();
  await emu.post(`${M}/create_or_update_title`, { appid: PAGE, title: 'news', describe: 'weekly news', image_ratio: 'SQUARE', button_type: 'SIGN_UP', timezone: 'Asia/Shanghai' }, token);
  const r = await emu.post(`${M}/send_opt_in_message`, { appid: PAGE, title: 'news', recipientid: '123456789' }, token);
  assert.equal(r.json.ret_code, '000000');
  assert.equal(r.json.item.recipient_id, '123456789');
  assert.match(r.json.item.message_id, /^m_/);
  await hook.waitFor(1);
  const ev = hook.got[0].body.entry[0].messaging[0];
  assert.equal(ev.sender.id, '123456789');
  assert.equal(ev.recipient.id, PAGE);
  assert.equal(ev.optin.title, 'news');
  assert.equal(ev.optin.payload, 'weekly news');
  assert.equal(ev.optin.notification_messages_timezone, 'Asia/Shanghai');
  assert.match(ev.optin.notification_messages_token, /^\d+$/);
  // the subscriber is now listed with that token
  const subs = await emu.get(`${M}/query_sub_users?appid=${PAGE}&title=news&page_no=1&page_size=10`, token);
  assert.equal(subs.json.total_count, 1);
  assert.equal(subs.json.items[0].sub_token, ev.optin.notification_messages_token);
  assert.equal(subs.json.items[0].sub_status, 1);
  // and a marketing send to that token reaches the user
  const sent = await emu.post(`${M}/send`, { recipient_token: ev.optin.notification_messages_token, pageid: PAGE, type: 'text', payload: 'issue 1' }, token);
  assert.equal(sent.json.item.recipient_id, '123456789');

  // the example's field name recipient_id is accepted too
  assert.equal((await emu.post(`${M}/send_opt_in_message`, { appid: PAGE, title: 'news', recipient_id: '77' }, token)).json.item.recipient_id, '77');
  for (const [body, code] of [
    [{ title: 'news', recipientid: '1' }, '210001'],
    [{ appid: '5', title: 'news', recipientid: '1' }, '210002'],
    [{ appid: PAGE, recipientid: '1' }, '210003'],
    [{ appid: PAGE, title: 'news' }, '210009'],
    [{ appid: PAGE, title: 'nothing', recipientid: '1' }, '210010'],
    [{ appid: PAGE, title: 'news', recipientid: '1', button_type: 'NOPE' }, '999994'],
  ]) {
    assert.equal((await emu.post(`${M}/send_opt_in_message`, body, token)).json.ret_code, code, JSON.stringify(body));
  }
  await emu.admin.settle();
});

test('query_sub_users pages subscribers of one topic (page_no and page_size required, no maximum)', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  emu.admin.generate({ subscribers: { count: 250, title: 'topic 1' } });
  emu.admin.seed({ titles: [{ appid: PAGE, title: 'empty', describe: 'd', button_type: 'ALLOW', image_ratio: 'SQUARE' }] });
  const token = await emu.tokenFor();
  // "是" in the table: the SDK sends both, and so the emulator requires them
  assert.equal((await emu.get(`${M}/query_sub_users?appid=${PAGE}&title=${encodeURIComponent('topic 1')}`, token)).json.ret_code, '999994');
  const first = await emu.get(`${M}/query_sub_users?appid=${PAGE}&title=${encodeURIComponent('topic 1')}&page_no=1&page_size=100`, token);
  assert.equal(first.json.page_size, 100);
  assert.equal(first.json.total_count, 250);
  assert.equal(first.json.page_count, 3);
  assert.equal(first.json.items.length, 100);
  const seen = new Set();
  for (let p = 1; p <= 3; p++) {
    const r = await emu.get(`${M}/query_sub_users?appid=${PAGE}&title=topic%201&page_no=${p}&page_size=100`, token);
    for (const s of r.json.items) seen.add(s.sub_token + s.facebookid);
  }
  assert.equal(seen.size, 250);
  const empty = await emu.get(`${M}/query_sub_users?appid=${PAGE}&title=empty&page_no=1&page_size=15`, token);
  assert.deepEqual(empty.json, { items: [], page_count: 0, page_no: 1, page_size: 15, ret_code: '000000', ret_msg: '成功', total_count: 0 });
  // "每页条数(默认每页100条)" sets no maximum
  const all = await emu.get(`${M}/query_sub_users?appid=${PAGE}&title=topic%201&page_no=1&page_size=200`, token);
  assert.equal(all.json.ret_code, '000000');
  assert.equal(all.json.items.length, 200);
  for (const [qs, code] of [
    ['title=x&page_no=1&page_size=15', '210001'],
    ['appid=9&title=x&page_no=1&page_size=15', '210002'],
    [`appid=${PAGE}&page_no=1&page_size=15`, '210003'],
    [`appid=${PAGE}&title=none&page_no=1&page_size=15`, '210010'],
    [`appid=${PAGE}&title=empty&page_no=1&page_size=0`, '999994'],
    [`appid=${PAGE}&title=empty&page_no=abc&page_size=15`, '999994'],
    [`appid=${PAGE}&title=empty&page_no=1&page_size=15&extra=1`, '999994'],
  ]) {
    assert.equal((await emu.get(`${M}/query_sub_users?${qs}`, token)).json.ret_code, code, qs);
  }
});
