// Runs the points of a sweep directory: one child process per point (point-worker.ts), at most
// `workers` at once, each with `threads` onnxruntime threads; results.jsonl gets a line when a
// point's result.json is in place. On start the results file is reconciled with the points'
// result.json files (a torn last line is dropped, a finished point missing from it is added),
// so after any interruption it holds exactly one line per finished point. Ctrl-C stops
// launching, lets running points save a checkpoint, and exits 130; rerunning continues.
//
// DIR/
//   sweep.json          the plan and its points (id, run directory, θ, seed)
//   sweep.lock          held while a sweep runs here
//   results.jsonl       one line per finished point
//   <point dir>/        an ordinary run directory + point.json, result.json, worker.log,
//                       failed.json (last failure, until the point finishes)
import { type ChildProcess, fork } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PointResult, SweepPlan, SweepPoint } from '@randwire/studies';
import type { BackendPreference } from '@randwire/tfjs';
import type { CommandContext } from '../cli';
import { loadStudies, loadTfjs } from '../lazy-packages';
import { acquireLock } from './lock-file';
import { type RunMessage, WORKER_EXIT, type WorkerMessage } from './point-worker';
import { readPointResult } from './run-point';
import { SweepProgress } from './sweep-progress';

export const SWEEP_FILES = Object.freeze({
  sweep: 'sweep.json',
  lock: 'sweep.lock',
  results: 'results.jsonl',
  log: 'worker.log',
  failed: 'failed.json',
});

export const SWEEP_FORMAT = 'randwire-sweep';

/** sweep.json */
export interface SweepFile {
  format: typeof SWEEP_FORMAT;
  version: 1;
  plan: SweepPlan;
  points: Array<{ id: string; dir: string; theta: SweepPoint['theta']; seed: number }>;
}

export interface SweepRunOptions {
  dir: string;
  plan: SweepPlan;
  points: SweepPoint[];
  workers: number;
  threads: number;
  backend: BackendPreference;
  /** No progress output (the caller prints a JSON summary). */
  quiet: boolean;
  ctx: CommandContext;
}

export interface PointRun {
  id: string;
  dir: string;
  /** Spawn to exit of the point's process (the sweep's clock). */
  processSeconds: number;
  /** The point's own timing of this session (PointResult.timing). */
  trainCallSeconds: number;
  outsideSeconds: number;
  /** Training seconds over all epochs (PointResult.trainSeconds, earlier sessions included). */
  trainSeconds: number;
}

export interface SweepSummary {
  dir: string;
  points: number;
  /** Points with a result (before this run or from it). */
  finished: number;
  /** Points this run trained to the end. */
  ran: PointRun[];
  failed: Array<{ id: string; dir: string; message: string }>;
  interrupted: boolean;
  seconds: number;
  /** Time the sweep process itself spent per launched point (spawning, IPC, bookkeeping). */
  parentSecondsPerPoint: number;
  /** Lines left out of results.jsonl when it was reconciled. */
  repaired: Array<{ line: number; why: string }>;
}

/** How to start a worker: the compiled file, or the TypeScript source under tests. */
function workerModule(): { path: string; execArgv: string[] } {
  if (__filename.endsWith('.ts')) {
    return {
      path: join(__dirname, 'point-worker.ts'),
      execArgv: ['-r', join(__dirname, '../test-utils/source-require-hook.js')],
    };
  }
  return { path: join(__dirname, 'point-worker.js'), execArgv: [] };
}

/** Short names of the points: the θ and training fields that vary among them, and the seed. */
export function pointLabels(points: readonly SweepPoint[]): Map<string, string> {
  const { groupFields, formatValue } = loadStudies();
  const rows = points.map((p) => {
    const fields = groupFields({ theta: p.theta, recipe: p.recipe } as PointResult);
    return { p, fields };
  });
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.fields)))];
  const varying = keys.filter((k) => new Set(rows.map((r) => JSON.stringify(r.fields[k] ?? null))).size > 1);
  return new Map(
    rows.map(({ p, fields }) => [
      p.id,
      [
        ...varying.filter((k) => fields[k] !== undefined).map((k) => `${k}=${formatValue(fields[k])}`),
        `seed ${p.seed}`,
      ].join(' '),
    ]),
  );
}

/** Reconciles results.jsonl with the points' result.json files; returns the finished ids. */
function reconcile(
  dir: string,
  points: readonly SweepPoint[],
): { ids: Set<string>; repaired: SweepSummary['repaired'] } {
  const { appendResult, pointDirName, readResults, writeResults } = loadStudies();
  const path = join(dir, SWEEP_FILES.results);
  const { results, skipped } = readResults(path);
  if (skipped.length > 0) writeResults(path, results);
  const ids = new Set(results.map((r) => r.id));
  for (const p of points) {
    if (ids.has(p.id)) continue;
    const r = readPointResult(join(dir, pointDirName(p)), p.id);
    if (r) {
      appendResult(path, r);
      ids.add(p.id);
    }
  }
  return { ids, repaired: skipped };
}

/** Runs every unfinished point (see the file comment). */
export async function runSweep(o: SweepRunOptions): Promise<SweepSummary> {
  const studies = loadStudies();
  const tfjs = loadTfjs();
  const t0 = Date.now();
  mkdirSync(o.dir, { recursive: true });
  const lock = acquireLock(join(o.dir, SWEEP_FILES.lock), `sweep directory ${o.dir}`);
  let parentMs = 0;
  let launched = 0;
  const timed = <T>(f: () => T): T => {
    const s = process.hrtime.bigint();
    try {
      return f();
    } finally {
      parentMs += Number(process.hrtime.bigint() - s) / 1e6;
    }
  };
  const summary: SweepSummary = {
    dir: o.dir,
    points: o.points.length,
    finished: 0,
    ran: [],
    failed: [],
    interrupted: false,
    seconds: 0,
    parentSecondsPerPoint: 0,
    repaired: [],
  };
  let onSigint: (() => void) | null = null;
  try {
    const sweepFile: SweepFile = {
      format: SWEEP_FORMAT,
      version: 1,
      plan: o.plan,
      points: o.points.map((p) => ({ id: p.id, dir: studies.pointDirName(p), theta: p.theta, seed: p.seed })),
    };
    tfjs.writeJsonFile(join(o.dir, SWEEP_FILES.sweep), sweepFile);
    const { ids: finished, repaired } = reconcile(o.dir, o.points);
    summary.repaired = repaired;
    const resultsPath = join(o.dir, SWEEP_FILES.results);
    const pending = o.points.filter((p) => !finished.has(p.id));
    const labels = pointLabels(o.points);
    const write = o.quiet
      ? () => {}
      : process.stderr.isTTY
        ? (t: string) => process.stderr.write(t)
        : (t: string) => o.ctx.err(t.replace(/\n$/, ''));
    const progress = new SweepProgress(o.points.length, o.points.length - pending.length, {
      write,
      tty: !o.quiet && Boolean(process.stderr.isTTY),
      intervalMs: process.stderr.isTTY ? 1000 : 30_000,
      now: Date.now,
      formatDuration: tfjs.formatDuration,
    });
    if (repaired.length > 0) {
      progress.line(
        `note: ${resultsPath}: left out ${repaired.map((r) => `line ${r.line} (${r.why})`).join(', ')}`,
      );
    }
    progress.line(
      `sweep ${o.dir}: ${o.points.length} points, ${o.points.length - pending.length} finished, ${pending.length} to run on ${Math.min(o.workers, pending.length)} worker(s) × ${o.threads} thread(s)`,
    );

    const worker = workerModule();
    const queue = pending.map((p) => ({ p, notBefore: 0 }));
    const running = new Map<string, ChildProcess>();
    let stopping = false;
    onSigint = () => {
      if (stopping) {
        progress.line('interrupted again: stopping the workers now (their last checkpoints are kept)');
        for (const c of running.values()) c.kill('SIGKILL');
        return;
      }
      stopping = true;
      summary.interrupted = true;
      progress.line(
        'interrupt: running points save a checkpoint at their next step; rerun the same command to continue (Ctrl-C again to stop at once)',
      );
      for (const c of running.values()) c.send({ type: 'stop' });
    };
    process.on('SIGINT', onSigint);

    await new Promise<void>((resolveAll) => {
      let timer: NodeJS.Timeout | null = null;
      const pump = () => {
        if (timer) clearTimeout(timer);
        timer = null;
        while (!stopping && running.size < o.workers) {
          const now = Date.now();
          const i = queue.findIndex((q) => q.notBefore <= now);
          if (i < 0) break;
          const { p } = queue.splice(i, 1)[0]!;
          timed(() => start(p));
        }
        if (running.size === 0 && (stopping || queue.length === 0)) {
          resolveAll();
          return;
        }
        if (!stopping && queue.length > 0 && running.size < o.workers) {
          const wait = Math.max(50, Math.min(...queue.map((q) => q.notBefore)) - Date.now());
          timer = setTimeout(pump, wait);
        }
      };

      const start = (p: SweepPoint) => {
        launched++;
        const pointDir = join(o.dir, studies.pointDirName(p));
        mkdirSync(pointDir, { recursive: true });
        rmSync(join(pointDir, SWEEP_FILES.failed), { force: true });
        const checkpoints = tfjs.listCheckpoints(join(pointDir, tfjs.RUN_FILES.checkpoints));
        const resumeFrom = checkpoints.length ? Number(/step-(\d+)/.exec(checkpoints.at(-1)!)?.[1]) : null;
        const log = openSync(join(pointDir, SWEEP_FILES.log), 'a');
        const spawned = Date.now();
        let child: ChildProcess;
        try {
          child = fork(worker.path, [], { stdio: ['ignore', log, log, 'ipc'], execArgv: worker.execArgv });
        } finally {
          closeSync(log);
        }
        running.set(p.id, child);
        const label = labels.get(p.id)!;
        progress.started(
          p.id,
          `start  ${label}  -> ${studies.pointDirName(p)}${resumeFrom === null ? '' : ` (resuming at step ${resumeFrom})`}`,
        );
        let failure: string | null = null;
        child.on('message', (m: WorkerMessage) => {
          if (m.type === 'progress') progress.progress(p.id, m.step / Math.max(1, m.totalSteps));
          else if (m.type === 'failed') failure = m.message;
        });
        child.on('error', (e) => {
          failure ??= `cannot run the worker: ${e.message}`;
        });
        child.on('exit', (code, signal) => {
          timed(() => {
            running.delete(p.id);
            const processSeconds = (Date.now() - spawned) / 1000;
            if (code === WORKER_EXIT.done) {
              const r = readPointResult(pointDir, p.id);
              if (r) {
                if (!finished.has(p.id)) studies.appendResult(resultsPath, r);
                finished.add(p.id);
                summary.ran.push({
                  id: p.id,
                  dir: r.dir,
                  processSeconds,
                  trainCallSeconds: r.timing.trainCallSeconds,
                  outsideSeconds: r.timing.outsideSeconds,
                  trainSeconds: r.trainSeconds,
                });
                progress.finished(
                  p.id,
                  `done   ${label}  test acc ${studies.percent(r.testAcc)}%  loss ${r.testLoss.toFixed(4)}  ${r.trainSeconds.toFixed(1)} s train, ${r.imagesPerSec.toFixed(0)} img/s on ${r.engine}${r.engine === 'onnxruntime' ? ` ×${r.threads}` : ''}`,
                );
                return;
              }
              failure = 'the worker exited without writing result.json';
            }
            if (code === WORKER_EXIT.busy && !stopping) {
              queue.push({ p, notBefore: Date.now() + 2000 });
              progress.stopped(p.id, `wait   ${label}  another process holds the point; retrying in 2 s`);
              return;
            }
            if (
              code === WORKER_EXIT.interrupted ||
              (stopping && (signal === 'SIGINT' || signal === 'SIGKILL'))
            ) {
              progress.stopped(
                p.id,
                `stop   ${label}  interrupted; it resumes from its checkpoint on the next run`,
              );
              return;
            }
            const message =
              failure ?? `the worker exited with ${signal ? `signal ${signal}` : `code ${code}`}`;
            summary.failed.push({ id: p.id, dir: pointDir, message });
            tfjs.writeJsonFile(join(pointDir, SWEEP_FILES.failed), {
              message,
              code,
              signal,
              at: new Date().toISOString(),
            });
            progress.failedPoint(
              p.id,
              `FAILED ${label}: ${message} (log: ${join(pointDir, SWEEP_FILES.log)})`,
            );
          });
          pump();
        });
        const run: RunMessage = {
          type: 'run',
          point: p,
          dir: pointDir,
          threads: o.threads,
          backend: o.backend,
        };
        child.send(run);
      };
      pump();
    });
    progress.finish();
    summary.finished = o.points.filter((p) => finished.has(p.id)).length;
  } finally {
    if (onSigint) process.off('SIGINT', onSigint);
    lock.release();
  }
  summary.seconds = (Date.now() - t0) / 1000;
  summary.parentSecondsPerPoint = launched > 0 ? parentMs / 1000 / launched : 0;
  return summary;
}
