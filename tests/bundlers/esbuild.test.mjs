// esbuild, as the README's Bundling section says: for browsers, the `file`
// loader for `.wasm` and each file's URL handed to `init()`; for Node,
// `sobot-channels` kept external. Without that setting, a Node bundle fails
// at start with an error that names it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { checkNodeRun, checkPage, checkServedWasm, createProject, emulator, launchChromium, page, runNode, serve } from './helpers.mjs';

const BROWSER_MAIN = `import { run } from './app.js';
import main from 'sobot-channels/sobot_channels_bg.wasm';
import webhook from 'sobot-channels/sobot_channels_webhook_bg.wasm';

window.result = run({ main: new URL(main, import.meta.url), webhook: new URL(webhook, import.meta.url) });
`;

test('browser platform: the .wasm files as `file` assets, handed to init()', async (t) => {
  const dir = createProject(t);
  writeFileSync(join(dir, 'main-esbuild.js'), BROWSER_MAIN);
  const out = join(dir, 'dist-browser');
  await build({
    absWorkingDir: dir,
    entryPoints: ['main-esbuild.js'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    outdir: out,
    loader: { '.wasm': 'file' },
    logLevel: 'silent',
  });
  const env = await emulator(t);
  const site = await serve(t, out, page('/main-esbuild.js', 'module'));
  await checkPage(await launchChromium(t), site.url, env);
  checkServedWasm(site.served);
});

/** Bundles node-app.js for Node into `outfile` with `options`. */
function bundleNode(dir, outfile, options = {}) {
  return build({
    absWorkingDir: dir,
    entryPoints: ['node-app.js'],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: join(dir, outfile),
    logLevel: 'silent',
    ...options,
  });
}

test('node platform: with sobot-channels external, a call and a webhook', async (t) => {
  const dir = createProject(t);
  await bundleNode(dir, 'dist/node-app.mjs', { external: ['sobot-channels'] });
  checkNodeRun(await runNode(join(dir, 'dist', 'node-app.mjs'), await emulator(t)));
});

test('node platform, bundled whole: the start fails naming the missing .wasm and the setting', async (t) => {
  const dir = createProject(t);
  await bundleNode(dir, 'dist/node-app.mjs');
  const run = await runNode(join(dir, 'dist', 'node-app.mjs'), { emu: { url: 'http://127.0.0.1:9' } });
  assert.notEqual(run.code, 0);
  assert.equal(run.result, null);
  assert.match(run.stderr, /sobot-channels: .*sobot_channels(_webhook)?_bg\.wasm is missing: the package was bundled without its \.wasm/);
  assert.match(run.stderr, /esbuild --packages=external/);
});
