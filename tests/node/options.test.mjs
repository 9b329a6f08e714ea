// Options are checked as strictly as requests: an option this version does not
// take is a validation error naming it, with the closest option it resembles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SobotClient, GraphClient, getToken, createWebhookHandler, SobotError } from 'sobot-channels';

function refusal(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SobotError, String(e));
    assert.equal(e.kind, 'validation');
    return e;
  }
  assert.fail('not refused');
}

test('SobotClient: a misspelt option is refused with a did-you-mean', () => {
  const e = refusal(() => new SobotClient({ appId: 'a', appKey: 'k', apiKey: 'k', retry: { maxAttempt: 3 } }));
  const byPath = Object.fromEntries(e.violations.map((v) => [v.path, v]));
  assert.match(byPath['apiKey'].message, /is not an option \(did you mean appKey\?\)/);
  assert.equal(byPath['apiKey'].rule, 'unknown_field');
  assert.match(byPath['retry.maxAttempt'].message, /did you mean maxAttempts\?/);
  // every documented option is still taken
  new SobotClient({
    appId: 'a', appKey: 'k', baseUrl: 'https://sg.sobot.com', timeoutMs: 1000, refreshMarginMs: 0,
    retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 100 }, fetch: globalThis.fetch, allowInsecureHttp: false,
  });
});

test('GraphClient, getToken and createWebhookHandler refuse unknown options too', async () => {
  const g = refusal(() => new GraphClient({ accessToken: 't', verison: 'v23.0' }));
  assert.match(g.violations[0].message, /verison is not an option \(did you mean version\?\)/);
  await assert.rejects(getToken({ appId: 'a', appKey: 'k', timeout: 5 }), (e) => {
    assert.match(e.violations[0].message, /did you mean timeoutMs\?/);
    return true;
  });
  const h = refusal(() => createWebhookHandler({ channel: 'line', secret: 's', onEvent() {} }));
  assert.ok(h.violations.some((v) => /options\.onEvent is not an option \(did you mean onEvents\?\)/.test(v.message)));
});
