// A deterministic generator of hostile bodies, shared by the Node survival
// test and the workerd one (bundled into the worker). Plain JS only: no Node
// API, so the two runtimes see the same bodies for the same seed.
//
// Each body is a string (which may hold lone surrogates) or a Uint8Array
// (which may hold invalid UTF-8), with a category naming how it was made.
// `asBody` delivers it as a string, a Uint8Array, an ArrayBuffer or a view at
// an offset of a larger buffer; `asValue` gives the JS value a validator would
// receive (the parsed JSON when it parses, else the body itself).

/** mulberry32: a small seeded PRNG answering floats in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: false });

/** The categories, in the order the generator cycles through them. */
export const CATEGORIES = [
  'random_bytes',
  'truncated',
  'mutated_bytes',
  'deep_nesting',
  'huge_number',
  'invalid_utf8',
  'lone_surrogate',
  'wrong_type',
  'giant_string',
  'duplicate_keys',
  'bom',
  'odd_json',
];

const HUGE_NUMBERS = [
  '1e400', '-1e400', '1e-400', '18446744073709551617', '18446744073709551616', '-9223372036854775809',
  '9007199254740993', '-0', '-0.0', '0e0', '1.7976931348623157e309', '4.9e-325', '123456789012345678901234567890',
  '1' + '0'.repeat(400), '-' + '9'.repeat(1000), '0.' + '1'.repeat(1000), '1e' + '9'.repeat(30),
  '00', '01', '1.', '.5', '+1', '0x10', 'NaN', 'Infinity', '-Infinity', '1e', '1e+', '--1',
];

const INVALID_UTF8 = [
  [0x80], [0xbf], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf],
  [0xf0, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xfc, 0x84, 0x80, 0x80, 0x80, 0x80], [0xfe], [0xff], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xc3],
];

const SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff', '\udc00\ud800', '\ud83d', 'a\ude00b'];
const SURROGATE_ESCAPES = ['\\ud800', '\\udfff', '\\udc00\\ud800', '\\ud83d"', '\\ud800\\u0041', '\\uD800\\uDBFF', '\\u', '\\u12', '\\x41'];

// Values of other types put where a field was.
function wrongValue(r, old) {
  const choices = [
    () => null, () => true, () => false, () => 0, () => -1, () => 1.5, () => 2 ** 64 + 1, () => -0,
    () => '', () => ' ', () => 'x'.repeat(1 + Math.floor(r() * 5000)), () => '\u0000', () => '\ud800',
    () => [], () => [old, old], () => ({}), () => ({ [String(old).slice(0, 20)]: old }),
    () => String(old), () => Number(old), () => [[[[[]]]]], () => ({ a: { b: { c: [1, '2', null] } } }),
  ];
  return choices[Math.floor(r() * choices.length)]();
}

function pick(r, arr) {
  return arr[Math.floor(r() * arr.length)];
}

function int(r, lo, hi) {
  return lo + Math.floor(r() * (hi - lo + 1));
}

// Every path of a JSON value: arrays of keys, each leading to a value.
function paths(value, prefix = [], out = []) {
  out.push(prefix);
  if (out.length > 2000) return out;
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const k of Object.keys(value)) paths(value[k], [...prefix, k], out);
  return out;
}

function setAt(root, path, v) {
  if (path.length === 0) return v;
  let cur = root;
  for (const k of path.slice(0, -1)) cur = cur[k];
  cur[path[path.length - 1]] = v;
  return root;
}

function concat(...parts) {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function nestedText(r, depth) {
  const kind = int(r, 0, 3);
  if (kind === 0) return '['.repeat(depth) + ']'.repeat(depth);
  if (kind === 1) return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  if (kind === 2) {
    // Nesting inside an otherwise valid webhook; unclosed.
    return '{"object":"page","entry":[{"id":"1","time":1,"messaging":[' + '[{"x":'.repeat(depth);
  }
  return '{"destination":"U","events":[{"type":"message","message":' + '{"m":['.repeat(depth) + ']}'.repeat(depth) + '}]}';
}

// How many of every 100 bodies each category gets: the costly ones (deep
// nesting, giant strings) are rarer, so that 10,000 bodies through every
// function stay within seconds.
const WEIGHTS = {
  random_bytes: 12, truncated: 12, mutated_bytes: 10, deep_nesting: 1, huge_number: 10, invalid_utf8: 10,
  lone_surrogate: 9, wrong_type: 15, giant_string: 1, duplicate_keys: 8, bom: 6, odd_json: 6,
};
const SCHEDULE = Object.entries(WEIGHTS).flatMap(([c, w]) => Array(w).fill(c));

/**
 * The hostile bodies for `fixtures` (`[{ name, text }]`), `count` of them
 * (default 10000), deterministic for a seed. Yields `{ index, category, body }`.
 * Of every 100 bodies, the categories get WEIGHTS' shares, interleaved.
 */
export function* hostileBodies(fixtures, { seed = 20240917, count = 10_000 } = {}) {
  const r = prng(seed);
  const parsed = fixtures.filter((f) => f.name.endsWith('.json')).map((f) => ({ name: f.name, value: JSON.parse(f.text) }));
  const seen = {};
  for (let index = 0; index < count; index++) {
    // A stride coprime with 100 spreads each category over the 100 slots.
    const category = SCHEDULE[(index * 37) % SCHEDULE.length];
    const nth = (seen[category] = (seen[category] ?? -1) + 1);
    yield { index, category, body: make(r, category, nth, fixtures, parsed) };
  }
}

// `nth`: how many bodies of this category came before.
function make(r, category, nth, fixtures, parsed) {
  const fx = pick(r, fixtures);
  switch (category) {
    case 'random_bytes': {
      const n = r() < 0.95 ? int(r, 0, 600) : int(r, 600, 16_000);
      const b = new Uint8Array(n);
      // Sometimes printable JSON-ish soup, sometimes any byte.
      const alphabet = r() < 0.5 ? null : enc.encode('{}[]":,0123456789.eE+-truefalsnul \\u"abc\n');
      for (let i = 0; i < n; i++) b[i] = alphabet ? alphabet[Math.floor(r() * alphabet.length)] : Math.floor(r() * 256);
      return b;
    }
    case 'truncated': {
      const b = enc.encode(fx.text);
      const cut = Math.floor(r() * b.length);
      return r() < 0.5 ? b.subarray(0, cut) : fx.text.slice(0, Math.floor(r() * fx.text.length));
    }
    case 'mutated_bytes': {
      const b = enc.encode(fx.text);
      const k = int(r, 1, 8);
      for (let i = 0; i < k && b.length; i++) {
        const at = Math.floor(r() * b.length);
        b[at] = r() < 0.5 ? Math.floor(r() * 256) : pick(r, [0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x00]);
      }
      return b;
    }
    case 'deep_nesting': {
      // Every 20th deep body (5 of 10,000) goes 100,000 levels down; the others 129–20,000.
      const depth = nth % 20 === 0 ? 100_000 : r() < 0.9 ? int(r, 129, 2_000) : int(r, 2_000, 20_000);
      return nestedText(r, depth);
    }
    case 'huge_number': {
      const p = pick(r, parsed);
      const v = structuredCloneJson(p.value);
      const all = paths(v).filter((x) => x.length > 0);
      const marker = `"__N${nth}__"`;
      const target = all.length ? pick(r, all) : [];
      const text = JSON.stringify(setAt(v, target, `__N${nth}__`));
      return text.replace(marker, pick(r, HUGE_NUMBERS));
    }
    case 'invalid_utf8': {
      const b = enc.encode(fx.text);
      const parts = [];
      let last = 0;
      const k = int(r, 1, 4);
      const cuts = Array.from({ length: k }, () => Math.floor(r() * (b.length + 1))).sort((x, y) => x - y);
      for (const c of cuts) {
        parts.push(b.subarray(last, c), new Uint8Array(pick(r, INVALID_UTF8)));
        last = c;
      }
      parts.push(b.subarray(last));
      return concat(...parts);
    }
    case 'lone_surrogate': {
      // Raw lone surrogates in a JS string, or `\ud800`-style escapes in JSON text.
      const p = pick(r, parsed);
      const v = structuredCloneJson(p.value);
      const strings = paths(v).filter((x) => typeof getAt(v, x) === 'string');
      if (r() < 0.5 && strings.length) {
        const at = pick(r, strings);
        return JSON.stringify(setAt(v, at, getAt(v, at) + pick(r, SURROGATES)));
      }
      const text = JSON.stringify(v);
      const q = text.indexOf('"', Math.floor(r() * text.length));
      const at = q < 0 ? 1 : q + 1;
      return text.slice(0, at) + pick(r, SURROGATE_ESCAPES) + text.slice(at);
    }
    case 'wrong_type': {
      const p = pick(r, parsed);
      let v = structuredCloneJson(p.value);
      const k = int(r, 1, 3);
      for (let i = 0; i < k; i++) {
        const all = paths(v);
        const at = pick(r, all);
        v = setAt(v, at, wrongValue(r, getAt(v, at)));
      }
      return JSON.stringify(v);
    }
    case 'giant_string': {
      // Every 50th giant string is 1–2 MiB; the others 16–128 KiB.
      const n = nth % 50 === 0 ? int(r, 1 << 20, 2 << 20) : int(r, 16 << 10, 128 << 10);
      const p = pick(r, parsed);
      const v = structuredCloneJson(p.value);
      const strings = paths(v).filter((x) => x.length > 0);
      const ch = pick(r, ['x', '\\"', '\\u0000', '\u00e9', '\u{1f600}', '\\\\']);
      const big = ch.repeat(Math.ceil(n / ch.length));
      if (!strings.length || r() < 0.2) return `"${big}"`;
      const at = pick(r, strings);
      const marker = `__G${nth}__`;
      return JSON.stringify(setAt(v, at, marker)).replace(marker, big);
    }
    case 'duplicate_keys': {
      const p = pick(r, parsed);
      const text = JSON.stringify(p.value);
      if (!p.value || typeof p.value !== 'object' || Array.isArray(p.value)) return text + text;
      const keys = Object.keys(p.value);
      if (!keys.length) return '{"a":1,"a":2}';
      const key = pick(r, keys);
      const dup = `${JSON.stringify(key)}:${JSON.stringify(wrongValue(r, p.value[key]))}`;
      return r() < 0.5 ? `{${dup},${text.slice(1)}` : `${text.slice(0, -1)},${dup}}`;
    }
    case 'bom': {
      const b = enc.encode(fx.text);
      switch (int(r, 0, 4)) {
        case 0: return concat(new Uint8Array([0xef, 0xbb, 0xbf]), b);
        case 1: return '\ufeff' + fx.text;
        case 2: return concat(new Uint8Array([0xff, 0xfe]), utf16le(fx.text));
        case 3: return concat(new Uint8Array([0xfe, 0xff]), utf16be(fx.text));
        default: return fx.text.replace('{', '{\ufeff');
      }
    }
    default: {
      const t = fx.text;
      return pick(r, [
        () => '', () => ' \t\r\n ', () => 'null', () => 'true', () => '0', () => '[]', () => '{}', () => '""',
        () => t + t, () => t + ' x', () => t + '\u0000', () => '\u0000' + t, () => t.replace(/"/g, "'"),
        () => t.replace(/:/g, '::'), () => t.replace(/,/g, ',,'), () => t.replace(/ /g, '\u00a0'),
        () => '{"events":[' + '{},'.repeat(r() < 0.95 ? int(r, 1, 500) : 20_000) + '{}],"destination":"U"}',
        () => '{"object":"page","entry":[' + '{"id":"1","time":1,"messaging":[{}]},'.repeat(r() < 0.95 ? int(r, 1, 200) : 5_000) + '{}]}',
        () => `{"track_id":${int(r, 0, 1e6)},"attachment_id":${pick(r, ['[]', '{}', 'null', '1e999', '"x"'])}}`,
        () => '/* c */' + t, () => t.replace(/\n/g, '\u2028'), () => '\u0001\u0002\u001f', () => JSON.stringify(t),
      ])();
    }
  }
}

function getAt(root, path) {
  let cur = root;
  for (const k of path) cur = cur[k];
  return cur;
}

function structuredCloneJson(v) {
  return JSON.parse(JSON.stringify(v));
}

function utf16le(s) {
  const b = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    b[2 * i] = c & 0xff;
    b[2 * i + 1] = c >> 8;
  }
  return b;
}

function utf16be(s) {
  const b = utf16le(s);
  for (let i = 0; i < b.length; i += 2) [b[i], b[i + 1]] = [b[i + 1], b[i]];
  return b;
}

/** The body as `form`: `native`, `string`, `bytes`, `buffer` or `view`. */
export function asBody(body, form) {
  if (form === 'native') return body;
  if (form === 'string') return typeof body === 'string' ? body : dec.decode(body);
  const bytes = typeof body === 'string' ? enc.encode(body) : body;
  if (form === 'bytes') return bytes;
  if (form === 'buffer') return bytes.slice().buffer;
  // A view three bytes into a larger buffer, so offsets matter.
  const big = new Uint8Array(bytes.length + 6).fill(0x41);
  big.set(bytes, 3);
  return new Uint8Array(big.buffer, 3, bytes.length);
}

/** The forms a body-taking function receives, cycled by the body's index. */
export const FORMS = ['native', 'bytes', 'buffer', 'string', 'view'];

/**
 * The value a validator receives: the parsed JSON if the body parses, else
 * the body itself; bytes longer than 64 become their (lossy) text, since a
 * Uint8Array request is an object with one key per byte, and so one
 * `unknown_field` violation per byte: linear, but tens of thousands of
 * violations per call would dominate the run's time.
 */
export function asValue(body) {
  const text = typeof body === 'string' ? body : dec.decode(body);
  try {
    return JSON.parse(text);
  } catch {
    return typeof body === 'string' || body.length <= 64 ? body : text;
  }
}

// ---------------------------------------------------------------------------
// The run: every body through every function that takes a caller's value.

const HEADERS = ['AAAA', undefined, null, '', 'sha256=00', 'sha1=zz', '\ud800', 'sha256=' + '0'.repeat(64)];

/**
 * How each export that takes a caller's value is called with one hostile
 * body: `(sdk, b) => result`, where `b.body(form)` and `b.value` give the body
 * in a form and as a value, `b.index` its index. `check` says what a
 * returned (not thrown) result must look like.
 */
export const COVERED = {
  parseMessengerWebhook: { call: (sdk, b) => sdk.parseMessengerWebhook(b.body(b.form(0)), b.index % 7 === 0 ? { maxBytes: 4096 } : undefined), check: isObject },
  parseLineWebhook: { call: (sdk, b) => sdk.parseLineWebhook(b.body(b.form(1)), b.index % 7 === 1 ? { maxBytes: 4096 } : undefined), check: isObject },
  parseUploadResult: { call: (sdk, b) => sdk.parseUploadResult(b.body(b.form(2)), b.index % 7 === 2 ? { maxBytes: 4096 } : undefined), check: isObject },
  parseEvents: { call: (sdk, b) => sdk.parseEvents(b.index % 2 ? 'line' : 'messenger', b.body(b.form(3))), check: Array.isArray },
  normalizeEvents: { call: (sdk, b) => sdk.normalizeEvents(b.value), check: Array.isArray },
  verifyLineSignature: {
    call: (sdk, b) => sdk.verifyLineSignature(b.body(b.form(4)), b.index % 5 ? 'secret' : b.body('bytes'), b.index % 3 ? HEADERS[b.index % HEADERS.length] : b.body('string').slice(0, 200)),
    check: isBoolean,
  },
  verifyMessengerSignature: {
    call: (sdk, b) => sdk.verifyMessengerSignature(b.body(b.form(5)), b.index % 5 ? 'secret' : b.body('bytes'), b.index % 3 ? HEADERS[b.index % HEADERS.length] : b.body('string').slice(0, 200)),
    check: isBoolean,
  },
  messengerVerifyChallenge: {
    call: (sdk, b) => sdk.messengerVerifyChallenge(b.index % 2 ? b.value : b.body('string'), 'verify-token'),
    check: (v) => isObject(v) && typeof v.ok === 'boolean',
  },
  describeError: { call: (sdk, b) => sdk.describeError(b.index % 2 ? b.value : b.body('string'), b.index % 3 ? undefined : 'api'), check: (v) => v === undefined || isObject(v) },
  sign: { call: (sdk, b) => sdk.sign(b.body('string'), '1569397773', 'key'), check: (v) => typeof v === 'string' && /^[0-9a-f]{32}$/.test(v) },
  EventDeduper: {
    call: (sdk, b, state) => {
      state.deduper ??= new sdk.EventDeduper(1000);
      return [state.deduper.isDuplicate(b.value), state.deduper.has(b.value)];
    },
    check: (v) => v.every(isBoolean),
  },
  validateTopic: { call: (sdk, b) => sdk.validateTopic(b.value, b.index % 2 ? b.value : undefined), check: Array.isArray },
};
for (const name of [
  'validateDeleteTopic', 'validateGraphConversationMessages', 'validateGraphConversations', 'validateGraphMessage',
  'validateLineMediaContent', 'validateLineSendRecordList', 'validateLineTaskList', 'validateMessengerSendRecordList',
  'validateMessengerTaskList', 'validateOptIn', 'validateQuerySubUsers', 'validateSendMessage', 'validateTitleList',
  'validateUploadAsync', 'validateBroadcast',
]) {
  COVERED[name] = { call: (sdk, b) => sdk[name](b.value), check: Array.isArray };
}

/** Exports that take no body, with the reason; anything else must be in COVERED. */
export const NOT_PARSERS = {
  init: 'loads the module; takes no caller data in Node and Workers',
  wasmMemoryBytes: 'a diagnostic without arguments',
  catalogue: 'the endpoint catalogue, without arguments',
  SobotError: 'the error class itself',
  getToken: 'async network call: its answer decoding gets the bodies in tests/node/hostile.test.mjs',
  SobotClient: 'async client: its answer decoding gets the bodies in tests/node/hostile.test.mjs',
  GraphClient: 'async client: its answer decoding gets the bodies in tests/node/hostile.test.mjs',
  LineClient: 'reached only through SobotClient.line',
  MessengerClient: 'reached only through SobotClient.messenger',
  Pager: 'reached only through the clients\' iterables',
  createWebhookHandler: 'async: signed hostile bodies go through it in tests/node/webhook-handler.test.mjs',
  toNodeListener: 'adapts a handler; its bodies are the handler\'s',
  WebhookHandler: 'reached only through createWebhookHandler',
  MemoryDedupeStore: 'takes keys, not bodies (tests/node/webhook-handler.test.mjs)',
};

function isObject(v) {
  return v !== null && typeof v === 'object';
}

function isBoolean(v) {
  return typeof v === 'boolean';
}

/** One body with its forms computed once. */
function wrap(index, category, raw) {
  const cache = new Map();
  let value;
  let valued = false;
  return {
    index,
    category,
    body(form) {
      if (!cache.has(form)) cache.set(form, asBody(raw, form));
      return cache.get(form);
    },
    form(k) {
      return FORMS[(index + k) % FORMS.length];
    },
    get value() {
      if (!valued) {
        value = asValue(raw);
        valued = true;
      }
      return value;
    },
  };
}

/**
 * Runs every hostile body through every function of COVERED on `sdk`, one
 * instance. Answers the counts, the calls that failed otherwise than by
 * returning a well-formed result or throwing a SobotError (`foreign`, the
 * first 20 with their count), and the linear memory at the start, after the
 * first 1,000 bodies and at the end, with every growth (the body after
 * which memory had grown, and the new size).
 */
export function survive(sdk, fixtures, { seed, count = 10_000, names = Object.keys(COVERED) } = {}) {
  const started = Date.now();
  const growth = [];
  const memory = { start: sdk.wasmMemoryBytes(), after1000: null, end: null, growth };
  const calls = Object.fromEntries(names.map((n) => [n, { returned: 0, sobotErrors: 0 }]));
  const byCategory = {};
  const foreign = [];
  let foreignCount = 0;
  let bodies = 0;
  const state = {};
  for (const { index, category, body } of hostileBodies(fixtures, { seed, count })) {
    const b = wrap(index, category, body);
    const t0 = Date.now();
    const m0 = sdk.wasmMemoryBytes();
    bodies++;
    const cat = (byCategory[category] ??= { bodies: 0, ms: 0 });
    cat.bodies++;
    for (const name of names) {
      let problem = null;
      try {
        const out = COVERED[name].call(sdk, b, state);
        if (COVERED[name].check(out)) calls[name].returned++;
        else problem = `returned ${typeof out}: ${String(JSON.stringify(out)).slice(0, 200)}`;
      } catch (e) {
        if (e instanceof sdk.SobotError) calls[name].sobotErrors++;
        else problem = `threw ${e?.constructor?.name ?? typeof e}: ${String(e?.message ?? e).slice(0, 200)}`;
      }
      if (problem) {
        foreignCount++;
        if (foreign.length < 20) foreign.push({ name, index, category, problem });
      }
    }
    cat.ms += Date.now() - t0;
    const m1 = sdk.wasmMemoryBytes();
    if (m1 > m0) growth.push({ index, category, size: typeof body === 'string' ? body.length : body.byteLength, bytes: m1 });
    if (bodies === 1000) memory.after1000 = m1;
  }
  memory.end = sdk.wasmMemoryBytes();
  const total = Object.values(calls).reduce((n, c) => n + c.returned + c.sobotErrors, 0) + foreignCount;
  return { bodies, functions: names.length, calls: total, perFunction: calls, byCategory, foreign, foreignCount, memory, ms: Date.now() - started };
}

/** The answers to check before and after the run: webhook fixtures normalised, request fixtures validated. */
export function answers(sdk, fixtures) {
  const out = {};
  for (const f of fixtures) {
    if (!f.name.endsWith('.json') || f.name.includes('normalized/')) continue;
    const base = f.name.split('/').pop();
    const channel = f.name.split('/')[0];
    if (base.startsWith('webhook_')) out[f.name] = sdk.parseEvents(channel, f.text);
    else if (base === 'send_text_request.json') out[f.name] = sdk.validateSendMessage(JSON.parse(f.text));
    else if (base === 'create_or_update_title_request.json') out[f.name] = sdk.validateTopic(JSON.parse(f.text));
    else if (base === 'upload_async_request.json') out[f.name] = sdk.validateUploadAsync(JSON.parse(f.text));
    else if (base === 'send_opt_in_message_request.json') out[f.name] = sdk.validateOptIn(JSON.parse(f.text));
  }
  out.sign = sdk.sign('1', '1569397773', '2');
  return out;
}
