// Specs generated per second for the paper's presets (issue 3), and their cost over 5 seeds
// (mean ± std), recorded in the notes. No reference implementation builds the same spec.
import { costOf, generateSpec, PRESET_NAMES, type PresetName, serializeSpec } from '@randwire/spec';
import type { Benchmark, BenchmarkCase, BenchmarkContext } from '../harness';

let sink = 0;

const COST_SEEDS = [0, 1, 2, 3, 4];

function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1));
  return { mean, std };
}

/** Cost of a preset over `seeds`: multiply-adds and parameters as mean ± std. */
export function presetCost(preset: PresetName, seeds: number[] = COST_SEEDS) {
  const totals = seeds.map((seed) => costOf(generateSpec({ preset, seed })).total);
  return {
    preset,
    seeds,
    multiplyAdds: meanStd(totals.map((t) => t.multiplyAdds)),
    params: meanStd(totals.map((t) => t.params)),
    trainableParams: meanStd(totals.map((t) => t.trainableParams)),
  };
}

const M = (x: number) => `${(x / 1e6).toFixed(2)} M`;

const notes = [
  'generate = generateSpec (graphs for every stage, DAGs, spec assembly and full validation); +serialize adds serializeSpec (canonical JSON).',
  'Each operation uses a new seed, so every spec is a different network.',
  'No reference: no other implementation produces this spec.',
];

export const specGeneration: Benchmark = {
  name: 'spec-generation',
  description:
    'Specs per second for the paper presets, and each preset’s cost over seeds 0-4 (mean ± std, in the notes).',
  notes,
  setup(ctx: BenchmarkContext): BenchmarkCase[] {
    const presets: PresetName[] = ctx.quick ? ['small', 'mnist-small'] : [...PRESET_NAMES];
    for (const preset of presets) {
      const c = presetCost(preset);
      const line = `cost of ${preset} over seeds 0-4: multiply-adds ${M(c.multiplyAdds.mean)} ± ${M(c.multiplyAdds.std)}, params ${M(c.params.mean)} ± ${M(c.params.std)} (trainable ${M(c.trainableParams.mean)})`;
      notes.push(line);
      ctx.log(`spec-generation: ${line}`);
    }
    return presets.map((preset) => ({
      name: preset,
      params: { preset },
      unit: 'specs/s',
      variants: [
        {
          name: 'generate',
          run(iterations: number) {
            for (let i = 0; i < iterations; i++) sink += generateSpec({ preset, seed: i }).stages.length;
          },
        },
        {
          name: 'generate+serialize',
          run(iterations: number) {
            for (let i = 0; i < iterations; i++)
              sink += serializeSpec(generateSpec({ preset, seed: i })).length;
          },
        },
      ],
    }));
  },
  teardown() {
    if (sink === -1) console.log(sink);
  },
};
