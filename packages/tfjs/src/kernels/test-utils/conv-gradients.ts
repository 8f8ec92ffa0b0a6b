// Test helpers shared by the convolution gradient kernel tests: the wasm setup, the grid of
// cases, the wasm-vs-cpu gradient of one convolution, and the tensor-leak count.

import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../backend';
import { checkKernelLeaks, quietTfjs, type Rng, randomArray, wasmVsCpu } from './compare';

/** beforeAll of a kernel test: quiet tfjs, tfjs' kernel leak check on, wasm with our kernels. */
export async function startWasmKernels(): Promise<void> {
  quietTfjs();
  checkKernelLeaks();
  await selectBackend('wasm');
}

export type Padding = 'same' | 'valid';
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
export type ConvOp = (x: tf.Tensor4D, filter: tf.Tensor4D, stride: number, pad: Padding) => tf.Tensor;

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
  pad: Padding,
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

/** Tensors left behind by `times` more calls of `step` (after one warm-up call, which may
 * allocate caches), each call's result disposed. */
export function tensorsLeakedBy(step: () => tf.Tensor | tf.Tensor[], times = 3): number {
  tf.dispose(step());
  const before = tf.memory().numTensors;
  for (let i = 0; i < times; i++) tf.dispose(step());
  return tf.memory().numTensors - before;
}
