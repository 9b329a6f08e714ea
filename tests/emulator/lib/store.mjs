// In-memory state of the emulator: apps and tokens, Messenger pages, subscription
// topics and subscribers, mass-send tasks and send records of both channels, LINE
// media, Graph conversations and messages. Lists are sorted lazily (once after a
// change) so bulk seeding and paging stay cheap.

import { bad, formatLocal, graphTime, isObj, parseLocal, toMs } from './util.mjs';
import { MEDIA_FORMS } from './sobot.mjs';

const MESSENGER_TASK_FIELDS = [
  'task_name', 'estimate_send_num', 'task_source', 'timezone', 'reply_data_num', 'task_start_time',
  'send_error_num', 'task_end_time', 'send_success_num', 'already_send_num', 'send_time_type', 'taskid',
  'already_read_num',
];
const LINE_TASK_FIELDS = [
  'task_name', 'send_error_num', 'estimate_send_num', 'task_source', 'timezone', 'task_end_time',
  'send_success_num', 'send_time_type', 'taskid', 'task_start_time', 'subjectid',
];
const MESSENGER_RECORD_FIELDS = [
  'task_name', 'send_time', 'message_topic_or_tag', 'sender', 'timezone', 'messageid', 'error_code',
  'send_agentid', 'taskid', 'recipient_id', 'status_update_time',
];
const LINE_RECORD_FIELDS = [
  'task_name', 'send_time', 'sender', 'timezone', 'messageid', 'error_code', 'send_agentid', 'taskid',
  'recipient_id', 'status_update_time', 'subjectid',
];
const TITLE_FIELDS = [
  'companyid', 'create_time', 'timezone', 'button_type', 'image_url', 'title', 'app_name', 'update_time',
  'configid', 'image_ratio', 'describe', 'appid',
];
const SUBSCRIBER_FIELDS = [
  'companyid', 'create_time', 'facebookid', 'pageid', 'sub_status', 'sub_title', 'sub_token', 'timezone',
  'title_describe', 'update_time',
];

function pickPublic(src, fields) {
  const out = {};
  for (const f of fields) if (src[f] !== undefined) out[f] = src[f];
  return out;
}

/** A list that keeps insertion cheap and sorts once before the next read. */
class SortedList {
  constructor(compare) {
    this.compare = compare;
    this.items = [];
    this.dirty = false;
  }
  push(x) {
    this.items.push(x);
    this.dirty = true;
  }
  all() {
    if (this.dirty) {
      this.items.sort(this.compare);
      this.dirty = false;
    }
    return this.items;
  }
  get size() {
    return this.items.length;
  }
}

const byDesc = (key) => (a, b) => b[key] - a[key] || (a.seq - b.seq);

export class Store {
  constructor(ctx) {
    this.ctx = ctx; // { now(), ids: {...}, options }
    this.clear();
  }

  clear() {
    this.seq = 0;
    this.apps = new Map();
    this.tokens = new Map(); // token -> { appId, expiresAt, issuedAt, revoked }
    this.currentToken = new Map(); // appId -> token
    this.tokenQueue = [];
    this.idQueues = new Map();
    this.pages = new Map();
    this.lineChannels = new Map();
    this.titles = new Map(); // configid -> title (public fields) ; deleted titles removed
    this.titleList = new SortedList((a, b) => b.create_time - a.create_time || a._seq - b._seq);
    this.subscribers = new SortedList((a, b) => b.pub.create_time - a.pub.create_time || a.seq - b.seq);
    this.subscribersByToken = new Map(); // `${pageid} ${sub_token}` -> entry, checked on use
    this.messengerTasks = new SortedList(byDesc('startMs'));
    this.lineTasks = new SortedList(byDesc('startMs'));
    this.messengerRecords = new SortedList(byDesc('sendTime'));
    this.lineRecords = new SortedList(byDesc('sendTime'));
    this.conversations = new Map();
    this.conversationList = new SortedList((a, b) => b.updated - a.updated || a.seq - b.seq);
    this.messages = new Map(); // message id -> { msg, conv }
    this.media = new Map(); // messageid -> { appid, url }
    this.mediaFiles = new Map(); // path -> { contentType, bytes }
    this.graphTokens = new Map(); // token -> { expired }
    this.sends = [];
    this.uploads = [];
    this.optIns = [];
  }

  nextSeq() {
    return ++this.seq;
  }

  /** Takes the next queued id of a kind if one was seeded, else generates one. */
  takeId(kind, gen) {
    const q = this.idQueues.get(kind);
    if (q && q.length) return q.shift();
    return gen();
  }

  // ---- apps, pages, channels -------------------------------------------------

  addApp({ appId, appKey, companyId }) {
    if (!appId || !appKey) bad('apps need appId and appKey');
    this.apps.set(String(appId), {
      appId: String(appId),
      appKey: String(appKey),
      companyId: companyId || this.ctx.options.companyId,
    });
  }

  addPage(p) {
    const pageid = String(p.pageid ?? p.id ?? p.appid);
    this.pages.set(pageid, { pageid, name: p.name ?? p.app_name ?? `Page ${pageid}` });
  }

  addLineChannel(c) {
    const appid = String(c.appid ?? c.id);
    this.lineChannels.set(appid, { appid, name: c.name ?? `LINE ${appid}` });
  }

  // ---- titles and subscribers -------------------------------------------------

  addTitle(t) {
    const now = this.ctx.now();
    const appid = String(t.appid);
    if (!this.pages.has(appid)) this.addPage({ pageid: appid, name: t.app_name });
    const title = {
      companyid: t.companyid ?? this.ctx.options.companyId,
      create_time: t.create_time ?? now,
      timezone: t.timezone ?? 'UTC',
      button_type: t.button_type,
      image_url: t.image_url,
      title: t.title,
      app_name: t.app_name ?? this.pages.get(appid).name,
      update_time: t.update_time ?? t.create_time ?? now,
      configid: t.configid ?? this.takeId('configid', () => this.ctx.ids.hex(32)),
      image_ratio: t.image_ratio,
      describe: t.describe,
      appid,
    };
    const stored = pickPublic(title, TITLE_FIELDS);
    Object.defineProperty(stored, '_seq', { value: this.nextSeq(), enumerable: false });
    this.titles.set(stored.configid, stored);
    this.titleList.push(stored);
    return stored;
  }

  deleteTitle(configid) {
    const t = this.titles.get(configid);
    if (!t) return false;
    this.titles.delete(configid);
    const i = this.titleList.items.indexOf(t);
    if (i >= 0) this.titleList.items.splice(i, 1);
    return true;
  }

  findTitle(appid, title) {
    for (const t of this.titles.values()) if (t.appid === appid && t.title === title) return t;
    return undefined;
  }

  addSubscriber(s) {
    const now = this.ctx.now();
    const pub = pickPublic(
      {
        companyid: s.companyid ?? this.ctx.options.companyId,
        create_time: s.create_time ?? now,
        facebookid: String(s.facebookid),
        pageid: String(s.pageid),
        sub_status: s.sub_status ?? 1,
        sub_title: s.sub_title,
        sub_token: s.sub_token ?? this.ctx.ids.digits(18),
        timezone: s.timezone ?? 'UTC',
        title_describe: s.title_describe ?? '',
        update_time: s.update_time ?? s.create_time ?? now,
      },
      SUBSCRIBER_FIELDS,
    );
    const entry = { pub, seq: this.nextSeq() };
    this.subscribers.push(entry);
    this.subscribersByToken.set(`${pub.pageid} ${pub.sub_token}`, entry);
    return entry;
  }

  /** The subscriber of a page with this `sub_token` (a marketing send's recipient). */
  subscriberByToken(pageid, token) {
    const e = this.subscribersByToken.get(`${pageid} ${token}`);
    if (e && e.pub.pageid === pageid && e.pub.sub_token === token) return e;
    // A token an opt-in reassigned: look through all.
    return this.findSubscriber((s) => s.sub_token === token && s.pageid === pageid);
  }

  findSubscriber(pred) {
    for (const s of this.subscribers.items) if (pred(s.pub)) return s;
    return undefined;
  }

  // ---- tasks and records ------------------------------------------------------

  addMessengerTask(t) {
    const tz = t.timezone ?? 'GMT+08:00';
    const startMs = toMs(t.start_ms) ?? parseLocal(t.task_start_time, tz) ?? this.ctx.now();
    const endMs = toMs(t.end_ms) ?? parseLocal(t.task_end_time, tz) ?? startMs + 10000;
    const pub = pickPublic(
      {
        task_name: t.task_name ?? 'task',
        estimate_send_num: t.estimate_send_num ?? 0,
        task_source: t.task_source ?? 1,
        timezone: tz,
        reply_data_num: t.reply_data_num ?? 0,
        task_start_time: t.task_start_time ?? formatLocal(startMs, tz),
        send_error_num: t.send_error_num ?? 0,
        task_end_time: t.task_end_time ?? formatLocal(endMs, tz),
        send_success_num: t.send_success_num ?? 0,
        already_send_num: t.already_send_num ?? 0,
        send_time_type: t.send_time_type ?? 1,
        taskid: t.taskid ?? this.ctx.ids.hex(32),
        already_read_num: t.already_read_num ?? 0,
      },
      MESSENGER_TASK_FIELDS,
    );
    this.messengerTasks.push({
      pub,
      seq: this.nextSeq(),
      startMs,
      endMs,
      sender: t.sender !== undefined ? String(t.sender) : undefined,
      topic: t.message_topic_or_tag,
      messageType: t.message_type !== undefined ? Number(t.message_type) : undefined,
    });
  }

  addLineTask(t) {
    const tz = t.timezone ?? 'GMT+08:00';
    const startMs = toMs(t.start_ms) ?? parseLocal(t.task_start_time, tz) ?? this.ctx.now();
    const endMs = toMs(t.end_ms) ?? parseLocal(t.task_end_time, tz) ?? startMs + 10000;
    const pub = pickPublic(
      {
        task_name: t.task_name ?? 'task',
        send_error_num: t.send_error_num ?? 0,
        estimate_send_num: t.estimate_send_num ?? 0,
        task_source: t.task_source ?? 1,
        timezone: tz,
        task_end_time: t.task_end_time ?? formatLocal(endMs, tz),
        send_success_num: t.send_success_num ?? 0,
        send_time_type: t.send_time_type ?? 1,
        taskid: t.taskid ?? this.ctx.ids.hex(32),
        task_start_time: t.task_start_time ?? formatLocal(startMs, tz),
        subjectid: t.subjectid !== undefined ? String(t.subjectid) : undefined,
      },
      LINE_TASK_FIELDS,
    );
    this.lineTasks.push({
      pub,
      seq: this.nextSeq(),
      startMs,
      endMs,
      sender: t.sender !== undefined ? String(t.sender) : undefined,
    });
  }

  addRecord(channel, r) {
    const now = this.ctx.now();
    const fields = channel === 'line' ? LINE_RECORD_FIELDS : MESSENGER_RECORD_FIELDS;
    const src = { ...r };
    src.send_time = toMs(r.send_time) ?? now;
    src.status_update_time = r.status_update_time ?? src.send_time;
    src.timezone = r.timezone ?? 'GMT+08:00';
    src.error_code = r.error_code ?? '000000';
    const pub = pickPublic(src, fields);
    let status = r.message_status;
    if (status === undefined) status = pub.error_code === '000000' ? 0 : 9;
    const entry = {
      pub,
      seq: this.nextSeq(),
      sendTime: pub.send_time,
      status: String(status),
      messageids: pub.messageid ? String(pub.messageid).split(',') : [],
    };
    (channel === 'line' ? this.lineRecords : this.messengerRecords).push(entry);
  }

  // ---- media ------------------------------------------------------------------

  addMedia(m) {
    const messageid = String(m.messageid);
    let url = m.url;
    if (!url) {
      const companyId = this.ctx.options.companyId;
      const day = formatLocal(this.ctx.now(), 'UTC').slice(0, 10).replace(/-/g, '');
      const ext = { image: 'png', video: 'mp4', audio: 'm4a', file: 'bin' }[m.type] ?? 'bin';
      const path = `/chatres/${companyId}/msg/${day}/${this.ctx.ids.hex(32)}/${this.ctx.ids.hex(32)}.${ext}`;
      this.mediaFiles.set(path, { type: m.type ?? 'file', messageid });
      url = `${this.ctx.baseUrl()}${path}`;
    }
    if (m.form !== undefined && !MEDIA_FORMS.includes(m.form)) bad(`media form must be one of ${MEDIA_FORMS.join(', ')}`);
    this.media.set(messageid, { appid: m.appid !== undefined ? String(m.appid) : undefined, url, form: m.form });
    return url;
  }

  // ---- Graph conversations ------------------------------------------------------

  addConversation(c) {
    const pageId = String(c.pageId ?? c.page_id);
    if (!this.pages.has(pageId)) this.addPage({ pageid: pageId });
    const platform = c.platform ?? 'messenger';
    const id = c.id ?? (platform === 'instagram' ? `aWdfZAG${this.ctx.ids.urlsafe(40)}` : `t_${this.ctx.ids.digits(16)}`);
    const conv = {
      id,
      pageId,
      platform,
      seq: this.nextSeq(),
      participants: (c.participants ?? []).map((p) => ({ ...p, id: String(p.id) })),
      messages: [],
      updated: toMs(c.updated_time) ?? 0,
      unread: c.unread_count ?? 0,
    };
    this.conversations.set(id, conv);
    this.conversationList.push(conv);
    for (const m of c.messages ?? []) this.addMessage(conv, m);
    if (!conv.updated) conv.updated = conv.messages.length ? conv.messages[0].created : this.ctx.now();
    return conv;
  }

  addMessage(conv, m) {
    const created = toMs(m.created_time) ?? this.ctx.now();
    const id = m.id ?? (conv.platform === 'instagram' ? `aWdGG${this.ctx.ids.urlsafe(60)}` : `m_${this.ctx.ids.urlsafe(86)}`);
    const msg = {
      id,
      created,
      seq: this.nextSeq(),
      from: m.from,
      to: m.to,
      message: m.message ?? '',
    };
    // Keep messages newest first; insertion is usually at the front or the back.
    const list = conv.messages;
    let i = list.length;
    while (i > 0 && list[i - 1].created < created) i--;
    list.splice(i, 0, msg);
    this.messages.set(id, { msg, conv });
    if (created > conv.updated) {
      conv.updated = created;
      this.conversationList.dirty = true;
    }
    return msg;
  }

  /** Index of a message in its conversation, newest first (0 = most recent). */
  messageRank(entry) {
    return entry.conv.messages.indexOf(entry.msg);
  }

  // ---- seeding ------------------------------------------------------------------

  /** Adds seed data; every key is optional. Returns how many of each were added. */
  seed(data) {
    if (!isObj(data)) bad('seed data must be an object');
    const added = {};
    const each = (key, fn) => {
      const list = data[key];
      if (list === undefined) return;
      if (!Array.isArray(list)) bad(`${key} must be an array`);
      for (const x of list) fn(x);
      added[key] = list.length;
    };
    each('apps', (a) => this.addApp(a));
    each('pages', (p) => this.addPage(p));
    each('lineChannels', (c) => this.addLineChannel(c));
    each('titles', (t) => this.addTitle(t));
    each('subscribers', (s) => this.addSubscriber(s));
    each('messengerTasks', (t) => this.addMessengerTask(t));
    each('lineTasks', (t) => this.addLineTask(t));
    each('messengerRecords', (r) => this.addRecord('messenger', r));
    each('lineRecords', (r) => this.addRecord('line', r));
    each('media', (m) => this.addMedia(m));
    each('conversations', (c) => this.addConversation(c));
    each('graphAccessTokens', (t) => this.graphTokens.set(String(t), { expired: false }));
    each('tokens', (t) => this.tokenQueue.push(String(t)));
    if (data.ids !== undefined) {
      if (!isObj(data.ids)) bad('ids must be an object of arrays');
      for (const [kind, list] of Object.entries(data.ids)) {
        if (!Array.isArray(list)) bad(`ids.${kind} must be an array`);
        const q = this.idQueues.get(kind) ?? [];
        q.push(...list.map(String));
        this.idQueues.set(kind, q);
      }
      added.ids = Object.keys(data.ids).length;
    }
    return added;
  }

  /** Generates data deterministically from the generator stream. */
  generate(spec) {
    if (!isObj(spec)) bad('generate spec must be an object');
    const g = this.ctx.gen;
    const now = spec.baseTime ?? this.ctx.now();
    const pageIds = [...this.pages.keys()];
    const lineIds = [...this.lineChannels.keys()];
    const defaultPage = spec.pageId ?? pageIds[0];
    const defaultLine = spec.lineAppId ?? lineIds[0];
    const topics = spec.topics ?? ['ACCOUNT_UPDATE', 'POST_PURCHASE_UPDATE', 'CONFIRMED_EVENT_UPDATE', '订阅主题'];
    const added = {};
    const count = (v) => (typeof v === 'number' ? v : v?.count ?? 0);
    const spacing = spec.spacingMs ?? 60000;

    const nTitles = count(spec.titles);
    for (let i = 0; i < nTitles; i++) {
      this.addTitle({
        appid: defaultPage,
        title: `topic ${i + 1}`,
        describe: `description ${i + 1}`,
        image_ratio: g.pick(['SQUARE', 'HORIZONTAL']),
        button_type: g.pick(['ALLOW', 'GET', 'GET_UPDATES', 'OPT_IN', 'SIGN_UP']),
        timezone: 'UTC',
        create_time: now - i * spacing,
        configid: g.hex(32),
      });
    }
    if (nTitles) added.titles = nTitles;

    const nSubs = count(spec.subscribers);
    if (nSubs) {
      const title = spec.subscribers.title ?? 'topic 1';
      const pageid = spec.subscribers.pageId ?? defaultPage;
      if (!this.findTitle(pageid, title)) {
        this.addTitle({ appid: pageid, title, describe: title, image_ratio: 'SQUARE', button_type: 'ALLOW', configid: g.hex(32) });
      }
      for (let i = 0; i < nSubs; i++) {
        this.addSubscriber({
          facebookid: g.digits(16),
          pageid,
          sub_status: g.next() < 0.9 ? 1 : 0,
          sub_title: title,
          sub_token: g.digits(18),
          title_describe: title,
          create_time: now - i * spacing,
          update_time: now - i * spacing,
        });
      }
      added.subscribers = nSubs;
    }

    const taskFor = (channel, i) => {
      const start = now - (i + 1) * spacing;
      const estimate = g.range(1, 500);
      const errors = g.int(Math.max(1, Math.floor(estimate / 10)));
      const t = {
        task_name: `${channel} task ${i + 1}`,
        estimate_send_num: estimate,
        task_source: 1,
        timezone: 'GMT+08:00',
        start_ms: start,
        end_ms: start + g.range(1, 60) * 1000,
        send_error_num: errors,
        send_success_num: estimate - errors,
        send_time_type: g.pick([1, 2]),
        taskid: g.hex(32),
        sender: channel === 'line' ? defaultLine : defaultPage,
      };
      return t;
    };
    const nMt = count(spec.messengerTasks);
    for (let i = 0; i < nMt; i++) {
      const t = taskFor('messenger', i);
      const delivered = g.int(t.send_success_num + 1);
      t.already_send_num = delivered;
      t.already_read_num = g.int(delivered + 1);
      t.reply_data_num = g.int(t.already_read_num + 1);
      t.message_type = g.pick([1, 2]);
      t.message_topic_or_tag = t.message_type === 2 ? g.pick(topics.slice(0, 3)) : g.pick(topics.slice(3)) ?? 'topic 1';
      this.addMessengerTask(t);
    }
    if (nMt) added.messengerTasks = nMt;
    const nLt = count(spec.lineTasks);
    for (let i = 0; i < nLt; i++) {
      const t = taskFor('line', i);
      t.subjectid = String(g.range(1, 5) * 11111111);
      this.addLineTask(t);
    }
    if (nLt) added.lineTasks = nLt;

    const recordFor = (channel, i) => {
      const sendTime = now - (i + 1) * (spec.recordSpacingMs ?? 1000);
      const status = g.pick(['0', '1', '2', '2', '9']);
      const r = {
        task_name: `${channel} task ${(i % 10) + 1}`,
        send_time: sendTime,
        sender: channel === 'line' ? defaultLine : defaultPage,
        timezone: 'GMT+08:00',
        error_code: status === '9' ? (channel === 'line' ? '999999' : g.pick(['1893015', '2018108', '551'])) : '000000',
        send_agentid: g.hex(32),
        taskid: `${channel === 'line' ? 'b' : 'a'}${String(i % 10).padStart(31, '0')}`,
        recipient_id: channel === 'line' ? `U${g.hex(32)}` : g.digits(16),
        status_update_time: sendTime + g.int(60000),
        message_status: status,
      };
      if (status !== '9') r.messageid = channel === 'line' ? g.digits(18) : `m_${g.urlsafe(86)}`;
      else if (channel === 'line') r.messageid = '';
      if (channel === 'line') r.subjectid = String(((i % 5) + 1) * 11111111);
      else r.message_topic_or_tag = topics[i % topics.length];
      return r;
    };
    const nMr = count(spec.messengerRecords);
    for (let i = 0; i < nMr; i++) this.addRecord('messenger', recordFor('messenger', i));
    if (nMr) added.messengerRecords = nMr;
    const nLr = count(spec.lineRecords);
    for (let i = 0; i < nLr; i++) this.addRecord('line', recordFor('line', i));
    if (nLr) added.lineRecords = nLr;

    const nConv = count(spec.conversations);
    if (nConv) {
      const c = spec.conversations;
      const platform = c.platform ?? 'messenger';
      const pageId = String(c.pageId ?? defaultPage);
      const perConv = c.messagesPerConversation ?? 30;
      const pageName = this.pages.get(pageId)?.name ?? 'Page';
      for (let i = 0; i < nConv; i++) {
        const userId = g.digits(16);
        const user = platform === 'instagram' ? { username: `user_${i + 1}`, id: userId } : { name: `User ${i + 1}`, email: `${userId}@facebook.com`, id: userId };
        const page = platform === 'instagram' ? { username: pageName.replace(/\W+/g, '_').toLowerCase(), id: pageId } : { name: pageName, email: `${pageId}@facebook.com`, id: pageId };
        const last = now - i * spacing;
        const messages = [];
        for (let k = 0; k < perConv; k++) {
          const fromUser = k % 2 === 0;
          messages.push({
            created_time: last - k * 5000,
            from: fromUser ? user : page,
            to: { data: [fromUser ? page : user] },
            message: `message ${perConv - k} of conversation ${i + 1}`,
          });
        }
        this.addConversation({ pageId, platform, participants: [user, page], messages });
      }
      added.conversations = nConv;
    }
    return added;
  }

  summary() {
    return {
      apps: this.apps.size,
      pages: this.pages.size,
      lineChannels: this.lineChannels.size,
      titles: this.titles.size,
      subscribers: this.subscribers.size,
      messengerTasks: this.messengerTasks.size,
      lineTasks: this.lineTasks.size,
      messengerRecords: this.messengerRecords.size,
      lineRecords: this.lineRecords.size,
      media: this.media.size,
      conversations: this.conversations.size,
      messages: this.messages.size,
      sends: this.sends.length,
      uploads: this.uploads.length,
      optIns: this.optIns.length,
    };
  }
}

export { graphTime };
