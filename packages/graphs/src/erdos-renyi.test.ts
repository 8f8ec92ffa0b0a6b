import { erdosRenyi, erdosRenyiEdges } from './erdos-renyi';
import { InvalidParameterError } from './errors';
import { createRng } from './rng';
import { checkEdgeList, pairsOf } from './test-utils/edge-checks';

describe('erdosRenyiEdges', () => {
  it('has an edge count whose mean over 1,000 seeds lies in its binomial confidence interval', () => {
    const n = 32;
    const p = 0.2;
    const seeds = 1000;
    const pairs = (n * (n - 1)) / 2;
    let total = 0;
    const perPair = new Map<string, number>();
    for (let seed = 0; seed < seeds; seed++) {
      const list = erdosRenyiEdges({ n, p, rng: createRng(seed) });
      checkEdgeList(list);
      total += list.edges.length / 2;
      for (const pair of pairsOf(list)) perPair.set(pair, (perPair.get(pair) ?? 0) + 1);
    }
    // The total is Binomial(pairs * seeds, p): mean 99,200, sd sqrt(496,000 * 0.16) ~ 282.
    const sd = Math.sqrt(pairs * seeds * p * (1 - p));
    expect(Math.abs(total - pairs * seeds * p)).toBeLessThan(4.5 * sd);
    // Every pair (first, last, and all between) is hit with probability p: the skips are right.
    const pairSd = Math.sqrt((p * (1 - p)) / seeds);
    expect(perPair.size).toBe(pairs);
    for (const count of perPair.values()) expect(Math.abs(count / seeds - p)).toBeLessThan(5 * pairSd);
  });

  it('handles p = 0, p = 1 and a large sparse graph', () => {
    expect(erdosRenyiEdges({ n: 10, p: 0, rng: createRng(0) }).edges.length).toBe(0);
    expect(erdosRenyiEdges({ n: 10, p: 1, rng: createRng(0) }).edges.length / 2).toBe(45);
    expect(erdosRenyiEdges({ n: 1, p: 0.5, rng: createRng(0) }).edges.length).toBe(0);
    const n = 20000;
    const p = 8 / (n - 1);
    const list = erdosRenyiEdges({ n, p, rng: createRng(5) });
    checkEdgeList(list);
    const mean = (p * n * (n - 1)) / 2;
    expect(Math.abs(list.edges.length / 2 - mean)).toBeLessThan(5 * Math.sqrt(mean));
  });

  it('draws the DAG index as a uniform random permutation (section 3)', () => {
    const n = 8;
    const seeds = 4000;
    const firstIndex = new Array<number>(n).fill(0);
    for (let seed = 0; seed < seeds; seed++) {
      const list = erdosRenyiEdges({ n, p: 0.3, rng: createRng(seed) });
      firstIndex[list.index[0]!]!++;
    }
    const sd = Math.sqrt(((1 / n) * (1 - 1 / n)) / seeds);
    for (const count of firstIndex) expect(Math.abs(count / seeds - 1 / n)).toBeLessThan(5 * sd);
    // Not the identity in general, and reproducible per seed.
    const a = erdosRenyiEdges({ n: 32, p: 0.2, rng: createRng(9) });
    const b = erdosRenyiEdges({ n: 32, p: 0.2, rng: createRng(9) });
    expect([...a.index]).toEqual([...b.index]);
    expect([...a.index]).not.toEqual(Array.from({ length: 32 }, (_, i) => i));
  });

  it('rejects every invalid parameter', () => {
    const rng = createRng(0);
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ n: 32, p: -1 }, /erdos-renyi: invalid p \(-1\): must be a number with 0 <= p <= 1/],
      [{ n: 32, p: 1.01 }, /invalid p \(1.01\)/],
      [{ n: 32, p: Number.NaN }, /invalid p \(NaN\)/],
      [{ n: 0, p: 0.5 }, /invalid n \(0\): must be an integer with 1 <= n/],
      [{ n: 3.2, p: 0.5 }, /invalid n \(3.2\)/],
      [{ n: -4, p: 0.5 }, /invalid n \(-4\)/],
    ];
    for (const [options, pattern] of bad) {
      expect(() => erdosRenyiEdges({ ...options, rng } as never)).toThrow(InvalidParameterError);
      expect(() => erdosRenyiEdges({ ...options, rng } as never)).toThrow(pattern);
    }
  });

  it('builds a graphology graph whose node attributes carry the permutation', () => {
    const list = erdosRenyiEdges({ n: 16, p: 0.2, rng: createRng(2) });
    const graph = erdosRenyi({ n: 16, p: 0.2, rng: createRng(2) });
    graph.forEachNode((key, attributes) => expect(attributes['index']).toBe(list.index[Number(key)]));
    expect(graph.size).toBe(list.edges.length / 2);
  });
});
