// Training images/s (issue 6, item 1): forward + backward + SGD-momentum step of the repo's
// training step (TrainStepper = train()'s step, checked bit-identical in its test) per tfjs
// backend and on the onnxruntime engine (@randwire/onnx-train's OnnxTrainStep, 1 and 2 threads),
// against PyTorch CPU (2 threads) training the same spec, for configurations A and B.
import { OnnxTrainStep } from '@randwire/onnx-train';
import type { NetworkSpec } from '@randwire/spec';
import { type BackendName, buildModel, modelWeights } from '@randwire/tfjs';
import type { Benchmark, BenchmarkCase, BenchmarkContext, Variant } from '../harness';
import {
  BENCHMARK_BATCH,
  backendLabel,
  benchmarkBackends,
  CONFIGURATIONS,
  type Configuration,
  configurationSpec,
  fixedBatch,
  specCost,
  TorchReference,
  torchOr,
  useBackend,
} from './training-configurations';
import { formatProfile, profileTrainingStep } from './training-profile';
import { TrainStepper } from './training-step';

/** Learning rate of the timed steps (small: the loss stays finite over many steps). */
const LR = 0.01;
/** Training batch per configuration: 64, except B on wasm: at 64 one step needs more than
 * wasm32's 4 GiB heap (≈ 140 MiB of live tensors per image at the step's peak; the memory
 * benchmark shows it), so B trains at 32 on both sides. */
export const TRAIN_BATCH: Readonly<Record<Configuration['id'], number>> = Object.freeze({
  A: BENCHMARK_BATCH,
  B: BENCHMARK_BATCH / 2,
});
/** Batch of the reduced cases that include the slow tfjs cpu backend (A: 8, B: 1). */
export const CPU_BATCH: Readonly<Record<Configuration['id'], number>> = Object.freeze({ A: 8, B: 1 });
/** Batch of the --quick case (configuration A, wasm only). */
export const QUICK_BATCH = 8;

const notes: string[] = [
  'Configurations A = generateSpec({ preset: "mnist-small", seed: 0 }) and B = "cifar-small"; synthetic uint8 batches (seeded), normalized each step as train() does.',
  'Step = normalizeImages → model.apply(training) in tf.variableGrads → label-smoothed (0.1) softmax cross-entropy → loss read back → SgdMomentum (0.9, weight decay 5e-5 on kernels), as @randwire/tfjs train() (TrainStepper, bit-identical weights in its test). Drop-edge off.',
  'PyTorch: reference/torch_randwire.py builds the same spec (equal parameter count), torch.set_num_threads(2), OPENBLAS_NUM_THREADS=1, SGD momentum 0.9, weight decay 5e-5, label smoothing 0.1; timed inside Python.',
  `The tfjs cpu backend is ~100× slower than wasm: it only runs in reduced cases (batch ${CPU_BATCH.A} for A with 3 samples, ${CPU_BATCH.B} for B with 2; one warm-up step), next to wasm and PyTorch at the same batch. --quick: configuration A, batch ${QUICK_BATCH}, no cpu backend.`,
  `Batch ${TRAIN_BATCH.A} for A, ${TRAIN_BATCH.B} for B (both sides): a B step at batch 64 does not fit wasm32's 4 GiB heap (RuntimeError: memory access out of bounds; see the memory benchmark).`,
  'onnxruntime-t1/-t2: the onnxruntime training engine (`randwire train --engine onnxruntime`, the default when a network has no drop-edge/dropout): @randwire/onnx builds one ONNX graph per step (forward in training mode, backward written out op by op, SGD momentum, moving statistics), run by onnxruntime-node 1.30 on the CPU with 1 or 2 intra-op threads; same recipe as the tfjs step (agreement within 2e-4 tested).',
  'wasm under Node runs single-threaded (no SharedArrayBuffer workers); PyTorch uses 2 threads: compare cpu/wall columns. The headline batch is also compared with PyTorch at 1 thread (same models), which a busy machine slows far less than 2 threads.',
];

/** Notes added by setup (measurements) go after these. */
const BASE_NOTES = notes.length;

let torch: TorchReference | string = 'not started';
const steppers: TrainStepper[] = [];
const onnxSteps: OnnxTrainStep[] = [];
/** intra-op threads of the onnxruntime engine's variants. */
const ORT_THREADS = [2, 1];

/** A variant training `spec` on the onnxruntime engine with `threads` threads at `batch`
 * (initial weights: the tfjs model's, seed 0; compiled on first run). */
export function onnxTrainingVariant(spec: NetworkSpec, batch: number, threads: number): Variant {
  const data = fixedBatch(spec, batch);
  let step: OnnxTrainStep | null = null;
  return {
    name: `onnxruntime-t${threads}`,
    operationsPerIteration: batch,
    async run(iterations: number) {
      if (step == null) {
        const model = buildModel(spec, { seed: 0 });
        step = await OnnxTrainStep.create(spec, modelWeights(model, spec), { threads }, batch);
        model.dispose();
        onnxSteps.push(step);
      }
      for (let i = 0; i < iterations; i++) await step.run(data.images, data.labels, batch, LR);
    },
  };
}

/** A variant training `spec` with TrainStepper on `backend` at `batch` (built on first run and
 * pushed to `keep`). With `exclusive`, building it first disposes every stepper in `keep`
 * (for cases that run one after another: the wasm heap holds one model at a time). */
export function trainingVariant(
  backend: BackendName,
  spec: NetworkSpec,
  batch: number,
  keep: TrainStepper[],
  exclusive = false,
): Variant {
  const data = fixedBatch(spec, batch);
  let stepper: TrainStepper | null = null;
  return {
    name: backend,
    operationsPerIteration: batch,
    async run(iterations: number) {
      await useBackend(backend);
      if (stepper == null || !keep.includes(stepper)) {
        if (exclusive) for (const s of keep.splice(0)) s.dispose();
        stepper = new TrainStepper(spec, { seed: 0 });
        keep.push(stepper);
      }
      for (let i = 0; i < iterations; i++) stepper.step(data.images, data.labels, batch, LR);
    },
  };
}

export const training: Benchmark = {
  name: 'training',
  description:
    'Training images/s (forward + backward + SGD-momentum step of train()’s step) per tfjs backend vs PyTorch CPU 2 threads, same spec.',
  notes,
  async setup(ctx: BenchmarkContext): Promise<BenchmarkCase[]> {
    notes.length = BASE_NOTES;
    torch = await TorchReference.start(ctx, 'training');
    const backends = benchmarkBackends();
    const labels: Record<string, string> = {};
    for (const b of backends) labels[b] = backendLabel(await useBackend(b));
    const fast = backends.filter((b) => b !== 'cpu');
    const cases: BenchmarkCase[] = [];
    const configs: Configuration[] = ctx.quick ? [CONFIGURATIONS[0]!] : [...CONFIGURATIONS];
    for (const c of configs) {
      const spec = configurationSpec(c);
      const cost = specCost(spec);
      if (typeof torch !== 'string') {
        const counts = await torch.load(c.id, spec);
        ctx.log(`training: ${c.id}: parameters tfjs-spec ${cost.params}, pytorch ${counts.params}`);
      }
      const params = (batch: number, names: string[]) => ({
        configuration: c.id,
        preset: c.preset,
        batch,
        backends: names.map((n) => labels[n]),
        multiplyAddsPerImage: cost.multiplyAdds,
        params: cost.params,
      });
      if (!ctx.quick) {
        // The same variants (same models) against PyTorch with 2 threads, then 1 thread: on a
        // busy machine a 2-thread PyTorch loses most (its threads wait for each other).
        const variants = [
          ...ORT_THREADS.map((t) => onnxTrainingVariant(spec, TRAIN_BATCH[c.id], t)),
          ...fast.map((b) => trainingVariant(b, spec, TRAIN_BATCH[c.id], steppers)),
        ];
        if (typeof torch !== 'string') await torch.load(`${c.id}-t1`, spec, 1);
        for (const key of [c.id, `${c.id}-t1`]) {
          cases.push({
            name: `${c.id} train batch ${TRAIN_BATCH[c.id]}${key === c.id ? '' : ' (vs pytorch 1 thread)'}`,
            params: params(TRAIN_BATCH[c.id], fast),
            unit: 'img/s',
            variants,
            reference: torchOr(torch, key, 'train', TRAIN_BATCH[c.id]),
            settings: { warmupSeconds: 3, samples: 5, sampleSeconds: 2 },
          });
        }
      }
      if (!ctx.quick && fast.length > 0) {
        await useBackend(fast[0]!);
        const line = `profile of one ${c.id} step at batch ${TRAIN_BATCH[c.id]} on ${labels[fast[0]!]} (exclusive kernel times, share of the step): ${formatProfile(await profileTrainingStep(spec, TRAIN_BATCH[c.id]), 12)}`;
        notes.push(line);
        ctx.log(`training: ${line}`);
      }
      if (ctx.quick) {
        cases.push({
          name: `${c.id} train batch ${QUICK_BATCH} (quick)`,
          params: params(QUICK_BATCH, fast),
          unit: 'img/s',
          variants: [
            onnxTrainingVariant(spec, QUICK_BATCH, 1),
            ...fast.map((b) => trainingVariant(b, spec, QUICK_BATCH, steppers)),
          ],
          reference: torchOr(torch, c.id, 'train', QUICK_BATCH),
        });
      } else if (backends.includes('cpu')) {
        const batch = CPU_BATCH[c.id];
        const reduced: BackendName[] = ['cpu', ...fast];
        cases.push({
          name: `${c.id} train batch ${batch} (cpu backend, reduced)`,
          params: params(batch, reduced),
          unit: 'img/s',
          variants: reduced.map((b) => trainingVariant(b, spec, batch, steppers)),
          reference: torchOr(torch, c.id, 'train', batch),
          settings: { warmupSeconds: 0, samples: c.id === 'A' ? 3 : 2, sampleSeconds: 0 },
        });
      }
    }
    return cases;
  },
  async teardown() {
    for (const s of steppers.splice(0)) s.dispose();
    for (const s of onnxSteps.splice(0)) await s.dispose();
    if (typeof torch !== 'string') torch.stop();
    torch = 'not started';
  },
};
