// Test helpers: run the same computation on two backends from the same seeded inputs.

import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';

/** Relative error bound of the composed wasm gradients vs the cpu backend (facts.md: ≤ 2e-4). */
export const RELATIVE_ERROR_BOUND = 2e-4;

export type Rng = () => number;

export function rng(seed: number): Rng {
  return seedrandom.alea(String(seed));
}

export function randomArray(r: Rng, shape: readonly number[]): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = r() * 2 - 1;
  return out;
}

/** max |a - b| / max |b|: the error relative to the reference's scale. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (!Number.isFinite(x)) return Number.POSITIVE_INFINITY;
    diff = Math.max(diff, Math.abs(x - y));
    scale = Math.max(scale, Math.abs(y));
  }
  return diff / Math.max(scale, 1e-12);
}

/** Runs `fn` on `backend` and returns every output's values and shape (all tensors disposed). */
export async function runOn(
  backend: string,
  fn: () => tf.Tensor[],
): Promise<Array<{ shape: number[]; values: Float32Array }>> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} failed to start`);
  const outs = fn();
  const values = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>));
  const result = outs.map((t, i) => ({ shape: t.shape.slice(), values: values[i] as Float32Array }));
  tf.dispose(outs);
  return result;
}

/** Largest relative error between the outputs of `fn` on wasm and on cpu (shapes must match). */
export async function wasmVsCpu(fn: () => tf.Tensor[]): Promise<number[]> {
  const cpu = await runOn('cpu', fn);
  const wasm = await runOn('wasm', fn);
  return cpu.map((c, i) => {
    const w = wasm[i];
    if (w == null || w.shape.join() !== c.shape.join()) return Number.POSITIVE_INFINITY;
    return relativeError(w.values, c.values);
  });
}

/** Silences tfjs' one-time console hints (e.g. "install our node backend") in tests. */
export function quietTfjs(): void {
  tf.env().set('PROD', true);
}

/**
 * Turns on tfjs' own check that every kernel leaves exactly its outputs behind in the backend
 * (it throws "Backend 'wasm' has an internal memory leak" otherwise). Only for kernel-level
 * tests: ops built with customGrad (fused conv, softmax cross-entropy) trip it spuriously.
 */
export function checkKernelLeaks(): void {
  tf.env().set('IS_TEST', true);
}
