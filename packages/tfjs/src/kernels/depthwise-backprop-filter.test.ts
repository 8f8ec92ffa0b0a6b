import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../backend';
import {
  checkKernelLeaks,
  quietTfjs,
  RELATIVE_ERROR_BOUND,
  randomArray,
  rng,
  wasmVsCpu,
} from './test-utils/compare';

beforeAll(async () => {
  quietTfjs();
  checkKernelLeaks();
  await selectBackend('wasm');
});

// strides 1 and 2, odd and even sizes, 'same' and 'valid', depth multiplier 1 and 2, batch 1
// and 3; channels, kernel size and width drawn from a seeded RNG.
const cases: Array<[number, number, 'same' | 'valid', number, number]> = [];
for (const stride of [1, 2])
  for (const size of [7, 8])
    for (const pad of ['same', 'valid'] as const)
      for (const multiplier of [1, 2])
        for (const batch of [1, 3]) cases.push([stride, size, pad, multiplier, batch]);

describe('DepthwiseConv2dNativeBackpropFilter on wasm', () => {
  test.each(cases)(
    'stride %i, size %i, %s, multiplier %i, batch %i matches cpu',
    async (s, size, pad, m, n) => {
      const r = rng(2000 * s + 100 * size + 10 * m + n + (pad === 'same' ? 1 : 0));
      const c = 2 + Math.floor(r() * 3);
      const k = r() < 0.5 ? 3 : 5;
      const w = size + (r() < 0.5 ? 0 : 1);
      const xShape = [n, size, w, c] as [number, number, number, number];
      const xv = randomArray(r, xShape);
      const fv = randomArray(r, [k, k, c, m]);
      const errors = await wasmVsCpu(() => {
        const x = tf.tensor4d(xv, xShape);
        const f = tf.tensor4d(fv, [k, k, c, m]);
        const df = tf.grad((t: tf.Tensor) =>
          tf.sum(tf.square(tf.depthwiseConv2d(x, t as tf.Tensor4D, s, pad))),
        )(f);
        tf.dispose([x, f]);
        return [df];
      });
      for (const e of errors) expect(e).toBeLessThanOrEqual(RELATIVE_ERROR_BOUND);
    },
  );

  test('leaks no tensors', async () => {
    await tf.setBackend('wasm');
    const r = rng(8);
    const x = tf.tensor4d(randomArray(r, [3, 8, 8, 4]), [3, 8, 8, 4]);
    const f = tf.tensor4d(randomArray(r, [3, 3, 4, 2]), [3, 3, 4, 2]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.depthwiseConv2d(x, t as tf.Tensor4D, 2, 'same')));
    tf.dispose(g(f));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(g(f));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, f]);
  });
});
