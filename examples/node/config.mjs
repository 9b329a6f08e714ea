// Settings of the example scripts: the Sobot (or Graph) base URL from the first
// argument or SOBOT_BASE_URL, everything else from the environment. Against a local
// emulator (a loopback base URL) every setting has the emulator's default.

/** Whether `url` is on this machine (the emulator), never the real platform. */
export function isLoopback(url) {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Reads the settings: `localDefaults` apply only against the emulator (the real
 * platform needs real values), `defaults` always. Throws a message naming what is missing.
 */
export function settings(argv, env, localDefaults, defaults = {}) {
  const baseUrl = argv.find((a) => /^https?:\/\//.test(a)) ?? env.SOBOT_BASE_URL;
  if (!baseUrl) throw new Error('give the base URL as the first argument or in SOBOT_BASE_URL (e.g. https://sg.sobot.com, or the emulator URL)');
  const local = isLoopback(baseUrl);
  const out = { baseUrl: baseUrl.replace(/\/$/, ''), local };
  const missing = [];
  for (const [name, fallback] of Object.entries({ ...defaults, ...localDefaults })) {
    const v = env[name] ?? (local ? fallback : defaults[name]);
    if (v === undefined) missing.push(name);
    out[name] = v;
  }
  if (missing.length) throw new Error(`set ${missing.join(', ')} in the environment`);
  return out;
}

/** `abcd…wxyz`: enough of a secret to tell two apart, never the whole of it. */
export const mask = (s) => (s.length > 10 ? `${s.slice(0, 4)}…${s.slice(-4)}` : '…');

/** Prints one transcript line: a step name in a column, then what happened. */
export const say = (step, text) => console.log(`${step.padEnd(9)} ${text}`);
