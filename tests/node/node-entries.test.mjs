// The Node entries of `sobot-channels` and `sobot-channels/webhook`: one wasm
// instance in a realm for `import` and `require`, whichever comes first; each
// ES module is one file that loads no CommonJS; under a frozen global object
// everything still loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ENTRIES = { 'sobot-channels': 'index', 'sobot-channels/webhook': 'webhook' };

/** Runs `body` as an ES module in a fresh Node process; its `out(value)` is the answer. */
function fresh(body) {
  const script = `
    import { createRequire } from 'node:module';
    import { writeSync } from 'node:fs';
    const require = createRequire(${JSON.stringify(root + 'package.json')});
    const out = (v) => writeSync(1, JSON.stringify(v));
    ${body}`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, stdio: 'pipe' }));
}

test('each ES-module entry is one file: it imports Node built-ins only', () => {
  for (const entry of Object.values(ENTRIES)) {
    const text = readFileSync(new URL(`../../pkg/${entry}.node.mjs`, import.meta.url), 'utf8');
    const specifiers = [
      ...text.matchAll(/\b(?:import|export)\s*(?:[\w*{}\s,]+from\s*)?['"]([^'"]+)['"]|\b(?:import|require)\(\s*['"]([^'"]+)['"]/g),
    ].map((m) => m[1] ?? m[2]);
    assert.ok(specifiers.includes('node:fs'), entry);
    assert.deepEqual(specifiers.filter((s) => !s.startsWith('node:')), [], entry);
  }
});

test('an ES-module import of the webhook entry reads only its own wasm', () => {
  const out = fresh(`
    const fs = require('node:fs');
    const { syncBuiltinESMExports } = await import('node:module');
    const read = fs.readFileSync;
    const opened = [];
    fs.readFileSync = function (p, ...rest) { opened.push(String(p)); return read.call(this, p, ...rest); };
    syncBuiltinESMExports();
    const hooks = await import('sobot-channels/webhook');
    hooks.parseEvents('line', '{"destination":"x","events":[]}');
    out(opened.filter((p) => p.endsWith('.wasm')).map((p) => p.split(/[\\\\/]/).pop()));`);
  assert.deepEqual(out, ['sobot_channels_webhook_bg.wasm']);
});

const SAME = `
  const same = (a, b) => ['parseEvents', 'verifyLineSignature', 'SobotError', 'EventDeduper', 'init', 'wasmMemoryBytes']
    .every((k) => typeof a[k] === 'function' && a[k] === b[k]);
  const cached = () => Object.keys(require.cache).map((p) => p.split(/[\\\\/]/).pop()).sort();`;

test('import first: require gives the same instance, and no glue is loaded as CommonJS', () => {
  const out = fresh(`${SAME}
    const esm = await import('sobot-channels');
    const hooks = await import('sobot-channels/webhook');
    const before = cached();
    const cjs = require('sobot-channels');
    const hooksCjs = require('sobot-channels/webhook');
    out({ before, after: cached(), full: same(esm, cjs) && esm.SobotClient === cjs.SobotClient,
      hooks: same(hooks, hooksCjs), error: esm.SobotError === hooks.SobotError });`);
  assert.deepEqual(out, {
    before: [],
    after: ['index.node.cjs', 'webhook.node.cjs'],
    full: true,
    hooks: true,
    error: true,
  });
});

test('require first: import gives the same instance', () => {
  const out = fresh(`${SAME}
    const cjs = require('sobot-channels');
    const hooksCjs = require('sobot-channels/webhook');
    const esm = await import('sobot-channels');
    const hooks = await import('sobot-channels/webhook');
    out({ full: same(esm, cjs) && esm.Pager === cjs.Pager, hooks: same(hooks, hooksCjs),
      error: cjs.SobotError === hooksCjs.SobotError && esm.SobotError === cjs.SobotError });`);
  assert.deepEqual(out, { full: true, hooks: true, error: true });
});

test('one entry required, the other imported: their errors are of one class', () => {
  for (const [first, second] of [['sobot-channels/webhook', 'sobot-channels'], ['sobot-channels', 'sobot-channels/webhook']]) {
    const out = fresh(`
      const a = require('${first}');
      const b = await import('${second}');
      const thrown = (m) => { try { m.parseEvents('line', '{'); } catch (e) { return e; } };
      const [ea, eb] = [thrown(a), thrown(b)];
      out([ea instanceof b.SobotError, eb instanceof a.SobotError, a.SobotError === b.SobotError]);`);
    assert.deepEqual(out, [true, true, true], `${first} then ${second}`);
  }
});

test('the keys on the global object name the entry, the version and the build', () => {
  const { version } = JSON.parse(readFileSync(new URL('../../pkg/package.json', import.meta.url), 'utf8'));
  const out = fresh(`
    await import('sobot-channels');
    require('sobot-channels/webhook');
    out(Object.getOwnPropertySymbols(globalThis).map((s) => s.description).filter((d) => d.startsWith('sobot-channels')).sort());`);
  const v = version.replaceAll('.', '\\.');
  assert.equal(out.length, 3, out.join(', '));
  assert.match(out[0], new RegExp(`^sobot-channels/SobotError@${v}\\+[0-9a-f]{12}$`));
  assert.match(out[1], new RegExp(`^sobot-channels/webhook@${v}\\+[0-9a-f]{12}$`));
  assert.match(out[2], new RegExp(`^sobot-channels@${v}\\+[0-9a-f]{12}$`));
});

test('anything else under the key is left alone; deleting the key lets a fresh module load a new instance', () => {
  const key = readFileSync(new URL('../../pkg/webhook.node.cjs', import.meta.url), 'utf8').match(/Symbol\.for\(['"](sobot-channels\/webhook@[^'"]+)['"]\)/)[1];
  const entry = new URL('../../pkg/webhook.node.mjs', import.meta.url).href;
  const out = fresh(`
    const key = Symbol.for(${JSON.stringify(key)});
    globalThis[key] = { parseEvents: 'not a function' };
    const a = await import(${JSON.stringify(entry)});
    const kept = globalThis[key].parseEvents === 'not a function';
    const works = a.parseEvents('line', '{"destination":"x","events":[]}').length === 0;
    delete globalThis[key];
    const b = await import(${JSON.stringify(entry + '?again')});
    const c = require('sobot-channels/webhook');
    out({ kept, works, fresh: b.parseEvents !== a.parseEvents, shared: c.parseEvents === b.parseEvents,
      registered: globalThis[key].parseEvents === b.parseEvents });`);
  assert.deepEqual(out, { kept: true, works: true, fresh: true, shared: true, registered: true });
});

test("the CommonJS exports are the caller's to change; the shared instance is not", () => {
  const out = fresh(`
    const cjs = require('sobot-channels');
    const original = cjs.parseEvents;
    cjs.parseEvents = () => 'stub';
    const esm = await import('sobot-channels');
    out({ esm: esm.parseEvents === original, again: require('sobot-channels').parseEvents() });`);
  // `require` caches its module: a second `require` sees the change, the ES module does not
  assert.deepEqual(out, { esm: true, again: 'stub' });
});

test('under a frozen global object both entries still load and throw SobotErrors', () => {
  // Nothing can be recorded on the global object there: `import` and `require`
  // each keep an instance, and each copy of the error class its own class.
  const out = fresh(`
    for (const k of Object.getOwnPropertyNames(globalThis)) { try { globalThis[k]; } catch {} }
    Object.freeze(globalThis);
    const answers = [];
    for (const m of [await import('sobot-channels'), await import('sobot-channels/webhook'), require('sobot-channels/webhook')]) {
      let e;
      try { m.parseEvents('line', '{'); } catch (x) { e = x; }
      answers.push(e instanceof m.SobotError && e instanceof Error && e.kind === 'decode' && e.name === 'SobotError');
      answers.push(m.parseEvents('line', '{"destination":"x","events":[]}').length === 0);
    }
    out(answers);`);
  assert.deepEqual(out, [true, true, true, true, true, true]);
});
