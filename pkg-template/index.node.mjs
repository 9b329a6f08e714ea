// Node, ES modules: bundled with the glue into this one file, so that an
// `import` reads one module and no CommonJS. The wasm instance is shared with
// the CommonJS twin (index.node.cjs says how): `import` and `require` give the
// same functions and classes, and clients given one token store share one
// refresh whichever loaded them. When the twin loaded first, the glue below is
// evaluated but not instantiated.
import { readFileSync } from 'node:fs';
import * as glue from './sobot_channels.js';
import { SobotError as errorClass } from '@error-snippet';

const KEY = Symbol.for('sobot-channels@dev');
const NAMES = [/*@export-names*/];

function load() {
  glue.initSync({ module: readFileSync(new URL('./sobot_channels_bg.wasm', import.meta.url)) });
  return {
    init: ready,
    SobotError: errorClass,
    /*@esm-glue*/
  };
}

/** Loading is synchronous in Node: `init()` resolves at once. */
async function ready() {}

/** Whether `v` is what `share` records: every export, a function. */
function isExports(v) {
  return typeof v === 'object' && v !== null && NAMES.every((n) => typeof v[n] === 'function');
}

/** Records `api` as the realm's instance where the key is free and the global object can take it. */
function share(api) {
  Object.freeze(api);
  try {
    if (!(KEY in globalThis)) Object.defineProperty(globalThis, KEY, { value: api, configurable: true });
  } catch {
    // a frozen global object: `require` and `import` keep an instance each
  }
  return api;
}

const shared = globalThis[KEY];
export const {
  init,
  /*@esm-names*/
} = isExports(shared) ? shared : share(load());
