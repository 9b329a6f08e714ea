// Runs the two scripts as a person does (`node examples/node/<script>.mjs <emulator URL>`)
// against the emulator and checks what they print against what the emulator received.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../../tests/emulator/index.mjs';

const PAGE = '110661988000000';
const USER = '6100000000000001';
let emu;

before(async () => {
  emu = await startEmulator({ seed: 11, generate: { titles: 3, messengerTasks: 12, messengerRecords: 40, conversations: { count: 7, messagesPerConversation: 8 } } });
});
after(() => emu?.close());

/** Runs a script; resolves to { code, stdout, stderr }. */
function run(script, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url)), ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill(), 30000);
    child.on('error', reject);
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
  });
}
const line = (out, re) => {
  const m = out.match(re);
  assert.ok(m, `no line matching ${re} in:\n${out}`);
  return m;
};

test('service.mjs tells the whole Messenger story and each step reached the emulator', async () => {
  emu.admin.clearRequests();
  const sendsBefore = emu.admin.sends().length;
  const r = await run('./service.mjs', [emu.url]);
  assert.equal(r.code, 0, r.stderr + r.stdout);

  // Topic created, with the title of the settings.
  const configid = line(r.stdout, /^topic +created "Weekly deals" on page 110661988000000 → configid (\w+)$/m)[1];
  const created = emu.admin.lastRequest('create_or_update_title');
  assert.deepEqual([created.body.appid, created.body.title, created.ret_code], [PAGE, 'Weekly deals', '000000']);
  assert.equal(JSON.parse(created.rawBody ?? JSON.stringify(created.body)).configid, undefined);
  // Opt-in: the token printed is the one the emulator delivered, and the marketing send used it.
  line(r.stdout, new RegExp(`^opt-in +opt-in message m_\\S+ sent to user ${USER}$`, 'm'));
  const token = line(r.stdout, new RegExp(`^webhook +opt-in from user ${USER}: subscribed to "Weekly deals", notification_messages_token (\\d+)$`, 'm'))[1];
  const optIn = emu.admin.optIns().at(-1);
  assert.equal(optIn.recipient_id, USER);
  assert.equal(JSON.parse(optIn.delivery.rawBody).entry[0].messaging[0].optin.notification_messages_token, token);
  line(r.stdout, /^topic +"Weekly deals" has 1 subscriber\(s\)$/m);

  const sends = emu.admin.sends().slice(sendsBefore).map((s) => s.body);
  assert.equal(sends.length, 4);
  assert.deepEqual(
    sends.map((b) => [b.recipient_token ?? null, b.recipientid ?? null, b.type, b.payload.template_type ?? null]),
    [
      [token, null, 'text', null],
      [null, USER, 'template', 'button'],
      [null, USER, 'template', 'generic'],
      [null, USER, 'template', 'media'],
    ],
  );
  line(r.stdout, /^send +marketing text with recipient_token → message m_/m);
  line(r.stdout, new RegExp(`^send +button template \\(2 buttons\\) to ${USER} → message m_`, 'm'));
  line(r.stdout, new RegExp(`^send +generic template \\(2 elements\\) to ${USER} → message m_`, 'm'));

  // Upload: the attachment_id printed came from the upload-result webhook and went into the media template.
  const upload = emu.admin.uploads().at(-1);
  line(r.stdout, new RegExp(`^upload +image https://example.com/images/weekly-deals.jpg → track_id ${upload.track_id}$`, 'm'));
  line(r.stdout, new RegExp(`^webhook +upload result for track_id ${upload.track_id}: attachment_id ${upload.attachment_id}$`, 'm'));
  assert.equal(sends[3].payload.elements[0].attachment_id, upload.attachment_id);

  // Tasks and records: the counts of the generated data.
  line(r.stdout, /^tasks +12 mass-send task\(s\) from page 110661988000000; the latest:$/m);
  line(r.stdout, /^ +"messenger task 1" .*: estimated \d+, sent \d+, failed \d+, delivered \d+, read \d+$/m);
  line(r.stdout, /^records +40 send record\(s\) in the last 30 days; the latest:$/m);
  assert.equal(r.stdout.match(/^ +\d{4}-\d\d-\d\dT.* to \d+: (sent|failed .*)$/gm).length, 3);

  // One token for everything.
  line(r.stdout, /^done +1 get_token request\(s\) for the whole story$/m);
  assert.equal(emu.admin.count('get_token'), 1);
  assert.match(configid, /^[0-9a-f]{32}$/);
});

test('service.mjs run again updates the topic instead of failing on a duplicate', async () => {
  const r = await run('./service.mjs', [emu.url]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  line(r.stdout, /^topic +updated "Weekly deals" on page 110661988000000 → configid \w+$/m);
});

test('service.mjs reports a wrong app key clearly and exits 1', async () => {
  const r = await run('./service.mjs', [emu.url], { SOBOT_APP_KEY: 'not-the-key' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^failed: get_token api 999994: /m);
  assert.doesNotMatch(r.stderr + r.stdout, /not-the-key/);
});

test('the scripts refuse to guess settings for the real platform', async () => {
  const r = await run('./service.mjs', ['https://sg.sobot.com'], { SOBOT_APP_ID: '', SOBOT_BASE_URL: '' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /set .*SOBOT_APP_KEY, PAGE_ID, RECIPIENT_ID, MESSENGER_APP_SECRET in the environment/);
  const g = await run('./graph.mjs', [], { SOBOT_BASE_URL: '' });
  assert.equal(g.code, 1);
  assert.match(g.stderr, /give the base URL/);
});

test('graph.mjs lists the conversations and the latest messages with their details', async () => {
  const t = emu.admin.now() + 3600_000;
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
  const ada = { id: '7300000000000001', name: 'Ada Lovelace', email: '7300000000000001@facebook.com' };
  const page = { id: PAGE, name: 'Sobot Demo Page' };
  emu.admin.seed({
    conversations: [{
      id: 't_7300000000000001',
      pageId: PAGE,
      platform: 'messenger',
      participants: [ada, page],
      messages: Array.from({ length: 25 }, (_, i) => {
        const fromAda = i % 2 === 0;
        return { created_time: iso(t - (24 - i) * 60_000), from: fromAda ? ada : page, to: { data: [fromAda ? page : ada] }, message: `line ${i + 1}` };
      }),
    }],
  });
  const r = await run('./graph.mjs', [emu.url], { MESSAGES: '3', CONVERSATIONS: '4' });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  line(r.stdout, /^graph +GraphClient\(v23\.0 @ http:\/\/127\.0\.0\.1:\d+\): 4 most recent messenger conversation\(s\) of page 110661988000000 \(more pages follow\)$/m);
  const ids = [...r.stdout.matchAll(/^ +(t_\d+) +updated \S+$/gm)].map((m) => m[1]);
  assert.equal(ids.length, 4);
  assert.equal(ids[0], 't_7300000000000001');
  line(r.stdout, /^graph +8 conversation\(s\) in all$/m);
  line(r.stdout, /^messages +the 3 latest message\(s\) of t_7300000000000001/m);
  const details = [...r.stdout.matchAll(/^ +\S+\+0000 +(.+) → (.+): "(.*)"$/gm)].map((m) => m.slice(1));
  assert.deepEqual(details, [
    ['Ada Lovelace', 'Sobot Demo Page', 'line 25'],
    ['Sobot Demo Page', 'Ada Lovelace', 'line 24'],
    ['Ada Lovelace', 'Sobot Demo Page', 'line 23'],
  ]);
});

test('graph.mjs reports a bad access token with Graph\'s code', async () => {
  const r = await run('./graph.mjs', [emu.url], { GRAPH_ACCESS_TOKEN: 'expired-or-wrong' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^failed: graph\.conversations api 190: /m);
});
