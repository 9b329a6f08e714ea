// Fault injection per route: latency, HTTP errors, 429 with Retry-After, connection
// reset, truncated JSON, HTML error pages, Sobot/Graph error codes, token
// invalidation, a redirect to another origin. Each fault applies to the next N matching requests (`times`), to
// a fraction of them (`rate`, drawn from the seeded fault stream), or to all of them
// until cleared; `skip` lets the first K matching requests through; `match` limits it to
// requests whose body or query has the given values (e.g. `{ recipient_token: '42' }`).

import { bad, isObj } from './util.mjs';

export const FAULT_TYPES = ['latency', 'status', 'reset', 'truncate', 'html', 'code', 'invalidate_token', 'redirect'];

export class Faults {
  constructor(emu) {
    this.emu = emu;
    this.list = [];
    this.nextId = 1;
  }

  clear(route) {
    if (route === undefined) this.list = [];
    else {
      const r = this.emu.normaliseRoute(route);
      this.list = this.list.filter((f) => f.route !== r);
    }
  }

  add(routeIn, specIn) {
    const spec = typeof specIn === 'string' ? { type: specIn } : { ...specIn };
    if (!isObj(spec)) bad('fault spec must be an object');
    const route = this.emu.normaliseRoute(routeIn ?? spec.route ?? '*');
    if (!FAULT_TYPES.includes(spec.type)) bad(`fault type must be one of ${FAULT_TYPES.join(', ')}`);
    if (spec.type === 'status') {
      spec.status = Number(spec.status ?? 500);
      if (![429, 500, 502, 503, 504].includes(spec.status)) bad('status fault needs status 429, 500, 502, 503 or 504');
    }
    if (spec.type === 'latency' && !(Number(spec.ms) >= 0)) bad('latency fault needs ms');
    if (spec.times !== undefined && !(Number.isInteger(spec.times) && spec.times >= 0)) bad('times must be a non-negative integer');
    if (spec.rate !== undefined && !(spec.rate >= 0 && spec.rate <= 1)) bad('rate must be between 0 and 1');
    if (spec.match !== undefined && !(isObj(spec.match) && Object.values(spec.match).every((v) => ['string', 'number', 'boolean'].includes(typeof v)))) {
      bad('match must be an object of string, number or boolean field values');
    }
    const fault = {
      id: this.nextId++,
      route,
      type: spec.type,
      times: spec.times,
      rate: spec.rate,
      skip: spec.skip ?? 0,
      params: spec,
      remaining: spec.times,
      applied: 0,
      seen: 0,
    };
    delete fault.params.route;
    this.list.push(fault);
    return this.describe(fault);
  }

  describe(f) {
    const { id, route, type, times, rate, skip, remaining, applied, seen } = f;
    const params = { ...f.params };
    for (const k of ['type', 'times', 'rate', 'skip']) delete params[k];
    return { id, route, type, times, rate, skip, remaining, applied, seen, params };
  }

  all() {
    return this.list.map((f) => this.describe(f));
  }

  /** Faults that apply to this request of `route` (consuming counts); `fields` are its body's or query's. */
  take(route, fields) {
    if (!this.list.length) return null;
    const group = this.emu.routeGroup(route);
    let out = null;
    for (const f of this.list) {
      if (!(f.route === '*' || f.route === route || f.route === `${group}.*`)) continue;
      const match = f.params.match;
      if (match && !Object.entries(match).every(([k, v]) => Object.hasOwn(fields ?? {}, k) && typeof fields[k] !== 'object' && String(fields[k]) === String(v))) continue;
      f.seen++;
      if (f.seen <= f.skip) continue;
      if (f.remaining !== undefined && f.remaining <= 0) continue;
      if (f.rate !== undefined && !(this.emu.faultRng.next() < f.rate)) continue;
      if (f.remaining !== undefined) f.remaining--;
      f.applied++;
      (out ??= []).push(f);
    }
    return out;
  }
}
