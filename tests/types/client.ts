// Compiles under `strict`: the clients, their answers and errors are typed.
import {
  SobotClient,
  validateBroadcast,
  type Violation,
  GraphClient,
  SobotError,
  catalogue,
  type TokenStore,
  type Paged,
  type LineTask,
  type MessageDetail,
  type SobotErrorKind,
  type AttemptEvent,
  type MemoryDedupeStore,
  type BroadcastReport,
  type BroadcastCounts,
} from 'sobot-channels';

const memory: { token: string; expiresAt: number } | null = null;
const store: TokenStore = {
  get: async () => memory,
  set: async () => {},
};

export async function useClients(): Promise<number> {
  const client = new SobotClient({ appId: 'a', appKey: 'k', tokenStore: store, retry: { maxAttempts: 2 } });
  const sent = await client.messenger.send(
    { messaging_type: 'RESPONSE', recipientid: 'R', pageid: 'P', type: 'text', payload: 'hi' },
    { timeoutMs: 5_000, signal: AbortSignal.timeout(10_000) },
  );
  const page: Paged<LineTask> = await client.line.queryTaskList({ page_no: 1, page_size: 15 });
  let n = page.items.length + (sent?.message_id ? 1 : 0);
  for await (const record of client.line.sendRecords({ taskid: 't' })) n += record.send_time ?? 0;
  // the document's own spelling of the opt-in's user, and the table's
  await client.messenger.sendOptInMessage({ appid: 'P', title: 'news', recipient_id: 'U' });
  await client.messenger.sendOptInMessage({ appid: 'P', title: 'news', recipientid: 'U' });
  // page walks default page_no and page_size
  for await (const topic of client.messenger.titles({ appids: 'P' })) n += topic.title ? 1 : 0;
  for await (const user of client.messenger.subUsers({ appid: 'P', title: 'news' })) n += user.sub_status ?? 0;
  for (const e of catalogue()) if (e.client === 'MessengerClient' && e.call !== null) n += e.call.length;
  const graph = new GraphClient({ accessToken: 'token' });
  for await (const detail of graph.messageDetails('c')) {
    const d: MessageDetail = detail;
    n += d.id.length;
  }
  try {
    await graph.listConversations({ pageId: 'p', platform: 'instagram' });
  } catch (e) {
    if (e instanceof SobotError && e.kind === 'api') n += e.retryable ? 1 : 0;
    if (e instanceof SobotError && e.type === 'OAuthException') n += (e.subcode ?? 0) + (e.fbtraceId?.length ?? 0);
    if (e instanceof SobotError) {
      const kind: SobotErrorKind = e.kind;
      const platform: string | null = e.platformMessage;
      for (const v of e.violations) n += (v.code?.length ?? 0) + v.path.length + kind.length + (platform?.length ?? 0);
      n += e.cause === undefined ? 0 : 1;
      n += e.description?.messageEn.length ?? 0;
      // @ts-expect-error: the fields are read-only
      e.retryable = true;
    }
  }
  const seen: AttemptEvent[] = [];
  const observed = new SobotClient({ appId: 'a', appKey: 'k', onAttempt: (a) => seen.push(a) });
  for (const a of seen) n += a.attempt + a.durationMs + (a.delayMs ?? 0) + (a.status ?? 0) + (a.error === 'timeout' ? 1 : 0);
  n += observed ? 0 : 1;
  // @ts-expect-error: the platform must be messenger or instagram
  await graph.listConversations({ pageId: 'p', platform: 'whatsapp' });
  // @ts-expect-error: recipientid, not recipientId
  await client.messenger.send({ recipientId: 'R', pageid: 'P', type: 'text', payload: 'hi' });
  return n;
}

// A read-only token store needs no appKey; without one the key is required.
export const readOnly = new SobotClient({ appId: 'a', tokenStore: { get: () => null } });
// @ts-expect-error an appKey, or a read-only token store
export const neither = new SobotClient({ appId: 'a' });

// A broadcast: the message without its recipient; the report's counts and failures.
export async function broadcast(client: SobotClient, store: MemoryDedupeStore): Promise<number> {
  const message = { pageid: 'P', type: 'text', payload: 'news' } as const;
  const report: BroadcastReport = await client.messenger.broadcast(
    { appid: 'P', title: 'T', message },
    { runId: 'r', concurrency: 2, perSecond: 10, store, claimTtlMs: 86_400_000, onProgress: (c: BroadcastCounts) => c.sent },
  );
  const f = report.failures[0];
  const outcome: 'failed' | 'unknown' = f.outcome;
  // @ts-expect-error: the broadcast sets the recipient
  await client.messenger.broadcast({ appid: 'P', title: 'T', message: { ...message, recipient_token: 'x' } });
  // Rows already listed (a queue consumer's batch), not beside a topic.
  const page = await client.messenger.querySubUsers({ appid: 'P', title: 'T', page_no: 1, page_size: 100 });
  const given: BroadcastReport = await client.messenger.broadcast({ subscribers: page.items, message }, { runId: 'r', store });
  // @ts-expect-error: either a topic or subscribers
  await client.messenger.broadcast({ appid: 'P', title: 'T', subscribers: page.items, message });
  const violations: Violation[] = validateBroadcast({ appid: 'P', title: 'T', message });
  return given.total + violations.length + report.sent + report.alreadyClaimed + outcome.length + (f.status ?? 0) + (f.code?.length ?? 0);
}
