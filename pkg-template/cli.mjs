#!/usr/bin/env node
// The `sobot-channels` command: the local emulator, signed sample webhooks for a
// local handler, and a check of Sobot credentials. Bad arguments exit 2 with a
// one-line reason; a failed trigger or token check exits 1.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { STATUS_CODES } from 'node:http';
import { UsageError, eachArg, integerFlag, runEmulatorCli, urlFlag } from './testing/emulator/lib/cli.mjs';
import { MESSAGE_TYPES, WEBHOOK_KINDS, closest, sampleHeaders, sampleWebhook, unknownKind } from './testing/emulator/lib/samples.mjs';
import { deliver } from './testing/emulator/lib/webhooks.mjs';

const COMMANDS = ['emulator', 'trigger', 'token', 'broadcast'];

const USAGE = `usage: sobot-channels <command> [options]

commands:
  emulator   run the local Sobot and Graph emulator (sobot-channels emulator --help)
  trigger    post a signed sample webhook to a local handler (sobot-channels trigger --help)
  token      check SOBOT_APP_ID / SOBOT_APP_KEY by getting a token (sobot-channels token --help)
  broadcast  send a text to a topic's subscribers, resumable (sobot-channels broadcast --help)

  -h, --help      this text
  -v, --version   the package version`;

const TRIGGER_USAGE = `usage: sobot-channels trigger <line|messenger> <kind> --url URL
       (--secret S | --shared-secret S | --unsigned) [--message-type T] [--timeout MS]

Posts one sample event of <kind> to URL, as the platform would, with fresh ids,
and prints the status the handler answered; exits 1 on a non-2xx answer or when
URL cannot be reached.

  --url URL           the handler, e.g. http://127.0.0.1:8787/webhook
  --secret S          sign the body: LINE channel secret (X-Line-Signature) or
                      Meta app secret (X-Hub-Signature-256, X-Hub-Signature)
  --shared-secret S   send S as X-Webhook-Token (the handler's sharedSecret)
  --unsigned          send neither (the handler's unsigned: true)
  --message-type T    the message of a message event (default text):
                      line: ${MESSAGE_TYPES.line.join(', ')}
                      messenger: ${MESSAGE_TYPES.messenger.join(', ')}
  --timeout MS        give up after MS milliseconds (default 10000)

kinds:
  line: ${WEBHOOK_KINDS.line.join(', ')}
  messenger: ${WEBHOOK_KINDS.messenger.join(', ')}`;

const TOKEN_USAGE = `usage: sobot-channels token

Gets a Sobot token with the credentials in the environment and prints when it
expires (never the key or the token); exits 1 with the SDK's error otherwise.

  SOBOT_APP_ID     the app id
  SOBOT_APP_KEY    the app key
  SOBOT_BASE_URL   optional: the regional host, or the emulator's URL

Every get_token call replaces the app's current token: a service using these
credentials gets a new one on its next call.`;

/** The trigger's options from its command line, `{ help: true }`, or a UsageError. */
function parseTrigger(argv) {
  const o = { timeoutMs: 10000 };
  const positional = [];
  const auth = [];
  const help = eachArg(argv, (a, val) => {
    switch (a) {
      case '--url': o.url = urlFlag(a, val()); break;
      case '--secret': auth.push(a); o.auth = { secret: val() }; break;
      case '--shared-secret': auth.push(a); o.auth = { sharedSecret: val() }; break;
      case '--unsigned': auth.push(a); o.auth = { unsigned: true }; break;
      case '--message-type': o.messageType = val(); break;
      case '--timeout': o.timeoutMs = integerFlag(a, val(), 1, 600_000); break;
      default:
        if (a.startsWith('-')) return false;
        positional.push(a);
    }
    return true;
  });
  if (help) return help;
  const [channel, kind, ...extra] = positional;
  if (channel === undefined) throw new UsageError('name the channel: line or messenger (--help lists the kinds)');
  if (!Object.hasOwn(WEBHOOK_KINDS, channel)) {
    const guess = closest(channel, Object.keys(WEBHOOK_KINDS));
    throw new UsageError(`unknown channel "${channel}"${guess ? `; did you mean ${guess}?` : ''}; one of line, messenger`);
  }
  if (kind === undefined) throw new UsageError(`name the event kind; ${channel} kinds: ${WEBHOOK_KINDS[channel].join(', ')}`);
  if (!WEBHOOK_KINDS[channel].includes(kind)) throw new UsageError(unknownKind(channel, kind));
  if (extra.length) throw new UsageError(`unexpected argument ${extra[0]}`);
  if (o.url === undefined) throw new UsageError('--url is required: where the handler listens');
  if (auth.length === 0) throw new UsageError('give one of --secret S, --shared-secret S or --unsigned');
  if (new Set(auth).size > 1) throw new UsageError(`${auth[0]} and ${auth.find((x) => x !== auth[0])} exclude each other`);
  if (o.messageType !== undefined) {
    if (kind !== 'message') throw new UsageError(`--message-type applies to the message kind only, not ${kind}`);
    if (!MESSAGE_TYPES[channel].includes(o.messageType)) {
      throw new UsageError(`--message-type must be one of ${MESSAGE_TYPES[channel].join(', ')} for ${channel}, got "${o.messageType}"`);
    }
  }
  return { ...o, channel, kind };
}

async function trigger(argv) {
  const o = parseTrigger(argv);
  if (o.help) return console.log(TRIGGER_USAGE);
  const raw = sampleWebhook(o.channel, o.kind, { messageType: o.messageType });
  const r = await deliver(o.url, raw, sampleHeaders(o.channel, raw, o.auth), o.timeoutMs);
  const what = `${o.channel} ${o.kind}${o.messageType ? ` (${o.messageType})` : ''}`;
  if (r.status === 0) {
    const why = r.error === 'ETIMEDOUT' ? `no answer within ${o.timeoutMs} ms` : r.error;
    console.error(`sobot-channels trigger: could not reach ${o.url}: ${why}`);
    process.exitCode = 1;
    return;
  }
  const line = `${what} → ${o.url}: ${r.status} ${STATUS_CODES[r.status] ?? ''}`.trimEnd();
  if (r.ok) return console.log(line);
  const body = r.body.trim().replace(/\s+/g, ' ');
  console.error(`sobot-channels trigger: ${line}${body ? ` (${body.length > 200 ? `${body.slice(0, 200)}…` : body})` : ''}`);
  process.exitCode = 1;
}

/** SOBOT_APP_ID, SOBOT_APP_KEY and SOBOT_BASE_URL (optional), or a UsageError. */
function credentials() {
  const env = (name) => (process.env[name] === '' ? undefined : process.env[name]);
  const appId = env('SOBOT_APP_ID');
  const appKey = env('SOBOT_APP_KEY');
  const baseUrl = env('SOBOT_BASE_URL');
  if (appId === undefined) throw new UsageError('SOBOT_APP_ID is not set');
  if (appKey === undefined) throw new UsageError('SOBOT_APP_KEY is not set');
  return { appId, appKey, ...(baseUrl === undefined ? {} : { baseUrl }) };
}

async function token(argv) {
  if (argv.includes('-h') || argv.includes('--help')) return console.log(TOKEN_USAGE);
  if (argv.length) throw new UsageError(`unexpected argument ${argv[0]} (the credentials come from the environment)`);
  const { appId, appKey, baseUrl } = credentials();
  const { getToken } = await import('./index.node.mjs');
  let t;
  try {
    t = await getToken({ appId, appKey, ...(baseUrl === undefined ? {} : { baseUrl }) });
  } catch (e) {
    // the SDK's message; a network error's does not always name the host
    const where = e?.kind === 'network' || e?.kind === 'timeout' ? ` (get_token at ${baseUrl ?? 'the default Sobot host'})` : '';
    console.error(`sobot-channels token: ${e?.message ?? e}${where}`);
    process.exitCode = 1;
    return;
  }
  console.log(`token for app ${appId}${baseUrl ? ` at ${baseUrl}` : ''}: expires in ${t.expiresIn} s, at ${new Date(t.expiresAt).toISOString()}`);
}

const BROADCAST_USAGE = `usage: sobot-channels broadcast --page PAGE_ID --topic TITLE --text TEXT [options]

Sends TEXT as a marketing message to every active subscriber of the topic, with
the credentials of token --help. Each recipient is recorded in a file before
its send, so a run started again with --resume sends only to those not yet
recorded, and never twice to anyone. Exits 1 when a send failed or may have
been processed (listed at the end).

  --page ID          the Facebook Page (the topic's appid)
  --topic TITLE      the subscription topic
  --text TEXT        the message
  --resume RUN_ID    resume that run (its file is read again)
  --per-second N     the most sends started per second (default 20)
  --concurrency N    the most sends in flight (default 4)
  --dir DIR          where the run's file is kept (default .)`;

function parseBroadcast(argv) {
  const o = { perSecond: 20, concurrency: 4, dir: '.' };
  const help = eachArg(argv, (a, val) => {
    switch (a) {
      case '--page': o.page = val(); break;
      case '--topic': o.topic = val(); break;
      case '--text': o.text = val(); break;
      case '--resume': o.runId = val(); break;
      case '--per-second': o.perSecond = integerFlag(a, val(), 1, 10_000); break;
      case '--concurrency': o.concurrency = integerFlag(a, val(), 1, 64); break;
      case '--dir': o.dir = val(); break;
      default:
        return false;
    }
    return true;
  });
  if (help) return help;
  for (const [flag, key] of [['--page', 'page'], ['--topic', 'topic'], ['--text', 'text']]) {
    if (o[key] === undefined) throw new UsageError(`${flag} is required`);
  }
  if (o.runId !== undefined && !/^[\w.-]{1,100}$/.test(o.runId)) throw new UsageError('--resume takes a run id of letters, digits, ".", "_" and "-"');
  return o;
}

/**
 * A run's store in one file, for one process: each claim, confirm and release
 * is appended (and written) before the call answers, and read back on resume.
 */
function fileStore(path) {
  const held = new Map(); // key -> { owner, until }
  if (existsSync(path)) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line) continue;
      const r = JSON.parse(line);
      if (r.op === 'release') held.delete(r.key);
      else held.set(r.key, { owner: r.owner, until: r.until });
    }
  }
  const write = (r) => appendFileSync(path, `${JSON.stringify(r)}\n`);
  return {
    claim(key, owner, ttlMs) {
      const h = held.get(key);
      if (h && h.until > Date.now()) return false;
      const r = { op: 'claim', key, owner, until: Date.now() + ttlMs };
      write(r);
      held.set(key, r);
      return true;
    },
    confirm(key, owner, ttlMs) {
      if (held.get(key)?.owner !== owner) return;
      const r = { op: 'confirm', key, owner, until: Date.now() + ttlMs };
      write(r);
      held.set(key, r);
    },
    release(key, owner) {
      if (held.get(key)?.owner !== owner) return;
      write({ op: 'release', key, owner });
      held.delete(key);
    },
  };
}

/** A terminal's progress bar, or a plain line at each tenth. */
function progress(total) {
  const tty = process.stdout.isTTY;
  let shownTenth = -1;
  return (c, last) => {
    const done = c.total;
    const text = `${done}/${total} · ${c.sent} sent, ${c.failed} failed, ${c.unknown} unknown, ${c.skipped} skipped, ${c.alreadyClaimed} done before`;
    if (tty) {
      const width = 30;
      const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : width;
      process.stdout.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}${last ? '\n' : ''}`);
      return;
    }
    const tenth = total > 0 ? Math.floor((done * 10) / total) : 10;
    if (tenth !== shownTenth || last) {
      shownTenth = tenth;
      console.log(text);
    }
  };
}

async function broadcast(argv) {
  const o = parseBroadcast(argv);
  if (o.help) return console.log(BROADCAST_USAGE);
  const { SobotClient } = await import('./index.node.mjs');
  const sobot = new SobotClient(credentials());
  const runId = o.runId ?? `run-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
  const path = join(o.dir, `sobot-broadcast-${runId}.jsonl`);
  if (o.runId !== undefined && !existsSync(path)) throw new UsageError(`no run ${o.runId} in ${o.dir} (${path} is missing)`);
  try {
    const first = await sobot.messenger.querySubUsers({ appid: o.page, title: o.topic, page_no: 1, page_size: 1 });
    const show = progress(first.total_count ?? 0);
    console.log(`run ${runId}: ${first.total_count ?? 0} subscribers of "${o.topic}" (resume with --resume ${runId})`);
    const report = await sobot.messenger.broadcast(
      { appid: o.page, title: o.topic, message: { pageid: o.page, type: 'text', payload: o.text } },
      { runId, store: fileStore(path), perSecond: o.perSecond, concurrency: o.concurrency, onProgress: (c) => show(c, false) },
    );
    show(report, true);
    for (const f of report.failures) console.log(`  ${f.outcome} ${f.recipient}: ${f.message}${f.released ? ' (will be retried on --resume)' : ''}`);
    console.log(`run ${runId}: ${report.sent} sent, ${report.failed} failed, ${report.unknown} unknown (may have been sent; not resent), ${report.skipped} skipped, ${report.alreadyClaimed} done before`);
    if (report.failed + report.unknown > 0) process.exitCode = 1;
  } catch (e) {
    console.error(`sobot-channels broadcast: ${e?.message ?? e}`);
    process.exitCode = 1;
  }
}

async function main(argv) {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help') return console.log(USAGE);
  if (command === '-v' || command === '--version') {
    return console.log(JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')).version);
  }
  if (command === undefined) throw new UsageError(`name a command: ${COMMANDS.join(', ')} (--help says more)`);
  if (command === 'emulator') return runEmulatorCli(rest, 'sobot-channels emulator');
  if (command === 'trigger') return trigger(rest);
  if (command === 'token') return token(rest);
  if (command === 'broadcast') return broadcast(rest);
  const guess = closest(command, COMMANDS);
  throw new UsageError(`unknown command "${command}"${guess ? `; did you mean ${guess}?` : ''}; one of ${COMMANDS.join(', ')}`);
}

const argv = process.argv.slice(2);
try {
  await main(argv);
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  console.error(`sobot-channels${COMMANDS.includes(argv[0]) ? ` ${argv[0]}` : ''}: ${e.message}`);
  process.exit(2);
}
