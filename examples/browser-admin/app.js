// The admin page: sobot-channels' browser entry, no framework. Behind the proxy the page
// holds no app key: its client reads the proxy's token (a read-only token store) and never
// calls get_token. Against a local emulator an app key may be entered; it lives only in the
// SobotClient held by this module (never in storage, never in the URL).
import {
  init,
  SobotClient,
  SobotError,
  describeError,
  validateTopic,
  validateTitleList,
  validateMessengerTaskList,
  validateLineTaskList,
  validateMessengerSendRecordList,
  validateLineSendRecordList,
  validateBroadcast,
} from 'sobot-channels';

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

let client = null;
let baseUrl = '';
let viaProxy = false; // connected without a key: the proxy holds the token and runs broadcasts
let editing = null; // configid of the topic being edited
const touched = new Set();
const pages = { topics: 1, tasks: 1, records: 1 };

// ---- messages ---------------------------------------------------------------------------

function clearError() {
  $('#error').hidden = true;
  $('#error').replaceChildren();
}

/** Shows what went wrong, in words a person can act on. */
function showError(what, e) {
  const box = $('#error');
  const lines = [];
  let detail = [];
  if (e instanceof SobotError) {
    const where = e.endpoint ? ` (${e.endpoint})` : '';
    if (e.code === 'token_store') {
      lines.push(`${what}: no token from ${baseUrl}/sobot-token${where}.`);
      detail.push(e.message);
    } else if (e.kind === 'validation') {
      lines.push(`${what}: the request breaks the API's rules, so nothing was sent${where}.`);
      detail = e.violations.map((v) => `${v.path}: ${v.message}`);
    } else if (e.kind === 'api') {
      const known = describeError(e.code);
      lines.push(`${what}: ${known?.messageEn ?? e.message} — Sobot error ${e.code}${where}.`);
      if (known && known.messageZh !== e.message) detail.push(`Sobot said: ${e.message}`);
      if (known?.category === 'auth') detail.push('Check the app id and key, then connect again.');
      else if (e.retryable) detail.push('This can succeed if you try again in a moment.');
    } else if (e.kind === 'network') {
      lines.push(`${what}: could not reach ${baseUrl}${where}.`);
      detail.push('Check the URL. A browser reaches the Sobot API only where it allows calls from this page\'s origin (CORS); otherwise put the small proxy of the README in front of it.');
    } else if (e.kind === 'timeout') {
      lines.push(`${what}: ${baseUrl} did not answer in time${where}. Try again.`);
    } else if (e.kind === 'http') {
      lines.push(`${what}: the server answered HTTP ${e.status}${where}.`);
      detail.push(e.message);
    } else {
      lines.push(`${what}: the answer was not what the API documents${where}.`);
      detail.push(e.message);
    }
  } else {
    lines.push(`${what}: ${e?.message ?? e}`);
  }
  const p = document.createElement('strong');
  p.textContent = lines.join(' ');
  const ul = document.createElement('ul');
  for (const d of detail) ul.append(Object.assign(document.createElement('li'), { textContent: d }));
  box.replaceChildren(p, ...(detail.length ? [ul] : []));
  box.hidden = false;
}

function notice(text) {
  const n = $('#notice');
  n.textContent = text;
  n.hidden = false;
  clearTimeout(notice.timer);
  notice.timer = setTimeout(() => (n.hidden = true), 4000);
}

/** Writes violations under the fields they name (`data-violation-for`), within `roots`. */
function showViolations(roots, violations, onlyPaths) {
  const byPath = new Map();
  for (const v of violations) {
    const path = v.path.split(/[.[]/)[0];
    if (!byPath.has(path)) byPath.set(path, []);
    byPath.get(path).push(v.message);
  }
  for (const root of roots) {
    for (const slot of $$('[data-violation-for]', root)) {
      const path = slot.dataset.violationFor;
      const shown = !onlyPaths || onlyPaths.has(path);
      const messages = shown ? byPath.get(path) ?? [] : [];
      slot.textContent = messages.join(' ');
      const input = slot.parentElement.querySelector('input, select');
      if (input) input.setAttribute('aria-invalid', messages.length ? 'true' : 'false');
    }
  }
}

// ---- connection -------------------------------------------------------------------------

const pageId = () => $('#connect-form [name=pageId]').value.trim();

async function connect(ev) {
  ev.preventDefault();
  clearError();
  const f = new FormData(ev.target);
  baseUrl = String(f.get('baseUrl')).trim().replace(/\/$/, '');
  const status = $('#connection-status');
  client?.free();
  client = null;
  try {
    const appId = String(f.get('appId')).trim();
    const appKey = String(f.get('appKey'));
    // Without a key, the proxy's token: { token, expiresAt }, kept fresh by the proxy.
    const proxyToken = {
      get: async () => {
        const r = await fetch(`${baseUrl}/sobot-token`);
        if (!r.ok) throw new Error(`${baseUrl}/sobot-token answered HTTP ${r.status}`);
        return r.json();
      },
    };
    const c = new SobotClient(appKey ? { appId, appKey, baseUrl, timeoutMs: 15000 } : { appId, baseUrl, tokenStore: proxyToken, timeoutMs: 15000 });
    const token = await c.token();
    client = c;
    viaProxy = !appKey;
    checkBroadcast();
    status.className = 'status-ok';
    status.textContent = `Connected to ${baseUrl} · token valid until ${new Date(token.expiresAt).toLocaleString()}`;
    pages.topics = pages.tasks = pages.records = 1;
    await Promise.all([loadTopics(), loadTasks(), loadRecords()]);
  } catch (e) {
    status.className = 'status-bad';
    status.textContent = 'Not connected.';
    showError('Could not connect', e);
  }
}

function requireClient() {
  if (client) return true;
  showError('Not connected', new Error('enter the base URL and app id (and the key, for a local emulator), then Connect.'));
  return false;
}

// ---- pagers and tables ------------------------------------------------------------------

/** Renders "‹ Previous · page x of y · n rows · Next ›" and calls `go(page)`. */
function renderPager(name, result, go) {
  const nav = $(`[data-pager=${name}]`);
  const page = result.page_no ?? pages[name];
  const count = Math.max(result.page_count ?? 1, 1);
  const prev = Object.assign(document.createElement('button'), { type: 'button', textContent: '‹ Previous', disabled: page <= 1 });
  const next = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Next ›', disabled: page >= count });
  prev.dataset.action = 'prev';
  next.dataset.action = 'next';
  prev.onclick = () => go(page - 1);
  next.onclick = () => go(page + 1);
  const label = Object.assign(document.createElement('span'), { textContent: `Page ${page} of ${count} · ${result.total_count ?? result.items.length} in all` });
  label.className = 'page-label';
  nav.replaceChildren(prev, label, next);
}

function cell(text, cls) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  if (cls) td.className = cls;
  return td;
}

function fillTable(table, rows, empty) {
  const body = $('tbody', table);
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    tr.className = 'empty';
    const td = cell(empty);
    td.colSpan = $$('thead th', table).length;
    tr.append(td);
    body.replaceChildren(tr);
  } else body.replaceChildren(...rows);
}

const dayStart = (v) => (v ? new Date(`${v}T00:00:00`).getTime() : undefined);
const dayEnd = (v) => (v ? new Date(`${v}T23:59:59.999`).getTime() : undefined);
const when = (ms) => (ms ? new Date(ms).toLocaleString() : '');
const num = (n) => (n === undefined || n === null ? '—' : Number(n).toLocaleString());

/** Drops empty strings and undefined, so that filters the user left empty are not sent. */
function compact(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));
}

// ---- topics -----------------------------------------------------------------------------

function topicFilter() {
  const f = new FormData($('#topic-filter'));
  return compact({ appids: pageId(), title: String(f.get('title')).trim(), page_no: pages.topics, page_size: Number(f.get('page_size')) });
}

async function loadTopics(page = pages.topics) {
  if (!client) return;
  pages.topics = page;
  const request = topicFilter();
  const problems = validateTitleList(request);
  if (problems.length) return showError('Cannot search topics', new Error(problems.map((v) => v.message).join('; ')));
  try {
    const result = await client.messenger.getTitleList(request);
    const rows = result.items.map((t) => {
      const tr = document.createElement('tr');
      tr.dataset.configid = t.configid;
      const edit = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Edit' });
      edit.onclick = () => startEdit(t);
      const del = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Delete', className: 'danger' });
      del.onclick = () => deleteTopic(t, del);
      const actions = document.createElement('td');
      actions.append(edit, ' ', del);
      tr.append(cell(t.title), cell(t.describe), cell(t.button_type), cell(t.image_ratio), cell(when(t.update_time)), actions);
      return tr;
    });
    fillTable($('#topic-table'), rows, 'No topics match.');
    renderPager('topics', result, loadTopics);
  } catch (e) {
    showError('Could not load the topics', e);
  }
}

function topicRequest() {
  const f = new FormData($('#topic-form'));
  const r = {
    appid: pageId(),
    title: String(f.get('title')),
    describe: String(f.get('describe')),
    image_ratio: String(f.get('image_ratio')),
    button_type: String(f.get('button_type')),
  };
  for (const k of ['image_url', 'timezone']) if (String(f.get(k)).trim()) r[k] = String(f.get(k)).trim();
  if (editing) r.configid = editing;
  return r;
}

/** Validates the topic as the user types: messages under touched fields, counters, the button. */
function checkTopic(all = false) {
  const violations = validateTopic(topicRequest());
  const visible = all ? null : new Set([...touched, ...(touched.size ? ['appid'] : [])]);
  showViolations([$('#topic-form'), $('#connection')], violations, visible);
  for (const c of $$('[data-counter-for]', $('#topic-form'))) {
    const len = $(`[name=${c.dataset.counterFor}]`, $('#topic-form')).value.length;
    c.textContent = `${len} / 65`;
    c.classList.toggle('over', len > 65);
  }
  $('#topic-submit').disabled = violations.length > 0;
  return violations;
}

function resetTopicForm() {
  editing = null;
  $('#topic-form').reset();
  $('#topic-title').readOnly = false;
  $('#topic-form-title').textContent = 'New topic';
  $('#topic-submit').textContent = 'Create topic';
  $('#topic-cancel').hidden = true;
  touched.clear();
  checkTopic();
}

function startEdit(t) {
  editing = t.configid;
  const form = $('#topic-form');
  for (const k of ['title', 'describe', 'image_ratio', 'button_type', 'image_url', 'timezone']) $(`[name=${k}]`, form).value = t[k] ?? '';
  // Sobot does not change a topic's page or title on update (210011): the title is fixed.
  $('#topic-title').readOnly = true;
  $('#topic-form-title').textContent = `Edit “${t.title}”`;
  $('#topic-submit').textContent = 'Save changes';
  $('#topic-cancel').hidden = false;
  touched.clear();
  checkTopic(true);
}

async function saveTopic(ev) {
  ev.preventDefault();
  clearError();
  if (checkTopic(true).length || !requireClient()) return;
  const request = topicRequest();
  const button = $('#topic-submit');
  button.disabled = true;
  try {
    const configid = await client.messenger.createOrUpdateTitle(request);
    notice(`${editing ? 'Saved' : 'Created'} “${request.title}” (configid ${configid}).`);
    resetTopicForm();
    await loadTopics(editing ? pages.topics : 1);
  } catch (e) {
    showError(editing ? 'Could not save the topic' : 'Could not create the topic', e);
    checkTopic(true);
  }
}

/** Two clicks: the first arms the button for 4 s, the second deletes. */
async function deleteTopic(t, button) {
  clearError();
  if (!button.classList.contains('confirm')) {
    button.classList.add('confirm');
    button.textContent = 'Confirm delete';
    setTimeout(() => {
      button.classList.remove('confirm');
      button.textContent = 'Delete';
    }, 4000);
    return;
  }
  try {
    await client.messenger.deleteTitle({ configid: t.configid });
    notice(`Deleted “${t.title}”.`);
    if (editing === t.configid) resetTopicForm();
    await loadTopics();
  } catch (e) {
    showError(`Could not delete “${t.title}”`, e);
  }
}

// ---- tasks ------------------------------------------------------------------------------

const BARS = [
  ['estimated', 'estimate_send_num', '#98a2b3'],
  ['sent', 'send_success_num', '#2563eb'],
  ['failed', 'send_error_num', '#d92d20'],
  ['delivered', 'already_send_num', '#0e9384'],
  ['read', 'already_read_num', '#7a5af8'],
];

/** A small horizontal bar chart of one task, drawn as SVG. */
function taskChart(task) {
  const ns = 'http://www.w3.org/2000/svg';
  const w = 240;
  const rowH = 13;
  const labelW = 64;
  const valueW = 44;
  const max = Math.max(1, ...BARS.map(([, k]) => Number(task[k] ?? 0)));
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'chart');
  svg.setAttribute('width', w);
  svg.setAttribute('height', BARS.length * rowH);
  svg.setAttribute('role', 'img');
  const summary = BARS.map(([label, k]) => `${label} ${task[k] ?? 'n/a'}`).join(', ');
  svg.setAttribute('aria-label', `${task.task_name}: ${summary}`);
  const title = document.createElementNS(ns, 'title');
  title.textContent = summary;
  svg.append(title);
  BARS.forEach(([label, key, color], i) => {
    const y = i * rowH;
    const value = task[key];
    const text = document.createElementNS(ns, 'text');
    text.setAttribute('x', 0);
    text.setAttribute('y', y + 10);
    text.textContent = label;
    const bar = document.createElementNS(ns, 'rect');
    const width = value === undefined ? 0 : Math.max(value > 0 ? 1 : 0, ((w - labelW - valueW) * Number(value)) / max);
    bar.setAttribute('x', labelW);
    bar.setAttribute('y', y + 2);
    bar.setAttribute('height', rowH - 4);
    bar.setAttribute('width', width.toFixed(1));
    bar.setAttribute('fill', color);
    bar.setAttribute('rx', 2);
    bar.dataset.series = label;
    const v = document.createElementNS(ns, 'text');
    v.setAttribute('class', 'v');
    v.setAttribute('x', labelW + width + 4);
    v.setAttribute('y', y + 10);
    v.textContent = value === undefined ? 'n/a' : Number(value).toLocaleString();
    svg.append(text, bar, v);
  });
  return svg;
}

function taskRequest() {
  const f = new FormData($('#task-filter'));
  return {
    channel: f.get('channel'),
    request: compact({
      task_name: String(f.get('task_name')).trim(),
      sender: String(f.get('sender')).trim(),
      task_start_time: dayStart(f.get('from')),
      task_end_time: dayEnd(f.get('to')),
      page_no: pages.tasks,
      page_size: Number(f.get('page_size')),
    }),
  };
}

async function loadTasks(page = pages.tasks) {
  if (!client) return;
  pages.tasks = page;
  const { channel, request } = taskRequest();
  const problems = (channel === 'line' ? validateLineTaskList : validateMessengerTaskList)(request);
  showViolations([$('#task-filter')], problems);
  if (problems.length) return;
  try {
    const result = await client[channel].queryTaskList(request);
    const rows = result.items.map((t) => {
      const tr = document.createElement('tr');
      tr.dataset.taskid = t.taskid;
      const chart = document.createElement('td');
      chart.append(taskChart(t));
      tr.append(
        cell(t.task_name),
        cell(`${t.task_start_time ?? ''} ${t.timezone ?? ''}`),
        cell(num(t.estimate_send_num), 'num'),
        cell(num(t.send_success_num), 'num'),
        cell(num(t.send_error_num), 'num'),
        cell(num(t.already_send_num), 'num'),
        cell(num(t.already_read_num), 'num'),
        chart,
      );
      return tr;
    });
    fillTable($('#task-table'), rows, 'No tasks match.');
    renderPager('tasks', result, loadTasks);
  } catch (e) {
    showError('Could not load the tasks', e);
  }
}

// ---- send records -----------------------------------------------------------------------

const STATUS = { 0: 'sent', 1: 'delivered', 2: 'read', 9: 'failed' };

function recordRequest() {
  const f = new FormData($('#record-filter'));
  return {
    channel: f.get('channel'),
    request: compact({
      message_status: String(f.get('message_status')),
      taskid: String(f.get('taskid')).trim(),
      recipient: String(f.get('recipient')).trim(),
      send_start_time: dayStart(f.get('from')),
      send_end_time: dayEnd(f.get('to')),
      page_no: pages.records,
      page_size: Number(f.get('page_size')),
    }),
  };
}

function result(record, channel) {
  if (record.error_code === '000000') return 'sent';
  const known = describeError(record.error_code, channel === 'line' ? 'line_error_code' : 'error_code') ?? describeError(record.error_code);
  return `failed ${record.error_code}${known ? `: ${known.messageEn}` : ''}`;
}

async function loadRecords(page = pages.records) {
  if (!client) return;
  pages.records = page;
  const { channel, request } = recordRequest();
  const problems = (channel === 'line' ? validateLineSendRecordList : validateMessengerSendRecordList)(request);
  showViolations([$('#record-filter')], problems);
  if (problems.length) return;
  try {
    const res = await client[channel].sendRecordList(request);
    const rows = res.items.map((r) => {
      const tr = document.createElement('tr');
      const status = result(r, channel);
      tr.append(
        cell(when(r.send_time)),
        cell(r.task_name),
        cell(r.recipient_id, 'mono'),
        cell(r.sender, 'mono'),
        cell(status, status === 'sent' ? 'status-ok' : 'status-bad'),
        cell(r.messageid ? `${r.messageid.slice(0, 14)}…` : '—', 'mono'),
      );
      return tr;
    });
    fillTable($('#record-table'), rows, 'No send records match.');
    renderPager('records', res, loadRecords);
  } catch (e) {
    showError('Could not load the send records', e);
  }
}

// ---- send to subscribers ----------------------------------------------------------------

let watching = null; // the EventSource of the run shown

function broadcastRequest() {
  const f = new FormData($('#broadcast-form'));
  return {
    appid: pageId(),
    title: String(f.get('title')),
    message: { pageid: pageId(), type: 'text', payload: String(f.get('text')), messaging_type: 'UPDATE' },
  };
}

/** Validates the broadcast as the user types; the button needs a valid request and the proxy. */
function checkBroadcast() {
  const violations = validateBroadcast(broadcastRequest());
  const form = $('#broadcast-form');
  const typed = new Set([...$$('input', form)].filter((i) => i.value).map((i) => (i.name === 'text' ? 'message' : i.name)));
  showViolations([form], violations, typed);
  const going = watching !== null;
  $('#broadcast-start').disabled = violations.length > 0 || !viaProxy || going;
  $('#broadcast-start').title = viaProxy ? '' : 'Connect through the proxy (no key) to send to subscribers';
  return violations;
}

function showCounts(c, final) {
  const bar = $('#broadcast-progress');
  const done = c.sent + c.skipped + c.failed + c.unknown + c.alreadyClaimed;
  bar.hidden = false;
  // Of the topic's subscribers when the run started (rows listed since then may pass it).
  bar.max = Math.max(c.subscribers ?? c.total, done, 1);
  bar.value = done;
  const parts = [`${num(c.sent)} sent`, `${num(c.skipped)} unsubscribed`, `${num(c.failed)} failed`, `${num(c.unknown)} unknown`];
  if (c.alreadyClaimed) parts.push(`${num(c.alreadyClaimed)} reached before`);
  $('#broadcast-status').textContent = `${final ? 'Done' : 'Sending'}: ${parts.join(' · ')} of ${num(c.total)} listed`;
}

function showReport(report) {
  showCounts(report, true);
  if (report.cancelled) $('#broadcast-status').textContent += ' (stopped: start it again with this run id to go on)';
  // A finished run's id would make the next send a resume that reaches nobody.
  else $('#broadcast-form [name=runId]').value = '';
  const rows = report.failures.map((f) => {
    const tr = document.createElement('tr');
    tr.append(cell(f.recipient, 'mono'), cell(f.outcome), cell(`${f.code ? `${f.code}: ` : ''}${describeError(f.code)?.messageEn ?? f.message}`));
    return tr;
  });
  $('#broadcast-failures').hidden = rows.length === 0;
  fillTable($('#broadcast-failures'), rows, '');
}

function watch(runId) {
  watching?.close();
  const es = new EventSource(`${baseUrl}/broadcasts/${encodeURIComponent(runId)}`);
  watching = es;
  $('#broadcast-stop').disabled = false;
  const finish = () => {
    es.close();
    watching = null;
    $('#broadcast-stop').disabled = true;
    checkBroadcast();
  };
  es.addEventListener('progress', (ev) => showCounts(JSON.parse(ev.data), false));
  es.addEventListener('report', (ev) => {
    showReport(JSON.parse(ev.data));
    finish();
  });
  es.addEventListener('failed', (ev) => {
    const e = JSON.parse(ev.data);
    showError('The broadcast stopped', Object.assign(new Error(e.message), e));
    finish();
  });
  es.onerror = () => {
    if (es.readyState === EventSource.CLOSED) finish();
  };
}

async function startBroadcast(ev) {
  ev.preventDefault();
  clearError();
  if (checkBroadcast().length || !requireClient()) return;
  const f = new FormData(ev.target);
  const runId = String(f.get('runId')).trim() || crypto.randomUUID();
  const body = { ...broadcastRequest(), runId, perSecond: Number(f.get('perSecond')) || undefined };
  try {
    const r = await fetch(`${baseUrl}/broadcasts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = await r.json();
    if (r.status === 400 && answer.violations) return showViolations([ev.target], answer.violations);
    if (!r.ok) throw new Error(answer.error ?? `HTTP ${r.status}`);
    $('#broadcast-form [name=runId]').value = answer.runId;
    $('#broadcast-failures').hidden = true;
    $('#broadcast-status').textContent = `Run ${answer.runId}: starting…`;
    watch(answer.runId);
    checkBroadcast();
  } catch (e) {
    showError('Could not start the broadcast', e);
  }
}

async function stopBroadcast() {
  const runId = $('#broadcast-form [name=runId]').value;
  await fetch(`${baseUrl}/broadcasts/${encodeURIComponent(runId)}`, { method: 'DELETE' }).catch((e) => showError('Could not stop the broadcast', e));
}

// ---- start ------------------------------------------------------------------------------

await init();
const params = new URLSearchParams(location.search);
$('#connect-form [name=baseUrl]').value = params.get('api') ?? 'https://sg.sobot.com';
if (params.get('page')) $('#connect-form [name=pageId]').value = params.get('page');

$('#connect-form').addEventListener('submit', connect);
$('#topic-form').addEventListener('input', (ev) => {
  touched.add(ev.target.name);
  checkTopic();
});
$('#topic-form').addEventListener('change', (ev) => {
  touched.add(ev.target.name);
  checkTopic();
});
$('#connect-form [name=pageId]').addEventListener('input', () => (checkTopic(), checkBroadcast()));
$('#broadcast-form').addEventListener('input', () => checkBroadcast());
$('#broadcast-form').addEventListener('submit', startBroadcast);
$('#broadcast-stop').addEventListener('click', stopBroadcast);
$('#topic-form').addEventListener('submit', saveTopic);
$('#topic-cancel').addEventListener('click', resetTopicForm);
$('#topic-filter').addEventListener('submit', (ev) => (ev.preventDefault(), clearError(), loadTopics(1)));
$('#task-filter').addEventListener('submit', (ev) => (ev.preventDefault(), clearError(), loadTasks(1)));
$('#record-filter').addEventListener('submit', (ev) => (ev.preventDefault(), clearError(), loadRecords(1)));
$('#task-filter [name=channel]').addEventListener('change', () => loadTasks(1));
$('#record-filter [name=channel]').addEventListener('change', () => loadRecords(1));
resetTopicForm();
checkBroadcast();
document.body.dataset.ready = 'true';
