// The handler in Bun (Bun.serve) and Deno (Deno.serve), both from their npm
// packages, importing the built package from a project that depends on it:
// the same answers over real HTTP on loopback as in Node.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { LINE_SECRET, lineBody, lineSignature } from './webhook-handler-helpers.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);
let project;

before(() => {
  project = mkdtempSync(join(tmpdir(), 'sobot-runtimes-'));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(join(root, 'pkg'), join(project, 'node_modules', 'sobot-channels'), 'dir');
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ type: 'module', private: true, dependencies: { 'sobot-channels': '*' } }),
  );
  cpSync(join(root, 'tests', 'runtimes', 'webhook-server.mjs'), join(project, 'webhook-server.mjs'));
});
after(() => rmSync(project, { recursive: true, force: true }));

/** Starts the server script under `command`; resolves to `{ url, stop() }` once it listens. */
function start(command, args) {
  const child = spawn(command, [...args, 'webhook-server.mjs'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${command} exited (${code}): ${output}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^LISTENING (\d+)$/.exec(line);
      if (m) resolve({ url: `http://127.0.0.1:${m[1]}`, stop: () => child.kill('SIGKILL') });
      else output += `${line}\n`;
    });
  });
}

async function exercise({ url }) {
  const post = (body, sig = lineSignature(body)) =>
    fetch(`${url}/webhook`, { method: 'POST', body, headers: { 'x-line-signature': sig } });
  const body = lineBody('R1', 'R2');
  assert.equal((await post(body)).status, 200);
  assert.equal((await post(body)).status, 200);
  assert.equal((await post(body, lineSignature(body, 'other'))).status, 401);
  assert.equal((await post(lineBody(...Array.from({ length: 60 }, (_, i) => `B${i}`)))).status, 413);
  assert.equal((await fetch(`${url}/webhook`, { method: 'PUT', body })).status, 405);
  assert.deepEqual(await (await fetch(`${url}/handed`)).json(), ['R1', 'R2']);
  assert.equal(LINE_SECRET, 'line-channel-secret', 'the server script signs with the same secret');
}

test('Bun', async () => {
  const server = await start(bin('bun'), []);
  try {
    await exercise(server);
  } finally {
    server.stop();
  }
});

test('Deno', async () => {
  const server = await start(bin('deno'), ['run', '--no-lock', '--node-modules-dir=manual', '--allow-net=127.0.0.1', '--allow-read', '--allow-env']);
  try {
    await exercise(server);
  } finally {
    server.stop();
  }
});
