// Parity of the ONNX export (onnxruntime-node, CPU) with an independent tfjs implementation
// of the spec (tfjs cpu backend), on seeded weights whose BN statistics come from a
// calibration batch. Tolerance: maxAbs / max|reference| <= 1e-4 on logits and features.

import { type NetworkSpec, NODE_TRANSFORMS } from '@randwire/spec';
import { handSpec } from '@randwire/spec/testing';
import * as tf from '@tensorflow/tfjs';
import { compareOutputs } from './compare-outputs';
import { exportOnnx } from './export-onnx';
import { nhwcToNchw } from './layout';
import { runOnnx } from './run-onnx';
import { calibratedWeights, normals, referenceForward } from './test-utils/reference';

const TOLERANCE = 1e-4;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function parity(spec: NetworkSpec, opts: { foldBn?: boolean; seed?: number; count?: number } = {}) {
  const seed = opts.seed ?? 1;
  const count = opts.count ?? 4;
  const weights = calibratedWeights(spec, seed);
  const { height, width, channels } = spec.input;
  const x = normals(count * height * width * channels, seed + 7);
  const ref = referenceForward(spec, weights, x, count);
  const bytes = exportOnnx(spec, weights, { foldBn: opts.foldBn ?? false });
  const out = await runOnnx(bytes, {
    data: nhwcToNchw(x, [count, height, width, channels]),
    shape: [count, channels, height, width],
  });
  const logits = compareOutputs(ref.logits, out['logits']!.data, {
    rowLength: spec.classes,
    tolerance: TOLERANCE,
  });
  const features = compareOutputs(ref.features, out['features']!.data, { tolerance: TOLERANCE });
  const probs = compareOutputs(ref.probs, out['probs']!.data, {
    rowLength: spec.classes,
    tolerance: TOLERANCE,
  });
  // The signal must depend on the input, or parity would prove little.
  const spread = Math.max(...ref.logits) - Math.min(...ref.logits);
  return { logits, features, probs, spread };
}

describe('ONNX export parity with tfjs', () => {
  for (const transform of NODE_TRANSFORMS) {
    for (const size of [9, 8]) {
      for (const foldBn of [false, true]) {
        it(`${transform}, ${size}x${size} input (${size % 2 ? 'odd' : 'even'}), foldBn ${foldBn}`, async () => {
          const spec = handSpec({ transform, height: size, width: size });
          const r = await parity(spec, { foldBn });
          expect(r.spread).toBeGreaterThan(0.1);
          expect(r.logits.maxRel).toBeLessThanOrEqual(TOLERANCE);
          expect(r.features.maxRel).toBeLessThanOrEqual(TOLERANCE);
          expect(r.probs.maxRel).toBeLessThanOrEqual(TOLERANCE);
          expect(r.logits.top1Agreement).toBe(1);
          expect(r.logits.pass).toBe(true);
        });
      }
    }
  }
});
