// Installs what the build and the tests need, idempotently and quickly when
// everything is present: the wasm32 target, the wasm-bindgen CLI of the exact
// version the crate locks, npm packages, and (for tests) Debian's Chromium,
// ChromeDriver and redis-server. Nothing is downloaded from outside the package registries.
//
//   node scripts/bootstrap.mjs            # build needs
//   node scripts/bootstrap.mjs --test     # build needs + browser and Redis test needs
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { root, run, capture, lockedVersion, pinnedWasmBindgen, log } from './lib.mjs';

const forTests = process.argv.includes('--test');
const started = Date.now();

// 1. The wasm32 target.
const targets = capture('rustup', ['target', 'list', '--installed']);
if (targets === null) throw new Error('rustup is required (the Rust toolchain manager)');
if (!targets.split('\n').includes('wasm32-unknown-unknown')) {
  log('rustup target add wasm32-unknown-unknown');
  run('rustup', ['target', 'add', 'wasm32-unknown-unknown']);
}

// 2. Cargo.lock, so the wasm-bindgen version is known before the CLI is chosen.
if (!lockedVersion('wasm-bindgen')) {
  log('cargo generate-lockfile');
  run('cargo', ['generate-lockfile']);
}
const want = lockedVersion('wasm-bindgen') ?? pinnedWasmBindgen();
const have = capture('wasm-bindgen', ['--version'])?.trim();
if (have !== `wasm-bindgen ${want}`) {
  log(`cargo install wasm-bindgen-cli --version ${want} (found: ${have ?? 'none'}); this takes a few minutes`);
  run('cargo', ['install', 'wasm-bindgen-cli', '--version', want, '--force']);
}

// 3. npm packages, when node_modules is missing or older than the lockfile.
const lock = join(root, 'package-lock.json');
const installed = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  log('npm ci');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

// 4. Debian packages of the tests: Chromium and ChromeDriver (browser tests),
// redis-server (the Redis token store's tests).
if (forTests) {
  const chromium = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
  const driver = process.env.CHROMEDRIVER ?? '/usr/bin/chromedriver';
  const redis = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
  const missing = [];
  if (!existsSync(chromium) || !existsSync(driver)) missing.push('chromium', 'chromium-driver');
  if (!existsSync(redis)) missing.push('redis-server');
  if (missing.length > 0) {
    const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const sudo = asRoot ? [] : ['sudo', '-n'];
    const apt = (args) => {
      const [cmd, ...rest] = [...sudo, 'apt-get', ...args];
      run(cmd, rest, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    };
    log(`apt-get install ${missing.join(' ')}`);
    apt(['update', '-qq']);
    apt(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
  }
}

log(`bootstrap done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
