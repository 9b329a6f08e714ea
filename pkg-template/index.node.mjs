// Node, ES modules: bundled with the glue into one file, so that an `import`
// reads one module and no CommonJS. The wasm instance is shared with the
// CommonJS twin (index.node.cjs) as node-instance.js says: when the twin came
// first, the glue below is evaluated but not instantiated.
import { readFileSync } from 'node:fs';
import * as glue from './sobot_channels.js';
import { SobotError as errorClass } from '@error-snippet';
import { realmExports, wasmBytes } from '@node-instance';

const KEY = Symbol.for('sobot-channels@dev');

/** Loading is synchronous in Node: `init()` resolves at once. */
async function ready() {}

export const {
  init,
  /*@esm-names*/
} = realmExports(KEY, [/*@export-names*/], () => {
  glue.initSync({ module: wasmBytes(readFileSync, new URL('./sobot_channels_bg.wasm', import.meta.url)) });
  return {
    init: ready,
    SobotError: errorClass,
    /*@esm-glue*/
  };
});
