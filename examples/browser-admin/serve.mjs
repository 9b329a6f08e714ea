// Serves the admin page on loopback: the page's files, and the package's browser build
// under /pkg/ (index.browser.js and the .wasm it fetches).
//
//   node examples/browser-admin/serve.mjs [--port 8080] [--api http://127.0.0.1:4010]
//
// `--api` only pre-fills the base URL field (as `?api=` in the printed link).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const pkg = dirname(createRequire(import.meta.url).resolve('sobot-channels/package.json'));
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json' };
const PAGE_FILES = new Set(['/index.html', '/app.js', '/style.css']);

/** Starts the server; resolves to `{ url, close() }`. */
export async function serveAdmin({ port = 0, host = '127.0.0.1' } = {}) {
  const server = createServer(async (req, res) => {
    let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path === '/') path = '/index.html';
    let file;
    if (PAGE_FILES.has(path)) file = join(here, path);
    else if (path.startsWith('/pkg/')) {
      const rel = normalize(path.slice('/pkg/'.length));
      if (!rel.startsWith('..') && !rel.includes(`..${sep}`)) file = join(pkg, rel);
    }
    try {
      if (!file || req.method !== 'GET') throw new Error('not found');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((r) => server.listen(port, host, r));
  return { url: `http://${host}:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const s = await serveAdmin({ port: Number(arg('--port') ?? 8080) });
  const api = arg('--api');
  console.log(`admin page: ${s.url}/${api ? `?api=${encodeURIComponent(api)}` : ''}`);
}
