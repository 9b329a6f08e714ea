// 2,000 `line.queryTaskList` calls at concurrency 50 through the SDK, next to plain
// `fetch` making the same requests (same token header, same JSON bodies, the answer
// parsed and its ret_code checked), in interleaved rounds against the emulator running
// in its own process. Prints each round, the medians and their ratio.
//   npm run build && node bench/client.mjs [--calls 2000] [--concurrency 50] [--rounds 7]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { SobotClient } from 'sobot-channels';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const CALLS = arg('calls', 2000);
const CONCURRENCY = arg('concurrency', 50);
const ROUNDS = arg('rounds', 7);
const APP_ID = 'bench-app';
const APP_KEY = 'bench-key-0c41';

/** Starts the emulator CLI in a child process and resolves to its base URL. */
async function startEmulator() {
  const cli = fileURLToPath(new URL('../tests/emulator/cli.mjs', import.meta.url));
  const child = spawn(process.execPath, [cli, '--port', '0', '--seed', '1', '--app-id', APP_ID, '--app-key', APP_KEY], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  for await (const chunk of child.stdout) {
    out += chunk;
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) return { url: m[1], child };
  }
  throw new Error(`the emulator did not start: ${out}`);
}

/** Runs `n` calls of `fn(i)` with `concurrency` in flight; resolves to elapsed ms. */
async function burst(n, concurrency, fn) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await fn(next++);
    }),
  );
  return performance.now() - t0;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const { url, child } = await startEmulator();
try {
  // data to page through, as the SDK and fetch both will
  await fetch(`${url}/__admin/generate`, { method: 'POST', body: JSON.stringify({ lineTasks: 500 }) });
  const client = new SobotClient({ appId: APP_ID, appKey: APP_KEY, baseUrl: url });
  const { token } = await client.token();
  const endpoint = `${url}/chat-set/api/line/query_task_list`;
  const body = (i) => ({ page_no: (i % 5) + 1, page_size: 10 });

  const viaSdk = (i) => client.line.queryTaskList(body(i));
  const viaFetch = async (i) => {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { token, 'content-type': 'application/json' },
      body: JSON.stringify(body(i)),
    });
    const json = await res.json();
    if (json.ret_code !== '000000') throw new Error(`ret_code ${json.ret_code}`);
    return json;
  };

  // warm both paths (JIT, connection pool)
  await burst(500, CONCURRENCY, viaSdk);
  await burst(500, CONCURRENCY, viaFetch);

  const times = { sdk: [], fetch: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? ['fetch', 'sdk'] : ['sdk', 'fetch'];
    for (const which of order) {
      times[which].push(await burst(CALLS, CONCURRENCY, which === 'sdk' ? viaSdk : viaFetch));
    }
    console.log(`round ${r + 1}: sdk ${times.sdk[r].toFixed(0)} ms, fetch ${times.fetch[r].toFixed(0)} ms`);
  }
  const sdk = median(times.sdk);
  const plain = median(times.fetch);
  const stats = client.stats();
  console.log(`${CALLS} line.queryTaskList calls at concurrency ${CONCURRENCY}, median of ${ROUNDS} interleaved rounds (Node ${process.version}):`);
  console.log(`  SDK         ${sdk.toFixed(0)} ms  (${((sdk * 1000) / CALLS).toFixed(0)} µs/call, ${((CALLS / sdk) * 1000).toFixed(0)} calls/s)`);
  console.log(`  plain fetch ${plain.toFixed(0)} ms  (${((plain * 1000) / CALLS).toFixed(0)} µs/call, ${((CALLS / plain) * 1000).toFixed(0)} calls/s)`);
  console.log(`  ratio SDK/fetch ${(sdk / plain).toFixed(2)}; get_token requests by the SDK: ${stats.tokenRequests}`);
} finally {
  child.kill('SIGTERM');
  await once(child, 'exit');
}
