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
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PointResult, SweepPlan, SweepPoint } from '@randwire/studies';
import type { BackendPreference } from '@randwire/tfjs';
import type { CommandContext } from '../cli';
import { loadStudies, loadTfjs } from '../lazy-packages';
import { acquireLock, type Lock } from './lock-file';
import { forkPoint, POINT_LOG, type PointProcess } from './point-process';
import { WORKER_EXIT } from './point-worker';
import { readPointResult } from './run-point';
import { SweepProgress } from './sweep-progress';

export const SWEEP_FILES = Object.freeze({
  sweep: 'sweep.json',
  lock: 'sweep.lock',
  results: 'results.jsonl',
  log: POINT_LOG,
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

/** A sweep directory and its points (local and queue mode alike). */
export interface SweepDirOptions {
  dir: string;
  plan: SweepPlan;
  points: SweepPoint[];
  /** No progress output (the caller prints a JSON summary). */
  quiet: boolean;
  ctx: CommandContext;
}

export interface SweepRunOptions extends SweepDirOptions {
  workers: number;
  threads: number;
  backend: BackendPreference;
}

export interface PointRun {
  id: string;
  dir: string;
  /** Spawn to exit of the point's process (the sweep's clock; in queue mode the job's time on
   * its worker). */
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

/** A sweep at work in its directory: holds sweep.lock, wrote sweep.json, reconciled
 * results.jsonl, shows the progress, and records each point's outcome (result line or
 * failed.json). Local mode (runSweep) and queue mode (queue/coordinator.ts) both run on it. */
export class SweepSession {
  readonly summary: SweepSummary;
  /** Ids of the finished points. */
  readonly finished: Set<string>;
  /** The points to run, in order. */
  readonly pending: SweepPoint[];
  readonly labels: Map<string, string>;
  readonly progress: SweepProgress;
  readonly resultsPath: string;
  private readonly t0 = Date.now();
  private parentMs = 0;
  private launched = 0;
  private onSigint: (() => void) | null = null;

  private constructor(
    private readonly o: SweepDirOptions,
    private readonly lock: Lock,
  ) {
    const studies = loadStudies();
    const tfjs = loadTfjs();
    this.summary = {
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
    const sweepFile: SweepFile = {
      format: SWEEP_FORMAT,
      version: 1,
      plan: o.plan,
      points: o.points.map((p) => ({ id: p.id, dir: studies.pointDirName(p), theta: p.theta, seed: p.seed })),
    };
    tfjs.writeJsonFile(join(o.dir, SWEEP_FILES.sweep), sweepFile);
    const { ids, repaired } = reconcile(o.dir, o.points);
    this.finished = ids;
    this.summary.repaired = repaired;
    this.resultsPath = join(o.dir, SWEEP_FILES.results);
    this.pending = o.points.filter((p) => !ids.has(p.id));
    this.labels = pointLabels(o.points);
    const write = o.quiet
      ? () => {}
      : process.stderr.isTTY
        ? (t: string) => process.stderr.write(t)
        : (t: string) => o.ctx.err(t.replace(/\n$/, ''));
    this.progress = new SweepProgress(o.points.length, o.points.length - this.pending.length, {
      write,
      tty: !o.quiet && Boolean(process.stderr.isTTY),
      intervalMs: process.stderr.isTTY ? 1000 : 30_000,
      now: Date.now,
      formatDuration: tfjs.formatDuration,
    });
    if (repaired.length > 0) {
      this.progress.line(
        `note: ${this.resultsPath}: left out ${repaired.map((r) => `line ${r.line} (${r.why})`).join(', ')}`,
      );
    }
  }

  /** Takes the sweep directory (sweep.lock) and prepares it; `close()` gives it back. */
  static open(o: SweepDirOptions): SweepSession {
    mkdirSync(o.dir, { recursive: true });
    const lock = acquireLock(join(o.dir, SWEEP_FILES.lock), `sweep directory ${o.dir}`);
    try {
      return new SweepSession(o, lock);
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  /** The first progress line: the sweep, what is finished and how the rest runs (`how`). */
  announce(how: string): void {
    const n = this.o.points.length;
    this.progress.line(
      `sweep ${this.o.dir}: ${n} points, ${n - this.pending.length} finished, ${this.pending.length} to run ${how}`,
    );
  }

  label(p: SweepPoint): string {
    return this.labels.get(p.id)!;
  }

  pointDir(p: SweepPoint): string {
    return join(this.o.dir, loadStudies().pointDirName(p));
  }

  /** Runs `f` on the sweep's own clock (its bookkeeping per point, in the summary). */
  timed<T>(f: () => T): T {
    const s = process.hrtime.bigint();
    try {
      return f();
    } finally {
      this.parentMs += Number(process.hrtime.bigint() - s) / 1e6;
    }
  }

  /** Points were started or enqueued (they count in the bookkeeping time per point). */
  launchedSome(n = 1): void {
    this.launched += n;
  }

  /** A finished point: its results line (once), the summary, the progress line (`where`: e.g.
   * the worker's host). */
  finishedPoint(p: SweepPoint, r: PointResult, processSeconds: number, where = ''): void {
    const studies = loadStudies();
    if (!this.finished.has(p.id)) studies.appendResult(this.resultsPath, r);
    this.finished.add(p.id);
    this.summary.ran.push({
      id: p.id,
      dir: r.dir,
      processSeconds,
      trainCallSeconds: r.timing.trainCallSeconds,
      outsideSeconds: r.timing.outsideSeconds,
      trainSeconds: r.trainSeconds,
    });
    this.progress.finished(
      p.id,
      `done   ${this.label(p)}  test acc ${studies.percent(r.testAcc)}%  loss ${r.testLoss.toFixed(4)}  ${r.trainSeconds.toFixed(1)} s train, ${r.imagesPerSec.toFixed(0)} img/s on ${r.engine}${r.engine === 'onnxruntime' ? ` ×${r.threads}` : ''}${where}`,
    );
  }

  /** A failed point: failed.json in its directory, the summary, the progress line. */
  failedPoint(p: SweepPoint, message: string, details: Record<string, unknown>, logHint: string): void {
    const pointDir = this.pointDir(p);
    mkdirSync(pointDir, { recursive: true });
    this.summary.failed.push({ id: p.id, dir: pointDir, message });
    loadTfjs().writeJsonFile(join(pointDir, SWEEP_FILES.failed), {
      message,
      ...details,
      at: new Date().toISOString(),
    });
    this.progress.failedPoint(p.id, `FAILED ${this.label(p)}: ${message} (${logHint})`);
  }

  /** Ctrl-C handling while the session is open. */
  onInterrupt(handler: () => void): void {
    this.onSigint = handler;
    process.on('SIGINT', handler);
  }

  /** Ends the session: final status line, lock released, summary completed. */
  close(completed: boolean): SweepSummary {
    if (this.onSigint) process.off('SIGINT', this.onSigint);
    this.lock.release();
    if (completed) this.progress.finish();
    this.summary.finished = this.o.points.filter((p) => this.finished.has(p.id)).length;
    this.summary.seconds = (Date.now() - this.t0) / 1000;
    this.summary.parentSecondsPerPoint = this.launched > 0 ? this.parentMs / 1000 / this.launched : 0;
    return this.summary;
  }
}

/** Runs every unfinished point in local worker processes (see the file comment). */
export async function runSweep(o: SweepRunOptions): Promise<SweepSummary> {
  const tfjs = loadTfjs();
  const session = SweepSession.open(o);
  const { progress, summary } = session;
  let completed = false;
  try {
    session.announce(`on ${Math.min(o.workers, session.pending.length)} worker(s) × ${o.threads} thread(s)`);
    const queue = session.pending.map((p) => ({ p, notBefore: 0 }));
    const running = new Map<string, PointProcess>();
    let stopping = false;
    session.onInterrupt(() => {
      if (stopping) {
        progress.line('interrupted again: stopping the workers now (their last checkpoints are kept)');
        for (const r of running.values()) r.child.kill('SIGKILL');
        return;
      }
      stopping = true;
      summary.interrupted = true;
      progress.line(
        'interrupt: running points save a checkpoint at their next step; rerun the same command to continue (Ctrl-C again to stop at once)',
      );
      for (const r of running.values()) r.stop();
    });

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
          session.timed(() => start(p));
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
        session.launchedSome();
        const pointDir = session.pointDir(p);
        mkdirSync(pointDir, { recursive: true });
        rmSync(join(pointDir, SWEEP_FILES.failed), { force: true });
        const checkpoints = tfjs.listCheckpoints(join(pointDir, tfjs.RUN_FILES.checkpoints));
        const resumeFrom = checkpoints.length ? Number(/step-(\d+)/.exec(checkpoints.at(-1)!)?.[1]) : null;
        const label = session.label(p);
        const proc = forkPoint(p, pointDir, {
          threads: o.threads,
          backend: o.backend,
          onProgress: (s) => progress.progress(p.id, s.step / Math.max(1, s.totalSteps)),
        });
        running.set(p.id, proc);
        progress.started(
          p.id,
          `start  ${label}  -> ${loadStudies().pointDirName(p)}${resumeFrom === null ? '' : ` (resuming at step ${resumeFrom})`}`,
        );
        void proc.exited.then(({ code, signal, failure, seconds }) => {
          session.timed(() => {
            running.delete(p.id);
            let why = failure;
            if (code === WORKER_EXIT.done) {
              const r = readPointResult(pointDir, p.id);
              if (r) {
                session.finishedPoint(p, r, seconds);
                return;
              }
              why = 'the worker exited without writing result.json';
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
            const message = why ?? `the worker exited with ${signal ? `signal ${signal}` : `code ${code}`}`;
            session.failedPoint(p, message, { code, signal }, `log: ${join(pointDir, SWEEP_FILES.log)}`);
          });
          pump();
        });
      };
      pump();
    });
    completed = true;
  } finally {
    session.close(completed);
  }
  return summary;
}
