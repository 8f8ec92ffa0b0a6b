import type { DamageCase } from './damage';
import { type DamageOutcome, damagePlot } from './damage-plot';
import { pearson } from './statistics';

const outcome = (
  stage: string,
  node: number,
  inDegree: number,
  outDegree: number,
  drop: number,
): DamageOutcome => ({
  case: {
    damage: { kind: 'node', stage, node },
    label: `${stage} node ${node}`,
    inDegree,
    outDegree,
  } as DamageCase,
  accuracy: 0.8 - drop,
  drop,
});

describe('pearson', () => {
  it('is 1 for a line, -1 for a falling one, null for a constant', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    // hand-computed: x 1,2,3,4; y 1,3,2,4 → sxy 4, sxx 5, syy 5 → 0.8
    expect(pearson([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 12);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(pearson([1], [1])).toBeNull();
  });
});

describe('damagePlot', () => {
  const outcomes = [outcome('s1', 0, 1, 1, 0.01), outcome('s1', 1, 1, 3, 0.1), outcome('s2', 0, 2, 4, 0.2)];

  it('plots the drop against a degree, one colour per stage, with r in the subtitle', () => {
    const plot = damagePlot(outcomes, { kind: 'node', degree: 'out', network: 'net', baseline: 0.8 })!;
    expect(plot.file).toBe('damage-nodes-out-degree.svg');
    expect(plot.svg).toContain('out-degree of the removed node');
    expect(plot.svg).toContain('accuracy drop (percentage points)');
    expect(plot.svg).toContain(`Pearson r = ${pearson([1, 3, 4], [0.01, 0.1, 0.2])!.toFixed(2)}`);
    expect(plot.svg).toContain('stage s1');
    expect(plot.svg).toContain('stage s2');
    expect(plot.svg.match(/<circle /g)).toHaveLength(3 + 2); // networks + legend
    expect(damagePlot(outcomes, { kind: 'edge', degree: 'in', network: 'net', baseline: 0.8 })).toBeNull();
  });
});
