import { handSpec } from '@randwire/spec/testing';
import * as tf from '@tensorflow/tfjs';
import { OnnxRuntimeError } from './errors';
import { exportOnnx } from './export-onnx';
import { predictOnnx } from './predict-onnx';
import { calibratedWeights, referenceForward, rng } from './test-utils/reference';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('predictOnnx', () => {
  const spec = handSpec({ height: 8, width: 8, imageChannels: 3, classes: 4 });
  const weights = calibratedWeights(spec, 9);
  const model = exportOnnx(spec, weights, { noSoftmax: true });
  const u = rng(5);
  const count = 6;
  const images = Uint8Array.from({ length: count * 8 * 8 * 3 }, () => Math.floor(u() * 256));

  it('normalizes uint8 NHWC images from the metadata and ranks classes like the reference', async () => {
    const { spec: name, predictions } = await predictOnnx(
      model,
      { images, count, height: 8, width: 8, channels: 3 },
      { topK: 3 },
    );
    expect(name).toBe(spec.name);
    const { mean, std } = spec.input;
    const nhwc = Float32Array.from(images, (v, i) => (v / 255 - mean[i % 3]!) / std[i % 3]!);
    const ref = referenceForward(spec, weights, nhwc, count);
    expect(predictions).toHaveLength(count);
    for (let i = 0; i < count; i++) {
      const p = predictions[i]!;
      const row = Array.from(ref.probs.subarray(i * 4, i * 4 + 4));
      expect(p.label).toBe(row.indexOf(Math.max(...row)));
      expect(p.top).toHaveLength(3);
      expect(p.top[0]!.prob).toBeCloseTo(row[p.label]!, 4);
      expect(p.top[0]!.prob).toBeGreaterThanOrEqual(p.top[1]!.prob);
      for (let c = 0; c < 4; c++) expect(p.logits[c]).toBeCloseTo(ref.logits[i * 4 + c]!, 3);
    }
  });

  it('rejects images of the wrong size', async () => {
    await expect(
      predictOnnx(model, { images: new Uint8Array(9 * 9 * 3), count: 1, height: 9, width: 9, channels: 3 }),
    ).rejects.toThrow(OnnxRuntimeError);
  });
});
