// `randwire worker`: takes sweep points from the BullMQ queue, trains each in a process of its
// own (studies/point-process.ts, as the local sweep does) under WORKDIR/<spec>-<id>, and sends
// the result and the run directory's final files back as the job's return value.
// - A job is checked before anything runs (job.ts: version, spec schema, payload, data,
//   memory); a refused job fails at once (BullMQ's UnrecoverableError), is logged, and the
//   worker goes on with the next.
// - The training runs in a child process, so this process's event loop keeps renewing the
//   job's lock; if this process dies (kill -9, power loss) the lock expires after
//   --stall-seconds and BullMQ's stalled-job check of any other worker puts the job back in the
//   queue. The worker that takes it resumes from the point's newest checkpoint when its work
//   directory has one (same machine or a shared directory), else trains it from the start.
// - SIGINT / SIGTERM: running points stop at their next step (checkpoint saved) and their jobs
//   go back to the queue at once; a second signal stops at once.
// One line per job on stdout: time, host and pid, point id, spec, seed, outcome, seconds.
import { mkdirSync, realpathSync } from 'node:fs';
import { freemem, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { BackendPreference } from '@randwire/tfjs';
import type { Job } from 'bullmq';
import { type CommandContext, UserError } from '../cli';
import { loadBullmq, loadStudies, loadTfjs } from '../lazy-packages';
import { forkPoint, POINT_LOG, type PointProcess } from '../studies/point-process';
import { WORKER_EXIT } from '../studies/point-worker';
import { readPointResult } from '../studies/run-point';
import { checkQueueServer, QUEUE_NAME, type RedisTarget, redisOptions } from './connection';
import { checkJob, JobRejected, jobResult, jobRunDir, type PointJobResult, RANDWIRE_VERSION } from './job';

/** How long a job waits for a point another process of this machine holds (a worker killed
 * mid-job leaves its training process to stop at its next step). */
export const BUSY_WAIT_MS = 120_000;

export interface WorkerRunOptions {
  target: RedisTarget;
  concurrency: number;
  workDir: string;
  threads: number;
  backend: BackendPreference;
  /** Directories jobs may read data from (`--allow-data`). */
  allowData: string[];
  /** BullMQ lock duration and stalled-job check interval. */
  stallSeconds: number;
  json: boolean;
  ctx: CommandContext;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the worker until SIGINT or SIGTERM; returns the exit code. */
export async function runWorker(o: WorkerRunOptions): Promise<number> {
  const { Worker, UnrecoverableError, WaitingError } = loadBullmq();
  const studies = loadStudies();
  const tfjs = loadTfjs();
  const host = hostname();
  const allowData = o.allowData.map((d) => {
    try {
      return realpathSync(resolve(d));
    } catch {
      throw new UserError(`randwire worker: invalid --allow-data '${d}': no such directory`);
    }
  });
  await checkQueueServer('worker', o.target);
  mkdirSync(o.workDir, { recursive: true });
  const running = new Set<PointProcess>();
  let closing = false;

  const logJob = (job: Job, seconds: number, outcome: string, extra: Record<string, unknown> = {}) => {
    const point = (job.data as { point?: { spec?: { name?: unknown }; seed?: unknown } } | undefined)?.point;
    const fields = {
      time: new Date().toISOString(),
      host,
      pid: process.pid,
      job: job.id,
      spec: typeof point?.spec?.name === 'string' ? point.spec.name : null,
      seed: typeof point?.seed === 'number' ? point.seed : null,
      outcome,
      seconds: Number(seconds.toFixed(1)),
      ...extra,
    };
    o.ctx.out(
      o.json
        ? JSON.stringify(fields)
        : `${fields.time} ${host}[${process.pid}] point ${job.id}${fields.spec ? ` (${fields.spec}, seed ${fields.seed})` : ''}: ${outcome}${extra['detail'] ? ` ${String(extra['detail'])}` : ''} after ${seconds.toFixed(1)} s`,
    );
  };

  const processor = async (job: Job, token?: string): Promise<PointJobResult> => {
    const t0 = Date.now();
    const took = () => (Date.now() - t0) / 1000;
    let point: ReturnType<typeof checkJob>;
    let dir: string;
    try {
      point = checkJob(job.id, job.data, { allowData, availableBytes: freemem });
      dir = jobRunDir(o.workDir, point);
    } catch (e) {
      if (!(e instanceof JobRejected)) throw e;
      logJob(job, took(), 'rejected', { detail: e.message });
      throw new UnrecoverableError(`rejected by ${host}: ${e.message}`);
    }
    for (;;) {
      const checkpoints = tfjs.listCheckpoints(join(dir, tfjs.RUN_FILES.checkpoints));
      const resumedAt = checkpoints.length ? Number(/step-(\d+)/.exec(checkpoints.at(-1)!)?.[1]) : null;
      let lastProgress = 0;
      const proc = forkPoint(point, dir, {
        threads: o.threads,
        backend: o.backend,
        onProgress: (p) => {
          const now = Date.now();
          if (now - lastProgress < 1000 && p.step < p.totalSteps) return;
          lastProgress = now;
          job.updateProgress(p).catch(() => {}); // progress is a display; a lost update is fine
        },
      });
      running.add(proc);
      const exit = await proc.exited;
      running.delete(proc);
      const resumed = exit.reused
        ? ' (finished here before)'
        : resumedAt === null
          ? ''
          : ` (resumed from step ${resumedAt})`;
      if (exit.code === WORKER_EXIT.done) {
        const r = readPointResult(dir, point.id);
        if (r) {
          logJob(job, took(), 'done', {
            detail: `test acc ${studies.percent(r.testAcc)}%${resumed}`,
            testAcc: r.testAcc,
            resumedAt: exit.reused ? null : resumedAt,
            reused: exit.reused,
          });
          return jobResult(dir, r, host);
        }
      }
      if (exit.code === WORKER_EXIT.busy && !closing && Date.now() - t0 < BUSY_WAIT_MS) {
        await sleep(2000);
        continue;
      }
      if (closing && (exit.code === WORKER_EXIT.interrupted || exit.signal !== null)) {
        logJob(job, took(), 'returned', { detail: 'to the queue (the worker is stopping)' });
        await job.moveToWait(token);
        throw new WaitingError();
      }
      const message =
        exit.code === WORKER_EXIT.done
          ? 'the training process exited without writing result.json'
          : (exit.failure ??
            `the training process exited with ${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}`);
      logJob(job, took(), 'failed', { detail: `${message} (log: ${join(dir, POINT_LOG)})` });
      throw new Error(`failed on ${host}: ${message}`);
    }
  };

  const worker = new Worker(QUEUE_NAME, processor, {
    connection: redisOptions(o.target),
    concurrency: o.concurrency,
    lockDuration: o.stallSeconds * 1000,
    stalledInterval: o.stallSeconds * 1000,
    maxStalledCount: 2,
    name: `${host}:${process.pid}`,
    autorun: false,
  });
  let lastError = '';
  worker.on('error', (e: Error) => {
    if (e.message === lastError) return; // a connection error repeats at every retry
    lastError = e.message;
    o.ctx.err(`randwire worker: queue ${o.target.shown}: ${e.message} (retrying)`);
  });
  worker.on('ready', () => {
    if (lastError !== '') o.ctx.err(`randwire worker: queue ${o.target.shown}: connected again`);
    lastError = '';
  });

  let signals = 0;
  const stop = () => {
    if (++signals > 1) {
      for (const p of running) p.child.kill('SIGKILL');
      process.exit(130);
    }
    closing = true;
    o.ctx.err(
      `randwire worker: stopping: ${running.size} running point(s) save a checkpoint and go back to the queue (signal again to stop at once)`,
    );
    for (const p of running) p.stop();
    void worker.close();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    const ran = worker.run();
    await worker.waitUntilReady();
    o.ctx.err(
      `randwire worker ${RANDWIRE_VERSION} on ${host} (pid ${process.pid}): queue ${o.target.shown} (${QUEUE_NAME}), ${o.concurrency} job(s) at once × ${o.threads} thread(s), work directory ${o.workDir}; waiting for jobs`,
    );
    await ran;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
}
