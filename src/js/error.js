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

export function makeSobotError(message, details) {
  return new TheSobotError(message, details);
}
