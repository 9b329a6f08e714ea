// Runs this Worker locally in workerd (through Miniflare), Durable Object included,
// on an HTTP port: what `wrangler dev` does, without wrangler. The tests and
// `npm run demo` use it; run it by hand against the emulator with
//
//   node examples/cloudflare-worker/dev.mjs http://127.0.0.1:40123   # the Sobot base URL
//
// Options of startWorker: bindings (merged over the defaults below), port (0 = any),
// isolates (how many Workers share the Durable Objects and the queue; default 1),
// persist (a directory for the Durable Objects' storage), onLog(line).
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Miniflare } from 'miniflare';

/** The bindings the emulator's defaults match (`tests/emulator`). */
export const DEFAULT_BINDINGS = {
  SOBOT_APP_ID: 'demo-app',
  SOBOT_APP_KEY: 'demo-key',
  SOBOT_BASE_URL: 'https://sg.sobot.com',
  LINE_CHANNEL_ID: '2005652357',
  MESSENGER_VERIFY_TOKEN: 'demo-verify-token',
  MESSENGER_APP_SECRET: 'demo-messenger-app-secret',
  LINE_CHANNEL_SECRET: 'demo-line-channel-secret',
  BROADCAST_TOKEN: 'demo-broadcast-token',
  BROADCAST_PER_SECOND: '20',
};

/** The queue of broadcast steps, as wrangler.toml declares it. */
export const BROADCAST_QUEUE = 'sobot-broadcast';

/** Bundles src/index.js as wrangler does (esbuild, `workerd` condition, .wasm kept apart). */
export async function bundle() {
  const outdir = mkdtempSync(join(tmpdir(), 'sobot-example-worker-'));
  await build({
    entryPoints: [fileURLToPath(new URL('./src/index.js', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    external: ['cloudflare:workers'],
    loader: { '.wasm': 'copy' },
    outdir,
    logLevel: 'silent',
  });
  return outdir;
}

/**
 * Starts the Worker. Resolves to `{ url, mf, fetch(path, init, isolate = 0), close() }`;
 * `url` is the HTTP address webhooks can be delivered to (isolate 0).
 */
export async function startWorker({ bindings = {}, port = 0, isolates = 1, persist, onLog } = {}) {
  const outdir = await bundle();
  const env = { ...DEFAULT_BINDINGS, ...bindings };
  const common = {
    modules: true,
    scriptPath: join(outdir, 'index.js'),
    modulesRoot: outdir,
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: '2025-01-01',
    bindings: env,
  };
  const workers = Array.from({ length: isolates }, (_, i) => ({
    ...common,
    name: `sobot-webhook-${i}`,
    // The Durable Object classes, defined by the first Worker, bound in all of them.
    durableObjects: {
      SOBOT_TOKEN: { className: 'SobotTokenStore', scriptName: 'sobot-webhook-0' },
      SOBOT_CLAIMS: { className: 'SobotClaimStore', scriptName: 'sobot-webhook-0' },
    },
    queueProducers: { BROADCAST_QUEUE: BROADCAST_QUEUE },
    // One consumer, the first Worker (a queue has one consumer script).
    ...(i === 0 ? { queueConsumers: { [BROADCAST_QUEUE]: { maxBatchSize: 10, maxBatchTimeout: 1, maxRetries: 5 } } } : {}),
  }));
  const mf = new Miniflare({
    workers,
    // A directory keeps the Durable Objects' storage across restarts (default: memory).
    ...(persist ? { durableObjectsPersist: persist } : {}),
    host: '127.0.0.1',
    port,
    handleRuntimeStdio: (stdout, stderr) => {
      for (const stream of [stdout, stderr]) {
        createInterface({ input: stream }).on('line', (line) => (onLog ? onLog(line) : console.log(line)));
      }
    },
  });
  const url = (await mf.ready).href.replace(/\/$/, '');
  const handles = await Promise.all(workers.map((w) => mf.getWorker(w.name)));
  return {
    url,
    mf,
    fetch: (path, init, isolate = 0) => handles[isolate].fetch(`http://worker${path}`, init),
    async close() {
      await mf.dispose();
      rmSync(outdir, { recursive: true, force: true });
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const baseUrl = process.argv[2] ?? process.env.SOBOT_BASE_URL;
  if (!baseUrl) {
    console.error('usage: node examples/cloudflare-worker/dev.mjs <Sobot base URL>');
    process.exit(2);
  }
  const w = await startWorker({ bindings: { SOBOT_BASE_URL: baseUrl }, port: Number(process.env.PORT ?? 8787) });
  console.log(`worker listening on ${w.url} (POST /webhook/messenger, /webhook/line)`);
  const stop = () => w.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
