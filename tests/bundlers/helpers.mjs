// What the bundler tests share: a temporary project that depends on the built
// package as an install does, the apps its bundles are built from, the
// emulator, a static server and Chromium.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { getToken } from 'sobot-channels';
import { startEmulator } from '../emulator/index.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const LINE_SECRET = 'bundled-line-secret';
const LINE_BODY = JSON.stringify({
  destination: 'Ubot',
  events: [{
    type: 'message', mode: 'active', timestamp: 1700000000000, webhookEventId: 'E1',
    deliveryContext: { isRedelivery: false }, source: { type: 'user', userId: 'Uuser' },
    replyToken: 'r1', message: { id: 'm1', type: 'text', text: 'hello', quoteToken: 'q' },
  }],
});
const SIGNATURE = createHmac('sha256', LINE_SECRET).update(LINE_BODY).digest('base64');
const LINE_TASKS = 3;

// The browser app: both entries' wasm loaded, a client with a read-only token
// store calling the emulator, a validator, and a signed LINE webhook verified
// and parsed by `sobot-channels/webhook`. `wasm` is what each `init` is handed.
const BROWSER_APP = `import { init, SobotClient, validateTopic } from 'sobot-channels';
import { init as initWebhook, parseEvents, verifyLineSignature } from 'sobot-channels/webhook';

export async function run(wasm = {}) {
  const q = new URLSearchParams(location.search);
  await init(wasm.main);
  await initWebhook(wasm.webhook);
  const token = { token: q.get('token'), expiresAt: Number(q.get('expiresAt')) };
  const sobot = new SobotClient({ appId: 'demo-app', baseUrl: q.get('api'), tokenStore: { get: async () => token } });
  const page = await sobot.line.queryTaskList({ page_no: 1, page_size: 15 });
  const topic = { appid: '106474898833640', title: 'x'.repeat(66), describe: 'd', image_ratio: 'SQUARE', button_type: 'ALLOW' };
  const body = new TextEncoder().encode(${JSON.stringify(LINE_BODY)});
  return {
    tasks: page.total_count,
    violations: validateTopic(topic).map((v) => v.rule + ' ' + v.path),
    verified: verifyLineSignature(body, ${JSON.stringify(LINE_SECRET)}, q.get('signature')),
    forged: verifyLineSignature(body, 'another secret', q.get('signature')),
    events: parseEvents('line', body).map((e) => e.kind + ' ' + e.text),
  };
}
`;

// The Node app: a client getting its token and calling the emulator, and the
// same webhook through `sobot-channels/webhook`; it prints one RESULT line.
// As an ES module or, with `require`, as CommonJS.
const nodeApp = (esm) => `${esm
  ? "import { SobotClient } from 'sobot-channels';\nimport { parseEvents, verifyLineSignature } from 'sobot-channels/webhook';"
  : "const { SobotClient } = require('sobot-channels');\nconst { parseEvents, verifyLineSignature } = require('sobot-channels/webhook');"}

async function main() {
  const [api, signature] = process.argv.slice(2);
  const sobot = new SobotClient({ appId: 'demo-app', appKey: 'demo-key', baseUrl: api });
  const page = await sobot.line.queryTaskList({ page_no: 1, page_size: 15 });
  const body = new TextEncoder().encode(${JSON.stringify(LINE_BODY)});
  return {
    tasks: page.total_count,
    verified: verifyLineSignature(body, ${JSON.stringify(LINE_SECRET)}, signature),
    events: parseEvents('line', body).map((e) => e.kind + ' ' + e.text),
  };
}
main().then((r) => console.log('RESULT ' + JSON.stringify(r)), (e) => { console.error(e); process.exitCode = 1; });
`;

/** What both apps answer when the bundle works. */
const EXPECTED_WEBHOOK = { verified: true, events: ['message hello'] };

/**
 * A temporary project with the built package in node_modules: copied, not
 * linked, as an install leaves it (bundlers and Vite's dependency
 * pre-bundling treat linked packages as the project's own source). Holds
 * `app.js` (the browser app), `main.js` (runs it with the entries' own wasm
 * lookup), `index.html` (for Vite), and `node-app.js` and `node-app.cjs`.
 */
export function createProject(t) {
  const dir = mkdtempSync(join(tmpdir(), 'sobot-bundlers-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'node_modules'));
  cpSync(join(root, 'pkg'), join(dir, 'node_modules', 'sobot-channels'), { recursive: true, dereference: true });
  const files = {
    'package.json': JSON.stringify({ name: 'app', private: true, type: 'module', dependencies: { 'sobot-channels': '*' } }),
    'app.js': BROWSER_APP,
    'main.js': "import { run } from './app.js';\nwindow.result = run();\n",
    'index.html': page('/main.js', 'module'),
    'node-app.js': nodeApp(true),
    'node-app.cjs': nodeApp(false),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** An HTML page that loads `src` as a `type` script. */
export function page(src, type) {
  return `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>app</title>` +
    `<script${type === 'module' ? ' type="module"' : ''} src="${src}"></script>`;
}

/** The emulator with a few LINE tasks and a token obtained for it in Node; closed after `t`. */
export async function emulator(t) {
  const emu = await startEmulator({ seed: 1, generate: { lineTasks: LINE_TASKS } });
  t.after(() => emu.close());
  const { token, expiresAt } = await getToken({ appId: 'demo-app', appKey: 'demo-key', baseUrl: emu.url });
  return { emu, token, expiresAt };
}

/** Headless Chromium (Debian's), closed after `t`. */
export async function launchChromium(t) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  t.after(() => browser.close());
  return browser;
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

/**
 * Serves the files of `dir` (a bundle's output) on 127.0.0.1, `/` as `html`;
 * `served` lists the paths answered 200. Closed after `t`.
 */
export async function serve(t, dir, html) {
  const served = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path === '/') {
      res.writeHead(200, { 'content-type': TYPES['.html'] });
      return res.end(html);
    }
    const rel = normalize(path.slice(1));
    try {
      if (rel.startsWith('..') || rel.includes(`..${sep}`)) throw new Error('outside');
      const body = await readFile(join(dir, rel));
      res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream' });
      res.end(body);
      served.push(path);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => server.close(r)));
  return { url: `http://127.0.0.1:${server.address().port}`, served };
}

/**
 * Opens `url` with the emulator's address and token in its query, waits for
 * the page's `window.result` and checks it: the call reached the emulator with
 * the stored token (no `get_token` from the page), validation and the webhook
 * worked, and no error was thrown.
 */
export async function checkPage(browser, url, { emu, token, expiresAt }) {
  const tab = await browser.newPage();
  const errors = [];
  tab.on('pageerror', (e) => errors.push(e.message));
  try {
    const query = new URLSearchParams({ api: emu.url, token, expiresAt: String(expiresAt), signature: SIGNATURE });
    const before = { tasks: emu.admin.count('line.query_task_list'), tokens: emu.admin.count('get_token') };
    await tab.goto(`${url}/?${query}`);
    await tab.waitForFunction(() => window.result !== undefined);
    const result = await tab.evaluate(() => window.result.then((r) => r, (e) => ({ error: `${e.name}: ${e.message}` })));
    assert.deepEqual(errors, []);
    assert.deepEqual(result, {
      tasks: LINE_TASKS,
      violations: ['max_length title'],
      forged: false,
      ...EXPECTED_WEBHOOK,
    });
    assert.equal(emu.admin.count('line.query_task_list'), before.tasks + 1);
    assert.equal(emu.admin.count('get_token'), before.tokens);
  } finally {
    await tab.close();
  }
}

/** Runs a Node bundle against the emulator; resolves to its exit code, its RESULT (or null) and its stderr. */
export function runNode(file, { emu }) {
  return new Promise((resolve) => {
    execFile(process.execPath, [file, emu.url, SIGNATURE], { timeout: 60_000 }, (error, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      resolve({ code: error ? error.code ?? 1 : 0, result: line ? JSON.parse(line.slice(7)) : null, stderr });
    });
  });
}

/** Checks a Node bundle's run: it called the emulator and handled the webhook. */
export function checkNodeRun(run) {
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.result, { tasks: LINE_TASKS, ...EXPECTED_WEBHOOK });
}

/** Checks that the page fetched two .wasm files, both from the bundle's output. */
export function checkServedWasm(served) {
  assert.equal(served.filter((p) => p.endsWith('.wasm')).length, 2, served.join('\n'));
}
