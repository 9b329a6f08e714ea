import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start, LINE_APP } from './helpers.mjs';

const MEDIA = '/chat-line/api/line/get_media_content';

test('get_media_content answers the media URL as item; the URL serves the bytes', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  emu.admin.seed({ media: [{ appid: LINE_APP, messageid: '1501597916', url: 'https://sg.sobot.com/chatres/x/msg/1.png' }] });
  const token = await emu.tokenFor();
  const r = await emu.get(`${MEDIA}?appid=${LINE_APP}&messageid=1501597916`, token);
  assert.deepEqual(r.json, { item: 'https://sg.sobot.com/chatres/x/msg/1.png', ret_code: '000000', ret_msg: '操作成功' });

  // media of a LINE image event is registered and served by the emulator itself
  const d = await emu.admin.triggerLine('image');
  const id = d.body.events[0].message.id;
  const m = await emu.get(`${MEDIA}?appid=${LINE_APP}&messageid=${id}`, token);
  assert.equal(m.json.ret_code, '000000');
  assert.ok(m.json.item.startsWith(`${emu.url}/chatres/c72d7e67c0f64d38879747c9cfd68e85/msg/`));
  const bytes = await fetch(m.json.item);
  assert.equal(bytes.status, 200);
  assert.equal(bytes.headers.get('content-type'), 'image/png');
  assert.deepEqual([...new Uint8Array(await bytes.arrayBuffer()).slice(1, 4)], [0x50, 0x4e, 0x47]);

  for (const qs of ['messageid=1501597916', `appid=${LINE_APP}`, 'appid=999&messageid=1501597916', `appid=${LINE_APP}&messageid=404`]) {
    const e = await emu.get(`${MEDIA}?${qs}`, token);
    assert.deepEqual(e.json, { ret_code: '999994', ret_msg: '参数异常,请检查' }, qs);
  }
});

test('unknown paths answer 404 and wrong methods 405', async (t) => {
  const emu = await start();
  t.after(() => emu.close());
  const a = await fetch(`${emu.url}/chat-line/api/line/nothing`);
  assert.equal(a.status, 404);
  const b = await fetch(`${emu.url}/chat-set/api/line/query_task_list`);
  assert.equal(b.status, 405);
  assert.equal(b.headers.get('allow'), 'POST');
});
