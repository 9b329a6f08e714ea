'use strict';
// Node, CommonJS. The wasm is compiled and instantiated synchronously, once:
// the ESM entry (index.node.mjs) re-exports this module, so `require` and
// `import` share one instance.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const glue = require('./sobot_channels.cjs');

glue.initSync({ module: readFileSync(join(__dirname, 'sobot_channels_bg.wasm')) });

/** Loading is synchronous in Node: `init()` resolves at once. */
async function init() {}

module.exports = {
  init,
  /*@cjs-exports*/
};
