#!/usr/bin/env node
// Starts the emulator from the command line and runs until SIGINT/SIGTERM.
// node tests/emulator/cli.mjs --port 0 [--seed N] [--app-id X --app-key Y] [--webhook-url U] ...

import { startEmulator } from './index.mjs';

const USAGE = `usage: node tests/emulator/cli.mjs [--port N] [--host H] [--seed N]
  [--app-id X --app-key Y] [--webhook-url U] [--messenger-webhook-url U] [--line-webhook-url U]
  [--line-channel-secret S] [--messenger-app-secret S] [--graph-token T]...
  [--token-ttl SECONDS] [--upload-delay MS] [--demo-data]`;

function parse(argv) {
  const o = {};
  const app = {};
  const graphTokens = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--port': o.port = Number(val()); break;
      case '--host': o.host = val(); break;
      case '--seed': o.seed = Number(val()); break;
      case '--app-id': app.appId = val(); break;
      case '--app-key': app.appKey = val(); break;
      case '--webhook-url': o.webhookUrl = val(); break;
      case '--messenger-webhook-url': o.messengerWebhookUrl = val(); break;
      case '--line-webhook-url': o.lineWebhookUrl = val(); break;
      case '--line-channel-secret': o.lineChannelSecret = val(); break;
      case '--messenger-app-secret': o.messengerAppSecret = val(); break;
      case '--graph-token': graphTokens.push(val()); break;
      case '--token-ttl': o.tokenTtlSeconds = Number(val()); break;
      case '--upload-delay': o.uploadDelayMs = Number(val()); break;
      case '--demo-data':
        o.generate = { titles: 3, subscribers: { count: 40, title: 'topic 1' }, messengerTasks: 60, messengerRecords: 300, lineTasks: 30, lineRecords: 200, conversations: { count: 30, messagesPerConversation: 30 } };
        break;
      case '-h':
      case '--help':
        console.log(USAGE);
        process.exit(0);
      default:
        throw new Error(`unknown argument ${a}\n${USAGE}`);
    }
  }
  if (app.appId || app.appKey) {
    if (!app.appId || !app.appKey) throw new Error('--app-id and --app-key go together');
    o.apps = [app];
  }
  if (graphTokens.length) o.graphAccessTokens = graphTokens;
  return o;
}

let options;
try {
  options = parse(process.argv.slice(2));
} catch (e) {
  console.error(e.message);
  process.exit(2);
}
const emu = await startEmulator(options);
console.log(`sobot-emulator listening on ${emu.url}`);
const stop = async () => {
  await emu.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
