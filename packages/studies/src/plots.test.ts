import { join } from 'node:path';
import { niceTicks } from './chart';
import { accuracyVsFieldPlot, sweepPlots } from './plots';
import { buildReport } from './report';
import { type PointResult, readResults } from './results';

const fixture = readResults(join(__dirname, '../fixtures/results.jsonl')).results;

/** Every tag closed in order (a cheap well-formedness check of the SVG text). */
function wellFormed(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (m[3] === '/') continue;
    if (m[1] === '/') {
      if (stack.pop() !== m[2]) return false;
    } else stack.push(m[2]!);
  }
  return stack.length === 0;
}

const count = (svg: string, re: RegExp) => svg.match(re)?.length ?? 0;

describe('sweep plots', () => {
  const plots = sweepPlots(buildReport(fixture));

  it('draws accuracy per group (one dot per network, mean ± std) and accuracy against cost', () => {
    expect(plots.map((p) => p.file)).toEqual(['accuracy-by-group.svg', 'accuracy-vs-multiply-adds.svg']);
    const [byGroup, cost] = plots as [(typeof plots)[0], (typeof plots)[0]];
    for (const p of plots) {
      expect(wellFormed(p.svg)).toBe(true);
      expect(p.svg).toContain('test accuracy (%)');
    }
    // 7 networks, 3 means and 2 error bars (ER has one seed), each + 1 in the legend
    expect(count(byGroup.svg, /<circle /g)).toBe(8);
    expect(count(byGroup.svg, /l6,6l-6,6l-6,-6z/g)).toBe(4);
    expect(count(byGroup.svg, /M[\d.]+,[\d.]+V[\d.]+M/g)).toBe(2 + 1);
    for (const text of [
      'WS(4, 0.75)',
      'BA(5)',
      'ER(0.2)',
      'one network (seed)',
      'mean over seeds',
      '± 1 std (sample)',
    ]) {
      expect(byGroup.svg).toContain(text);
    }
    expect(cost.svg).toContain('multiply-adds per image (millions)');
    expect(count(cost.svg, /<circle /g)).toBe(7 + 3);
  });

  it('draws accuracy against a swept parameter as a line with a std band per series', () => {
    const line: PointResult[] = [0, 0.25, 0.5, 0.75].flatMap((p, i) =>
      [0, 1].map((seed) => {
        const r = structuredClone(fixture[0]!);
        r.id = `${i}${seed}`.padEnd(16, '0');
        r.theta = { ...r.theta, p };
        r.graphs = r.graphs.map((g) => ({ ...g, params: { k: 4, p } }));
        r.seed = seed;
        r.testAcc = 0.8 + 0.01 * i + 0.005 * seed;
        return r;
      }),
    );
    const report = buildReport(line);
    expect(report.numeric).toEqual(['p']);
    const plot = accuracyVsFieldPlot(report, 'p')!;
    expect(plot.file).toBe('accuracy-vs-p.svg');
    expect(wellFormed(plot.svg)).toBe(true);
    expect(plot.svg).toContain('P (WS: rewiring probability; ER: edge probability)');
    expect(count(plot.svg, /<polygon /g)).toBe(1);
    expect(count(plot.svg, /stroke-width="2.2" fill="none"/g)).toBe(1);
    expect(sweepPlots(report).map((p) => p.file)).toEqual([
      'accuracy-by-group.svg',
      'accuracy-vs-p.svg',
      'accuracy-vs-multiply-adds.svg',
    ]);
  });
});

describe('niceTicks', () => {
  it('covers the range with 1, 2, 2.5 or 5 steps', () => {
    expect(niceTicks(70, 84)).toEqual([70, 75, 80, 85]);
    expect(niceTicks(70, 76)).toEqual([70, 72, 74, 76]);
    expect(niceTicks(0.5, 3.1)).toEqual([0, 1, 2, 3, 4]);
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(1, 7, 5, true)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(1, 3, 5, true)).toEqual([1, 2, 3]);
    expect(niceTicks(5, 5).length).toBeGreaterThanOrEqual(2);
  });
});
