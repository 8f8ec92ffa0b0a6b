import * as tf from '@tensorflow/tfjs';
import { SeededDropout } from './seeded-dropout';
import { TrainingNoise } from './training-noise';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('SeededDropout', () => {
  it('is the identity at inference and draws a mask per step, reproducibly, in training', () => {
    const layer = new SeededDropout({ name: 'head_dropout', rate: 0.5 });
    const noise = new TrainingNoise({ seed: 1 });
    layer.noise = noise;
    const x = tf.ones([4, 64]);
    expect(Array.from((layer.apply(x) as tf.Tensor).dataSync()).every((v) => v === 1)).toBe(true);
    const mask = (step: number): number[] => {
      noise.step = step;
      return Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync());
    };
    const m0 = mask(0);
    expect(new Set(m0)).toEqual(new Set([0, 2])); // inverted dropout: kept units scaled by 1 / (1 - rate)
    const zeros = m0.filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(64); // 256 units, p = 0.5: 128 ± 8
    expect(zeros).toBeLessThan(192);
    expect(mask(1)).not.toEqual(m0);
    expect(mask(0)).toEqual(m0);
  });

  it("applies TrainingNoise.dropoutMask, which is bit for bit the mask tf.dropout draws from the step's seed", () => {
    const noise = new TrainingNoise({ seed: 9 });
    const x = tf.randomNormal([5, 37], 0, 1, 'float32', 3);
    for (const rate of [0.1, 0.5, 0.3]) {
      const layer = new SeededDropout({ name: 'head_dropout', rate });
      layer.noise = noise;
      for (const step of [0, 1, 17]) {
        noise.step = step;
        const seed = noise.dropoutSeed('head_dropout');
        const ours = (layer.apply(x, { training: true }) as tf.Tensor).dataSync();
        expect(Array.from(ours)).toEqual(Array.from(tf.dropout(x, rate, undefined, seed).dataSync()));
        const mask = noise.dropoutMask('head_dropout', 5 * 37, rate, step);
        expect(Array.from(tf.mul(x, tf.tensor(mask, [5, 37])).dataSync())).toEqual(Array.from(ours));
      }
    }
    expect(noise.dropoutMask('head_dropout', 4, 0)).toEqual(new Float32Array([1, 1, 1, 1]));
    expect(() => noise.dropoutMask('head_dropout', 4, 1)).toThrow(/invalid dropout rate \(1\)/);
  });

  it('serializes its rate and rejects invalid ones', () => {
    expect(new SeededDropout({ name: 'd', rate: 0.3 }).getConfig().rate).toBe(0.3);
    expect(() => new SeededDropout({ name: 'd', rate: 1 })).toThrow(/invalid rate \(1\)/);
  });
});
