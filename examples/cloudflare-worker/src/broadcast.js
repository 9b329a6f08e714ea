// Sending to a topic's subscribers from the Worker, two ways (see README):
//
//   POST /broadcast       {appid, title, message, runId?}  Authorization: Bearer BROADCAST_TOKEN
//     reads the first page of subscribers (which checks the topic), checks the message,
//     and enqueues one "send" step per page of subscribers; answers 202 {runId, ...}
//   GET  /broadcast/:run  the counts of the run's latest pass (each POST /broadcast of the
//     run is a pass), summed once per step; `done` once every subscriber listed has an outcome
//   POST /broadcast/run   {appid, title, message, runId?, concurrency?}: the whole run in
//     this request (isolates given the same runId share it); answers the report
//
// Queue steps (BROADCAST_QUEUE, consumed by `queue()`):
//   list {runId, pass, appid, title, message, pageNo}  reads that page, enqueues its send step
//   send {runId, pass, pageNo, attempt, message, subscribers}  messenger.broadcast over them
// Every send step uses the run's Durable Object (./claim-store.js) as its store, so each
// subscriber is claimed once by whichever consumer gets there first: a redelivered or
// retried step never sends to anyone twice, and a send that may have been processed is
// reported, never repeated. Recipients that were certainly not sent to (their claims
// released, e.g. 429s beyond the client's retries) go back on the queue: SEND_ATTEMPTS
// steps in all.
import { SobotError, validateBroadcast } from 'sobot-channels';
import { broadcastRun, durableClaimStore } from './claim-store.js';

/** Subscribers per page read, and so per send step. */
const PAGE_SIZE = 100;
/** How many times a step's certainly-unsent recipients are tried (each with the client's retries). */
export const SEND_ATTEMPTS = 3;
/** The sends in flight per step. */
const CONCURRENCY = 4;
/** sendBatch takes at most 100 messages and 256 KB: a batch is cut before either. */
const BATCH_MESSAGES = 100;
const BATCH_BYTES = 200_000;

const json = (status, body) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** The fields of a subscriber row a send step needs (queue messages stay small). */
const row = ({ facebookid, sub_status, sub_token }) => ({ facebookid, sub_status, sub_token });

/** How a report names a subscriber (as messenger.broadcast does): its facebookid, else its sub_token. */
function recipient({ facebookid, sub_token }) {
  if (typeof facebookid === 'number' || (typeof facebookid === 'string' && facebookid.trim())) return String(facebookid);
  return sub_token;
}

const store = (env, runId) => durableClaimStore(env.SOBOT_CLAIMS, `broadcast:${runId}`);

/** The options of each step's run (`perSecond` from BROADCAST_PER_SECOND). */
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
    const { status, body: answer } = await startQueued(topic, runId, env, sobot);
    return json(status, answer);
  } catch (e) {
    if (e instanceof SobotError) return json(e.kind === 'validation' ? 400 : 502, e);
    throw e;
  }
}

/** Checks the request, reads page 1, and enqueues its send step and a list step per further page. */
async function startQueued({ appid, title, message, ...rest }, runId, env, sobot) {
  const violations = validateBroadcast({ appid, title, message, ...rest });
  if (violations.length) return { status: 400, body: { error: 'the broadcast breaks the API\'s rules: nothing was sent', violations } };
  const first = await sobot.messenger.querySubUsers({ appid, title, page_no: 1, page_size: PAGE_SIZE });
  const pages = first.page_count ?? 1;
  const subscribers = first.total_count ?? first.items.length;
  const pass = await broadcastRun(env.SOBOT_CLAIMS, runId).startPass(subscribers);
  const steps = [{ step: 'send', runId, pass, pageNo: 1, attempt: 1, message, subscribers: first.items.map(row) }];
  for (let pageNo = 2; pageNo <= pages; pageNo++) steps.push({ step: 'list', runId, pass, appid, title, message, pageNo });
  let batch = [];
  let bytes = 0;
  for (const body of steps) {
    const size = JSON.stringify(body).length * 3; // UTF-8 bytes, at most
    if (batch.length && (batch.length === BATCH_MESSAGES || bytes + size > BATCH_BYTES)) {
      await env.BROADCAST_QUEUE.sendBatch(batch);
      batch = [];
      bytes = 0;
    }
    batch.push({ body });
    bytes += size;
  }
  if (batch.length) await env.BROADCAST_QUEUE.sendBatch(batch);
  return { status: 202, body: { runId, pass, subscribers, pages } };
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

async function listStep({ runId, pass, appid, title, message, pageNo }, env, sobot) {
  const page = await sobot.messenger.querySubUsers({ appid, title, page_no: pageNo, page_size: PAGE_SIZE });
  if (page.items.length === 0) return;
  await env.BROADCAST_QUEUE.send({ step: 'send', runId, pass, pageNo, attempt: 1, message, subscribers: page.items.map(row) });
}

async function sendStep({ runId, pass, pageNo, attempt, message, subscribers }, env, sobot) {
  const started = Date.now();
  const options = runOptions(env, runId);
  const report = await sobot.messenger.broadcast({ subscribers, message }, options);
  // perSecond bounds the sends within one step; the step then lasts at least as long as its
  // sends take at that rate, so a consumer averages at most BROADCAST_PER_SECOND.
  const sends = report.sent + report.unknown + report.failed;
  const rest = options.perSecond ? (sends * 1000) / options.perSecond - (Date.now() - started) : 0;
  if (rest > 0) await new Promise((r) => setTimeout(r, rest));
  // Released claims: certainly not sent, so tried again later (by any consumer).
  const again = new Set(report.failures.filter((f) => f.released).map((f) => f.recipient));
  const last = attempt >= SEND_ATTEMPTS;
  const retried = last ? 0 : again.size;
  await broadcastRun(env.SOBOT_CLAIMS, runId).addCounts(pass, `${pageNo}.${attempt}`, {
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
    const rows = subscribers.filter((s) => again.has(recipient(s)));
    const next = { step: 'send', runId, pass, pageNo, attempt: attempt + 1, message, subscribers: rows };
    await env.BROADCAST_QUEUE.send(next, { delaySeconds: 1 });
  }
}
