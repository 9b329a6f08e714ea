'use strict';
// Node, CommonJS. The wasm is compiled and instantiated synchronously, once in
// a realm: whichever of this file and its ES-module twin (index.node.mjs) is
// loaded first instantiates it and records its exports under `KEY`, and the
// other takes them from there. So `require` and `import` share one instance
// (clients given one token store share one refresh, whichever loaded them),
// and `import` loads no CommonJS. The key names the version and this build's
// wasm: other builds keep instances of their own. Deleting the key from the
// global object makes the next load of a fresh module start a new instance.
const KEY = Symbol.for('sobot-channels@dev');
const NAMES = [/*@export-names*/];

const shared = globalThis[KEY];
module.exports = { ...(isExports(shared) ? shared : share(load())) };

function load() {
  const { readFileSync } = require('node:fs');
  const { join } = require('node:path');
  const glue = require('./sobot_channels.cjs');
  glue.initSync({ module: readFileSync(join(__dirname, 'sobot_channels_bg.wasm')) });
  return {
    init,
    /*@cjs-exports*/
  };
}

/** Loading is synchronous in Node: `init()` resolves at once. */
async function init() {}

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
