// The process that trains one point of a sweep (forked by sweep-runner.ts), so a crash or a
// kill affects that point alone. Its stdout and stderr go to the point's worker.log.
// From the sweep (IPC): { type: 'run', point, dir, threads, backend }, then maybe { type: 'stop' }.
// To the sweep: { type: 'progress', step, totalSteps } (at most every 500 ms), then
// { type: 'done', reused } or { type: 'failed', message }.
// It stops (checkpoint at the next step) on 'stop', on SIGINT (a second SIGINT quits at once)
// and when the sweep goes away (IPC disconnect, e.g. kill -9 of the sweep).
// Exit codes: 0 done, 130 interrupted, 75 the point is locked by another process, 1 failed.
import type { BackendPreference } from '@randwire/tfjs';
import { isUserFacing } from '../user-errors';
import { LockBusyError } from './lock-file';
import { runPoint } from './run-point';

export const WORKER_EXIT = Object.freeze({ done: 0, failed: 1, busy: 75, interrupted: 130 });

export interface RunMessage {
  type: 'run';
  point: unknown;
  dir: string;
  threads: number;
  backend: BackendPreference;
}

export type WorkerMessage =
  | { type: 'progress'; step: number; totalSteps: number }
  | { type: 'done'; reused: boolean }
  | { type: 'failed'; message: string };

const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || !process.send) {
      resolve();
      return;
    }
    process.send(message, undefined, {}, () => resolve());
  });
}

async function work(msg: RunMessage, ac: AbortController): Promise<number> {
  let lastProgress = 0;
  try {
    const outcome = await runPoint(msg.point, msg.dir, {
      threads: msg.threads,
      backend: msg.backend,
      signal: ac.signal,
      log,
      onProgress: (p) => {
        const now = Date.now();
        if (now - lastProgress < 500 && p.step < p.totalSteps) return;
        lastProgress = now;
        void send({ type: 'progress', ...p });
      },
    });
    if (outcome.status === 'interrupted') {
      log(`interrupted at step ${outcome.step}: checkpoint saved`);
      return WORKER_EXIT.interrupted;
    }
    log(`done: test accuracy ${outcome.result.testAcc}${outcome.reused ? ' (already finished)' : ''}`);
    await send({ type: 'done', reused: outcome.reused });
    return WORKER_EXIT.done;
  } catch (e) {
    if (e instanceof LockBusyError) {
      log(e.message);
      return WORKER_EXIT.busy;
    }
    const message = isUserFacing(e) ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
    log(`error: ${message}`);
    await send({ type: 'failed', message: message.split('\n')[0]! });
    return WORKER_EXIT.failed;
  }
}

function main(): void {
  const ac = new AbortController();
  let finished = false;
  // Counted apart from the abort: a terminal's Ctrl-C reaches the sweep's 'stop' and this
  // process's SIGINT both, in either order; only a second SIGINT means "quit now".
  let sigints = 0;
  process.on('SIGINT', () => {
    if (++sigints > 1) process.exit(WORKER_EXIT.interrupted);
    log('SIGINT: saving a checkpoint at the next step');
    ac.abort();
  });
  process.on('disconnect', () => {
    if (finished) return;
    log('the sweep is gone: saving a checkpoint at the next step');
    ac.abort();
  });
  process.on('message', (m: RunMessage | { type: 'stop' }) => {
    if (m.type === 'stop') {
      ac.abort();
      return;
    }
    void work(m, ac).then((code) => {
      finished = true;
      process.exit(code);
    });
  });
}

if (require.main === module) main();
