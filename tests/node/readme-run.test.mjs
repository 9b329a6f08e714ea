// The README's "Testing your bot" snippet, run as written in a project that installs the
// built package: a send reaches the shipped emulator and a signed webhook reaches the
// bot's handler. (Every README snippet is also type-checked: scripts/type-tests.mjs.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
let project;

/** The first JavaScript block under the README heading `heading`. */
function snippetUnder(heading) {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const at = readme.indexOf(`\n${heading}\n`);
  assert.ok(at >= 0, `README has "${heading}"`);
  const block = readme.slice(at).match(/```js\n([\s\S]*?)```/);
  assert.ok(block, `a js block under "${heading}"`);
  return block[1];
}

before(() => {
  project = mkdtempSync(join(tmpdir(), 'sobot-readme-'));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ private: true, type: 'module', dependencies: { 'sobot-channels': `file:${join(root, 'pkg')}` } }),
  );
  const npm = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'], {
    cwd: project,
    encoding: 'utf8',
  });
  assert.equal(npm.status, 0, npm.stderr);
});
after(() => project && rmSync(project, { recursive: true, force: true }));

test('"Testing your bot" runs as written: one send accepted, one webhook handled', async () => {
  writeFileSync(join(project, 'bot.mjs'), snippetUnder('### Testing your bot'));
  const child = spawn(process.execPath, ['bot.mjs'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, stderr);
  assert.deepEqual(stdout.trim().split('\n'), ['1', '200 message']);
});
