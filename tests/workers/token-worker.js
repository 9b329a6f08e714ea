// A worker that imports the package through its `workerd` entry and gets a
// Sobot token from the base URL it is configured with.
import { getToken, sign, init } from 'sobot-channels';

export default {
  async fetch(request, env) {
    await init();
    const url = new URL(request.url);
    if (url.pathname === '/sign') {
      return Response.json({ sign: sign('1', '1569397773', '2') });
    }
    try {
      const token = await getToken({ appId: env.APP_ID, appKey: env.APP_KEY, baseUrl: env.SOBOT_BASE_URL });
      return Response.json({ ok: true, token });
    } catch (e) {
      return Response.json({ ok: false, error: e.toJSON(), isSobotError: e.name === 'SobotError' }, { status: 502 });
    }
  },
};
