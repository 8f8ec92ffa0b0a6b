import * as tf from '@tensorflow/tfjs';
import { registerRandwireLayers } from './register';
import { TrainingNoise } from './training-noise';
import { WeightedSum } from './weighted-sum';

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerRandwireLayers();
});

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

function inputs(n: number): tf.Tensor[] {
  return Array.from({ length: n }, (_, i) => tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 100 + i));
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number;
}

function expectedSum(xs: tf.Tensor[], w: number[], skip = -1): tf.Tensor {
  return tf.addN(xs.map((x, i) => tf.mul(x, i === skip ? 0 : (w[i] as number))));
}

describe('WeightedSum', () => {
  it('sums its inputs with weights sigmoid(logits), initially 0.5 each', () => {
    const layer = new WeightedSum({ name: 'ws_a' });
    const xs = inputs(3);
    const y = layer.apply(xs) as tf.Tensor;
    expect(layer.getWeights()[0]?.shape).toEqual([3]);
    expect(layer.aggregationWeights()).toEqual([0.5, 0.5, 0.5]);
    expect(maxAbsDiff(y, expectedSum(xs, [0.5, 0.5, 0.5]))).toBeLessThan(1e-6);
  });

  it('keeps every weight positive, whatever the logits', () => {
    const layer = new WeightedSum({ name: 'ws_b' });
    const xs = inputs(3);
    layer.apply(xs);
    layer.setWeights([tf.tensor1d([-30, 0.3, 25])]);
    const w = layer.aggregationWeights();
    for (const v of w) expect(v).toBeGreaterThan(0);
    expect(w[1]).toBeCloseTo(sigmoid(0.3), 6);
    const y = layer.apply(xs) as tf.Tensor;
    expect(maxAbsDiff(y, expectedSum(xs, w))).toBeLessThan(1e-5);
  });

  it('drops one input during training only, leaving the surviving weights as they are', () => {
    const layer = new WeightedSum({ name: 's9_n4_agg' });
    const noise = new TrainingNoise({ seed: 8, dropEdgeRate: 1 });
    layer.noise = noise;
    const xs = inputs(3);
    layer.apply(xs);
    layer.setWeights([tf.tensor1d([0.1, -0.2, 0.4])]);
    const w = layer.aggregationWeights();
    const seen = new Set<number>();
    for (let step = 0; step < 12; step++) {
      noise.step = step;
      const dropped = noise.droppedInput(layer.name, 3);
      seen.add(dropped);
      const train = layer.apply(xs, { training: true }) as tf.Tensor;
      expect(maxAbsDiff(train, expectedSum(xs, w, dropped))).toBeLessThan(1e-5);
      const infer = layer.apply(xs) as tf.Tensor;
      expect(maxAbsDiff(infer, expectedSum(xs, w))).toBeLessThan(1e-5);
    }
    expect([...seen].sort()).toEqual([0, 1, 2]);
  });

  it('passes gradients to the surviving weights and none to the dropped one', () => {
    const layer = new WeightedSum({ name: 's9_n5_agg' });
    const noise = new TrainingNoise({ seed: 2, dropEdgeRate: 1 });
    layer.noise = noise;
    const xs = inputs(3);
    layer.apply(xs);
    const logits = layer.trainableWeights[0]?.read() as tf.Variable;
    const dropped = noise.droppedInput(layer.name, 3);
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.square(layer.apply(xs, { training: true }) as tf.Tensor)) as tf.Scalar,
      [logits],
    );
    const g = Array.from((grads[logits.name] as tf.Tensor).dataSync());
    g.forEach((v, i) => {
      if (i === dropped) expect(v).toBe(0);
      else expect(Math.abs(v)).toBeGreaterThan(0);
    });
  });

  it('needs two or more inputs', () => {
    expect(() => new WeightedSum({ name: 'ws_one' }).apply(inputs(1))).toThrow(/2 or more inputs/);
    expect(() =>
      new WeightedSum({ name: 'ws_mixed' }).apply([tf.zeros([1, 2, 2, 3]), tf.zeros([1, 2, 2, 4])]),
    ).toThrow(/equal shapes/);
  });
});
