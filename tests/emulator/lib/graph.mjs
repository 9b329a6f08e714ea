// Handlers of the Graph API Conversations endpoints: a Page's conversations, a
// conversation's messages, message details (only the 20 most recent messages of a
// conversation have them), with Graph's cursor paging and error objects.

import { graphTime } from './util.mjs';

/** A Graph error; becomes `{"error": {...}}` with the given HTTP status. */
export class GraphFail extends Error {
  constructor(status, error, headers) {
    super(error.message);
    this.status = status;
    this.error = error;
    this.headers = headers;
  }
}

export const DETAIL_WINDOW = 20;
const MAX_LIMIT = 100;

export function graphError(emu, { message, type = 'OAuthException', code, subcode, transient }) {
  const e = { message, type, code };
  if (subcode !== undefined) e.error_subcode = subcode;
  if (transient !== undefined) e.is_transient = transient;
  e.fbtrace_id = emu.faultRng.alnum(27);
  return e;
}

function fail(emu, status, spec) {
  const headers = spec.code === 190 || spec.code === 104 ? { 'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${spec.message}"` } : undefined;
  return new GraphFail(status, graphError(emu, spec), headers);
}

function unsupported(emu, id) {
  return fail(emu, 400, {
    message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    type: 'GraphMethodException',
    code: 100,
    subcode: 33,
  });
}

/** Checks the access token (query `access_token` or `Authorization: Bearer/OAuth`). */
export function graphAuth(emu, req) {
  let token = req.query.access_token;
  if (!token) {
    const h = req.headers.authorization;
    const m = h && /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(h);
    if (m) token = m[1];
  }
  if (!token) throw fail(emu, 400, { message: 'An access token is required to request this resource.', code: 104 });
  const t = emu.store.graphTokens.get(token);
  if (!t) throw fail(emu, 400, { message: 'Invalid OAuth access token - Cannot parse access token', code: 190 });
  if (t.expired) {
    throw fail(emu, 400, { message: `Error validating access token: Session has expired on ${new Date(t.expiredAt).toUTCString()}.`, code: 190, subcode: 463 });
  }
  return token;
}

/** Parses a Graph `fields` list: `a,b.limit(5),c{d,e}` → [{name, limit, sub}]. */
export function parseFields(s) {
  const out = [];
  let depth = 0;
  let cur = '';
  const flush = () => {
    const f = cur.trim();
    cur = '';
    if (!f) return;
    const m = /^([A-Za-z_][\w]*)((?:\.[a-z_]+\([^)]*\))*)(?:\{(.*)\})?((?:\.[a-z_]+\([^)]*\))*)$/s.exec(f);
    if (!m) {
      out.push({ name: f, invalid: true });
      return;
    }
    const mods = (m[2] || '') + (m[4] || '');
    const lim = /\.limit\((\d+)\)/.exec(mods);
    out.push({ name: m[1], limit: lim ? Number(lim[1]) : undefined, sub: m[3] !== undefined ? parseFields(m[3]) : undefined });
  };
  for (const ch of s) {
    if (ch === '{' || ch === '(') depth++;
    if (ch === '}' || ch === ')') depth--;
    if (ch === ',' && depth === 0) flush();
    else cur += ch;
  }
  flush();
  return out;
}

function checkFields(emu, fields, allowed, nodeType) {
  for (const f of fields) {
    if (f.invalid || !allowed.includes(f.name)) {
      throw fail(emu, 400, { message: `(#100) Tried accessing nonexisting field (${f.name}) on node type (${nodeType})`, code: 100 });
    }
  }
}

function parseLimit(emu, v, dflt) {
  if (v === undefined || v === '') return dflt;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw fail(emu, 400, { message: '(#100) The parameter limit must be a positive integer', code: 100 });
  return Math.min(Number(v), MAX_LIMIT);
}

const encodeCursor = (id) => Buffer.from(`cursor:${id}`, 'utf8').toString('base64');
function decodeCursor(emu, c) {
  const s = Buffer.from(String(c), 'base64').toString('utf8');
  if (!s.startsWith('cursor:')) throw fail(emu, 400, { message: '(#100) The cursor is invalid', code: 100 });
  return s.slice(7);
}

/** Slices a list by Graph cursors; returns the page and the paging object. */
function cursorPage(emu, req, list, limit, render) {
  let start = 0;
  let end = limit;
  const { after, before } = req.query;
  if (after) {
    const id = decodeCursor(emu, after);
    const i = list.findIndex((x) => x.id === id);
    if (i < 0) throw fail(emu, 400, { message: '(#100) The cursor is invalid', code: 100 });
    start = i + 1;
    end = start + limit;
  } else if (before) {
    const id = decodeCursor(emu, before);
    const i = list.findIndex((x) => x.id === id);
    if (i < 0) throw fail(emu, 400, { message: '(#100) The cursor is invalid', code: 100 });
    end = i;
    start = Math.max(0, end - limit);
  }
  const slice = list.slice(start, end);
  const data = slice.map(render);
  if (!slice.length) return { data };
  const paging = { cursors: { before: encodeCursor(slice[0].id), after: encodeCursor(slice[slice.length - 1].id) } };
  const link = (key, cursor) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query)) if (k !== 'after' && k !== 'before') p.set(k, v);
    p.set('access_token', req.graphToken);
    p.set('limit', String(limit));
    p.set(key, cursor);
    return `${req.baseUrl}${req.path}?${p}`;
  };
  if (end < list.length) paging.next = link('after', paging.cursors.after);
  if (start > 0) paging.previous = link('before', paging.cursors.before);
  return { data, paging };
}

const MESSAGE_FIELDS = ['id', 'created_time', 'from', 'to', 'message'];
const CONVERSATION_FIELDS = ['id', 'updated_time', 'message_count', 'unread_count', 'participants', 'messages', 'link'];

function renderMessage(m, fields, detailed) {
  const out = {};
  for (const f of fields) {
    if (f === 'id') out.id = m.id;
    else if (f === 'created_time') out.created_time = graphTime(m.created);
    else if (detailed && m[f] !== undefined) out[f] = m[f];
  }
  return out;
}

function renderConversation(emu, req, c, fields) {
  const out = {};
  let hasId = false;
  for (const f of fields) {
    if (f.name === 'id') {
      out.id = c.id;
      hasId = true;
    } else if (f.name === 'updated_time') out.updated_time = graphTime(c.updated);
    else if (f.name === 'message_count') out.message_count = c.messages.length;
    else if (f.name === 'unread_count') out.unread_count = c.unread;
    else if (f.name === 'participants') out.participants = { data: c.participants };
    else if (f.name === 'link') out.link = `/${c.pageId}/inbox/${c.id}`;
    else if (f.name === 'messages') {
      const sub = f.sub ? f.sub : [{ name: 'id' }, { name: 'created_time' }];
      checkFields(emu, sub, MESSAGE_FIELDS, 'Message');
      const names = sub.map((s) => s.name);
      const limit = f.limit ?? 25;
      const sreq = { ...req, query: { access_token: req.graphToken }, path: `/${req.version}/${c.id}/messages` };
      if (f.sub) sreq.query.fields = names.join(',');
      out.messages = cursorPage(emu, sreq, c.messages, Math.min(limit, MAX_LIMIT), (m) => renderMessage(m, names, c.messages.indexOf(m) < DETAIL_WINDOW));
    }
  }
  if (!hasId) out.id = c.id;
  return out;
}

export function conversations(emu, req) {
  const page = emu.store.pages.get(req.id);
  if (!page) throw unsupported(emu, req.id);
  const platform = (req.query.platform ?? 'messenger').toLowerCase();
  if (platform !== 'messenger' && platform !== 'instagram') {
    throw fail(emu, 400, { message: '(#100) Param platform must be one of {MESSENGER, INSTAGRAM}', code: 100 });
  }
  const userId = req.query.user_id;
  const fields = req.query.fields ? parseFields(req.query.fields) : userId ? [{ name: 'id' }] : [{ name: 'id' }, { name: 'updated_time' }];
  checkFields(emu, fields, CONVERSATION_FIELDS, 'Conversation');
  const limit = parseLimit(emu, req.query.limit, 25);
  const list = emu.store.conversationList
    .all()
    .filter((c) => c.pageId === page.pageid && c.platform === platform && (!userId || c.participants.some((p) => p.id === userId)));
  return cursorPage(emu, req, list, limit, (c) => {
    const out = renderConversation(emu, req, c, fields);
    if (!fields.some((f) => f.name === 'id')) delete out.id;
    // Graph lists id first.
    return fields.some((f) => f.name === 'id') ? { id: out.id, ...out } : out;
  });
}

export function messagesEdge(emu, req) {
  const c = emu.store.conversations.get(req.id);
  if (!c) throw unsupported(emu, req.id);
  const fields = req.query.fields ? parseFields(req.query.fields) : [{ name: 'id' }, { name: 'created_time' }];
  checkFields(emu, fields, MESSAGE_FIELDS, 'Message');
  const names = fields.map((f) => f.name);
  const limit = parseLimit(emu, req.query.limit, 25);
  return cursorPage(emu, req, c.messages, limit, (m) => renderMessage(m, names, c.messages.indexOf(m) < DETAIL_WINDOW));
}

export function node(emu, req) {
  const id = req.id;
  const fieldsParam = req.query.fields;
  const conv = emu.store.conversations.get(id);
  if (conv) {
    const fields = fieldsParam ? parseFields(fieldsParam) : [{ name: 'id' }];
    checkFields(emu, fields, CONVERSATION_FIELDS, 'Conversation');
    return renderConversation(emu, req, conv, fields);
  }
  const entry = emu.store.messages.get(id);
  if (entry) {
    const fields = fieldsParam ? parseFields(fieldsParam) : [{ name: 'id' }, { name: 'created_time' }];
    checkFields(emu, fields, MESSAGE_FIELDS, 'Message');
    if (emu.store.messageRank(entry) >= DETAIL_WINDOW) {
      throw fail(emu, 400, {
        message: `(#100) The message with ID '${id}' has been deleted. Details are only available for the 20 most recent messages of a conversation.`,
        type: 'GraphMethodException',
        code: 100,
        subcode: 33,
      });
    }
    return renderMessage(entry.msg, fields.map((f) => f.name), true);
  }
  const page = emu.store.pages.get(id);
  if (page) {
    const fields = fieldsParam ? parseFields(fieldsParam) : [{ name: 'name' }, { name: 'id' }];
    checkFields(emu, fields, ['id', 'name'], 'Page');
    const out = {};
    for (const f of fields) out[f.name] = f.name === 'id' ? page.pageid : page.name;
    if (out.id === undefined) out.id = page.pageid;
    return out;
  }
  throw unsupported(emu, id);
}
