// `npm run demo`: the package end to end against the local emulator, printing
// what it does. Run after the build (the npm script builds first).
import { startEmulator } from '../tests/emulator/index.mjs';

const { sign, getToken, init, SobotError } = await import('sobot-channels');

const APP_ID = 'demo-app';
const APP_KEY = 'demo-key';
const say = (who, text) => console.log(`${who.padEnd(10)} ${text}`);

const emu = await startEmulator({ apps: [{ appId: APP_ID, appKey: APP_KEY }] });
say('emulator', `Sobot and Graph emulator listening on ${emu.url}`);
try {
  await init();
  const createTime = String(Math.floor(Date.now() / 1000));
  say('sdk', `sign(appid, create_time, app_key) = ${sign(APP_ID, createTime, APP_KEY)}  (md5, the key itself is never sent)`);

  const first = await getToken({ appId: APP_ID, appKey: APP_KEY, baseUrl: emu.url });
  say('sdk', `getToken → token ${mask(first.token)}, expiresIn ${first.expiresIn} s, expiresAt ${new Date(first.expiresAt).toISOString()}`);

  const second = await getToken({ appId: APP_ID, appKey: APP_KEY, baseUrl: emu.url });
  say('sdk', `getToken again → token ${mask(second.token)} (a new one: Sobot invalidates the previous token on every call)`);

  for (const req of emu.admin.requests({ route: 'get_token' })) {
    say('emulator', `received ${req.method} ${req.path}?${new URLSearchParams(req.query).toString().replace(/sign=\w+/, 'sign=…')}`);
  }

  try {
    await getToken({ appId: APP_ID, appKey: '', baseUrl: emu.url });
  } catch (e) {
    say('sdk', `getToken with an empty appKey → ${e instanceof SobotError ? 'SobotError' : 'Error'} kind=${e.kind}: ${e.message} (nothing sent)`);
  }
  try {
    await getToken({ appId: APP_ID, appKey: 'wrong-key', baseUrl: emu.url });
  } catch (e) {
    say('sdk', `getToken with a wrong key → kind=${e.kind} code=${e.code}: ${e.message}`);
  }
  say('demo', `done: ${emu.admin.count('get_token')} get_token requests reached the emulator`);
} finally {
  await emu.close();
}

function mask(token) {
  return `${token.slice(0, 4)}…${token.slice(-4)}`;
}
