// `--queue redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]` (or `rediss://` for TLS): the Redis
// server whose BullMQ queue carries a sweep's points (issue 13). Parsed here into ioredis
// options, so every mistake names the option, the value (its password hidden) and the form
// allowed; `connectQueue` checks the server answers before anything is enqueued or taken.
// TLS is ioredis's (node:tls): the server certificate is verified against Node's CAs, to which
// NODE_EXTRA_CA_CERTS=ca.pem adds a private CA.
import { isIP } from 'node:net';
import { UserError } from '../cli';
import { loadIoredis } from '../lazy-packages';

/** The BullMQ queue every sweep's points go through (one per Redis database). */
export const QUEUE_NAME = 'randwire-points';

export const QUEUE_URL_FORM = 'redis://[:PASSWORD@]HOST[:PORT][/DB] or rediss://… (TLS)';

/** How long a connection attempt (TCP, TLS, AUTH) may take before the server counts as
 * unreachable. */
export const CONNECT_TIMEOUT_MS = 5000;

export interface RedisTarget {
  /** The URL with its password replaced by `***` (for messages and logs). */
  shown: string;
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
}

/** The URL with any password hidden. */
export function redactUrl(raw: string): string {
  return raw.replace(/^([a-z]+:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

/** Parses `--queue` (see the file comment). */
export function parseQueueUrl(command: string, raw: string | boolean | string[] | undefined): RedisTarget {
  const text = String(raw ?? '');
  const shown = redactUrl(text);
  const bad = (why: string): never => {
    throw new UserError(`randwire ${command}: invalid --queue '${shown}': ${why}; must be ${QUEUE_URL_FORM}`);
  };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return bad('not a URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    bad(`the scheme is '${url.protocol.replace(/:$/, '')}'`);
  if (url.hostname === '') bad('no host');
  if (url.search !== '' || url.hash !== '') bad('no query or fragment is allowed');
  const port = url.port === '' ? 6379 : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) bad(`port ${url.port} is not 1-65535`);
  const path = url.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d{1,5}$/.test(path)) bad(`the database '/${path}' is not a number`);
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return bad('the user or password is not URL-encoded');
    }
  };
  return {
    shown,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    db: path === '' ? 0 : Number(path),
    ...(url.username === '' ? {} : { username: decode(url.username) }),
    ...(url.password === '' ? {} : { password: decode(url.password) }),
    tls: url.protocol === 'rediss:',
  };
}

/** ioredis options for a BullMQ Queue, QueueEvents or Worker: reconnects forever with a
 * back-off (a Redis restart is waited out), and never gives up a command while reconnecting
 * (BullMQ requires `maxRetriesPerRequest: null` of workers). */
export function redisOptions(t: RedisTarget) {
  return {
    host: t.host,
    port: t.port,
    db: t.db,
    ...(t.username === undefined ? {} : { username: t.username }),
    ...(t.password === undefined ? {} : { password: t.password }),
    // SNI names a host, never an address (RFC 6066)
    ...(t.tls ? { tls: isIP(t.host) ? {} : { servername: t.host } } : {}),
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(250 * times, 5000),
  };
}

/** Checks that the server answers (connection, TLS, password) within CONNECT_TIMEOUT_MS and
 * a UserError naming --queue otherwise (BullMQ checks the Redis version itself). */
export async function checkQueueServer(command: string, t: RedisTarget): Promise<void> {
  const Redis = loadIoredis();
  const client = new Redis({
    ...redisOptions(t),
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    disconnectTimeout: 50, // ioredis 6 keeps a process alive 2 s after disconnect() by default
  });
  let lastError: Error | null = null;
  client.on('error', (e: Error) => {
    lastError = e;
  });
  const fail = (why: string): never => {
    throw new UserError(`randwire ${command}: --queue ${t.shown}: ${why}`);
  };
  try {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)),
        CONNECT_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([client.connect().then(() => client.ping()), timeout]).finally(() =>
        clearTimeout(timer),
      );
    } catch (e) {
      const message = (lastError ?? (e as Error)).message;
      if (/WRONGPASS|NOAUTH|invalid password|invalid username/i.test(message))
        fail(`the server refused the credentials (${message.split('\n')[0]})`);
      fail(
        `cannot connect: ${message.split('\n')[0]} (is redis-server running there${t.tls ? ' with TLS? is its certificate trusted? NODE_EXTRA_CA_CERTS=ca.pem adds a CA' : '?'})`,
      );
    }
  } finally {
    client.disconnect();
  }
}
