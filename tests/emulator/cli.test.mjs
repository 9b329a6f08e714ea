import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { signFor } from './helpers.mjs';

const CLI = fileURLToPath(new URL('./cli.mjs', import.meta.url));

function run(args) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => (err += d));
  const url = new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /sobot-emulator listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  return { child, url, stderr: () => err };
}

test('the CLI prints its URL, serves, and stops on SIGTERM and SIGINT', async () => {
  for (const signal of ['SIGTERM', 'SIGINT']) {
    const { child, url } = run(['--port', '0', '--seed', '3', '--app-id', 'cli-app', '--app-key', 'cli-key', '--webhook-url', 'http://127.0.0.1:9/hook']);
    const base = await url;
    const ct = String(Math.floor(Date.now() / 1000));
    const r = await fetch(`${base}/api/get_token?appid=cli-app&create_time=${ct}&sign=${signFor('cli-app', ct, 'cli-key')}`);
    const j = await r.json();
    assert.equal(j.ret_code, '000000');
    const cfg = await (await fetch(`${base}/__admin/config`)).json();
    assert.equal(cfg.config.webhookUrl, 'http://127.0.0.1:9/hook');
    assert.equal((await (await fetch(`${base}/__admin/state`)).json()).seed, 3);
    const exited = once(child, 'exit');
    child.kill(signal);
    const [code] = await exited;
    assert.equal(code, 0, signal);
  }
});

test('the CLI --demo-data seeds a browsable dataset; bad arguments exit 2', async () => {
  const { child, url } = run(['--port', '0', '--demo-data']);
  const base = await url;
  const state = await (await fetch(`${base}/__admin/state`)).json();
  assert.ok(state.messengerRecords > 0 && state.conversations > 0 && state.titles > 0);
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;

  const bad = spawn(process.execPath, [CLI, '--nope'], { stdio: 'ignore' });
  const [code] = await once(bad, 'exit');
  assert.equal(code, 2);
  const half = spawn(process.execPath, [CLI, '--app-id', 'x'], { stdio: 'ignore' });
  assert.equal((await once(half, 'exit'))[0], 2);
});
