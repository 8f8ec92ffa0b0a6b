import { join } from 'node:path';
import { buildReport, graphLabel, reportMarkdown, reportTable } from './report';
import { readResults } from './results';
import { summarize } from './statistics';

const FIXTURE = join(__dirname, '../fixtures/results.jsonl');

describe('summarize', () => {
  it('gives mean, sample std (n - 1), n, min, max', () => {
    // (0.8, 0.82, 0.84): deviations ±0.02 → std = sqrt((0.0004 + 0.0004) / 2) = 0.02
    const s = summarize([0.8, 0.82, 0.84]);
    expect(s.n).toBe(3);
    expect(s.mean).toBeCloseTo(0.82, 12);
    expect(s.std).toBeCloseTo(0.02, 12);
    expect([s.min, s.max]).toEqual([0.8, 0.84]);
    expect(summarize([5]).std).toBeNull();
    expect(() => summarize([])).toThrow(RangeError);
  });
});

describe('buildReport on a fixture results file', () => {
  const { results, skipped } = readResults(FIXTURE);
  const report = buildReport(results);

  it('groups by everything but the seed', () => {
    expect(skipped).toEqual([]);
    expect(report.results).toBe(7);
    expect(report.groups.map((g) => [g.label, g.n, g.seeds])).toEqual([
      ['WS(4, 0.75)', 3, [0, 1, 2]],
      ['BA(5)', 3, [0, 1, 2]],
      ['ER(0.2)', 1, [0]],
    ]);
    expect(report.varying).toEqual(['model', 'k', 'p', 'm']);
    expect(report.common).toMatchObject({
      preset: 'mnist-small',
      epochs: 1,
      data: 'embedded',
      engine: 'auto',
    });
    expect(report.common).not.toHaveProperty('seed');
  });

  it('matches hand-computed mean ± std', () => {
    const [ws, ba, er] = report.groups;
    // WS accuracy 0.80, 0.82, 0.84 → 0.82 ± 0.02; params 200k, 201k, 202k → 201000 ± 1000
    expect(ws!.testAcc.mean).toBeCloseTo(0.82, 12);
    expect(ws!.testAcc.std).toBeCloseTo(0.02, 12);
    expect(ws!.params.mean).toBeCloseTo(201000, 6);
    expect(ws!.params.std).toBeCloseTo(1000, 6);
    // multiply-adds 30M, 31M, 32M → 31M ± 1M
    expect(ws!.multiplyAdds.mean).toBeCloseTo(31e6, 3);
    expect(ws!.multiplyAdds.std).toBeCloseTo(1e6, 3);
    // BA accuracy 0.70, 0.75, 0.77: mean 0.74, squares 0.0016 + 0.0001 + 0.0009 = 0.0026, / 2 → sqrt(0.0013)
    expect(ba!.testAcc.mean).toBeCloseTo(0.74, 12);
    expect(ba!.testAcc.std).toBeCloseTo(Math.sqrt(0.0013), 12);
    expect([ba!.testAcc.min, ba!.testAcc.max]).toEqual([0.7, 0.77]);
    // params 190k, 190k, 193k: mean 191000, squares 1e6 + 1e6 + 4e6 = 6e6, / 2 → sqrt(3e6)
    expect(ba!.params.std).toBeCloseTo(Math.sqrt(3e6), 6);
    // one seed: no std
    expect(er!.testAcc).toEqual({ n: 1, mean: 0.79, std: null, min: 0.79, max: 0.79 });
  });

  it('tabulates and writes Markdown with the plots', () => {
    const { header, rows } = reportTable(report);
    expect(header[2]).toBe('test acc % (mean ± std)');
    expect(rows[0]).toEqual([
      'WS(4, 0.75)',
      '3',
      '82.00 ± 2.00',
      '80.00',
      '84.00',
      '0.20 ± 0.00',
      '31.00 ± 1.00',
      '51.0 ± 1.0',
    ]);
    expect(rows[2]![2]).toBe('79.00');
    const md = reportMarkdown(report, {
      title: 'Sweep',
      plots: [{ file: 'plots/a.svg', caption: 'A plot' }],
    });
    expect(md).toContain('| WS(4, 0.75) | 3 | 82.00 ± 2.00 |');
    expect(md).toContain('![A plot](plots/a.svg)');
    expect(md).toContain('- varying: model, k, p, m');
  });

  it('labels graphs as the paper does', () => {
    expect(graphLabel({ model: 'ws', params: { k: 4, p: 0.75 } })).toBe('WS(4, 0.75)');
    expect(graphLabel({ model: 'ba', params: { m: 5 } })).toBe('BA(5)');
    expect(graphLabel({ model: 'er', params: { p: 0.2 } })).toBe('ER(0.2)');
  });
});
