// The package's browser entry in headless Chromium (Debian's, driven by
// playwright-core): a page imports it as an ES module, awaits init() and signs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = join(root, 'pkg');
const types = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
const PAGE = `<!doctype html><meta charset="utf-8"><title>sobot-channels</title>
<script type="importmap">{"imports":{"sobot-channels":"/pkg/index.browser.js","sobot-channels/webhook":"/pkg/webhook.browser.js"}}</script>
<script type="module">
  import { init, sign, getToken, SobotError } from 'sobot-channels';
  import * as hooks from 'sobot-channels/webhook';
  window.result = (async () => {
    await init();
    const out = { sign: sign('1', '1569397773', '2') };
    try { await getToken({ appId: '', appKey: 'k' }); } catch (e) {
      out.error = { isSobotError: e instanceof SobotError, kind: e.kind, path: e.violations[0].path };
    }
    // the webhook entry: its own wasm, the same SobotError class
    await hooks.init();
    const body = '{"destination":"U1","events":[{"type":"follow","timestamp":1,"source":{"type":"user","userId":"U2"},"replyToken":"r","mode":"active","webhookEventId":"E1","deliveryContext":{"isRedelivery":false}}]}';
    out.webhook = hooks.parseEvents('line', new TextEncoder().encode(body)).map((e) => e.kind);
    try { hooks.parseEvents('line', '{'); } catch (e) {
      out.webhookError = { isSobotError: e instanceof SobotError, kind: e.kind };
    }
    return out;
  })();
</script>`;

let server;
let browser;
let base;

before(async () => {
  server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(PAGE);
    }
    const rel = normalize(path.replace(/^\/pkg\//, ''));
    if (!path.startsWith('/pkg/') || rel.startsWith('..')) {
      res.writeHead(404);
      return res.end();
    }
    try {
      const body = await readFile(join(pkg, rel));
      res.writeHead(200, { 'content-type': types[extname(rel)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

test('the browser entries load their wasm with fetch, sign and parse', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base + '/');
  const result = await page.evaluate(() => window.result);
  assert.deepEqual(errors, []);
  assert.equal(result.sign, '258eec3118705112b2c53dc8043d4d34');
  assert.deepEqual(result.error, { isSobotError: true, kind: 'validation', path: 'appId' });
  assert.deepEqual(result.webhook, ['follow']);
  assert.deepEqual(result.webhookError, { isSobotError: true, kind: 'decode' });
  await page.close();
});

/** The files esbuild reads to bundle `contents` for browsers. */
async function browserInputs(contents) {
  const r = await build({
    stdin: { contents, resolveDir: root },
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'browser',
    external: ['*.wasm'],
    logLevel: 'silent',
  });
  return Object.keys(r.metafile.inputs);
}

test('bundlers targeting browsers resolve the browser entry', async () => {
  const inputs = await browserInputs("export { sign } from 'sobot-channels';");
  assert.ok(inputs.some((p) => p.endsWith('index.browser.js')), inputs.join('\n'));
  assert.ok(!inputs.some((p) => p.includes('index.node')));
});

test('bundlers targeting browsers resolve the webhook entry to its own wasm', async () => {
  const inputs = await browserInputs("export { parseEvents } from 'sobot-channels/webhook';");
  assert.ok(inputs.some((p) => p.endsWith('webhook.browser.js')), inputs.join('\n'));
  assert.ok(!inputs.some((p) => p.endsWith('/sobot_channels.js') || p.includes('index.')), inputs.join('\n'));
});
