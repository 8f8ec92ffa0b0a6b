// A small tf.layers convnet (conv2d + separableConv2d + batchNorm + dense) trains on wasm with
// the registered gradient kernels and gets the same gradients there as on cpu.

import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../backend';
import {
  quietTfjs,
  RELATIVE_ERROR_BOUND,
  randomArray,
  relativeError,
  rng,
  runOn,
} from './test-utils/compare';

const BATCH = 6;
const SHAPE = [10, 10, 2] as const;
const CLASSES = 3;

beforeAll(async () => {
  quietTfjs();
  await selectBackend('wasm');
});

function makeModel(seed: number): tf.LayersModel {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed + s });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [...SHAPE],
        filters: 4,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        useBias: false,
        kernelInitializer: init(1),
      }),
      tf.layers.batchNormalization(),
      tf.layers.reLU(),
      tf.layers.separableConv2d({
        filters: 6,
        kernelSize: 3,
        padding: 'same',
        depthMultiplier: 2,
        useBias: false,
        depthwiseInitializer: init(2),
        pointwiseInitializer: init(3),
      }),
      tf.layers.batchNormalization(),
      tf.layers.reLU(),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: CLASSES, kernelInitializer: init(4) }),
    ],
  });
}

function data(seed: number): { xs: Float32Array; ys: Int32Array } {
  const r = rng(seed);
  const ys = Int32Array.from({ length: BATCH }, (_, i) => i % CLASSES);
  const xs = randomArray(r, [BATCH, ...SHAPE]);
  // Make the classes separable: shift each image's mean by its label.
  const per = SHAPE[0] * SHAPE[1] * SHAPE[2];
  for (let i = 0; i < BATCH; i++)
    for (let j = 0; j < per; j++) xs[i * per + j] = (xs[i * per + j] as number) + (ys[i] as number) - 1;
  return { xs, ys };
}

function lossOf(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor): tf.Scalar {
  const logits = model.apply(xs, { training: true }) as tf.Tensor;
  return tf.losses.softmaxCrossEntropy(tf.oneHot(ys as tf.Tensor1D, CLASSES), logits) as tf.Scalar;
}

test('one training step: every weight gradient matches cpu', async () => {
  const { xs, ys } = data(11);
  // Same initial weights on both backends: taken from a cpu-built model.
  const weights = await runOn('cpu', () => {
    const m = makeModel(5);
    const w = m.getWeights().map((t) => t.clone());
    m.dispose();
    return w;
  });
  const gradients = (): tf.Tensor[] => {
    const model = makeModel(5);
    model.setWeights(weights.map((w) => tf.tensor(w.values, w.shape)));
    const x = tf.tensor4d(xs, [BATCH, ...SHAPE]);
    const y = tf.tensor1d(ys, 'int32');
    const { grads } = tf.variableGrads(
      () => lossOf(model, x, y),
      model.trainableWeights.map((w) => w.read() as tf.Variable),
    );
    const out = model.trainableWeights.map((w) => {
      const g = grads[(w.read() as tf.Variable).name];
      if (g == null) throw new Error(`no gradient for ${w.name}`);
      return g.clone();
    });
    tf.dispose([x, y, ...Object.values(grads)]);
    model.dispose();
    return out;
  };
  const cpu = await runOn('cpu', gradients);
  const wasm = await runOn('wasm', gradients);
  expect(wasm).toHaveLength(cpu.length);
  // conv kernel, 2 × BN γ β, separable depthwise + pointwise, dense kernel + bias (no biases
  // before BN: their true gradient is 0, so their relative error is meaningless).
  expect(cpu.length).toBe(9);
  cpu.forEach((c, i) => {
    expect(wasm[i]?.shape).toEqual(c.shape);
    expect(relativeError(wasm[i]?.values ?? [], c.values)).toBeLessThanOrEqual(RELATIVE_ERROR_BOUND);
  });
});

test('the loss goes down over a few seeded SGD steps on wasm, without leaking tensors', async () => {
  await tf.setBackend('wasm');
  const { xs, ys } = data(12);
  const model = makeModel(6);
  const x = tf.tensor4d(xs, [BATCH, ...SHAPE]);
  const y = tf.tensor1d(ys, 'int32');
  const optimizer = tf.train.momentum(0.1, 0.9);
  const step = (): number => {
    const loss = optimizer.minimize(() => lossOf(model, x, y), true) as tf.Scalar;
    const v = loss.dataSync()[0] as number;
    loss.dispose();
    return v;
  };
  const first = step();
  const tensors = tf.memory().numTensors;
  let last = first;
  for (let i = 0; i < 8; i++) last = step();
  expect(tf.memory().numTensors).toBe(tensors);
  expect(Number.isFinite(last)).toBe(true);
  expect(last).toBeLessThan(first * 0.8);
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
});
