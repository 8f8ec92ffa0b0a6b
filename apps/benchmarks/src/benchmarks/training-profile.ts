// Where a training step's time goes, per kernel: one TrainStepper step under tf.profile on the
// active backend, kernel times summed by kernel name. (On wasm every kernel is synchronous, so
// kernelTimeMs is its wall time; the sum is below the step's wall time by the JS overhead of
// tape bookkeeping, tensor creation and disposal.)
import type { NetworkSpec } from '@randwire/spec';
import * as tf from '@tensorflow/tfjs';
import { fixedBatch } from './training-configurations';
import { TrainStepper } from './training-step';

export interface KernelShare {
  kernel: string;
  calls: number;
  ms: number;
  /** Fraction of the summed kernel time. */
  share: number;
}

export interface StepProfile {
  /** Wall time of the profiled step (ms), profiling overhead included. */
  stepMs: number;
  /** Sum of kernel times (ms). */
  kernelMs: number;
  /** Kernels by total time, largest first. */
  kernels: KernelShare[];
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
    const t0 = performance.now();
    const info = await tf.profile(() => {
      stepper.step(data.images, data.labels, batch, 0.01);
    });
    const stepMs = performance.now() - t0;
    const byName = new Map<string, { calls: number; ms: number }>();
    for (const k of info.kernels) {
      const e = byName.get(k.name) ?? { calls: 0, ms: 0 };
      e.calls++;
      e.ms += Number(k.kernelTimeMs) || 0;
      byName.set(k.name, e);
    }
    const kernelMs = [...byName.values()].reduce((a, e) => a + e.ms, 0);
    const kernels = [...byName.entries()]
      .map(([kernel, e]) => ({ kernel, calls: e.calls, ms: e.ms, share: kernelMs > 0 ? e.ms / kernelMs : 0 }))
      .sort((a, b) => b.ms - a.ms);
    return { stepMs, kernelMs, kernels };
  } finally {
    stepper.dispose();
  }
}

/** `Conv2DBackpropFilter 31% (412 ms, 98 calls), ...` for the `top` largest kernels. */
export function formatProfile(p: StepProfile, top = 8): string {
  const head = p.kernels
    .slice(0, top)
    .map((k) => `${k.kernel} ${(k.share * 100).toFixed(0)}% (${k.ms.toFixed(0)} ms, ${k.calls} calls)`)
    .join(', ');
  return `step ${p.stepMs.toFixed(0)} ms, kernels ${p.kernelMs.toFixed(0)} ms: ${head}`;
}
