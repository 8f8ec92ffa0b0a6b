// How training cost grows with N and C (issue 6, item 4): configuration A's template
// (mnist-small: 28×28×1, three WS(4, 0.75) stages, head 256) at N ∈ {8, 16, 32} and
// C ∈ {16, 32, 64}, trained with TrainStepper on the best fast tfjs backend (wasm here) at
// batch 32, next to PyTorch on the same specs; multiply-adds per image from the cost model.
import { generateSpec } from '@randwire/spec';
import type { Benchmark, BenchmarkCase, BenchmarkContext } from '../harness';
import { trainingVariant } from './training';
import {
  BENCHMARK_BATCH,
  backendLabel,
  benchmarkBackends,
  specCost,
  TorchReference,
  torchOr,
  useBackend,
} from './training-configurations';
import type { TrainStepper } from './training-step';

/** Batch 32: at batch 64, with the earlier cases' models still alive, N = 32, C = 64 crashed
 * the wasm heap (4 GiB at most); now one model lives at a time and the batch is halved. */
export const SCALING_BATCH = BENCHMARK_BATCH / 2;
export const SCALING_NODES: readonly number[] = Object.freeze([8, 16, 32]);
export const SCALING_CHANNELS: readonly number[] = Object.freeze([16, 32, 64]);
/** --quick: two small networks at batch 8. */
const QUICK = Object.freeze({ nodes: [6, 12], channels: [8], batch: 8 });

let torch: TorchReference | string = 'not started';
const steppers: TrainStepper[] = [];

export const trainingScaling: Benchmark = {
  name: 'training-scaling',
  description:
    'Training images/s of configuration A’s template at N ∈ {8,16,32} × C ∈ {16,32,64} (wasm vs PyTorch), with multiply-adds per image.',
  notes: [
    'Specs: generateSpec({ preset: "mnist-small", seed: 0, nodes: N, channels: C }) (stem C/2, C; stages C, 2C, 4C; head 256); N = 16, C = 32 is configuration A.',
    'Per-node cost does not depend on the wiring, so multiply-adds grow ~linearly with N and ~quadratically with C (pointwise convs); params.multiplyAddsPerImage and params.params record the cost model.',
    `Batch ${SCALING_BATCH} (at 64, N = 32, C = 64 ran out of wasm32's 4 GiB heap); one model in memory at a time; step and reference as in the training benchmark (TrainStepper; PyTorch 2 threads). 3 samples of ~1 s each per case.`,
    `--quick: N ∈ {${QUICK.nodes.join(', ')}}, C = ${QUICK.channels.join(', ')}, batch ${QUICK.batch}.`,
  ],
  async setup(ctx: BenchmarkContext): Promise<BenchmarkCase[]> {
    torch = await TorchReference.start(ctx, 'training-scaling');
    const backend = benchmarkBackends().find((b) => b !== 'cpu') ?? 'cpu';
    const label = backendLabel(await useBackend(backend));
    const nodes = ctx.quick ? QUICK.nodes : SCALING_NODES;
    const channels = ctx.quick ? QUICK.channels : SCALING_CHANNELS;
    const batch = ctx.quick ? QUICK.batch : SCALING_BATCH;
    const cases: BenchmarkCase[] = [];
    for (const c of channels) {
      for (const n of nodes) {
        const spec = generateSpec({ preset: 'mnist-small', seed: 0, nodes: n, channels: c });
        const key = `scaling-n${n}-c${c}`;
        if (typeof torch !== 'string') await torch.load(key, spec);
        const cost = specCost(spec);
        cases.push({
          name: `N=${n} C=${c}`,
          params: {
            nodes: n,
            channels: c,
            batch,
            backend: label,
            multiplyAddsPerImage: cost.multiplyAdds,
            params: cost.params,
          },
          unit: 'img/s',
          variants: [trainingVariant(backend, spec, batch, steppers, true)],
          reference: torchOr(torch, key, 'train', batch),
          ...(ctx.quick ? {} : { settings: { warmupSeconds: 1, samples: 3, sampleSeconds: 1 } }),
        });
      }
    }
    return cases;
  },
  teardown() {
    for (const s of steppers.splice(0)) s.dispose();
    if (typeof torch !== 'string') torch.stop();
    torch = 'not started';
  },
};
