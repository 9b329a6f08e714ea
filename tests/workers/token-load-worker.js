// A Worker for the Durable Object token-sharing load test (token-load.test.mjs):
// the example Worker's token store (examples/cloudflare-worker/src/token-store.js),
// and one cheap Sobot read per request, so that the test can keep a steady load on
// each of several isolates and see every call's outcome.
//   GET /read   one line.queryTaskList; answers { ok } or { ok: false, kind, code, message }
//   GET /stats  this isolate's client.stats()
//   GET /late-set  a refresher whose lock expired (and was taken) tries to store:
//                answers what each store call answered and the token left stored
import { init, SobotClient } from 'sobot-channels';
import { durableTokenStore } from '../../examples/cloudflare-worker/src/token-store.js';

export { SobotTokenStore } from '../../examples/cloudflare-worker/src/token-store.js';

// One client per isolate, as in the example.
let client;

function sobot(env) {
  client ??= new SobotClient({
    appId: env.APP_ID,
    appKey: env.APP_KEY,
    baseUrl: env.SOBOT_BASE_URL,
    refreshMarginMs: Number(env.REFRESH_MARGIN_MS),
    tokenStore: env.TOKEN_STORE === 'memory' ? undefined : durableTokenStore(env.SOBOT_TOKEN, env.APP_ID),
  });
  return client;
}

export default {
  async fetch(request, env) {
    await init();
    const { pathname } = new URL(request.url);
    if (pathname === '/stats') return Response.json(sobot(env).stats());
    if (pathname === '/late-set') {
      const appId = `late-set-${crypto.randomUUID()}`;
      const late = durableTokenStore(env.SOBOT_TOKEN, appId);
      const next = durableTokenStore(env.SOBOT_TOKEN, appId);
      const out = { unlockedSet: await late.set('tok-unlocked', Date.now() + 60_000) };
      out.lateLock = await late.lock(50);
      await new Promise((r) => setTimeout(r, 100));
      out.nextLock = await next.lock(5000);
      out.nextSet = await next.set('tok-new', Date.now() + 60_000);
      out.lateSet = await late.set('tok-old', Date.now() + 60_000);
      out.stored = (await next.get())?.token ?? null;
      await next.unlock();
      return Response.json(out);
    }
    if (pathname !== '/read') return new Response('not found', { status: 404 });
    try {
      await sobot(env).line.queryTaskList({ page_no: 1, page_size: 1 });
      return Response.json({ ok: true });
    } catch (e) {
      return Response.json({ ok: false, kind: e?.kind ?? null, code: e?.code ?? null, message: String(e?.message ?? e) });
    }
  },
};
