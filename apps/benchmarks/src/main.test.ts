/**
 * @jest-environment ../../jest.environment.js
 */
// The environment shares typed arrays with onnxruntime-node's native outputs (onnx-inference).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './main';
import { DEBIAN_PYTHON, PythonWorker, REFERENCE_DIR } from './python-worker';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
}

describe('pnpm bench', () => {
  it('--quick writes results/<name>.json with the documented shape and prints a table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'randwire-bench-'));
    try {
      const cap = io();
      const code = await main(
        ['--quick', '--no-reference', '--only', 'graph-generation', '--out', dir],
        cap.io,
      );
      expect(code).toBe(0);
      expect(readdirSync(dir)).toEqual(['graph-generation.json']);
      const results = JSON.parse(readFileSync(join(dir, 'graph-generation.json'), 'utf8'));
      expect(results).toMatchObject({
        format: 'randwire-benchmark',
        version: 1,
        benchmark: 'graph-generation',
        quick: true,
        machine: { cores: expect.any(Number), cpuModel: expect.any(String), memoryGiB: expect.any(Number) },
        versions: {
          node: process.version,
          '@randwire/graphs': expect.any(String),
          graphology: expect.any(String),
        },
      });
      const names = results.cases.map((c: { name: string }) => c.name);
      expect(names).toEqual([
        'ws n=32 k=4 p=0.75',
        'ba n=32 m=5',
        'er n=32 p=0.2',
        'ws n=1000 k=4 p=0.75',
        'ba n=1000 m=5',
        'er n=1000 p=0.00801',
      ]);
      for (const c of results.cases) {
        expect(c.unit).toBe('graphs/s');
        expect(c.variants.map((v: { name: string }) => v.name)).toEqual(['typed-arrays', 'graphology']);
        for (const v of c.variants) {
          expect(v.samples).toHaveLength(3);
          expect(v.min).toBeLessThanOrEqual(v.median);
          expect(v.median).toBeLessThanOrEqual(v.max);
          expect(v.median).toBeGreaterThan(0);
          expect(v.vsReference).toBeNull();
          expect(typeof v.cpuPerWall).toBe('number');
        }
        expect(c.reference).toEqual({ name: 'networkx', unavailable: 'disabled (--no-reference)' });
        expect(typeof c.contention).toBe('boolean');
      }
      const table = cap.out.join('\n');
      expect(table).toContain(
        '| case | implementation | median | min–max | time/op | vs reference | cpu/wall |',
      );
      expect(table).toContain('| ws n=32 k=4 p=0.75 | typed-arrays |');
      expect(cap.err.join('\n')).toMatch(/sample 3\/3, elapsed .* ETA/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects unknown benchmarks and options with exit code 2, and lists benchmarks', async () => {
    const a = io();
    expect(await main(['--only', 'nope'], a.io)).toBe(2);
    expect(a.err.join('\n')).toMatch(/unknown benchmark 'nope': must be one of graph-generation/);
    const b = io();
    expect(await main(['--frobnicate'], b.io)).toBe(2);
    const d = io();
    const dir = mkdtempSync(join(tmpdir(), 'randwire-bench-'));
    try {
      const args = [
        '--quick',
        '--no-reference',
        '--only',
        'graph-generation',
        '--filter',
        'ws n=32',
        '--out',
        dir,
      ];
      expect(await main([...args, '--json'], d.io)).toBe(0);
      const [results] = JSON.parse(d.out.join('\n'));
      expect(results.cases.map((x: { name: string }) => x.name)).toEqual(['ws n=32 k=4 p=0.75']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const c = io();
    expect(await main(['--list'], c.io)).toBe(0);
    expect(c.out.join('\n')).toMatch(/^graph-generation /);
  });

  it('--quick runs the training, scaling, memory and ONNX benchmarks with the documented shape', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'randwire-bench-'));
    try {
      const names = ['training', 'training-scaling', 'memory', 'onnx-inference'];
      const cap = io();
      expect(await main(['--quick', '--no-reference', '--only', names.join(','), '--out', dir], cap.io)).toBe(
        0,
      );
      expect(readdirSync(dir).sort()).toEqual(names.map((n) => `${n}.json`).sort());
      const read = (n: string) => JSON.parse(readFileSync(join(dir, `${n}.json`), 'utf8'));
      for (const n of names) {
        const r = read(n);
        expect(r).toMatchObject({ format: 'randwire-benchmark', version: 1, benchmark: n, quick: true });
        expect(r.cases.length).toBeGreaterThan(0);
        for (const c of r.cases) {
          expect(c.unit).toBe('img/s');
          if (n === 'memory') expect(c.reference).toBeNull();
          else
            expect(c.reference).toEqual({
              name: 'pytorch',
              unavailable: expect.stringMatching(/--no-reference/),
            });
          for (const v of c.variants) {
            expect(v.samples).toHaveLength(3);
            // operations are images: a whole number of batches per sample
            for (const s of v.samples) expect(s.operations % (c.params.batch as number)).toBe(0);
            expect(v.min).toBeLessThanOrEqual(v.median);
            expect(v.median).toBeLessThanOrEqual(v.max);
          }
        }
      }
      const training = read('training');
      expect(training.cases.map((c: { name: string }) => c.name)).toEqual(['A train batch 8 (quick)']);
      expect(training.cases[0].params).toMatchObject({
        configuration: 'A',
        preset: 'mnist-small',
        batch: 8,
        multiplyAddsPerImage: expect.any(Number),
        params: expect.any(Number),
      });
      expect(training.cases[0].variants.map((v: { name: string }) => v.name)).toEqual([
        'onnxruntime-t1',
        'wasm',
      ]);
      const scaling = read('training-scaling');
      const macs = scaling.cases.map(
        (c: { params: { multiplyAddsPerImage: number } }) => c.params.multiplyAddsPerImage,
      );
      expect(macs[1]).toBeGreaterThan(macs[0]); // more nodes, more work
      const mem = read('memory').cases[0].params;
      expect(mem.leak).toBe(false);
      expect(mem.numTensors).toHaveLength(3);
      expect(new Set(mem.numTensors).size).toBe(1);
      expect(mem.rssPeakMiB).toBeGreaterThan(0);
      const onnx = read('onnx-inference');
      expect(onnx.cases[0].variants.map((v: { name: string }) => v.name)).toEqual(
        expect.arrayContaining(['ort-t1', 'ort-t2', 'tfjs-wasm']),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('--quick runs generator-comparison: accuracy per model × seed, mean ± std, cost and wall time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'randwire-bench-'));
    try {
      const cap = io();
      expect(
        await main(['--quick', '--no-reference', '--only', 'generator-comparison', '--out', dir], cap.io),
      ).toBe(0);
      const r = JSON.parse(readFileSync(join(dir, 'generator-comparison.json'), 'utf8'));
      expect(r).toMatchObject({
        format: 'randwire-benchmark',
        version: 1,
        benchmark: 'generator-comparison',
      });
      expect(r.cases.map((c: { name: string }) => c.name)).toEqual(['ws', 'ba', 'er']);
      const macs: number[] = [];
      for (const c of r.cases) {
        expect(c.unit).toBe('accuracy');
        expect(c.variants).toEqual([]);
        expect(c.params).toMatchObject({
          seeds: [0, 1],
          epochs: [1],
          trainImages: 256,
          testImages: 128,
          batch: 32,
        });
        const m = c.metrics;
        expect(m).toMatchObject({
          multiplyAdds: expect.any(Number),
          params: expect.any(Number),
          costVsMean: expect.stringMatching(/%$/),
          'acc @1 epoch': expect.stringMatching(/^\d\.\d{4} ± \d\.\d{4}$/),
          wallSeconds: { mean: expect.any(Number), std: expect.any(Number) },
        });
        macs.push(m.multiplyAdds);
        expect(m.runs.map((x: { seed: number }) => x.seed)).toEqual([0, 1]);
        for (const run of m.runs) {
          expect(run.testAcc).toHaveLength(1);
          expect(run.testAcc[0]).toBeGreaterThanOrEqual(0);
          expect(run.testAcc[0]).toBeLessThanOrEqual(1);
          expect(run.seconds).toBeGreaterThan(0);
        }
        const { mean, std } = m.accuracy['1'];
        expect(mean).toBeGreaterThanOrEqual(0);
        expect(mean).toBeLessThanOrEqual(1);
        expect(std).toBeGreaterThanOrEqual(0);
      }
      // about equal cost: the models differ only in aggregation weights and output nodes
      expect(Math.max(...macs) / Math.min(...macs)).toBeLessThan(1.2);
      const table = cap.out.join('\n');
      expect(table).toMatch(
        /\| case \| multiplyAdds \| params \| costVsMean \| acc @1 epoch \| wall s\/run \|/,
      );
      expect(table).toMatch(/\| ws \| .* ± /);
      expect(table).not.toContain('| implementation |');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('the networkx reference worker', () => {
  it('generates the same models and times them inside Python (or says why it cannot)', async () => {
    const script = join(REFERENCE_DIR, 'networkx_graphs.py');
    if (!existsSync(DEBIAN_PYTHON)) {
      await expect(PythonWorker.start(script)).rejects.toThrow(/not found/);
      return;
    }
    const { worker, info } = await PythonWorker.start(script);
    try {
      expect(info).toEqual({ python: expect.any(String), networkx: expect.any(String) });
      const answer = await worker.request({ op: 'run', model: 'ba', n: 32, m: 5, seed: 0, seconds: 0 });
      expect(answer['operations']).toBe(1);
      // the DAG of BA(32, 5): 135 internal edges, m initial sources, plus the output edges
      expect(answer['check']).toBeGreaterThan(135 + 5);
      await expect(worker.request({ op: 'run', model: 'xx', n: 3 })).rejects.toThrow(/unknown model/);
    } finally {
      worker.stop();
    }
  });
});
