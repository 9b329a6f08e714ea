// Browsers and other runtimes: the .wasm is fetched next to this file (Vite,
// webpack 5, and Rollup with an import-meta-assets plugin, follow the glue's
// `new URL('…', import.meta.url)`; with esbuild, hand `init` the .wasm's URL).
// Call `await init()` once before anything else; later calls return the same
// promise.
import initWasm from './sobot_channels.js';

let loading;

/**
 * Loads the WebAssembly module. `input` may be a URL, a Response, bytes or a
 * compiled WebAssembly.Module; by default the package's own .wasm is fetched.
 */
export function init(input) {
  if (!loading) {
    loading = initWasm(input === undefined ? undefined : { module_or_path: input }).then(
      () => undefined,
      (e) => {
        loading = undefined;
        throw e;
      },
    );
  }
  return loading;
}

/*@esm-reexports*/
