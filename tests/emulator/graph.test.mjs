import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start, PAGE, GRAPH_TOKEN } from './helpers.mjs';

const V = '/v19.0';

test('conversations page with opaque cursors; paging.next is an absolute URL with access_token and after', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  emu.admin.generate({ conversations: { count: 60, messagesPerConversation: 3 } });
  const first = await emu.graph(`${V}/${PAGE}/conversations?platform=messenger&access_token=${GRAPH_TOKEN}`);
  assert.equal(first.status, 200);
  assert.equal(first.json.data.length, 25, 'default limit 25');
  assert.deepEqual(Object.keys(first.json.data[0]), ['id', 'updated_time']);
  assert.match(first.json.data[0].updated_time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/);
  const next = new URL(first.json.paging.next);
  assert.equal(next.origin, emu.url);
  assert.equal(next.searchParams.get('access_token'), GRAPH_TOKEN);
  assert.equal(next.searchParams.get('after'), first.json.paging.cursors.after);
  assert.equal(first.json.paging.previous, undefined);
  const ids = [];
  let url = `${V}/${PAGE}/conversations?platform=messenger&limit=7&access_token=${GRAPH_TOKEN}`;
  let pages = 0;
  let lastTime = '9999';
  while (url) {
    const r = await emu.graph(url);
    assert.equal(r.status, 200);
    for (const c of r.json.data) {
      ids.push(c.id);
      assert.ok(c.updated_time <= lastTime);
      lastTime = c.updated_time;
    }
    url = r.json.paging?.next;
    pages++;
  }
  assert.equal(pages, 9);
  assert.equal(new Set(ids).size, 60);
  // before/previous walks back
  const second = await emu.graph(first.json.paging.next);
  const back = await emu.graph(second.json.paging.previous);
  assert.deepEqual(back.json.data, first.json.data);
  // bad cursor, bad limit, bad platform
  for (const qs of ['after=bm9wZQ==', 'limit=0', 'limit=x', 'platform=whatsapp', 'fields=id,nonsense']) {
    const r = await emu.graph(`${V}/${PAGE}/conversations?platform=messenger&${qs}&access_token=${GRAPH_TOKEN}`);
    assert.equal(r.status, 400, qs);
    assert.equal(r.json.error.code, 100, qs);
    assert.equal(r.json.error.type, 'OAuthException', qs);
    assert.ok(r.json.error.fbtrace_id);
  }
  // limit is capped at 100
  assert.equal((await emu.graph(`${V}/${PAGE}/conversations?platform=messenger&limit=500&access_token=${GRAPH_TOKEN}`)).json.data.length, 60);
});

test('user_id finds the conversation with one user; platform instagram is separate', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  emu.admin.seed({
    conversations: [
      { id: 't_1', pageId: PAGE, platform: 'messenger', participants: [{ id: '111', name: 'A' }, { id: PAGE, name: 'Page' }], messages: [{ created_time: '2024-01-01T00:00:00+0000', message: 'hi' }] },
      { id: 't_2', pageId: PAGE, platform: 'messenger', participants: [{ id: '222', name: 'B' }], messages: [{ created_time: '2024-01-02T00:00:00+0000', message: 'yo' }] },
      { id: 'aWdf_1', pageId: PAGE, platform: 'instagram', participants: [{ id: '333', username: 'c' }], messages: [{ created_time: '2024-01-03T00:00:00+0000', message: 'hey' }] },
    ],
  });
  const r = await emu.graph(`${V}/${PAGE}/conversations?platform=messenger&user_id=111&access_token=${GRAPH_TOKEN}`);
  assert.deepEqual(r.json.data, [{ id: 't_1' }]);
  const ig = await emu.graph(`${V}/${PAGE}/conversations?platform=instagram&access_token=${GRAPH_TOKEN}`);
  assert.deepEqual(ig.json.data, [{ id: 'aWdf_1', updated_time: '2024-01-03T00:00:00+0000' }]);
  const f = await emu.graph(`${V}/${PAGE}/conversations?platform=messenger&fields=participants,message_count&access_token=${GRAPH_TOKEN}`);
  assert.deepEqual(f.json.data[0], { participants: { data: [{ id: '222', name: 'B' }] }, message_count: 1 });
  const none = await emu.graph(`${V}/${PAGE}/conversations?platform=messenger&user_id=999&access_token=${GRAPH_TOKEN}`);
  assert.deepEqual(none.json, { data: [] });
});

test('a conversation lists its messages; only the 20 most recent have details', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  emu.admin.generate({ conversations: { count: 1, messagesPerConversation: 45 } });
  const conv = (await emu.graph(`${V}/${PAGE}/conversations?platform=messenger&access_token=${GRAPH_TOKEN}`)).json.data[0].id;
  const r = await emu.graph(`${V}/${conv}?fields=messages&access_token=${GRAPH_TOKEN}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.id, conv);
  assert.equal(r.json.messages.data.length, 25);
  assert.deepEqual(Object.keys(r.json.messages.data[0]), ['id', 'created_time']);
  const ids = r.json.messages.data.map((m) => m.id);
  const rest = await emu.graph(r.json.messages.paging.next);
  assert.equal(rest.json.data.length, 20);
  assert.equal(rest.json.paging.next, undefined);
  ids.push(...rest.json.data.map((m) => m.id));
  assert.equal(new Set(ids).size, 45);
  // messages.limit(N) and the /messages edge
  const lim = await emu.graph(`${V}/${conv}?fields=messages.limit(5)&access_token=${GRAPH_TOKEN}`);
  assert.equal(lim.json.messages.data.length, 5);
  const edge = await emu.graph(`${V}/${conv}/messages?limit=10&access_token=${GRAPH_TOKEN}`);
  assert.deepEqual(edge.json.data.map((m) => m.id), ids.slice(0, 10));

  const fields = 'id,created_time,from,to,message';
  for (let i = 0; i < 20; i++) {
    const m = await emu.graph(`${V}/${ids[i]}?fields=${fields}&access_token=${GRAPH_TOKEN}`);
    assert.equal(m.status, 200, `message ${i}`);
    assert.deepEqual(Object.keys(m.json), ['id', 'created_time', 'from', 'to', 'message']);
    assert.ok(m.json.to.data[0].id);
  }
  const dflt = await emu.graph(`${V}/${ids[0]}?access_token=${GRAPH_TOKEN}`);
  assert.deepEqual(Object.keys(dflt.json), ['id', 'created_time']);
  for (const i of [20, 44]) {
    const m = await emu.graph(`${V}/${ids[i]}?fields=${fields}&access_token=${GRAPH_TOKEN}`);
    assert.equal(m.status, 400);
    assert.equal(m.json.error.code, 100);
    assert.equal(m.json.error.error_subcode, 33);
    assert.equal(m.json.error.type, 'GraphMethodException');
    assert.match(m.json.error.message, /deleted/);
  }
  const bad = await emu.graph(`${V}/${ids[0]}?fields=id,attachmentz&access_token=${GRAPH_TOKEN}`);
  assert.equal(bad.json.error.code, 100);
  assert.match(bad.json.error.message, /nonexisting field \(attachmentz\)/);
});

test('Graph auth errors: missing 104, invalid 190, expired 190/463; unknown ids 100/33', async (t) => {
  const emu = await start({ graphAccessTokens: ['tok-a', 'tok-b'] });
  t.after(() => emu.close());
  const miss = await emu.graph(`${V}/${PAGE}/conversations?platform=messenger`);
  assert.equal(miss.status, 400);
  assert.equal(miss.json.error.code, 104);
  const bad = await emu.graph(`${V}/${PAGE}/conversations?platform=messenger&access_token=nope`);
  assert.equal(bad.status, 400);
  assert.deepEqual(Object.keys(bad.json.error), ['message', 'type', 'code', 'fbtrace_id']);
  assert.equal(bad.json.error.type, 'OAuthException');
  assert.equal(bad.json.error.code, 190);
  assert.match(bad.headers.get('www-authenticate'), /invalid_token/);
  emu.admin.expireGraphToken('tok-a');
  const exp = await emu.graph(`${V}/${PAGE}/conversations?platform=messenger&access_token=tok-a`);
  assert.equal(exp.json.error.code, 190);
  assert.equal(exp.json.error.error_subcode, 463);
  // bearer header works as well
  const r = await fetch(`${emu.url}${V}/${PAGE}/conversations?platform=messenger`, { headers: { authorization: 'Bearer tok-b' } });
  assert.equal(r.status, 200);
  const unknown = await emu.graph(`${V}/12345/conversations?platform=messenger&access_token=tok-b`);
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.error.code, 100);
  assert.equal(unknown.json.error.error_subcode, 33);
  assert.equal(unknown.json.error.type, 'GraphMethodException');
  assert.equal((await emu.graph(`${V}/nothing?access_token=tok-b`)).json.error.error_subcode, 33);
  assert.equal((await emu.graph(`${V}/nothing/messages?access_token=tok-b`)).json.error.error_subcode, 33);
  // the page node itself
  assert.deepEqual((await emu.graph(`${V}/${PAGE}?access_token=tok-b`)).json, { name: 'Sobot Demo Page', id: PAGE });
  assert.equal(emu.admin.count('graph.*'), 8);
  assert.equal(emu.admin.count('graph.conversations'), 5);
});
