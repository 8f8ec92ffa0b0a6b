// The accuracy benchmark's --quick mode end to end: `randwire train` (the built CLI) and the
// PyTorch reference on a tiny network, with the JSON shape the README documents. (Its
// accuracies are not compared: a 6-node, 8-channel network after 64 steps is chaotic in eval
// mode, per-seed results of the two sides differ by up to 12 points from the same start. The
// full run compares; onnx-train's tests compare the steps themselves.) Without
// python3-torch the PyTorch side is recorded as unavailable, which fails under CI (CI
// installs it).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main';
import { ACCURACY_CASES, QUICK_ACCURACY } from './accuracy';

interface Run {
  seed: number;
  testAcc: number;
  imagesPerSec: number;
}

describe('accuracy benchmark --quick', () => {
  it('trains each case on both sides per seed and reports mean ± std side by side', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'randwire-accuracy-'));
    try {
      const out: string[] = [];
      const code = await main(['--quick', '--only', 'accuracy', '--out', dir], {
        out: (t) => out.push(t),
        err: () => {},
      });
      expect(code).toBe(0);
      const results = JSON.parse(readFileSync(join(dir, 'accuracy.json'), 'utf8'));
      expect(results).toMatchObject({ format: 'randwire-benchmark', benchmark: 'accuracy', quick: true });
      const quickCases = ACCURACY_CASES.filter((c) => !c.fullOnly).map((c) => c.name);
      expect(results.cases.map((c: { name: string }) => c.name)).toEqual(quickCases);
      for (const c of results.cases) {
        expect(c.unit).toBe('accuracy');
        expect(c.params).toMatchObject({ seeds: QUICK_ACCURACY.seeds, batch: QUICK_ACCURACY.batch });
        const m = c.metrics;
        expect(m.randwire.engine).toBe('onnxruntime');
        const rw: Run[] = m.randwire.runs;
        expect(rw.map((r) => r.seed)).toEqual(QUICK_ACCURACY.seeds);
        const mean = rw.reduce((a, r) => a + r.testAcc, 0) / rw.length;
        expect(m.randwire.accuracy.mean).toBeCloseTo(mean, 12);
        expect(m.randwire.accuracy.std).toBeGreaterThanOrEqual(0);
        for (const r of rw) {
          expect(r.testAcc).toBeGreaterThanOrEqual(0);
          expect(r.testAcc).toBeLessThanOrEqual(1);
          expect(r.imagesPerSec).toBeGreaterThan(0);
        }
        if (process.env['CI']) expect(m.pytorch.unavailable).toBeUndefined();
        if (m.pytorch.unavailable !== undefined) continue;
        const pt: Run[] = m.pytorch.runs;
        expect(pt.map((r) => r.seed)).toEqual(QUICK_ACCURACY.seeds);
        expect(m['randwire − pytorch (points)']).toBe(
          ((m.randwire.accuracy.mean - m.pytorch.accuracy.mean) * 100).toFixed(2),
        );
        for (const r of pt) {
          expect(r.testAcc).toBeGreaterThanOrEqual(0);
          expect(r.testAcc).toBeLessThanOrEqual(1);
          expect(r.imagesPerSec).toBeGreaterThan(0);
        }
      }
      expect(out.join('\n')).toContain('randwire acc %');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
