// Lock files for a sweep directory and for each point's run directory, so two processes never
// train one point or sweep one directory at once. A lock is a file created exclusively (O_EXCL)
// holding its owner's pid and host; a lock whose owner is gone (a kill -9, a power loss) is
// stale and taken over. Owners on another host cannot be checked and count as alive.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { UserError } from '../cli';

export interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

/** The lock is held by a live process. */
export class LockBusyError extends UserError {
  constructor(
    message: string,
    readonly owner: LockOwner,
  ) {
    super(message);
  }
}

export interface Lock {
  readonly path: string;
  /** Removes the lock file if it is still this process's. */
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return Number.isInteger(o.pid) && typeof o.host === 'string' ? o : null;
  } catch {
    return null; // vanished, or torn by a crash while it was written: stale
  }
}

/** The live owner of the lock at `path`, or null (no lock, or a stale one). */
export function lockHolder(path: string): LockOwner | null {
  const owner = readOwner(path);
  return owner && (owner.host !== hostname() || alive(owner.pid)) ? owner : null;
}

/** Takes the lock at `path` (`what` names the locked thing in the busy message). */
export function acquireLock(path: string, what: string): Lock {
  const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, `${JSON.stringify(me)}\n`);
      } finally {
        closeSync(fd);
      }
      return {
        path,
        release: () => {
          if (readOwner(path)?.pid === me.pid) rmSync(path, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new UserError(`cannot create the lock file ${path}: ${(e as Error).message}`, { cause: e });
      }
    }
    const owner = lockHolder(path);
    if (owner) {
      throw new LockBusyError(
        `${what} is in use by process ${owner.pid} on ${owner.host} since ${owner.since} (lock ${path}): wait for it to finish or stop it`,
        owner,
      );
    }
    rmSync(path, { force: true }); // stale
  }
  throw new UserError(`cannot take the lock ${path}: other processes keep taking it`);
}
