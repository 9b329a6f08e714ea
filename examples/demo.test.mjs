// `npm run demo` in CI: the demo (scripts/demo.mjs, on the already built package) must
// exit 0 with a transcript telling the whole story; with --serve it keeps running, prints
// the admin page's URL, serves it, and stops cleanly on SIGINT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function demo(args, onLine) {
  const child = spawn(process.execPath, ['scripts/demo.mjs', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    onLine?.(out, child);
  });
  child.stderr.on('data', (d) => (out += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120000);
  return new Promise((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve({ code, out }))));
}

test('npm run demo tells the whole story and exits 0', async () => {
  const { code, out } = await demo([]);
  assert.equal(code, 0, out);
  for (const re of [
    /^emulator +│ Sobot and Graph emulator on http:\/\/127\.0\.0\.1:\d+/m,
    /^node +│ webhook +opt-in from user \d+: subscribed to "Weekly deals", notification_messages_token \d+$/m,
    /^node +│ send +marketing text with recipient_token → message m_/m,
    /^node +│ webhook +upload result for track_id \w+: attachment_id \d+$/m,
    /^node +│ records +300 send record\(s\)/m,
    /^node +│ done +1 get_token request\(s\) for the whole story$/m,
    /^node +│ graph +30 conversation\(s\) in all$/m,
    /^worker +│ ← 200 OK$/m,
    /^sobot +│ received send from the worker: template\/button to 6200000000000001: "You said “Hi! Where is my order\?”/m,
    /^sobot +│ received get_media_content from the worker for message \d+$/m,
    /^worker +│ ← 401 invalid signature$/m,
    /^sobot +│ 1 get_token call\(s\) from the worker's two isolates, 0 revoked-token answers$/m,
    /^demo done: everything stopped\.$/m,
  ]) assert.match(out, re);
});

test('npm run demo -- --serve prints the admin page URL, serves it, and stops on SIGINT', async () => {
  let page;
  const { code, out } = await demo(['--serve'], (text, child) => {
    const m = text.match(/^admin +│ open (http:\/\/127\.0\.0\.1:\d+\/\?api=\S+)$/m);
    if (m && !page) {
      page = (async () => {
        const res = await fetch(m[1]);
        const html = await res.text();
        const api = decodeURIComponent(new URL(m[1]).searchParams.get('api'));
        const health = await (await fetch(`${api}/__admin/health`)).json();
        child.kill('SIGINT');
        return { status: res.status, title: html.match(/<title>(.*)<\/title>/)[1], health: health.ok };
      })();
    }
  });
  assert.equal(code, 0, out);
  assert.deepEqual(await page, { status: 200, title: 'Sobot admin · sobot-channels', health: true });
  assert.match(out, /^demo done: everything stopped\.$/m);
});
