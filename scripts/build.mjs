// Builds pkg/: cargo (wasm32) → wasm-bindgen (web target) → wasm-opt → the npm
// package assembled from pkg-template/, with one entry per runtime.
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, lstatSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync, brotliCompressSync, constants as zc } from 'node:zlib';
import { build as esbuild } from 'esbuild';
import { root, run, capture, lockedVersion, pinnedWasmBindgen, log } from './lib.mjs';

const NAME = 'sobot_channels';
const NAME_NPM = 'sobot-channels';
const version = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];
const ERROR_KEY = 'sobot-channels/SobotError@dev';
const target = join(root, 'target');
const pkg = join(root, 'pkg');
const tpl = join(root, 'pkg-template');

const locked = lockedVersion('wasm-bindgen');
const pinned = pinnedWasmBindgen();
if (locked !== pinned) throw new Error(`Cargo.lock has wasm-bindgen ${locked}, Cargo.toml pins ${pinned}`);
const cli = capture('wasm-bindgen', ['--version'])?.trim();
if (cli !== `wasm-bindgen ${locked}`) {
  throw new Error(`wasm-bindgen CLI is "${cli ?? 'missing'}", the crate uses ${locked}: run "npm run bootstrap"`);
}

rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg);

// Two builds of the crate: the whole package (`sobot-channels`), and the webhook
// functions alone (`sobot-channels/webhook`, without the `client` feature) for
// webhook handlers that should not load the clients. Both share the snippets,
// so `SobotError` is one class whichever entry threw it.
// The whole package is compiled at Cargo.toml's `opt-level = "z"`. The webhook
// entry is compiled at the less size-bound `opt-level = "s"`: its parsing is
// 1.15-1.6x faster for about 6 KiB more gzip, and it stays inside the 150 KB
// budget (bench/NOTES.md).
const VARIANTS = [
  { name: NAME, entry: 'index', cargoArgs: [], targetDir: target, env: {} },
  {
    name: `${NAME}_webhook`,
    entry: 'webhook',
    cargoArgs: ['--no-default-features'],
    targetDir: join(target, 'webhook'),
    env: { CARGO_PROFILE_RELEASE_OPT_LEVEL: 's' },
  },
];

/** The environment of a variant's cargo build: its own opt-level or the profile's. */
function variantEnv(v) {
  const env = { ...process.env };
  delete env.CARGO_PROFILE_RELEASE_OPT_LEVEL;
  return { ...env, ...v.env };
}

let errorRel;
const built = [];
for (const v of VARIANTS) {
  const envText = Object.entries(v.env).map(([k, x]) => `${k}=${x} `).join('');
  log(`${envText}cargo build --release --target wasm32-unknown-unknown ${v.cargoArgs.join(' ')}`.trimEnd());
  run('cargo', ['build', '--release', '--lib', '--target', 'wasm32-unknown-unknown', ...v.cargoArgs,
    '--target-dir', v.targetDir], { env: variantEnv(v) });

  const out = join(target, v.entry === 'index' ? 'wasm-bindgen' : 'wasm-bindgen-webhook');
  log(`wasm-bindgen --target web (${cli}): ${v.name}`);
  rmSync(out, { recursive: true, force: true });
  run('wasm-bindgen', [
    '--target', 'web',
    '--weak-refs',
    '--out-name', v.name,
    '--out-dir', out,
    join(v.targetDir, 'wasm32-unknown-unknown', 'release', `${NAME}.wasm`),
  ]);

  // `-ocimfs 0`: a function with one caller is not inlined into it (wasm-opt
  // inlines every such function by default). V8 compiles a function on its
  // first call, so big merged functions are compiled whole even where a call
  // runs one branch of them; kept apart, the first LINE parse compiles 13 %
  // less code, and the gzip is 9-10 % smaller (bench/NOTES.md).
  log(`wasm-opt -Oz -ocimfs 0: ${v.name}`);
  run(join(root, 'node_modules', '.bin', 'wasm-opt'), [
    join(out, `${v.name}_bg.wasm`),
    '-Oz',
    '--one-caller-inline-max-function-size', '0',
    '--enable-bulk-memory', '--enable-mutable-globals', '--enable-nontrapping-float-to-int',
    '--enable-sign-ext', '--enable-reference-types', '--enable-multivalue',
    '--strip-debug', '--strip-producers', '--strip-target-features',
    '-o', join(pkg, `${v.name}_bg.wasm`),
  ]);

  // The glue and its JS snippets (the SobotError class lives in one).
  const glueSrc = readFileSync(join(out, `${v.name}.js`), 'utf8');
  cpSync(join(out, 'snippets'), join(pkg, 'snippets'), { recursive: true });
  const errorJs = findFile(join(pkg, 'snippets'), 'error.js');
  if (!errorJs) throw new Error('the SobotError snippet (src/js/error.js) is missing from the wasm-bindgen output');
  // The realm-wide key of the `SobotError` class names this version and this
  // class's source, so that different builds keep different classes.
  const errorSrc = readFileSync(errorJs, 'utf8');
  if (!errorSrc.includes(ERROR_KEY)) throw new Error(`src/js/error.js no longer has the key ${ERROR_KEY}`);
  writeFileSync(errorJs, errorSrc.replace(ERROR_KEY, ERROR_KEY.replace('@dev', `@${version}+${digest(errorSrc)}`)));
  errorRel = './' + relative(pkg, errorJs).split('\\').join('/');
  // Inspecting an instance shows its toJSON(), not wasm-bindgen's pointer; the
  // clients' rejections carry the caller's async frames (src/js/error.js).
  const classes = [...glueSrc.matchAll(/^export class (\w+)/gm)].map((m) => m[1]);
  const traced = ['SobotClient', 'MessengerClient', 'LineClient', 'GraphClient', 'Pager'].filter((c) => classes.includes(c));
  const tracedFns = ['getToken'].filter((f) => new RegExp(`^export function ${f}\\b`, 'm').test(glueSrc));
  const footer = [
    `hideInternals({ ${classes.join(', ')} });`,
    ...(traced.length ? [`traceCalls({ ${traced.join(', ')} });`] : []),
    ...tracedFns.map((f) => `${f} = traceFunction(${f});`),
  ].join('\n');
  writeFileSync(
    join(pkg, `${v.name}.js`),
    `import { hideInternals, traceCalls, traceFunction } from '${errorRel}';\n${glueSrc}\n${footer}\n`,
  );

  // The names the entry exports: every glue export but the loader's own.
  const names = [...glueSrc.matchAll(/^export (?:async )?(?:function|class|const) (\w+)/gm)]
    .map((m) => m[1])
    .filter((n) => n !== 'initSync' && n !== '__wbg_init')
    .sort();
  built.push({ ...v, out, names, all: [...names, 'SobotError'].sort() });
}

// `SobotError` for CommonJS, shared by both glue bundles (one class).
log('node CommonJS glue (esbuild)');
await esbuild({
  entryPoints: [join(pkg, errorRel)],
  bundle: true,
  format: 'cjs',
  platform: 'neutral',
  target: 'es2020',
  outfile: join(pkg, 'sobot_error.cjs'),
  legalComments: 'none',
});
const sharedError = {
  name: 'shared-sobot-error',
  setup(b) {
    b.onResolve({ filter: /[\\/]error\.js$/ }, () => ({ path: './sobot_error.cjs', external: true }));
  },
};
for (const v of built) {
  await esbuild({
    stdin: {
      contents: `export * from './${v.name}.js';\nexport { SobotError } from '${errorRel}';\n`,
      resolveDir: pkg,
      sourcefile: `${v.entry}-node-glue.mjs`,
    },
    bundle: true,
    format: 'cjs',
    platform: 'neutral',
    target: 'es2020',
    outfile: join(pkg, `${v.name}.cjs`),
    plugins: [sharedError],
    // import.meta.url is only read by the browser loader, which the CommonJS
    // entry never calls; wasm-bindgen lists a snippet module twice under one
    // key in its import object (both entries are the same namespace).
    logOverride: { 'empty-import-meta': 'silent', 'duplicate-object-key': 'silent' },
    legalComments: 'none',
  });
}

// In the Node entry templates, `@node-instance` is the shared-instance helper
// and `@error-snippet` the `SobotError` snippet (whose `realmShared` it uses).
const nodeAliases = {
  name: 'node-aliases',
  setup(b) {
    b.onResolve({ filter: /^@node-instance$/ }, () => ({ path: join(tpl, 'node-instance.js') }));
    b.onResolve({ filter: /^@error-snippet$/ }, () => ({ path: join(pkg, errorRel) }));
  },
};

// Entries, one per runtime and build, from the hand-written templates (written
// for the whole package; the webhook entry's files name its own glue).
for (const v of built) {
  const esmReexports =
    `export { ${v.names.join(', ')} } from './${v.name}.js';\n` +
    `export { SobotError } from '${errorRel}';\n`;
  /** A template with its markers replaced, naming this build's wasm and glue. */
  const template = (file, replacements) => {
    let text = readFileSync(join(tpl, file), 'utf8');
    for (const [marker, value] of Object.entries(replacements)) text = text.replace(marker, value);
    return text
      .replaceAll(`${NAME}_bg.wasm`, `${v.name}_bg.wasm`)
      .replaceAll(`./${NAME}.js`, `./${v.name}.js`)
      .replaceAll(`./${NAME}.cjs`, `./${v.name}.cjs`);
  };
  const fill = (file, replacements) =>
    writeFileSync(join(pkg, file.replace(/^index\./, `${v.entry}.`)), template(file, replacements));
  // The Node entries, CommonJS and ES module, each one file bundled by esbuild
  // with pkg-template/node-instance.js; the ES module carries its glue and
  // snippets too. The realm-wide key of their instance names the entry, the
  // version and this build's wasm, so that only the same build shares one.
  const spec = v.entry === 'index' ? NAME_NPM : `${NAME_NPM}/${v.entry}`;
  const instanceKey = `'${spec}@${version}+${digest(readFileSync(join(pkg, `${v.name}_bg.wasm`)))}'`;
  const exportNames = ['init', ...v.all].map((n) => `'${n}'`).join(', ');
  for (const [ext, format] of [['cjs', 'cjs'], ['mjs', 'esm']]) {
    const source = template(`index.node.${ext}`, {
      '/*@cjs-exports*/': v.all.map((n) => `${n}: glue.${n},`).join('\n      '),
      '/*@esm-glue*/': v.names.map((n) => `${n}: glue.${n},`).join('\n    '),
      '/*@esm-names*/': v.all.map((n) => `${n},`).join('\n  '),
      '/*@export-names*/': exportNames,
      [`'${NAME_NPM}@dev'`]: instanceKey,
    });
    await esbuild({
      stdin: { contents: source, resolveDir: pkg, sourcefile: `${v.entry}.node.template.${ext}` },
      bundle: true,
      format,
      platform: 'node',
      target: 'es2020',
      outfile: join(pkg, `${v.entry}.node.${ext}`),
      // the CommonJS glue stays a file of its own, required only by the first loader
      external: [`./${v.name}.cjs`],
      plugins: [nodeAliases],
      banner: {
        js:
          `// Node, ${format === 'cjs' ? 'CommonJS' : 'ES modules'}: ${spec}, one wasm instance in a realm shared by ` +
          `${v.entry}.node.cjs and ${v.entry}.node.mjs (pkg-template/node-instance.js, index.node.${ext}).`,
      },
      logOverride: { 'duplicate-object-key': 'silent' },
      legalComments: 'none',
    });
  }
  fill('index.workerd.js', { '/*@esm-reexports*/': esmReexports });
  fill('index.browser.js', { '/*@esm-reexports*/': esmReexports });
}

// The optional Redis token store (`sobot-channels/redis`): plain JS over a
// caller's node-redis client, without the wasm; its types are self-contained,
// so the one declaration file serves `import` and `require`.
for (const f of ['redis.cjs', 'redis.mjs', 'redis.d.ts']) cpSync(join(tpl, f), join(pkg, f));
cpSync(join(tpl, 'redis.d.ts'), join(pkg, 'redis.d.cts'));
// The type of an asset import of either .wasm (`import url from 'sobot-channels/sobot_channels_bg.wasm'`).
cpSync(join(tpl, 'wasm.d.ts'), join(pkg, 'wasm.d.ts'));

// The emulator (`sobot-channels/testing`) and the `sobot-channels` command. The
// emulator's source stays in tests/emulator/, where the project's own tests use
// it; the package gets its server and README, and the fixtures its sample
// webhooks read, in the same places relative to each other (testing/emulator/,
// testing/fixtures/). It imports the package by its name, which resolves to the
// package itself.
const emulatorSrc = join(root, 'tests', 'emulator');
const emulatorOut = join(pkg, 'testing', 'emulator');
mkdirSync(join(emulatorOut, 'lib'), { recursive: true });
for (const f of ['index.mjs', 'README.md']) cpSync(join(emulatorSrc, f), join(emulatorOut, f));
for (const f of readdirSync(join(emulatorSrc, 'lib')).filter((n) => n.endsWith('.mjs'))) {
  cpSync(join(emulatorSrc, 'lib', f), join(emulatorOut, 'lib', f));
}
const { SAMPLE_FIXTURES } = await import(pathToFileURL(join(emulatorSrc, 'lib', 'samples.mjs')).href);
for (const f of SAMPLE_FIXTURES) {
  mkdirSync(dirname(join(pkg, 'testing', 'fixtures', f)), { recursive: true });
  cpSync(join(root, 'tests', 'fixtures', f), join(pkg, 'testing', 'fixtures', f));
}
for (const f of ['testing.mjs', 'testing.cjs', 'testing.d.ts', 'cli.mjs']) cpSync(join(tpl, f), join(pkg, f));
cpSync(join(tpl, 'testing.d.ts'), join(pkg, 'testing.d.cts'));
chmodSync(join(pkg, 'cli.mjs'), 0o755);

// Types: wasm-bindgen's declarations without its loader, plus the hand-written ones.
for (const v of built) {
  const dts = readFileSync(join(v.out, `${v.name}.d.ts`), 'utf8');
  const cut = dts.indexOf('export type InitInput');
  // `[Symbol.dispose]` needs TypeScript's esnext.disposable lib; the method
  // stays at run time, the declaration is left out so any `lib` setting works.
  const types = (cut >= 0 ? dts.slice(0, cut) : dts)
    .replace(/^\s*\[Symbol\.dispose\]\(\): void;\n/gm, '')
    // Doc comments that reach wasm-bindgen through the catalogue's macro_rules
    // are printed as raw-string literals: `* r" text`.
    .replace(/^(\s*\*) r" ?/gm, '$1 ')
    .replace(/^(\s*)free\(\): void;$/gm, '$1/** Releases the instance\'s wasm memory now (as `[Symbol.dispose]()` does); else the garbage collector does. */\n$1free(): void;')
    .trimEnd() + '\n' + readFileSync(join(tpl, 'types.d.ts'), 'utf8');
  // `ts_fill!` (src/js/mod.rs) fills {CONSTANT} placeholders; one left means a misspelt name.
  const unfilled = types.match(/\{[A-Z][A-Z0-9_]+\}/g);
  if (unfilled) throw new Error(`${v.entry}.d.ts: unfilled placeholders ${[...new Set(unfilled)].join(', ')}`);
  writeFileSync(join(pkg, `${v.entry}.d.ts`), types);
  writeFileSync(join(pkg, `${v.entry}.d.cts`), types);
}

// package.json, README and LICENSE.
// The version and the repository are Cargo.toml's.
const manifest = JSON.parse(readFileSync(join(tpl, 'package.json'), 'utf8'));
manifest.version = version;
const repository = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^repository = "([^"]+)"/m)?.[1];
if (!repository) throw new Error('Cargo.toml has no repository');
Object.assign(manifest, {
  repository: { type: 'git', url: `git+${repository}.git` },
  homepage: `${repository}#readme`,
  bugs: { url: `${repository}/issues` },
});
writeFileSync(join(pkg, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
cpSync(join(root, 'README.md'), join(pkg, 'README.md'));
cpSync(join(root, 'LICENSE'), join(pkg, 'LICENSE'));

// Let tests and examples resolve `sobot-channels` through the exports map.
const link = join(root, 'node_modules', 'sobot-channels');
if (!isLink(link)) {
  rmSync(link, { recursive: true, force: true });
  symlinkSync('../pkg', link, 'dir');
}

// The emulator's route names in testing.d.ts, from the emulator itself (its Sobot routes
// come from the catalogue), so that the declarations list no endpoint of their own.
{
  const { ROUTE_NAMES, ROUTE_GROUPS } = await import(pathToFileURL(join(pkg, 'testing', 'emulator', 'index.mjs')).href);
  const groups = [...new Set(Object.values(ROUTE_GROUPS))].map((g) => `${g}.*`);
  const union = [...ROUTE_NAMES, '*', ...groups, 'token'].map((n) => `'${n}'`).join(' | ');
  for (const f of ['testing.d.ts', 'testing.d.cts']) {
    const text = readFileSync(join(pkg, f), 'utf8');
    if (!text.includes("'/*@emulator-routes*/'")) throw new Error(`${f}: no /*@emulator-routes*/ placeholder`);
    writeFileSync(join(pkg, f), text.replace("'/*@emulator-routes*/'", union));
  }
}

// Sizes.
const size = (b) => {
  const gz = gzipSync(b, { level: 9 }).length;
  const br = brotliCompressSync(b, { params: { [zc.BROTLI_PARAM_QUALITY]: 11 } }).length;
  return `${kb(b.length)} raw, ${kb(gz)} gzip, ${kb(br)} brotli`;
};
for (const v of built) {
  const spec = v.entry === 'index' ? 'sobot-channels' : `sobot-channels/${v.entry}`;
  console.log(`\n${spec}`);
  console.log(`  pkg/${v.name}_bg.wasm: ${size(readFileSync(join(pkg, `${v.name}_bg.wasm`)))}`);
  console.log(`  pkg/${v.name}.js (glue): ${size(readFileSync(join(pkg, `${v.name}.js`)))}`);
  console.log(`  exports: ${v.all.length + 1} (${['init', ...v.all].join(', ')})`);
}

/** The first 12 hex digits of the SHA-256 of `data`. */
function digest(data) {
  return createHash('sha256').update(data).digest('hex').slice(0, 12);
}

function kb(n) {
  return `${(n / 1024).toFixed(1)} KiB`;
}

function isLink(p) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function findFile(dir, name) {
  if (!existsSync(dir)) return null;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const f = findFile(p, name);
      if (f) return f;
    } else if (e.name === name) return p;
  }
  return null;
}
