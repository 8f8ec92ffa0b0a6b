// Training parity with PyTorch (issue 11): one spec trained by `randwire train` (the command a
// user runs, as a child process) and by the PyTorch reference (reference/torch_train.py) on the
// same Fashion-MNIST images, several seeds, test accuracy mean ± std side by side. Each case
// fixes what the two sides share:
// - 'same' cases: PyTorch starts from randwire's initial weights (buildModel(spec, { seed,
//   init }), what train() builds), visits the images in randwire's order (shuffledIndices per
//   seed and epoch) and runs randwire's recipe and per-step schedule exactly: a difference
//   beyond the seeds' spread would be a defect in an engine.
// - the 'pytorch-reference' case: randwire's defaults against what a PyTorch user writes
//   (PyTorch's default initialization and data order, Nesterov, 100-step warm-up, no label
//   smoothing, weight decay on every parameter).
// - 'factor' cases change one factor of the default recipe on both sides (--filter factor).
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  DEBIAN_FASHION_MNIST_DIR,
  EMBEDDED_FASHION_MNIST_COUNTS,
  EMBEDDED_FASHION_MNIST_DIR,
  shuffledIndices,
} from '@randwire/datasets';
import { generateSpec, type NetworkSpec } from '@randwire/spec';
import { buildModel, modelWeights, type TrainOptions } from '@randwire/tfjs';
import { envInteger, envIntegers } from '../env';
import type { Benchmark, BenchmarkCase, BenchmarkContext, CaseMetrics } from '../harness';
import { DEBIAN_PYTHON, REFERENCE_DIR } from '../python-worker';
import { meanStd } from './generator-comparison';
import { specCost, useBackend } from './training-configurations';

const run = promisify(execFile);

/** The randwire command (apps/cli's build, the same path from src/ and dist/). */
export const RANDWIRE_CLI = join(__dirname, '..', '..', '..', 'cli', 'dist', 'main.js');

export interface AccuracySettings {
  /** generateSpec options of the network. */
  network: { preset: 'mnist-small'; seed: number; nodes?: number; channels?: number };
  /** 'debian' (dataset-fashion-mnist, 60,000 / 10,000) or 'embedded' (6,000 / 1,000). */
  data: 'debian' | 'embedded';
  /** The first N training images (null: all). */
  trainImages: number | null;
  /** The first N test images (null: all). */
  testImages: number | null;
  epochs: number;
  batch: number;
  seeds: number[];
  /** Threads of each side (onnxruntime intra-op, torch.set_num_threads). */
  threads: number;
}

/** Issue 11's budget: configuration A, the first 12,000 training images, 1 epoch, batch 64,
 * tested on all 10,000 test images, seeds 0–2. */
export const FULL_ACCURACY: Readonly<AccuracySettings> = Object.freeze({
  network: { preset: 'mnist-small' as const, seed: 0 },
  data: 'debian',
  trainImages: 12000,
  testImages: null,
  epochs: 1,
  batch: 64,
  seeds: [0, 1, 2],
  threads: 2,
});

export const QUICK_ACCURACY: Readonly<AccuracySettings> = Object.freeze({
  network: { preset: 'mnist-small' as const, seed: 0, nodes: 6, channels: 8 },
  data: 'embedded',
  trainImages: 2048,
  testImages: 500,
  epochs: 1,
  batch: 32,
  seeds: [0, 1],
  threads: 1,
});

/** Environment overrides of a full run. */
export const ACCURACY_ENV = Object.freeze({
  seeds: 'ACCURACY_SEEDS',
  trainImages: 'ACCURACY_TRAIN',
  epochs: 'ACCURACY_EPOCHS',
});

export function accuracySettings(quick: boolean): AccuracySettings {
  const base = quick ? QUICK_ACCURACY : FULL_ACCURACY;
  return {
    ...base,
    network: { ...base.network },
    seeds: envIntegers(ACCURACY_ENV.seeds, 0) ?? [...base.seeds],
    trainImages: envInteger(ACCURACY_ENV.trainImages, 1, base.trainImages),
    epochs: envInteger(ACCURACY_ENV.epochs, 1, base.epochs),
  };
}

/** PyTorch-side choices of a case. */
export interface TorchSide {
  /** 'randwire': start from randwire's initial weights; 'pytorch': PyTorch's default init. */
  init: 'randwire' | 'pytorch';
  /** 'randwire': randwire's shuffledIndices; 'pytorch': torch.randperm. */
  order: 'randwire' | 'pytorch';
  /** Recipe fields that differ from randwire's resolved options. */
  recipe?: Partial<TorchRecipe>;
}

export interface TorchRecipe {
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  labelSmoothing: number;
  warmupSteps: number;
  /** 'kernels' (randwire's rule) or 'all' (PyTorch's SGD weight_decay). */
  decay: 'kernels' | 'all';
}

export interface AccuracyCase {
  name: string;
  description: string;
  /** `randwire train` flags besides data, budget and seed. */
  randwire: string[];
  torch: TorchSide;
  /** Only in full runs. */
  fullOnly?: boolean;
}

export const ACCURACY_CASES: readonly AccuracyCase[] = Object.freeze([
  {
    name: 'same: default recipe',
    description:
      'randwire train with no recipe flags; PyTorch from the same initial weights, data order and recipe',
    randwire: [],
    torch: { init: 'randwire', order: 'randwire' },
  },
  {
    name: 'same: paper recipe',
    description:
      'randwire train --recipe paper; PyTorch from the same initial weights, data order and recipe',
    randwire: ['--recipe', 'paper'],
    torch: { init: 'randwire', order: 'randwire' },
  },
  {
    name: 'pytorch-reference',
    description:
      "randwire train with no recipe flags vs the PyTorch reference as a PyTorch user writes it: PyTorch's default init and randperm order, Nesterov, 100-step warm-up, no label smoothing, weight decay on every parameter",
    randwire: [],
    torch: {
      init: 'pytorch',
      order: 'pytorch',
      recipe: { nesterov: true, warmupSteps: 100, labelSmoothing: 0, decay: 'all' },
    },
  },
  {
    name: 'factor: paper recipe, PyTorch init',
    description: '--recipe paper --init pytorch (= the default recipe): the init scheme alone',
    randwire: ['--recipe', 'paper', '--init', 'pytorch'],
    torch: { init: 'randwire', order: 'randwire' },
    fullOnly: true,
  },
  {
    name: 'factor: default + nesterov',
    description: 'the default recipe with Nesterov momentum',
    randwire: ['--nesterov'],
    torch: { init: 'randwire', order: 'randwire' },
    fullOnly: true,
  },
  {
    name: 'factor: default, no label smoothing',
    description: 'the default recipe without label smoothing',
    randwire: ['--label-smoothing', '0'],
    torch: { init: 'randwire', order: 'randwire' },
    fullOnly: true,
  },
  {
    name: 'factor: default + warm-up',
    description: 'the default recipe with a linear warm-up over the first half epoch',
    randwire: ['--warmup', '0.5'],
    torch: { init: 'randwire', order: 'randwire' },
    fullOnly: true,
  },
]);

/** One seed's result on one side. */
export interface SideRun {
  seed: number;
  testAcc: number;
  testLoss: number;
  trainLoss: number;
  /** Training images per second in the loop (evaluation excluded). */
  imagesPerSec: number;
  trainSeconds: number;
  wallSeconds: number;
}

interface RandwireSummary {
  options: TrainOptions;
  final: { testAcc: number; testLoss: number; trainLoss: number; imagesPerSec: number; seconds: number };
  metrics: Array<{ seconds: number; imagesPerSec: number; step: number }>;
  engine: string;
}

/** Writes weights as torch_train.py reads them: a JSON manifest and PATH.bin (float32 LE). */
export function writeWeightsFile(
  path: string,
  weights: ReadonlyArray<{ name: string; shape: number[]; values: Float32Array }>,
): void {
  writeFileSync(path, JSON.stringify({ weights: weights.map((w) => ({ name: w.name, shape: w.shape })) }));
  writeFileSync(
    `${path}.bin`,
    Buffer.concat(weights.map((w) => Buffer.from(w.values.buffer, w.values.byteOffset, w.values.byteLength))),
  );
}

function dataFlags(s: AccuracySettings): string[] {
  const flags = ['--data', s.data === 'debian' ? 'fashion-mnist' : 'embedded'];
  if (s.trainImages !== null) flags.push('--limit', String(s.trainImages));
  if (s.testImages !== null) flags.push('--test-limit', String(s.testImages));
  return flags;
}

function dataDir(s: AccuracySettings): string {
  return s.data === 'debian' ? DEBIAN_FASHION_MNIST_DIR : EMBEDDED_FASHION_MNIST_DIR;
}

function trainCount(s: AccuracySettings): number {
  const all = s.data === 'debian' ? 60000 : EMBEDDED_FASHION_MNIST_COUNTS.train;
  return s.trainImages === null ? all : Math.min(all, s.trainImages);
}

async function runRandwire(
  specPath: string,
  c: AccuracyCase,
  s: AccuracySettings,
  seed: number,
  dir: string,
): Promise<{ run: SideRun; options: TrainOptions; engine: string }> {
  const out = join(dir, `rw-seed${seed}`);
  const args = [
    RANDWIRE_CLI,
    'train',
    specPath,
    ...dataFlags(s),
    '--epochs',
    String(s.epochs),
    '--batch-size',
    String(s.batch),
    '--seed',
    String(seed),
    '--threads',
    String(s.threads),
    ...c.randwire,
    '-o',
    out,
    '--json',
  ];
  const t0 = Date.now();
  const { stdout } = await run(process.execPath, args, { maxBuffer: 64 << 20 });
  const summary = JSON.parse(stdout) as RandwireSummary;
  const f = summary.final;
  const trainSeconds = summary.metrics.reduce((a, m) => a + m.seconds, 0);
  return {
    run: {
      seed,
      testAcc: f.testAcc,
      testLoss: f.testLoss,
      trainLoss: f.trainLoss,
      imagesPerSec: (Math.floor(trainCount(s) / s.batch) * s.batch * s.epochs) / trainSeconds,
      trainSeconds,
      wallSeconds: (Date.now() - t0) / 1000,
    },
    options: summary.options,
    engine: summary.engine,
  };
}

/** The request torch_train.py runs for one seed of a case. */
export function torchRequest(
  spec: NetworkSpec,
  s: AccuracySettings,
  options: TrainOptions,
  side: TorchSide,
  seed: number,
  files: { init: string | null; order: string | null },
): Record<string, unknown> {
  const stepsPerEpoch = Math.floor(trainCount(s) / s.batch);
  const recipe: TorchRecipe = {
    lr: options.lr,
    momentum: options.momentum,
    nesterov: options.nesterov,
    weightDecay: options.weightDecay,
    labelSmoothing: options.labelSmoothing,
    warmupSteps: Math.round(options.warmupEpochs * stepsPerEpoch),
    decay: 'kernels',
    ...side.recipe,
  };
  return {
    spec,
    data: dataDir(s),
    limit: s.trainImages,
    testLimit: s.testImages,
    epochs: s.epochs,
    batch: s.batch,
    ...recipe,
    init: side.init === 'randwire' ? files.init : 'pytorch',
    order: side.order === 'randwire' ? files.order : 'pytorch',
    padding: 'same',
    seed,
    threads: s.threads,
  };
}

async function runTorch(request: Record<string, unknown>, path: string, seed: number): Promise<SideRun> {
  writeFileSync(path, JSON.stringify(request));
  const t0 = Date.now();
  const { stdout } = await run(DEBIAN_PYTHON, [join(REFERENCE_DIR, 'torch_train.py'), path], {
    maxBuffer: 16 << 20,
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', PYTHONWARNINGS: 'ignore' },
  });
  const r = JSON.parse(stdout.trim().split('\n').pop()!) as Omit<SideRun, 'seed' | 'wallSeconds'>;
  return {
    seed,
    testAcc: r.testAcc,
    testLoss: r.testLoss,
    trainLoss: r.trainLoss,
    imagesPerSec: r.imagesPerSec,
    trainSeconds: r.trainSeconds,
    wallSeconds: (Date.now() - t0) / 1000,
  };
}

function torchAvailable(): string | null {
  if (!existsSync(DEBIAN_PYTHON)) return `${DEBIAN_PYTHON} not found`;
  try {
    execFileSync(DEBIAN_PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'python3-torch is not installed (apt-get install python3-torch)';
  }
}

const fmt = (ms: { mean: number; std: number }) =>
  `${(ms.mean * 100).toFixed(2)} ± ${(ms.std * 100).toFixed(2)}`;

export const accuracy: Benchmark = {
  name: 'accuracy',
  description:
    'Fashion-MNIST test accuracy of one spec trained by `randwire train` and by the PyTorch reference with the same recipe, initial weights, data order, per-step schedule and budget (or one factor changed), several seeds: mean ± std side by side, and each side’s in-loop training images/s.',
  notes: [
    'Full: configuration A (generateSpec mnist-small seed 0), the first 12,000 images of Debian’s dataset-fashion-mnist, 1 epoch of 187 steps at batch 64, tested on all 10,000 test images, seeds 0, 1, 2 (the seed picks initial weights and data order; the graph stays that of spec seed 0), 2 threads per side. --quick: a 6-node, 8-channel network on 2,048 / 500 embedded images (64 steps of 32), seeds 0 and 1, 1 thread (it checks the plumbing, not the accuracy).',
    'randwire side: `randwire train SPEC --data … --limit N --epochs E --batch-size B --seed S [case flags] --json` (engine auto, what a user gets). PyTorch side: reference/torch_train.py, the same nn.Module as torch_randwire.py with TensorFlow ’same’ padding; in "same" cases it loads randwire’s initial weights (buildModel(spec, { seed, init }) in tfjs layouts) and visits the images in randwire’s order, with weight decay on kernels only, as randwire.',
    `Environment: ${Object.values(ACCURACY_ENV).join(', ')} override seeds (comma-separated), training images and epochs of a full run; --filter picks cases ("same", "reference", "factor").`,
    'imagesPerSec: training images per second inside each side’s loop (randwire: metrics.jsonl; PyTorch: its loop over in-memory batches), evaluation excluded. Timings of the two sides are not alternating here (each run is minutes): `training-loop` is the speed comparison.',
  ],
  async setup(ctx: BenchmarkContext): Promise<BenchmarkCase[]> {
    const s = accuracySettings(ctx.quick);
    if (!existsSync(RANDWIRE_CLI))
      throw new Error(`accuracy: ${RANDWIRE_CLI} is missing: run pnpm build first`);
    const torchMissing = ctx.reference ? torchAvailable() : 'skipped (--no-reference)';
    if (s.data === 'debian' && !existsSync(DEBIAN_FASHION_MNIST_DIR)) {
      throw new Error(
        `accuracy: ${DEBIAN_FASHION_MNIST_DIR} is missing: apt-get install dataset-fashion-mnist (or --quick)`,
      );
    }
    const spec = generateSpec(s.network);
    const cost = specCost(spec);
    const cases = ACCURACY_CASES.filter((c) => !(ctx.quick && c.fullOnly));
    return cases.map((c) => ({
      name: c.name,
      params: {
        description: c.description,
        spec: spec.name,
        multiplyAddsPerImage: cost.multiplyAdds,
        params: cost.params,
        data: s.data,
        trainImages: trainCount(s),
        testImages: s.testImages ?? (s.data === 'debian' ? 10000 : EMBEDDED_FASHION_MNIST_COUNTS.test),
        epochs: s.epochs,
        batch: s.batch,
        seeds: s.seeds,
        threads: s.threads,
        randwireFlags: c.randwire,
        torch: c.torch,
      },
      unit: 'accuracy',
      variants: [],
      async measure(): Promise<CaseMetrics> {
        const dir = mkdtempSync(join(tmpdir(), 'rw-accuracy-'));
        try {
          const specPath = join(dir, 'spec.json');
          writeFileSync(specPath, JSON.stringify(spec));
          const randwire: SideRun[] = [];
          const torch: SideRun[] = [];
          let engine = '';
          let options: TrainOptions | null = null;
          for (const seed of s.seeds) {
            const r = await runRandwire(specPath, c, s, seed, dir);
            randwire.push(r.run);
            engine = r.engine;
            options = r.options;
            ctx.log(
              `accuracy: ${c.name}: randwire seed ${seed}: ${(r.run.testAcc * 100).toFixed(2)}% (${r.run.imagesPerSec.toFixed(1)} img/s, ${r.run.wallSeconds.toFixed(0)} s)`,
            );
            if (torchMissing !== null) continue;
            const files = { init: null as string | null, order: null as string | null };
            if (c.torch.init === 'randwire') {
              await useBackend('cpu');
              const model = buildModel(spec, { seed, init: r.options.init });
              files.init = join(dir, `init-seed${seed}.json`);
              writeWeightsFile(files.init, modelWeights(model, spec));
              model.dispose();
            }
            if (c.torch.order === 'randwire') {
              files.order = join(dir, `order-seed${seed}.bin`);
              const parts = Array.from({ length: s.epochs }, (_, e) =>
                Buffer.from(shuffledIndices(trainCount(s), seed, e).buffer),
              );
              writeFileSync(files.order, Buffer.concat(parts));
            }
            const t = await runTorch(
              torchRequest(spec, s, r.options, c.torch, seed, files),
              join(dir, `torch-seed${seed}.json`),
              seed,
            );
            torch.push(t);
            ctx.log(
              `accuracy: ${c.name}: pytorch seed ${seed}: ${(t.testAcc * 100).toFixed(2)}% (${t.imagesPerSec.toFixed(1)} img/s, ${t.wallSeconds.toFixed(0)} s)`,
            );
          }
          const rwAcc = meanStd(randwire.map((r) => r.testAcc));
          const metrics: CaseMetrics = {
            'randwire acc %': fmt(rwAcc),
            randwire: { accuracy: rwAcc, engine, options, runs: randwire },
          };
          if (torch.length > 0) {
            const tAcc = meanStd(torch.map((r) => r.testAcc));
            metrics['pytorch acc %'] = fmt(tAcc);
            metrics['randwire − pytorch (points)'] = ((rwAcc.mean - tAcc.mean) * 100).toFixed(2);
            metrics['pytorch'] = { accuracy: tAcc, runs: torch };
          } else {
            metrics['pytorch'] = { unavailable: torchMissing };
          }
          const ips = meanStd(randwire.map((r) => r.imagesPerSec));
          metrics['randwire img/s'] = ips.mean.toFixed(1);
          if (torch.length > 0)
            metrics['pytorch img/s'] = meanStd(torch.map((r) => r.imagesPerSec)).mean.toFixed(1);
          return metrics;
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    }));
  },
};
