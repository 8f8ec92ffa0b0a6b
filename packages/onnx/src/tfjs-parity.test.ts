// Parity of the export with @randwire/tfjs's own model (buildModel, tfjs cpu backend): the
// model gets seeded weights with BN statistics calibrated from a batch, is saved as a run
// directory in the tf.io format, exported from that directory and run in onnxruntime.
// Tolerance: maxAbs / max|tfjs| <= 1e-4 on logits, probs and features.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type GenerateSpecOptions, generateSpec, type NetworkSpec, NODE_TRANSFORMS } from '@randwire/spec';
import { handSpec } from '@randwire/spec/testing';
import { buildModel, parameterVariables } from '@randwire/tfjs';
import * as tf from '@tensorflow/tfjs';
import { compareOutputs } from './compare-outputs';
import { exportRunDir } from './export-run-dir';
import { nhwcToNchw } from './layout';
import { runOnnx } from './run-onnx';
import { calibratedWeights, normals } from './test-utils/reference';
import { writeTestRunDir } from './test-utils/run-dir';

const TOLERANCE = 1e-4;
let tmp: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'randwire-onnx-tfjs-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function tfjsVsOnnx(spec: NetworkSpec, foldBn: boolean, seed = 3, calibration = 16, count = 5) {
  const model = buildModel(spec, { seed });
  const weights = calibratedWeights(spec, seed, calibration);
  for (const { info, variable } of parameterVariables(model, spec)) {
    const w = weights.get(info.name)!;
    variable.write(tf.tensor(w.data, w.shape));
  }
  const dir = path.join(tmp, `${spec.name}-${foldBn}`);
  await writeTestRunDir(dir, spec, model);
  const out = path.join(dir, 'model.onnx');
  exportRunDir(dir, out, { foldBn });

  const { height, width, channels } = spec.input;
  const x = normals(count * height * width * channels, seed + 11);
  const ys = model.predict(tf.tensor4d(x, [count, height, width, channels])) as tf.Tensor[];
  const [logits, probs, features] = ys.map((y) => y.dataSync() as Float32Array) as [
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  const ort = await runOnnx(out, {
    data: nhwcToNchw(x, [count, height, width, channels]),
    shape: [count, channels, height, width],
  });
  model.dispose();
  return {
    spread: Math.max(...logits) - Math.min(...logits),
    logits: compareOutputs(logits, ort['logits']!.data, { rowLength: spec.classes, tolerance: TOLERANCE }),
    probs: compareOutputs(probs, ort['probs']!.data, { rowLength: spec.classes, tolerance: TOLERANCE }),
    features: compareOutputs(features, ort['features']!.data, { tolerance: TOLERANCE }),
  };
}

describe('export parity with @randwire/tfjs buildModel', () => {
  for (const transform of NODE_TRANSFORMS) {
    it(`${transform}: run dir → ONNX matches the tfjs model (odd 9x9 folded, even 8x8 unfolded)`, async () => {
      for (const [size, foldBn] of [
        [9, true],
        [8, false],
      ] as const) {
        const r = await tfjsVsOnnx(
          handSpec({ transform, height: size, width: size, name: `${transform}-${size}` }),
          foldBn,
        );
        expect(r.spread).toBeGreaterThan(0.1);
        expect(r.logits.maxRel).toBeLessThanOrEqual(TOLERANCE);
        expect(r.probs.maxRel).toBeLessThanOrEqual(TOLERANCE);
        expect(r.features.maxRel).toBeLessThanOrEqual(TOLERANCE);
        expect(r.logits.top1Agreement).toBe(1);
      }
    });
  }

  it('the tiny fixture spec matches, BN folded and not', async () => {
    const spec = JSON.parse(
      fs.readFileSync(path.join(__dirname, '../../spec/fixtures/tiny.json'), 'utf8'),
    ) as NetworkSpec;
    for (const foldBn of [false, true]) {
      const r = await tfjsVsOnnx({ ...spec, name: `tiny-${foldBn}` }, foldBn);
      expect(r.spread).toBeGreaterThan(0.1);
      expect(r.logits.pass).toBe(true);
      expect(r.features.pass).toBe(true);
    }
  });

  // The paper's regimes (randwire.md section 5) shrunk: N = 6, C = 8, head 64; every stage
  // downsamples, down to 1x1 (28 → 14 → 7 → 4 → 2 → 1 takes odd and even stride-2 steps).
  const regimes: Array<[string, NetworkSpec]> = [
    [
      'small regime (conv1, conv2, 3 random stages), 28x28x1',
      handSpec({
        name: 'shrunk-small',
        height: 28,
        width: 28,
        imageChannels: 1,
        classes: 10,
        stem: [
          [2, 4, false],
          [2, 8, true],
        ],
        stages: [
          [6, 8, true],
          [6, 16, true],
          [6, 32, true],
        ],
        headChannels: 64,
      }),
    ],
    [
      'regular regime (conv1, 4 random stages), 32x32x3',
      handSpec({
        name: 'shrunk-regular',
        height: 32,
        width: 32,
        imageChannels: 3,
        classes: 10,
        stem: [[2, 4, false]],
        stages: [
          [3, 8, true],
          [6, 16, true],
          [6, 32, true],
          [6, 64, true],
        ],
        headChannels: 64,
      }),
    ],
  ];
  for (const [what, spec] of regimes) {
    it(`${what}: matches, BN folded and not`, async () => {
      for (const foldBn of [false, true]) {
        const r = await tfjsVsOnnx({ ...spec, name: `${spec.name}-${foldBn}` }, foldBn);
        expect(r.spread).toBeGreaterThan(0.1);
        expect(r.logits.maxRel).toBeLessThanOrEqual(TOLERANCE);
        expect(r.features.maxRel).toBeLessThanOrEqual(TOLERANCE);
        expect(r.logits.top1Agreement).toBe(1);
      }
    });
  }

  // @randwire/spec's presets through generateSpec (small N and C so the test stays fast;
  // BN folded for one preset and kept for the next).
  const presets: Array<[string, GenerateSpecOptions]> = [
    [
      'mnist-small, WS',
      { preset: 'mnist-small', seed: 0, nodes: 6, channels: 8, headChannels: 32, classes: 10 },
    ],
    [
      'cifar-small, BA(2)',
      { preset: 'cifar-small', seed: 1, nodes: 6, channels: 8, headChannels: 32, model: 'ba', m: 2 },
    ],
    [
      'small regime at 32x32, ER(0.4)',
      {
        preset: 'small',
        seed: 2,
        nodes: 6,
        channels: 8,
        headChannels: 32,
        classes: 10,
        model: 'er',
        p: 0.4,
        input: { height: 32, width: 32, channels: 3 },
      },
    ],
    [
      'regular-109 regime at 32x32, BA(2)',
      {
        preset: 'regular-109',
        seed: 3,
        nodes: 6,
        channels: 4,
        headChannels: 32,
        classes: 10,
        model: 'ba',
        m: 2,
        input: { height: 32, width: 32, channels: 3 },
      },
    ],
  ];
  presets.forEach(([what, options], i) => {
    const foldBn = i % 2 === 1;
    it(`preset ${what}: matches, foldBn ${foldBn}`, async () => {
      const spec = generateSpec(options);
      const r = await tfjsVsOnnx(spec, foldBn, 3, 8, 3);
      expect(r.spread).toBeGreaterThan(0.1);
      expect(r.logits.maxRel).toBeLessThanOrEqual(TOLERANCE);
      expect(r.features.maxRel).toBeLessThanOrEqual(TOLERANCE);
      expect(r.logits.top1Agreement).toBe(1);
    });
  });
});
