import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropInputWasm } from './conv2d-backprop-input';
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

describe('Conv2DBackpropInput on wasm (replaced by ours)', () => {
  test('selectBackend installed our kernel in place of the native one', () => {
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc).toBe(conv2dBackpropInputWasm.kernelFunc);
  });

  test.each(cases)('stride %i, size %i, %s, kernel %i, batch %i matches cpu', async (s, size, pad, k, n) => {
    const r = rng(4000 * s + 100 * size + 10 * k + n + (pad === 'same' ? 1 : 0));
    const errors = await convGradientErrors(conv2d, 'x', conv2dOperands(r, size, k, n), s, pad);
    for (const e of errors) expect(e).toBeLessThanOrEqual(RELATIVE_ERROR_BOUND);
  });

  test('conv2dTranspose (the same kernel as a forward op) matches cpu', async () => {
    const r = rng(41);
    const dyv = randomArray(r, [2, 4, 4, 5]);
    const fv = randomArray(r, [3, 3, 3, 5]);
    const errors = await wasmVsCpu(() => {
      const dy = tf.tensor4d(dyv, [2, 4, 4, 5]);
      const f = tf.tensor4d(fv, [3, 3, 3, 5]);
      const y = tf.conv2dTranspose(dy, f, [2, 8, 8, 3], 2, 'same');
      tf.dispose([dy, f]);
      return [y];
    });
    expect(errors[0]).toBeLessThanOrEqual(RELATIVE_ERROR_BOUND);
  });

  test('leaks no tensors', async () => {
    await tf.setBackend('wasm');
    const r = rng(10);
    const x = tf.tensor4d(randomArray(r, [3, 8, 8, 4]), [3, 8, 8, 4]);
    const f = tf.tensor4d(randomArray(r, [1, 1, 4, 5]), [1, 1, 4, 5]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.conv2d(t as tf.Tensor4D, f, 1, 'same')));
    expect(tensorsLeakedBy(() => g(x))).toBe(0);
    tf.dispose([x, f]);
  });
});
