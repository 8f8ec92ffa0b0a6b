import { type BenchmarkCase, measureCase, summarize } from './harness';

const FAST = { warmupSeconds: 0, samples: 3, sampleSeconds: 0.002 };

function busy(iterations: number): number {
  let x = 0;
  for (let i = 0; i < iterations * 100; i++) x += Math.sqrt(i);
  return x;
}

describe('harness', () => {
  it('summarize gives median, min, max and the median CPU/wall ratio', () => {
    const stats = summarize([
      { operations: 10, wallSeconds: 1, cpuSeconds: 1, rate: 10 },
      { operations: 30, wallSeconds: 1, cpuSeconds: 0.5, rate: 30 },
      { operations: 20, wallSeconds: 1, cpuSeconds: 0.9, rate: 20 },
    ]);
    expect(stats).toMatchObject({ median: 20, min: 10, max: 30, secondsPerOperation: 0.05, cpuPerWall: 0.9 });
  });

  it('alternates variants with the reference and reports the ratio', async () => {
    const order: string[] = [];
    const c: BenchmarkCase = {
      name: 'toy',
      params: {},
      unit: 'ops/s',
      variants: [
        {
          name: 'ours',
          run: (n) => {
            order.push('ours');
            busy(n);
          },
        },
      ],
      reference: {
        name: 'ref',
        sample: async () => {
          order.push('ref');
          return { operations: 5, wallSeconds: 1, cpuSeconds: 1 };
        },
      },
    };
    const result = await measureCase(c, FAST);
    const sampled = order.slice(order.indexOf('ref') - 1);
    expect(sampled).toEqual(['ours', 'ref', 'ours', 'ref', 'ours', 'ref']);
    const ours = result.variants[0]!;
    expect(ours.samples).toHaveLength(3);
    expect(ours.vsReference).toBeCloseTo(ours.median / 5, 10);
    expect(result.reference).toMatchObject({ name: 'ref', median: 5 });
  });

  it('records a reference that fails mid-run as unavailable instead of failing the case', async () => {
    const result = await measureCase(
      {
        name: 'toy',
        params: {},
        unit: 'ops/s',
        variants: [{ name: 'ours', run: (n) => void busy(n) }],
        reference: {
          name: 'ref',
          sample: async () => {
            throw new Error('python exited (1)');
          },
        },
      },
      FAST,
    );
    expect(result.reference).toEqual({
      name: 'ref',
      unavailable: 'failed during sampling: python exited (1)',
    });
    expect(result.variants[0]!.vsReference).toBeNull();
  });

  it('runs a metrics-only case (no variants) once and records its metrics', async () => {
    let calls = 0;
    const progress: string[] = [];
    const result = await measureCase(
      {
        name: 'accuracy',
        params: {},
        unit: 'accuracy',
        variants: [],
        measure: () => {
          calls++;
          return { acc: 0.5, runs: [1, 2] };
        },
      },
      FAST,
      (round, of) => progress.push(`${round}/${of}`),
    );
    expect(calls).toBe(1);
    expect(progress).toEqual(['1/1']);
    expect(result).toMatchObject({ variants: [], reference: null, contention: false });
    expect(result.metrics).toEqual({ acc: 0.5, runs: [1, 2] });
  });
});
