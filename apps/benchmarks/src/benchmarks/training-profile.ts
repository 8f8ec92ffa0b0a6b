// Where a training step's time goes, per kernel: one TrainStepper step with tf.profile's
// profiling mode on, every kernel call timed by wall clock (wasm and cpu kernels are
// synchronous) with its EXCLUSIVE time: composed kernels (e.g. the wasm gradient kernels
// built from other kernels) do not count the kernels they call. What is left of the step's
// wall time is JavaScript: tape bookkeeping, tensor creation/disposal, the optimizer's loop.
import type { NetworkSpec } from '@randwire/spec';
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
