import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../backend';
import { meanWasm, sumWasm } from './reduce-leading-axes';
import { checkKernelLeaks, quietTfjs, randomArray, rng, wasmVsCpu } from './test-utils/compare';

/** float32 sums of up to a few hundred terms in a different order: 1e-5 relative. */
const BOUND = 1e-5;

beforeAll(async () => {
  quietTfjs();
  checkKernelLeaks();
  await selectBackend('wasm');
});

const SHAPES: number[][] = [
  [3, 5, 4, 6],
  [1, 7, 7, 2],
  [10, 3],
  [2, 3, 1, 5],
];

describe('Sum and Mean over leading axes on wasm', () => {
  test('are installed by selectBackend(wasm)', () => {
    expect(tf.getKernel('Sum', 'wasm')?.kernelFunc).toBe(sumWasm.kernelFunc);
    expect(tf.getKernel('Mean', 'wasm')?.kernelFunc).toBe(meanWasm.kernelFunc);
  });

  test.each(SHAPES)(
    'shape [%i, %i, ...]: leading-axes sum/mean (keepDims or not) match cpu',
    async (...shape) => {
      const values = randomArray(rng(shape.reduce((a, b) => a * 31 + b, 7)), shape);
      const leading = shape.slice(0, -1).map((_, i) => i);
      const errors = await wasmVsCpu(() => {
        const x = tf.tensor(values, shape);
        const out = [
          tf.sum(x, leading),
          tf.mean(x, leading),
          tf.sum(x, leading, true),
          tf.mean(x, [...leading].reverse(), true),
        ];
        x.dispose();
        return out;
      });
      expect(errors).toHaveLength(4);
      for (const e of errors) expect(e).toBeLessThanOrEqual(BOUND);
    },
  );

  test('other reductions (inner axis, middle axes, everything, int32) go to the native kernels', async () => {
    const shape = [3, 4, 5, 2];
    const values = randomArray(rng(5), shape);
    const errors = await wasmVsCpu(() => {
      const x = tf.tensor(values, shape);
      const xi = tf.tensor([1, 2, 3, 4, 5, 6], [3, 2], 'int32');
      const out = [
        tf.sum(x, -1),
        tf.mean(x, [1, 2]),
        tf.sum(x),
        tf.mean(x),
        tf.cast(tf.sum(xi, 0), 'float32'),
      ];
      tf.dispose([x, xi]);
      return out;
    });
    expect(errors).toHaveLength(5);
    for (const e of errors) expect(e).toBeLessThanOrEqual(BOUND);
  });

  test('gradients through moments (what BatchNorm uses) match cpu', async () => {
    const values = randomArray(rng(9), [4, 3, 3, 5]);
    const errors = await wasmVsCpu(() => {
      const x = tf.tensor4d(values, [4, 3, 3, 5]);
      const g = tf.grad((t: tf.Tensor) => {
        const { mean, variance } = tf.moments(t, [0, 1, 2]);
        return tf.sum(tf.mul(mean, variance));
      })(x);
      x.dispose();
      return [g];
    });
    expect(errors[0]).toBeLessThanOrEqual(BOUND);
  });
});
