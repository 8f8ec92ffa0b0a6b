import { barabasiAlbert, barabasiAlbertEdges } from './barabasi-albert';
import { InvalidParameterError } from './errors';
import { createRng } from './rng';
import { barabasiAlbertReference } from './test-utils/barabasi-albert-reference';
import { checkEdgeList, pairsOf, thrown } from './test-utils/edge-checks';

describe('barabasiAlbertEdges', () => {
  it('has exactly m(n - m) distinct edges for many seeds and sizes', () => {
    for (const [n, m] of [
      [2, 1],
      [6, 5],
      [10, 1],
      [32, 5],
      [50, 7],
      [200, 3],
    ] as const) {
      for (let seed = 0; seed < 40; seed++) {
        const list = barabasiAlbertEdges({ n, m, rng: createRng(seed) });
        checkEdgeList(list);
        expect(list.edges.length / 2).toBe(m * (n - m));
      }
    }
  });

  it('matches a plain transcription of the definition, draw for draw (small and large n)', () => {
    for (const [n, m, seeds] of [
      [6, 5, 20],
      [40, 3, 20],
      [3000, 2, 2],
    ] as const) {
      for (let seed = 0; seed < seeds; seed++) {
        const list = barabasiAlbertEdges({ n, m, rng: createRng(seed) });
        expect(pairsOf(list)).toEqual(barabasiAlbertReference(n, m, createRng(seed)));
      }
    }
  });

  it('starts from m edgeless nodes; the first added node links to all of them; each later node adds m edges to earlier nodes', () => {
    for (let seed = 0; seed < 50; seed++) {
      const n = 32;
      const m = 5;
      const list = barabasiAlbertEdges({ n, m, rng: createRng(seed) });
      const earlier = Array.from({ length: n }, () => [] as number[]);
      for (let e = 0; e < list.edges.length; e += 2) earlier[list.edges[e + 1]!]!.push(list.edges[e]!);
      for (let v = 0; v < m; v++) expect(earlier[v]).toEqual([]);
      expect(earlier[m]).toEqual([0, 1, 2, 3, 4]);
      for (let t = m + 1; t < n; t++) expect(earlier[t]).toHaveLength(m);
      expect([...list.index]).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it('picks targets proportionally to degree, without replacement (6,000 seeds)', () => {
    // n = 4, m = 2: node 2 links to 0 and 1 (degrees 1, 1, 2). Node 3 draws from the pool
    // [0, 2, 1, 2] until it has 2 distinct nodes: P({0, 1}) = 1/4·1/3 + 1/4·1/3 = 1/6,
    // P({0, 2}) = P({1, 2}) = 5/12.
    const counts: Record<string, number> = {};
    const trials = 6000;
    for (let seed = 0; seed < trials; seed++) {
      const pairs = pairsOf(barabasiAlbertEdges({ n: 4, m: 2, rng: createRng(seed) }));
      const key = pairs.filter((p) => p.endsWith('-3')).join(',');
      counts[key] = (counts[key] ?? 0) + 1;
    }
    const bound = (p: number) => 4.5 * Math.sqrt((p * (1 - p)) / trials);
    expect(Math.abs(counts['0-3,1-3']! / trials - 1 / 6)).toBeLessThan(bound(1 / 6));
    expect(Math.abs(counts['0-3,2-3']! / trials - 5 / 12)).toBeLessThan(bound(5 / 12));
    expect(Math.abs(counts['1-3,2-3']! / trials - 5 / 12)).toBeLessThan(bound(5 / 12));
  });

  it('is heavy-tailed: the max degree is far above the mean (1,000 seeds)', () => {
    const n = 500;
    const m = 2;
    let sumMax = 0;
    for (let seed = 0; seed < 1000; seed++) {
      const degree = checkEdgeList(barabasiAlbertEdges({ n, m, rng: createRng(seed) }));
      sumMax += Math.max(...degree);
    }
    const meanDegree = (2 * m * (n - m)) / n;
    // An ER graph of the same mean degree (~4) has a max degree around 11 at n = 500.
    expect(sumMax / 1000).toBeGreaterThan(5 * meanDegree);
  });

  it('rejects every invalid parameter', () => {
    const rng = createRng(0);
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ n: 32, m: 0 }, /barabasi-albert: invalid m \(0\): must be an integer with 1 <= m < n \(n = 32\)/],
      [{ n: 32, m: 32 }, /invalid m \(32\)/],
      [{ n: 32, m: 2.5 }, /invalid m \(2.5\)/],
      [{ n: 32, m: Number.NaN }, /invalid m \(NaN\)/],
      [{ n: 32, m: undefined }, /invalid m \(undefined\)/],
      [{ n: 1, m: 1 }, /invalid n \(1\): must be an integer with 2 <= n/],
      [{ n: 7.5, m: 1 }, /invalid n \(7.5\)/],
    ];
    for (const [options, pattern] of bad) {
      expect(() => barabasiAlbertEdges({ ...options, rng } as never)).toThrow(InvalidParameterError);
      expect(() => barabasiAlbertEdges({ ...options, rng } as never)).toThrow(pattern);
    }
    expect(thrown(() => barabasiAlbertEdges({ n: 10, m: 10, rng }))).toMatchObject({
      parameter: 'm',
      value: 10,
    });
  });

  it('builds a graphology graph with model attributes', () => {
    const graph = barabasiAlbert({ n: 32, m: 5, rng: createRng(0) });
    expect(graph.size).toBe(5 * 27);
    expect(graph.getAttribute('m')).toBe(5);
    expect(graph.getNodeAttribute('31', 'index')).toBe(31);
  });
});
