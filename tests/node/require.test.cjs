// The CommonJS entry: `require('sobot-channels')` loads synchronously.
const { test } = require('node:test');
const assert = require('node:assert/strict');

test('require() gives the synchronous CommonJS entry', () => {
  const m = require('sobot-channels');
  assert.equal(m.sign('1', '1569397773', '2'), '258eec3118705112b2c53dc8043d4d34');
  assert.equal(typeof m.getToken, 'function');
  assert.equal(typeof m.init, 'function');
  assert.ok(new m.SobotError('x', { kind: 'api', retryable: false }) instanceof Error);
  assert.equal(require.resolve('sobot-channels').endsWith('index.node.cjs'), true);
});

test('getToken through require rejects invalid input with a SobotError', async () => {
  const { getToken, SobotError } = require('sobot-channels');
  await assert.rejects(getToken({ appId: '', appKey: 'k' }), (e) => e instanceof SobotError && e.kind === 'validation');
});
