// `randwire sweep … --queue URL -o DIR`: the sweep's coordinator in queue mode. It prepares DIR
// as the local mode does (sweep.lock, sweep.json, results.jsonl reconciled; studies/
// sweep-runner.ts's SweepSession), enqueues every unfinished point as a BullMQ job whose id is
// the point's id (BullMQ adds nothing for an id it holds: enqueuing twice, from a restarted or
// a second coordinator, runs each point once), then waits: each finished job's result and run
// directory files (job.ts) are written to DIR/<point>/ and its line appended to results.jsonl,
// exactly as a local worker's. Events (QueueEvents) tell it when; a poll every POLL_MS catches
// what events miss (a reconnect, a job finished before it started listening) and re-enqueues a
// job Redis lost (a restart without persistence). A job that failed in an earlier run is
// enqueued again (with this sweep's payload); one that fails now is recorded in
// DIR/<point>/failed.json. Ctrl-C or a kill stops only the coordinator: the workers go on, and
// the same command collects their results later.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepPoint } from '@randwire/studies';
import type { Job, JobsOptions, Queue } from 'bullmq';
import { UserError } from '../cli';
import { loadBullmq } from '../lazy-packages';
import { SWEEP_FILES, type SweepDirOptions, SweepSession, type SweepSummary } from '../studies/sweep-runner';
import { checkQueueServer, QUEUE_NAME, type RedisTarget, redisOptions } from './connection';
import { checkJobResult, makeJob, writeJobResult } from './job';

/** How often the coordinator looks at every unfinished job besides the queue's events. */
export const POLL_MS = 5000;

/** Each job: two attempts (a point that fails on one machine may pass on another), kept after
 * it ends (its return value is the result, and a kept id makes enqueuing again a no-op). */
export const JOB_OPTIONS: Readonly<JobsOptions> = Object.freeze({
  attempts: 2,
  backoff: { type: 'fixed', delay: 5000 },
  removeOnComplete: false,
  removeOnFail: false,
});

export interface QueuedSweepOptions extends SweepDirOptions {
  target: RedisTarget;
}

/** Closes BullMQ objects without waiting forever on a server that went away. */
async function closeAll(things: Array<{ close(): Promise<void> }>): Promise<void> {
  await Promise.race([
    Promise.allSettled(things.map((t) => t.close())),
    new Promise((r) => setTimeout(r, 5000).unref()),
  ]);
}

/** Enqueues and collects the sweep's unfinished points (see the file comment). */
export async function runQueuedSweep(o: QueuedSweepOptions): Promise<SweepSummary> {
  await checkQueueServer('sweep', o.target);
  const { Queue, QueueEvents, Job } = loadBullmq();
  const session = SweepSession.open(o);
  const { progress, summary } = session;
  const connection = redisOptions(o.target);
  const queue = new Queue(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  let lastError = '';
  const onError = (e: Error) => {
    if (e.message === lastError) return;
    lastError = e.message;
    progress.line(`note: queue ${o.target.shown}: ${e.message} (retrying)`);
  };
  queue.on('error', onError);
  events.on('error', onError);
  let completed = false;
  try {
    session.announce(
      `through the queue ${o.target.shown} (${QUEUE_NAME}); workers: randwire worker --queue ${o.target.shown}`,
    );
    const points = new Map(session.pending.map((p) => [p.id, p]));
    const open = new Set(points.keys());
    const started = new Set<string>();
    const busy = new Set<string>();
    let wake = () => {};
    let stopping = false;
    session.onInterrupt(() => {
      stopping = true;
      summary.interrupted = true;
      progress.line(
        'interrupt: the queued points go on on the workers; rerun the same command to collect their results',
      );
      wake();
    });

    const start = (p: SweepPoint, job: Job) => {
      if (started.has(p.id)) return;
      started.add(p.id);
      progress.started(p.id, `start  ${session.label(p)}  on ${job.processedBy ?? 'a worker'}`);
    };

    const collect = (p: SweepPoint, job: Job) => {
      const dir = session.pointDir(p);
      try {
        const r = checkJobResult(job.returnvalue, p);
        mkdirSync(dir, { recursive: true });
        rmSync(join(dir, SWEEP_FILES.failed), { force: true });
        const result = writeJobResult(dir, p, r);
        start(p, job);
        // the job's time on its worker (at least the point's own session: a job that found the
        // point finished on its worker took less)
        const onWorker = job.finishedOn && job.processedOn ? (job.finishedOn - job.processedOn) / 1000 : 0;
        const seconds = Math.max(onWorker, result.timing.wallSeconds);
        session.finishedPoint(
          p,
          result,
          seconds,
          `  on ${r.host}${r.omitted.length ? ` (not sent back: ${r.omitted.join(', ')})` : ''}`,
        );
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        session.failedPoint(p, e.message, { job: p.id }, 'a worker sent a bad result');
      }
    };

    /** Looks at one job and acts on its state. */
    const settle = async (id: string, firstLook = false): Promise<void> => {
      const p = points.get(id);
      if (!p || !open.has(id) || busy.has(id)) return;
      busy.add(id);
      try {
        const job = await Job.fromId(queue, id);
        if (!job) {
          await queue.add('point', makeJob(p), { ...JOB_OPTIONS, jobId: id });
          if (!firstLook)
            progress.line(`note: job ${id} was gone from the queue (Redis lost it?): enqueued again`);
          return;
        }
        const state = await job.getState();
        if (state === 'completed') {
          open.delete(id);
          session.timed(() => collect(p, job));
        } else if (state === 'failed' && firstLook) {
          // failed in an earlier run: enqueued anew with this sweep's own payload
          await job.remove();
          await queue.add('point', makeJob(p), { ...JOB_OPTIONS, jobId: id });
        } else if (state === 'failed') {
          open.delete(id);
          session.timed(() =>
            session.failedPoint(
              p,
              job.failedReason || 'the job failed',
              { job: id, attempts: job.attemptsMade },
              'the worker log has the details',
            ),
          );
        } else if (state === 'active') {
          start(p, job);
        }
      } catch (e) {
        onError(e as Error);
      } finally {
        busy.delete(id);
        if (open.size === 0) wake();
      }
    };

    await events.waitUntilReady();
    events.on('active', ({ jobId }) => void settle(jobId));
    events.on('waiting', ({ jobId }) => {
      // back in the queue after it started: its worker stopped or died (stalled)
      const p = points.get(jobId);
      if (!p || !started.delete(jobId)) return;
      progress.stopped(jobId, `back   ${session.label(p)}  in the queue (its worker stopped or went away)`);
    });
    events.on('completed', ({ jobId }) => void settle(jobId));
    events.on('failed', ({ jobId }) => void settle(jobId));
    events.on('progress', ({ jobId, data }) => {
      const p = data as { step?: number; totalSteps?: number };
      if (open.has(jobId) && typeof p.step === 'number' && typeof p.totalSteps === 'number')
        progress.progress(jobId, p.step / Math.max(1, p.totalSteps));
    });
    const jobs = session.pending.map((p) => ({
      name: 'point',
      data: makeJob(p),
      opts: { ...JOB_OPTIONS, jobId: p.id },
    }));
    for (let i = 0; i < jobs.length; i += 500) await queue.addBulk(jobs.slice(i, i + 500));
    session.launchedSome(jobs.length);
    for (const id of [...open]) await settle(id, true);
    while (open.size > 0 && !stopping) {
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, POLL_MS);
      });
      for (const id of [...open]) {
        if (stopping) break;
        await settle(id);
      }
    }
    completed = !stopping;
  } finally {
    session.close(completed);
    await closeAll([events, queue]);
  }
  return summary;
}

export type QueueJobState =
  | 'waiting'
  | 'active'
  | 'completed'
  | 'failed'
  | 'delayed'
  | 'prioritized'
  | 'waiting-children'
  | 'unknown';

export interface QueueStatus {
  queue: string;
  counts: Record<string, number>;
  workers: Array<{ name: string; addr: string }>;
  /** The states of the given jobs (`--status --queue URL DIR`), 'unknown' when not queued. */
  jobs: Record<string, QueueJobState>;
}

/** The queue's job counts and workers, and the states of the jobs `ids`. */
export async function queueStatus(target: RedisTarget, ids: readonly string[]): Promise<QueueStatus> {
  await checkQueueServer('sweep', target);
  const { Queue } = loadBullmq();
  const queue: Queue = new Queue(QUEUE_NAME, { connection: redisOptions(target) });
  queue.on('error', () => {});
  try {
    const c = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized');
    // a worker's client name is bull:<queue>:w:<its name>, and we name workers host:pid
    const workers = (await queue.getWorkers()).map((w) => ({
      name: String(w['rawname'] ?? '').split(':w:')[1] ?? String(w['name'] ?? ''),
      addr: String(w['addr'] ?? ''),
    }));
    const jobs: Record<string, QueueJobState> = {};
    for (const id of ids) jobs[id] = (await queue.getJobState(id)) as QueueJobState;
    return {
      queue: `${target.shown} (${QUEUE_NAME})`,
      counts: {
        waiting: (c['waiting'] ?? 0) + (c['prioritized'] ?? 0),
        active: c['active'] ?? 0,
        done: c['completed'] ?? 0,
        failed: c['failed'] ?? 0,
        delayed: c['delayed'] ?? 0,
      },
      workers,
      jobs,
    };
  } finally {
    await closeAll([queue]);
  }
}
