// The runtime side of the package: one HTTP exchange over fetch (the caller's
// or the global one) with a timeout and the caller's AbortSignal, a
// cancellable sleep, async iteration over pages, the host's HMAC where it
// has a synchronous one, and the webhook handler's awaits (body, store,
// `onEvents`) around the decisions of `webhook::handler`. No API logic lives here.

// Node (undici) reports why a fetch failed in `cause.code`. These codes mean
// the request never reached a server, so repeating it cannot duplicate it.
const NOT_SENT = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
  'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Why a fetch failed: the first `code` down its causes (and AggregateError's
 * first error), and the innermost cause's message (undici's `bad port`).
 */
function causeOf(e) {
  let code;
  let message;
  let c = e;
  for (let i = 0; i < 5 && c; i++) {
    if (code === undefined && typeof c.code === 'string') code = c.code;
    if (c !== e && typeof c.message === 'string' && c.message) message = c.message;
    c = Array.isArray(c.errors) && c.errors.length ? c.errors[0] : c.cause;
  }
  return { code, message };
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

/** The body's bytes, up to `max`; `null` past it (the rest is not read). */
async function readBody(res, max = MAX_ANSWER_BYTES) {
  const declared = Number(res.headers.get('content-length'));
  if (declared > max) return null;
  if (!res.body || typeof res.body.getReader !== 'function') {
    const bytes = new Uint8Array(await res.arrayBuffer());
    return bytes.length > max ? null : bytes;
  }
  const reader = res.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return joined(chunks, size);
}

/** `chunks` (of `size` bytes in all) as one `Uint8Array`, copied only when there are several. */
function joined(chunks, size) {
  if (chunks.length === 1) return new Uint8Array(chunks[0].buffer, chunks[0].byteOffset, chunks[0].length);
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
 * `{ error: 'refused' | 'network' | 'timeout' | 'aborted' | 'redirect', message, cause? }`
 * (`cause`: what `fetch` threw);
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
    const { code, message: reason } = causeOf(e);
    const name = (e && e.name) || 'Error';
    const detail = code ?? reason;
    const message = `${name}: ${(e && e.message) || 'fetch failed'}${detail ? ` (${detail})` : ''}`;
    return { error: code && NOT_SENT.has(code) ? 'refused' : 'network', message, cause: e };
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

// An event's `raw` is parsed from the body it came from when first read, then
// kept as a plain property: the events' JSON does not carry the body twice.
// It is enumerable, so JSON.stringify, structuredClone and spreading see it.
const RAW_AT = Symbol('raw');
const decoder = new TextDecoder();

function keepRaw(event, value) {
  // a frozen event cannot keep it: it is parsed again on each read
  Reflect.defineProperty(event, 'raw', { value, writable: true, enumerable: true, configurable: true });
}

const LAZY_RAW = {
  get() {
    const [source, start, end] = this[RAW_AT];
    const value = JSON.parse(typeof source === 'string' ? source.slice(start, end) : decoder.decode(source.subarray(start, end)));
    keepRaw(this, value);
    return value;
  },
  set(value) {
    keepRaw(this, value);
  },
  enumerable: true,
  configurable: true,
};

/**
 * Gives each of `events` a `raw` read from `source` (a string, or bytes no one
 * else holds) at `[spans[2i], spans[2i + 1])` when first read; a span of
 * 0xffffffff means the event's JSON already has its `raw`.
 */
export function lazyRaw(events, source, spans) {
  for (let i = 0; i < events.length; i++) {
    const start = spans[2 * i];
    if (start === 0xffffffff) continue;
    Object.defineProperty(events[i], RAW_AT, { value: [source, start, spans[2 * i + 1]] });
    Object.defineProperty(events[i], 'raw', LAZY_RAW);
  }
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

// ---- The webhook handler's side of the Fetch API and of node:http ----

/**
 * The handler function over a `WebhookHandler` (the decisions) and its
 * settings: reads the body, claims the events in the store, runs `onEvents`,
 * then confirms them, or releases them when it throws. Never rejects.
 */
export function bindHandler(core, o) {
  const store = o.dedupe;
  // A delivery's calls of one method start together, so one timer bounds each
  // of them (not one timer per event of a batch); the handler's own memory
  // store answers at once, so it is called directly.
  const callAll = (method, keys, ...args) =>
    o.dedupeInMemory
      ? keys.map((k) => {
          try {
            return { status: 'fulfilled', value: k === null ? true : store[method](k, ...args) };
          } catch (reason) {
            return { status: 'rejected', reason };
          }
        })
      : boundedAll(keys.map((k) => (k === null ? true : Promise.resolve().then(() => store[method](k, ...args)))), o.storeTimeoutMs, `dedupe.${method}()`);
  const report = (error, delivery) => {
    try {
      if (o.onError) return void o.onError(error, delivery);
    } catch (e) {
      error = e;
    }
    console.error('sobot-channels: webhook handler failed:', error);
  };
  const settle = async (method, keys, owner, delivery, ...args) => {
    const failed = (await callAll(method, keys, owner, ...args)).find((a) => a.status === 'rejected');
    if (failed) report(failed.reason, delivery);
  };

  async function claim(keys, owner, delivery) {
    if (!store) return keys.map(() => true);
    const answers = await callAll('claim', keys, owner, o.claimTtlMs);
    const failed = answers.find((a) => a.status === 'rejected');
    if (failed) {
      // Free what was claimed, so the redelivery of this 500 is handed over.
      await settle('release', keys.filter((k, i) => k !== null && answers[i].value === true), owner, delivery);
      throw failed.reason;
    }
    return answers.map((a) => a.value === true);
  }

  async function deliver(events, held, owner, delivery) {
    try {
      await o.onEvents(events, delivery);
    } catch (error) {
      await settle('release', held, owner, delivery);
      throw error;
    }
    await settle('confirm', held, owner, delivery, o.seenTtlMs);
  }

  // One delivery's owner of its claims: unique across processes (a random
  // prefix) without drawing random bytes per delivery.
  const ownerPrefix = ownerId();
  let deliveries = 0;

  // The handling of one request, from what the Fetch API and node:http both
  // give: `input` = { method, url, header(name), read(max) → body or null }.
  // Resolves to the answer, [status, body]; never rejects.
  async function handle(input, delivery) {
    try {
      const early = core.route(input.method, input.header('content-length') ?? undefined, input.url);
      if (early !== undefined) return early;
      const body = await input.read(o.maxBodyBytes);
      delivery.body = body ?? undefined;
      const accepted = core.accept(
        body,
        input.header(o.signatureHeader) ?? (o.legacySignatureHeader ? input.header(o.legacySignatureHeader) : null) ?? undefined,
        input.header(o.tokenHeader) ?? undefined,
        input.url,
      );
      if (Array.isArray(accepted)) return accepted;
      const { events, keys } = accepted;
      const owner = ownerPrefix + (deliveries++).toString(36);
      const claimed = await claim(keys, owner, delivery);
      const fresh = events.filter((_, i) => claimed[i]);
      const held = store ? keys.filter((k, i) => k !== null && claimed[i]) : [];
      if (fresh.length === 0) return o.ok;
      if (o.defer) {
        const work = deliver(fresh, held, owner, delivery).catch((e) => report(e, delivery));
        const context = delivery.context;
        if (context && typeof context.waitUntil === 'function') context.waitUntil(work);
        return o.ok;
      }
      try {
        await deliver(fresh, held, owner, delivery);
      } catch (error) {
        report(error, delivery);
        return o.failed;
      }
      return o.ok;
    } catch (error) {
      report(error, delivery);
      return o.failed;
    }
  }

  const handler = async (request, context) => {
    const delivery = { channel: o.channel, body: undefined, request, context };
    if (request === null || typeof request !== 'object' || !request.headers) {
      report(new TypeError('the webhook handler takes a Fetch API Request'), delivery);
      return respond(...o.failed);
    }
    const input = {
      method: String(request.method),
      url: String(request.url),
      header: (name) => request.headers.get(name),
      read: (max) => {
        if (request.bodyUsed) {
          throw new TypeError('the request body was already read: hand the handler the untouched Request');
        }
        return readBody(request, max);
      },
    };
    return respond(...(await handle(input, delivery)));
  };
  // node:http without Fetch API objects: toNodeListener's path for this handler
  Object.defineProperty(handler, NODE_HANDLE, {
    value: (req, body, url) => {
      const delivery = { channel: o.channel, body: undefined, request: undefined, context: undefined };
      Object.defineProperty(delivery, 'request', {
        // built when first read: the Request the Fetch API path would have had
        get() {
          const init = { method: req.method, headers: nodeHeaders(req) };
          if (delivery.body !== undefined && req.method !== 'GET' && req.method !== 'HEAD') init.body = delivery.body;
          const value = new Request(url, init);
          Object.defineProperty(delivery, 'request', { value, enumerable: true, writable: true, configurable: true });
          return value;
        },
        enumerable: true,
        configurable: true,
      });
      const header = (name) => {
        const v = req.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      };
      return handle({ method: String(req.method), url, header, read: body }, delivery);
    },
  });
  Object.defineProperty(handler, 'maxBodyBytes', { value: o.maxBodyBytes });
  return handler;
}

/** `value` as a promise that rejects after `ms` ms, naming `what`. */
function bounded(value, ms, what) {
  let id;
  const late = new Promise((_, reject) => {
    id = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([value, late]).finally(() => clearTimeout(id));
}

/**
 * `Promise.allSettled(values)`, where a value not settled within `ms` ms is
 * rejected, naming `what`: one timer for them all.
 */
function boundedAll(values, ms, what) {
  const answers = new Array(values.length);
  let pending = values.length;
  if (pending === 0) return Promise.resolve(answers);
  return new Promise((resolve) => {
    const late = () => {
      const reason = new Error(`${what} did not settle within ${ms} ms`);
      resolve(Array.from(answers, (a) => a ?? { status: 'rejected', reason }));
    };
    const id = setTimeout(late, ms);
    values.forEach((v, i) =>
      Promise.resolve(v).then(
        (value) => (answers[i] = { status: 'fulfilled', value }),
        (reason) => (answers[i] = { status: 'rejected', reason }),
      ).finally(() => {
        if (--pending === 0) {
          clearTimeout(id);
          resolve(answers);
        }
      }),
    );
  });
}

/**
 * Calls `store[method](...args)` (a value or a promise), bounded by `ms`:
 * the broadcast's claims, confirmations and releases.
 */
export function storeCall(store, method, args, ms) {
  return bounded(Promise.resolve().then(() => store[method](...args)), ms, `store.${method}()`);
}

/** 128 random bits, in hex: the owner of one delivery's claims, or a run's id. */
export function ownerId() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** A plain-text `Response`. */
function respond(status, body) {
  return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

export function warn(message) {
  console.warn(message);
}

// registered, so that either entry's toNodeListener finds either entry's handler;
// versioned, as its arguments and answer are a contract between the two
const NODE_HANDLE = Symbol.for('sobot-channels.nodeHandle.v1');

/** A Node request's headers as Fetch API `Headers`. */
function nodeHeaders(req) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

/** A Node request's body, or null past `max` bytes (the rest is then discarded). */
function nodeBody(req, max) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    const finish = (settle, value) => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
      settle(value);
    };
    const onData = (chunk) => {
      size += chunk.length;
      if (size > max) {
        finish(resolve, null);
        req.resume();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(resolve, joined(chunks, size));
    const onError = (e) => finish(reject, e);
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/** A web stream over a Node request, paused while the reader is behind. */
function streamOf(req) {
  let done = false;
  return new ReadableStream({
    start(controller) {
      req.on('data', (chunk) => {
        if (done) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if (controller.desiredSize <= 0) req.pause();
      });
      req.on('end', () => {
        if (!done) controller.close();
        done = true;
      });
      req.on('error', (e) => {
        if (!done) controller.error(e);
        done = true;
      });
    },
    pull() {
      req.resume();
    },
    cancel() {
      // The handler stopped reading (413): discard the rest.
      done = true;
      req.resume();
    },
  }, { highWaterMark: 1 });
}

/** `(req, res, next?)` over a handler function; resolves once answered. */
export function nodeListener(handler) {
  if (typeof handler !== 'function') {
    throw new TypeError('toNodeListener(handler): handler must be the function createWebhookHandler returns');
  }
  return async function sobotWebhookListener(req, res, next) {
    const fail = (error) => {
      if (typeof next === 'function') return next(error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not handled');
      console.error('sobot-channels: toNodeListener:', error);
    };
    const parsed = req.body !== undefined && !(req.body instanceof Uint8Array);
    if (parsed || (req.body === undefined && req.readableEnded)) {
      return fail(new Error(
        'toNodeListener: the request body was already read by a body parser, so its signature cannot be checked; ' +
          'mount the webhook route before express.json() (or use express.raw({ type: "*/*" }) for it)',
      ));
    }
    try {
      const secure = Boolean(req.socket && req.socket.encrypted);
      const url = `${secure ? 'https' : 'http'}://${req.headers.host || 'localhost'}${req.originalUrl || req.url}`;
      const direct = handler[NODE_HANDLE];
      if (direct) {
        const read = (max) => (req.body instanceof Uint8Array ? (req.body.length > max ? null : req.body) : nodeBody(req, max));
        const [status, text] = await direct(req, read, url);
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(text);
      } else {
        const init = { method: req.method, headers: nodeHeaders(req) };
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          if (req.body instanceof Uint8Array) init.body = req.body;
          else {
            init.body = streamOf(req);
            init.duplex = 'half';
          }
        }
        const response = await handler(new Request(url, init));
        const body = new Uint8Array(await response.arrayBuffer());
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(body);
      }
      if (!req.readableEnded) req.resume();
    } catch (error) {
      fail(error);
    }
  };
}
