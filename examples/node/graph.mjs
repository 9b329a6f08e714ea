// Meta's Graph API Conversations API with sobot-channels: a Page's conversations, newest
// first, then the details of the latest messages of the most recent one.
//
//   node examples/node/graph.mjs http://127.0.0.1:4010           # the emulator
//   GRAPH_ACCESS_TOKEN=… PAGE_ID=… node examples/node/graph.mjs https://graph.facebook.com
//
// Optional: PLATFORM (messenger | instagram, default messenger), CONVERSATIONS (how many
// to list, default 5), MESSAGES (how many message details, at most 20, default 5).
import { pathToFileURL } from 'node:url';
import { GraphClient, SobotError } from 'sobot-channels';
import { settings, say } from './config.mjs';

const DEFAULTS = {
  GRAPH_ACCESS_TOKEN: 'demo-page-token',
  PAGE_ID: '110661988000000',
};
const OPTIONAL = {
  PLATFORM: 'messenger',
  CONVERSATIONS: '5',
  MESSAGES: '5',
};

const who = (p) => (p ? p.name ?? p.username ?? p.id : '?');

/** Lists conversations and the latest messages' details. */
export async function runGraph(s) {
  const graph = new GraphClient({ accessToken: s.GRAPH_ACCESS_TOKEN, baseUrl: s.baseUrl });
  const wanted = Number(s.CONVERSATIONS);
  const first = await graph.listConversations({ pageId: s.PAGE_ID, platform: s.PLATFORM, limit: wanted });
  say('graph', `${graph}: ${first.data.length} most recent ${s.PLATFORM} conversation(s) of page ${s.PAGE_ID}${first.paging?.next ? ' (more pages follow)' : ''}`);
  for (const c of first.data) say('', `${c.id}  updated ${c.updated_time}`);
  if (first.data.length === 0) return;

  // Every conversation, page after page, through the async iterator.
  let total = 0;
  for await (const _ of graph.conversations({ pageId: s.PAGE_ID, platform: s.PLATFORM, limit: 100 })) total++;
  say('graph', `${total} conversation(s) in all`);

  const latest = first.data[0];
  const max = Math.min(Number(s.MESSAGES), 20);
  say('messages', `the ${max} latest message(s) of ${latest.id} (Graph details only the 20 most recent):`);
  let n = 0;
  for await (const m of graph.messageDetails(latest.id)) {
    const to = (m.to?.data ?? []).map(who).join(', ');
    say('', `${m.created_time}  ${who(m.from)} → ${to}: ${JSON.stringify(m.message ?? '')}`);
    if (++n >= max) break;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    await runGraph(settings(process.argv.slice(2), process.env, DEFAULTS, OPTIONAL));
  } catch (e) {
    console.error(`failed: ${e instanceof SobotError ? `${e.endpoint ?? ''} ${e.kind}${e.code ? ` ${e.code}` : ''}: ${e.message}` : e.message}`);
    process.exit(1);
  }
}
