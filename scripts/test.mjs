// `npm test`: every suite — native Rust, wasm in Node and headless Chromium,
// JS tests against the built package (Node, workerd, Chromium), package
// checks — ending with one line `N passed, N failed` over all of them.
//
//   node scripts/test.mjs [--only name,name] [--skip-build]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { root, log } from './lib.mjs';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : null;
const skipBuild = args.includes('--skip-build');
const out = join(root, 'test-output');
mkdirSync(out, { recursive: true });

const chromedriver = process.env.CHROMEDRIVER ?? '/usr/bin/chromedriver';
const results = [];

/** Runs a command, streaming its output, and returns { status, stdout }. */
function exec(cmd, argv, env = {}) {
  const r = spawnSync(cmd, argv, {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  });
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  return { status: r.status ?? 1, text: `${r.stdout ?? ''}\n${r.stderr ?? ''}`, error: r.error };
}

function suite(name, fn) {
  if (only && !only.some((o) => name.startsWith(o))) return;
  log(name);
  const t0 = Date.now();
  let r;
  try {
    r = fn();
  } catch (e) {
    console.error(e);
    r = { passed: 0, failed: 1 };
  }
  results.push({ name, ...r, seconds: (Date.now() - t0) / 1000 });
}

/** Counts from cargo's `test result:` lines; a failure without them is one failed test. */
function cargo(argv, env) {
  const r = exec('cargo', argv, env);
  let passed = 0;
  let failed = 0;
  for (const m of r.text.matchAll(/test result: \w+\. (\d+) passed; (\d+) failed/g)) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  if (r.status !== 0 && failed === 0) failed = 1;
  return { passed, failed };
}

/** A check that is one test: it passes when the command exits 0. */
function check(cmd, argv, env) {
  const r = exec(cmd, argv, env);
  return r.status === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
}

function testFiles(dir) {
  const found = [];
  const walk = (d) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.test\.[cm]js$/.test(e.name)) found.push(relative(root, p));
    }
  };
  walk(join(root, dir));
  return found.sort();
}

/** node:test over files, counted from its TAP summary. */
function nodeTests(files, tapName) {
  if (files.length === 0) return { passed: 0, failed: 0 };
  const tap = join(out, `${tapName}.tap`);
  rmSync(tap, { force: true });
  const r = exec(process.execPath, [
    '--test',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...files,
  ]);
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const count = (k) => Number(text.match(new RegExp(`^# ${k} (\\d+)$`, 'm'))?.[1] ?? 0);
  const passed = count('pass');
  let failed = count('fail') + count('cancelled');
  if (r.status !== 0 && failed === 0) failed = 1;
  return { passed, failed };
}

if (!skipBuild) {
  suite('build', () => check(process.execPath, ['scripts/build.mjs']));
  if (results.at(-1)?.failed) finish();
}

suite('rustfmt', () => check('cargo', ['fmt', '--all', '--check']));
suite('clippy', () => check('cargo', ['clippy', '--all-targets', '--', '-D', 'warnings']));
suite('clippy wasm32', () =>
  check('cargo', ['clippy', '--target', 'wasm32-unknown-unknown', '--all-targets', '--', '-D', 'warnings']),
);
// the webhook entry's build (`sobot-channels/webhook`), in the build's own target folder
suite('clippy wasm32, webhook build', () =>
  check('cargo', ['clippy', '--target', 'wasm32-unknown-unknown', '--lib', '--no-default-features',
    '--target-dir', 'target/webhook', '--', '-D', 'warnings']),
);
suite('fuzz targets compile', () => check('cargo', ['check', '--manifest-path', 'fuzz/Cargo.toml']));
suite('cargo test (native)', () => cargo(['test']));
suite('wasm-bindgen-test (Node)', () => cargo(['test', '--target', 'wasm32-unknown-unknown', '--test', 'wasm']));
suite('wasm-bindgen-test (Chromium)', () =>
  cargo(['test', '--target', 'wasm32-unknown-unknown', '--test', 'wasm'], {
    WASM_BINDGEN_USE_BROWSER: '1',
    CHROMEDRIVER: chromedriver,
    WASM_BINDGEN_TEST_WEBDRIVER_JSON: join(root, 'webdriver.json'),
  }),
);
for (const [name, dirs] of [
  ['node:test emulator', ['tests/emulator']],
  ['node:test package (Node)', ['tests/node']],
  ['node:test Workers (workerd)', ['tests/workers']],
  ['node:test browser (Chromium)', ['tests/browser']],
  ['node:test bundlers', ['tests/bundlers']],
  ['node:test examples', ['examples']],
]) {
  suite(name, () => nodeTests(dirs.flatMap(testFiles), name.replace(/[^a-z]+/gi, '-')));
}
// strict TypeScript over tests/types, every README snippet and one call per endpoint with
// its document example (scripts/type-tests.mjs), with node16 and with bundler resolution
suite('types: generate', () => check(process.execPath, ['scripts/type-tests.mjs']));
for (const config of ['tsconfig.json', 'tsconfig.bundler.json', 'tsconfig.readme.json', 'tsconfig.readme.bundler.json']) {
  suite(`types (tsc --strict, ${config})`, () => check(join(root, 'node_modules', '.bin', 'tsc'), ['-p', `tests/types/${config}`]));
}
// `npm publish --dry-run` exits 0 and warns of nothing but the missing login
// (a metadata problem npm would auto-correct is a warning).
suite('package: npm publish --dry-run', () => {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['publish', '--dry-run'], { cwd: join(root, 'pkg'), encoding: 'utf8' });
  const text = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  const warnings = text.split('\n').filter((l) => /^npm (warn|WARN|ERR)/.test(l) && !/requires you to be logged in/.test(l));
  for (const w of warnings) console.error(w);
  return r.status === 0 && warnings.length === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
});
suite('package: publint', () => check(join(root, 'node_modules', '.bin', 'publint'), ['run', 'pkg', '--strict']));
suite('package: attw', () => check(join(root, 'node_modules', '.bin', 'attw'), ['--pack', 'pkg', '--format', 'table', '--exclude-entrypoints', './sobot_channels_bg.wasm', './sobot_channels_webhook_bg.wasm']));

finish();

function finish() {
  console.log('\nsuite'.padEnd(40) + 'passed  failed  seconds');
  for (const r of results) {
    console.log(`${r.name.padEnd(39)}${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${r.seconds.toFixed(1).padStart(7)}`);
  }
  const passed = results.reduce((a, r) => a + r.passed, 0);
  const failed = results.reduce((a, r) => a + r.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}
