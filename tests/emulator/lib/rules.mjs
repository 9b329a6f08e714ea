// The rules of every Sobot request are the SDK's own validators (`src/validate/`,
// through the built package), so that the emulator refuses exactly what the SDK's
// validation refuses and each rule lives in one place. What stays in the emulator is
// its side of the wire: reading the request as a server does (query strings are text;
// the documents' examples mix numbers and numeric strings) before the rules apply, and
// answering the first violation with its documented code (else 999994, 参数异常).
// State (known pages and topics, duplicates, deleted topics) is the handlers' business.

import * as pkg from 'sobot-channels';
import { SobotFail } from './util.mjs';

/**
 * The Sobot endpoints of the package's catalogue, each with its emulator route name:
 * the endpoint's name without the channel (`send`), unless both channels have it
 * (`line.query_task_list`); its group (`messenger`, `line`, or `sobot` for get_token);
 * and the SDK validator of its request, if it has one.
 */
export const SOBOT_ENDPOINTS = Object.freeze((() => {
  const sobot = pkg.catalogue().filter((e) => e.auth !== 'graph_access_token');
  const bare = (e) => e.name.replace(/^(messenger|line)\./, '');
  return sobot.map((e) => ({
    endpoint: e,
    route: sobot.filter((x) => bare(x) === bare(e)).length > 1 ? e.name : bare(e),
    group: /^(messenger|line)\./.exec(e.name)?.[1] ?? 'sobot',
    validate: e.validator ? pkg[e.validator] : null,
  }));
})());

/** Route name → the SDK validator of its request (`get_token` has none: it is signed). */
export const VALIDATORS = Object.freeze(Object.fromEntries(
  SOBOT_ENDPOINTS.filter((e) => e.validate).map((e) => [e.route, e.validate]),
));

const INTEGER = /^-?\d+$/;

/**
 * The request with the top-level values the validators found of the other JSON type
 * read as a server reads them: an integer written as text (every query parameter; the
 * LINE example's `"send_start_time": "1714295033250"`) as the integer, a number where
 * the table says String (`"taskid": 1123…`) as its text. `null` when nothing changes.
 */
function readTypes(request, violations) {
  let out = null;
  for (const v of violations) {
    if (v.rule !== 'type' || !Object.hasOwn(request, v.path)) continue;
    const x = request[v.path];
    let read;
    if (v.limit === 'an integer' && typeof x === 'string' && INTEGER.test(x.trim()) && Number.isSafeInteger(Number(x.trim()))) read = Number(x.trim());
    else if (v.limit === 'a string' && typeof x === 'number' && Number.isFinite(x)) read = String(x);
    else continue;
    (out ??= { ...request })[v.path] = read;
  }
  return out;
}

/** Every violation of `request` on `route`, after reading its types; and the request as read. */
export function violations(route, request, ...extra) {
  const validate = VALIDATORS[route];
  if (!validate) throw new Error(`no validator for route ${route}`);
  let found = validate(request, ...extra);
  const isObject = request !== null && typeof request === 'object' && !Array.isArray(request);
  const read = found.length && isObject ? readTypes(request, found) : null;
  if (read) {
    request = read;
    found = validate(request, ...extra);
  }
  return { request, found };
}

/** The SobotFail answering the first violation: its documented code, else 999994. */
export function failure(v) {
  return new SobotFail(v.code ?? '999994', `${v.path}: ${v.rule}: ${v.message}`);
}

/**
 * The request of `route` as read (see `violations`), or throws the answer to its first
 * violation. `extra` is passed on (the existing topic of an update, for 210011).
 */
export function check(route, request, ...extra) {
  const { request: read, found } = violations(route, request, ...extra);
  if (found.length) throw failure(found[0]);
  return read;
}
