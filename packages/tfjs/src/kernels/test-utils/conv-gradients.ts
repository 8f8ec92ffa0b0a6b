// Test helpers shared by the convolution gradient kernel tests: the wasm setup, the grid of
// cases, the wasm-vs-cpu gradient of one convolution, the depthwise gradient test suite, and
// the tensor-leak count.

import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../backend';
import {
  checkKernelLeaks,
  quietTfjs,
  RELATIVE_ERROR_BOUND,
  type Rng,
  randomArray,
  rng,
  wasmVsCpu,
} from './compare';

/** beforeAll of a kernel test: quiet tfjs, tfjs' kernel leak check on, wasm with our kernels. */
export async function startWasmKernels(): Promise<void> {
  quietTfjs();
  checkKernelLeaks();
  await selectBackend('wasm');
}

export type Padding = 'same' | 'valid';
/** 'same', 'valid' or explicit NHWC padding ([[0, 0], [top, bottom], [left, right], [0, 0]]). */
export type ConvPad = Padding | [[number, number], [number, number], [number, number], [number, number]];
/** [stride, size, padding, variant (kernel size or depth multiplier), batch]. */
export type ConvCase = [number, number, Padding, number, number];

/** Strides 1 and 2, odd and even sizes, 'same' and 'valid', each variant, batch 1 and 3. */
export function convCases(variants: readonly number[]): ConvCase[] {
  const cases: ConvCase[] = [];
  for (const stride of [1, 2])
    for (const size of [7, 8])
      for (const pad of ['same', 'valid'] as const)
        for (const variant of variants)
          for (const batch of [1, 3]) cases.push([stride, size, pad, variant, batch]);
  return cases;
}

export type Shape4 = [number, number, number, number];
export type ConvOp = (x: tf.Tensor4D, filter: tf.Tensor4D, stride: number, pad: ConvPad) => tf.Tensor;

export const conv2d: ConvOp = (x, f, s, pad) => tf.conv2d(x, f, s, pad);
export const depthwiseConv2d: ConvOp = (x, f, s, pad) => tf.depthwiseConv2d(x, f, s, pad);

export interface ConvOperands {
  x: { values: Float32Array; shape: Shape4 };
  filter: { values: Float32Array; shape: Shape4 };
}

/** A conv2d case's operands: 1..4 input and 2..5 output channels, width `size` or `size + 1`,
 * a `kernel`×`kernel` filter, values in [-1, 1), all drawn from `r` in this order. */
export function conv2dOperands(r: Rng, size: number, kernel: number, batch: number): ConvOperands {
  const ci = 1 + Math.floor(r() * 4);
  const co = 2 + Math.floor(r() * 4);
  const w = size + (r() < 0.5 ? 0 : 1);
  const xShape: Shape4 = [batch, size, w, ci];
  const fShape: Shape4 = [kernel, kernel, ci, co];
  const x = { values: randomArray(r, xShape), shape: xShape };
  return { x, filter: { values: randomArray(r, fShape), shape: fShape } };
}

/** A depthwise case's operands: 2..4 channels, a 3×3 or 5×5 filter with this depth
 * `multiplier`, width `size` or `size + 1`, values in [-1, 1), all drawn from `r` in this order. */
export function depthwiseOperands(r: Rng, size: number, multiplier: number, batch: number): ConvOperands {
  const c = 2 + Math.floor(r() * 3);
  const k = r() < 0.5 ? 3 : 5;
  const w = size + (r() < 0.5 ? 0 : 1);
  const xShape: Shape4 = [batch, size, w, c];
  const fShape: Shape4 = [k, k, c, multiplier];
  const x = { values: randomArray(r, xShape), shape: xShape };
  return { x, filter: { values: randomArray(r, fShape), shape: fShape } };
}

/** Relative errors (wasm vs cpu) of d/d(wrt) sum(op(x, filter)^2) for these values. */
export function convGradientErrors(
  op: ConvOp,
  wrt: 'x' | 'filter',
  { x, filter }: ConvOperands,
  stride: number,
  pad: ConvPad,
): Promise<number[]> {
  return wasmVsCpu(() => {
    const xt = tf.tensor4d(x.values, x.shape);
    const ft = tf.tensor4d(filter.values, filter.shape);
    const loss = (t: tf.Tensor) =>
      tf.sum(
        tf.square(
          wrt === 'x' ? op(t as tf.Tensor4D, ft, stride, pad) : op(xt, t as tf.Tensor4D, stride, pad),
        ),
      );
    const grad = tf.grad(loss)(wrt === 'x' ? xt : ft);
    tf.dispose([xt, ft]);
    return [grad];
  });
}

/**
 * The tests (inside a describe) of one depthwise convolution gradient on wasm, d/d(`wrt`):
 * every combination the layers use (strides 1 and 2, odd and even sizes, 'same' and 'valid',
 * depth multiplier 1 and 2, batch 1 and 3; channels, kernel size and width drawn from
 * `rng(seedBase·stride + 100·size + 10·multiplier + batch + (same ? 1 : 0))`) matches cpu,
 * and the gradient at an x of `leakShape` and a [3, 3, 4, 2] filter (drawn in that order from
 * `rng(leakSeed)`), stride 2, 'same', leaks no tensors.
 */
export function depthwiseGradientTests(
  wrt: 'x' | 'filter',
  seedBase: number,
  leakSeed: number,
  leakShape: Shape4,
): void {
  test.each(convCases([1, 2]))(
    'stride %i, size %i, %s, multiplier %i, batch %i matches cpu',
    async (s, size, pad, m, n) => {
      const r = rng(seedBase * s + 100 * size + 10 * m + n + (pad === 'same' ? 1 : 0));
      const errors = await convGradientErrors(depthwiseConv2d, wrt, depthwiseOperands(r, size, m, n), s, pad);
      for (const e of errors) expect(e).toBeLessThanOrEqual(RELATIVE_ERROR_BOUND);
    },
  );

  test('leaks no tensors', async () => {
    await tf.setBackend('wasm');
    const r = rng(leakSeed);
    const x = tf.tensor4d(randomArray(r, leakShape), leakShape);
    const f = tf.tensor4d(randomArray(r, [3, 3, 4, 2]), [3, 3, 4, 2]);
    const g =
      wrt === 'x'
        ? tf.grad((t: tf.Tensor) => tf.sum(tf.depthwiseConv2d(t as tf.Tensor4D, f, 2, 'same')))
        : tf.grad((t: tf.Tensor) => tf.sum(tf.depthwiseConv2d(x, t as tf.Tensor4D, 2, 'same')));
    expect(tensorsLeakedBy(() => g(wrt === 'x' ? x : f))).toBe(0);
    tf.dispose([x, f]);
  });
}

/** Tensors left behind by `times` more calls of `step` (after one warm-up call, which may
 * allocate caches), each call's result disposed. */
export function tensorsLeakedBy(step: () => tf.Tensor | tf.Tensor[], times = 3): number {
  tf.dispose(step());
  const before = tf.memory().numTensors;
  for (let i = 0; i < times; i++) tf.dispose(step());
  return tf.memory().numTensors - before;
}
