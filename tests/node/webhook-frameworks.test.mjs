// The handler behind real servers: node:http and Express through
// toNodeListener, Koa and Fastify through the raw request, Hono through its
// Fetch API `Request`, over real HTTP on loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { createWebhookHandler, toNodeListener } from 'sobot-channels';
import { LINE_SECRET, lineBody, lineSignature } from './webhook-handler-helpers.mjs';

function handlerFor(handed) {
  return createWebhookHandler({
    channel: 'line',
    secret: LINE_SECRET,
    maxBodyBytes: 4096,
    onEvents: (events) => handed.push(...events.map((e) => e.eventId)),
  });
}

const listen = (server) =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)));
const close = (server) => new Promise((resolve) => server.close(() => resolve()));

const post = (url, body, headers = {}) =>
  fetch(url, { method: 'POST', body, headers: { 'x-line-signature': lineSignature(body), ...headers } });

/** The same checks against each server: 200 once, a duplicate, 401, 413. */
async function exercise(base, handed) {
  const body = lineBody('F1', 'F2');
  const ok = await post(`${base}/webhook`, body);
  assert.equal(ok.status, 200, await ok.text());
  assert.equal((await post(`${base}/webhook`, body)).status, 200);
  assert.deepEqual(handed, ['F1', 'F2']);
  const bad = await post(`${base}/webhook`, body, { 'x-line-signature': 'wrong' });
  assert.equal(bad.status, 401);
  const big = lineBody(...Array.from({ length: 60 }, (_, i) => `B${i}`));
  const tooBig = await post(`${base}/webhook`, big);
  assert.equal(tooBig.status, 413);
  assert.deepEqual(handed, ['F1', 'F2']);
}

test('node:http', async () => {
  const handed = [];
  const server = createServer(toNodeListener(handlerFor(handed)));
  const base = await listen(server);
  try {
    await exercise(base, handed);
  } finally {
    await close(server);
  }
});

test('node:http: the delivery, a chunked body past the limit, and any Fetch handler', async () => {
  const { request } = await import('node:http');
  let delivery;
  const handler = createWebhookHandler({
    channel: 'line',
    secret: LINE_SECRET,
    maxBodyBytes: 4096,
    onEvents: (events, d) => {
      delivery = d;
    },
  });
  const server = createServer(toNodeListener(handler));
  const base = await listen(server);
  // a handler of the caller's own goes through the Fetch API
  const echo = createServer(toNodeListener(async (req) => new Response(`${req.method} ${await req.text()}`, { status: 202 })));
  const echoBase = await listen(echo);
  try {
    const body = lineBody('D1');
    assert.equal((await post(`${base}/webhook?x=1`, body, { 'x-extra': 'yes' })).status, 200);
    assert.equal(new TextDecoder().decode(delivery.body), body);
    assert.equal(typeof Object.getOwnPropertyDescriptor(delivery, 'request').get, 'function', 'no Request unless read');
    assert.ok(delivery.request instanceof Request);
    assert.equal(delivery.request.url, `${base}/webhook?x=1`);
    assert.equal(delivery.request.headers.get('x-extra'), 'yes');
    assert.equal(await delivery.request.text(), body);
    assert.equal(delivery.request, delivery.request, 'built once');

    // no content-length: the limit is found while reading
    const status = await new Promise((resolve, reject) => {
      const big = lineBody(...Array.from({ length: 60 }, (_, i) => `C${i}`));
      const req = request(`${base}/webhook`, { method: 'POST', headers: { 'x-line-signature': lineSignature(big) } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      for (let i = 0; i < big.length; i += 1000) req.write(big.slice(i, i + 1000));
      req.end();
    });
    assert.equal(status, 413);

    // a handler of the webhook entry, through the whole package's listener, takes the same path
    const { createWebhookHandler: entryHandler } = await import('sobot-channels/webhook');
    let crossed;
    const cross = createServer(toNodeListener(entryHandler({ channel: 'line', secret: LINE_SECRET, onEvents: (e, d) => { crossed = d; } })));
    const crossBase = await listen(cross);
    try {
      assert.equal((await post(`${crossBase}/webhook`, lineBody('X1'))).status, 200);
      assert.equal(typeof Object.getOwnPropertyDescriptor(crossed, 'request').get, 'function');
    } finally {
      await close(cross);
    }

    const r = await fetch(`${echoBase}/`, { method: 'POST', body: 'hi' });
    assert.equal(r.status, 202);
    assert.equal(await r.text(), 'POST hi');
  } finally {
    await close(server);
    await close(echo);
  }
});

test('Express, and a clear refusal after express.json()', async () => {
  const handed = [];
  const errors = [];
  const app = express();
  app.post('/webhook', toNodeListener(handlerFor(handed)));
  app.post('/parsed', express.json(), toNodeListener(handlerFor([])));
  app.post('/raw', express.raw({ type: '*/*' }), toNodeListener(handlerFor(handed)));
  app.use((err, req, res, next) => {
    errors.push(err.message);
    res.status(500).send('refused');
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    await exercise(base, handed);
    const parsed = await post(`${base}/parsed`, lineBody('P1'), { 'content-type': 'application/json' });
    assert.equal(parsed.status, 500);
    assert.match(errors[0], /already read by a body parser/);
    const raw = await post(`${base}/raw`, lineBody('R1'), { 'content-type': 'application/json' });
    assert.equal(raw.status, 200);
    assert.deepEqual(handed.slice(-1), ['R1']);
  } finally {
    await close(server);
  }
});

test('Koa', async () => {
  const handed = [];
  const listener = toNodeListener(handlerFor(handed));
  const app = new Koa();
  app.use(async (ctx) => {
    ctx.respond = false;
    await listener(ctx.req, ctx.res);
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    await exercise(`http://127.0.0.1:${server.address().port}`, handed);
  } finally {
    await close(server);
  }
});

test('Fastify', async () => {
  const handed = [];
  const listener = toNodeListener(handlerFor(handed));
  const app = Fastify();
  // Leave the body unread for the handler, which checks its signature.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => done(null));
  app.post('/webhook', async (request, reply) => {
    reply.hijack();
    await listener(request.raw, reply.raw);
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    await exercise(base, handed);
  } finally {
    await app.close();
  }
});

test('Hono on @hono/node-server', async () => {
  const handed = [];
  const handler = handlerFor(handed);
  const app = new Hono();
  app.all('/webhook', (c) => handler(c.req.raw));
  const server = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  try {
    await exercise(`http://127.0.0.1:${server.address().port}`, handed);
  } finally {
    await close(server);
  }
});
