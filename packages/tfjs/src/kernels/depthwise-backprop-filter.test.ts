import * as tf from '@tensorflow/tfjs';
import { RELATIVE_ERROR_BOUND, randomArray, rng } from './test-utils/compare';
import {
  type ConvOp,
  convCases,
  convGradientErrors,
  depthwiseOperands,
  startWasmKernels,
  tensorsLeakedBy,
} from './test-utils/conv-gradients';

beforeAll(startWasmKernels);

// strides 1 and 2, odd and even sizes, 'same' and 'valid', depth multiplier 1 and 2, batch 1
// and 3; channels, kernel size and width drawn from a seeded RNG.
const depthwise: ConvOp = (x, f, s, pad) => tf.depthwiseConv2d(x, f, s, pad);
const cases = convCases([1, 2]);

describe('DepthwiseConv2dNativeBackpropFilter on wasm', () => {
  test.each(cases)(
    'stride %i, size %i, %s, multiplier %i, batch %i matches cpu',
    async (s, size, pad, m, n) => {
      const r = rng(2000 * s + 100 * size + 10 * m + n + (pad === 'same' ? 1 : 0));
      const errors = await convGradientErrors(depthwise, 'filter', depthwiseOperands(r, size, m, n), s, pad);
      for (const e of errors) expect(e).toBeLessThanOrEqual(RELATIVE_ERROR_BOUND);
    },
  );

  test('leaks no tensors', async () => {
    await tf.setBackend('wasm');
    const r = rng(8);
    const x = tf.tensor4d(randomArray(r, [3, 8, 8, 4]), [3, 8, 8, 4]);
    const f = tf.tensor4d(randomArray(r, [3, 3, 4, 2]), [3, 3, 4, 2]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.depthwiseConv2d(x, t as tf.Tensor4D, 2, 'same')));
    expect(tensorsLeakedBy(() => g(f))).toBe(0);
    tf.dispose([x, f]);
  });
});
