// The onnxruntime training engine against @randwire/tfjs's TrainStep (tfjs cpu backend, the
// reference autodiff): from the same initial weights, on the same batches and learning rates,
// both must give the same losses, weights, moving statistics and momentum buffers after
// several steps: every node transform it supports, odd and even input sizes (TF 'same'
// padding is asymmetric there), stride 2, depth multiplier, Nesterov and weight decay.
import { createHash } from 'node:crypto';
import { syntheticDataset } from '@randwire/datasets';
import { type NetworkSpec, NODE_TRANSFORMS, parameterList } from '@randwire/spec';
import { handSpec } from '@randwire/spec/testing';
import { buildModel, modelWeights, TrainStep } from '@randwire/tfjs';
import * as tf from '@tensorflow/tfjs';
import { OnnxTrainError } from './errors';
import { TRAIN_GRAPH_TRANSFORMS } from './train-graph';
import { type NamedArray, nchwcBlockSize, type OnnxTrainLayout, OnnxTrainStep } from './train-session';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** max |a - b| / max(|b|, 1e-3) over one array. */
function relDiff(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 1e-3;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

function worst(ours: NamedArray[], theirs: NamedArray[]): { name: string; rel: number } {
  const byName = new Map(theirs.map((t) => [t.name, t]));
  let w = { name: '', rel: 0 };
  for (const o of ours) {
    const rel = relDiff(o.values, byName.get(o.name)!.values);
    if (rel >= w.rel) w = { name: o.name, rel };
  }
  return w;
}

async function compareSteps(
  spec: NetworkSpec,
  options: { nesterov?: boolean; weightDecay?: number; momentum?: number } = {},
  steps = 3,
) {
  const batch = 6;
  const { height, width, channels } = spec.input;
  const ds = syntheticDataset({
    count: batch * steps,
    height,
    width,
    channels,
    classes: spec.classes,
    seed: 4,
  });
  const model = buildModel(spec, { seed: 5 });
  const sgd = {
    momentum: options.momentum ?? 0.9,
    nesterov: options.nesterov ?? false,
    weightDecay: options.weightDecay ?? 5e-3,
    labelSmoothing: 0.1,
  };
  const initial = modelWeights(model, spec);
  const ours = await Promise.all(
    (await layouts()).map((layout) => OnnxTrainStep.create(spec, initial, { ...sgd, threads: 1, layout })),
  );
  const ref = new TrainStep(model, spec, sgd);
  const per = height * width * channels;
  const losses: Array<[number, number]> = [];
  for (let s = 0; s < steps; s++) {
    const images = ds.images.subarray(s * batch * per, (s + 1) * batch * per);
    const labels = ds.labels.subarray(s * batch, (s + 1) * batch);
    const lr = 0.1 / (s + 1);
    const b = ref.run(images, labels, batch, s, lr);
    for (const o of ours) {
      const a = await o.run(images, labels, batch, lr);
      expect(a.applied).toBe(true);
      expect(a.correct).toBe(b.correct);
      losses.push([a.loss, b.loss]);
    }
  }
  const results = ours.map((o) => ({
    layout: o.blockSize > 0 ? 'nchwc' : 'nchw',
    weights: worst(o.weights(), modelWeights(model, spec)),
    momentum: worst(o.momentum(), ref.optimizer.getState()),
    moved: relDiff(o.weights()[0]!.values, initial[0]!.values),
  }));
  ref.dispose();
  model.dispose();
  for (const o of ours) await o.dispose();
  return { losses, results };
}

/** Both layouts where this onnxruntime has NCHWc kernels (x86-64: always), else plain NCHW. */
async function layouts(): Promise<OnnxTrainLayout[]> {
  return (await nchwcBlockSize()) > 0 ? ['nchwc', 'nchw'] : ['nchw'];
}

function expectAgreement(r: Awaited<ReturnType<typeof compareSteps>>): void {
  for (const [a, b] of r.losses) expect(Math.abs(a - b)).toBeLessThanOrEqual(TOL * Math.abs(b));
  for (const x of r.results) {
    expect(x.weights.rel).toBeLessThanOrEqual(TOL);
    expect(x.momentum.rel).toBeLessThanOrEqual(TOL);
  }
}

const TOL = 2e-4;

describe('OnnxTrainStep matches tfjs TrainStep', () => {
  for (const transform of TRAIN_GRAPH_TRANSFORMS) {
    for (const size of [9, 8]) {
      it(`${transform}, ${size}x${size}: losses, weights, BN statistics and momentum after 3 steps`, async () => {
        const r = await compareSteps(
          handSpec({ transform, height: size, width: size, name: `${transform}-${size}` }),
        );
        expectAgreement(r);
        // Training really moved the weights (a no-op engine would fail the comparisons above
        // only if tfjs also did nothing).
        for (const x of r.results) expect(x.moved).toBeGreaterThan(1e-3);
      });
    }
  }

  it('9x9 maps in a stage without downsampling: per-tap depthwise gradients, depth multiplier 2 at stride 1', async () => {
    for (const transform of ['sep-conv-3x3', 'depthwise-3x3'] as const) {
      const spec = handSpec({
        transform,
        stages: [
          [5, 8, false],
          [4, 16, true],
        ],
        name: `${transform}-large`,
      });
      expectAgreement(await compareSteps(spec, {}, 2));
    }
  });

  it('three image channels (normalized per channel inside the graph), odd channel counts', async () => {
    const spec = handSpec({ imageChannels: 3, stem: [[1, 5, false]], stages: [[5, 6, true]], name: 'rgb' });
    expectAgreement(await compareSteps(spec, {}, 2));
  });

  it('Nesterov, no weight decay, stem with pre-ReLU and two stem units at stride 2', async () => {
    const spec = handSpec({
      height: 10,
      width: 10,
      stem: [
        [2, 4, false],
        [1, 6, true],
      ],
      stages: [[5, 8, true]],
      name: 'nesterov',
    });
    expectAgreement(await compareSteps(spec, { nesterov: true, weightDecay: 0 }));
  });
});

describe('OnnxTrainStep state and errors', () => {
  const spec = handSpec({ name: 'state' });
  const model = buildModel(spec, { seed: 1 });
  const weights = modelWeights(model, spec);
  afterAll(() => model.dispose());

  it('a non-finite loss changes nothing; weights and momentum round-trip', async () => {
    const ds = syntheticDataset({ count: 4, height: 9, width: 9, channels: 1, classes: 3, seed: 0 });
    const step = await OnnxTrainStep.create(spec, weights, { threads: 1 });
    await step.run(ds.images, ds.labels, 4, 0.1);
    const before = step.weights();
    const momentum = step.momentum();
    expect(momentum.some((m) => m.values.some((v) => v !== 0))).toBe(true);
    const bad = before.map((w) =>
      w.name === 'fc/kernel' ? { ...w, values: w.values.map(() => Number.NaN) } : w,
    );
    step.setWeights(bad, 'test');
    const r = await step.run(ds.images, ds.labels, 4, 0.1);
    expect(r.applied).toBe(false);
    expect(Number.isNaN(r.loss)).toBe(true);
    expect(step.momentum()).toEqual(momentum);
    step.setWeights(before, 'test');
    expect(step.weights()).toEqual(before);
    await step.dispose();
  });

  it('is reproducible to the byte: a re-run and another thread count give identical weights, in each layout', async () => {
    // Channels over several NCHWc blocks, so that 2 threads split real work.
    const wide = handSpec({
      stages: [
        [5, 24, true],
        [4, 48, true],
      ],
      name: 'wide',
    });
    const m = buildModel(wide, { seed: 1 });
    const start = modelWeights(m, wide);
    m.dispose();
    const ds = syntheticDataset({ count: 8, height: 9, width: 9, channels: 1, classes: 3, seed: 2 });
    for (const layout of await layouts()) {
      const digests: string[] = [];
      let trained: NamedArray[] = [];
      for (const threads of [1, 2, 1]) {
        const step = await OnnxTrainStep.create(wide, start, { threads, layout });
        for (let i = 0; i < 3; i++) await step.run(ds.images, ds.labels, 8, 0.1);
        trained = step.weights();
        const h = createHash('sha256');
        for (const w of [...trained, ...step.momentum()]) h.update(new Uint8Array(w.values.buffer));
        digests.push(h.digest('hex'));
        await step.dispose();
      }
      expect(new Set(digests).size).toBe(1);
      expect(trained).not.toEqual(start); // the digests cover weights that training changed
    }
  });

  it('auto takes the NCHWc layout where onnxruntime has it, and says so', async () => {
    const bs = await nchwcBlockSize();
    const step = await OnnxTrainStep.create(spec, weights, { threads: 1 });
    expect(step.blockSize).toBe(bs);
    await step.dispose();
    await expect(OnnxTrainStep.create(spec, weights, { layout: 'nhwc' as OnnxTrainLayout })).rejects.toThrow(
      /invalid layout \(nhwc\)/,
    );
  });

  it('rejects missing or misshapen weights, unknown names and bad labels, naming them', async () => {
    const missing = weights.filter((w) => w.name !== 'fc/bias');
    await expect(OnnxTrainStep.create(spec, missing)).rejects.toThrow(/missing weight 'fc\/bias'/);
    const misshapen = weights.map((w) => (w.name === 'fc/bias' ? { ...w, shape: [2] } : w));
    await expect(OnnxTrainStep.create(spec, misshapen)).rejects.toThrow(/'fc\/bias' has shape \[2\]/);
    const extra = [...weights, { name: 'nope/kernel', shape: [1], values: new Float32Array(1) }];
    await expect(OnnxTrainStep.create(spec, extra)).rejects.toThrow(/nope\/kernel/);
    await expect(OnnxTrainStep.create(spec, weights, { threads: 0 })).rejects.toThrow(OnnxTrainError);
    const step = await OnnxTrainStep.create(spec, weights, { threads: 1 });
    await expect(step.run(new Uint8Array(81 * 2), new Uint8Array([0, 7]), 2, 0.1)).rejects.toThrow(/label 7/);
    await step.dispose();
  });

  it('names the transforms it cannot train', async () => {
    const unsupported = NODE_TRANSFORMS.filter((t) => !TRAIN_GRAPH_TRANSFORMS.includes(t));
    expect(unsupported.length).toBeGreaterThan(0);
    for (const transform of unsupported) {
      const s = handSpec({ transform, name: transform });
      const m = buildModel(s, { seed: 0 });
      const step = await OnnxTrainStep.create(s, modelWeights(m, s), { threads: 1 });
      await expect(step.run(new Uint8Array(81), new Uint8Array([0]), 1, 0.1)).rejects.toThrow(
        new RegExp(`'${transform}'.*must be one of`),
      );
      m.dispose();
    }
    expect(parameterList(spec).length).toBeGreaterThan(0);
  });
});
