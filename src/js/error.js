/**
 * The one error class of sobot-channels. Every failure of the package is a
 * SobotError with a `kind` (validation, api, http, network, timeout, decode),
 * the platform's `code` where it gave one, and whether a `retryable` call can
 * succeed later. Secrets never appear in it.
 */
export class SobotError extends Error {
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

export function makeSobotError(message, details) {
  return new SobotError(message, details);
}
