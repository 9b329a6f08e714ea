// A worker exercising the webhook functions inside workerd.
import { parseEvents, parseLineWebhook, parseMessengerWebhook, verifyLineSignature, SobotError, init } from 'sobot-channels';

function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
}

export default {
  async fetch(request) {
    await init();
    const url = new URL(request.url);
    if (url.pathname === '/events') {
      const bytes = await request.arrayBuffer();
      try {
        return Response.json({ ok: true, events: parseEvents(url.searchParams.get('channel'), bytes) });
      } catch (e) {
        return Response.json({ ok: false, isSobotError: e instanceof SobotError, error: e.toJSON() }, { status: 400 });
      }
    }
    if (url.pathname === '/survive') {
      // Thousands of random and truncated bodies, then a valid one, on this one instance.
      const { fixtures, valid } = await request.json();
      const enc = new TextEncoder();
      const all = fixtures.map((f) => enc.encode(f));
      const r = rng(99);
      let errors = 0;
      let foreign = 0;
      for (let i = 0; i < 3000; i++) {
        const src = all[i % all.length];
        let b;
        if (i % 3 === 0) b = src.subarray(0, Math.floor(r() * src.length));
        else if (i % 3 === 1) { b = src.slice(); for (let k = 0; k < 3; k++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256); }
        else { b = new Uint8Array(Math.floor(r() * 300)); for (let k = 0; k < b.length; k++) b[k] = Math.floor(r() * 256); }
        for (const fn of [() => parseMessengerWebhook(b), () => parseLineWebhook(b.buffer), () => parseEvents('line', b),
          () => verifyLineSignature(b, 'secret', 'AAAA')]) {
          try { fn(); } catch (e) { if (e instanceof SobotError) errors++; else foreign++; }
        }
      }
      const events = parseEvents('line', valid);
      return Response.json({ errors, foreign, events });
    }
    return new Response('not found', { status: 404 });
  },
};
