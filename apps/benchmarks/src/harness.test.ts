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

  it('samples a self-timed variant with its own timing, once to warm up, alternating with the reference', async () => {
    const calls: Array<[string, number]> = [];
    const c: BenchmarkCase = {
      name: 'self-timed',
      params: {},
      unit: 'img/s',
      variants: [
        {
          name: 'loop',
          run: () => {
            throw new Error('run must not be called when sample exists');
          },
          sample: async (seconds) => {
            calls.push(['loop', seconds]);
            return { operations: 64, wallSeconds: 2, cpuSeconds: 3 };
          },
        },
      ],
      reference: {
        name: 'ref',
        sample: async (seconds) => {
          calls.push(['ref', seconds]);
          return { operations: 16, wallSeconds: 1 };
        },
      },
    };
    const result = await measureCase(c, { warmupSeconds: 0.5, samples: 2, sampleSeconds: 4 });
    expect(calls).toEqual([
      ['loop', 0.5],
      ['loop', 4],
      ['ref', 4],
      ['loop', 4],
      ['ref', 4],
    ]);
    expect(result.variants[0]).toMatchObject({ median: 32, cpuPerWall: 1.5, vsReference: 2 });
    expect(result.variants[0]!.samples).toHaveLength(2);
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
