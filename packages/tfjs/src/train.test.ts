import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedFashionMnist, limitDataset, syntheticDataset } from '@randwire/datasets';
import type { NetworkSpec } from '@randwire/spec';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './backend';
import { listCheckpoints, readCheckpoint } from './checkpoint';
import { CheckpointError, RunDirError, TrainingDivergedError, TrainOptionsError } from './errors';
import { evaluate } from './evaluate';
import { buildModel } from './model';
import { RUN_FILES, readMetrics } from './run-dir';
import {
  type EpochMetrics,
  modelWeights,
  resolveTrainOptions,
  TRAIN_RECIPES,
  type TrainEngineFactory,
  type TrainOptions,
  tfjsEngine,
  train,
} from './train';

const tiny = JSON.parse(
  readFileSync(join(__dirname, '../../spec/fixtures/tiny.json'), 'utf8'),
) as NetworkSpec;
const synth = (count: number, seed: number) =>
  syntheticDataset({ count, height: 9, width: 9, channels: 1, classes: 3, seed });
// Small, fast: 48 examples, batches of 16 → 3 steps per epoch.
const small = { train: synth(48, 1), test: synth(24, 2) };
const quick: Partial<TrainOptions> = { epochs: 2, batchSize: 16, lr: 0.05, seed: 3, dropEdge: 0.5 };

let dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'randwire-train-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  await selectBackend('wasm');
});
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function weightsOf(model: tf.LayersModel): Record<string, number[]> {
  return Object.fromEntries(modelWeights(model, tiny).map((w) => [w.name, Array.from(w.values)]));
}

describe('train', () => {
  it('reaches high accuracy on the synthetic set in a few seconds', async () => {
    const data = { train: synth(256, 1), test: synth(96, 2) };
    const r = await train(tiny, data, { epochs: 3, batchSize: 16, seed: 0 });
    expect(r.status).toBe('completed');
    expect(r.metrics).toHaveLength(3);
    expect(r.test!.accuracy).toBeGreaterThan(0.85);
    expect(r.metrics[2]!.trainLoss).toBeLessThan(r.metrics[0]!.trainLoss);
    r.model.dispose();
  });

  it('decreases the loss on a real Fashion-MNIST slice (embedded set)', async () => {
    const spec: NetworkSpec = {
      ...tiny,
      name: 'tiny-28',
      input: { ...tiny.input, height: 28, width: 28 },
      classes: 10,
      head: { ...tiny.head, classes: 10 },
    };
    const trainSet = limitDataset(embeddedFashionMnist('train'), 256);
    const probe = limitDataset(embeddedFashionMnist('test'), 128);
    const before = buildModel(spec, { seed: 0 });
    const lossBefore = evaluate(before, spec, probe).loss;
    before.dispose();
    const r = await train(spec, { train: trainSet }, { epochs: 2, batchSize: 16, lr: 0.2, seed: 0 });
    const after = evaluate(r.model, spec, probe);
    expect(r.metrics[1]!.trainLoss).toBeLessThan(r.metrics[0]!.trainLoss);
    expect(after.loss).toBeLessThan(lossBefore - 0.2);
    expect(after.accuracy!).toBeGreaterThan(0.15); // chance: 0.1
    r.model.dispose();
  });

  it('is deterministic: same seed → identical weights; updates BN moving statistics; no tensor leak', async () => {
    const counts: number[] = [];
    const a = await train(tiny, small, quick, { onStep: () => counts.push(tf.memory().numTensors) });
    const b = await train(tiny, small, quick);
    const c = await train(tiny, small, { ...quick, seed: 4 });
    const wa = weightsOf(a.model);
    expect(weightsOf(b.model)).toEqual(wa);
    expect(weightsOf(c.model)).not.toEqual(wa);
    // batch norm moving statistics moved away from their initial values (0 and 1)
    expect(wa['conv1_bn/moving_mean']!.some((v) => v !== 0)).toBe(true);
    expect(wa['conv1_bn/moving_variance']!.some((v) => v !== 1)).toBe(true);
    // aggregation weights received gradients
    const init = buildModel(tiny, { seed: 3 });
    expect(wa['s1_n2_agg/logits']).not.toEqual(weightsOf(init)['s1_n2_agg/logits']);
    init.dispose();
    // constant tensor count across steps (within and across epochs)
    expect(counts).toHaveLength(6);
    expect(new Set(counts).size).toBe(1);
    for (const r of [a, b, c]) r.model.dispose();
  });

  it('writes the run directory and resumes an interrupted run to the same final weights', async () => {
    const full = await train(tiny, small, quick, { runDir: tempDir() });
    const dir = tempDir();
    const ac = new AbortController();
    const part = await train(tiny, small, quick, {
      runDir: dir,
      signal: ac.signal,
      onStep: (s) => {
        if (s.step === 4) ac.abort(); // mid-epoch 2
      },
    });
    expect(part.status).toBe('interrupted');
    expect(part.position).toEqual({ epoch: 1, batch: 1, step: 4 });
    part.model.dispose();
    for (const f of [
      RUN_FILES.spec,
      RUN_FILES.config,
      RUN_FILES.metrics,
      'model/model.json',
      'model/weights.bin',
    ]) {
      expect(existsSync(join(dir, f))).toBe(true);
    }
    const ckpts = listCheckpoints(join(dir, RUN_FILES.checkpoints));
    expect(ckpts.map((p) => p.slice(-19))).toEqual(['step-000000003.ckpt', 'step-000000004.ckpt']);
    expect(readCheckpoint(ckpts[1]!)).toMatchObject({ epoch: 1, batch: 1, step: 4 });
    expect(readMetrics(dir)).toHaveLength(1);

    const resumed = await train(tiny, small, {}, { runDir: dir, resume: true });
    expect(resumed.status).toBe('completed');
    expect(weightsOf(resumed.model)).toEqual(weightsOf(full.model));
    const metrics = readMetrics<EpochMetrics>(dir);
    expect(metrics.map((m) => m.epoch)).toEqual([1, 2]);
    expect(metrics[1]!.trainLoss).toBeCloseTo(full.metrics[1]!.trainLoss, 6);
    expect(metrics[1]!.testAcc).toBe(full.metrics[1]!.testAcc);
    full.model.dispose();
    resumed.model.dispose();
  });

  it('stops on a NaN loss with a clear message and keeps the last good checkpoint', async () => {
    const dir = tempDir();
    await expect(
      train(tiny, small, quick, {
        runDir: dir,
        onStep: (s, model) => {
          // simulate a blow-up after the first epoch's checkpoint
          if (s.step === 4) {
            const fc = model.getLayer('fc');
            const [k, bias] = fc.getWeights();
            fc.setWeights([tf.fill(k!.shape, Number.NaN), bias!]);
          }
        },
      }),
    ).rejects.toThrow(TrainingDivergedError);
    const ckpts = readdirSync(join(dir, RUN_FILES.checkpoints)).filter((f) => f.endsWith('.ckpt'));
    expect(ckpts).toEqual(['step-000000003.ckpt']);
    const c = readCheckpoint(join(dir, RUN_FILES.checkpoints, ckpts[0]!));
    expect(c.weights.every((w) => w.values.every(Number.isFinite))).toBe(true);
    await expect(
      train(tiny, small, quick, {
        runDir: tempDir(),
        onStep: (s, m) => {
          if (s.step === 1) {
            const fc = m.getLayer('fc');
            const [k, b] = fc.getWeights();
            fc.setWeights([tf.fill(k!.shape, Number.NaN), b!]);
          }
        },
      }),
    ).rejects.toThrow(/loss became NaN at epoch 1, batch 2, step 2 .*no checkpoint was written yet/);
  });

  it('refuses bad run directories, corrupt or mismatched checkpoints, and changes nothing', async () => {
    const dir = tempDir();
    const r = await train(tiny, small, { ...quick, epochs: 1 }, { runDir: dir });
    r.model.dispose();
    const snapshot = () =>
      Object.fromEntries(
        [RUN_FILES.metrics, RUN_FILES.config, RUN_FILES.spec, 'checkpoints/step-000000003.ckpt'].map((f) => [
          f,
          readFileSync(join(dir, f)).toString('base64'),
        ]),
      );
    const before = snapshot();
    // not resumed into a non-empty run dir
    await expect(train(tiny, small, quick, { runDir: dir })).rejects.toThrow(RunDirError);
    // spec mismatch
    const other = { ...tiny, name: 'other', head: { ...tiny.head, channels: 24 } };
    await expect(train(other, small, {}, { runDir: dir, resume: true })).rejects.toThrow(/spec mismatch/);
    // data mismatch
    await expect(
      train(tiny, { ...small, train: synth(48, 9) }, {}, { runDir: dir, resume: true }),
    ).rejects.toThrow(/training data differs/);
    // option change on resume
    await expect(train(tiny, small, { lr: 0.3 }, { runDir: dir, resume: true })).rejects.toThrow(
      CheckpointError,
    );
    expect(snapshot()).toEqual(before);
    // corrupt checkpoint: one flipped byte in the tensor data
    const ck = join(dir, 'checkpoints/step-000000003.ckpt');
    const bytes = readFileSync(ck);
    bytes[bytes.length - 5] = (bytes[bytes.length - 5]! + 1) % 256;
    writeFileSync(ck, bytes);
    await expect(train(tiny, small, {}, { runDir: dir, resume: true })).rejects.toThrow(
      new RegExp(`${ck.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: corrupt`),
    );
    // truncated
    writeFileSync(ck, bytes.subarray(0, 100));
    await expect(train(tiny, small, {}, { runDir: dir, resume: true })).rejects.toThrow(CheckpointError);
    expect(readFileSync(join(dir, RUN_FILES.metrics)).toString('base64')).toBe(before[RUN_FILES.metrics]);
    // resume without checkpoint
    await expect(train(tiny, small, {}, { runDir: tempDir(), resume: true })).rejects.toThrow(
      CheckpointError,
    );
  });

  it('validates options and data shapes', async () => {
    expect(() => resolveTrainOptions({ lr: -1 })).toThrow(/invalid lr \(-1\)/);
    expect(() => resolveTrainOptions({ epochs: 0 })).toThrow(TrainOptionsError);
    expect(() => resolveTrainOptions({ bogus: 1 } as Partial<TrainOptions>)).toThrow(
      /unknown option 'bogus'/,
    );
    expect(resolveTrainOptions({ seed: 0, weightDecay: 0 })).toMatchObject({ seed: 0, weightDecay: 0 });
    const wrong = syntheticDataset({ count: 16, height: 8, width: 8, channels: 1, classes: 3, seed: 0 });
    await expect(train(tiny, { train: wrong }, quick)).rejects.toThrow(
      /8x8x1, the spec 'tiny-handmade' needs 9x9x1/,
    );
    await expect(train(tiny, small, { batchSize: 64 })).rejects.toThrow(/invalid batchSize \(64\)/);
  });

  it('resolves named recipes: defaults, then the recipe, then explicit options', async () => {
    expect(resolveTrainOptions({})).toMatchObject({ recipe: 'default', init: 'pytorch', lr: 0.1 });
    expect(resolveTrainOptions({ recipe: 'paper' })).toMatchObject({
      ...TRAIN_RECIPES.paper,
      recipe: 'paper',
      init: 'he-fan-out',
      labelSmoothing: 0.1,
    });
    expect(resolveTrainOptions({ recipe: 'paper', init: 'pytorch', nesterov: true })).toMatchObject({
      recipe: 'paper',
      init: 'pytorch',
      nesterov: true,
    });
    expect(() => resolveTrainOptions({ recipe: 'fast' as never })).toThrow(
      /invalid recipe \(fast\): must be one of default, paper/,
    );
    expect(() => resolveTrainOptions({ init: 'xavier' as never })).toThrow(
      /invalid init \(xavier\): must be one of pytorch, he-fan-out/,
    );
    // a run starts from buildModel(spec, { seed, init }) of its options
    for (const [recipe, init] of [
      ['paper', 'he-fan-out'],
      ['default', 'pytorch'],
    ] as const) {
      let initial: ReturnType<typeof modelWeights> = [];
      const capture: TrainEngineFactory = (args) => {
        initial = modelWeights(args.model, tiny);
        return tfjsEngine(args);
      };
      const result = await train(tiny, small, { ...quick, recipe, epochs: 1 }, { engine: capture });
      result.model.dispose();
      const expected = buildModel(tiny, { seed: quick.seed!, init });
      expect(initial).toEqual(modelWeights(expected, tiny));
      expected.dispose();
    }
  });
});
