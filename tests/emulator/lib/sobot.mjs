// Handlers of the Sobot open-platform endpoints (token, Messenger, LINE).
// Each handler receives (emu, req) and returns a response body object, or throws
// SobotFail which the server turns into {ret_code, ret_msg}. Validation follows the
// documents on their own terms; choices where they are silent are listed in
// docs/decisions.md ("Emulator" section) and tests/emulator/README.md.

import { createHash } from 'node:crypto';
import { SobotFail, bad, charLen, isBlank, isObj, optInt, optString } from './util.mjs';

const MONTH_MS = 30 * 86400000;
const OK = '000000';

const envelope = (item, msg = '成功') => (item === undefined ? { ret_code: OK, ret_msg: msg } : { item, ret_code: OK, ret_msg: msg });

function paged(items, p, total, msg) {
  return {
    items,
    page_count: Math.ceil(total / p.pageSize),
    page_no: p.pageNo,
    page_size: p.pageSize,
    ret_code: OK,
    ret_msg: msg,
    total_count: total,
  };
}

/** Reads page_no (≥ 1, default 1) and page_size (1..100, default per endpoint). */
function paging(src, defaultSize) {
  const pageNo = optInt(src, 'page_no') ?? 1;
  if (pageNo < 1) bad('page_no must be at least 1');
  const pageSize = optInt(src, 'page_size') ?? defaultSize;
  if (pageSize < 1 || pageSize > 100) bad('page_size must be between 1 and 100');
  return { pageNo, pageSize };
}

function slicePage(list, p) {
  const from = (p.pageNo - 1) * p.pageSize;
  return list.slice(from, from + p.pageSize);
}

/** The `token` header check shared by every endpoint except get_token. */
export function checkToken(emu, headers) {
  const token = headers.token;
  if (isBlank(token)) throw new SobotFail('900001', 'token header missing');
  const entry = emu.store.tokens.get(token);
  if (!entry) throw new SobotFail('900002', 'unknown token');
  if (entry.revoked) throw new SobotFail('900002', `token ${entry.revoked}`);
  if (emu.now() >= entry.expiresAt) throw new SobotFail('900002', 'token expired');
  return entry;
}

const md5 = (s) => createHash('md5').update(s, 'utf8').digest('hex');

export function getToken(emu, req) {
  const q = req.query;
  const appid = q.appid;
  const createTime = q.create_time;
  const sign = q.sign;
  if (isBlank(appid)) bad('appid missing');
  if (isBlank(createTime)) bad('create_time missing');
  if (!/^\d{10}$/.test(createTime)) bad('create_time must be a 10-digit timestamp in seconds');
  if (isBlank(sign)) bad('sign missing');
  const app = emu.store.apps.get(appid);
  if (!app) bad('unknown appid');
  const skew = Math.abs(Number(createTime) * 1000 - emu.now());
  if (skew > emu.options.createTimeSkewSeconds * 1000) bad(`create_time is ${Math.round(skew / 1000)} s away from the server clock`);
  if (sign !== md5(appid + createTime + app.appKey)) bad('sign mismatch');
  const store = emu.store;
  const previous = store.currentToken.get(appid);
  if (previous) {
    const p = store.tokens.get(previous);
    if (p && !p.revoked) p.revoked = 'replaced by a newer token';
  }
  const token = store.tokenQueue.length ? store.tokenQueue.shift() : emu.ids.hex(32);
  const now = emu.now();
  store.tokens.set(token, { appId: appid, issuedAt: now, expiresAt: now + emu.options.tokenTtlSeconds * 1000, revoked: null });
  store.currentToken.set(appid, token);
  return envelope({ token, expires_in: String(emu.options.tokenTtlSeconds) }, '操作成功');
}

// ---- Messenger ---------------------------------------------------------------

const SEND_TYPES = new Set(['text', 'image', 'audio', 'video', 'file', 'template']);
const MESSAGING_TYPES = new Set(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']);
const TAGS = new Set(['ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'HUMAN_AGENT', 'POST_PURCHASE_UPDATE']);
const BUTTON_TYPES = new Set(['ALLOW', 'GET', 'GET_UPDATES', 'OPT_IN', 'SIGN_UP']);
const IMAGE_RATIOS = new Set(['SQUARE', 'HORIZONTAL']);
const UPLOAD_TYPES = new Set(['image', 'audio', 'video', 'file']);

function requirePage(emu, value, key = 'pageid') {
  if (isBlank(value)) throw new SobotFail('210001', `${key} missing`);
  const id = String(value);
  if (!emu.store.pages.has(id)) throw new SobotFail('210002', `${key} ${id} is not a known page`);
  return id;
}

function checkString(v, path, max) {
  if (typeof v !== 'string' || v.trim() === '') bad(`${path} is required and must be a non-empty string`);
  if (max && charLen(v) > max) bad(`${path} is longer than ${max} characters`);
}

function checkButtons(buttons, path) {
  if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) bad(`${path} must hold 1 to 3 buttons`);
  buttons.forEach((b, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(b)) bad(`${p} must be an object`);
    checkString(b.title, `${p}.title`, 20);
    if (b.type === 'web_url') checkString(b.url, `${p}.url`);
    else if (b.type === 'postback') checkString(b.payload, `${p}.payload`, 1000);
    else if (b.type === 'phone_number') checkString(b.payload, `${p}.payload`);
    else bad(`${p}.type must be web_url, postback or phone_number`);
  });
}

function checkTemplate(payload) {
  if (!isObj(payload)) bad('payload must be an object for template messages');
  const t = payload.template_type;
  if (t === 'button') {
    checkString(payload.text, 'payload.text', 640);
    checkButtons(payload.buttons, 'payload.buttons');
  } else if (t === 'generic') {
    const els = payload.elements;
    if (!Array.isArray(els) || els.length < 1 || els.length > 10) bad('payload.elements must hold 1 to 10 elements');
    els.forEach((e, i) => {
      const p = `payload.elements[${i}]`;
      if (!isObj(e)) bad(`${p} must be an object`);
      checkString(e.title, `${p}.title`, 80);
      if (e.subtitle !== undefined) checkString(e.subtitle, `${p}.subtitle`, 80);
      if (e.image_url !== undefined) checkString(e.image_url, `${p}.image_url`);
      if (e.default_action !== undefined) {
        if (!isObj(e.default_action) || e.default_action.type !== 'web_url') bad(`${p}.default_action.type must be web_url`);
        checkString(e.default_action.url, `${p}.default_action.url`);
      }
      if (e.buttons !== undefined) checkButtons(e.buttons, `${p}.buttons`);
    });
    if (payload.buttons !== undefined) checkButtons(payload.buttons, 'payload.buttons');
  } else if (t === 'media') {
    const els = payload.elements;
    if (!Array.isArray(els) || els.length !== 1) bad('payload.elements must hold exactly 1 element');
    const e = els[0];
    if (!isObj(e)) bad('payload.elements[0] must be an object');
    if (e.media_type !== 'image' && e.media_type !== 'video') bad('payload.elements[0].media_type must be image or video');
    const hasId = !isBlank(e.attachment_id);
    const hasUrl = !isBlank(e.url);
    if (hasId === hasUrl) bad('payload.elements[0] needs exactly one of attachment_id and url');
    if (hasId && !/^\d+$/.test(String(e.attachment_id))) bad('payload.elements[0].attachment_id must be numeric');
    if (e.buttons !== undefined) checkButtons(e.buttons, 'payload.elements[0].buttons');
  } else {
    bad('payload.template_type must be button, generic or media');
  }
}

export function send(emu, req) {
  const b = req.body;
  if (!isObj(b)) bad('body must be a JSON object');
  const pageid = requirePage(emu, b.pageid);
  if (isBlank(b.type)) bad('type missing');
  if (!SEND_TYPES.has(b.type)) bad('type must be text, image, audio, video, file or template');
  if (b.payload === undefined || b.payload === null) bad('payload missing');
  if (b.messaging_type !== undefined && !MESSAGING_TYPES.has(b.messaging_type)) bad('messaging_type must be RESPONSE, UPDATE or MESSAGE_TAG');
  const hasId = !isBlank(b.recipientid);
  const hasToken = !isBlank(b.recipient_token);
  if (hasId && hasToken) bad('recipientid and recipient_token are mutually exclusive');
  if (!hasId && !hasToken) throw new SobotFail('210009', 'one of recipientid and recipient_token is required');
  if (b.messaging_type === 'MESSAGE_TAG' && isBlank(b.tag)) bad('tag is required when messaging_type is MESSAGE_TAG');
  if (!isBlank(b.tag) && !TAGS.has(b.tag)) bad('tag must be ACCOUNT_UPDATE, CONFIRMED_EVENT_UPDATE, HUMAN_AGENT or POST_PURCHASE_UPDATE');
  if (b.type === 'text') {
    checkString(b.payload, 'payload', 2000);
  } else if (b.type === 'template') {
    checkTemplate(b.payload);
  } else {
    if (!isObj(b.payload)) bad(`payload must be an object for ${b.type} messages`);
    const hasUrl = !isBlank(b.payload.url);
    const hasAttachment = !isBlank(b.payload.attachment_id);
    if (hasUrl === hasAttachment) bad('payload needs exactly one of url and attachment_id');
    if (hasUrl) checkString(b.payload.url, 'payload.url');
  }
  const store = emu.store;
  let recipientId = hasId ? String(b.recipientid) : undefined;
  if (hasToken) {
    const sub = store.findSubscriber((s) => s.sub_token === String(b.recipient_token) && s.pageid === pageid);
    if (sub) recipientId = sub.pub.facebookid;
  }
  const messageId = store.takeId('message_id', () => `m_${emu.ids.urlsafe(86)}`);
  store.sends.push({ seq: store.nextSeq(), time: emu.now(), message_id: messageId, pageid, body: b });
  const item = { message_id: messageId };
  if (recipientId !== undefined) item.recipient_id = recipientId;
  return envelope(item);
}

export function uploadAsync(emu, req) {
  const b = req.body;
  if (!isObj(b)) bad('body must be a JSON object');
  const pageid = requirePage(emu, b.pageid);
  if (isBlank(b.type)) bad('type missing');
  if (!UPLOAD_TYPES.has(b.type)) bad('type must be image, audio, video or file');
  if (!isObj(b.payload)) bad('payload must be an object');
  checkString(b.payload.url, 'payload.url');
  const store = emu.store;
  const trackId = store.takeId('track_id', () => emu.ids.hex(32));
  const attachmentId = store.takeId('attachment_id', () => emu.ids.digits(16));
  const upload = { seq: store.nextSeq(), time: emu.now(), track_id: trackId, attachment_id: attachmentId, pageid, type: b.type, url: b.payload.url, delivery: null };
  store.uploads.push(upload);
  emu.scheduleUploadResult(upload);
  return envelope(trackId);
}

export function querySubUsers(emu, req) {
  const q = req.query;
  const appid = requirePage(emu, q.appid, 'appid');
  if (isBlank(q.title)) throw new SobotFail('210003', 'title missing');
  if (!emu.store.findTitle(appid, q.title)) throw new SobotFail('210010', `no topic "${q.title}" on page ${appid}`);
  const p = paging(q, 100);
  const all = emu.store.subscribers.all().filter((s) => s.pub.pageid === appid && s.pub.sub_title === q.title);
  return paged(slicePage(all, p).map((s) => s.pub), p, all.length, '成功');
}

function titleFields(b, required) {
  const out = {};
  if (isBlank(b.title)) throw new SobotFail('210003', 'title missing');
  if (typeof b.title !== 'string') bad('title must be a string');
  if (charLen(b.title) > 65) throw new SobotFail('210004', 'title longer than 65 characters');
  out.title = b.title;
  if (required || b.describe !== undefined) {
    if (isBlank(b.describe)) throw new SobotFail('210005', 'describe missing');
    if (typeof b.describe !== 'string') bad('describe must be a string');
    if (charLen(b.describe) > 65) throw new SobotFail('210006', 'describe longer than 65 characters');
    out.describe = b.describe;
  }
  if (required || b.button_type !== undefined) {
    if (isBlank(b.button_type)) throw new SobotFail('210007', 'button_type missing');
    if (!BUTTON_TYPES.has(b.button_type)) bad('button_type must be ALLOW, GET, GET_UPDATES, OPT_IN or SIGN_UP');
    out.button_type = b.button_type;
  }
  if (required || b.image_ratio !== undefined) {
    if (isBlank(b.image_ratio)) throw new SobotFail('210012', 'image_ratio missing');
    if (!IMAGE_RATIOS.has(b.image_ratio)) bad('image_ratio must be SQUARE or HORIZONTAL');
    out.image_ratio = b.image_ratio;
  }
  const imageUrl = optString(b, 'image_url');
  if (imageUrl !== undefined) out.image_url = imageUrl;
  const tz = optString(b, 'timezone');
  if (tz !== undefined) out.timezone = tz;
  return out;
}

export function createOrUpdateTitle(emu, req) {
  const b = req.body;
  if (!isObj(b)) bad('body must be a JSON object');
  const appid = requirePage(emu, b.appid, 'appid');
  const f = titleFields(b, true);
  const store = emu.store;
  const configid = optString(b, 'configid');
  if (configid !== undefined) {
    const t = store.titles.get(configid);
    if (!t) throw new SobotFail('210013', `configid ${configid} unknown or deleted`);
    if (t.appid !== appid || t.title !== f.title) throw new SobotFail('210011', 'appid and title cannot change on update');
    Object.assign(t, f, { update_time: emu.now() });
    return envelope(configid);
  }
  if (store.findTitle(appid, f.title)) throw new SobotFail('210008', `topic "${f.title}" already exists on page ${appid}`);
  const now = emu.now();
  const t = store.addTitle({ ...f, appid, timezone: f.timezone ?? 'UTC', create_time: now, update_time: now });
  return envelope(t.configid);
}

export function delTitle(emu, req) {
  const configid = req.query.configid;
  if (isBlank(configid)) bad('configid missing');
  if (!emu.store.deleteTitle(configid)) throw new SobotFail('210013', `configid ${configid} unknown or deleted`);
  return envelope(undefined);
}

export function getTitleList(emu, req) {
  const b = req.body ?? {};
  if (!isObj(b)) bad('body must be a JSON object');
  const start = optInt(b, 'start_time');
  const end = optInt(b, 'end_time');
  const appids = optString(b, 'appids');
  const title = optString(b, 'title');
  const p = paging(b, 15);
  const set = appids ? new Set(appids.split(',').map((s) => s.trim()).filter(Boolean)) : null;
  const all = emu.store.titleList.all().filter(
    (t) =>
      (start === undefined || t.create_time >= start) &&
      (end === undefined || t.create_time <= end) &&
      (!set || set.has(t.appid)) &&
      (title === undefined || t.title.includes(title)),
  );
  const r = paged(slicePage(all, p), p, all.length, '成功');
  // This endpoint names its list `item`, as the document's example shows.
  return { item: r.items, page_count: r.page_count, page_no: r.page_no, page_size: r.page_size, ret_code: OK, ret_msg: '成功', total_count: r.total_count };
}

export function sendOptInMessage(emu, req) {
  const b = req.body;
  if (!isObj(b)) bad('body must be a JSON object');
  const appid = requirePage(emu, b.appid, 'appid');
  if (isBlank(b.title)) throw new SobotFail('210003', 'title missing');
  const recipient = !isBlank(b.recipientid) ? b.recipientid : b.recipient_id;
  if (isBlank(recipient)) throw new SobotFail('210009', 'recipientid missing');
  const title = emu.store.findTitle(appid, b.title);
  if (!title) throw new SobotFail('210010', `no topic "${b.title}" on page ${appid}`);
  if (b.image_ratio !== undefined && !IMAGE_RATIOS.has(b.image_ratio)) bad('image_ratio must be SQUARE or HORIZONTAL');
  if (b.button_type !== undefined && !BUTTON_TYPES.has(b.button_type)) bad('button_type must be ALLOW, GET, GET_UPDATES, OPT_IN or SIGN_UP');
  for (const k of ['describe', 'image_url', 'timezone']) optString(b, k);
  const store = emu.store;
  const messageId = store.takeId('message_id', () => `m_${emu.ids.urlsafe(86)}`);
  const optIn = { seq: store.nextSeq(), time: emu.now(), message_id: messageId, appid, title: b.title, recipient_id: String(recipient), describe: b.describe ?? title.describe, timezone: b.timezone ?? title.timezone, body: b, delivery: null };
  store.optIns.push(optIn);
  emu.scheduleOptIn(optIn);
  return envelope({ message_id: messageId, recipient_id: String(recipient) });
}

// ---- tasks and records (both channels) ---------------------------------------

/** Keeps the items that pass every predicate; no copy when there is none. */
function applyFilters(list, preds) {
  if (!preds.length) return list;
  if (preds.length === 1) return list.filter(preds[0]);
  return list.filter((x) => preds.every((p) => p(x)));
}

/** First index in a list sorted by `key` descending whose key is ≤ v (binary search). */
function firstAtOrBelow(list, key, v) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid][key] > v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function taskList(emu, req, channel) {
  const b = req.body ?? {};
  if (!isObj(b)) bad('body must be a JSON object');
  const from = optInt(b, 'task_start_time');
  const to = optInt(b, 'task_end_time');
  const sender = optString(b, 'sender');
  const name = optString(b, 'task_name');
  const p = paging(b, 15);
  const preds = [];
  if (from !== undefined) preds.push((t) => t.startMs >= from);
  if (to !== undefined) preds.push((t) => t.endMs <= to);
  if (sender !== undefined) preds.push((t) => t.sender === sender);
  if (name !== undefined) preds.push((t) => t.pub.task_name.includes(name));
  if (channel === 'line') {
    const subjectid = optString(b, 'subjectid');
    if (subjectid !== undefined) preds.push((t) => t.pub.subjectid === subjectid);
  } else {
    const topic = optString(b, 'message_topic_or_tag');
    const type = optInt(b, 'message_type');
    if (type !== undefined && type !== 1 && type !== 2) bad('message_type must be 1 or 2');
    if (topic !== undefined) preds.push((t) => t.topic === topic);
    if (type !== undefined) preds.push((t) => t.messageType === type);
  }
  const list = channel === 'line' ? emu.store.lineTasks : emu.store.messengerTasks;
  const all = applyFilters(list.all(), preds);
  return paged(slicePage(all, p).map((t) => t.pub), p, all.length, '操作成功');
}

function recordList(emu, req, channel) {
  const b = req.body ?? {};
  if (!isObj(b)) bad('body must be a JSON object');
  let from = optInt(b, 'send_start_time');
  let to = optInt(b, 'send_end_time');
  if (from === undefined && to === undefined) {
    to = emu.now();
    from = to - MONTH_MS;
  }
  const messageid = optString(b, 'messageid');
  const status = optString(b, 'message_status');
  if (status !== undefined && !['0', '1', '2', '9'].includes(status)) bad('message_status must be 0, 1, 2 or 9');
  const taskid = optString(b, 'taskid');
  const name = optString(b, 'task_name');
  const agent = optString(b, 'send_agentid');
  const sender = optString(b, 'sender');
  const recipient = optString(b, 'recipient');
  const p = paging(b, 15);
  const preds = [];
  if (messageid !== undefined) preds.push((r) => r.pub.messageid === messageid || r.messageids.includes(messageid));
  if (status !== undefined) preds.push((r) => r.status === status);
  if (taskid !== undefined) preds.push((r) => r.pub.taskid === taskid);
  if (name !== undefined) preds.push((r) => (r.pub.task_name ?? '').includes(name));
  if (agent !== undefined) preds.push((r) => r.pub.send_agentid === agent);
  if (sender !== undefined) preds.push((r) => r.pub.sender === sender);
  if (recipient !== undefined) preds.push((r) => r.pub.recipient_id === recipient);
  if (channel === 'line') {
    const subjectid = optString(b, 'subjectid');
    if (subjectid !== undefined) preds.push((r) => r.pub.subjectid === subjectid);
  } else {
    const topic = optString(b, 'message_topic_or_tag');
    if (topic !== undefined) preds.push((r) => r.pub.message_topic_or_tag === topic);
  }
  const sorted = (channel === 'line' ? emu.store.lineRecords : emu.store.messengerRecords).all();
  // Records are sorted by send time, newest first: the time range is a slice.
  const lo = to === undefined ? 0 : firstAtOrBelow(sorted, 'sendTime', to);
  const hi = from === undefined ? sorted.length : firstAtOrBelow(sorted, 'sendTime', from - 1);
  const all = applyFilters(lo === 0 && hi === sorted.length ? sorted : sorted.slice(lo, hi), preds);
  return paged(slicePage(all, p).map((r) => r.pub), p, all.length, '操作成功');
}

export const messengerTaskList = (emu, req) => taskList(emu, req, 'messenger');
export const lineTaskList = (emu, req) => taskList(emu, req, 'line');
export const messengerRecordList = (emu, req) => recordList(emu, req, 'messenger');
export const lineRecordList = (emu, req) => recordList(emu, req, 'line');

// ---- LINE media ----------------------------------------------------------------

export function getMediaContent(emu, req) {
  const q = req.query;
  if (isBlank(q.appid)) bad('appid missing');
  if (isBlank(q.messageid)) bad('messageid missing');
  if (!emu.store.lineChannels.has(q.appid)) bad(`appid ${q.appid} is not a known LINE channel`);
  const m = emu.store.media.get(q.messageid);
  if (!m || (m.appid !== undefined && m.appid !== q.appid)) bad(`no media content for messageid ${q.messageid}`);
  return envelope(m.url, '操作成功');
}
