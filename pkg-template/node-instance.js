// The exports of a Node entry, one set in a realm. Whichever of an entry's
// CommonJS and ES-module files is loaded first instantiates the wasm (`load`)
// and records the frozen exports on the global object under `key`, where that
// key is still free; the other takes them from there. So `require` and
// `import` share one instance (clients given one token store share one
// refresh, whichever loaded them). The key names the entry, the version and
// the build's wasm: other builds keep instances of their own. Deleting the key
// from the global object lets the next load of a fresh module start a new
// instance. Bundled into each Node entry file (scripts/build.mjs), with the
// reading of the entry's .wasm.

import { realmShared } from '@error-snippet';

/** The recorded exports under `key` when every one of `names` is a function there, else `load()`'s, frozen and recorded. */
export function realmExports(key, names, load) {
  const complete = (found) =>
    typeof found === 'object' && found !== null && names.every((n) => typeof found[n] === 'function');
  return realmShared(key, complete, () => Object.freeze(load()));
}

/**
 * `read(file)`, the entry's .wasm; where it is missing because the entry was
 * bundled into an app without it, an error that says so and what to do.
 */
export function wasmBytes(read, file) {
  try {
    return read(file);
  } catch (e) {
    if (!e || e.code !== 'ENOENT') throw e;
    const path = typeof e.path === 'string' ? e.path : String(file);
    const name = path.split(/[\\/]/).pop();
    throw new Error(
      `sobot-channels: ${path} is missing: the package was bundled without its .wasm. Keep sobot-channels ` +
        `out of a Node bundle (esbuild --packages=external, webpack externals) or copy ${name} next to the bundle.`,
      { cause: e },
    );
  }
}
