/**
 * The package's .wasm as a bundler's asset import gives it: its URL (e.g.
 * esbuild's `file` loader). Hand it to `init()` where the bundler does not
 * follow the entry's own `new URL('…', import.meta.url)`.
 */
declare const url: string;
export default url;
