// Peak memory of a training run and a tensor-leak check (issue 6, item 3): a fresh Node
// process (memory-child.ts, so earlier benchmarks do not inflate its peak) builds
// configuration B, runs a few TrainStepper steps at batch 64 on wasm, and reports its peak
// RSS (process.resourceUsage().maxRSS), tf.memory() after every step and tf.profile's peak
// bytes of one step. The timed case then runs leak-checked steps in this process: a step that
// changes tf.memory().numTensors fails the benchmark.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generateSpec, type PresetName } from '@randwire/spec';
import type { BackendName } from '@randwire/tfjs';
import * as tf from '@tensorflow/tfjs';
import type { Benchmark, BenchmarkCase, BenchmarkContext } from '../harness';
import { backendLabel, benchmarkBackends, fixedBatch, specCost, useBackend } from './training-configurations';
import { TrainStepper } from './training-step';

export interface TrainingMemoryOptions {
  preset: PresetName;
  /** Overrides of the preset's N and C (e.g. for a small test). */
  nodes?: number;
  channels?: number;
  batch: number;
  steps: number;
  backend: BackendName;
}

export interface TrainingMemoryResult {
  options: TrainingMemoryOptions;
  /** Resident set size (MiB) after the backend started, before the model was built. */
  rssBeforeMiB: number;
  /** After building the model and optimizer. */
  rssAfterBuildMiB: number;
  /** RSS at the end of the run. */
  rssEndMiB: number;
  /** Peak RSS of the whole process (MiB; includes Node and the wasm heap, which never shrinks). */
  rssPeakMiB: number;
  /** tf.memory() after each step. */
  numTensors: number[];
  numBytes: number[];
  /** tf.profile peak bytes of tensors alive during one step (MiB). */
  stepPeakTensorMiB: number;
  /** Whether numTensors or numBytes changed between steps (after the first). */
  leak: boolean;
}

const MiB = 1024 * 1024;
const rss = () => process.memoryUsage().rss / MiB;

/** Runs the steps in this process and measures (use a fresh process for a clean peak RSS). */
export async function measureTrainingMemory(o: TrainingMemoryOptions): Promise<TrainingMemoryResult> {
  await useBackend(o.backend);
  const spec = generateSpec({
    preset: o.preset,
    seed: 0,
    ...(o.nodes == null ? {} : { nodes: o.nodes }),
    ...(o.channels == null ? {} : { channels: o.channels }),
  });
  const data = fixedBatch(spec, o.batch);
  const rssBeforeMiB = rss();
  const stepper = new TrainStepper(spec, { seed: 0 });
  try {
    const rssAfterBuildMiB = rss();
    const numTensors: number[] = [];
    const numBytes: number[] = [];
    for (let i = 0; i < o.steps; i++) {
      stepper.step(data.images, data.labels, o.batch, 0.01);
      const m = tf.memory();
      numTensors.push(m.numTensors);
      numBytes.push(m.numBytes);
    }
    const profile = await tf.profile(() => {
      stepper.step(data.images, data.labels, o.batch, 0.01);
    });
    const leak = numTensors.some((n) => n !== numTensors[0]) || numBytes.some((n) => n !== numBytes[0]);
    return {
      options: o,
      rssBeforeMiB,
      rssAfterBuildMiB,
      rssEndMiB: rss(),
      rssPeakMiB: process.resourceUsage().maxRSS / 1024,
      numTensors,
      numBytes,
      stepPeakTensorMiB: profile.peakBytes / MiB,
      leak,
    };
  } finally {
    stepper.dispose();
  }
}

/** The child script next to this file (present in dist/, not when running from src/). */
export const MEMORY_CHILD = join(__dirname, 'memory-child.js');

/** Runs measureTrainingMemory in a fresh Node process (memory-child.js). */
export function measureTrainingMemoryInChild(o: TrainingMemoryOptions): Promise<TrainingMemoryResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MEMORY_CHILD, JSON.stringify(o)], {
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

const stepperList: TrainStepper[] = [];
const notes = [
  'Peak RSS: a fresh Node process (memory-child.js) runs steps+1 training steps (TrainStepper, synthetic batch) and reports process.resourceUsage().maxRSS; it includes Node itself (~60-100 MiB) and the wasm heap (grows, never shrinks).',
  'numTensors/numBytes: tf.memory() after each step; leak = any change between steps. stepPeakTensorMiB: tf.profile peak bytes of one step (activations + gradients + weights + optimizer state).',
  'The timed case runs steps at the smallest batch in this process and throws if a step changes tf.memory().numTensors.',
];

/** Notes added by setup (measurements) go after these. */
const BASE_NOTES = notes.length;

function mib(x: number): string {
  return `${x.toFixed(0)} MiB`;
}

export const memory: Benchmark = {
  name: 'memory',
  description:
    'Peak RSS and tf.memory() of configuration-B training runs (wasm, batch 64/32/16, fresh processes); tensor-leak check.',
  notes,
  async setup(ctx: BenchmarkContext): Promise<BenchmarkCase[]> {
    notes.length = BASE_NOTES;
    const backend: BackendName = benchmarkBackends().find((b) => b !== 'cpu') ?? 'cpu';
    const base: Omit<TrainingMemoryOptions, 'batch'> = ctx.quick
      ? { preset: 'mnist-small' as PresetName, nodes: 8, channels: 16, steps: 3, backend }
      : { preset: 'cifar-small' as PresetName, steps: 3, backend };
    // Fresh processes from the largest batch down: batch 64 of configuration B does not fit
    // wasm32's 4 GiB heap, and the failure is part of the result.
    const child = existsSync(MEMORY_CHILD);
    const tried = ctx.quick ? [8] : child ? [64, 32, 16] : [16];
    const runs: Array<{ batch: number; error?: string; result?: TrainingMemoryResult }> = [];
    for (const batch of tried) {
      const o: TrainingMemoryOptions = { ...base, batch };
      const where = `${o.preset}${o.nodes == null ? '' : ` N=${o.nodes} C=${o.channels}`} batch ${batch}, ${o.steps} steps on ${backend}${child ? ' (fresh process)' : ' (in this process: run from dist for a clean peak)'}`;
      try {
        const r = child ? await measureTrainingMemoryInChild(o) : await measureTrainingMemory(o);
        runs.push({ batch, result: r });
        const line = `${where}: peak RSS ${mib(r.rssPeakMiB)} (before build ${mib(r.rssBeforeMiB)}, after build ${mib(r.rssAfterBuildMiB)}, end ${mib(r.rssEndMiB)}); tensors after each step ${r.numTensors.join(', ')}; tf.memory ${mib(r.numBytes[0]! / 1048576)} between steps; step peak ${mib(r.stepPeakTensorMiB)}; leak: ${r.leak ? 'YES' : 'no'}`;
        notes.push(line);
        ctx.log(`memory: ${line}`);
        if (r.leak) throw new Error(`memory: tensors leak across training steps: ${r.numTensors.join(', ')}`);
      } catch (e) {
        if (!child || (e as Error).message.startsWith('memory: tensors leak')) throw e;
        const line = `${where}: FAILED: ${(e as Error).message}`;
        runs.push({ batch, error: (e as Error).message });
        notes.push(line);
        ctx.log(`memory: ${line}`);
      }
    }
    const o: TrainingMemoryOptions = { ...base, batch: tried[tried.length - 1]! };
    const r = runs[runs.length - 1]!.result;
    if (r == null)
      throw new Error(`memory: no training run fitted in memory (${runs.map((x) => x.error).join('; ')})`);
    const spec = generateSpec({
      preset: o.preset,
      seed: 0,
      ...(o.nodes == null ? {} : { nodes: o.nodes }),
      ...(o.channels == null ? {} : { channels: o.channels }),
    });
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
          runs: runs.map((x) =>
            x.result
              ? {
                  batch: x.batch,
                  rssPeakMiB: x.result.rssPeakMiB,
                  stepPeakTensorMiB: x.result.stepPeakTensorMiB,
                  numTensors: x.result.numTensors,
                  leak: x.result.leak,
                }
              : { batch: x.batch, error: x.error },
          ),
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
