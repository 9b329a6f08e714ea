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
      ...(this.type !== undefined && { type: this.type, subcode: this.subcode, fbtraceId: this.fbtraceId }),
    };
  }
}

const TheSobotError = theClass(SobotError);
export { TheSobotError as SobotError };

/** The realm's class under `KEY`, or `cls`, recorded there where the key is free and the global object can take it. */
function theClass(cls) {
  const found = globalThis[KEY];
  if (typeof found === 'function' && found.prototype instanceof Error) return found;
  try {
    if (!(KEY in globalThis)) Object.defineProperty(globalThis, KEY, { value: cls, configurable: true });
  } catch {
    // a frozen global object: this copy keeps its own class
  }
  return cls;
}

export function makeSobotError(message, details) {
  return new TheSobotError(message, details);
}
