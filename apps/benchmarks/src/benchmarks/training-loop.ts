// In-loop training images/s (issue 11): the real `train()` loop of @randwire/tfjs with the
// onnxruntime engine (@randwire/onnx-train's onnxTrainEngine, what `randwire train` runs for
// these networks), its rate as metrics.jsonl reports it (images / seconds of the epoch's loop),
// next to the bare engine step on the same batches and to PyTorch's own training loop over the
// same images (reference/torch_randwire.py `loop`: shuffle, gather, normalize, step, read back
// loss and accuracy), alternating, 2 threads on both sides.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  batches,
  DEBIAN_FASHION_MNIST_DIR,
  embeddedFashionMnist,
  type ImageDataset,
  limitDataset,
  readFashionMnist,
  syntheticDataset,
} from '@randwire/datasets';
import { nchwcBlockSize, OnnxTrainStep, onnxTrainEngine } from '@randwire/onnx-train';
import { generateSpec, type NetworkSpec } from '@randwire/spec';
import * as tfjs from '@randwire/tfjs';
import type { Benchmark, BenchmarkCase, BenchmarkContext, ExternalSample, Variant } from '../harness';
import {
  BENCHMARK_BATCH,
  CONFIGURATIONS,
  type Configuration,
  configurationSpec,
  specCost,
  TorchReference,
  torchOr,
  useBackend,
} from './training-configurations';
import { formatOnnxProfile, profileOnnxTrainingStep } from './training-profile';

/** Intra-op threads of our engine and of PyTorch. */
export const LOOP_THREADS = 2;
/** Images per configuration (the loop trains on the first `steps × batch` of them). */
const MAX_STEPS: Readonly<Record<Configuration['id'], number>> = Object.freeze({ A: 120, B: 40 });
const QUICK = Object.freeze({ batch: 8, maxSteps: 6 });

const notes: string[] = [
  'randwire: @randwire/tfjs train() (1 epoch of `steps × batch` images, default recipe, seed 0) with @randwire/onnx-train onnxTrainEngine (2 intra-op threads); rate = EpochMetrics.imagesPerSec (what metrics.jsonl records: images / seconds of the loop, first step included), CPU from the engine’s creation to the end of the epoch. Each sample is a fresh train() call (model build and session creation are outside its timing, as in metrics.jsonl); its step count targets the sample seconds.',
  'bare step: OnnxTrainStep.run on the same batches (batches() with the loop’s shuffle), timed by the harness: the loop’s cost is the difference.',
  'PyTorch: reference/torch_randwire.py `loop`: the same images and labels (raw uint8 files), torch.randperm shuffle per epoch, per step gather by index, permute to NCHW, (x / 255 - mean) / std, SGD momentum 0.9, weight decay 5e-5, label smoothing 0.1, per-step cosine learning rate, loss.item() and the correct count; torch.set_num_threads(2), OPENBLAS_NUM_THREADS=1; timed inside Python from the loop’s start.',
  `A: Fashion-MNIST training images (Debian's dataset-fashion-mnist in ${DEBIAN_FASHION_MNIST_DIR}; the embedded 6,000 when absent), B: synthetic 32×32×3 images (syntheticDataset, seed 0: CIFAR-10 is not installed here). Batch ${BENCHMARK_BATCH}. --quick: a 6-node C=8 mnist-small network at batch ${QUICK.batch} on the embedded images.`,
];
const BASE_NOTES = notes.length;

let torch: TorchReference | string = 'not started';
let tmp: string | null = null;
const steps: OnnxTrainStep[] = [];

/** The training images of a case: Fashion-MNIST for A, synthetic 32×32×3 for B. */
function loopData(id: Configuration['id'], spec: NetworkSpec, count: number): ImageDataset {
  if (id === 'B') {
    const { height, width, channels } = spec.input;
    return syntheticDataset({ count, height, width, channels, classes: spec.classes, seed: 0 });
  }
  let full: ImageDataset;
  try {
    full = readFashionMnist(DEBIAN_FASHION_MNIST_DIR, 'train');
  } catch {
    full = embeddedFashionMnist('train');
  }
  return limitDataset(full, Math.min(count, full.count));
}

/** One epoch of train() over the first `n` batches of `ds`: its own rate and CPU time. */
async function trainLoop(
  spec: NetworkSpec,
  ds: ImageDataset,
  batch: number,
  n: number,
): Promise<ExternalSample> {
  const factory = onnxTrainEngine(tfjs, { threads: LOOP_THREADS });
  let cpu0: NodeJS.CpuUsage | null = null;
  let cpuSeconds = 0;
  const result = await tfjs.train(
    spec,
    { train: limitDataset(ds, n * batch) },
    { epochs: 1, batchSize: batch, seed: 0 },
    {
      engine: async (args) => {
        const engine = await factory(args);
        cpu0 = process.cpuUsage();
        return engine;
      },
      onEpoch: () => {
        const c = process.cpuUsage(cpu0 ?? undefined);
        cpuSeconds = (c.user + c.system) / 1e6;
      },
    },
  );
  result.model.dispose();
  const m = result.metrics[0]!;
  return { operations: Math.round(m.imagesPerSec * m.seconds), wallSeconds: m.seconds, cpuSeconds };
}

/** `randwire train`'s loop, self-timed: each sample trains as many steps as fill its seconds. */
export function loopVariant(spec: NetworkSpec, ds: ImageDataset, batch: number, maxSteps: number): Variant {
  let rate = 0;
  return {
    name: `randwire train (onnxruntime ${LOOP_THREADS} threads)`,
    operationsPerIteration: batch,
    async run(iterations: number) {
      await trainLoop(spec, ds, batch, Math.min(Math.max(iterations, 1), maxSteps));
    },
    async sample(seconds: number) {
      const n = rate > 0 ? Math.round((seconds * rate) / batch) : 2;
      const s = await trainLoop(spec, ds, batch, Math.min(Math.max(n, 2), maxSteps));
      rate = s.operations / s.wallSeconds;
      return s;
    },
  };
}

/** The bare engine step (OnnxTrainStep.run) over the same shuffled batches, harness-timed. */
export function bareStepVariant(spec: NetworkSpec, ds: ImageDataset, batch: number): Variant {
  let step: OnnxTrainStep | null = null;
  let epoch = 0;
  let it: Iterator<{ images: Uint8Array; labels: Uint8Array; size: number }> | null = null;
  return {
    name: `bare step (OnnxTrainStep.run, ${LOOP_THREADS} threads)`,
    operationsPerIteration: batch,
    async run(iterations: number) {
      if (step == null) {
        const model = tfjs.buildModel(spec, { seed: 0 });
        step = await OnnxTrainStep.create(
          spec,
          tfjs.modelWeights(model, spec),
          { threads: LOOP_THREADS },
          batch,
        );
        model.dispose();
        steps.push(step);
      }
      for (let i = 0; i < iterations; i++) {
        let b = it?.next();
        if (!b || b.done) {
          it = batches(ds, { batchSize: batch, shuffle: true, seed: 0, epoch: epoch++, dropLast: true });
          b = it.next();
        }
        await step.run(b.value!.images, b.value!.labels, b.value!.size, 0.01);
      }
    },
  };
}

export const trainingLoop: Benchmark = {
  name: 'training-loop',
  description:
    'Training images/s inside the loop: randwire train() on the onnxruntime engine (as metrics.jsonl reports it) and its bare step, vs PyTorch’s own training loop, same images, 2 threads each.',
  notes,
  async setup(ctx: BenchmarkContext): Promise<BenchmarkCase[]> {
    notes.length = BASE_NOTES;
    await useBackend('cpu'); // train() builds its tfjs model here (initial weights only)
    torch = await TorchReference.start(ctx, 'training-loop');
    tmp = mkdtempSync(join(tmpdir(), 'randwire-loop-'));
    const block = await nchwcBlockSize();
    const configs: Array<{
      id: Configuration['id'];
      preset: string;
      spec: NetworkSpec;
      batch: number;
      maxSteps: number;
    }> = ctx.quick
      ? [
          {
            id: 'A',
            preset: 'mnist-small (N=6, C=8)',
            spec: generateSpec({ preset: 'mnist-small', seed: 0, nodes: 6, channels: 8 }),
            ...QUICK,
          },
        ]
      : CONFIGURATIONS.map((c) => ({
          id: c.id,
          preset: c.preset,
          spec: configurationSpec(c),
          batch: BENCHMARK_BATCH,
          maxSteps: MAX_STEPS[c.id],
        }));
    const cases: BenchmarkCase[] = [];
    for (const c of configs) {
      const ds = ctx.quick
        ? limitDataset(embeddedFashionMnist('train'), c.batch * c.maxSteps)
        : loopData(c.id, c.spec, c.batch * c.maxSteps);
      const key = `${c.id}-loop`;
      if (typeof torch !== 'string') {
        await torch.load(key, c.spec, LOOP_THREADS);
        const images = join(tmp, `${key}.images`);
        const labels = join(tmp, `${key}.labels`);
        writeFileSync(images, ds.images);
        writeFileSync(labels, ds.labels);
        await torch.data(key, images, labels, ds.count);
      }
      if (!ctx.quick) {
        // Where a step's time goes, before (the plain NCHW graph) and after (NCHWc).
        for (const layout of block > 0 ? (['nchw', 'nchwc'] as const) : (['nchw'] as const)) {
          const p = await profileOnnxTrainingStep(c.spec, c.batch, { threads: 1, layout });
          notes.push(
            `${c.id} step profile, batch ${c.batch}, 1 thread, ${layout} layout (onnxruntime profiler, 3 runs after a warm-up): ${formatOnnxProfile(p)}; by role: ${formatOnnxProfile(p, 'byRole', 6)}`,
          );
        }
      }
      const cost = specCost(c.spec);
      cases.push({
        name: `${c.id} training loop batch ${c.batch}${ctx.quick ? ' (quick)' : ''}`,
        params: {
          configuration: c.id,
          preset: c.preset,
          batch: c.batch,
          threads: LOOP_THREADS,
          data: `${ds.source} (${ds.count} images)`,
          engine: `onnxruntime-node (${block > 0 ? `NCHWc layout, ${block} channels per block` : 'NCHW layout'})`,
          backend: 'tfjs cpu (builds the initial model only)',
          multiplyAddsPerImage: cost.multiplyAdds,
          params: cost.params,
        },
        unit: 'img/s',
        variants: [loopVariant(c.spec, ds, c.batch, c.maxSteps), bareStepVariant(c.spec, ds, c.batch)],
        reference:
          typeof torch === 'string'
            ? torchOr(torch, key, 'train', c.batch)
            : torch.loopReference(key, c.batch),
        ...(ctx.quick
          ? {}
          : {
              settings:
                c.id === 'A'
                  ? { warmupSeconds: 4, samples: 5, sampleSeconds: 10 }
                  : { warmupSeconds: 8, samples: 5, sampleSeconds: 20 },
            }),
      });
    }
    return cases;
  },
  async teardown() {
    for (const s of steps.splice(0)) await s.dispose();
    if (typeof torch !== 'string') torch.stop();
    torch = 'not started';
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    tmp = null;
  },
};
