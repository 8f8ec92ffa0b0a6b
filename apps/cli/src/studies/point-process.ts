// One point trained in a process of its own (point-worker.ts), so a crash or a kill costs that
// point alone: what `randwire sweep` (local mode) and `randwire worker` (queue mode) both run.
// The process's stdout and stderr go to the point's worker.log.
import { type ChildProcess, fork } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepPoint } from '@randwire/studies';
import type { BackendPreference } from '@randwire/tfjs';
import type { RunMessage, WorkerMessage } from './point-worker';

/** The point's own log in its run directory. */
export const POINT_LOG = 'worker.log';

export interface PointProcessOptions {
  threads: number;
  backend: BackendPreference;
  /** Step progress of the point (at most every 500 ms). */
  onProgress?: (p: { step: number; totalSteps: number }) => void;
}

export interface PointProcessExit {
  /** Exit code (point-worker's WORKER_EXIT) or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The failure the process reported, or why it could not run. */
  failure: string | null;
  /** The point had finished in its directory before (its result was reused, nothing trained). */
  reused: boolean;
  /** Spawn to exit. */
  seconds: number;
}

export interface PointProcess {
  child: ChildProcess;
  exited: Promise<PointProcessExit>;
  /** Asks the point to stop at its next step (a checkpoint is saved; exit 130). */
  stop(): void;
}

/** How to start a point-worker: the compiled file, or the TypeScript source under tests. */
function workerModule(): { path: string; execArgv: string[] } {
  if (__filename.endsWith('.ts')) {
    return {
      path: join(__dirname, 'point-worker.ts'),
      execArgv: ['-r', join(__dirname, '../test-utils/source-require-hook.js')],
    };
  }
  return { path: join(__dirname, 'point-worker.js'), execArgv: [] };
}

/** Starts training `point` into `dir` in a new process. */
export function forkPoint(point: SweepPoint, dir: string, o: PointProcessOptions): PointProcess {
  const worker = workerModule();
  mkdirSync(dir, { recursive: true });
  const log = openSync(join(dir, POINT_LOG), 'a');
  const spawned = Date.now();
  let child: ChildProcess;
  try {
    child = fork(worker.path, [], { stdio: ['ignore', log, log, 'ipc'], execArgv: worker.execArgv });
  } finally {
    closeSync(log);
  }
  let failure: string | null = null;
  let reused = false;
  child.on('message', (m: WorkerMessage) => {
    if (m.type === 'progress') o.onProgress?.({ step: m.step, totalSteps: m.totalSteps });
    else if (m.type === 'failed') failure = m.message;
    else if (m.type === 'done') reused = m.reused;
  });
  const exited = new Promise<PointProcessExit>((resolve) => {
    child.on('error', (e) => {
      failure ??= `cannot run the worker: ${e.message}`;
    });
    child.on('exit', (code, signal) =>
      resolve({ code, signal, failure, reused, seconds: (Date.now() - spawned) / 1000 }),
    );
  });
  const run: RunMessage = { type: 'run', point, dir, threads: o.threads, backend: o.backend };
  child.send(run);
  return {
    child,
    exited,
    stop: () => {
      if (child.connected) child.send({ type: 'stop' });
    },
  };
}
