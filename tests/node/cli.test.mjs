// The `sobot-channels` command and `sobot-channels/testing`, run as a user runs
// them: from pkg/, and from a project that depends on the package (npm's .bin
// link, npx, `import` and `require`). Every server listens on 127.0.0.1 and is
// started and stopped here; readiness is the printed URL line, never a sleep.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createWebhookHandler, getToken, sign, toNodeListener } from 'sobot-channels';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(root, 'pkg', 'cli.mjs');
const samples = await import(pathToFileURL(join(root, 'pkg', 'testing', 'emulator', 'lib', 'samples.mjs')).href);

const APP_ID = 'cli-app';
const APP_KEY = 'cli-key-7f3a9c2e51d04b86';
const LINE_SECRET = 'cli-line-channel-secret';
const META_SECRET = 'cli-meta-app-secret';
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };

let project;
let emulator;

/** Runs a command to its end: `{ code, stdout, stderr }`. Asynchronous, so servers in this process keep answering. */
function run(command, args, { cwd = root, extraEnv = {} } = {}) {
  const child = spawn(command, args, { cwd, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const cli = (args, opts) => run(process.execPath, [CLI, ...args], opts);

/** Starts a long-running command; resolves to `{ url, child }` once it prints its URL line. */
function startEmulatorCommand(command, args) {
  const child = spawn(command, args, { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (output += d));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${command} exited (${code}): ${output}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^sobot-emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (m) resolve({ url: m[1], child });
      else output += `${line}\n`;
    });
  });
}

/** A createWebhookHandler server on 127.0.0.1 that keeps the events handed over. */
async function handlerServer(options) {
  const events = [];
  const handler = createWebhookHandler({ ...options, onEvents: (list) => void events.push(...list) });
  const server = createServer(toNodeListener(handler));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}/webhook`,
    events,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Exactly one non-empty line. */
function oneLine(text) {
  const lines = text.split('\n').filter((l) => l.trim());
  assert.equal(lines.length, 1, `one line expected:\n${text}`);
  return lines[0];
}

before(async () => {
  project = mkdtempSync(join(tmpdir(), 'sobot-cli-'));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ private: true, type: 'module', dependencies: { 'sobot-channels': `file:${join(root, 'pkg')}` } }),
  );
  // npm links the package and its `bin` as it does for a user (a local folder: no network)
  const npm = await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'], { cwd: project });
  assert.equal(npm.code, 0, npm.stderr);
  assert.ok(existsSync(join(project, 'node_modules', '.bin', 'sobot-channels')), 'npm linked the bin');
  // the bin through npm's link, by its shebang
  emulator = await startEmulatorCommand(join(project, 'node_modules', '.bin', 'sobot-channels'), [
    'emulator', '--port', '0', '--seed', '7', '--app-id', APP_ID, '--app-key', APP_KEY,
  ]);
});

after(async () => {
  if (emulator) {
    const exited = once(emulator.child, 'exit');
    emulator.child.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0, 'the emulator exits 0 on SIGTERM');
  }
  if (project) rmSync(project, { recursive: true, force: true });
});

test('emulator prints its URL and serves get_token', async () => {
  const ct = String(Math.floor(Date.now() / 1000));
  const r = await fetch(`${emulator.url}/api/get_token?appid=${APP_ID}&create_time=${ct}&sign=${sign(APP_ID, ct, APP_KEY)}`);
  const j = await r.json();
  assert.equal(j.ret_code, '000000');
  assert.equal(typeof j.item.token, 'string');
  assert.equal((await (await fetch(`${emulator.url}/__admin/state`)).json()).seed, 7);
});

test('token checks the credentials against the emulator and prints the expiry, never the key or the token', async () => {
  const creds = { SOBOT_APP_ID: APP_ID, SOBOT_APP_KEY: APP_KEY, SOBOT_BASE_URL: emulator.url };
  // through npx in the project, as a user runs it
  const ok = await run('npx', ['--no-install', 'sobot-channels', 'token'], { cwd: project, extraEnv: creds });
  assert.equal(ok.code, 0, ok.stderr);
  const line = oneLine(ok.stdout);
  assert.match(line, /^token for app cli-app at http:\/\/127\.0\.0\.1:\d+: expires in 86400 s, at \d{4}-\d\d-\d\dT/);
  const issued = (await (await fetch(`${emulator.url}/__admin/tokens`)).json()).tokens[APP_ID].token;
  for (const secret of [APP_KEY, issued]) {
    assert.ok(!ok.stdout.includes(secret) && !ok.stderr.includes(secret), 'no secret in the output');
  }

  const wrongKey = 'cli-wrong-key-0a1b2c3d';
  const expected = await getToken({ appId: APP_ID, appKey: wrongKey, baseUrl: emulator.url }).then(
    () => assert.fail('a wrong key gets no token'),
    (e) => e.message,
  );
  const bad = await cli(['token'], { extraEnv: { ...creds, SOBOT_APP_KEY: wrongKey } });
  assert.equal(bad.code, 1);
  assert.equal(oneLine(bad.stderr), `sobot-channels token: ${expected}`);
  assert.ok(!bad.stderr.includes(wrongKey) && !bad.stdout.includes(wrongKey));

  const unset = await cli(['token'], { extraEnv: { SOBOT_APP_ID: APP_ID, SOBOT_APP_KEY: '' } });
  assert.equal(unset.code, 2);
  assert.equal(oneLine(unset.stderr), 'sobot-channels token: SOBOT_APP_KEY is not set');
});

test('trigger posts signed LINE events that the handler verifies and receives', async () => {
  const server = await handlerServer({ channel: 'line', secret: LINE_SECRET });
  try {
    for (const [kind, extra] of [['follow', []], ['message', ['--message-type', 'sticker']], ['postback', []]]) {
      const r = await cli(['trigger', 'line', kind, '--url', server.url, '--secret', LINE_SECRET, ...extra]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(oneLine(r.stdout), new RegExp(`^line ${kind}.* → ${server.url}: 200 OK$`));
      const event = server.events.at(-1);
      assert.equal(event.channel, 'line');
      assert.equal(event.kind, kind);
    }
    assert.equal(server.events.at(-2).sticker.packageId, '11537', 'the sticker message');
    const handed = server.events.length;

    const wrong = await cli(['trigger', 'line', 'message', '--url', server.url, '--secret', 'not-the-secret']);
    assert.equal(wrong.code, 1);
    assert.match(oneLine(wrong.stderr), new RegExp(`^sobot-channels trigger: line message → ${server.url}: 401 Unauthorized`));
    assert.equal(server.events.length, handed, 'nothing handed over');
  } finally {
    await server.close();
  }
});

test('trigger posts signed Messenger events that the handler verifies and receives', async () => {
  const server = await handlerServer({ channel: 'messenger', secret: META_SECRET });
  try {
    for (const kind of ['message', 'delivery', 'subscription', 'upload']) {
      const r = await cli(['trigger', 'messenger', kind, '--url', server.url, '--secret', META_SECRET]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(oneLine(r.stdout), new RegExp(`^messenger ${kind} → ${server.url}: 200 OK$`));
      assert.equal(server.events.at(-1).kind, kind);
    }
    const wrong = await cli(['trigger', 'messenger', 'read', '--url', server.url, '--secret', 'not-the-secret']);
    assert.equal(wrong.code, 1);
    assert.match(oneLine(wrong.stderr), /: 401 Unauthorized/);
    assert.equal(server.events.length, 4);
  } finally {
    await server.close();
  }
});

test('trigger with --shared-secret and --unsigned', async () => {
  const shared = await handlerServer({ channel: 'messenger', sharedSecret: 'cli-shared-token' });
  const unsigned = await handlerServer({ channel: 'line', unsigned: true });
  try {
    const ok = await cli(['trigger', 'messenger', 'read', '--url', shared.url, '--shared-secret', 'cli-shared-token']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(shared.events.at(-1).kind, 'read');
    const wrong = await cli(['trigger', 'messenger', 'read', '--url', shared.url, '--shared-secret', 'other']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /401 Unauthorized/);
    // a signature is not the shared secret
    assert.equal((await cli(['trigger', 'messenger', 'read', '--url', shared.url, '--secret', 'cli-shared-token'])).code, 1);

    const open = await cli(['trigger', 'line', 'unfollow', '--url', unsigned.url, '--unsigned']);
    assert.equal(open.code, 0, open.stderr);
    assert.equal(unsigned.events.at(-1).kind, 'unfollow');
  } finally {
    await shared.close();
    await unsigned.close();
  }
});

test('trigger names the URL it could not reach and exits 1', async () => {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const url = `http://127.0.0.1:${probe.address().port}/webhook`;
  await new Promise((resolve) => probe.close(resolve));
  const r = await cli(['trigger', 'line', 'follow', '--url', url, '--unsigned']);
  assert.equal(r.code, 1);
  assert.equal(oneLine(r.stderr), `sobot-channels trigger: could not reach ${url}: ECONNREFUSED`);
});

test('every sample kind of both channels is verified and handed over as one event of that kind, fresh each time', async () => {
  for (const channel of ['line', 'messenger']) {
    // every kind the fixtures normalise to has a sample
    const dir = join(root, 'tests', 'fixtures', channel, 'normalized');
    const fixtureKinds = new Set(readdirSync(dir).flatMap((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')).map((e) => e.kind)));
    assert.deepEqual([...fixtureKinds].filter((k) => !samples.WEBHOOK_KINDS[channel].includes(k)), [], channel);

    const secret = channel === 'line' ? LINE_SECRET : META_SECRET;
    const handed = [];
    const handler = createWebhookHandler({ channel, secret, onEvents: (list) => void handed.push(...list) });
    for (const kind of samples.WEBHOOK_KINDS[channel]) {
      for (let round = 0; round < 2; round++) {
        const body = samples.sampleWebhook(channel, kind);
        const res = await handler(new Request('http://127.0.0.1/webhook', { method: 'POST', body, headers: samples.sampleHeaders(channel, body, { secret }) }));
        assert.equal(res.status, 200, `${channel} ${kind}`);
      }
      const last = handed.slice(-2);
      assert.deepEqual(last.map((e) => e.kind), [kind, kind], `${channel} ${kind}: two deliveries, two events`);
      assert.notEqual(last[0].eventId, last[1].eventId, `${channel} ${kind}: fresh ids`);
    }
    assert.equal(handed.length, 2 * samples.WEBHOOK_KINDS[channel].length);
  }
});

test('bad arguments exit 2 with a one-line reason; --help exits 0', async () => {
  const cases = [
    [[], /^sobot-channels: name a command: emulator, trigger, token/],
    [['emulatr'], /^sobot-channels: unknown command "emulatr"; did you mean emulator\?/],
    [['trigger', 'line', 'folow', '--url', 'http://127.0.0.1:9/', '--unsigned'], /^sobot-channels trigger: unknown line event kind "folow"; did you mean follow\?; line kinds: message, postback, /],
    [['trigger', 'line', 'delivery', '--url', 'http://127.0.0.1:9/', '--unsigned'], /unknown line event kind "delivery" \(a messenger kind\); line kinds: /],
    [['trigger', 'facebook', 'message'], /^sobot-channels trigger: unknown channel "facebook"; one of line, messenger$/],
    [['trigger', 'line', 'message', '--unsigned'], /--url is required/],
    [['trigger', 'line', 'message', '--url', 'http://127.0.0.1:9/'], /give one of --secret S, --shared-secret S or --unsigned/],
    [['trigger', 'line', 'message', '--url', 'http://127.0.0.1:9/', '--secret', 's', '--unsigned'], /--secret and --unsigned exclude each other/],
    [['trigger', 'line', 'message', '--url', 'ftp://x', '--unsigned'], /--url must be an http:\/\/ or https:\/\/ URL, got "ftp:\/\/x"/],
    [['trigger', 'line', 'follow', '--url', 'http://127.0.0.1:9/', '--unsigned', '--message-type', 'text'], /--message-type applies to the message kind only/],
    [['trigger', 'messenger', 'message', '--url', 'http://127.0.0.1:9/', '--unsigned', '--message-type', 'sticker'], /--message-type must be one of text, image, video, audio, file for messenger/],
    [['trigger', 'line', 'message', '--url', 'http://127.0.0.1:9/', '--unsigned', '--nope'], /unknown argument --nope/],
    [['token', 'extra'], /^sobot-channels token: unexpected argument extra/],
    [['emulator', '--port', 'x'], /^sobot-channels emulator: --port must be an integer from 0 to 65535, got "x"$/],
    [['emulator', '--app-id', 'x'], /--app-id and --app-key go together/],
    [['emulator', '--nope'], /unknown argument --nope/],
  ];
  const results = await Promise.all(cases.map(([args]) => cli(args)));
  results.forEach((r, i) => {
    assert.equal(r.code, 2, `${cases[i][0].join(' ')}: ${r.stderr}`);
    assert.match(oneLine(r.stderr), cases[i][1]);
    assert.equal(r.stdout, '');
  });

  const helps = await Promise.all([['--help'], ['emulator', '--help'], ['trigger', '--help'], ['token', '--help']].map((a) => cli(a)));
  for (const h of helps) assert.equal(h.code, 0, h.stderr);
  assert.match(helps[0].stdout, /^usage: sobot-channels <command>/);
  assert.match(helps[1].stdout, /^usage: sobot-channels emulator \[--port N\]/);
  assert.match(helps[2].stdout, /kinds:\n {2}line: message, postback, accountLink, follow/);
  assert.match(helps[3].stdout, /SOBOT_APP_ID/);
  const version = await run('npx', ['--no-install', 'sobot-channels', '--version'], { cwd: project });
  assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(root, 'pkg', 'package.json'), 'utf8')).version);
});

test("sobot-channels/testing from a project: import and require, then a SobotClient send", async () => {
  const send = {
    messaging_type: 'RESPONSE',
    recipientid: '524807506000000',
    pageid: '110661988000000',
    type: 'text',
    payload: 'hello from the test',
  };
  writeFileSync(join(project, 'esm.mjs'), `
import { startEmulator } from 'sobot-channels/testing';
import { SobotClient } from 'sobot-channels';
const emu = await startEmulator({ apps: [{ appId: 'proj-app', appKey: 'proj-key' }], seed: 5 });
try {
  const sobot = new SobotClient({ appId: 'proj-app', appKey: 'proj-key', baseUrl: emu.url });
  const sent = await sobot.messenger.send(${JSON.stringify(send)});
  const recorded = emu.admin.sends();
  console.log(JSON.stringify({ url: emu.url, seed: emu.seed, sent, recorded: recorded.map((s) => ({ message_id: s.message_id, body: s.body })), tokens: emu.admin.count('get_token'), admin: Object.keys(emu.admin).sort(), handle: Object.keys(emu).sort() }));
} finally {
  await emu.close();
}
`);
  writeFileSync(join(project, 'cjs.cjs'), `
const { startEmulator } = require('sobot-channels/testing');
const { SobotClient } = require('sobot-channels');
startEmulator({ apps: [{ appId: 'proj-app', appKey: 'proj-key' }] }).then(async (emu) => {
  try {
    const sobot = new SobotClient({ appId: 'proj-app', appKey: 'proj-key', baseUrl: emu.url });
    const sent = await sobot.messenger.send(${JSON.stringify(send)});
    console.log(JSON.stringify({ sent, sends: emu.admin.sends().length }));
  } finally {
    await emu.close();
  }
});
`);
  const [esm, cjs] = await Promise.all([run(process.execPath, ['esm.mjs'], { cwd: project }), run(process.execPath, ['cjs.cjs'], { cwd: project })]);
  assert.equal(esm.code, 0, esm.stderr);
  const e = JSON.parse(esm.stdout);
  assert.match(e.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(e.seed, 5);
  assert.equal(e.tokens, 1);
  assert.match(e.sent.message_id, /^m_/);
  assert.deepEqual(e.recorded, [{ message_id: e.sent.message_id, body: send }]);
  // testing.d.ts declares the admin methods and the handle that exist, and no others
  const dts = readFileSync(join(root, 'pkg', 'testing.d.ts'), 'utf8');
  const members = (name) => [...dts.match(new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`))[1].matchAll(/^ {4}(\w+)[(:]/gm)].map((m) => m[1]).sort();
  assert.deepEqual(members('EmulatorAdmin'), e.admin);
  assert.deepEqual(members('Emulator'), e.handle);
  assert.equal(cjs.code, 0, cjs.stderr);
  const c = JSON.parse(cjs.stdout);
  assert.match(c.sent.message_id, /^m_/);
  assert.equal(c.sends, 1);
});

test('the package carries the emulator without its tests', () => {
  const files = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: join(root, 'pkg'), encoding: 'utf8', env });
  assert.equal(files.status, 0, files.stderr);
  const paths = JSON.parse(files.stdout)[0].files.map((f) => f.path);
  for (const p of ['cli.mjs', 'testing.mjs', 'testing.cjs', 'testing.d.ts', 'testing.d.cts', 'testing/emulator/index.mjs', 'testing/emulator/lib/samples.mjs', 'testing/emulator/README.md']) {
    assert.ok(paths.includes(p), p);
  }
  assert.deepEqual(paths.filter((p) => /\.test\.|bench|helpers|doc-examples/.test(p)), []);
  for (const f of samples.SAMPLE_FIXTURES) assert.ok(paths.includes(`testing/fixtures/${f}`), f);
  const mode = JSON.parse(files.stdout)[0].files.find((f) => f.path === 'cli.mjs').mode;
  assert.equal(mode & 0o111, 0o111, 'cli.mjs is executable');
});

test('broadcast sends to each active subscriber once, reports the maybe-sent, and resumes without resending', async () => {
  const admin = (method, path, body) =>
    fetch(`${emulator.url}/__admin/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) }).then((r) => r.json());
  const PAGE = '110661988000000';
  await admin('POST', 'generate', { subscribers: { count: 60, title: 'cli news' } });
  const { items } = await (async () => {
    const { SobotClient } = await import('sobot-channels');
    const c = new SobotClient({ appId: APP_ID, appKey: APP_KEY, baseUrl: emulator.url });
    return c.messenger.querySubUsers({ appid: PAGE, title: 'cli news', page_no: 1, page_size: 100 });
  })();
  const active = items.filter((s) => s.sub_status === 1).map((s) => s.sub_token);
  assert.ok(active.length > 0 && active.length < items.length, 'some subscribers are not active');
  const creds = { SOBOT_APP_ID: APP_ID, SOBOT_APP_KEY: APP_KEY, SOBOT_BASE_URL: emulator.url };
  const dir = mkdtempSync(join(tmpdir(), 'sobot-broadcast-'));
  const sendsBefore = (await admin('GET', 'sends')).sends.length;
  // one send answers 503: it may have been processed, so it is reported and never resent
  await admin('POST', 'faults', { route: 'send', type: 'status', status: 503, times: 1 });
  const args = ['broadcast', '--page', PAGE, '--topic', 'cli news', '--text', 'hello subscribers', '--per-second', '1000', '--dir', dir];
  const first = await cli(args, { extraEnv: creds });
  assert.equal(first.code, 1, `${first.stdout}\n${first.stderr}`);
  const runId = /^run (\S+): 60 subscribers/m.exec(first.stdout)?.[1];
  assert.ok(runId, first.stdout);
  assert.match(first.stdout, new RegExp(`^run ${runId}: ${active.length - 1} sent, 0 failed, 1 unknown`, 'm'));
  assert.match(first.stdout, /^ {2}unknown \d+: /m);
  assert.ok(first.stdout.split('\n').filter((l) => /^\d+\/60 · /.test(l)).length >= 2, 'plain progress lines off a terminal');

  const again = await cli(['broadcast', '--page', PAGE, '--topic', 'cli news', '--text', 'hello subscribers', '--resume', runId, '--dir', dir], { extraEnv: creds });
  assert.equal(again.code, 0, `${again.stdout}\n${again.stderr}`);
  assert.match(again.stdout, new RegExp(`^run ${runId}: 0 sent, 0 failed, 0 unknown .*, ${active.length} done before$`, 'm'));

  const sends = (await admin('GET', 'sends')).sends.slice(sendsBefore).map((s) => s.recipient_token);
  assert.equal(new Set(sends).size, sends.length, 'nobody got two sends');
  assert.equal(sends.length, active.length - 1, 'every active subscriber but the maybe-sent one');
  for (const t of sends) assert.ok(active.includes(t));

  const missing = await cli(['broadcast', '--page', PAGE, '--topic', 'cli news', '--text', 'x', '--resume', 'no-such-run', '--dir', dir], { extraEnv: creds });
  assert.equal(missing.code, 2);
  assert.match(oneLine(missing.stderr), /^sobot-channels broadcast: no run no-such-run in /);
  rmSync(dir, { recursive: true, force: true });
});

test('broadcast on a terminal redraws one progress bar', async (t) => {
  // util-linux `script` gives the CLI a pseudo-terminal (stdout.isTTY).
  if (spawnSync('script', ['--version']).status !== 0) return t.skip('no `script` to make a terminal');
  const PAGE = '110661988000000';
  await fetch(`${emulator.url}/__admin/generate`, { method: 'POST', body: JSON.stringify({ subscribers: { count: 40, title: 'tty news' } }) });
  const dir = mkdtempSync(join(tmpdir(), 'sobot-broadcast-tty-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, CLI, 'broadcast', '--page', PAGE, '--topic', 'tty news', '--text', 'hi', '--per-second', '1000', '--dir', dir].map(quote).join(' ');
  const r = await run('script', ['-qec', command, '/dev/null'], { extraEnv: { SOBOT_APP_ID: APP_ID, SOBOT_APP_KEY: APP_KEY, SOBOT_BASE_URL: emulator.url, COLUMNS: '120' } });
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const frames = r.stdout.split('\r').filter((f) => f.startsWith('['));
  assert.ok(frames.length >= 2, `redrawn in place: ${JSON.stringify(r.stdout)}`);
  for (const f of frames) assert.match(f, /^\[[#.]{30}\] \d+\/40 · /);
  assert.match(frames.at(-1), /^\[#{30}\] 40\/40 · \d+ sent, 0 failed, 0 unknown/);
  assert.doesNotMatch(r.stdout, /^\d+\/40 · /m, 'no plain progress lines on a terminal');
});
