// `npm run demo`: the whole story against the local emulator, as a readable transcript.
// The npm script bootstraps and builds first; then this
//   1. starts the Sobot and Graph emulator (with demo data),
//   2. runs the Node service story (examples/node/service.mjs) and the Graph script,
//   3. runs the Cloudflare Worker (examples/cloudflare-worker) in workerd with its Durable
//      Object, has the emulator deliver signed Messenger and LINE webhooks to it, and shows
//      what the Worker answered and what it sent through Sobot,
//   4. stops everything and exits 0, or with --serve keeps running and prints the admin
//      page's URL (examples/browser-admin) until Ctrl-C.
//
//   node scripts/demo.mjs [--serve] [--port N]
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../tests/emulator/index.mjs';
import { startWorker, DEFAULT_BINDINGS } from '../examples/cloudflare-worker/dev.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const serve = args.includes('--serve');
const port = args.includes('--port') ? Number(args[args.indexOf('--port') + 1]) : 0;
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const dim = (s) => (color ? `\x1b[2m${s}\x1b[0m` : s);
const bold = (s) => (color ? `\x1b[1m${s}\x1b[0m` : s);
const who = (name) => name.padEnd(9);
const say = (name, text) => console.log(`${who(name)}│ ${text}`);
const heading = (text) => console.log(`\n${bold(`── ${text} `.padEnd(78, '─'))}`);

/** Runs an example script as a person would, prefixing its lines. */
function runScript(name, script, argv) {
  return new Promise((resolve, reject) => {
    console.log(dim(`${who('$')}│ node ${script} ${argv.join(' ')}`));
    const child = spawn(process.execPath, [script, ...argv], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    createInterface({ input: child.stdout }).on('line', (l) => say(name, l));
    createInterface({ input: child.stderr }).on('line', (l) => say(name, l));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited with ${code}`))));
  });
}

async function eventually(fn, what, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const closers = [];
let failed = false;
try {
  heading('1. The emulator');
  const emu = await startEmulator({ port, seed: 1, generate: { titles: 3, subscribers: { count: 40, title: 'topic 1' }, messengerTasks: 60, messengerRecords: 300, lineTasks: 30, lineRecords: 200, conversations: { count: 30, messagesPerConversation: 30 } } });
  closers.push(() => emu.close());
  say('emulator', `Sobot and Graph emulator on ${emu.url}: app demo-app / demo-key, page 110661988000000, demo data`);

  heading('2. A Node service: the Messenger story');
  await runScript('node', 'examples/node/service.mjs', [emu.url]);
  heading('   and Graph conversations');
  await runScript('node', 'examples/node/graph.mjs', [emu.url]);

  heading('3. A Cloudflare Worker answering webhooks (workerd, Durable Objects)');
  emu.admin.clearRequests();
  const worker = await startWorker({ bindings: { SOBOT_BASE_URL: emu.url }, isolates: 2, onLog: (l) => say('worker', l.replace(/^\[worker\] /, '')) });
  closers.unshift(() => worker.close());
  emu.admin.configure({ messengerWebhookUrl: `${worker.url}/webhook/messenger`, lineWebhookUrl: `${worker.url}/webhook/line` });
  say('worker', `listening on ${worker.url} (two isolates sharing the token and de-duplication Durable Objects)`);

  const user = '6200000000000001';
  const text = 'Hi! Where is my order?';
  const d1 = await emu.admin.triggerMessenger('text', { senderId: user, text });
  say('emulator', `→ POST /webhook/messenger: user ${user} wrote "${text}" (signed ${d1.headers['x-hub-signature-256'].slice(0, 19)}…)`);
  say('worker', `← ${d1.result.status} ${d1.result.body}`);
  const reply = await eventually(() => emu.admin.sends().find((s) => s.body.recipientid === user), 'the reply');
  const p = reply.body.payload;
  say('sobot', `received send from the worker: ${reply.body.type}/${p.template_type} to ${reply.body.recipientid}: "${p.text}"`);
  say('', `buttons: ${p.buttons.map((b) => `[${b.title}]`).join(' ')}`);

  const d2 = await emu.admin.triggerLine(['image', 'text'], {});
  const events = JSON.parse(d2.rawBody).events;
  say('emulator', `→ POST /webhook/line: ${events.map((e) => e.message.type).join(' + ')} from ${events[0].source.userId} (signed X-Line-Signature)`);
  say('worker', `← ${d2.result.status} ${d2.result.body}`);
  await eventually(() => emu.admin.count('get_media_content') > 0, 'get_media_content');
  const media = emu.admin.lastRequest('get_media_content');
  say('sobot', `received get_media_content from the worker for message ${media.query.messageid}`);

  emu.admin.configure({ messengerAppSecret: 'someone-else' });
  const d3 = await emu.admin.triggerMessenger('text', { text: 'forged' });
  emu.admin.configure({ messengerAppSecret: 'demo-messenger-app-secret' });
  say('emulator', '→ POST /webhook/messenger signed with the wrong secret');
  say('worker', `← ${d3.result.status} ${d3.result.body}`);

  // A second user, through the second isolate: it takes the token from the Durable Object.
  const second = '6200000000000002';
  const page = '110661988000000';
  const body = JSON.stringify({ object: 'page', entry: [{ id: page, time: Date.now(), messaging: [{ sender: { id: second }, recipient: { id: page }, timestamp: Date.now(), message: { mid: 'm_demo_second_isolate', text: 'And mine?' } }] }] });
  const signature = 'sha256=' + createHmac('sha256', DEFAULT_BINDINGS.MESSENGER_APP_SECRET).update(body).digest('hex');
  say('demo', `→ POST /webhook/messenger to the second isolate: user ${second} wrote "And mine?"`);
  const res = await worker.fetch('/webhook/messenger', { method: 'POST', body, headers: { 'x-hub-signature-256': signature } }, 1);
  say('worker', `← ${res.status} ${await res.text()}`);
  await eventually(() => emu.admin.sends().find((s) => s.body.recipientid === second), 'the second reply');
  const tokens = emu.admin.count('get_token');
  say('sobot', `${tokens} get_token call(s) from the worker's two isolates, ${emu.admin.requests({ route: 'send' }).filter((r) => r.ret_code === '900002').length} revoked-token answers`);
  // Give the Worker's last log lines a moment to arrive before the summary.
  await new Promise((r) => setTimeout(r, 200));

  heading('4. What reached the emulator');
  const { counts, total } = await (await fetch(`${emu.url}/__admin/counts`)).json();
  say('emulator', `${total} requests since the worker started: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  say('emulator', `in the whole demo: ${emu.admin.sends().length} messages sent, ${emu.admin.deliveries().length} signed webhooks delivered`);

  if (serve) {
    const { serveAdmin } = await import('../examples/browser-admin/serve.mjs');
    const site = await serveAdmin({ port: 0 });
    closers.unshift(() => site.close());
    heading('Running (--serve)');
    say('admin', `open ${site.url}/?api=${encodeURIComponent(emu.url)}&page=110661988000000`);
    say('admin', 'connect with app id demo-app, key demo-key');
    say('emulator', `${emu.url} (admin API under /__admin/)`);
    say('worker', `${worker.url}/webhook/messenger and /webhook/line`);
    console.log(dim('Press Ctrl-C to stop.'));
    await new Promise((resolve) => {
      // Miniflare's own handlers would exit at once (status 130); this script stops
      // the Worker, the page and the emulator itself, then exits 0.
      for (const signal of ['SIGINT', 'SIGTERM']) {
        process.removeAllListeners(signal);
        process.once(signal, resolve);
      }
    });
  }
} catch (e) {
  failed = true;
  console.error(`\ndemo failed: ${e.stack ?? e}`);
} finally {
  for (const close of closers) await close().catch(() => {});
}
if (!failed) console.log(`\n${bold('demo done:')} everything stopped.`);
process.exit(failed ? 1 : 0);
