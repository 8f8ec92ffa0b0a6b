// Sweeps through a real BullMQ queue on a real redis-server (test-utils/redis.ts: a fresh server
// per test on a free loopback port), with the coordinator and the workers as real processes:
// the same results as the local mode, kill -9 of a worker mid-job, a coordinator killed and
// restarted plus a second one enqueuing the same sweep, a Redis restart with persistence,
// malformed and foreign jobs, password and TLS connections, and bad --queue values.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePoint, type SweepPoint } from '@randwire/studies';
import { listCheckpoints, RUN_FILES } from '@randwire/tfjs';
import { Job, Queue } from 'bullmq';
import { parseCommandArgs } from '../cli';
import { resolvePlan, sweepCommand } from '../commands/sweep';
import { buildPoints } from '../studies/points';
import { runCli } from '../test-utils/cli';
import { itWithRedis, startRedis, type TestRedis } from '../test-utils/redis';
import { QUEUE_NAME } from './connection';
import { makeJob } from './job';

const MAIN = join(__dirname, '../main.ts');
const HOOK = join(__dirname, '../test-utils/source-require-hook.js');

/** A sweep of tiny networks (9x9x1, two stages of 5 nodes) on synthetic data. */
const TINY = (seeds: string, epochs: number) => [
  ...['--input', '9x9x1', '--classes', '3', '--stem', '4/1', '--stages', '5:8,5:16', '--head-channels', '16'],
  ...['--model', 'ws', '--seeds', seeds, '--epochs', String(epochs), '--batch-size', '16'],
  ...['--data', 'synthetic', '--limit', '64', '--test-limit', '32'],
];
const WORKER = ['--backend', 'wasm', '--threads', '1', '--stall-seconds', '2'];

interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

let dir: string;
const procs: Proc[] = [];
const servers: TestRedis[] = [];

/** `randwire ARGS` in a process of its own (its own process group: kill -9 takes its children). */
function randwire(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(process.execPath, ['-r', HOOK, MAIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, ...env },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b) => {
    out += b;
  });
  child.stderr!.on('data', (b) => {
    err += b;
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const p = { child, stdout: () => out, stderr: () => err, exited };
  procs.push(p);
  return p;
}

async function redis(o: Parameters<typeof startRedis>[0] = {}): Promise<TestRedis> {
  const r = await startRedis(o);
  servers.push(r);
  return r;
}

async function waitFor(what: string, ok: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits for a process to exit (SIGKILL to its group after `timeoutMs`). */
async function exitOf(p: Proc, timeoutMs: number): Promise<number | null> {
  const timer = setTimeout(() => kill(p, 'SIGKILL'), timeoutMs);
  try {
    return await p.exited;
  } finally {
    clearTimeout(timer);
  }
}

function kill(p: Proc, signal: NodeJS.Signals): void {
  try {
    process.kill(-p.child.pid!, signal);
  } catch {
    // gone already
  }
}

/** A worker, resolved once it waits for jobs. */
async function worker(url: string, workDir: string, extra: string[] = []): Promise<Proc> {
  const w = randwire(['worker', '--queue', url, '-o', workDir, ...WORKER, ...extra]);
  await waitFor(
    'the worker to start',
    () => /waiting for jobs/.test(w.stderr()) || w.child.exitCode !== null,
    60_000,
  );
  expect(w.stderr()).toMatch(/waiting for jobs/);
  return w;
}

/** Stops a worker as an operator would (SIGTERM) and expects a clean exit. */
async function stopWorker(w: Proc): Promise<void> {
  kill(w, 'SIGTERM');
  expect(await exitOf(w, 30_000)).toBe(0);
}

interface ResultLine {
  id: string;
  dir: string;
  testAcc: number;
  testLoss: number;
  [k: string]: unknown;
}

const results = (sweepDir: string): ResultLine[] =>
  existsSync(join(sweepDir, 'results.jsonl'))
    ? readFileSync(join(sweepDir, 'results.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as ResultLine)
    : [];

/** What must not depend on where a point ran (not its timing, threads or finishing time). */
const comparable = (r: ResultLine) => {
  const rest: Record<string, unknown> = { ...r };
  for (const k of ['timing', 'finishedAt', 'trainSeconds', 'evalSeconds', 'imagesPerSec']) delete rest[k];
  return rest;
};

/** The worker's job lines (stdout) by outcome. */
const jobLines = (w: Proc, outcome: string) =>
  w
    .stdout()
    .split('\n')
    .filter((l) => new RegExp(`: ${outcome}\\b`).test(l));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rw-queue-'));
});
afterEach(async () => {
  for (const p of procs.splice(0)) {
    kill(p, 'SIGKILL');
    await p.exited;
  }
  for (const s of servers.splice(0)) await s.dispose();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('randwire sweep --queue and randwire worker', () => {
  itWithRedis(
    'gives the same results.jsonl as the local mode: 4 points, 2 workers without a shared directory',
    async () => {
      const r = await redis({ password: 's3cr:t/pw' }); // a password that needs URL-encoding
      const t0 = Date.now();
      const local = await runCli([
        'sweep',
        ...TINY('0-3', 2),
        ...['--workers', '2', '--threads', '1', '--backend', 'wasm', '-o', join(dir, 'local')],
      ]);
      expect(local.code).toBe(0);
      const localSeconds = (Date.now() - t0) / 1000;
      const t1 = Date.now();
      const a = await worker(r.url, join(dir, 'work-a'));
      const b = await worker(r.url, join(dir, 'work-b'));
      const sweep = randwire(['sweep', ...TINY('0-3', 2), '-o', join(dir, 'queued'), '--queue', r.url]);
      expect(await exitOf(sweep, 180_000)).toBe(0);
      const queueSeconds = (Date.now() - t1) / 1000;
      console.log(
        `4 tiny points: local (2 workers) ${localSeconds.toFixed(1)} s, queue (2 workers) ${queueSeconds.toFixed(1)} s`,
      );
      expect(sweep.stdout()).toMatch(/4\/4 points finished/);
      expect(sweep.stderr()).not.toContain('s3cr');

      const byId = (rs: ResultLine[]) => new Map(rs.map((x) => [x.id, comparable(x)]));
      const l = results(join(dir, 'local'));
      const q = results(join(dir, 'queued'));
      expect(l).toHaveLength(4);
      expect(q).toHaveLength(4);
      expect(byId(q)).toEqual(byId(l));
      // each point trained once, on one of the two workers; its run directory came back
      await Promise.all([stopWorker(a), stopWorker(b)]);
      const done = [...jobLines(a, 'done'), ...jobLines(b, 'done')];
      expect(done).toHaveLength(4);
      for (const x of q) {
        expect(done.filter((line) => line.includes(x.id))).toHaveLength(1);
        for (const f of [
          'result.json',
          'point.json',
          'spec.json',
          'metrics.jsonl',
          'model/model.json',
          'model/weights.bin',
        ])
          expect(existsSync(join(dir, 'queued', x.dir, f))).toBe(true);
        expect(existsSync(join(dir, 'queued', x.dir, 'checkpoints'))).toBe(false);
      }
      // the collected run directory is an ordinary one
      const evaluated = await runCli(['eval', join(dir, 'queued', q[0]!.dir), '--json']);
      expect(evaluated.code).toBe(0);
      expect(JSON.parse(evaluated.stdout).accuracy).toBeCloseTo(q[0]!.testAcc, 6);

      const status = randwire(['sweep', '--status', '--queue', r.url, join(dir, 'queued'), '--json']);
      expect(await exitOf(status, 60_000)).toBe(0);
      const s = JSON.parse(status.stdout()) as {
        counts: Record<string, number>;
        pointCounts: Record<string, number>;
      };
      expect(s.counts).toMatchObject({ waiting: 0, active: 0, done: 4, failed: 0 });
      expect(s.pointCounts).toEqual({ done: 4 });
    },
    300_000,
  );

  itWithRedis(
    'finishes after kill -9 of a worker mid-job: the job goes to the other worker, which resumes it; each point once',
    async () => {
      const r = await redis();
      const work = join(dir, 'work-shared'); // both workers on this machine: a checkpoint can be reached
      const a = await worker(r.url, work);
      const b = await worker(r.url, work);
      const out = join(dir, 'kill');
      const t0 = Date.now();
      const sweep = randwire(['sweep', ...TINY('0-2', 40), '-o', out, '--queue', r.url]);
      // a point with a checkpoint, in training: its lock names the training process, whose
      // process group is its worker's. A checkpoint as the worker sees it (listCheckpoints): the
      // folder alone also holds the temporary file of a checkpoint being written, which a kill
      // -9 leaves without any checkpoint to resume from
      let locked = '';
      let group = 0;
      await waitFor(
        'a point training past its first checkpoint',
        () => {
          for (const d of existsSync(work) ? readdirSync(work) : []) {
            try {
              if (listCheckpoints(join(work, d, RUN_FILES.checkpoints)).length === 0) continue;
              const { pid } = JSON.parse(readFileSync(join(work, d, 'point.lock'), 'utf8')) as {
                pid: number;
              };
              group = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[2]);
              locked = d;
              return true;
            } catch {
              // no checkpoint or no lock yet, or the point just finished
            }
          }
          return false;
        },
        120_000,
      );
      const victim = [a, b].find((w) => w.child.pid === group);
      expect(victim).toBeDefined();
      const survivor = victim === a ? b : a;
      kill(victim!, 'SIGKILL'); // the worker and its training process, like a machine going down
      await victim!.exited;
      const killedAt = Date.now();

      expect(await exitOf(sweep, 240_000)).toBe(0);
      console.log(
        `kill -9 of a worker mid-job: the sweep finished ${((Date.now() - killedAt) / 1000).toFixed(1)} s later (${((Date.now() - t0) / 1000).toFixed(1)} s in all)`,
      );
      const rs = results(out);
      expect(rs).toHaveLength(3);
      expect(new Set(rs.map((x) => x.id)).size).toBe(3);
      await stopWorker(survivor);
      const resumed = jobLines(survivor, 'done').filter((l) => l.includes(locked.slice(-10)));
      expect(resumed).toHaveLength(1);
      expect(resumed[0]).toMatch(/\(resumed from step [1-9]\d*\)/);
      console.log(`the job taken over: ${resumed[0]}`);
      const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: r.port } });
      try {
        expect(await queue.getJobCounts('completed', 'failed', 'waiting', 'active')).toEqual({
          completed: 3,
          failed: 0,
          waiting: 0,
          active: 0,
        });
      } finally {
        await queue.close();
      }
    },
    360_000,
  );

  itWithRedis(
    'runs each point once when the sweep is enqueued twice, by a restarted and a second coordinator; keeps results across a Redis restart',
    async () => {
      let r = await redis({ appendOnly: true });
      const args = (out: string) => ['sweep', ...TINY('0-2', 1), '-o', join(dir, out), '--queue', r.url];
      const queue = () => new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: r.port } });
      const first = randwire(args('twice-1'));
      const q1 = queue();
      await waitFor('3 jobs waiting', async () => (await q1.getJobCounts('waiting')).waiting === 3, 60_000);
      await q1.close();
      kill(first, 'SIGKILL'); // the coordinator dies before any worker came
      await first.exited;
      const again = randwire(args('twice-1')); // restarted on its directory
      const second = randwire(args('twice-2')); // and a second coordinator of the same sweep
      await waitFor(
        'both coordinators waiting',
        () =>
          /to run through the queue/.test(again.stderr()) && /to run through the queue/.test(second.stderr()),
        60_000,
      );
      const w = await worker(r.url, join(dir, 'work-twice'));
      expect(await exitOf(again, 120_000)).toBe(0);
      expect(await exitOf(second, 120_000)).toBe(0);
      const one = results(join(dir, 'twice-1'));
      expect(one).toHaveLength(3);
      expect(new Map(results(join(dir, 'twice-2')).map((x) => [x.id, comparable(x)]))).toEqual(
        new Map(one.map((x) => [x.id, comparable(x)])),
      );
      expect(jobLines(w, 'done')).toHaveLength(3);
      for (const x of one) expect(jobLines(w, 'done').filter((l) => l.includes(x.id))).toHaveLength(1);

      // Redis restarts (append-only file): the finished jobs are still there for a new coordinator
      await stopWorker(w);
      await r.stop();
      r = await redis({ appendOnly: true, dir: r.dir, port: r.port });
      const third = randwire(args('twice-3'));
      expect(await exitOf(third, 120_000)).toBe(0);
      expect(new Set(results(join(dir, 'twice-3')).map((x) => x.id))).toEqual(new Set(one.map((x) => x.id)));
    },
    300_000,
  );

  itWithRedis(
    'rejects malformed, foreign and unsafe jobs with the reason, and goes on serving',
    async () => {
      const r = await redis();
      const w = await worker(r.url, join(dir, 'work-bad'));
      const { values, positionals } = parseCommandArgs(sweepCommand, TINY('7', 1));
      const { plan, source, where } = resolvePlan(values, positionals[0]);
      const [point] = buildPoints('sweep', plan, source, where);
      const good = makeJob(point!);
      /** A point with a changed recipe (and the id that goes with it). */
      const remade = (recipe: Partial<SweepPoint['recipe']>, name = point!.spec.name) =>
        makePoint({ ...point!, spec: { ...point!.spec, name }, recipe: { ...point!.recipe, ...recipe } });
      const cifar = remade({ data: { ...point!.recipe.data, data: 'cifar10=/etc' } });
      const epochs = remade({ train: { ...point!.recipe.train, epochs: -1 } });
      const jobs: Array<[string, unknown, RegExp]> = [
        ['not-a-job', { hello: 'world' }, /\/format: must be "randwire-queue-job"/],
        [
          point!.id,
          { ...good, point: { ...point, spec: { ...point!.spec, name: 'changed' } } },
          /\/point\/id: is \w+, but \(spec, recipe\) hash to \w+: the payload was changed/,
        ],
        [
          'other-version',
          { ...good, randwire: '0.0.1' },
          /made by randwire "0\.0\.1", this worker is randwire \S+: run the same/,
        ],
        [
          'other-schema',
          { ...good, spec: { format: 'randwire-spec', version: 99 } },
          /spec schema .*99.*this worker reads randwire-spec version 1/,
        ],
        [
          cifar.id,
          makeJob(cifar),
          /'cifar10=\/etc' reads a directory this worker does not allow: start it with --allow-data DIR/,
        ],
        [epochs.id, makeJob(epochs), /\/point\/recipe\/train: .*epochs/],
        ['0123456789abcdef', good, /the job id is not its point's id/],
      ];
      const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: r.port } });
      try {
        for (const [id, data] of jobs) await queue.add('point', data, { jobId: id });
        await waitFor(
          'every bad job failed',
          async () => (await queue.getJobCounts('failed')).failed === jobs.length,
          60_000,
        );
        for (const [id, , reason] of jobs) {
          const job = (await Job.fromId(queue, id))!;
          expect(job.failedReason).toMatch(/^rejected by \S+: job "[^"]+": /);
          expect(job.failedReason).toMatch(reason);
          expect(job.attemptsMade).toBe(1);
        }
      } finally {
        await queue.close();
      }
      expect(jobLines(w, 'rejected')).toHaveLength(jobs.length);
      // the worker still serves, and a spec name that looks like a path stays a name
      const evil = remade({}, '../../escaped');
      const q2 = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: r.port } });
      try {
        await q2.add('point', makeJob(evil), { jobId: evil.id });
        await waitFor(
          'the job with a path for a name',
          async () => (await q2.getJobState(evil.id)) === 'completed',
          120_000,
        );
      } finally {
        await q2.close();
      }
      expect(readdirSync(join(dir, 'work-bad'))).toContain(`.._.._escaped-${evil.id.slice(0, 10)}`);
      expect(existsSync(join(dir, 'escaped'))).toBe(false);
      const sweep = randwire(['sweep', ...TINY('7', 1), '-o', join(dir, 'after-bad'), '--queue', r.url]);
      expect(await exitOf(sweep, 120_000)).toBe(0);
      expect(results(join(dir, 'after-bad'))).toHaveLength(1);
      await stopWorker(w);
      expect(jobLines(w, 'done')).toHaveLength(2);
    },
    180_000,
  );

  itWithRedis(
    'connects with a password and over TLS, and refuses a wrong password or an untrusted certificate in one line',
    async () => {
      const tls = await redis({ tls: true, password: 'pw' });
      const status = (url: string, env: NodeJS.ProcessEnv = {}) =>
        randwire(['sweep', '--status', '--queue', url], env);
      const ok = status(tls.url, { NODE_EXTRA_CA_CERTS: tls.cert! });
      expect(await exitOf(ok, 60_000)).toBe(0);
      expect(ok.stdout()).toMatch(
        /^queue rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+ \(randwire-points\): 0 waiting, 0 active, 0 done, 0 failed/m,
      );
      const untrusted = status(tls.url);
      expect(await exitOf(untrusted, 60_000)).toBe(2);
      expect(untrusted.stderr().trim()).toMatch(
        /^error: randwire sweep: --queue rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+: cannot connect: .*(certificate|self.signed)/,
      );
      const wrong = status(tls.url.replace(':pw@', ':nope@'), { NODE_EXTRA_CA_CERTS: tls.cert! });
      expect(await exitOf(wrong, 60_000)).toBe(2);
      expect(wrong.stderr().trim()).toMatch(
        /^error: randwire sweep: --queue rediss:\/\/:\*\*\*@\S+: the server refused the credentials/,
      );
      for (const p of [untrusted, wrong]) expect(p.stderr().trim().split('\n')).toHaveLength(1);
      // a whole sweep over TLS with a password: BullMQ's own connections too
      const ca = { NODE_EXTRA_CA_CERTS: tls.cert! };
      const w = randwire(['worker', '--queue', tls.url, '-o', join(dir, 'work-tls'), ...WORKER], ca);
      const sweep = randwire(['sweep', ...TINY('3', 1), '-o', join(dir, 'tls'), '--queue', tls.url], ca);
      expect(await exitOf(sweep, 120_000)).toBe(0);
      expect(results(join(dir, 'tls'))).toHaveLength(1);
      await stopWorker(w);
      expect(jobLines(w, 'done')).toHaveLength(1);
    },
    120_000,
  );
});

describe('--queue and --concurrency mistakes', () => {
  it.each([
    [
      ['worker', '--queue', 'http://127.0.0.1:6379'],
      /^error: randwire worker: invalid --queue 'http:\/\/127\.0\.0\.1:6379': the scheme is 'http'; must be redis:\/\//,
    ],
    [
      ['worker', '--queue', 'redis://127.0.0.1:99999'],
      /^error: randwire worker: invalid --queue 'redis:\/\/127\.0\.0\.1:99999': /,
    ],
    [
      ['worker', '--queue', 'redis://:hunter2@127.0.0.1/x'],
      /^error: randwire worker: invalid --queue 'redis:\/\/:\*\*\*@127\.0\.0\.1\/x': the database '\/x' is not a number/,
    ],
    [
      ['worker', '--queue', 'redis://127.0.0.1:1'],
      /^error: randwire worker: --queue redis:\/\/127\.0\.0\.1:1: cannot connect: .*ECONNREFUSED/,
    ],
    [
      ['worker', '--queue', 'redis://127.0.0.1:1', '--concurrency', '0'],
      /^error: randwire worker: invalid --concurrency '0': must be an integer >= 1 and <= 64$/,
    ],
    [['worker'], /^error: randwire worker: missing --queue URL/],
    [
      ['sweep', '--status', '--queue', 'redis://:hunter2@127.0.0.1:1'],
      /^error: randwire sweep: --queue redis:\/\/:\*\*\*@127\.0\.0\.1:1: cannot connect/,
    ],
    [
      ['sweep', ...TINY('0', 1), '-o', '/tmp/never', '--queue', 'redis://127.0.0.1:1', '--workers', '2'],
      /^error: randwire sweep: --workers is for local training; with --queue give it to each randwire worker$/,
    ],
  ])('%j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).not.toContain('hunter2');
    expect(r.stdout).toBe('');
  });
});
