import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../backend';
import {
  batchNormGradient,
  registerBatchNormGradient,
  restoreBatchNormGradient,
} from './batch-norm-gradient';
import {
  quietTfjs,
  RELATIVE_ERROR_BOUND,
  randomArray,
  relativeError,
  rng,
  runOn,
  wasmVsCpu,
} from './test-utils/compare';

beforeAll(async () => {
  quietTfjs();
  await selectBackend('wasm'); // installs our gradient
});

afterAll(() => {
  registerBatchNormGradient();
});

const SHAPE = [3, 5, 4, 6] as const;

/** Training-mode BN as tfjs-layers computes it: batch moments, then tf.batchNorm. */
function trainingBn(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, dy: tf.Tensor4D): tf.Scalar {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.sum(tf.mul(tf.batchNorm(x, mean, variance, beta, gamma, 1e-3), dy));
}

function inputs(seed: number) {
  const r = rng(seed);
  const x = randomArray(r, SHAPE);
  for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) * 3 + 1; // not already normalized
  return { x, gamma: randomArray(r, [6]), beta: randomArray(r, [6]), dy: randomArray(r, SHAPE) };
}

function gradients(v: ReturnType<typeof inputs>): () => tf.Tensor[] {
  return () => {
    const x = tf.tensor4d(v.x, [...SHAPE]);
    const gamma = tf.tensor1d(v.gamma);
    const beta = tf.tensor1d(v.beta);
    const dy = tf.tensor4d(v.dy, [...SHAPE]);
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      trainingBn(a as tf.Tensor4D, b as tf.Tensor1D, c as tf.Tensor1D, dy),
    )([x, gamma, beta]);
    tf.dispose([x, gamma, beta, dy]);
    return grads;
  };
}

describe('FusedBatchNorm gradient', () => {
  test('is ours after selectBackend(wasm), and registering again changes nothing', () => {
    expect(tf.getGradient('FusedBatchNorm')).toBe(batchNormGradient);
    expect(registerBatchNormGradient()).toBe(false);
  });

  test("training-mode BN: same x, γ and β gradients as tfjs' own gradient (cpu)", async () => {
    const v = inputs(1);
    const ours = await runOn('cpu', gradients(v));
    restoreBatchNormGradient();
    const theirs = await runOn('cpu', gradients(v));
    registerBatchNormGradient();
    expect(ours).toHaveLength(3);
    ours.forEach((o, i) => {
      expect(o.shape).toEqual(theirs[i]?.shape);
      expect(relativeError(o.values, theirs[i]?.values ?? [])).toBeLessThanOrEqual(1e-5);
    });
  });

  test('mean and variance given as rank-4 tensors fall back to the original gradient', async () => {
    const v = inputs(2);
    const run = () => {
      const x = tf.tensor4d(v.x, [...SHAPE]);
      const mean = tf.fill([1, 1, 1, 6], 0.5) as tf.Tensor4D;
      const variance = tf.fill([1, 1, 1, 6], 2) as tf.Tensor4D;
      const offset = tf.fill([1, 1, 1, 6], 0.25) as tf.Tensor4D;
      const scale = tf.fill([1, 1, 1, 6], 3) as tf.Tensor4D;
      const dy = tf.tensor4d(v.dy, [...SHAPE]);
      const bn = (t: tf.Tensor) =>
        tf.sum(tf.mul(tf.batchNorm(t as tf.Tensor4D, mean, variance, offset, scale), dy));
      const g = tf.grad(bn)(x);
      tf.dispose([x, mean, variance, offset, scale, dy]);
      return [g];
    };
    const ours = await runOn('cpu', run);
    expect(ours[0]?.shape).toEqual([...SHAPE]);
    // With constant statistics, dx = dy · scale / sqrt(var + eps).
    const expected = Float32Array.from(v.dy, (d) => (3 * d) / Math.sqrt(2 + 0.001));
    expect(relativeError(ours[0]?.values ?? [], expected)).toBeLessThanOrEqual(1e-6);
  });

  test('wasm matches cpu', async () => {
    const errors = await wasmVsCpu(gradients(inputs(3)));
    expect(errors).toHaveLength(3);
    for (const e of errors) expect(e).toBeLessThanOrEqual(RELATIVE_ERROR_BOUND);
  });
});
