// A worker running the shared hostile-body survival (tests/hostile.mjs) on
// its one wasm instance, inside workerd.
import * as sdk from 'sobot-channels';
import { survive, answers } from '../hostile.mjs';

export default {
  async fetch(request) {
    await sdk.init();
    const url = new URL(request.url);
    if (url.pathname === '/hostile') {
      const { fixtures, count } = await request.json();
      const before = answers(sdk, fixtures);
      const res = survive(sdk, fixtures, { count });
      const after = answers(sdk, fixtures);
      return Response.json({ res, before, after, exported: Object.keys(sdk).sort() });
    }
    if (url.pathname === '/events') {
      try {
        return Response.json({ events: sdk.parseEvents(url.searchParams.get('channel'), await request.arrayBuffer()) });
      } catch (e) {
        return Response.json({ isSobotError: e instanceof sdk.SobotError, error: String(e) }, { status: 400 });
      }
    }
    if (url.pathname === '/memory') return Response.json({ bytes: sdk.wasmMemoryBytes() });
    return new Response('not found', { status: 404 });
  },
};
