// Seeded pseudo-random numbers and identifier generators (mulberry32).
// Several independent streams are derived from one seed so that, for example,
// fault fractions never shift the identifiers handed out by the endpoints.

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const URLSAFE = ALNUM + '-_';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Creates a deterministic generator from a 32-bit seed. */
export function createRng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const codes = [];
  const from = (alphabet, len) => {
    codes.length = len;
    for (let i = 0; i < len; i++) codes[i] = alphabet.charCodeAt(int(alphabet.length));
    return String.fromCharCode.apply(null, codes);
  };
  return {
    next,
    int,
    /** Integer in [min, max]. */
    range: (min, max) => min + int(max - min + 1),
    pick: (arr) => arr[int(arr.length)],
    hex: (len) => from('0123456789abcdef', len),
    digits: (len) => String(1 + int(9)) + from('0123456789', len - 1),
    alnum: (len) => from(ALNUM, len),
    urlsafe: (len) => from(URLSAFE, len),
    crockford: (len) => from(CROCKFORD, len),
  };
}

/** Mixes a seed with a stream number so each stream is independent. */
export function streamSeed(seed, stream) {
  let h = (seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
