// Evaluation on onnxruntime (an in-memory export of the weights) gives @randwire/tfjs's
// `evaluate` result for every node transform: same predictions, per-class counts and
// confusion matrix, loss within 1e-5 relative.
import { syntheticDataset } from '@randwire/datasets';
import { NODE_TRANSFORMS } from '@randwire/spec';
import { handSpec } from '@randwire/spec/testing';
import { evaluate, modelWeights, selectBackend, train } from '@randwire/tfjs';
import { onnxruntimeEngine } from './engine';
import { evaluateOnnx, weightMap } from './onnx-evaluate';

beforeAll(async () => {
  await selectBackend('wasm');
});

const synth = (count: number, seed: number) =>
  syntheticDataset({ count, height: 9, width: 9, channels: 1, classes: 4, seed });

describe('evaluateOnnx', () => {
  it.each([...NODE_TRANSFORMS])('%s: the result of tfjs evaluate', async (transform) => {
    const base = handSpec({ transform, classes: 4, name: `eval-${transform}` });
    // Trained briefly: 24 steps, enough for moving statistics that give predictions depending on
    // the image (after 12 steps every transform's eval-mode output was still one class).
    const spec = { ...base, batchNorm: { epsilon: 1e-3, momentum: 0.8 } };
    const { model } = await train(
      spec,
      { train: synth(96, 1) },
      { epochs: 4, batchSize: 16, seed: 3 },
      { engine: onnxruntimeEngine(1) },
    );
    const ds = synth(60, 2);
    const theirs = evaluate(model, spec, ds, { batchSize: 16 });
    const ours = await evaluateOnnx(spec, weightMap(modelWeights(model, spec)), ds, {
      batchSize: 16,
      threads: 1,
    });
    model.dispose();
    const predicted = ours.confusion[0]!.map((_, p) => ours.confusion.reduce((a, row) => a + row[p]!, 0));
    expect(predicted.filter((c) => c > 0).length).toBeGreaterThan(1); // not one class for all
    expect({ ...ours, loss: 0 }).toEqual({ ...theirs, loss: 0 });
    expect(Math.abs(ours.loss - theirs.loss)).toBeLessThan(1e-5 * theirs.loss);
  });
});
