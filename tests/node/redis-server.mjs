// Starts Debian's redis-server on loopback for a test (a free port, no
// persistence) and stops it. `node scripts/bootstrap.mjs --test` installs it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';

const BIN = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

/** A port free at the time of asking (redis-server needs an explicit one). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Resolves to `{ url, port, close() }` once the server accepts connections. */
export async function startRedis() {
  if (!existsSync(BIN)) {
    throw new Error(`${BIN} not found: run "node scripts/bootstrap.mjs --test" (installs Debian's redis-server)`);
  }
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      BIN,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise((resolve) => child.once('exit', () => resolve(false)));
    const ready = await Promise.race([exited, probe(port)]);
    // Never outlive the test process, whatever happens to it.
    const reap = () => child.kill('SIGKILL');
    process.once('exit', reap);
    if (ready) {
      return {
        port,
        url: `redis://127.0.0.1:${port}`,
        close: () =>
          new Promise((resolve) => {
            process.off('exit', reap);
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    }
    process.off('exit', reap);
    if (child.exitCode === null) child.kill('SIGKILL');
    // Lost the port to another process between asking and binding: try another.
    if (attempt >= 4) throw new Error(`redis-server did not start:\n${output}`);
  }
}

/** Polls the port until redis answers PING (up to 5 s). */
async function probe(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((resolve) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('error', () => resolve(false));
      sock.once('connect', () => sock.write('PING\r\n'));
      sock.once('data', (d) => {
        sock.destroy();
        resolve(String(d).startsWith('+PONG'));
      });
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
