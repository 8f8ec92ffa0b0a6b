import * as tf from '@tensorflow/tfjs';
import { convGeometry } from './conv-geometry';
import { convFilterGradDirect } from './conv2d-filter-direct';
import { RELATIVE_ERROR_BOUND, randomArray, rng } from './test-utils/compare';
import { type ConvPad, conv2d, convGradientErrors, startWasmKernels } from './test-utils/conv-gradients';

beforeAll(startWasmKernels);

// Ci % 4 = 0 and Co % 8 = 0 (the direct path): strides 1, 2 and 3, odd and even sizes,
// 'same', 'valid' and explicit padding, 1×1, 3×3, 5×5 and 3×5 filters, batch 1 and 3.
const cases: Array<[[number, number, number, number], [number, number], number, number, ConvPad]> = [
  [[1, 7, 7, 4], [3, 3], 8, 1, 'same'],
  [[3, 8, 9, 8], [3, 3], 8, 2, 'same'],
  [[2, 9, 8, 4], [5, 5], 16, 2, 'valid'],
  [[1, 10, 11, 4], [3, 5], 8, 3, 'same'],
  [[2, 7, 6, 8], [1, 1], 8, 2, 'valid'],
  [
    [2, 6, 7, 4],
    [3, 3],
    8,
    1,
    [
      [0, 0],
      [2, 0],
      [1, 3],
      [0, 0],
    ],
  ],
];

describe('Conv2DBackpropFilter on wasm (direct SIMD path)', () => {
  test.each(cases)(
    'x %j, filter %j, %i output channels, stride %i, pad %j matches cpu',
    async (shape, k, co, s, pad) => {
      const r = rng(shape.reduce((a, b) => a * 31 + b, 0) * 13 + k[0] * 7 + k[1] * 3 + co + s);
      const fShape: [number, number, number, number] = [k[0], k[1], shape[3], co];
      const xv = randomArray(r, shape);
      const fv = randomArray(r, fShape);
      const operands = { x: { values: xv, shape }, filter: { values: fv, shape: fShape } };
      const errors = await convGradientErrors(conv2d, 'filter', operands, s, pad);
      expect(errors).toHaveLength(1);
      for (const e of errors) expect(e).toBeLessThanOrEqual(RELATIVE_ERROR_BOUND);
    },
  );

  test('applies only where the tile fits and the strides are equal', async () => {
    await tf.setBackend('wasm');
    const backend = tf.findBackend('wasm');
    const x = tf.zeros([1, 6, 6, 4]);
    const dy = tf.zeros([1, 6, 3, 8]);
    const g = (ci: number, strides: [number, number]) =>
      convGeometry('test', [1, 6, 6, ci], [3, 3, ci, 8], strides, 1, 'same', undefined, false);
    expect(convFilterGradDirect(backend, x, dy, g(4, [1, 2]), 8)).toBeNull();
    expect(convFilterGradDirect(backend, x, dy, g(4, [1, 1]), 12)).toBeNull();
    expect(convFilterGradDirect(tf.findBackend('cpu'), x, dy, g(4, [1, 1]), 8)).toBeNull();
    tf.dispose([x, dy]);
  });

  test('leaves no scratch tensors behind', async () => {
    await tf.setBackend('wasm');
    const r = rng(41);
    const x = tf.tensor4d(randomArray(r, [2, 8, 8, 4]), [2, 8, 8, 4]);
    const f = tf.tensor4d(randomArray(r, [3, 3, 4, 8]), [3, 3, 4, 8]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.conv2d(x, t as tf.Tensor4D, 2, 'same')));
    tf.dispose(g(f));
    const before = tf.memory().numTensors;
    const dataIds = tf.engine().backend.numDataIds();
    for (let i = 0; i < 3; i++) tf.dispose(g(f));
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
    tf.dispose([x, f]);
  });
});
