import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { batches, syntheticDataset } from '@randwire/datasets';
import { parseSpec } from '@randwire/spec';
import { learningRateAt, modelWeights, selectBackend, train } from '@randwire/tfjs';
import * as tf from '@tensorflow/tfjs';
import { TrainStepper } from './training-step';

const tiny = parseSpec(
  readFileSync(join(__dirname, '..', '..', '..', '..', 'packages', 'spec', 'fixtures', 'tiny.json'), 'utf8'),
);

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('TrainStepper', () => {
  it('gives bit-identical weights to train() on the same batches, and leaks no tensors', async () => {
    const { height, width, channels } = tiny.input;
    const data = syntheticDataset({ count: 24, height, width, channels, classes: tiny.classes, seed: 3 });
    const options = { epochs: 1, batchSize: 8, seed: 5, lr: 0.05, dropEdge: 0.5 };
    const result = await train(tiny, { train: data }, options);
    const expected = modelWeights(result.model, tiny);
    result.model.dispose();

    const stepper = new TrainStepper(tiny, { seed: 5, dropEdge: 0.5 });
    const schedule = { lr: 0.05, totalSteps: 3, warmupSteps: 0 };
    const losses: number[] = [];
    let tensors = -1;
    for (const b of batches(data, { batchSize: 8, shuffle: true, seed: 5, epoch: 0, dropLast: true })) {
      losses.push(stepper.step(b.images, b.labels, b.size, learningRateAt(stepper.steps, schedule)).loss);
      if (tensors < 0) tensors = tf.memory().numTensors;
      else expect(tf.memory().numTensors).toBe(tensors);
    }
    expect(losses).toHaveLength(3);
    expect(result.metrics[0]!.trainLoss).toBeCloseTo((losses[0]! + losses[1]! + losses[2]!) / 3, 5);
    const actual = modelWeights(stepper.model, tiny);
    expect(actual.map((w) => w.name)).toEqual(expected.map((w) => w.name));
    for (let i = 0; i < actual.length; i++) expect(actual[i]!.values).toEqual(expected[i]!.values);
    stepper.dispose();
  });
});
