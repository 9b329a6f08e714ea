// Sending to a topic's subscribers from the Worker, two ways (see README):
//
//   POST /broadcast       {appid, title, message, runId?}  Authorization: Bearer BROADCAST_TOKEN
//     reads the first page of subscribers (which checks the topic), checks the message,
//     and enqueues one "send" step per page of subscribers; answers 202 {runId, ...}
//   GET  /broadcast/:run  the run's counts, summed from the steps done so far; `done`
//     once every subscriber listed has an outcome
//   POST /broadcast/run   {appid, title, message, runId?, concurrency?}: the whole run in
//     this request (isolates given the same runId share it); answers the report
//
// Queue steps (BROADCAST_QUEUE, consumed by `queue()`):
//   list {runId, appid, title, message, pageNo}  reads that page, enqueues its send step
//   send {runId, message, subscribers, attempt}  messenger.broadcast over those rows
// Every send step uses the run's Durable Object (./claim-store.js) as its store, so each
// subscriber is claimed once by whichever consumer gets there first: a redelivered or
// retried step never sends to anyone twice, and a send that may have been processed is
// reported, never repeated. Recipients that were certainly not sent to (their claims
// released, e.g. 429s beyond the client's retries) go back on the queue, up to
// SEND_ATTEMPTS times.
import { SobotError } from 'sobot-channels';
import { broadcastRun, durableClaimStore } from './claim-store.js';

/** Subscribers per page read, and so per send step. */
const PAGE_SIZE = 100;
/** How many times a step's certainly-unsent recipients are tried (each with the client's retries). */
export const SEND_ATTEMPTS = 3;
/** The sends in flight per step. */
const CONCURRENCY = 4;
/** A queue message holds at most 100 steps per sendBatch. */
const SEND_BATCH = 100;

const json = (status, body) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** The fields of a subscriber row a send step needs (queue messages stay small). */
const row = ({ facebookid, sub_status, sub_token }) => ({ facebookid, sub_status, sub_token });

const store = (env, runId) => durableClaimStore(env.SOBOT_CLAIMS, `broadcast:${runId}`);

/** The options of each step's run; `perSecond` bounds one consumer, so the Page sees at most max_concurrency × it. */
function runOptions(env, runId) {
  const perSecond = Number(env.BROADCAST_PER_SECOND) || undefined;
  return { runId, store: store(env, runId), concurrency: CONCURRENCY, perSecond };
}

/** Routes /broadcast requests; `null` for other paths. */
export async function broadcastRequest(request, env, sobot) {
  const { pathname } = new URL(request.url);
  if (pathname !== '/broadcast' && !pathname.startsWith('/broadcast/')) return null;
  if (!env.BROADCAST_TOKEN || request.headers.get('authorization') !== `Bearer ${env.BROADCAST_TOKEN}`) {
    return json(401, { error: 'a broadcast needs Authorization: Bearer <BROADCAST_TOKEN>' });
  }
  if (request.method === 'GET' && pathname.startsWith('/broadcast/')) {
    const runId = decodeURIComponent(pathname.slice('/broadcast/'.length));
    const counts = await broadcastRun(env.SOBOT_CLAIMS, runId).counts();
    return counts ? json(200, { runId, ...counts }) : json(404, { error: `no broadcast run ${runId}` });
  }
  if (request.method !== 'POST') return json(405, { error: 'POST /broadcast or /broadcast/run; GET /broadcast/:runId' });
  let body;
  try {
    body = await request.json();
  } catch {
    return json(400, { error: 'the body must be JSON: {appid, title, message, runId?}' });
  }
  const { runId = crypto.randomUUID(), concurrency, ...topic } = body ?? {};
  try {
    if (pathname === '/broadcast/run') {
      const options = { ...runOptions(env, runId), ...(concurrency ? { concurrency } : {}) };
      return json(200, await sobot.messenger.broadcast(topic, options));
    }
    if (pathname !== '/broadcast') return json(404, { error: 'not found' });
    return json(202, await startQueued(topic, runId, env, sobot));
  } catch (e) {
    if (e instanceof SobotError) return json(e.kind === 'validation' ? 400 : 502, e);
    throw e;
  }
}

/** Checks the message, reads page 1, and enqueues its send step and a list step per further page. */
async function startQueued({ appid, title, message, ...rest }, runId, env, sobot) {
  // A broadcast of no subscribers checks `message` (and any unknown field) and sends nothing.
  await sobot.messenger.broadcast({ subscribers: [], message, ...rest }, { runId });
  const first = await sobot.messenger.querySubUsers({ appid, title, page_no: 1, page_size: PAGE_SIZE });
  const pages = first.page_count ?? 1;
  const subscribers = first.total_count ?? first.items.length;
  await broadcastRun(env.SOBOT_CLAIMS, runId).addCounts({ subscribers });
  const steps = [{ step: 'send', runId, message, subscribers: first.items.map(row), attempt: 1 }];
  for (let pageNo = 2; pageNo <= pages; pageNo++) steps.push({ step: 'list', runId, appid, title, message, pageNo });
  for (let i = 0; i < steps.length; i += SEND_BATCH) {
    await env.BROADCAST_QUEUE.sendBatch(steps.slice(i, i + SEND_BATCH).map((body) => ({ body })));
  }
  return { runId, subscribers, pages };
}

/** The queue consumer: each step in turn; a step that throws is retried by the queue (its claims hold). */
export async function consumeBroadcast(batch, env, sobot) {
  for (const msg of batch.messages) {
    try {
      if (msg.body.step === 'list') await listStep(msg.body, env, sobot);
      else await sendStep(msg.body, env, sobot);
      msg.ack();
    } catch (e) {
      const detail = e instanceof SobotError ? JSON.stringify(e) : String(e?.stack ?? e);
      console.error(`[broadcast] ${msg.body.runId} ${msg.body.step} step failed, retried: ${detail}`);
      msg.retry({ delaySeconds: 1 });
    }
  }
}

async function listStep({ runId, appid, title, message, pageNo }, env, sobot) {
  const page = await sobot.messenger.querySubUsers({ appid, title, page_no: pageNo, page_size: PAGE_SIZE });
  if (page.items.length === 0) return;
  await env.BROADCAST_QUEUE.send({ step: 'send', runId, message, subscribers: page.items.map(row), attempt: 1 });
}

async function sendStep({ runId, message, subscribers, attempt }, env, sobot) {
  const report = await sobot.messenger.broadcast({ subscribers, message }, runOptions(env, runId));
  // Released claims: certainly not sent, so tried again later (by any consumer).
  const again = new Set(report.failures.filter((f) => f.released).map((f) => f.recipient));
  const last = attempt >= SEND_ATTEMPTS;
  const retried = last ? 0 : again.size;
  await broadcastRun(env.SOBOT_CLAIMS, runId).addCounts({
    ...report,
    // A retry's rows were counted by the first attempt.
    total: attempt === 1 ? report.total : 0,
    skipped: attempt === 1 ? report.skipped : 0,
    failed: report.failed - retried,
    retried,
  });
  for (const f of report.failures) {
    if (!f.released || last) console.log(`[broadcast] ${runId} ${f.recipient}: ${f.outcome} (${f.kind}${f.code ? ` ${f.code}` : ''}) ${f.message}`);
  }
  if (retried) {
    const rows = subscribers.filter((s) => again.has(s.facebookid ?? s.sub_token));
    await env.BROADCAST_QUEUE.send({ step: 'send', runId, message, subscribers: rows, attempt: attempt + 1 }, { delaySeconds: 1 });
  }
}
