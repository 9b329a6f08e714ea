// Small helpers shared by the harness scripts (build, bootstrap, test, demo).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Cargo's bin folder (where `cargo install` puts wasm-bindgen), first on PATH for every child. */
export const cargoBinDir = join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'bin');
process.env.PATH = `${cargoBinDir}${delimiter}${process.env.PATH ?? ''}`;

/** Runs a command with inherited stdio; throws with its exit code on failure. */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
  return r;
}

/** Runs a command and returns its stdout, or null when it cannot run. */
export function capture(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', ...opts });
  if (r.error || r.status !== 0) return null;
  return r.stdout;
}

/** The exact version of `crate` locked in Cargo.lock, or null. */
export function lockedVersion(crate) {
  let lock;
  try {
    lock = readFileSync(join(root, 'Cargo.lock'), 'utf8');
  } catch {
    return null;
  }
  const m = lock.match(new RegExp(`\\[\\[package\\]\\]\\nname = "${crate}"\\nversion = "([^"]+)"`));
  return m ? m[1] : null;
}

/** The wasm-bindgen version pinned in Cargo.toml (`=x.y.z`). */
export function pinnedWasmBindgen() {
  const toml = readFileSync(join(root, 'Cargo.toml'), 'utf8');
  const m = toml.match(/^wasm-bindgen = "=([^"]+)"/m);
  if (!m) throw new Error('Cargo.toml must pin wasm-bindgen exactly (wasm-bindgen = "=x.y.z")');
  return m[1];
}

export const log = (msg) => console.log(`\x1b[36m›\x1b[0m ${msg}`);
