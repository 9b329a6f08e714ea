// The runtime side of the package: one HTTP exchange over fetch (the caller's
// or the global one) with a timeout and the caller's AbortSignal, a
// cancellable sleep, async iteration over pages, and the host's HMAC where it
// has a synchronous one. No API logic lives here.

// Node (undici) reports why a fetch failed in `cause.code`. These codes mean
// the request never reached a server, so repeating it cannot duplicate it.
const NOT_SENT = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
  'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT',
]);

function causeCode(e) {
  let c = e;
  for (let i = 0; i < 5 && c; i++) {
    if (typeof c.code === 'string') return c.code;
    c = Array.isArray(c.errors) && c.errors.length ? c.errors[0] : c.cause;
  }
  return undefined;
}

/**
 * Sends one request. Resolves to `{ status, retryAfter, body }` or to
 * `{ error: 'refused' | 'network' | 'timeout' | 'aborted', message }`; never rejects.
 */
export async function exchange(fetchFn, method, url, headers, body, timeoutMs, signal) {
  if (signal && signal.aborted) return { error: 'aborted', message: 'cancelled' };
  const controller = new AbortController();
  let timedOut = false;
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, timeoutMs)
      : undefined;
  const onAbort = () => controller.abort();
  if (signal) signal.addEventListener('abort', onAbort, { once: true });
  try {
    const init = { method, headers, signal: controller.signal };
    if (body !== undefined) init.body = body;
    const res = fetchFn ? await fetchFn(url, init) : await fetch(url, init);
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: bytes };
  } catch (e) {
    if (signal && signal.aborted) return { error: 'aborted', message: 'cancelled' };
    if (timedOut) return { error: 'timeout', message: `no answer within ${timeoutMs} ms` };
    const code = causeCode(e);
    const name = (e && e.name) || 'Error';
    const message = `${name}: ${(e && e.message) || 'fetch failed'}${code ? ` (${code})` : ''}`;
    return { error: code && NOT_SENT.has(code) ? 'refused' : 'network', message };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (signal) signal.removeEventListener('abort', onAbort);
  }
}

/** Waits `ms`; resolves `true`, or `false` as soon as `signal` aborts. */
export function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal && signal.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      if (signal) signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    if (signal) signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * An async iterable over the items of the pages `pager.next()` resolves to
 * (an array per page, `undefined` at the end). It can be iterated once;
 * breaking out of the loop releases the pager. Once `signal` aborts, the next
 * step rejects with its reason, even while items of a fetched page remain.
 */
export function iterate(pager, signal) {
  let used = false;
  return {
    [Symbol.asyncIterator]() {
      if (used) throw new TypeError('this page iterator has already been iterated; call the method again');
      used = true;
      let page = [];
      let i = 0;
      let finished = false;
      const finish = () => {
        if (!finished) {
          finished = true;
          pager.free();
        }
      };
      return {
        async next() {
          if (signal && signal.aborted && !finished) {
            finish();
            throw signal.reason;
          }
          while (i >= page.length) {
            if (finished) return { done: true, value: undefined };
            let next;
            try {
              next = await pager.next();
            } catch (e) {
              finish();
              throw e;
            }
            if (next === undefined) {
              finish();
              return { done: true, value: undefined };
            }
            page = next;
            i = 0;
          }
          return { done: false, value: page[i++] };
        },
        async return(value) {
          finish();
          return { done: true, value };
        },
      };
    },
  };
}

// The host's HMAC where it has a synchronous one (node:crypto, reached through
// `process.getBuiltinModule` so that no bundler sees an import): it runs on the
// CPU's SHA instructions, several times faster than SHA in wasm. Looked up on
// first use; elsewhere (browsers, Workers without Node compatibility) `null`.
let hostCrypto;

function lookUpHostCrypto() {
  try {
    const p = globalThis.process;
    const c = p && typeof p.getBuiltinModule === 'function' ? p.getBuiltinModule('node:crypto') : null;
    return c && typeof c.createHmac === 'function' ? c : null;
  } catch {
    return null;
  }
}

function bytesOf(v) {
  if (typeof v === 'string' || v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return new Uint8Array(v);
}

/**
 * Writes HMAC-SHA256 (HMAC-SHA1 when `sha1`) of `body` (a string, typed
 * array, DataView or ArrayBuffer) under `key`, computed by the host's crypto,
 * into `out` (a view of wasm memory, so the digest needs no copy of its own);
 * returns the length written, or -1 when the host has no synchronous HMAC.
 */
export function hostHmac(sha1, key, body, out) {
  if (hostCrypto === undefined) hostCrypto = lookUpHostCrypto();
  if (!hostCrypto) return -1;
  try {
    const d = hostCrypto.createHmac(sha1 ? 'sha1' : 'sha256', bytesOf(key)).update(bytesOf(body)).digest();
    if (d.length > out.length) return -1;
    out.set(d);
    return d.length;
  } catch {
    return -1;
  }
}

// The UTF-8 of a string body, by the engine's encoder in one call (faster
// than copying a string into wasm character by character).
const encoder = new TextEncoder();

/** The UTF-8 bytes of `s` (lone surrogates as U+FFFD, as any encoder writes them). */
export function utf8(s) {
  return encoder.encode(s);
}

/**
 * Writes the UTF-8 of `s` into `out` (a view of wasm memory of at least three
 * bytes per UTF-16 unit of `s`, so that all of it fits); returns the bytes written.
 */
export function utf8Into(s, out) {
  return encoder.encodeInto(s, out).written;
}
