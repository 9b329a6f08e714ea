// Cloudflare Workers (workerd). Workers forbid compiling wasm from bytes, so
// the .wasm file is imported as a WebAssembly.Module (wrangler and Miniflare
// do this for `.wasm` imports) and instantiated synchronously at module scope.
import wasmModule from './sobot_channels_bg.wasm';
import { initSync } from './sobot_channels.js';

initSync({ module: wasmModule });

/** Loading is synchronous in Workers: `init()` resolves at once. */
export async function init() {}

/*@esm-reexports*/
