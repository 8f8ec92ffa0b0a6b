// `randwire sweep`: a generator study — a grid over θ × seeds × training options, from flags or
// a plan file, trained point by point into DIR (one ordinary run directory per point, named by
// a hash of its spec and recipe), in parallel worker processes, resumable after any
// interruption; `--status DIR` shows where a sweep stands.
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism, freemem } from 'node:os';
import { join } from 'node:path';
import type { SweepPlan } from '@randwire/studies';
import { BACKEND_OPTION, backendOption } from '../backend';
import { type Command, type CommandContext, numberOption, UserError } from '../cli';
import { DATA_CHOICES } from '../data';
import { ENGINE_OPTION, engineOption } from '../engine';
import { loadStudies, loadTfjs } from '../lazy-packages';
import { parseQueueUrl, QUEUE_URL_FORM, type RedisTarget } from '../queue/connection';
import { queueStatus, runQueuedSweep } from '../queue/coordinator';
import { lockHolder } from '../studies/lock-file';
import { buildPoints, type Where } from '../studies/points';
import { POINT_FILES, readJson, readPointResult } from '../studies/run-point';
import { runSweep, SWEEP_FILES, type SweepFile, type SweepSummary } from '../studies/sweep-runner';
import { readTextArg, table } from './spec-io';
import { HYPER } from './train';

const NAME = 'sweep';

/** `randwire train`'s --engine without its default: given or not, it is a plan flag. */
const { default: _engineDefault, ...ENGINE_FLAG } = ENGINE_OPTION;

/** Memory budget of one worker process: an mnist-small point peaked at 0.67 GB RSS (tfjs-wasm,
 * onnxruntime engine, embedded data); the default worker count keeps within free memory. */
export const WORKER_MEMORY_BYTES = 1e9;

type Range = { integer?: boolean; min?: number; max?: number };

/** θ flags: flag, plan field, number range (strings when absent), repeatable (values hold commas). */
const GENERATOR_FLAGS: Array<[string, string, Range | null, boolean]> = [
  ['preset', 'preset', null, false],
  ['model', 'model', null, false],
  ['k', 'k', { integer: true, min: 2 }, false],
  ['p', 'p', { min: 0, max: 1 }, false],
  ['m', 'm', { integer: true, min: 1 }, false],
  ['nodes', 'nodes', { integer: true, min: 1 }, false],
  ['channels', 'channels', { integer: true, min: 1 }, false],
  ['transform', 'transform', null, false],
  ['stages', 'stages', null, true],
  ['stem', 'stem', null, true],
  ['input', 'input', null, false],
  ['classes', 'classes', { integer: true, min: 1 }, false],
  ['head-channels', 'headChannels', { integer: true, min: 1 }, false],
  ['dropout', 'dropout', { min: 0, max: 0.99 }, false],
];

/** Training flags: `randwire train`'s, without --seed (the point's seed seeds the training). */
const TRAIN_FLAGS = HYPER.filter(([flag]) => flag !== 'seed');
/** Training choices (named values; `randwire train`'s --recipe and --init). */
const TRAIN_CHOICES: Array<[string, string]> = [
  ['recipe', 'recipe'],
  ['init', 'init'],
];
const TRAIN_BOOLEANS: Array<[string, string]> = [
  ['nesterov', 'nesterov'],
  ['augment', 'augment'],
];
const TOP_FLAGS: Array<[string, string]> = [
  ['seeds', 'seeds'],
  ['data', 'data'],
  ['limit', 'limit'],
  ['test-limit', 'testLimit'],
  ['engine', 'engine'],
];
const PLAN_FLAGS = [
  ...GENERATOR_FLAGS.map(([f]) => f),
  ...TRAIN_FLAGS.map(([f]) => f),
  ...TRAIN_CHOICES.map(([f]) => f),
  ...TRAIN_BOOLEANS.map(([f]) => f),
  ...TOP_FLAGS.map(([f]) => f),
];

/** The flag of a plan pointer (/generator/p/1 → --p, /train/batchSize → --batch-size). */
function flagOf(pointer: string): string {
  const [section, field] = pointer.split('/').slice(1);
  const key = section === 'generator' || section === 'train' ? field : section;
  const all: Array<[string, string]> = [
    ...GENERATOR_FLAGS.map(([f, k]) => [f, k] as [string, string]),
    ...TRAIN_FLAGS.map(([f, k]) => [f, k] as [string, string]),
    ...TRAIN_CHOICES,
    ...TRAIN_BOOLEANS,
    ...TOP_FLAGS,
  ];
  const hit = all.find(([, k]) => k === key);
  return hit ? `--${hit[0]}` : 'the flags';
}

type Values = Record<string, string | boolean | string[] | undefined>;

/** The plan the flags describe (each flag a comma-separated list of alternatives). */
export function planFromFlags(values: Values): SweepPlan {
  const list = (flag: string, range: Range | null, repeatable: boolean): unknown => {
    const raw = values[flag];
    if (raw === undefined) return undefined;
    const items = repeatable
      ? (raw as string[])
      : String(raw)
          .split(',')
          .map((s) => s.trim());
    const parsed = range ? items.map((x) => numberOption(NAME, flag, x, range)!) : items;
    return parsed.length === 1 ? parsed[0] : parsed;
  };
  const generator: Record<string, unknown> = {};
  for (const [flag, key, range, repeatable] of GENERATOR_FLAGS) {
    const v = list(flag, range, repeatable);
    if (v !== undefined) generator[key] = v;
  }
  const train: Record<string, unknown> = {};
  for (const [flag, key, range] of TRAIN_FLAGS) {
    const v = list(flag, range, false);
    if (v !== undefined) train[key] = v;
  }
  for (const [flag, key] of TRAIN_CHOICES) {
    const v = list(flag, null, false);
    if (v !== undefined) train[key] = v;
  }
  for (const [flag, key] of TRAIN_BOOLEANS) if (values[flag] === true) train[key] = true;
  const limit = (flag: string) => numberOption(NAME, flag, values[flag], { integer: true, min: 1 });
  const plan: SweepPlan = {
    format: 'randwire-sweep-plan',
    version: 1,
    generator,
    seeds: values['seeds'] === undefined ? [0] : String(values['seeds']),
    train,
  };
  if (values['data'] !== undefined) plan.data = String(values['data']);
  if (values['limit'] !== undefined) plan.limit = limit('limit')!;
  if (values['test-limit'] !== undefined) plan.testLimit = limit('test-limit')!;
  if (values['engine'] !== undefined) plan.engine = engineOption(NAME, values['engine']);
  return plan;
}

/** The plan and how its places are named in messages, from a file or from the flags. */
export function resolvePlan(
  values: Values,
  file: string | undefined,
): { plan: SweepPlan; source: string; where: Where } {
  const { parsePlan, validatePlan } = loadStudies();
  if (file !== undefined) {
    const given = PLAN_FLAGS.filter((f) => values[f] !== undefined && values[f] !== false);
    if (given.length > 0) {
      throw new UserError(
        `randwire ${NAME}: give a plan file or plan flags, not both (--${given[0]} with ${file}); edit the plan instead`,
      );
    }
    return {
      plan: parsePlan(readTextArg(NAME, file), file),
      source: file,
      where: (ptr) => `${file}: ${ptr}`,
    };
  }
  const where: Where = (ptr) => `randwire ${NAME}: ${flagOf(ptr)}`;
  return { plan: flagErrors(() => validatePlan(planFromFlags(values), 'flags')), source: 'flags', where };
}

/** Runs `f`, rewriting a PlanError about the flags' plan ('flags: /generator/p: …') to name
 * the flag ('randwire sweep: --p: …'). */
function flagErrors<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof loadStudies().PlanError)) throw e;
    const m = /^flags: (\S+): (.*)$/s.exec(e.message);
    if (!m) throw e;
    throw new UserError(`randwire ${NAME}: ${m[1] === '/' ? 'the flags' : flagOf(m[1]!)}: ${m[2]}`, {
      cause: e,
    });
  }
}

/** Workers: what the cores and free memory allow, at most one per point. */
export function defaultWorkers(points: number): number {
  const byMemory = Math.max(1, Math.floor(freemem() / WORKER_MEMORY_BYTES));
  return Math.max(1, Math.min(points, availableParallelism(), byMemory));
}

function readSweepFile(dir: string): SweepFile {
  const path = join(dir, SWEEP_FILES.sweep);
  if (!existsSync(path))
    throw new UserError(`randwire ${NAME}: ${path}: no sweep here (run randwire sweep ... -o ${dir} first)`);
  const doc = readJson(path) as SweepFile | undefined;
  if (doc?.format !== 'randwire-sweep') {
    throw new UserError(
      `randwire ${NAME}: ${path}: not a randwire sweep file (format must be 'randwire-sweep')`,
    );
  }
  return doc;
}

interface PointStatus {
  id: string;
  dir: string;
  seed: number;
  state: 'done' | 'running' | 'partial' | 'failed' | 'pending';
  detail: string;
}

/** Where each point of the sweep in `dir` stands. */
export function sweepStatus(dir: string): {
  dir: string;
  points: PointStatus[];
  counts: Record<string, number>;
} {
  const { readResults, percent } = loadStudies();
  const tfjs = loadTfjs();
  const sweep = readSweepFile(dir);
  const done = new Map(readResults(join(dir, SWEEP_FILES.results)).results.map((r) => [r.id, r]));
  const points: PointStatus[] = sweep.points.map((p) => {
    const pdir = join(dir, p.dir);
    const r = done.get(p.id) ?? readPointResult(pdir, p.id);
    const base = { id: p.id, dir: p.dir, seed: p.seed };
    if (r) return { ...base, state: 'done', detail: `test acc ${percent(r.testAcc)}%` };
    const holder = lockHolder(join(pdir, POINT_FILES.lock));
    if (holder) return { ...base, state: 'running', detail: `in process ${holder.pid} on ${holder.host}` };
    if (existsSync(join(pdir, SWEEP_FILES.failed))) {
      return {
        ...base,
        state: 'failed',
        detail: String(readJson(join(pdir, SWEEP_FILES.failed))?.['message'] ?? ''),
      };
    }
    const ckpt = tfjs.listCheckpoints(join(pdir, tfjs.RUN_FILES.checkpoints)).at(-1);
    if (ckpt) {
      const total = (tfjs.readRunConfig<{ totalSteps?: number }>(pdir).totalSteps ?? 0) || '?';
      return {
        ...base,
        state: 'partial',
        detail: `checkpoint at step ${Number(/step-(\d+)/.exec(ckpt)?.[1])}/${total}`,
      };
    }
    return {
      ...base,
      state: 'pending',
      detail: existsSync(pdir) && readdirSync(pdir).length > 0 ? 'started, no checkpoint yet' : '',
    };
  });
  const counts: Record<string, number> = { done: 0, running: 0, partial: 0, failed: 0, pending: 0 };
  for (const p of points) counts[p.state] = (counts[p.state] ?? 0) + 1;
  return { dir, points, counts };
}

/** `--status --queue URL [DIR]`: the queue's counts and workers; with DIR, where each of its
 * points stands (done here, or its job's state). */
async function queuedStatus(target: RedisTarget, dir: string | undefined) {
  const sweep = dir === undefined ? null : readSweepFile(dir);
  const done =
    dir === undefined
      ? new Set<string>()
      : new Set(
          loadStudies()
            .readResults(join(dir, SWEEP_FILES.results))
            .results.map((r) => r.id),
        );
  const pending = sweep ? sweep.points.filter((p) => !done.has(p.id)) : [];
  const q = await queueStatus(
    target,
    pending.map((p) => p.id),
  );
  const points = (sweep?.points ?? []).map((p) => ({
    id: p.id,
    dir: p.dir,
    seed: p.seed,
    state: done.has(p.id) ? 'done' : q.jobs[p.id] === 'unknown' ? 'not queued' : q.jobs[p.id]!,
  }));
  const counts: Record<string, number> = {};
  for (const p of points) counts[p.state] = (counts[p.state] ?? 0) + 1;
  return {
    queue: q.queue,
    counts: q.counts,
    workers: q.workers,
    ...(dir === undefined ? {} : { dir, points, pointCounts: counts }),
  };
}

function printQueuedStatus(ctx: CommandContext, s: Awaited<ReturnType<typeof queuedStatus>>): void {
  if (s.points && s.points.length > 0) {
    ctx.out(
      table(
        ['point', 'seed', 'state'],
        s.points.map((p) => [p.dir, String(p.seed), p.state]),
      ),
    );
    const counts = Object.entries(s.pointCounts!).map(([k, n]) => `${n} ${k}`);
    const note = s.pointCounts!['completed']
      ? ' (completed: finished on a worker, not collected yet: rerun the sweep to collect)'
      : '';
    ctx.out(`\n${s.dir}: ${s.points.length} points: ${counts.join(', ')}${note}`);
  }
  const counts = Object.entries(s.counts).map(([k, n]) => `${n} ${k}`);
  const workers = [...new Set(s.workers.map((w) => w.name))];
  ctx.out(
    `queue ${s.queue}: ${counts.join(', ')}; ${workers.length} worker(s)${workers.length ? `: ${workers.join(', ')}` : ''}`,
  );
}

function printStatus(ctx: CommandContext, s: ReturnType<typeof sweepStatus>): void {
  ctx.out(
    table(
      ['point', 'seed', 'state', 'detail'],
      s.points.map((p) => [p.dir, String(p.seed), p.state, p.detail]),
    ),
  );
  ctx.out(
    `\n${s.dir}: ${s.points.length} points: ${Object.entries(s.counts)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ')}`,
  );
}

/** Mean time per point of this run: its process, tfjs's train() in it, the rest of the process
 * (node start-up, modules, runPoint's own work), and the sweep's bookkeeping. */
function timingStats(s: SweepSummary) {
  if (s.ran.length === 0) return null;
  const mean = (f: (r: SweepSummary['ran'][number]) => number) =>
    s.ran.reduce((a, r) => a + f(r), 0) / s.ran.length;
  const process = mean((r) => r.processSeconds);
  const train = mean((r) => r.trainCallSeconds);
  return {
    processSeconds: process,
    trainCallSeconds: train,
    outsideTrainSeconds: process - train,
    sweepSeconds: s.parentSecondsPerPoint,
  };
}

export const sweepCommand: Command = {
  name: NAME,
  summary: 'Train a grid of networks (θ × seeds × training options) into a resumable sweep directory',
  usage:
    '[plan.json] -o DIR [θ and training flags] [--workers N | --queue URL] | --status DIR | --status --queue URL [DIR]',
  details: `Each flag takes one value or a comma-separated list of alternatives (--stages and --stem:
repeat the flag); the points are their product, crossing k, p and m only with the models they
belong to (WS: k, p; BA: m; ER: p). A plan file (schema and examples in packages/studies/plans)
describes the same and more (several generator entries). The seed of a point seeds both the
network g(θ, s) and its training.
Every point is an ordinary run directory DIR/<spec name>-<hash of spec and recipe> (randwire
eval, export and damage work on it); DIR/results.jsonl gets one line per finished point. Rerun
the same command to continue after Ctrl-C, kill -9 or a power loss: finished points are kept,
interrupted ones resume from their checkpoint. --workers (default: cores and memory allow)
runs points in parallel processes, each with --threads onnxruntime threads (default cores /
workers). --data: ${DATA_CHOICES}.
--queue URL (${QUEUE_URL_FORM}) trains the points on randwire worker processes of any machine
instead: the sweep enqueues them in a BullMQ queue on that Redis server and waits, writing each
result into DIR as the local mode does; Ctrl-C leaves the workers training, and the same command
collects their results later. --status --queue URL shows the queue's waiting, active, done and
failed jobs (and DIR's points with DIR).

Examples:
  randwire sweep --preset mnist-small --model ws,ba,er --seeds 0-2 --epochs 1 -o sweeps/gen
  randwire sweep --preset mnist-small --model ws --k 4 --p 0,0.25,0.5,0.75,1 --seeds 0-2 -o sweeps/p
  randwire sweep --preset mnist-small --transform sep-conv-3x3,conv-3x3,max-pool-conv-1x1,avg-pool-conv-1x1,depthwise-3x3 --seeds 0-2 -o sweeps/ops
  randwire sweep packages/studies/plans/paper-generators-small.json -o sweeps/paper
  randwire sweep --status sweeps/gen
  randwire sweep --preset mnist-small --model ws,ba,er --seeds 0-4 -o sweeps/big --queue redis://127.0.0.1:6390
  randwire sweep --status --queue redis://127.0.0.1:6390 sweeps/big
  randwire report sweeps/gen`,
  options: {
    output: { type: 'string', short: 'o', arg: 'DIR', description: 'sweep directory' },
    status: { type: 'boolean', description: 'show where the sweep in DIR stands (DIR as the argument)' },
    'dry-run': { type: 'boolean', description: 'list the points and their directories, train nothing' },
    preset: { type: 'string', arg: 'LIST', description: 'presets (e.g. mnist-small)' },
    model: { type: 'string', arg: 'LIST', description: 'graph models: ws, ba, er' },
    k: { type: 'string', arg: 'LIST', description: 'WS: ring neighbours (even)' },
    p: { type: 'string', arg: 'LIST', description: 'WS: rewiring probability; ER: edge probability' },
    m: { type: 'string', arg: 'LIST', description: 'BA: edges per added node' },
    nodes: { type: 'string', arg: 'LIST', description: 'N of the preset' },
    channels: { type: 'string', arg: 'LIST', description: 'C of the preset' },
    transform: { type: 'string', arg: 'LIST', description: 'node transforms (the node-operation ablation)' },
    stages: {
      type: 'string',
      multiple: true,
      arg: 'LIST',
      description: 'random stages N:C[:down|same][:model],... (repeat for alternatives)',
    },
    stem: {
      type: 'string',
      multiple: true,
      arg: 'LIST',
      description: 'stem units C[/S],... (repeat for alternatives)',
    },
    input: { type: 'string', arg: 'LIST', description: 'input sizes HxWxC' },
    classes: { type: 'string', arg: 'LIST', description: 'numbers of classes' },
    'head-channels': { type: 'string', arg: 'LIST', description: 'channels of the head’s 1×1 conv' },
    dropout: { type: 'string', arg: 'LIST', description: 'dropout before the classifier' },
    seeds: { type: 'string', arg: 'LIST', description: 'seeds: 0-4, 0,3,7 (default 0)' },
    epochs: { type: 'string', arg: 'LIST', description: 'epochs (default: randwire train’s)' },
    'batch-size': { type: 'string', arg: 'LIST', description: 'batch sizes' },
    recipe: { type: 'string', arg: 'LIST', description: 'training recipes: default, paper' },
    init: { type: 'string', arg: 'LIST', description: 'initial weights: pytorch, he-fan-out' },
    lr: { type: 'string', arg: 'LIST', description: 'initial learning rates' },
    momentum: { type: 'string', arg: 'LIST', description: 'SGD momentum' },
    nesterov: { type: 'boolean', description: 'Nesterov momentum' },
    'weight-decay': { type: 'string', arg: 'LIST', description: 'weight decay on conv/dense kernels' },
    'label-smoothing': { type: 'string', arg: 'LIST', description: 'label smoothing' },
    warmup: { type: 'string', arg: 'LIST', description: 'linear lr warm-up, in epochs' },
    'drop-edge': { type: 'string', arg: 'LIST', description: 'drop-edge probability' },
    augment: { type: 'boolean', description: 'random crop and horizontal flip' },
    'keep-checkpoints': { type: 'string', arg: 'N', description: 'checkpoints kept per point' },
    data: { type: 'string', arg: 'DATA', description: 'training and test data (default: embedded)' },
    limit: { type: 'string', arg: 'N', description: 'train on the first N examples' },
    'test-limit': { type: 'string', arg: 'N', description: 'evaluate on the first N test examples' },
    engine: ENGINE_FLAG,
    queue: {
      type: 'string',
      arg: 'URL',
      description: 'train on randwire worker processes through this Redis server (BullMQ)',
    },
    workers: {
      type: 'string',
      arg: 'N',
      description: 'points trained at once (default: what cores and memory allow)',
    },
    threads: {
      type: 'string',
      arg: 'N',
      description: 'onnxruntime threads per worker (default: cores / workers)',
    },
    backend: BACKEND_OPTION,
    json: { type: 'boolean', description: 'machine-readable summary on stdout (no progress)' },
  },
  positionals: [0, 1],
  async run(values, positionals, ctx) {
    const json = values['json'] === true;
    const target = values['queue'] === undefined ? null : parseQueueUrl(NAME, values['queue']);
    if (values['status'] === true) {
      const dir = positionals[0] ?? (values['output'] as string | undefined);
      if (target) {
        const status = await queuedStatus(target, dir);
        if (json) ctx.out(JSON.stringify(status, null, 2));
        else printQueuedStatus(ctx, status);
        return 0;
      }
      if (dir === undefined)
        throw new UserError(
          `randwire ${NAME}: --status needs the sweep directory: randwire ${NAME} --status DIR`,
        );
      const status = sweepStatus(dir);
      if (json) ctx.out(JSON.stringify(status, null, 2));
      else printStatus(ctx, status);
      return 0;
    }
    const out = values['output'] as string | undefined;
    if (out === undefined) throw new UserError(`randwire ${NAME}: missing -o DIR (the sweep directory)`);
    const { plan, source, where } = resolvePlan(values, positionals[0]);
    const backend = backendOption(NAME, values['backend']);
    const points = flagErrors(() => buildPoints(NAME, plan, source, where));
    const { pointDirName } = loadStudies();
    if (values['dry-run'] === true) {
      if (json) {
        ctx.out(
          JSON.stringify(
            points.map((p) => ({
              id: p.id,
              dir: join(out, pointDirName(p)),
              theta: p.theta,
              seed: p.seed,
              recipe: p.recipe,
            })),
            null,
            2,
          ),
        );
      } else {
        ctx.out(
          table(
            ['point', 'seed', 'θ'],
            points.map((p) => [join(out, pointDirName(p)), String(p.seed), JSON.stringify(p.theta)]),
          ),
        );
        ctx.out(`\n${points.length} point(s); nothing trained (--dry-run)`);
      }
      return 0;
    }
    let summary: SweepSummary;
    if (target) {
      const local = ['workers', 'threads', 'backend'].find(
        (f) => values[f] !== undefined && !(f === 'backend' && values[f] === 'auto'),
      );
      if (local !== undefined)
        throw new UserError(
          `randwire ${NAME}: --${local} is for local training; with --queue give it to each randwire worker`,
        );
      summary = await runQueuedSweep({ dir: out, plan, points, target, quiet: json, ctx });
    } else {
      const workers =
        numberOption(NAME, 'workers', values['workers'], { integer: true, min: 1, max: 256 }) ??
        defaultWorkers(points.length);
      const threads =
        numberOption(NAME, 'threads', values['threads'], { integer: true, min: 1, max: 1024 }) ??
        Math.max(1, Math.floor(availableParallelism() / Math.min(workers, points.length)));
      summary = await runSweep({ dir: out, plan, points, workers, threads, backend, quiet: json, ctx });
    }
    const timing = timingStats(summary);
    if (json) {
      ctx.out(JSON.stringify({ ...summary, results: join(out, SWEEP_FILES.results), timing }, null, 2));
    } else {
      ctx.out(
        `${out}: ${summary.finished}/${summary.points} points finished (${summary.ran.length} this run${summary.failed.length ? `, ${summary.failed.length} failed` : ''}) in ${loadTfjs().formatDuration(summary.seconds)}; results: ${join(out, SWEEP_FILES.results)}` +
          (summary.interrupted ? `\ninterrupted: rerun the same command to continue` : '') +
          (summary.finished > 0 ? `\nreport: randwire report ${out}` : ''),
      );
      if (timing) {
        ctx.out(
          `per point: ${timing.processSeconds.toFixed(1)} s in its process, ${timing.trainCallSeconds.toFixed(1)} s of it training (train(): model, epochs, evaluation, checkpoints), ${timing.outsideTrainSeconds.toFixed(1)} s start-up and set-up; the sweep's own bookkeeping ${(timing.sweepSeconds * 1000).toFixed(1)} ms`,
        );
      }
    }
    return summary.interrupted ? 130 : summary.failed.length > 0 ? 1 : 0;
  },
};
