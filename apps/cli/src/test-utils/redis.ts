// A real redis-server for tests (Debian's redis-server; never a mock): on a free loopback
// port, its files in a temp directory, stopped by `stop()`. CI installs redis-server: there a
// missing one fails the tests; elsewhere they are skipped with a note (as onnx-checker.test.ts).
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = 'redis-server';

const probe = spawnSync(REDIS_SERVER, ['--version'], { encoding: 'utf8' });
/** redis-server runs here. */
export const redisAvailable = probe.status === 0;
if (!redisAvailable && !process.env['CI']) {
  console.log(`note: ${REDIS_SERVER} (Debian redis-server) is missing: job queue tests skipped`);
}
/** `it`, or `it.skip` outside CI when redis-server is missing. */
export const itWithRedis: jest.It = redisAvailable || process.env['CI'] ? it : it.skip;

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface RedisOptions {
  password?: string;
  /** Serve TLS only (a throwaway self-signed certificate for 127.0.0.1, made with openssl). */
  tls?: boolean;
  /** Append-only file with fsync at every write (persistence across restarts). */
  appendOnly?: boolean;
  /** Reuse a directory (a restart of an earlier server with its data). */
  dir?: string;
  port?: number;
}

export interface TestRedis {
  port: number;
  dir: string;
  /** redis://[:PASS@]127.0.0.1:PORT or rediss://… */
  url: string;
  /** The TLS certificate (its own CA), for NODE_EXTRA_CA_CERTS. */
  cert?: string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s); keeps its directory. */
  stop(): Promise<void>;
  /** Stops it and removes its directory. */
  dispose(): Promise<void>;
}

/** Starts a redis-server and waits until it accepts connections (at most 10 s). */
export async function startRedis(o: RedisOptions = {}): Promise<TestRedis> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'rw-redis-'));
  const port = o.port ?? (await freePort());
  const args = ['--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no'];
  args.push(
    '--appendonly',
    o.appendOnly ? 'yes' : 'no',
    ...(o.appendOnly ? ['--appendfsync', 'always'] : []),
  );
  if (o.password !== undefined) args.push('--requirepass', o.password);
  let cert: string | undefined;
  if (o.tls) {
    cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'],
        ...['-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert],
      ],
      { stdio: 'ignore' },
    );
    args.push('--port', '0', '--tls-port', String(port), '--tls-cert-file', cert, '--tls-key-file', key);
    args.push('--tls-ca-cert-file', cert, '--tls-auth-clients', 'no');
  } else {
    args.push('--port', String(port));
  }
  const child: ChildProcess = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start within 10 s:\n${output}`));
    }, 10_000);
    const onData = (b: Buffer) => {
      output += b.toString();
      if (/Ready to accept connections/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
  const auth = o.password === undefined ? '' : `:${encodeURIComponent(o.password)}@`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return {
    port,
    dir,
    url: `${o.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`,
    ...(cert ? { cert } : {}),
    stop,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
