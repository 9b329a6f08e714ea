// One class in a realm for every copy of this file: the CommonJS bundle and
// each ES-module bundle load a copy, and `instanceof SobotError` holds
// whichever of them threw. The build writes the package's version and a digest
// of this file into the key, so a version or a class that differs keeps a
// class of its own. Where the global object is frozen, each copy keeps its own.
const KEY = Symbol.for('sobot-channels/SobotError@dev');

/**
 * The one error class of sobot-channels. Every failure of the package is a
 * SobotError with a `kind` (validation, api, http, network, timeout, decode),
 * the platform's `code` where it gave one, and whether a `retryable` call can
 * succeed later. Secrets never appear in it.
 */
class SobotError extends Error {
  constructor(message, details) {
    super(message);
    this.name = 'SobotError';
    this.kind = details.kind;
    this.code = details.code ?? null;
    this.retryable = details.retryable;
    this.status = details.status ?? null;
    this.endpoint = details.endpoint ?? null;
    this.violations = details.violations ?? [];
    this.platformMessage = details.platformMessage ?? null;
    if (details.type !== undefined) this.type = details.type;
    if (details.subcode !== undefined) this.subcode = details.subcode;
    if (details.fbtraceId !== undefined) this.fbtraceId = details.fbtraceId;
    if (details.description !== undefined) this.description = details.description;
  }

  toJSON() {
    return {
      name: this.name,
      message: this.message,
      kind: this.kind,
      code: this.code,
      retryable: this.retryable,
      status: this.status,
      endpoint: this.endpoint,
      violations: this.violations,
      platformMessage: this.platformMessage,
      ...(this.type !== undefined && { type: this.type, subcode: this.subcode, fbtraceId: this.fbtraceId }),
      ...(this.description !== undefined && { description: this.description }),
    };
  }
}

const TheSobotError = realmShared(KEY, (found) => typeof found === 'function' && found.prototype instanceof Error, () => SobotError);
export { TheSobotError as SobotError };

/**
 * The value recorded on the global object under `key` when `accepts` it, else
 * `make()`'s, recorded there where the key is free (configurable, so that
 * deleting it starts afresh). Where the global object is frozen nothing is
 * recorded and each caller keeps its own. Also shares the Node entries'
 * exports (pkg-template/node-instance.js).
 */
export function realmShared(key, accepts, make) {
  const found = globalThis[key];
  if (accepts(found)) return found;
  const value = make();
  try {
    if (!(key in globalThis)) Object.defineProperty(globalThis, key, { value, configurable: true });
  } catch {
    // a frozen global object
  }
  return value;
}

/**
 * A SobotError made in wasm: its stack is the caller's frames, below the
 * package's own (the error is made several wasm frames deep, past the
 * engine's default depth of 10).
 */
export function makeSobotError(message, details) {
  const err = withDepth(() => new TheSobotError(message, details));
  const callers = callerFrames(err.stack);
  if (callers.length > 0) setStack(err, callers);
  return err;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Gives each class of the glue an inspection without wasm-bindgen's
 * `__wbg_ptr`: its `toJSON()` where it has one (never a secret), else `{}`.
 * Called by the glue (scripts/build.mjs appends the call).
 */
export function hideInternals(classes) {
  for (const [name, C] of Object.entries(classes)) {
    const view = function (depth, options, inspect) {
      let shown = {};
      try {
        if (typeof this.toJSON === 'function') shown = this.toJSON();
      } catch {
        // a freed instance
      }
      return `${name} ${typeof inspect === 'function' ? inspect(shown, options) : JSON.stringify(shown)}`;
    };
    Object.defineProperty(C.prototype, INSPECT, { value: view, configurable: true, writable: true });
  }
}

/** The package's own frames above a caller's (glue, wasm), and some room. */
const OWN_FRAMES = 12;

/** `make()` with room for the package's own frames above the caller's. */
function withDepth(make) {
  const limit = Error.stackTraceLimit;
  if (typeof limit !== 'number' || limit <= 0) return make();
  Error.stackTraceLimit = limit + OWN_FRAMES;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

const WASM_FRAME = /wasm:\/\/|wasm-function|\.wasm[:)]/;

/** The frames of `stack` below the last wasm frame and the glue method under it. */
function callerFrames(stack) {
  const frames = typeof stack === 'string' ? stack.split('\n') : [];
  let last = -1;
  frames.forEach((f, i) => {
    if (WASM_FRAME.test(f)) last = i;
  });
  return last < 0 ? [] : frames.slice(last + 2);
}

function setStack(err, frames) {
  const value = `${err.name}: ${err.message}\n${frames.join('\n')}`;
  Object.defineProperty(err, 'stack', { value, writable: true, configurable: true });
}

/** A network SobotError keeps what `fetch` threw as its `cause`. */
export function withCause(err, cause) {
  if (cause !== undefined && err instanceof TheSobotError && err.cause === undefined && (err.kind === 'network' || err.kind === 'timeout')) {
    Object.defineProperty(err, 'cause', { value: cause, writable: true, configurable: true });
  }
  return err;
}

/**
 * `promise`'s outcome. A SobotError it rejects with gets the stack of this
 * await: the engine's async frames, which are the caller's (the error was made
 * in a later task, under frames of the package). On success it costs one await.
 */
export async function traced(promise) {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof TheSobotError) {
      // the first frame is this function's own
      const frames = (new Error().stack ?? '').split('\n').slice(2);
      if (frames.length > 0) setStack(err, frames);
    }
    throw err;
  }
}

/**
 * Makes each method of `classes` that returns a promise return a `traced` one.
 * Called by the glue (scripts/build.mjs appends the call).
 */
export function traceCalls(classes) {
  for (const C of Object.values(classes)) {
    for (const name of Object.getOwnPropertyNames(C.prototype)) {
      const d = Object.getOwnPropertyDescriptor(C.prototype, name);
      if (name === 'constructor' || typeof d.value !== 'function') continue;
      const method = d.value;
      const wrapped = {
        [name](...args) {
          const r = method.apply(this, args);
          return r instanceof Promise ? traced(r) : r;
        },
      }[name];
      Object.defineProperty(C.prototype, name, { ...d, value: wrapped });
    }
  }
}

/** `f`, returning a `traced` promise. */
export function traceFunction(f) {
  return {
    [f.name](...args) {
      return traced(f(...args));
    },
  }[f.name];
}
