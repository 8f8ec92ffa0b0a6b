import * as tf from '@tensorflow/tfjs';
import { RELATIVE_ERROR_BOUND, randomArray, rng, wasmVsCpu } from './test-utils/compare';
import {
  conv2d,
  conv2dOperands,
  convCases,
  convGradientErrors,
  startWasmKernels,
  tensorsLeakedBy,
} from './test-utils/conv-gradients';

beforeAll(startWasmKernels);

// strides 1 and 2, odd and even sizes, 'same' and 'valid', kernel 1×1 (the matmul path at
// stride 1) and 3×3, batch 1 and 3; channels and width drawn from a seeded RNG.
const cases = convCases([1, 3]);

describe('Conv2DBackpropFilter on wasm', () => {
  test.each(cases)('stride %i, size %i, %s, kernel %i, batch %i matches cpu', async (s, size, pad, k, n) => {
    const r = rng(3000 * s + 100 * size + 10 * k + n + (pad === 'same' ? 1 : 0));
    const errors = await convGradientErrors(conv2d, 'filter', conv2dOperands(r, size, k, n), s, pad);
    for (const e of errors) expect(e).toBeLessThanOrEqual(RELATIVE_ERROR_BOUND);
  });

  test('separableConv2d: all three gradients match cpu (x, depthwise and pointwise filters)', async () => {
    for (const [s, pad, m, n, size] of [
      [1, 'same', 1, 3, 8],
      [2, 'same', 2, 1, 9],
      [2, 'valid', 1, 3, 7],
    ] as const) {
      const r = rng(s * 10 + m + n + size);
      const c = 3;
      const co = 5;
      const xShape = [n, size, size, c] as [number, number, number, number];
      const xv = randomArray(r, xShape);
      const dv = randomArray(r, [3, 3, c, m]);
      const pv = randomArray(r, [1, 1, c * m, co]);
      const errors = await wasmVsCpu(() => {
        const x = tf.tensor4d(xv, xShape);
        const d = tf.tensor4d(dv, [3, 3, c, m]);
        const p = tf.tensor4d(pv, [1, 1, c * m, co]);
        const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, e: tf.Tensor) =>
          tf.sum(tf.square(tf.separableConv2d(a as tf.Tensor4D, b as tf.Tensor4D, e as tf.Tensor4D, s, pad))),
        )([x, d, p]);
        tf.dispose([x, d, p]);
        return grads;
      });
      expect(errors).toHaveLength(3);
      for (const e of errors) expect(e).toBeLessThanOrEqual(RELATIVE_ERROR_BOUND);
    }
  });

  test('leaks no tensors', async () => {
    await tf.setBackend('wasm');
    const r = rng(9);
    const x = tf.tensor4d(randomArray(r, [3, 8, 8, 4]), [3, 8, 8, 4]);
    const f = tf.tensor4d(randomArray(r, [3, 3, 4, 5]), [3, 3, 4, 5]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.conv2d(x, t as tf.Tensor4D, 2, 'same')));
    expect(tensorsLeakedBy(() => g(f))).toBe(0);
    tf.dispose([x, f]);
  });
});
