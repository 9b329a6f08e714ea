// webpack 5 with no setting: the glue's and the Node entry's
// `new URL('…', import.meta.url)` make both .wasm files assets of the bundle,
// for `target: 'web'` and `target: 'node'` alike. A Node bundle that loads the
// package with `require` gets its CommonJS entry, which reads the .wasm next
// to the bundle: kept external, it runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import webpack from 'webpack';
import { checkNodeRun, checkPage, checkServedWasm, createProject, emulator, launchChromium, page, runNode, serve } from './helpers.mjs';

/** Runs webpack in production mode on `entry` of `dir` into `out`/`filename`; resolves to its stats. */
function pack(dir, { entry, target, out, filename, externals }) {
  return new Promise((resolve, reject) => {
    webpack({ mode: 'production', context: dir, entry, target, output: { path: out, filename }, externals }, (err, stats) => {
      if (err) return reject(err);
      if (stats.hasErrors()) return reject(new Error(stats.toString({ all: false, errors: true })));
      resolve(stats);
    });
  });
}

/** The .wasm assets webpack emitted. */
const wasmAssets = (stats) => stats.toJson({ all: false, assets: true }).assets.filter((a) => a.name.endsWith('.wasm'));

test("target: 'web'", async (t) => {
  const dir = createProject(t);
  const out = join(dir, 'dist-web');
  const stats = await pack(dir, { entry: './main.js', target: 'web', out, filename: 'main.js' });
  assert.equal(wasmAssets(stats).length, 2);
  const env = await emulator(t);
  const site = await serve(t, out, page('/main.js', 'classic'));
  await checkPage(await launchChromium(t), site.url, env);
  checkServedWasm(site.served);
});

test("target: 'node'", async (t) => {
  const dir = createProject(t);
  const out = join(dir, 'dist-node');
  const stats = await pack(dir, { entry: './node-app.js', target: 'node', out, filename: 'node-app.cjs' });
  assert.equal(wasmAssets(stats).length, 2);
  checkNodeRun(await runNode(join(out, 'node-app.cjs'), await emulator(t)));
});

test("target: 'node', with require and the package external", async (t) => {
  const dir = createProject(t);
  const out = join(dir, 'dist-node-cjs');
  const externals = { 'sobot-channels': 'commonjs sobot-channels', 'sobot-channels/webhook': 'commonjs sobot-channels/webhook' };
  const stats = await pack(dir, { entry: './node-app.cjs', target: 'node', out, filename: 'node-app.cjs', externals });
  assert.equal(wasmAssets(stats).length, 0);
  checkNodeRun(await runNode(join(out, 'node-app.cjs'), await emulator(t)));
});
