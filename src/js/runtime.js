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

/** The largest answer read (bytes): a platform page is far smaller. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** The origin of a redirect's target, never its path or query. */
function targetOrigin(res, url) {
  try {
    const loc = res.headers.get('location');
    if (loc) return new URL(loc, url).origin;
  } catch {
    // an unreadable Location
  }
  return 'another location';
}

/** The body's bytes, up to MAX_ANSWER_BYTES; `null` past it. */
async function readBody(res) {
  const declared = Number(res.headers.get('content-length'));
  if (declared > MAX_ANSWER_BYTES) return null;
  if (!res.body || typeof res.body.getReader !== 'function') {
    const bytes = new Uint8Array(await res.arrayBuffer());
    return bytes.length > MAX_ANSWER_BYTES ? null : bytes;
  }
  const reader = res.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_ANSWER_BYTES) {
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const TIMED_OUT = Symbol('timed out');
const ABORTED = Symbol('aborted');

/**
 * Sends one request. Resolves to `{ status, retryAfter, body }` or to
 * `{ error: 'refused' | 'network' | 'timeout' | 'aborted' | 'redirect', message }`;
 * never rejects. The timeout and the signal bound the whole exchange, body
 * included, even when a caller's `fetch` ignores its signal. Redirects are
 * not followed: the token and the sign stay with the configured origin.
 */
export async function exchange(fetchFn, method, url, headers, body, timeoutMs, signal) {
  if (signal && signal.aborted) return { error: 'aborted', message: 'cancelled' };
  const controller = new AbortController();
  let timer;
  let onAbort;
  const ended = new Promise((resolve) => {
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        controller.abort();
        resolve(TIMED_OUT);
      }, timeoutMs);
    }
    onAbort = () => {
      controller.abort();
      resolve(ABORTED);
    };
    if (signal) signal.addEventListener('abort', onAbort, { once: true });
  });
  const within = (p) => Promise.race([p, ended]);
  const cut = (why) =>
    why === ABORTED
      ? { error: 'aborted', message: 'cancelled' }
      : { error: 'timeout', message: `no answer within ${timeoutMs} ms` };
  try {
    const init = { method, headers, signal: controller.signal, redirect: 'manual' };
    if (body !== undefined) init.body = body;
    const sent = fetchFn ? fetchFn(url, init) : fetch(url, init);
    const res = await within(Promise.resolve(sent));
    if (res === TIMED_OUT || res === ABORTED) {
      Promise.resolve(sent).then((r) => r && r.body && r.body.cancel && r.body.cancel(), () => {});
      return cut(res);
    }
    const redirected =
      (res.status >= 300 && res.status < 400) || res.type === 'opaqueredirect' || res.redirected === true;
    if (redirected) {
      if (res.body && res.body.cancel) res.body.cancel().catch(() => {});
      return { error: 'redirect', status: res.status, message: targetOrigin(res, url) };
    }
    const bytes = await within(readBody(res));
    if (bytes === TIMED_OUT || bytes === ABORTED) {
      if (res.body && res.body.cancel) res.body.cancel().catch(() => {});
      return cut(bytes);
    }
    if (bytes === null) {
      return { error: 'network', message: `the answer is larger than ${MAX_ANSWER_BYTES} bytes` };
    }
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: bytes };
  } catch (e) {
    if (signal && signal.aborted) return { error: 'aborted', message: 'cancelled' };
    if (controller.signal.aborted) return cut(TIMED_OUT);
    const code = causeCode(e);
    const name = (e && e.name) || 'Error';
    const message = `${name}: ${(e && e.message) || 'fetch failed'}${code ? ` (${code})` : ''}`;
    return { error: code && NOT_SENT.has(code) ? 'refused' : 'network', message };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (signal) signal.removeEventListener('abort', onAbort);
  }
}

/**
 * A wait of `ms`: `{ promise, cancel }`. The promise resolves `true`, or
 * `false` as soon as `signal` aborts; `cancel()` clears the timer (the
 * promise then never settles).
 */
export function timer(ms, signal) {
  let id;
  let onAbort;
  const promise = new Promise((resolve) => {
    if (signal && signal.aborted) return resolve(false);
    onAbort = () => {
      clearTimeout(id);
      resolve(false);
    };
    id = setTimeout(() => {
      if (signal) signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    if (signal) signal.addEventListener('abort', onAbort, { once: true });
  });
  const cancel = () => {
    clearTimeout(id);
    if (signal && onAbort) signal.removeEventListener('abort', onAbort);
  };
  return { promise, cancel };
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
      const step = async () => {
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
      };
      // Steps run one after another: concurrent next() calls would read
      // the same page position (and the pager) at once.
      let last = Promise.resolve();
      return {
        next: () => (last = last.then(step, step)),
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

// Webhook bodies and secrets are measured here before any byte is copied into
// wasm memory (which never shrinks). The built-in getters are called directly,
// not looked up on the value: an object that merely inherits from
// Uint8Array.prototype, or a view whose own properties lie, is not taken for
// bytes, and a detached buffer is told apart instead of throwing mid-copy.
const builtinGetter = (proto, name) => Object.getOwnPropertyDescriptor(proto, name).get;
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const typedBuffer = builtinGetter(TypedArrayPrototype, 'buffer');
const typedOffset = builtinGetter(TypedArrayPrototype, 'byteOffset');
const typedLength = builtinGetter(TypedArrayPrototype, 'byteLength');
const dataViewBuffer = builtinGetter(DataView.prototype, 'buffer');
const dataViewOffset = builtinGetter(DataView.prototype, 'byteOffset');
const dataViewLength = builtinGetter(DataView.prototype, 'byteLength');
const bufferLength = builtinGetter(ArrayBuffer.prototype, 'byteLength');

function whatItIs(v) {
  if (v === null || v === undefined) return String(v);
  const t = typeof v;
  if (t !== 'object') return `a ${t}`;
  try {
    return Array.isArray(v) ? 'an array' : 'an object';
  } catch {
    return 'a revoked Proxy';
  }
}

function isDetached(buffer) {
  try {
    // Constructing any view of a detached buffer throws; of a live one, never with (0, 0).
    new Uint8Array(buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/**
 * A new `Uint8Array` over the bytes of `v`, a typed array, `DataView` or
 * `ArrayBuffer` (over its own memory: nothing is copied), with an exact
 * `length`; or, when `v` is none of them or its memory cannot be read, a
 * phrase saying what it is instead (`'a detached ArrayBuffer'`, `'an object'`).
 * Never throws.
 */
export function bytesView(v) {
  if (v === null || typeof v !== 'object') return whatItIs(v);
  let buffer;
  try {
    if (ArrayBuffer.isView(v)) {
      let offset;
      let length;
      try {
        buffer = typedBuffer.call(v);
        offset = typedOffset.call(v);
        length = typedLength.call(v);
      } catch {
        buffer = dataViewBuffer.call(v);
        offset = dataViewOffset.call(v);
        length = dataViewLength.call(v);
      }
      return new Uint8Array(buffer, offset, length);
    }
  } catch {
    return buffer !== undefined && isDetached(buffer)
      ? 'a view of a detached ArrayBuffer'
      : 'a view outside its buffer';
  }
  let length;
  try {
    length = bufferLength.call(v);
  } catch {
    // not an ArrayBuffer (nor a SharedArrayBuffer, which is only taken through a view)
    return whatItIs(v);
  }
  try {
    return new Uint8Array(v, 0, length);
  } catch {
    return isDetached(v) ? 'a detached ArrayBuffer' : 'an unreadable ArrayBuffer';
  }
}

/** The `length` of a `Uint8Array` made by `bytesView` or `utf8`, as a number (not wrapped at 2^32). */
export function lengthOf(bytes) {
  return bytes.length;
}
