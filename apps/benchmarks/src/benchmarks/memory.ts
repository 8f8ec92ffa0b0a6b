// Peak memory of a training run and leak checks (issue 6, item 3): a fresh Node process
// (memory-child.ts, so earlier benchmarks do not inflate its peak) builds a network, runs a few
// training steps on a synthetic batch and reports its peak RSS (process.resourceUsage().maxRSS),
// with one of two engines:
// - 'tfjs': TrainStepper on a tfjs backend (wasm), tf.memory() after every step and tf.profile's
//   peak bytes of one step; a step that changes tf.memory().numTensors is a leak.
// - 'onnxruntime': @randwire/onnx-train's OnnxTrainStep (initial weights from the tfjs model, built on
//   the given backend and disposed); a leak is RSS growing from after step 2 to after the last
//   step by more than RSS_LEAK's bound (onnxruntime's arena grows during the first runs, then
//   stays flat).
// The timed case then runs leak-checked tfjs steps in this process.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxTrainStep } from '@randwire/onnx-train';
import { generateSpec, type NetworkSpec, type PresetName } from '@randwire/spec';
import { type BackendName, buildModel, modelWeights } from '@randwire/tfjs';
import * as tf from '@tensorflow/tfjs';
import type { Benchmark, BenchmarkCase, BenchmarkContext } from '../harness';
import { DEBIAN_PYTHON, REFERENCE_DIR } from '../python-worker';
import { backendLabel, benchmarkBackends, fixedBatch, specCost, useBackend } from './training-configurations';
import { TrainStepper } from './training-step';

/** Which training step is measured: tfjs's (TrainStepper) or onnxruntime's (OnnxTrainStep). */
export type MemoryEngine = 'tfjs' | 'onnxruntime';

export interface TrainingMemoryOptions {
  preset: PresetName;
  /** Overrides of the preset's N and C (e.g. for a small test). */
  nodes?: number;
  channels?: number;
  batch: number;
  /** Steps measured; one more runs after them (tfjs: under tf.profile). */
  steps: number;
  /** tfjs backend: the 'tfjs' engine trains on it; the 'onnxruntime' engine only builds its
   * initial weights on it (use 'cpu': the wasm heap never shrinks). */
  backend: BackendName;
  /** Default 'tfjs' (results written before the onnxruntime engine existed have none). */
  engine?: MemoryEngine;
  /** onnxruntime intra-op threads (default: OnnxTrainStep's, every core). */
  threads?: number;
}

export const TRAINING_MEMORY_DEFAULTS = Object.freeze({ engine: 'tfjs' as MemoryEngine });

export interface TrainingMemoryResult {
  options: TrainingMemoryOptions;
  /** Resident set size (MiB) after the backend started, before the model was built. */
  rssBeforeMiB: number;
  /** After building the model and optimizer (onnxruntime: after creating the session). */
  rssAfterBuildMiB: number;
  /** RSS at the end of the run. */
  rssEndMiB: number;
  /** Peak RSS of the whole process (MiB; includes Node and the wasm heap, which never shrinks). */
  rssPeakMiB: number;
  /** RSS after each of the steps+1 steps (onnxruntime: after global.gc() when the process runs
   * with --expose-gc, as memory-child does, so uncollected garbage is not read as a leak). */
  rssAfterStepMiB: number[];
  /** tf.memory() after each measured step (tfjs engine; [] for onnxruntime). */
  numTensors: number[];
  numBytes: number[];
  /** tf.profile peak bytes of tensors alive during one step (MiB; null for onnxruntime). */
  stepPeakTensorMiB: number | null;
  /** onnxruntime: RSS growth (MiB) from after step 2 to after the last step, and its bound
   * (rssLeakBoundMiB); null for tfjs or with fewer than 3 steps. */
  rssGrowthMiB: number | null;
  rssLeakBoundMiB: number | null;
  /** tfjs: numTensors or numBytes changed between steps; onnxruntime: rssGrowthMiB > bound. */
  leak: boolean;
}

/** The onnxruntime engine's leak bound: RSS after the last step may exceed RSS after step
 * `fromStep` (1-based; onnxruntime's arena and Node's heaps have grown by then) by at most
 * max(minMiB, fraction × RSS after that step). */
export const RSS_LEAK = Object.freeze({ fromStep: 2, fraction: 0.05, minMiB: 50 });

/** The leak verdict on RSS after each step (MiB), by RSS_LEAK; null with too few steps. */
export function rssLeak(
  rssAfterStepMiB: readonly number[],
): { growthMiB: number; boundMiB: number; leak: boolean } | null {
  const from = rssAfterStepMiB[RSS_LEAK.fromStep - 1];
  const last = rssAfterStepMiB[rssAfterStepMiB.length - 1];
  if (from == null || last == null || rssAfterStepMiB.length <= RSS_LEAK.fromStep) return null;
  const growthMiB = last - from;
  const boundMiB = Math.max(RSS_LEAK.minMiB, RSS_LEAK.fraction * from);
  return { growthMiB, boundMiB, leak: growthMiB > boundMiB };
}

const MiB = 1024 * 1024;
const rss = () => process.memoryUsage().rss / MiB;
const peakRss = () => process.resourceUsage().maxRSS / 1024;

function memorySpec(o: TrainingMemoryOptions): NetworkSpec {
  return generateSpec({
    preset: o.preset,
    seed: 0,
    ...(o.nodes == null ? {} : { nodes: o.nodes }),
    ...(o.channels == null ? {} : { channels: o.channels }),
  });
}

/** Runs the steps in this process and measures (use a fresh process for a clean peak RSS). */
export async function measureTrainingMemory(o: TrainingMemoryOptions): Promise<TrainingMemoryResult> {
  const engine = o.engine ?? TRAINING_MEMORY_DEFAULTS.engine;
  if (engine !== 'tfjs' && engine !== 'onnxruntime')
    throw new Error(`memory: unknown engine '${String(engine)}': must be tfjs or onnxruntime`);
  await useBackend(o.backend);
  const spec = memorySpec(o);
  const data = fixedBatch(spec, o.batch);
  return engine === 'tfjs' ? measureTfjs(o, spec, data) : measureOnnxruntime(o, spec, data);
}

async function measureTfjs(
  o: TrainingMemoryOptions,
  spec: NetworkSpec,
  data: { images: Uint8Array; labels: Uint8Array },
): Promise<TrainingMemoryResult> {
  const rssBeforeMiB = rss();
  const stepper = new TrainStepper(spec, { seed: 0 });
  try {
    const rssAfterBuildMiB = rss();
    const numTensors: number[] = [];
    const numBytes: number[] = [];
    const rssAfterStepMiB: number[] = [];
    for (let i = 0; i < o.steps; i++) {
      stepper.step(data.images, data.labels, o.batch, 0.01);
      const m = tf.memory();
      numTensors.push(m.numTensors);
      numBytes.push(m.numBytes);
      rssAfterStepMiB.push(rss());
    }
    const profile = await tf.profile(() => {
      stepper.step(data.images, data.labels, o.batch, 0.01);
    });
    rssAfterStepMiB.push(rss());
    const leak = numTensors.some((n) => n !== numTensors[0]) || numBytes.some((n) => n !== numBytes[0]);
    return {
      options: o,
      rssBeforeMiB,
      rssAfterBuildMiB,
      rssEndMiB: rss(),
      rssPeakMiB: peakRss(),
      rssAfterStepMiB,
      numTensors,
      numBytes,
      stepPeakTensorMiB: profile.peakBytes / MiB,
      rssGrowthMiB: null,
      rssLeakBoundMiB: null,
      leak,
    };
  } finally {
    stepper.dispose();
  }
}

async function measureOnnxruntime(
  o: TrainingMemoryOptions,
  spec: NetworkSpec,
  data: { images: Uint8Array; labels: Uint8Array },
): Promise<TrainingMemoryResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const settled = () => {
    gc?.();
    return rss();
  };
  const rssBeforeMiB = settled();
  const model = buildModel(spec, { seed: 0 });
  let weights: ReturnType<typeof modelWeights>;
  try {
    weights = modelWeights(model, spec);
  } finally {
    model.dispose();
  }
  const step = await OnnxTrainStep.create(
    spec,
    weights,
    o.threads == null ? {} : { threads: o.threads },
    o.batch,
  );
  try {
    const rssAfterBuildMiB = settled();
    const rssAfterStepMiB: number[] = [];
    for (let i = 0; i <= o.steps; i++) {
      await step.run(data.images, data.labels, o.batch, 0.01);
      rssAfterStepMiB.push(settled());
    }
    const verdict = rssLeak(rssAfterStepMiB);
    return {
      options: o,
      rssBeforeMiB,
      rssAfterBuildMiB,
      rssEndMiB: rss(),
      rssPeakMiB: peakRss(),
      rssAfterStepMiB,
      numTensors: [],
      numBytes: [],
      stepPeakTensorMiB: null,
      rssGrowthMiB: verdict?.growthMiB ?? null,
      rssLeakBoundMiB: verdict?.boundMiB ?? null,
      leak: verdict?.leak ?? false,
    };
  } finally {
    await step.dispose();
  }
}

/** The child script next to this file (present in dist/, not when running from src/). */
export const MEMORY_CHILD = join(__dirname, 'memory-child.js');

/** Runs measureTrainingMemory in a fresh Node process (memory-child.js). */
export function measureTrainingMemoryInChild(o: TrainingMemoryOptions): Promise<TrainingMemoryResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', MEMORY_CHILD, JSON.stringify(o)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      err = (err + c).slice(0, 20_000);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as TrainingMemoryResult);
      else {
        const why =
          err.split('\n').find((l) => l.startsWith('memory-child: ')) ?? err.trim().split('\n').pop();
        reject(new Error(`memory-child exited (${code}): ${why?.replace(/^memory-child: /, '') ?? ''}`));
      }
    });
  });
}

export interface TorchMemoryResult {
  /** e.g. `1.13.1`. */
  torch: string;
  batch: number;
  /** Training steps run (the worker's warm-up step included). */
  steps: number;
  threads: number;
  /** ru_maxrss of the Python process (MiB; includes Python and torch's libraries). */
  rssPeakMiB: number;
}

/** Runs reference/torch_randwire.py's worker (the training benchmark's reference) in a fresh
 * Python process: loads `spec` with `threads` threads, runs one warm-up and `steps` training
 * steps at `batch`, and reports the process's peak RSS. Rejects when Python or torch is
 * missing. */
export function measureTorchTrainingMemory(
  spec: NetworkSpec,
  batch: number,
  steps: number,
  threads = 2,
): Promise<TorchMemoryResult> {
  if (!existsSync(DEBIAN_PYTHON)) return Promise.reject(new Error(`memory: ${DEBIAN_PYTHON} not found`));
  const wrapper = [
    'import atexit, json, resource, runpy, sys',
    'script = sys.argv[1]',
    'sys.argv = [script]',
    'atexit.register(lambda: print(json.dumps({"maxRSSKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}), flush=True))',
    'runpy.run_path(script, run_name="__main__")',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn(DEBIAN_PYTHON, ['-u', '-c', wrapper, join(REFERENCE_DIR, 'torch_randwire.py')], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' },
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      err = (err + c).slice(-4000);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const answers = out
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const failed = answers.find((a) => typeof a['error'] === 'string');
      const [info, , run, last] = answers;
      if (code !== 0 || failed || info == null || run == null || typeof last?.['maxRSSKiB'] !== 'number') {
        const why = failed?.['error'] ?? err.trim().split('\n').pop() ?? `exit code ${code}`;
        reject(new Error(`memory: the PyTorch reference failed: ${String(why)}`));
        return;
      }
      resolve({
        torch: String(info['torch']),
        batch,
        steps: 1 + (run['steps'] as number),
        threads,
        rssPeakMiB: (last['maxRSSKiB'] as number) / 1024,
      });
    });
    const requests = [
      { op: 'info' },
      { op: 'load', key: 'memory', spec, threads },
      { op: 'run', key: 'memory', mode: 'train', batch, seconds: 0, min_ops: steps },
    ];
    child.stdin.end(requests.map((r) => `${JSON.stringify(r)}\n`).join(''));
  });
}

/** onnxruntime intra-op threads of the memory runs (this machine's 2 cores). */
export const MEMORY_ORT_THREADS = 2;
/** Measured steps of the full onnxruntime runs (11 steps run: a long enough RSS leak check). */
export const MEMORY_ORT_STEPS = 10;
/** Timed training steps of the PyTorch runs (after the worker's warm-up step). */
export const MEMORY_TORCH_STEPS = 3;

const stepperList: TrainStepper[] = [];
const notes = [
  'Peak RSS: a fresh Node process (memory-child.js) runs steps+1 training steps on a synthetic batch and reports process.resourceUsage().maxRSS; it includes Node itself (~60-100 MiB) and, for wasm, the wasm heap (grows, never shrinks).',
  'wasm rows (tfjs engine, TrainStepper): numTensors/numBytes = tf.memory() after each step; leak = any change between steps. stepPeakTensorMiB: tf.profile peak bytes of one step (activations + gradients + weights + optimizer state).',
  `onnxruntime rows (@randwire/onnx-train OnnxTrainStep, the engine of \`randwire train --engine onnxruntime\`, ${MEMORY_ORT_THREADS} intra-op threads): initial weights from buildModel(spec, { seed: 0 }) on tfjs's cpu backend (then disposed), one session compiled for the batch, steps+1 steps. Leak check: RSS read after global.gc() (the child runs with --expose-gc) after step ${RSS_LEAK.fromStep} vs after the last step may grow by at most max(${RSS_LEAK.minMiB} MiB, ${RSS_LEAK.fraction * 100}% of RSS after step ${RSS_LEAK.fromStep}) (onnxruntime's arena grows during the first runs, then stays flat); more fails the benchmark. Enforced in fresh processes only.`,
  `PyTorch rows (full runs with references): reference/torch_randwire.py's worker (the training benchmark's reference, same spec) in a fresh Python process, ${MEMORY_ORT_THREADS} threads, one warm-up and ${MEMORY_TORCH_STEPS} training steps; peak = ru_maxrss.`,
  'The timed case runs steps at the smallest wasm batch in this process and throws if a step changes tf.memory().numTensors.',
];

/** Notes added by setup (measurements) go after these. */
const BASE_NOTES = notes.length;

/** One measured run of the benchmark: a label (which configuration and engine) and its options. */
export interface MemoryRun {
  label: string;
  options: TrainingMemoryOptions;
}

/** The runs of the memory benchmark. Full: configuration B on the tfjs `backend` at batch 64,
 * 32 and 16 (only 16 without a child process), then the onnxruntime engine on A at batch 64 and
 * B at 64 and 32. Quick: a small A-template network (N = 8, C = 16) at batch 8 on each engine. */
export function memoryRuns(quick: boolean, child: boolean, backend: BackendName): MemoryRun[] {
  const ort = {
    steps: MEMORY_ORT_STEPS,
    backend: 'cpu' as BackendName,
    engine: 'onnxruntime' as const,
    threads: MEMORY_ORT_THREADS,
  };
  if (quick) {
    const tiny = { preset: 'mnist-small' as PresetName, nodes: 8, channels: 16, batch: 8 };
    return [
      { label: 'tiny A-template (N=8, C=16), wasm', options: { ...tiny, steps: 3, backend, engine: 'tfjs' } },
      { label: 'tiny A-template (N=8, C=16), onnxruntime', options: { ...tiny, ...ort, steps: 3 } },
    ];
  }
  // Fresh processes from the largest batch down: batch 64 of configuration B does not fit
  // wasm32's 4 GiB heap, and the failure is part of the result.
  const wasm: MemoryRun[] = (child ? [64, 32, 16] : [16]).map((batch) => ({
    label: `B, ${backend}`,
    options: { preset: 'cifar-small', batch, steps: 3, backend, engine: 'tfjs' },
  }));
  return [
    ...wasm,
    { label: 'A, onnxruntime', options: { preset: 'mnist-small', batch: 64, ...ort } },
    { label: 'B, onnxruntime', options: { preset: 'cifar-small', batch: 64, ...ort } },
    { label: 'B, onnxruntime', options: { preset: 'cifar-small', batch: 32, ...ort } },
  ];
}

function mib(x: number): string {
  return `${x.toFixed(0)} MiB`;
}

function describeRun(run: MemoryRun, child: boolean): string {
  const o = run.options;
  const engine = o.engine ?? TRAINING_MEMORY_DEFAULTS.engine;
  const how = engine === 'tfjs' ? `on ${o.backend}` : `on onnxruntime, ${o.threads ?? 'all'} threads`;
  return `${run.label}: ${o.preset}${o.nodes == null ? '' : ` N=${o.nodes} C=${o.channels}`} batch ${o.batch}, ${o.steps + 1} steps ${how}${child ? ' (fresh process)' : ' (in this process: run from dist for a clean peak)'}`;
}

function describeResult(r: TrainingMemoryResult, child: boolean): string {
  const head = `peak RSS ${mib(r.rssPeakMiB)} (before build ${mib(r.rssBeforeMiB)}, after build ${mib(r.rssAfterBuildMiB)}, end ${mib(r.rssEndMiB)})`;
  if ((r.options.engine ?? TRAINING_MEMORY_DEFAULTS.engine) === 'tfjs')
    return `${head}; tensors after each step ${r.numTensors.join(', ')}; tf.memory ${mib(r.numBytes[0]! / MiB)} between steps; step peak ${mib(r.stepPeakTensorMiB ?? 0)}; leak: ${r.leak ? 'YES' : 'no'}`;
  const steps = r.rssAfterStepMiB.map((x) => x.toFixed(0)).join(', ');
  const growth =
    r.rssGrowthMiB == null
      ? 'too few steps for the leak check'
      : `growth after step ${RSS_LEAK.fromStep} ${r.rssGrowthMiB >= 0 ? '+' : ''}${r.rssGrowthMiB.toFixed(1)} MiB (bound ${mib(r.rssLeakBoundMiB ?? 0)}); leak: ${r.leak ? 'YES' : 'no'}${child ? '' : ' (not enforced in this process)'}`;
  return `${head}; RSS after each step ${steps} MiB; ${growth}`;
}

const LEAK = /^memory: .*leak/;

export const memory: Benchmark = {
  name: 'memory',
  description:
    'Peak RSS of training runs in fresh processes: configuration B on wasm (batch 64/32/16, with tf.memory()) and A/B on the onnxruntime engine (batch 64, B also 32); tensor- and RSS-leak checks.',
  notes,
  async setup(ctx: BenchmarkContext): Promise<BenchmarkCase[]> {
    notes.length = BASE_NOTES;
    const backend: BackendName = benchmarkBackends().find((b) => b !== 'cpu') ?? 'cpu';
    const child = existsSync(MEMORY_CHILD);
    const runs: Array<{ run: MemoryRun; error?: string; result?: TrainingMemoryResult }> = [];
    for (const run of memoryRuns(ctx.quick, child, backend)) {
      const o = run.options;
      const tfjs = (o.engine ?? TRAINING_MEMORY_DEFAULTS.engine) === 'tfjs';
      const where = describeRun(run, child);
      try {
        const r = child ? await measureTrainingMemoryInChild(o) : await measureTrainingMemory(o);
        runs.push({ run, result: r });
        const line = `${where}: ${describeResult(r, child)}`;
        notes.push(line);
        ctx.log(`memory: ${line}`);
        if (r.leak && tfjs)
          throw new Error(`memory: tensors leak across training steps: ${r.numTensors.join(', ')}`);
        if (r.leak && child)
          throw new Error(
            `memory: onnxruntime training leaks: RSS grew by ${r.rssGrowthMiB?.toFixed(1)} MiB after step ${RSS_LEAK.fromStep} (bound ${r.rssLeakBoundMiB?.toFixed(1)} MiB): ${r.rssAfterStepMiB.map((x) => x.toFixed(0)).join(', ')} MiB`,
          );
      } catch (e) {
        if (!child || LEAK.test((e as Error).message)) throw e;
        const line = `${where}: FAILED: ${(e as Error).message}`;
        runs.push({ run, error: (e as Error).message });
        notes.push(line);
        ctx.log(`memory: ${line}`);
      }
    }
    // PyTorch's peak for the onnxruntime rows' configurations (full runs with references).
    const pytorch: Array<Record<string, unknown>> = [];
    if (ctx.reference && !ctx.quick) {
      for (const run of memoryRuns(false, child, backend).filter((r) => r.options.engine === 'onnxruntime')) {
        const where = `${run.label.replace('onnxruntime', 'PyTorch')}: ${run.options.preset} batch ${run.options.batch}`;
        try {
          const t = await measureTorchTrainingMemory(
            memorySpec(run.options),
            run.options.batch,
            MEMORY_TORCH_STEPS,
            MEMORY_ORT_THREADS,
          );
          pytorch.push({
            label: run.label.replace('onnxruntime', 'pytorch'),
            preset: run.options.preset,
            ...t,
          });
          const line = `${where}, ${t.steps} steps on PyTorch ${t.torch}, ${t.threads} threads (fresh Python process): peak RSS ${mib(t.rssPeakMiB)} (ru_maxrss, includes Python and torch)`;
          notes.push(line);
          ctx.log(`memory: ${line}`);
        } catch (e) {
          const line = `${where}: PyTorch unavailable: ${(e as Error).message}`;
          pytorch.push({
            label: run.label.replace('onnxruntime', 'pytorch'),
            preset: run.options.preset,
            batch: run.options.batch,
            error: (e as Error).message,
          });
          notes.push(line);
          ctx.log(`memory: ${line}`);
        }
      }
    }
    const tfjsRuns = runs.filter((x) => (x.run.options.engine ?? TRAINING_MEMORY_DEFAULTS.engine) === 'tfjs');
    const last = tfjsRuns[tfjsRuns.length - 1]!;
    const o: TrainingMemoryOptions = last.run.options;
    const r = last.result;
    if (r == null)
      throw new Error(
        `memory: no ${backend} training run fitted in memory (${tfjsRuns.map((x) => x.error).join('; ')})`,
      );
    const spec = memorySpec(o);
    const data = fixedBatch(spec, o.batch);
    const label = backendLabel(await useBackend(backend));
    let stepper: TrainStepper | null = null;
    let tensors = -1;
    return [
      {
        name: `${o.preset} batch ${o.batch} leak-checked steps`,
        params: {
          ...o,
          backend: label,
          multiplyAddsPerImage: specCost(spec).multiplyAdds,
          params: specCost(spec).params,
          freshProcess: child,
          rssPeakMiB: r.rssPeakMiB,
          rssBeforeMiB: r.rssBeforeMiB,
          rssAfterBuildMiB: r.rssAfterBuildMiB,
          rssEndMiB: r.rssEndMiB,
          numTensors: r.numTensors,
          numBytes: r.numBytes,
          stepPeakTensorMiB: r.stepPeakTensorMiB,
          leak: r.leak,
          runs: runs.map(({ run, result, error }) => {
            const at = {
              label: run.label,
              engine: run.options.engine ?? TRAINING_MEMORY_DEFAULTS.engine,
              preset: run.options.preset,
              ...(run.options.nodes == null
                ? {}
                : { nodes: run.options.nodes, channels: run.options.channels }),
              batch: run.options.batch,
              steps: run.options.steps + 1,
              ...(run.options.threads == null ? {} : { threads: run.options.threads }),
            };
            if (result == null) return { ...at, error };
            return at.engine === 'tfjs'
              ? {
                  ...at,
                  rssPeakMiB: result.rssPeakMiB,
                  stepPeakTensorMiB: result.stepPeakTensorMiB,
                  numTensors: result.numTensors,
                  leak: result.leak,
                }
              : {
                  ...at,
                  rssPeakMiB: result.rssPeakMiB,
                  rssAfterBuildMiB: result.rssAfterBuildMiB,
                  rssAfterStepMiB: result.rssAfterStepMiB,
                  rssGrowthMiB: result.rssGrowthMiB,
                  rssLeakBoundMiB: result.rssLeakBoundMiB,
                  leak: result.leak,
                };
          }),
          pytorch,
        },
        unit: 'img/s',
        variants: [
          {
            name: backend,
            operationsPerIteration: o.batch,
            async run(iterations: number) {
              await useBackend(backend);
              if (stepper == null) {
                stepper = new TrainStepper(spec, { seed: 0 });
                stepperList.push(stepper);
              }
              for (let i = 0; i < iterations; i++) {
                stepper.step(data.images, data.labels, o.batch, 0.01);
                const n = tf.memory().numTensors;
                if (tensors < 0) tensors = n;
                else if (n !== tensors)
                  throw new Error(`memory: a training step leaked ${n - tensors} tensors`);
              }
            },
          },
        ],
        ...(ctx.quick ? {} : { settings: { warmupSeconds: 0, samples: 3, sampleSeconds: 0 } }),
      },
    ];
  },
  teardown() {
    for (const s of stepperList.splice(0)) s.dispose();
  },
};
