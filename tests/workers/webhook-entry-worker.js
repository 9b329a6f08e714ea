// A webhook handler on `sobot-channels/webhook` alone: verify the LINE
// signature over the raw bytes, then parse and normalise.
import { init, parseEvents, verifyLineSignature, SobotError, wasmMemoryBytes } from 'sobot-channels/webhook';

export default {
  async fetch(request, env) {
    await init();
    const url = new URL(request.url);
    const channel = url.searchParams.get('channel');
    const bytes = await request.arrayBuffer();
    if (channel === 'line' && !verifyLineSignature(bytes, env.LINE_CHANNEL_SECRET, request.headers.get('x-line-signature'))) {
      return new Response('invalid signature', { status: 401 });
    }
    try {
      return Response.json({ events: parseEvents(channel, bytes), memory: wasmMemoryBytes() });
    } catch (e) {
      return Response.json({ isSobotError: e instanceof SobotError, error: e.toJSON() }, { status: 400 });
    }
  },
};
