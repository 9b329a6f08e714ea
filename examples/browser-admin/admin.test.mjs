// The admin page in headless Chromium (Debian's, driven by playwright-core) against the
// emulator: connect, topics (validation, create, edit, delete, paging), send records
// (paging, filters), task charts, error messages, and the proxy. Saves screenshots under
// test-output/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { SobotClient } from 'sobot-channels';
import { startEmulator } from '../../tests/emulator/index.mjs';
import { serveAdmin } from './serve.mjs';
import { createProxy } from './proxy.mjs';

const PAGE_ID = '110661988000000';
const out = fileURLToPath(new URL('../../test-output/', import.meta.url));
let emu;
let site;
let browser;
let page;
const pageErrors = [];

before(async () => {
  mkdirSync(out, { recursive: true });
  emu = await startEmulator({ seed: 5, generate: { titles: 12, messengerTasks: 8, messengerRecords: 45, lineTasks: 4, lineRecords: 9 } });
  site = await serveAdmin();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
});
after(async () => {
  await browser?.close();
  await site?.close();
  await emu?.close();
});

const status = () => page.locator('#connection-status');
const pagerLabel = (name) => page.locator(`[data-pager=${name}] .page-label`);

async function connect(api, appKey = 'demo-key') {
  await page.goto(`${site.url}/?api=${encodeURIComponent(api)}&page=${PAGE_ID}`);
  await page.waitForSelector('body[data-ready=true]');
  await page.fill('[name=appId]', 'demo-app');
  await page.fill('[name=appKey]', appKey);
  await page.click('#connect');
}

test('connects with the app id and key, kept in memory only', async () => {
  await connect(emu.url);
  await page.locator('#connection-status.status-ok').waitFor();
  assert.match(await status().textContent(), /^Connected to http:\/\/127\.0\.0\.1:\d+ · token valid until /);
  const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie, url: location.href }));
  assert.deepEqual({ ...stored, url: stored.url.includes('demo-key') }, { local: 0, session: 0, cookie: '', url: false });
  assert.equal(emu.admin.count('get_token'), 1);
  // The three tables loaded.
  await page.locator('#topic-table tbody tr[data-configid]').first().waitFor();
  assert.equal(await page.locator('#topic-table tbody tr').count(), 10);
  assert.equal(await pagerLabel('topics').textContent(), 'Page 1 of 2 · 12 in all');
});

test('a 66-character title is flagged under the field before any request', async () => {
  emu.admin.clearRequests();
  await page.fill('#topic-title', 'x'.repeat(66));
  const message = page.locator('#topic-form [data-violation-for=title]');
  assert.equal(await message.textContent(), 'title must be at most 65 characters (UTF-16 code units), got 66');
  assert.equal(await page.getAttribute('#topic-title', 'aria-invalid'), 'true');
  assert.equal(await page.locator('[data-counter-for=title]').textContent(), '66 / 65');
  assert.equal(await page.isDisabled('#topic-submit'), true);
  // Untouched fields do not shout yet.
  assert.equal(await page.locator('#topic-form [data-violation-for=describe]').textContent(), '');
  await page.screenshot({ path: `${out}browser-admin-validation.png`, fullPage: true });
  await page.fill('#topic-title', 'x'.repeat(65));
  assert.equal(await message.textContent(), '');
  assert.equal(emu.admin.count('create_or_update_title'), 0);
  assert.equal(emu.admin.count('*'), 0, 'no request at all while typing');
});

test('creates, edits and deletes a topic', async () => {
  await page.fill('#topic-title', 'Spring sale');
  await page.fill('#topic-form [name=describe]', 'x');
  await page.fill('#topic-form [name=describe]', '');
  assert.equal(await page.locator('#topic-form [data-violation-for=describe]').textContent(), 'describe is required and must not be empty');
  await page.fill('#topic-form [name=describe]', 'Twice a month, the best offers');
  await page.selectOption('#topic-form [name=button_type]', 'SIGN_UP');
  assert.equal(await page.isDisabled('#topic-submit'), false);
  await page.click('#topic-submit');
  await page.locator('#notice', { hasText: 'Created “Spring sale”' }).waitFor();
  const created = (await emu.admin.requests({ route: 'create_or_update_title' })).at(-1);
  assert.deepEqual(
    { ...created.body, ret_code: created.ret_code },
    { appid: PAGE_ID, title: 'Spring sale', describe: 'Twice a month, the best offers', image_ratio: 'HORIZONTAL', button_type: 'SIGN_UP', timezone: 'UTC', ret_code: '000000' },
  );
  const row = page.locator('#topic-table tbody tr', { hasText: 'Spring sale' });
  await row.waitFor();
  assert.equal(await pagerLabel('topics').textContent(), 'Page 1 of 2 · 13 in all');

  // Edit: the title is fixed (210011), the description changes.
  await row.locator('button', { hasText: 'Edit' }).click();
  assert.equal(await page.locator('#topic-title').evaluate((e) => e.readOnly), true);
  await page.fill('#topic-form [name=describe]', 'Every week now');
  await page.click('#topic-submit');
  await page.locator('#notice', { hasText: 'Saved “Spring sale”' }).waitFor();
  await page.locator('#topic-table tbody tr', { hasText: 'Every week now' }).waitFor();
  assert.equal(emu.admin.lastRequest('create_or_update_title').body.configid, await row.getAttribute('data-configid'));

  // Delete takes two clicks.
  const del = row.locator('button', { hasText: 'Delete' });
  await del.click();
  assert.equal(emu.admin.count('del_title'), 0);
  await row.locator('button', { hasText: 'Confirm delete' }).click();
  await page.locator('#notice', { hasText: 'Deleted “Spring sale”' }).waitFor();
  await page.locator('#topic-table tbody tr', { hasText: 'Spring sale' }).waitFor({ state: 'detached' });
  assert.equal(emu.admin.lastRequest('del_title').ret_code, '000000');
});

test('an API error is explained in words, with the code', async () => {
  // Create a topic that exists already: Sobot answers 210008.
  await page.fill('#topic-title', 'topic 1');
  await page.fill('#topic-form [name=describe]', 'again');
  await page.click('#topic-submit');
  const error = page.locator('#error');
  await error.waitFor();
  assert.match(await error.textContent(), /^Could not create the topic: .+ — Sobot error 210008 \(messenger\.create_or_update_title\)\./);
});

test('pages through the send records and filters them', async () => {
  const rows = page.locator('#record-table tbody tr');
  assert.equal(await pagerLabel('records').textContent(), 'Page 1 of 5 · 45 in all');
  assert.equal(await page.isDisabled('[data-pager=records] [data-action=prev]'), true);
  const first = await rows.first().textContent();
  await page.click('[data-pager=records] [data-action=next]');
  await page.locator('[data-pager=records] .page-label', { hasText: 'Page 2 of 5' }).waitFor();
  assert.notEqual(await rows.first().textContent(), first);
  assert.equal(emu.admin.lastRequest('messenger.send_record_list').body.page_no, 2);
  for (let i = 2; i < 5; i++) await page.click('[data-pager=records] [data-action=next]');
  await page.locator('[data-pager=records] .page-label', { hasText: 'Page 5 of 5' }).waitFor();
  assert.equal(await rows.count(), 5);
  assert.equal(await page.isDisabled('[data-pager=records] [data-action=next]'), true);

  // Only the failed sends.
  await page.selectOption('#record-filter [name=message_status]', '9');
  await page.click('#record-filter button[type=submit]');
  await page.locator('[data-pager=records] .page-label', { hasText: 'Page 1 of' }).waitFor();
  const req = emu.admin.lastRequest('messenger.send_record_list');
  assert.equal(req.body.message_status, '9');
  const total = Number((await pagerLabel('records').textContent()).match(/(\d+) in all/)[1]);
  assert.ok(total > 0 && total < 45, `failed records: ${total}`);
  for (const text of await page.locator('#record-table tbody td:nth-child(5)').allTextContents()) assert.match(text, /^failed \w+/);

  // LINE's records.
  await page.selectOption('#record-filter [name=channel]', 'line');
  await page.selectOption('#record-filter [name=message_status]', '');
  await page.click('#record-filter button[type=submit]');
  await page.locator('[data-pager=records] .page-label', { hasText: '9 in all' }).waitFor();
  await page.selectOption('#record-filter [name=channel]', 'messenger');
  await page.locator('[data-pager=records] .page-label', { hasText: '45 in all' }).waitFor();
});

test('draws a chart per task from its numbers', async () => {
  const rows = page.locator('#task-table tbody tr');
  assert.equal(await rows.count(), 8);
  for (let i = 0; i < 8; i++) {
    const row = rows.nth(i);
    const cells = await row.locator('td.num').allTextContents();
    const [estimated, sent, failed, delivered, read] = cells.map((c) => Number(c.replace(/\D/g, '')));
    const chart = row.locator('svg.chart');
    assert.equal(await chart.locator('rect').count(), 5);
    assert.equal(await chart.getAttribute('aria-label'), `messenger task ${i + 1}: estimated ${estimated}, sent ${sent}, failed ${failed}, delivered ${delivered}, read ${read}`);
    const width = async (s) => Number(await chart.locator(`rect[data-series=${s}]`).getAttribute('width'));
    const max = Math.max(estimated, sent, failed, delivered, read);
    assert.ok(Math.abs((await width('estimated')) / (await width(max === estimated ? 'estimated' : 'sent')) - estimated / max) < 0.02);
    assert.ok(Math.abs((await width('sent')) * estimated - (await width('estimated')) * sent) <= estimated * 0.1 + 1);
  }
  // Filter by name.
  await page.fill('#task-filter [name=task_name]', 'messenger task 3');
  await page.click('#task-filter button[type=submit]');
  await page.locator('#task-table tbody tr', { hasText: 'messenger task 3' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#task-table tbody tr').length === 1);
  assert.equal(emu.admin.lastRequest('messenger.query_task_list').body.task_name, 'messenger task 3');
  await page.fill('#task-filter [name=task_name]', '');
  await page.click('#task-filter button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#task-table tbody tr').length === 8);
  await page.evaluate(() => (document.querySelector('#error').hidden = true));
  await page.screenshot({ path: `${out}browser-admin.png`, fullPage: true });
  assert.deepEqual(pageErrors, []);
});

test('a wrong key and an unreachable URL get clear messages', async () => {
  await connect(emu.url, 'not-the-key');
  const error = page.locator('#error');
  await error.waitFor();
  assert.match(await error.textContent(), /^Could not connect: .+ — Sobot error 999994/);
  await connect('http://127.0.0.1:9');
  await page.locator('#error', { hasText: 'could not reach http://127.0.0.1:9' }).waitFor();
  assert.match(await error.textContent(), /CORS/);
});

test('through the proxy: CORS for the page\'s origin, no key in the page, and one shared token however many admins connect', async () => {
  const upstream = await startEmulator({ seed: 6, generate: { messengerRecords: 3 } });
  const proxy = createProxy({ upstream: upstream.url, allowOrigin: site.url, appId: 'demo-app', appKey: 'demo-key' });
  await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
  const proxyUrl = `http://127.0.0.1:${proxy.address().port}`;
  try {
    const pre = await fetch(`${proxyUrl}/chat-set/api/messenger/send_record_list`, { method: 'OPTIONS', headers: { origin: site.url, 'access-control-request-headers': 'content-type,token' } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), site.url);
    const other = await fetch(`${proxyUrl}/chat-set/api/messenger/send_record_list`, { method: 'OPTIONS', headers: { origin: 'https://elsewhere.example' } });
    assert.equal(other.status, 403);
    assert.equal((await fetch(`${proxyUrl}/__admin/state`)).status, 404);

    for (let i = 0; i < 2; i++) {
      await connect(proxyUrl, '');
      await page.locator('#connection-status.status-ok').waitFor();
      await page.locator('[data-pager=records] .page-label', { hasText: '3 in all' }).waitFor();
    }
    assert.equal(upstream.admin.count('get_token'), 1, 'the proxy asked Sobot for one token');
    // A page that brings a key anyway is refused its get_token: the proxy holds the token.
    await connect(proxyUrl, 'demo-key');
    await page.locator('#error', { hasText: 'HTTP 403' }).waitFor();
    assert.equal(upstream.admin.count('get_token'), 1);
  } finally {
    // Chromium may hold a preconnected socket that never sends a request; without
    // closing it, `close()` waits for the server's 60 s headers timeout.
    await new Promise((r) => {
      proxy.close(r);
      proxy.closeAllConnections();
    });
    await upstream.close();
  }
});

test('sends to a topic\'s subscribers through the proxy: checked as typed, live progress, stopped and resumed', async () => {
  const upstream = await startEmulator({ seed: 8 });
  upstream.admin.generate({ subscribers: { count: 300, title: 'weekly news' } });
  const lister = new SobotClient({ appId: 'demo-app', appKey: 'demo-key', baseUrl: upstream.url });
  const subscribers = [];
  for await (const s of lister.messenger.subUsers({ appid: PAGE_ID, title: 'weekly news' })) subscribers.push(s);
  upstream.admin.invalidateToken();
  const active = subscribers.filter((s) => s.sub_status === 1);
  const proxy = createProxy({ upstream: upstream.url, allowOrigin: site.url, appId: 'demo-app', appKey: 'demo-key' });
  await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
  const proxyUrl = `http://127.0.0.1:${proxy.address().port}`;
  const button = page.locator('#broadcast-start');
  const statusLine = page.locator('#broadcast-status');
  try {
    // Without the proxy (a key in the page) the panel cannot send.
    await connect(upstream.url);
    await page.locator('#connection-status.status-ok').waitFor();
    await page.fill('#broadcast-form [name=title]', 'weekly news');
    await page.fill('#broadcast-form [name=text]', 'Hello');
    assert.equal(await button.isDisabled(), true);

    await connect(proxyUrl, '');
    await page.locator('#connection-status.status-ok').waitFor();
    await page.fill('#broadcast-form [name=title]', 'weekly news');
    await page.fill('#broadcast-form [name=text]', 'x'.repeat(2001));
    await page.locator('[data-violation-for=message]', { hasText: /2000/ }).waitFor();
    assert.equal(await button.isDisabled(), true);
    await page.fill('#broadcast-form [name=text]', 'This week: new arrivals');
    assert.equal(await button.isDisabled(), false);

    // Five sends a second: stopped after ten, long before the end.
    await page.fill('#broadcast-form [name=perSecond]', '5');
    upstream.admin.clearRequests();
    await button.click();
    await page.waitForFunction(() => /Sending: ([1-9]\d+) sent/.test(document.querySelector('#broadcast-status').textContent));
    await page.click('#broadcast-stop');
    await statusLine.filter({ hasText: 'stopped: start it again with this run id' }).waitFor();
    const firstPart = upstream.admin.sends().length;
    assert.ok(firstPart >= 10 && firstPart < active.length, `stopped after ${firstPart}`);
    const runId = await page.inputValue('#broadcast-form [name=runId]');
    assert.match(runId, /^[0-9a-f-]{36}$/);

    // Started again with its run id: only the rest are sent to.
    await page.fill('#broadcast-form [name=perSecond]', '1000');
    await button.click();
    await statusLine.filter({ hasText: /^Done: / }).waitFor();
    const text = await statusLine.textContent();
    assert.match(text, new RegExp(`^Done: ${(active.length - firstPart).toLocaleString('en-US')} sent · ${subscribers.length - active.length} unsubscribed · 0 failed · 0 unknown · ${firstPart} reached before of 300 listed$`));
    assert.equal(await page.locator('progress#broadcast-progress').evaluate((p) => p.value === p.max), true);
    const per = upstream.admin.sendsPerRecipient();
    assert.deepEqual(Object.keys(per).sort(), active.map((s) => s.sub_token).sort());
    assert.ok(Object.values(per).every((n) => n === 1), 'each active subscriber once');
    await page.screenshot({ path: `${out}browser-admin-broadcast.png`, fullPage: true });

    // The proxy refuses a broken request with its violations, a body that is not JSON (a
    // form another site could post without asking), another origin, and a bad run id.
    const json = { 'content-type': 'application/json' };
    const post = (body, headers = json) => fetch(`${proxyUrl}/broadcasts`, { method: 'POST', headers, body: JSON.stringify(body) });
    const bad = await post({ appid: PAGE_ID, message: { pageid: PAGE_ID, type: 'text' } });
    assert.equal(bad.status, 400);
    assert.deepEqual((await bad.json()).violations.map((v) => v.path).sort(), ['message.payload', 'title']);
    const request = { appid: PAGE_ID, title: 'weekly news', message: { pageid: PAGE_ID, type: 'text', payload: 'x' } };
    assert.equal((await post(request, { 'content-type': 'text/plain' })).status, 415);
    assert.equal((await post(request, { ...json, origin: 'https://elsewhere.example' })).status, 403);
    assert.equal((await fetch(`${proxyUrl}/broadcasts/%E0`)).status, 400);
    assert.equal((await post({ ...request, title: 'no such topic' })).status, 400);
    assert.equal(upstream.admin.sends().length, active.length, 'none of these sent anything');
  } finally {
    await new Promise((r) => {
      proxy.close(r);
      proxy.closeAllConnections();
    });
    await upstream.close();
  }
});
