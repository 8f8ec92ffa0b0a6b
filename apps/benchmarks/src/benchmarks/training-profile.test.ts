import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSpec } from '@randwire/spec';
import { selectBackend } from '@randwire/tfjs';
import * as tf from '@tensorflow/tfjs';
import { formatProfile, profileTrainingStep } from './training-profile';
import { TrainStepper } from './training-step';

const tiny = parseSpec(
  readFileSync(join(__dirname, '..', '..', '..', '..', 'packages', 'spec', 'fixtures', 'tiny.json'), 'utf8'),
);

describe('profileTrainingStep', () => {
  it('sums kernel times by kernel over one training step, largest first, leaking nothing', async () => {
    await selectBackend('cpu');
    // Whatever building and disposing a stepper leaves behind (today: SgdMomentum's zerosLike
    // initial values), profiling two steps must not add to it.
    let before = tf.memory().numTensors;
    new TrainStepper(tiny).dispose();
    const construction = tf.memory().numTensors - before;
    before = tf.memory().numTensors;
    const p = await profileTrainingStep(tiny, 4);
    expect(tf.memory().numTensors - before).toBe(construction);
    const names = p.kernels.map((k) => k.kernel);
    // forward and backward kernels of the separable convs, and the optimizer's update
    expect(names).toEqual(
      expect.arrayContaining(['DepthwiseConv2dNative', 'Conv2D', 'Conv2DBackpropFilter']),
    );
    expect(new Set(names).size).toBe(names.length);
    for (let i = 1; i < p.kernels.length; i++)
      expect(p.kernels[i]!.ms).toBeLessThanOrEqual(p.kernels[i - 1]!.ms);
    // exclusive times: nothing counted twice, composed kernels include what they call
    const exclusive = p.kernels.reduce((a, k) => a + k.ms, 0);
    expect(exclusive).toBeCloseTo(p.kernelMs, 6);
    expect(p.kernelMs).toBeLessThanOrEqual(p.stepMs);
    expect(p.otherMs).toBeCloseTo(p.stepMs - p.kernelMs, 6);
    for (const k of p.kernels) {
      expect(k.ms).toBeGreaterThanOrEqual(0);
      expect(k.inclusiveMs).toBeGreaterThanOrEqual(k.ms - 1e-9);
      expect(k.share).toBeCloseTo(k.ms / p.stepMs, 9);
    }
    expect(formatProfile(p, 2)).toMatch(
      /^step \d+ ms: kernels \d+ ms, other JS \d+ ms; \w+ \d+% \(\d+ ms, \d+ calls\), \w+ \d+%/,
    );
  });
});
