// Handlers of the Sobot open-platform endpoints (token, Messenger, LINE).
// Each handler receives (emu, req) and returns a response body object, or throws
// SobotFail which the server turns into {ret_code, ret_msg}. A request's rules are the
// SDK's validators (./rules.mjs): each handler first reads its request through them,
// then applies what only the platform knows (pages, topics, subscribers, tokens).
// Choices where the documents are silent are listed in docs/decisions.md ("Emulator"
// sections) and tests/emulator/README.md.

import { createHash } from 'node:crypto';
import { SobotFail, bad, isBlank, optInt, optString } from './util.mjs';
import { check } from './rules.mjs';

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

/** Reads page_no (default 1) and page_size (default per endpoint); their bounds are the validators'. */
function paging(src, defaultSize) {
  return { pageNo: optInt(src, 'page_no') ?? 1, pageSize: optInt(src, 'page_size') ?? defaultSize };
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

function requirePage(emu, value, key = 'pageid') {
  if (isBlank(value)) throw new SobotFail('210001', `${key} missing`);
  const id = String(value);
  if (!emu.store.pages.has(id)) throw new SobotFail('210002', `${key} ${id} is not a known page`);
  return id;
}

export function send(emu, req) {
  const b = check('send', req.body);
  const pageid = requirePage(emu, b.pageid);
  // The validator let exactly one non-blank recipient through.
  const hasToken = typeof b.recipient_token === 'string';
  const store = emu.store;
  let recipientId = hasToken ? undefined : String(b.recipientid);
  if (hasToken) {
    const sub = store.subscriberByToken(pageid, b.recipient_token);
    if (sub) recipientId = sub.pub.facebookid;
  }
  const messageId = store.takeId('message_id', () => `m_${emu.ids.urlsafe(86)}`);
  store.sends.push({ seq: store.nextSeq(), time: emu.now(), message_id: messageId, pageid, recipient_id: recipientId ?? null, recipient_token: hasToken ? b.recipient_token : null, body: req.body });
  const item = { message_id: messageId };
  if (recipientId !== undefined) item.recipient_id = recipientId;
  return envelope(item);
}

export function uploadAsync(emu, req) {
  const b = check('upload_async', req.body);
  const pageid = requirePage(emu, b.pageid);
  const store = emu.store;
  const trackId = store.takeId('track_id', () => emu.ids.hex(32));
  const attachmentId = store.takeId('attachment_id', () => emu.ids.digits(16));
  const upload = { seq: store.nextSeq(), time: emu.now(), track_id: trackId, attachment_id: attachmentId, pageid, type: b.type, url: b.payload.url, delivery: null };
  store.uploads.push(upload);
  emu.scheduleUploadResult(upload);
  return envelope(trackId);
}

export function querySubUsers(emu, req) {
  const q = check('query_sub_users', req.query);
  const appid = requirePage(emu, q.appid, 'appid');
  if (!emu.store.findTitle(appid, q.title)) throw new SobotFail('210010', `no topic "${q.title}" on page ${appid}`);
  const p = paging(q, 100);
  const all = emu.store.subscribers.all().filter((s) => s.pub.pageid === appid && s.pub.sub_title === q.title);
  return paged(slicePage(all, p).map((s) => s.pub), p, all.length, '成功');
}

/** The stored fields of a topic request the validator accepted. */
function titleFields(b) {
  const out = { title: b.title, describe: b.describe, button_type: b.button_type, image_ratio: b.image_ratio };
  const imageUrl = optString(b, 'image_url');
  if (imageUrl !== undefined) out.image_url = imageUrl;
  const tz = optString(b, 'timezone');
  if (tz !== undefined) out.timezone = tz;
  return out;
}

export function createOrUpdateTitle(emu, req) {
  const b = check('create_or_update_title', req.body);
  const appid = requirePage(emu, b.appid, 'appid');
  const f = titleFields(b);
  const store = emu.store;
  const configid = optString(b, 'configid');
  if (configid !== undefined) {
    const t = store.titles.get(configid);
    if (!t) throw new SobotFail('210013', `configid ${configid} unknown or deleted`);
    // 210011: the update rules of the SDK, against the stored topic.
    check('create_or_update_title', b, t);
    Object.assign(t, f, { update_time: emu.now() });
    return envelope(configid);
  }
  if (store.findTitle(appid, f.title)) throw new SobotFail('210008', `topic "${f.title}" already exists on page ${appid}`);
  const now = emu.now();
  const t = store.addTitle({ ...f, appid, timezone: f.timezone ?? 'UTC', create_time: now, update_time: now });
  return envelope(t.configid);
}

export function delTitle(emu, req) {
  const { configid } = check('del_title', req.query);
  if (!emu.store.deleteTitle(configid)) throw new SobotFail('210013', `configid ${configid} unknown or deleted`);
  return envelope(undefined);
}

export function getTitleList(emu, req) {
  const b = check('get_title_list', req.body ?? {});
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
  const b = check('send_opt_in_message', req.body);
  const appid = requirePage(emu, b.appid, 'appid');
  const recipient = b.recipientid ?? b.recipient_id;
  const title = emu.store.findTitle(appid, b.title);
  if (!title) throw new SobotFail('210010', `no topic "${b.title}" on page ${appid}`);
  const store = emu.store;
  const messageId = store.takeId('message_id', () => `m_${emu.ids.urlsafe(86)}`);
  const optIn = { seq: store.nextSeq(), time: emu.now(), message_id: messageId, appid, title: b.title, recipient_id: String(recipient), describe: b.describe ?? title.describe, timezone: b.timezone ?? title.timezone, body: req.body, delivery: null };
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
  const b = check(`${channel}.query_task_list`, req.body ?? {});
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
    if (topic !== undefined) preds.push((t) => t.topic === topic);
    if (type !== undefined) preds.push((t) => t.messageType === type);
  }
  const list = channel === 'line' ? emu.store.lineTasks : emu.store.messengerTasks;
  const all = applyFilters(list.all(), preds);
  return paged(slicePage(all, p).map((t) => t.pub), p, all.length, '操作成功');
}

function recordList(emu, req, channel) {
  const b = check(`${channel}.send_record_list`, req.body ?? {});
  let from = optInt(b, 'send_start_time');
  let to = optInt(b, 'send_end_time');
  if (from === undefined && to === undefined) {
    to = emu.now();
    from = to - MONTH_MS;
  }
  const messageid = optString(b, 'messageid');
  const status = optString(b, 'message_status');
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

/** Text answered as it is, not as JSON (the document's printed `get_media_content` answer). */
export class RawAnswer {
  constructor(text, retCode = OK) {
    this.text = text;
    this.ret_code = retCode;
  }
}

/**
 * The forms of `get_media_content`'s `item` a seeded media entry may be answered in
 * (`form`): the URL string (the default, the document's description "媒体消息内容地址"),
 * an object with `url`, an object whose one value is the URL, and the document's
 * printed answer `"item": { "https://…" }`, which is not JSON.
 */
export const MEDIA_FORMS = Object.freeze(['string', 'url_object', 'value_object', 'printed']);

export function getMediaContent(emu, req) {
  const q = check('get_media_content', req.query);
  if (!emu.store.lineChannels.has(q.appid)) bad(`appid ${q.appid} is not a known LINE channel`);
  const m = emu.store.media.get(q.messageid);
  if (!m || (m.appid !== undefined && m.appid !== q.appid)) bad(`no media content for messageid ${q.messageid}`);
  switch (m.form ?? 'string') {
    case 'url_object':
      return envelope({ url: m.url }, '操作成功');
    case 'value_object':
      return envelope({ content: m.url }, '操作成功');
    case 'printed':
      return new RawAnswer(`{\n  "item": {\n    ${JSON.stringify(m.url)}\n  },\n  "ret_code": "000000",\n  "ret_msg": "操作成功"\n}\n`);
    default:
      return envelope(m.url, '操作成功');
  }
}
