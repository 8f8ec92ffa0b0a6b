import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { syntheticDataset } from '@randwire/datasets';
import type { NetworkSpec } from '@randwire/spec';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './backend';
import { buildModel } from './model';
import { TrainStep } from './train-step';

const tiny = JSON.parse(
  readFileSync(join(__dirname, '../../spec/fixtures/tiny.json'), 'utf8'),
) as NetworkSpec;

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('TrainStep', () => {
  it('lowers the loss on a fixed batch, leaks nothing, and skips the update on a NaN loss', () => {
    const ds = syntheticDataset({ count: 16, height: 9, width: 9, channels: 1, classes: 3, seed: 0 });
    const model = buildModel(tiny, { seed: 0 });
    const stepper = new TrainStep(model, tiny, { labelSmoothing: 0 });
    const first = stepper.run(ds.images, ds.labels, 16, 0, 0.05);
    const tensors = tf.memory().numTensors;
    let last = first;
    for (let s = 1; s < 6; s++) last = stepper.run(ds.images, ds.labels, 16, s, 0.05);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(first.applied && last.applied).toBe(true);
    expect(last.loss).toBeLessThan(first.loss);
    expect(last.correct).toBeGreaterThanOrEqual(0);
    expect(last.correct).toBeLessThanOrEqual(16);

    const fc = model.getLayer('fc');
    const [k, b] = fc.getWeights();
    fc.setWeights([tf.fill(k!.shape, Number.NaN), b!]);
    const gamma = model.getLayer('conv1_bn').getWeights()[0]!.dataSync().slice();
    const bad = stepper.run(ds.images, ds.labels, 16, 6, 0.05);
    expect(bad.applied).toBe(false);
    expect(Number.isNaN(bad.loss)).toBe(true);
    expect(Array.from(model.getLayer('conv1_bn').getWeights()[0]!.dataSync())).toEqual(Array.from(gamma));
    stepper.dispose();
    model.dispose();
  });
});
