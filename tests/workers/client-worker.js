// A worker that uses the clients through the package's `workerd` entry: one
// token store at module scope, shared by the clients of every request of the
// isolate, as a Workers webhook handler would keep it.
import { init, SobotClient, GraphClient } from 'sobot-channels';

const store = {
  value: null,
  get() {
    return store.value;
  },
  set(token, expiresAt) {
    store.value = { token, expiresAt };
  },
};

function sobot(env) {
  return new SobotClient({
    appId: env.APP_ID,
    appKey: env.APP_KEY,
    baseUrl: env.BASE_URL,
    tokenStore: store,
    timeoutMs: 2000,
    retry: { baseDelayMs: 1, maxDelayMs: 50 },
  });
}

const routes = {
  async tasks(env, url) {
    const page = await sobot(env).line.queryTaskList({ page_no: Number(url.searchParams.get('page') ?? 1), page_size: 10 });
    return { page };
  },
  async iterate(env, url) {
    const ids = [];
    for await (const t of sobot(env).line.tasks({ page_size: Number(url.searchParams.get('size') ?? 100) })) ids.push(t.taskid);
    return { ids };
  },
  async send(env, url, request) {
    return { item: await sobot(env).messenger.send(await request.json()) };
  },
  async invalid(env) {
    return { item: await sobot(env).messenger.send({ type: 'text' }) };
  },
  async details(env, url) {
    const graph = new GraphClient({ accessToken: env.GRAPH_TOKEN, baseUrl: env.BASE_URL, retry: { baseDelayMs: 1, maxDelayMs: 50 } });
    const conversations = [];
    for await (const c of graph.conversations({ pageId: env.PAGE_ID, platform: 'messenger', limit: 5 })) conversations.push(c.id);
    const details = [];
    for await (const d of graph.messageDetails(conversations[0])) details.push(d.id);
    return { conversations, details };
  },
  async cancel(env) {
    const controller = new AbortController();
    const seen = [];
    try {
      for await (const t of sobot(env).line.tasks({ page_size: 10 }, { signal: controller.signal })) {
        seen.push(t.taskid);
        if (seen.length === 15) controller.abort(new Error('enough'));
      }
      return { seen: seen.length, rejected: false };
    } catch (e) {
      return { seen: seen.length, rejected: true, reason: String(e && e.message) };
    }
  },
  forget() {
    store.value = null;
    return {};
  },
};

export default {
  async fetch(request, env) {
    await init();
    const url = new URL(request.url);
    const route = routes[url.pathname.slice(1)];
    if (!route) return new Response('not found', { status: 404 });
    try {
      return Response.json({ ok: true, ...(await route(env, url, request)) });
    } catch (e) {
      const error = typeof e?.toJSON === 'function' ? e.toJSON() : { message: String(e) };
      return Response.json({ ok: false, isSobotError: e?.name === 'SobotError', error }, { status: 502 });
    }
  },
};
