// The paper's generator comparison (randwire.md §8; issue 4, item 4): Fashion-MNIST test
// accuracy after a fixed training budget for WS(4, 0.75), BA(5) and ER(0.2) networks of the
// same template (so of about equal cost: per-node cost does not depend on the wiring), several
// seeds each, mean ± std per model. Not a rate: each case (one per model) trains its seeds once
// in `measure` and reports metrics; the budgets are read from the per-epoch metrics of one run
// (accuracy after epoch 1 and after epoch 3 of the same 3-epoch run).
import { embeddedFashionMnist, type ImageDataset, limitDataset } from '@randwire/datasets';
import { generateSpec, type NetworkSpec } from '@randwire/spec';
import { train } from '@randwire/tfjs';
import { envInteger, envIntegers } from '../env';
import type { Benchmark, BenchmarkCase, BenchmarkContext, CaseMetrics } from '../harness';
import { backendLabel, specCost, useBackend } from './training-configurations';

export type GeneratorModel = 'ws' | 'ba' | 'er';

/** The paper's settings (§8): WS(k = 4, p = 0.75), BA(m = 5), ER(p = 0.2). */
export const GENERATOR_MODELS: ReadonlyArray<{
  model: GeneratorModel;
  label: string;
  graph: { k?: number; p?: number; m?: number };
}> = Object.freeze([
  { model: 'ws', label: 'WS(4, 0.75)', graph: { k: 4, p: 0.75 } },
  { model: 'ba', label: 'BA(5)', graph: { m: 5 } },
  { model: 'er', label: 'ER(0.2)', graph: { p: 0.2 } },
]);

export interface ComparisonSettings {
  seeds: number[];
  /** Budgets in epochs: accuracy after each, from one run of max(budgets) epochs. */
  epochs: number[];
  trainImages: number;
  testImages: number;
  batch: number;
  /** generateSpec overrides of the mnist-small template (the quick run's tiny network). */
  network: { nodes?: number; channels?: number };
}

export const FULL_COMPARISON: Readonly<ComparisonSettings> = Object.freeze({
  seeds: [0, 1, 2],
  epochs: [1, 3],
  trainImages: 6000,
  testImages: 1000,
  batch: 32,
  network: {},
});

export const QUICK_COMPARISON: Readonly<ComparisonSettings> = Object.freeze({
  seeds: [0, 1],
  epochs: [1],
  trainImages: 256,
  testImages: 128,
  batch: 32,
  network: { nodes: 6, channels: 8 },
});

/** Environment overrides for a reduced full run (comma-separated integers). */
export const COMPARISON_ENV = Object.freeze({
  seeds: 'GENERATOR_COMPARISON_SEEDS',
  epochs: 'GENERATOR_COMPARISON_EPOCHS',
  trainImages: 'GENERATOR_COMPARISON_TRAIN',
  testImages: 'GENERATOR_COMPARISON_TEST',
});

/** The settings of this run: quick or full, then the environment overrides. */
export function comparisonSettings(quick: boolean): ComparisonSettings {
  const base = quick ? QUICK_COMPARISON : FULL_COMPARISON;
  return {
    ...base,
    seeds: envIntegers(COMPARISON_ENV.seeds, 0) ?? [...base.seeds],
    epochs: [...new Set(envIntegers(COMPARISON_ENV.epochs, 1) ?? base.epochs)].sort((a, b) => a - b),
    trainImages: envInteger(COMPARISON_ENV.trainImages, 1, base.trainImages),
    testImages: envInteger(COMPARISON_ENV.testImages, 1, base.testImages),
  };
}

export function comparisonSpec(model: GeneratorModel, seed: number, s: ComparisonSettings): NetworkSpec {
  const graph = GENERATOR_MODELS.find((g) => g.model === model)!.graph;
  return generateSpec({ preset: 'mnist-small', seed, model, ...graph, ...s.network });
}

/** Mean and sample standard deviation (0 for one value). */
export function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sq = values.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { mean, std: values.length > 1 ? Math.sqrt(sq / (values.length - 1)) : 0 };
}

export interface SeedRun {
  seed: number;
  multiplyAddsPerImage: number;
  params: number;
  /** Test accuracy after each budget (same order as the settings' epochs). */
  testAcc: number[];
  /** Wall seconds of the whole run (training and per-epoch evaluation). */
  seconds: number;
}

export const generatorComparison: Benchmark = {
  name: 'generator-comparison',
  description:
    'Fashion-MNIST test accuracy after a fixed budget for WS(4, 0.75), BA(5) and ER(0.2) networks of equal template (mnist-small), several seeds each: mean ± std per model (randwire.md §8).',
  notes: [
    'Specs: generateSpec({ preset: "mnist-small", seed, model, k/p/m }) (C = 32, N = 16 per stage); the seed picks both the graphs and the training (weights, data order). Full: seeds 0, 1, 2; budgets 1 and 3 epochs; the embedded 6,000 training and 1,000 test images; batch 32; wasm.',
    'Both budgets come from one run of max(budgets) epochs (the per-epoch evaluation), so the 1-epoch figure is taken mid-schedule (cosine decay over the whole run), not from a 1-epoch run of its own.',
    'Recipe: @randwire/tfjs train() defaults (SGD momentum 0.9, lr 0.1 cosine, label smoothing 0.1, weight decay 5e-5, no augmentation, no drop-edge).',
    'Equal cost: per-node cost does not depend on the wiring; only aggregation weights and the output nodes’ count differ. multiplyAdds and params are per image, the mean over the model’s seeds (each run’s own in runs[]); costVsMean is the model’s multiply-adds relative to the mean over models (full size, seeds 0–2: WS +1.2%, BA +0.4%, ER −1.6%; the tiny --quick network up to ±8%).',
    `Reduced runs: ${Object.values(COMPARISON_ENV).join(', ')} (comma-separated integers) override seeds, epoch budgets, training and test images; --filter ws|ba|er picks models.`,
    '--quick: a tiny network (nodes 6, the fewest BA(5) allows; channels 8) on 256 training / 128 test images, 1 epoch, seeds 0 and 1.',
  ],
  async setup(ctx: BenchmarkContext): Promise<BenchmarkCase[]> {
    const s = comparisonSettings(ctx.quick);
    const backend = backendLabel(await useBackend('wasm'));
    let data: { train: ImageDataset; test: ImageDataset } | null = null;
    const load = () => {
      data ??= {
        train: limitDataset(embeddedFashionMnist('train'), s.trainImages),
        test: limitDataset(embeddedFashionMnist('test'), s.testImages),
      };
      return data;
    };
    // Equal-cost check over the models: each model's cost is the mean over its seeds' specs (the
    // graphs, so aggregation weights and output nodes, change with the seed; recorded per run).
    const costs = GENERATOR_MODELS.map((g) => {
      const each = s.seeds.map((seed) => specCost(comparisonSpec(g.model, seed, s)));
      return {
        multiplyAdds: meanStd(each.map((c) => c.multiplyAdds)).mean,
        params: meanStd(each.map((c) => c.params)).mean,
      };
    });
    const meanMacs = meanStd(costs.map((c) => c.multiplyAdds)).mean;
    return GENERATOR_MODELS.map((g, i) => ({
      name: g.model,
      params: {
        model: g.label,
        preset: 'mnist-small',
        ...s.network,
        seeds: s.seeds,
        epochs: s.epochs,
        trainImages: s.trainImages,
        testImages: s.testImages,
        batch: s.batch,
        backend,
        multiplyAddsPerImage: costs[i]!.multiplyAdds,
        params: costs[i]!.params,
      },
      unit: 'accuracy',
      variants: [],
      async measure(): Promise<CaseMetrics> {
        await useBackend('wasm');
        const { train: trainSet, test } = load();
        const runs: SeedRun[] = [];
        for (const seed of s.seeds) {
          const spec = comparisonSpec(g.model, seed, s);
          const cost = specCost(spec);
          const t0 = Date.now();
          const result = await train(
            spec,
            { train: trainSet, test },
            { epochs: Math.max(...s.epochs), batchSize: s.batch, seed },
            ctx.quick ? {} : { progress: ctx.log, progressIntervalMs: 30_000 },
          );
          const seconds = (Date.now() - t0) / 1000;
          result.model.dispose();
          const testAcc = s.epochs.map((e) => {
            const acc = result.metrics.find((m) => m.epoch === e)?.testAcc;
            if (acc == null)
              throw new Error(
                `generator-comparison: ${g.model} seed ${seed}: no test accuracy after epoch ${e}`,
              );
            return acc;
          });
          runs.push({ seed, multiplyAddsPerImage: cost.multiplyAdds, params: cost.params, testAcc, seconds });
          ctx.log(
            `generator-comparison: ${g.label} seed ${seed}: test accuracy ${testAcc.map((a, j) => `${a.toFixed(4)} @${s.epochs[j]}ep`).join(', ')} (${seconds.toFixed(1)} s)`,
          );
        }
        const metrics: CaseMetrics = {
          multiplyAdds: costs[i]!.multiplyAdds,
          params: costs[i]!.params,
          costVsMean: `${((costs[i]!.multiplyAdds / meanMacs - 1) * 100).toFixed(2)}%`,
        };
        const accuracy: Record<string, { mean: number; std: number }> = {};
        s.epochs.forEach((e, j) => {
          const ms = meanStd(runs.map((r) => r.testAcc[j]!));
          accuracy[`${e}`] = ms;
          metrics[`acc @${e} epoch${e === 1 ? '' : 's'}`] = `${ms.mean.toFixed(4)} ± ${ms.std.toFixed(4)}`;
        });
        const wall = meanStd(runs.map((r) => r.seconds));
        metrics['wall s/run'] = `${wall.mean.toFixed(1)} ± ${wall.std.toFixed(1)}`;
        metrics['accuracy'] = accuracy;
        metrics['wallSeconds'] = wall;
        metrics['runs'] = runs;
        return metrics;
      },
    }));
  },
};
