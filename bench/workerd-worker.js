// The webhook part of the suite inside workerd: each request runs one
// operation `n` times on the posted body, so the driver can time it from
// outside (workerd's clocks do not advance while a request computes).
import { init, parseEvents, verifyLineSignature } from 'sobot-channels';

let key;
const enc = new TextEncoder();

export default {
  async fetch(request, env) {
    await init();
    const url = new URL(request.url);
    const op = url.searchParams.get('op');
    const channel = url.searchParams.get('channel') ?? 'line';
    const n = Number(url.searchParams.get('n') ?? 1);
    const sig = request.headers.get('x-line-signature');
    const body = new Uint8Array(await request.arrayBuffer());
    key ??= await crypto.subtle.importKey('raw', enc.encode(env.SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    const raw = Uint8Array.from(atob(sig), (c) => c.charCodeAt(0));
    let ok = true;
    if (op === 'noop') {
      for (let i = 0; i < n; i++) ok = ok && body.length > 0;
    } else if (op === 'json-parse') {
      for (let i = 0; i < n; i++) ok = ok && JSON.parse(new TextDecoder().decode(body)) !== null;
    } else if (op === 'parse') {
      for (let i = 0; i < n; i++) ok = ok && parseEvents(channel, body).length > 0;
    } else if (op === 'verify') {
      for (let i = 0; i < n; i++) ok = ok && verifyLineSignature(body, env.SECRET, sig);
    } else if (op === 'subtle') {
      for (let i = 0; i < n; i++) ok = ok && (await crypto.subtle.verify('HMAC', key, raw, body));
    } else if (op === 'webhook') {
      for (let i = 0; i < n; i++) ok = ok && verifyLineSignature(body, env.SECRET, sig) && parseEvents(channel, body).length > 0;
    } else if (op === 'webhook-plain') {
      for (let i = 0; i < n; i++) ok = ok && (await crypto.subtle.verify('HMAC', key, raw, body)) && JSON.parse(new TextDecoder().decode(body)) !== null;
    } else {
      return new Response('unknown op', { status: 400 });
    }
    return new Response(ok ? 'ok' : 'failed', { status: ok ? 200 : 500 });
  },
};
