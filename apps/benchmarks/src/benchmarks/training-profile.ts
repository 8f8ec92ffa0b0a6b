// Where a training step's time goes, per kernel. tfjs: one TrainStepper step with tf.profile's
// profiling mode on, every kernel call timed by wall clock (wasm and cpu kernels are
// synchronous) with its EXCLUSIVE time: composed kernels (e.g. the wasm gradient kernels
// built from other kernels) do not count the kernels they call. What is left of the step's
// wall time is JavaScript: tape bookkeeping, tensor creation/disposal, the optimizer's loop.
// onnxruntime engine: onnxruntime's own profiler over a few OnnxTrainStep runs, kernel time by op
// type and by role (node names carry their layer's scope, train-graph.ts).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OnnxTrainLayout, OnnxTrainStep } from '@randwire/onnx-train';
import type { NetworkSpec } from '@randwire/spec';
import { buildModel, modelWeights } from '@randwire/tfjs';
import * as tf from '@tensorflow/tfjs';
import { fixedBatch } from './training-configurations';
import { TrainStepper } from './training-step';

export interface KernelShare {
  kernel: string;
  calls: number;
  /** Exclusive milliseconds (without the kernels this one called). */
  ms: number;
  /** Including the kernels it called. */
  inclusiveMs: number;
  /** Fraction of the step's wall time (exclusive). */
  share: number;
}

export interface StepProfile {
  /** Wall time of the profiled step (ms). */
  stepMs: number;
  /** Time inside kernels (ms; top-level kernel calls, so nothing is counted twice). */
  kernelMs: number;
  /** stepMs - kernelMs: JavaScript outside kernels. */
  otherMs: number;
  /** Kernels by exclusive time, largest first. */
  kernels: KernelShare[];
}

type ProfileKernel = (name: string, inputs: unknown, f: () => tf.Tensor[]) => unknown;

/** Times every kernel call of `fn` (run under tf.profile so the engine routes kernels
 * through its profiler), by name, exclusive of nested kernel calls. */
async function timeKernels(fn: () => void): Promise<{
  wallMs: number;
  topLevelMs: number;
  byName: Map<string, { calls: number; inclusive: number; exclusive: number }>;
}> {
  const profiler = (tf.engine() as unknown as { profiler: { profileKernel: ProfileKernel } }).profiler;
  const original = profiler.profileKernel;
  const byName = new Map<string, { calls: number; inclusive: number; exclusive: number }>();
  const stack: number[] = [];
  let topLevelMs = 0;
  profiler.profileKernel = (name, inputs, f) => {
    stack.push(0);
    const t0 = performance.now();
    let outputs: tf.Tensor[];
    try {
      outputs = f();
    } finally {
      const dt = performance.now() - t0;
      const children = stack.pop()!;
      if (stack.length > 0) stack[stack.length - 1]! += dt;
      else topLevelMs += dt;
      const e = byName.get(name) ?? { calls: 0, inclusive: 0, exclusive: 0 };
      e.calls++;
      e.inclusive += dt;
      e.exclusive += dt - children;
      byName.set(name, e);
    }
    // What tfjs' Profiler returns, without its per-output data() reads for NaN checks.
    return { kernelName: name, outputs, inputs, timeMs: Promise.resolve(0), extraInfo: Promise.resolve('') };
  };
  try {
    const t0 = performance.now();
    await tf.profile(fn);
    return { wallMs: performance.now() - t0, topLevelMs, byName };
  } finally {
    profiler.profileKernel = original;
  }
}

/** Profiles the `warmup + 1`-th training step of `spec` at `batch` on the active backend. */
export async function profileTrainingStep(
  spec: NetworkSpec,
  batch: number,
  warmup = 1,
): Promise<StepProfile> {
  const data = fixedBatch(spec, batch);
  const stepper = new TrainStepper(spec, { seed: 0 });
  try {
    for (let i = 0; i < warmup; i++) stepper.step(data.images, data.labels, batch, 0.01);
    const t = await timeKernels(() => {
      stepper.step(data.images, data.labels, batch, 0.01);
    });
    const kernels = [...t.byName.entries()]
      .map(([kernel, e]) => ({
        kernel,
        calls: e.calls,
        ms: e.exclusive,
        inclusiveMs: e.inclusive,
        share: e.exclusive / t.wallMs,
      }))
      .sort((a, b) => b.ms - a.ms);
    return { stepMs: t.wallMs, kernelMs: t.topLevelMs, otherMs: t.wallMs - t.topLevelMs, kernels };
  } finally {
    stepper.dispose();
  }
}

/** `step 2300 ms: kernels 1900 ms, other JS 400 ms; Conv2DBackpropFilter 31% (412 ms, 98 calls), ...`
 * for the `top` largest kernels (exclusive times, shares of the step). */
export function formatProfile(p: StepProfile, top = 8): string {
  const head = p.kernels
    .slice(0, top)
    .map((k) => `${k.kernel} ${(k.share * 100).toFixed(0)}% (${k.ms.toFixed(0)} ms, ${k.calls} calls)`)
    .join(', ');
  return `step ${p.stepMs.toFixed(0)} ms: kernels ${p.kernelMs.toFixed(0)} ms, other JS ${p.otherMs.toFixed(0)} ms; ${head}`;
}

export interface OnnxKernelShare {
  /** Op type (`Conv`, `Mul` ...) or role (the op's layer scope without stage/node ids, e.g.
   * `node conv/pointwise/gemm`). */
  name: string;
  /** Calls per run. */
  calls: number;
  /** Milliseconds per run (kernel time). */
  ms: number;
  /** Fraction of the run's kernel time. */
  share: number;
}

export interface OnnxStepProfile {
  /** Runs profiled (after one warm-up run, which is left out). */
  runs: number;
  /** Mean wall time of a run (ms, onnxruntime's `model_run`). */
  runMs: number;
  /** Mean kernel time of a run (ms; summed over threads' kernels). */
  kernelMs: number;
  byOp: OnnxKernelShare[];
  byRole: OnnxKernelShare[];
}

interface OrtProfileEvent {
  cat?: string;
  name: string;
  ts: number;
  dur: number;
  args?: { op_name?: string };
}

/** The role of a node: its name without stage/node ids and numeric suffixes. */
export function nodeRole(name: string): string {
  return name
    .replace(/^s\d+_n\d+_/, 'node ')
    .replace(/^conv\d+_/, 'stem ')
    .replace(/^head_/, 'head ')
    .replace(/\/(GemmTransposeFusion|GatherSliceToSplitFusion)\/?/g, '')
    .replace(/_token_\d+/g, '')
    .replace(/_\d+$/, '');
}

/** Kernel times of onnxruntime's profile of `runs` training steps (the first run dropped). */
export function summarizeOrtProfile(events: OrtProfileEvent[]): OnnxStepProfile {
  const runEvents = events
    .filter((e) => e.cat === 'Session' && e.name === 'model_run')
    .sort((a, b) => a.ts - b.ts);
  if (runEvents.length < 2)
    throw new Error(`onnxruntime profile: ${runEvents.length} runs, need a warm-up and one more`);
  const warmEnd = runEvents[0]!.ts + runEvents[0]!.dur;
  const runs = runEvents.length - 1;
  const byOp = new Map<string, { us: number; n: number }>();
  const byRole = new Map<string, { us: number; n: number }>();
  let total = 0;
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || e.ts < warmEnd) continue;
    const op = e.args?.op_name ?? '?';
    const role = `${nodeRole(e.name.slice(0, -'_kernel_time'.length))} (${op})`;
    for (const [m, k] of [
      [byOp, op],
      [byRole, role],
    ] as const) {
      const v = m.get(k) ?? { us: 0, n: 0 };
      v.us += e.dur;
      v.n++;
      m.set(k, v);
    }
    total += e.dur;
  }
  const list = (m: Map<string, { us: number; n: number }>) =>
    [...m]
      .map(([name, v]) => ({ name, calls: v.n / runs, ms: v.us / 1000 / runs, share: v.us / total }))
      .sort((a, b) => b.ms - a.ms);
  const runMs = runEvents.slice(1).reduce((a, e) => a + e.dur, 0) / 1000 / runs;
  return { runs, runMs, kernelMs: total / 1000 / runs, byOp: list(byOp), byRole: list(byRole) };
}

/** Profiles `runs` onnxruntime training steps of `spec` at `batch` (after one warm-up run)
 * with onnxruntime's profiler: kernel time by op type and by role. */
export async function profileOnnxTrainingStep(
  spec: NetworkSpec,
  batch: number,
  options: { threads?: number; layout?: OnnxTrainLayout; runs?: number } = {},
): Promise<OnnxStepProfile> {
  const data = fixedBatch(spec, batch);
  const dir = mkdtempSync(join(tmpdir(), 'randwire-ort-profile-'));
  const model = buildModel(spec, { seed: 0 });
  const weights = modelWeights(model, spec);
  model.dispose();
  const step = await OnnxTrainStep.create(
    spec,
    weights,
    { threads: options.threads ?? 1, layout: options.layout ?? 'auto', profile: join(dir, 'step') },
    batch,
  );
  try {
    for (let i = 0; i <= (options.runs ?? 3); i++) await step.run(data.images, data.labels, batch, 0.01);
    step.endProfiling();
    const file = readdirSync(dir).find((f) => f.endsWith('.json'));
    if (!file) throw new Error(`onnxruntime wrote no profile in ${dir}`);
    return summarizeOrtProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as OrtProfileEvent[]);
  } finally {
    await step.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `run 180 ms (kernels 170 ms): Conv 40% (20.1 ms, 400 calls), ...` for the `top` largest. */
export function formatOnnxProfile(p: OnnxStepProfile, by: 'byOp' | 'byRole' = 'byOp', top = 8): string {
  const head = p[by]
    .slice(0, top)
    .map(
      (k) => `${k.name} ${(k.share * 100).toFixed(0)}% (${k.ms.toFixed(1)} ms, ${Math.round(k.calls)} calls)`,
    )
    .join(', ');
  return `run ${p.runMs.toFixed(0)} ms (kernels ${p.kernelMs.toFixed(0)} ms): ${head}`;
}
