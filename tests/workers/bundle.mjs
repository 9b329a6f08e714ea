// Bundles a worker as wrangler does: esbuild with the `workerd` condition, the
// package's .wasm kept as a separate module (Miniflare loads it as a
// WebAssembly.Module, since workerd forbids compiling wasm from bytes).
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Bundles `entry`; returns Miniflare options for the result. `external`: modules
 * the runtime provides (e.g. `cloudflare:workers`).
 */
export async function bundleWorker(entry, { external = [] } = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'sobot-worker-'));
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    external,
    loader: { '.wasm': 'copy' },
    outdir,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  return {
    inputs,
    miniflare: {
      modules: true,
      scriptPath: join(outdir, 'index.js').replace(/index\.js$/, entryName(entry)),
      modulesRoot: outdir,
      modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
      compatibilityDate: '2025-01-01',
    },
  };
}

function entryName(entry) {
  return entry.split('/').pop().replace(/\.(m?js|ts)$/, '.js');
}
