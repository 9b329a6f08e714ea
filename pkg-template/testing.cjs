'use strict';
// sobot-channels/testing for CommonJS. The emulator is an ES module; it is loaded
// on the first call, and startEmulator resolves as it does for `import`.
exports.startEmulator = (options) => import('./testing.mjs').then((m) => m.startEmulator(options));
