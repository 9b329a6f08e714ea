'use strict';
// Node, CommonJS. The wasm is compiled and instantiated synchronously, once in
// a realm, shared with the ES-module twin (index.node.mjs) as
// node-instance.js says; this file loads its glue only when it comes first.
const { realmExports, wasmBytes } = require('@node-instance');

const KEY = Symbol.for('sobot-channels@dev');

module.exports = {
  ...realmExports(KEY, [/*@export-names*/], () => {
    const { readFileSync } = require('node:fs');
    const { join } = require('node:path');
    const glue = require('./sobot_channels.cjs');
    glue.initSync({ module: wasmBytes(readFileSync, join(__dirname, 'sobot_channels_bg.wasm')) });
    return {
      init,
      /*@cjs-exports*/
    };
  }),
};

/** Loading is synchronous in Node: `init()` resolves at once. */
async function init() {}
