// Timing helpers of the benchmark suite: interleaved pairs with warm-up,
// medians per call, and the ratio of the two sides.

/** Runs `fn` in batches until a batch lasts `ms`; returns the batch size. */
function calibrate(fn, ms) {
  let n = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    if (performance.now() - t >= ms || n >= 1 << 22) return n;
    n *= 2;
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Times synchronous functions side by side: each is warmed up, then batches of
 * each run in turn (a, b, c, a, b, c, …) so that both see the same machine
 * state. Returns the median microseconds per call of each, by name.
 */
export function interleaved(fns, { rounds = 31, batchMs = 4, warmupMs = 150 } = {}) {
  const names = Object.keys(fns);
  const sizes = {};
  for (const k of names) {
    const end = performance.now() + warmupMs;
    while (performance.now() < end) fns[k]();
    sizes[k] = calibrate(fns[k], batchMs);
  }
  const per = Object.fromEntries(names.map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const k of names) {
      const f = fns[k];
      const n = sizes[k];
      const t = performance.now();
      for (let i = 0; i < n; i++) f();
      per[k].push(((performance.now() - t) * 1000) / n);
    }
  }
  return Object.fromEntries(names.map((k) => [k, median(per[k])]));
}

/** The same for asynchronous runs: `rounds` runs of each in turn; median ms. */
export async function interleavedAsync(fns, { rounds = 5, warmup = 1 } = {}) {
  const names = Object.keys(fns);
  for (const k of names) for (let i = 0; i < warmup; i++) await fns[k]();
  const per = Object.fromEntries(names.map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const k of names) {
      const t = performance.now();
      await fns[k]();
      per[k].push(performance.now() - t);
    }
  }
  return Object.fromEntries(names.map((k) => [k, median(per[k])]));
}

export { median };
