// Rollup with one setting beside `nodeResolve()`: `importMetaAssets()` of
// @web/rollup-plugin-import-meta-assets, which emits the files that
// `new URL('…', import.meta.url)` names (the glue's and the Node entry's .wasm).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { importMetaAssets } from '@web/rollup-plugin-import-meta-assets';
import { checkNodeRun, checkPage, checkServedWasm, createProject, emulator, launchChromium, page, runNode, serve } from './helpers.mjs';

/** Bundles `input` of `dir` as an ES module into `out`; resolves to the names of the files written. */
async function bundle(dir, { input, out, resolve, external = [] }) {
  const b = await rollup({ input: join(dir, input), plugins: [nodeResolve(resolve), importMetaAssets()], external });
  try {
    const { output } = await b.write({ dir: out, format: 'es', entryFileNames: '[name].mjs' });
    return output.map((o) => o.fileName);
  } finally {
    await b.close();
  }
}

const wasmFiles = (names) => names.filter((n) => n.endsWith('.wasm'));

test('browsers', async (t) => {
  const dir = createProject(t);
  const out = join(dir, 'dist-browser');
  assert.equal(wasmFiles(await bundle(dir, { input: 'main.js', out, resolve: { browser: true } })).length, 2);
  const env = await emulator(t);
  const site = await serve(t, out, page('/main.mjs', 'module'));
  await checkPage(await launchChromium(t), site.url, env);
  checkServedWasm(site.served);
});

test('Node', async (t) => {
  const dir = createProject(t);
  const out = join(dir, 'dist-node');
  const names = await bundle(dir, { input: 'node-app.js', out, resolve: { exportConditions: ['node'] }, external: [/^node:/] });
  assert.equal(wasmFiles(names).length, 2);
  checkNodeRun(await runNode(join(out, 'node-app.mjs'), await emulator(t)));
});
