// Bounded cargo-fuzz run of every target in fuzz/ (or of the targets named):
//
//   node scripts/fuzz.mjs [--seconds N] [target ...]
//
// Installs cargo-fuzz when missing, seeds each target's corpus from
// tests/fixtures/ (plus signed bodies and Retry-After values), runs each
// target for N seconds (default 20), prints executions and crashes per
// target, and exits non-zero when any target crashed. The corpora and crash
// artifacts stay in fuzz/corpus/ and fuzz/artifacts/ (not committed).
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { capture, log, root, run } from './lib.mjs';

const fuzzDir = join(root, 'fuzz');
const fixtures = join(root, 'tests', 'fixtures');
/** The secret the `signature` target verifies with (fuzz/fuzz_targets/signature.rs). */
const SIGNATURE_SECRET = 'fuzz-secret';

function parseArgs(argv) {
  let seconds = 20;
  const targets = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--seconds') {
      seconds = Number(argv[++i]);
    } else if (a.startsWith('--seconds=')) {
      seconds = Number(a.slice('--seconds='.length));
    } else if (a === '--help' || a === '-h') {
      console.log('usage: node scripts/fuzz.mjs [--seconds N] [target ...]');
      process.exit(0);
    } else {
      targets.push(a);
    }
  }
  if (!Number.isInteger(seconds) || seconds < 1) {
    console.error('--seconds takes a whole number of seconds, at least 1');
    process.exit(2);
  }
  return { seconds, targets };
}

/** The targets declared in fuzz/Cargo.toml, in order. */
function declaredTargets() {
  const toml = readFileSync(join(fuzzDir, 'Cargo.toml'), 'utf8');
  return [...toml.matchAll(/^\[\[bin\]\]\nname = "([^"]+)"/gm)].map((m) => m[1]);
}

function filesUnder(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else if (/\.(json|txt)$/.test(name)) out.push(p);
  }
  return out.sort();
}

/** Seed files for `target`: name → bytes. */
function seeds(target) {
  const out = new Map();
  for (const f of filesUnder(fixtures)) {
    out.set(`fixture-${relative(fixtures, f).replaceAll('/', '-')}`, readFileSync(f));
  }
  if (target === 'signature') {
    // Header line, '\n', body: the signatures each channel sends, valid and not.
    const webhooks = filesUnder(fixtures).filter((f) => basename(f).startsWith('webhook_'));
    for (const f of webhooks) {
      const body = readFileSync(f);
      const name = relative(fixtures, f).replaceAll('/', '-');
      const mac = (alg) => createHmac(alg, SIGNATURE_SECRET).update(body);
      const headers = {
        line: mac('sha256').digest('base64'),
        sha256: `sha256=${mac('sha256').digest('hex')}`,
        sha1: `sha1=${mac('sha1').digest('hex')}`,
      };
      for (const [kind, header] of Object.entries(headers)) {
        out.set(`signed-${kind}-${name}`, Buffer.concat([Buffer.from(`${header}\n`), body]));
      }
    }
  }
  if (['sobot_decode', 'graph_decode', 'token_decode'].includes(target)) {
    // These targets also read the input as a Retry-After header.
    out.set('retry-after-seconds', Buffer.from('120'));
    out.set('retry-after-date', Buffer.from('Sun, 06 Nov 1994 08:49:37 GMT'));
  }
  return out;
}

function ensureCargoFuzz() {
  if (capture('cargo', ['fuzz', '--version']) !== null) return;
  log('installing cargo-fuzz (cargo install cargo-fuzz)');
  run('cargo', ['install', 'cargo-fuzz', '--locked']);
}

/** cargo fuzz passes nightly-only flags (-Zsanitizer); on a stable toolchain they need RUSTC_BOOTSTRAP. */
const env = { ...process.env, RUSTC_BOOTSTRAP: process.env.RUSTC_BOOTSTRAP ?? '1' };

function fuzzOne(target, seconds) {
  const corpus = join(fuzzDir, 'corpus', target);
  mkdirSync(corpus, { recursive: true });
  for (const [name, bytes] of seeds(target)) writeFileSync(join(corpus, name), bytes);
  const seedCount = readdirSync(corpus).length;
  const artifacts = join(fuzzDir, 'artifacts', target);
  const before = new Set(existsSync(artifacts) ? readdirSync(artifacts) : []);
  log(`${target}: ${seconds} s from ${seedCount} corpus inputs`);
  const r = spawnSync(
    'cargo',
    [
      'fuzz',
      'run',
      target,
      '--',
      `-max_total_time=${seconds}`,
      '-timeout=10',
      '-print_final_stats=1',
    ],
    { cwd: root, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (r.error) throw new Error(`cargo fuzz run ${target}: ${r.error.message}`);
  const output = `${r.stdout}\n${r.stderr}`;
  const stat = (name) => {
    const m = output.match(new RegExp(`stat::${name}:\\s+(\\d+)`));
    return m ? Number(m[1]) : null;
  };
  const done = output.match(/Done (\d+) runs in (\d+) second/);
  const executions = stat('number_of_executed_units') ?? (done ? Number(done[1]) : null);
  const newArtifacts = (existsSync(artifacts) ? readdirSync(artifacts) : []).filter((a) => !before.has(a));
  const crashed = r.status !== 0;
  if (crashed) {
    // Show libFuzzer's report: the panic, the stack and the reproducer.
    const start = output.search(/==\d+==|thread '.*' panicked|panicked at|ERROR: libFuzzer/);
    console.log(output.slice(start >= 0 ? Math.max(0, start - 2000) : -8000));
  }
  return {
    target,
    seconds,
    executions,
    execPerSec: executions !== null ? Math.round(executions / seconds) : null,
    corpus: readdirSync(corpus).length,
    crashes: crashed ? Math.max(1, newArtifacts.length) : 0,
    artifacts: newArtifacts.map((a) => relative(root, join(artifacts, a))),
    status: r.status ?? r.signal,
  };
}

function main() {
  const { seconds, targets: asked } = parseArgs(process.argv.slice(2));
  const all = declaredTargets();
  const unknown = asked.filter((t) => !all.includes(t));
  if (unknown.length) {
    console.error(`unknown fuzz target(s): ${unknown.join(', ')}; targets: ${all.join(', ')}`);
    process.exit(2);
  }
  const targets = asked.length ? asked : all;
  ensureCargoFuzz();
  log(`building ${targets.length} fuzz target(s)`);
  if (asked.length) for (const t of targets) run('cargo', ['fuzz', 'build', t], { env });
  else run('cargo', ['fuzz', 'build'], { env });
  const results = targets.map((t) => fuzzOne(t, seconds));

  console.log('\ntarget               seconds  executions   exec/s  corpus  crashes');
  for (const r of results) {
    console.log(
      [
        r.target.padEnd(20),
        String(r.seconds).padStart(7),
        String(r.executions ?? '?').padStart(11),
        String(r.execPerSec ?? '?').padStart(8),
        String(r.corpus).padStart(7),
        String(r.crashes).padStart(8),
      ].join(' '),
    );
  }
  const total = results.reduce((n, r) => n + (r.executions ?? 0), 0);
  const crashes = results.reduce((n, r) => n + r.crashes, 0);
  console.log(`total                         ${String(total).padStart(11)}                 ${String(crashes).padStart(8)}`);
  for (const r of results.filter((r) => r.crashes)) {
    console.log(`\n${r.target} crashed (exit ${r.status}); reproduce with:`);
    for (const a of r.artifacts) {
      console.log(`  RUSTC_BOOTSTRAP=1 cargo fuzz run ${r.target} ${a}`);
      console.log(`  RUSTC_BOOTSTRAP=1 cargo fuzz tmin ${r.target} ${a}`);
    }
  }
  process.exit(crashes ? 1 : 0);
}

main();
