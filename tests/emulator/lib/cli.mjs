// The emulator's command line, shared by `node tests/emulator/cli.mjs` and the
// package's `sobot-channels emulator`: flag parsing, then a server that runs until
// SIGINT/SIGTERM. Bad arguments exit 2 with a one-line reason.

/** The usage text, headed by the command that runs it. */
export function emulatorUsage(prog) {
  return `usage: ${prog} [--port N] [--host H] [--seed N]
  [--app-id X --app-key Y] [--webhook-url U] [--messenger-webhook-url U] [--line-webhook-url U]
  [--line-channel-secret S] [--messenger-app-secret S] [--graph-token T]...
  [--token-ttl SECONDS] [--upload-delay MS] [--demo-data]

Starts the Sobot and Graph emulator on 127.0.0.1 and prints one line,
"sobot-emulator listening on <url>"; use the URL as the SDK's baseUrl.
Runs until SIGINT or SIGTERM. Defaults: app demo-app / demo-key, Graph token
demo-page-token, LINE channel secret demo-line-channel-secret, Messenger app
secret demo-messenger-app-secret, a free port.`;
}

/** A bad command line: the CLI prints the message and exits 2. */
export class UsageError extends Error {}

/**
 * Walks a command line: `-h`/`--help` gives `{ help: true }`; every other argument goes
 * to `onArg(arg, value)`, where `value()` takes the next one as the flag's value (a
 * UsageError when it is missing), and `onArg` answers false for an argument it does
 * not know (a UsageError naming it).
 */
export function eachArg(argv, onArg) {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return { help: true };
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (!onArg(a, value)) throw new UsageError(`unknown argument ${a} (--help lists the flags)`);
  }
  return undefined;
}

const DEMO_DATA = {
  titles: 3,
  subscribers: { count: 40, title: 'topic 1' },
  messengerTasks: 60,
  messengerRecords: 300,
  lineTasks: 30,
  lineRecords: 200,
  conversations: { count: 30, messagesPerConversation: 30 },
};

/** The value of `flag` as an integer within [min, max], or a UsageError naming the rule. */
export function integerFlag(flag, text, min, max) {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return n;
}

/** The value of `flag` as an http(s) URL, or a UsageError naming the rule. */
export function urlFlag(flag, text) {
  let u;
  try {
    u = new URL(text);
  } catch {
    u = null;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
    throw new UsageError(`${flag} must be an http:// or https:// URL, got "${text}"`);
  }
  return text;
}

/**
 * The emulator options of a command line, `{ help: true }` for -h/--help, or a
 * UsageError naming the flag and the rule.
 */
export function parseEmulatorArgs(argv) {
  const o = {};
  const app = {};
  const graphTokens = [];
  const help = eachArg(argv, (a, val) => {
    switch (a) {
      case '--port': o.port = integerFlag(a, val(), 0, 65535); break;
      case '--host': o.host = val(); break;
      case '--seed': o.seed = integerFlag(a, val(), 0, 2 ** 32 - 1); break;
      case '--app-id': app.appId = val(); break;
      case '--app-key': app.appKey = val(); break;
      case '--webhook-url': o.webhookUrl = urlFlag(a, val()); break;
      case '--messenger-webhook-url': o.messengerWebhookUrl = urlFlag(a, val()); break;
      case '--line-webhook-url': o.lineWebhookUrl = urlFlag(a, val()); break;
      case '--line-channel-secret': o.lineChannelSecret = val(); break;
      case '--messenger-app-secret': o.messengerAppSecret = val(); break;
      case '--graph-token': graphTokens.push(val()); break;
      case '--token-ttl': o.tokenTtlSeconds = integerFlag(a, val(), 1, 10 * 365 * 86400); break;
      case '--upload-delay': o.uploadDelayMs = integerFlag(a, val(), 0, 3_600_000); break;
      case '--demo-data': o.generate = DEMO_DATA; break;
      default:
        return false;
    }
    return true;
  });
  if (help) return help;
  if (app.appId !== undefined || app.appKey !== undefined) {
    if (app.appId === undefined || app.appKey === undefined) throw new UsageError('--app-id and --app-key go together');
    o.apps = [app];
  }
  if (graphTokens.length) o.graphAccessTokens = graphTokens;
  return o;
}

/**
 * Runs the emulator from a command line: prints its URL, stops on SIGINT/SIGTERM
 * (exit 0). `prog` names the command in the usage text.
 */
export async function runEmulatorCli(argv, prog) {
  let options;
  try {
    options = parseEmulatorArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${prog}: ${e.message}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(emulatorUsage(prog));
    return;
  }
  // loaded here, so that the package's other commands do not load the wasm
  const { startEmulator } = await import('../index.mjs');
  let emu;
  try {
    emu = await startEmulator(options);
  } catch (e) {
    console.error(`${prog}: could not start the emulator on ${options.host ?? '127.0.0.1'}:${options.port ?? 0}: ${e?.message ?? e}`);
    process.exit(1);
  }
  console.log(`sobot-emulator listening on ${emu.url}`);
  const stop = async () => {
    await emu.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
