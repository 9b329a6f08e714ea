// The emulator and the SDK agree on every rule: each length, count and range of the
// limits table (src/validate/limits.rs) and each enumeration is walked at its boundary
// (at the limit, one past, CJK, emoji, blank), every case is sent to the emulator over
// HTTP, and the emulator must accept exactly what the SDK's validation accepts (and
// answer a refusal with the first violation's documented code).
//
// The cases come from the table itself: the limits are read from limits.rs (name, value,
// unit), so a changed value changes the cases, and a limit without a place to try it
// below fails the test. The enumerations' values come from the SDK's own `one_of`
// violations. What is written here is only where each rule applies.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  validateSendMessage,
  validateUploadAsync,
  validateQuerySubUsers,
  validateTopic,
  validateTitleList,
  validateOptIn,
  validateMessengerTaskList,
  validateMessengerSendRecordList,
  validateLineTaskList,
  validateLineSendRecordList,
} from 'sobot-channels';
import { start, PAGE } from './helpers.mjs';

// ---- the limits table -----------------------------------------------------------

/** Every `Limit` of limits.rs and the names listed in `ALL`, read from the source. */
function limitsTable() {
  const src = readFileSync(new URL('../../src/validate/limits.rs', import.meta.url), 'utf8');
  const byConst = new Map();
  const re = /pub const (\w+): Limit = Limit \{\s*name: "(\w+)",\s*value: (-?\d+),\s*unit: Unit::(\w+),/g;
  for (const m of src.matchAll(re)) byConst.set(m[1], { name: m[2], value: Number(m[3]), unit: m[4] });
  const all = /pub const ALL: &\[&Limit\] = &\[([^\]]*)\];/.exec(src);
  assert.ok(all, 'limits.rs has ALL');
  const names = all[1].split(',').map((s) => s.trim().replace(/^&/, '')).filter(Boolean);
  assert.ok(names.length >= 10, `ALL lists ${names.length} limits`);
  return names.map((c) => {
    assert.ok(byConst.has(c), `${c} of ALL is parsed`);
    return byConst.get(c);
  });
}

const LIMITS = limitsTable();
/** The limit of that name (throws when the table has none). */
const limit = (name) => LIMITS.find((l) => l.name === name) ?? assert.fail(`no limit ${name}`);

// ---- requests and where each rule applies -----------------------------------------

const M = '/chat-facebook/api/messenger';
const TOPIC = 'agreement topic';

/** Route → method, path and the SDK validator; GET routes send the request as the query. */
const ROUTES = {
  send: ['POST', `${M}/send`, validateSendMessage],
  upload_async: ['POST', `${M}/upload_async`, validateUploadAsync],
  query_sub_users: ['GET', `${M}/query_sub_users`, validateQuerySubUsers],
  create_or_update_title: ['POST', `${M}/create_or_update_title`, validateTopic],
  get_title_list: ['POST', `${M}/get_title_list`, validateTitleList],
  send_opt_in_message: ['POST', `${M}/send_opt_in_message`, validateOptIn],
  'messenger.query_task_list': ['POST', '/chat-set/api/messenger/query_task_list', validateMessengerTaskList],
  'messenger.send_record_list': ['POST', '/chat-set/api/messenger/send_record_list', validateMessengerSendRecordList],
  'line.query_task_list': ['POST', '/chat-set/api/line/query_task_list', validateLineTaskList],
  'line.send_record_list': ['POST', '/chat-set/api/line/send_record_list', validateLineSendRecordList],
};

const sendWith = (type, payload, extra = {}) => ({ messaging_type: 'RESPONSE', recipientid: '524807506000000', pageid: PAGE, type, payload, ...extra });
const webUrl = (title = 'Go') => ({ type: 'web_url', url: 'https://www.messenger.com', title });
const postback = (title = 'Start', payload = 'P') => ({ type: 'postback', title, payload });
const buttonTemplate = (text = 'pick', buttons = [webUrl()]) => sendWith('template', { template_type: 'button', text, buttons });
const element = (over = {}) => ({ title: 'Welcome', subtitle: 'We have hats', buttons: [webUrl()], ...over });
const generic = (elements = [element()]) => sendWith('template', { template_type: 'generic', elements });
const mediaElement = (over = {}) => ({ media_type: 'image', attachment_id: '1234567890', ...over });
const mediaTemplate = (elements = [mediaElement()]) => sendWith('template', { template_type: 'media', elements });
const topic = (over = {}) => ({ appid: PAGE, title: TOPIC, describe: 'weekly news', image_ratio: 'SQUARE', button_type: 'ALLOW', ...over });
const optIn = (over = {}) => ({ appid: PAGE, title: TOPIC, recipientid: '524807506000000', ...over });
const PAGED = {
  query_sub_users: { appid: PAGE, title: TOPIC, page_no: 1, page_size: 15 },
  get_title_list: { page_no: 1, page_size: 15 },
  'messenger.query_task_list': {},
  'messenger.send_record_list': {},
  'line.query_task_list': {},
  'line.send_record_list': {},
};
const paged = (key, value) => Object.entries(PAGED).map(([route, base]) => [route, { ...base, [key]: value }]);

/**
 * Limit name → where it applies: functions from the value under test (a string for
 * characters, a count for items, an integer for values) to `[route, request]` pairs.
 */
const SITES = {
  text_message_max: [(s) => [['send', sendWith('text', s)]]],
  button_template_text_max: [(s) => [['send', buttonTemplate(s)]]],
  buttons_min: [(n) => buttonsOf(n)],
  buttons_max: [(n) => buttonsOf(n)],
  button_title_max: [
    (s) => [['send', buttonTemplate('pick', [webUrl(s)])]],
    (s) => [['send', generic([element({ buttons: [postback(s)] })])]],
  ],
  postback_payload_max: [(s) => [['send', buttonTemplate('pick', [postback('Start', s)])]]],
  generic_elements_min: [(n) => [['send', generic(Array.from({ length: n }, () => element()))]]],
  generic_elements_max: [(n) => [['send', generic(Array.from({ length: n }, () => element()))]]],
  element_title_max: [(s) => [['send', generic([element({ title: s })])]]],
  element_subtitle_max: [(s) => [['send', generic([element({ subtitle: s })])]]],
  media_elements: [(n) => [['send', mediaTemplate(Array.from({ length: n }, () => mediaElement()))]]],
  topic_title_max: [(s) => [['create_or_update_title', topic({ title: s })], ['send_opt_in_message', optIn({ title: s })]]],
  topic_describe_max: [(s) => [['create_or_update_title', topic({ describe: s })], ['send_opt_in_message', optIn({ describe: s })]]],
  page_no_min: [(n) => paged('page_no', n)],
  page_size_min: [(n) => paged('page_size', n)],
  // Applied to every paged request: where the document writes no maximum, one past it
  // is accepted by both (get_title_list, query_sub_users), elsewhere refused by both.
  page_size_max: [(n) => paged('page_size', n)],
};
/** Why a limit of the table has no site here. */
const NO_SITE = {
  violations_max: 'bounds how many violations are listed; any request it applies to is refused anyway',
  graph_limit_max: 'a Graph rule: Graph caps `limit` rather than refusing it (graph.test.mjs); the SDK refuses past it',
};

function buttonsOf(n) {
  const buttons = Array.from({ length: n }, (_, i) => postback(`b${i}`));
  return [
    ['send', buttonTemplate('pick', buttons)],
    ['send', generic([element({ buttons })])],
  ];
}

/** The boundary values of a limit: strings for characters, numbers otherwise. */
function boundary(l) {
  const n = l.value;
  if (l.unit === 'Characters') {
    const half = Math.floor(n / 2);
    return [
      ['x', n], ['x', n + 1],
      ['测', n], ['测', n + 1],
      ['😀', half], ['😀', half + 1], // UTF-16 units: n or n-1, then n+1 or n+2
      ['x+😀', n - 1], // n code points, n+1 UTF-16 units
      ['x+😀', n - 2], // n UTF-16 units
      ['blank', 0], ['blank', 1],
    ].map(([kind, k]) => {
      if (kind === 'x+😀') return { label: `${k} ASCII + 1 emoji`, value: 'x'.repeat(k) + '😀' };
      if (kind === 'blank') return { label: k ? 'blank (spaces)' : 'empty', value: ' '.repeat(k * 3) };
      return { label: `${k} × ${kind}`, value: kind.repeat(k) };
    });
  }
  const around = l.name.endsWith('_min') ? [n - 1, n, n + 1] : l.name.endsWith('_max') ? [n - 1, n, n + 1, 2 * n] : [n - 1, n, n + 1];
  return around.filter((v) => v >= 0 || l.unit === 'Value').map((v) => ({ label: String(v), value: v }));
}

// ---- enumerations: their values are the SDK's own -----------------------------------

/** Enum sites: route, request builder and the JSON path the validator names. */
const ENUMS = [
  ['send', 'messaging_type', (v) => sendWith('text', 'hi', { messaging_type: v })],
  ['send', 'tag', (v) => sendWith('text', 'hi', { messaging_type: 'MESSAGE_TAG', tag: v })],
  ['send', 'payload.buttons[0].type', (v) => buttonTemplate('pick', [{ type: v, title: 'Go', url: 'https://www.messenger.com' }])],
  ['send', 'payload.elements[0].media_type', (v) => mediaTemplate([mediaElement({ media_type: v })])],
  ['send', 'payload.elements[0].default_action.webview_height_ratio', (v) => generic([element({ default_action: { type: 'web_url', url: 'https://www.messenger.com', webview_height_ratio: v } })])],
  ['upload_async', 'type', (v) => ({ pageid: PAGE, type: v, payload: { url: 'https://sg.sobot.com/a.png' } })],
  ['create_or_update_title', 'image_ratio', (v) => topic({ image_ratio: v })],
  ['create_or_update_title', 'button_type', (v) => topic({ button_type: v })],
  ['send_opt_in_message', 'image_ratio', (v) => optIn({ image_ratio: v })],
  ['send_opt_in_message', 'button_type', (v) => optIn({ button_type: v })],
  ['messenger.send_record_list', 'message_status', (v) => ({ message_status: v })],
  ['line.send_record_list', 'message_status', (v) => ({ message_status: v })],
  ['messenger.query_task_list', 'message_type', (v) => ({ message_type: v })],
];

/** The values the SDK allows at `path`, read from its `one_of` violation of a wrong value. */
function allowedValues(route, path, build) {
  const v = ROUTES[route][2](build('NOT-A-DOCUMENTED-VALUE')).find((x) => x.path === path);
  assert.ok(v, `${route} ${path}: a wrong value is a violation`);
  assert.equal(v.rule, v.rule === 'type' ? 'type' : 'one_of', `${route} ${path}: ${v.rule}`);
  if (v.rule === 'type') {
    // an integer enumeration (message_type): its values from a wrong integer
    const w = ROUTES[route][2](build(987654)).find((x) => x.path === path);
    assert.equal(w?.rule, 'one_of', `${route} ${path}`);
    return w.limit.map(Number);
  }
  return v.limit;
}

function enumValues(route, path, build) {
  const allowed = allowedValues(route, path, build);
  assert.ok(allowed.length >= 2, `${route} ${path}: ${allowed}`);
  const values = [...allowed];
  if (typeof allowed[0] === 'number') values.push(Math.max(...allowed) + 1, 0, -1);
  else values.push('NOPE', allowed[0].toLowerCase(), ` ${allowed[0]}`, '', ' ');
  return [...new Set(values)].map((v) => ({ label: JSON.stringify(v), value: v }));
}

// ---- the walk ---------------------------------------------------------------------

/** Every case: the rule, the value's label, the route and the request. */
function cases() {
  const out = [];
  for (const l of LIMITS) {
    if (NO_SITE[l.name]) continue;
    const sites = SITES[l.name];
    assert.ok(sites, `limit ${l.name} (${l.unit}) has no site in this test: say where it applies`);
    for (const site of sites) {
      for (const { label, value } of boundary(l)) {
        for (const [route, request] of site(value)) out.push({ rule: `${l.name} = ${l.value}`, label, route, request });
      }
    }
  }
  for (const name of Object.keys(SITES)) assert.ok(LIMITS.some((l) => l.name === name), `site ${name} names no limit of the table`);
  for (const [route, path, build] of ENUMS) {
    for (const { label, value } of enumValues(route, path, build)) out.push({ rule: `${route} ${path} enumeration`, label, route, request: build(value) });
  }
  return out;
}

/** The request as the SDK puts it on the wire: a GET's fields as query text. */
async function sendTo(emu, token, route, request) {
  const [method, path] = ROUTES[route];
  if (method === 'GET') {
    const qs = new URLSearchParams(Object.entries(request).map(([k, v]) => [k, String(v)]));
    return emu.get(`${path}?${qs}`, token);
  }
  return emu.post(path, request, token);
}

test('the emulator accepts exactly the requests the SDK accepts, at every boundary of the limits table', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  const all = cases();
  let accepted = 0;
  const disagreements = [];
  for (const c of all) {
    // A fresh platform for each case: the topic used by opt-in and query_sub_users exists
    // (seeded, so even a title the rules refuse is there), and no earlier create collides.
    emu.admin.reset();
    const title = c.route === 'send_opt_in_message' ? c.request.title : TOPIC;
    if (c.route !== 'create_or_update_title') emu.admin.seed({ titles: [{ appid: PAGE, title, describe: 'd', button_type: 'ALLOW', image_ratio: 'SQUARE' }] });
    const token = await emu.tokenFor();
    const violations = ROUTES[c.route][2](c.request);
    const r = await sendTo(emu, token, c.route, c.request);
    const sdkAccepts = violations.length === 0;
    const emuAccepts = r.json.ret_code === '000000';
    if (sdkAccepts) accepted++;
    const expectedCode = sdkAccepts ? '000000' : (violations[0].code ?? '999994');
    if (sdkAccepts !== emuAccepts || r.json.ret_code !== expectedCode) {
      disagreements.push(`${c.rule}, ${c.label}, ${c.route}: SDK ${sdkAccepts ? 'accepts' : `refuses (${violations.map((v) => `${v.path} ${v.rule}`).join('; ')})`}, emulator answered ${r.json.ret_code} ${decodeURIComponent(r.headers.get('x-emulator-reason') ?? '')}`);
    }
  }
  assert.deepEqual(disagreements, [], `${disagreements.length} of ${all.length} cases disagree`);
  // The walk tried both sides of every boundary, not only one.
  assert.ok(all.length >= 250, `${all.length} cases`);
  assert.ok(accepted >= 100 && all.length - accepted >= 100, `${accepted} accepted, ${all.length - accepted} refused`);
});

test('the boundaries the issue named are walked, each on the side the document puts it', () => {
  const all = cases();
  const find = (rule, label, route) => all.filter((c) => c.rule.startsWith(rule) && c.label === label && c.route === route);
  const verdict = (c) => ROUTES[c.route][2](c.request).length === 0;
  // page_size 200: no maximum where the document writes none, refused where it writes 最大100
  const ps = limit('page_size_max');
  const twice = find('page_size_max', String(2 * ps.value), 'get_title_list');
  assert.equal(twice.length, 1);
  assert.equal(verdict(twice[0]), true);
  assert.equal(verdict(find('page_size_max', String(2 * ps.value), 'query_sub_users')[0]), true);
  assert.equal(verdict(find('page_size_max', String(ps.value + 1), 'line.query_task_list')[0]), false);
  // 33 emoji in a topic title (65): 66 UTF-16 units, refused
  const title = limit('topic_title_max');
  const emoji = find('topic_title_max', `${Math.floor(title.value / 2) + 1} × 😀`, 'create_or_update_title');
  assert.equal(emoji.length, 1);
  assert.equal([...emoji[0].request.title].length, 33);
  assert.equal(verdict(emoji[0]), false);
  // 65 code points that are 66 UTF-16 units, refused; 65 CJK, accepted
  assert.equal(verdict(find('topic_title_max', `${title.value - 1} ASCII + 1 emoji`, 'create_or_update_title')[0]), false);
  assert.equal(verdict(find('topic_title_max', `${title.value} × 测`, 'create_or_update_title')[0]), true);
});

test('a media message by attachment_id, and blank alternatives, agree too', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  const token = await emu.tokenFor();
  const requests = [];
  for (const type of ['image', 'audio', 'video', 'file']) {
    for (const payload of [
      { attachment_id: '1234567890' },
      { url: 'https://sg.sobot.com/console/common/face/admin.png' },
      { url: 'https://sg.sobot.com/a.png', attachment_id: '1234567890' },
      { url: '', attachment_id: '1234567890' },
      { url: 'https://sg.sobot.com/a.png', attachment_id: ' ' },
      { attachment_id: '' },
      {},
    ]) requests.push(sendWith(type, payload));
  }
  for (const [id, recipientToken] of [['', 'T'], [' ', 'T'], ['R', ''], ['R', 'T'], [undefined, 'T'], ['R', undefined], [undefined, undefined]]) {
    requests.push({ ...sendWith('text', 'hi'), recipientid: id, recipient_token: recipientToken });
  }
  let accepted = 0;
  for (const request of requests) {
    const sdk = validateSendMessage(request);
    const r = await sendTo(emu, token, 'send', request);
    assert.equal(r.json.ret_code, sdk.length ? (sdk[0].code ?? '999994') : '000000', JSON.stringify(request));
    if (!sdk.length) accepted++;
  }
  assert.equal(accepted, 4 * 2 + 2, 'by id or by url for each media type; by recipientid or by recipient_token');
});
