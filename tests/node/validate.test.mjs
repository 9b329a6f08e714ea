// The validators and describeError through the built package (ESM), on the
// documents' fixtures and on each rule at its limit and one past it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  validateSendMessage,
  validateUploadAsync,
  validateQuerySubUsers,
  validateTopic,
  validateDeleteTopic,
  validateTitleList,
  validateOptIn,
  validateMessengerTaskList,
  validateMessengerSendRecordList,
  validateLineMediaContent,
  validateLineTaskList,
  validateLineSendRecordList,
  validateGraphConversations,
  validateGraphConversationMessages,
  validateGraphMessage,
  describeError,
} from 'sobot-channels';

const fixture = (name) => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
const found = (violations) => violations.map((v) => [v.path, v.rule]);

const requests = [
  ['messenger/send_text_request.json', validateSendMessage, []],
  ['messenger/send_media_request.json', validateSendMessage, []],
  ['messenger/send_message_tag_request.json', validateSendMessage, []],
  ['messenger/send_template_button_request.json', validateSendMessage, []],
  ['messenger/send_template_generic_request.json', validateSendMessage, []],
  ['messenger/send_template_media_attachment_request.json', validateSendMessage, [['payload.elements[0].media_type', 'one_of']]],
  [
    'messenger/send_template_media_url_request.json',
    validateSendMessage,
    [['payload.elements[0].media_type', 'one_of'], ['payload.elements[0].url', 'format']],
  ],
  ['messenger/upload_async_request.json', validateUploadAsync, [['payload.url', 'format']]],
  ['messenger/create_or_update_title_request.json', validateTopic, []],
  ['messenger/get_title_list_request.json', validateTitleList, []],
  ['messenger/send_opt_in_message_request.json', validateOptIn, []],
  ['messenger/query_task_list_request.json', validateMessengerTaskList, []],
  ['line/query_task_list_request.json', validateLineTaskList, []],
  ['line/send_record_list_request.json', validateLineSendRecordList, []],
];

for (const [name, validate, expected] of requests) {
  test(`fixture ${name} validates as documented`, () => {
    assert.deepEqual(found(validate(fixture(name))), expected);
  });
}

test('the Messenger send_record_list "request" example is a response and is refused as a request', () => {
  const got = validateMessengerSendRecordList(fixture('messenger/send_record_list_request.json'));
  assert.deepEqual(got.map((v) => v.path).sort(), ['items', 'page_count', 'ret_code', 'ret_msg', 'total_count']);
  assert.ok(got.every((v) => v.rule === 'unknown_field'));
});

const send = (type, payload, extra = {}) => ({ messaging_type: 'RESPONSE', recipientid: 'R', pageid: 'P', type, payload, ...extra });
const buttonTemplate = (text, buttons = [{ type: 'web_url', url: 'https://www.messenger.com', title: 'Go' }]) =>
  send('template', { template_type: 'button', text, buttons });

test('button template text: 640 CJK characters pass, 641 fail with limit and actual', () => {
  assert.deepEqual(validateSendMessage(buttonTemplate('测'.repeat(640))), []);
  const [v, ...rest] = validateSendMessage(buttonTemplate('测'.repeat(641)));
  assert.equal(rest.length, 0);
  assert.deepEqual([v.path, v.rule, v.limit, v.actual], ['payload.text', 'max_length', 640, 641]);
  assert.match(v.message, /payload\.text/);
});

test('emoji count as two characters, like String.length', () => {
  const ok = '😀'.repeat(320);
  assert.equal(ok.length, 640);
  assert.deepEqual(validateSendMessage(buttonTemplate(ok)), []);
  const past = '😀'.repeat(321);
  assert.deepEqual(found(validateSendMessage(buttonTemplate(past))), [['payload.text', 'max_length']]);
});

test('buttons 1-3, element title 80, button title 20, postback payload 1000', () => {
  const web = (title = 'Go') => ({ type: 'web_url', url: 'https://a.test', title });
  assert.deepEqual(found(validateSendMessage(buttonTemplate('t', [web(), web(), web(), web()]))), [['payload.buttons', 'max_items']]);
  assert.deepEqual(found(validateSendMessage(buttonTemplate('t', []))), [['payload.buttons', 'min_items']]);
  assert.deepEqual(validateSendMessage(buttonTemplate('t', [web('按'.repeat(20))])), []);
  assert.deepEqual(found(validateSendMessage(buttonTemplate('t', [web('按'.repeat(21))]))), [['payload.buttons[0].title', 'max_length']]);
  const postback = (n) => ({ type: 'postback', title: 't', payload: 'x'.repeat(n) });
  assert.deepEqual(validateSendMessage(buttonTemplate('t', [postback(1000)])), []);
  assert.deepEqual(found(validateSendMessage(buttonTemplate('t', [postback(1001)]))), [['payload.buttons[0].payload', 'max_length']]);
  const generic = (elements) => send('template', { template_type: 'generic', elements });
  const el = (title) => ({ title, buttons: [web()] });
  assert.deepEqual(validateSendMessage(generic([el('标'.repeat(80))])), []);
  assert.deepEqual(found(validateSendMessage(generic([el('a'), el('标'.repeat(81))]))), [['payload.elements[1].title', 'max_length']]);
  assert.deepEqual(found(validateSendMessage(generic(Array.from({ length: 11 }, (_, i) => el(`e${i}`))))), [['payload.elements', 'max_items']]);
});

test('recipient, messaging type and tag', () => {
  assert.deepEqual(found(validateSendMessage(send('text', 'hi', { recipient_token: 'T' }))), [['recipientid', 'exactly_one']]);
  assert.deepEqual(found(validateSendMessage(send('text', 'hi', { messaging_type: 'MESSAGE_TAG' }))), [['tag', 'required']]);
  assert.deepEqual(validateSendMessage(send('text', 'hi', { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' })), []);
  assert.deepEqual(found(validateSendMessage(send('text', 'hi', { tag: 'ACCOUNT_UPDATE' }))), [['tag', 'only_with']]);
  assert.deepEqual(found(validateSendMessage(send('image', 'https://a.test/a.png'))), [['payload', 'type']]);
});

test('a blank recipient counts as given: refused with its field, its rule and 210009', () => {
  for (const blank of ['', ' ', '\t']) {
    const got = validateSendMessage(send('text', 'hi', { recipientid: blank, recipient_token: 'T' }));
    assert.deepEqual(got.map((v) => [v.path, v.rule, v.code]), [
      ['recipientid', 'blank', '210009'],
      ['recipientid', 'exactly_one', undefined],
    ]);
    assert.match(got[0].message, /recipientid/);
    const token = validateSendMessage({ ...send('text', 'hi', { recipient_token: blank }), recipientid: undefined });
    assert.deepEqual(token.map((v) => [v.path, v.rule]), [['recipient_token', 'blank']]);
  }
  assert.deepEqual(found(validateSendMessage({ ...send('text', 'hi'), recipientid: undefined })), [['recipientid', 'exactly_one']]);
  const optIn = { appid: '1', title: 't' };
  assert.deepEqual(validateOptIn({ ...optIn, recipient_id: '9' }), []);
  assert.deepEqual(found(validateOptIn({ ...optIn, recipientid: ' ' })), [['recipientid', 'blank']]);
  assert.deepEqual(found(validateOptIn({ ...optIn, recipientid: '', recipient_id: '9' })), [['recipientid', 'blank'], ['recipientid', 'exactly_one']]);
});

test('media messages take exactly one of payload.url and payload.attachment_id', () => {
  for (const type of ['image', 'audio', 'video', 'file']) {
    assert.deepEqual(validateSendMessage(send(type, { attachment_id: '1234567890' })), []);
    assert.deepEqual(validateSendMessage(send(type, { url: 'https://a.test/f' })), []);
    assert.deepEqual(found(validateSendMessage(send(type, { url: 'https://a.test/f', attachment_id: '1' }))), [['payload.url', 'exactly_one']]);
    assert.deepEqual(found(validateSendMessage(send(type, {}))), [['payload.url', 'exactly_one']]);
    assert.deepEqual(found(validateSendMessage(send(type, { url: '', attachment_id: '1' }))), [['payload.url', 'blank'], ['payload.url', 'exactly_one']]);
  }
  assert.deepEqual(found(validateSendMessage(send('image', { attachment_id: 1 }))), [['payload.attachment_id', 'type']]);
  // an upload still takes a URL only
  assert.deepEqual(found(validateUploadAsync({ pageid: 'P', type: 'image', payload: { attachment_id: '1' } })), [
    ['payload.attachment_id', 'unknown_field'],
    ['payload.url', 'required'],
  ]);
});

test('media template: one element, image or video, attachment_id xor Facebook url', () => {
  const media = (el) => send('template', { template_type: 'media', elements: [el] });
  assert.deepEqual(validateSendMessage(media({ media_type: 'image', attachment_id: '1' })), []);
  assert.deepEqual(
    found(validateSendMessage(media({ media_type: 'image', attachment_id: '1', url: 'https://www.facebook.com/x' }))),
    [['payload.elements[0].attachment_id', 'exactly_one']],
  );
  assert.deepEqual(found(validateSendMessage(media({ media_type: 'video', url: 'https://example.com/v.mp4' }))), [
    ['payload.elements[0].url', 'format'],
  ]);
});

test('topic rules carry the platform codes, and updates keep appid and title', () => {
  const topic = { appid: '1', title: '题'.repeat(65), describe: 'd', image_ratio: 'SQUARE', button_type: 'GET_UPDATES' };
  assert.deepEqual(validateTopic(topic), []);
  const long = validateTopic({ ...topic, title: '题'.repeat(66), button_type: 'SUBSCRIBE' });
  assert.deepEqual(long.map((v) => [v.path, v.rule, v.code]), [
    ['title', 'max_length', '210004'],
    ['button_type', 'one_of', '210007'],
  ]);
  const existing = { configid: 'c1', appid: '1', title: '题'.repeat(65), create_time: 1713871710134 };
  assert.deepEqual(validateTopic({ ...topic, configid: 'c1', describe: 'new' }, existing), []);
  assert.deepEqual(
    validateTopic({ ...topic, configid: 'c1', appid: '2' }, existing).map((v) => [v.path, v.rule, v.code]),
    [['appid', 'immutable', '210011']],
  );
  assert.deepEqual(validateTopic(topic, undefined), []);
});

test('paging and time ranges', () => {
  assert.deepEqual(validateMessengerTaskList({ page_no: 1, page_size: 100 }), []);
  assert.deepEqual(found(validateMessengerTaskList({ page_no: 0, page_size: 101 })), [['page_no', 'min'], ['page_size', 'max']]);
  assert.deepEqual(found(validateMessengerSendRecordList({ send_start_time: 2, send_end_time: 1 })), [['send_start_time', 'range_order']]);
  assert.deepEqual(found(validateQuerySubUsers({ appid: 'a', title: 't' })), [['page_no', 'required'], ['page_size', 'required']]);
  assert.deepEqual(found(validateDeleteTopic({})), [['configid', 'required']]);
  assert.deepEqual(found(validateLineMediaContent({ appid: '1' })), [['messageid', 'required']]);
});

test('Graph requests: ids are path segments', () => {
  assert.deepEqual(validateGraphConversations({ pageId: '1', platform: 'instagram', userId: '2', limit: 100 }), []);
  assert.deepEqual(found(validateGraphConversations({ pageId: '../me', platform: 'sms', limit: 0 })), [['pageId', 'format'], ['platform', 'one_of'], ['limit', 'min']]);
  assert.deepEqual(found(validateGraphConversations({ page_id: '1', platform: 'instagram' })), [['page_id', 'unknown_field'], ['pageId', 'required']]);
  assert.deepEqual(found(validateGraphConversationMessages({})), [['conversationId', 'required']]);
  assert.deepEqual(validateGraphMessage({ messageId: 'aWdGGiblWZ', fields: 'id,created_time,from,to,message' }), []);
});

test('any input gives violations, never an exception', () => {
  for (const input of [undefined, null, 42, 'x', [], () => 1, Symbol('s'), { pageid: () => 1 }, new Map(), 10n]) {
    const got = validateSendMessage(input);
    assert.ok(Array.isArray(got) && got.length > 0, String(input?.toString?.() ?? input));
    for (const v of got) assert.equal(typeof v.message, 'string');
  }
  // An `undefined` property is an absent one.
  assert.deepEqual(validateSendMessage(send('text', 'hi', { tag: undefined, recipient_token: undefined })), []);
});

test('describeError reads the catalogue', () => {
  const e = describeError('900002');
  assert.deepEqual(e, {
    table: 'ret_code',
    code: '900002',
    messageZh: 'token 已失效,请重新获取',
    messageEn: 'The token has expired; get a new one',
    category: 'auth',
    retryable: true,
  });
  assert.equal(describeError('999999').messageZh, '系统未知异常');
  assert.equal(describeError('999999', 'error_code').messageZh, '用户未订阅');
  assert.equal(describeError('999999', 'line_error_code').messageZh, '发送失败');
  assert.equal(describeError(4).category, 'rate_limit');
  assert.equal(describeError('2', 'message_status').messageEn, 'Read');
  assert.equal(describeError('HUMAN_AGENT', 'message_tag').category, 'info');
  assert.equal(describeError('123456'), undefined);
  assert.equal(describeError('1', 'nope'), undefined);
  assert.equal(describeError({}), undefined);
});
