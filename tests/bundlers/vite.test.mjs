// Vite with no setting: `vite build` emits both .wasm files as assets from the
// glue's `new URL('…', import.meta.url)`, and the dev server serves them
// from the pre-bundled dependency.
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, createServer } from 'vite';
import { checkPage, checkServedWasm, createProject, emulator, launchChromium, serve } from './helpers.mjs';

test('vite build', async (t) => {
  const dir = createProject(t);
  const out = join(dir, 'dist');
  await build({ root: dir, configFile: false, logLevel: 'silent', build: { outDir: out } });
  const env = await emulator(t);
  const site = await serve(t, out, readFileSync(join(out, 'index.html'), 'utf8'));
  await checkPage(await launchChromium(t), site.url, env);
  checkServedWasm(site.served);
});

test('the vite dev server', async (t) => {
  const dir = createProject(t);
  const server = await createServer({
    root: dir,
    configFile: false,
    logLevel: 'silent',
    server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
  });
  t.after(() => server.close());
  await server.listen();
  const env = await emulator(t);
  const browser = await launchChromium(t);
  await checkPage(browser, server.resolvedUrls.local[0].replace(/\/$/, ''), env);
});
