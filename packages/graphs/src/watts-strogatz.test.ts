import { UndirectedGraph } from 'graphology';
import { InvalidParameterError } from './errors';
import { createRng } from './rng';
import { checkEdgeList, pairsOf, thrown, variance } from './test-utils/edge-checks';
import { wattsStrogatzReference } from './test-utils/watts-strogatz-reference';
import { wattsStrogatz, wattsStrogatzEdges } from './watts-strogatz';

describe('wattsStrogatzEdges', () => {
  it('has exactly n·k/2 distinct edges for many seeds and sizes', () => {
    for (const [n, k] of [
      [3, 2],
      [5, 4],
      [10, 2],
      [32, 4],
      [33, 6],
      [100, 10],
    ] as const) {
      for (const p of [0, 0.3, 0.75, 1]) {
        for (let seed = 0; seed < 25; seed++) {
          const list = wattsStrogatzEdges({ n, k, p, rng: createRng(seed) });
          checkEdgeList(list);
          expect(list.edges.length / 2).toBe((n * k) / 2);
        }
      }
    }
  });

  it('matches a plain adjacency-set transcription of the definition, draw for draw', () => {
    for (const [n, k] of [
      [5, 4],
      [12, 2],
      [32, 4],
      [40, 8],
      [200, 6],
    ] as const) {
      for (const p of [0.1, 0.75, 1]) {
        for (let seed = 0; seed < 20; seed++) {
          const list = wattsStrogatzEdges({ n, k, p, rng: createRng(seed) });
          expect(pairsOf(list)).toEqual(wattsStrogatzReference(n, k, p, createRng(seed)));
        }
      }
    }
  });

  it('is the ring lattice when p = 0, with clockwise (identity) indices', () => {
    const list = wattsStrogatzEdges({ n: 8, k: 4, p: 0, rng: createRng(3) });
    expect(pairsOf(list)).toEqual([
      '0-1',
      '0-2',
      '0-6',
      '0-7',
      '1-2',
      '1-3',
      '1-7',
      '2-3',
      '2-4',
      '3-4',
      '3-5',
      '4-5',
      '4-6',
      '5-6',
      '5-7',
      '6-7',
    ]);
    expect([...list.index]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('rewires every lattice edge when p = 1 except where the node is linked to all others', () => {
    // n = 5, k = 4 is the complete graph: every node is linked to all others, nothing moves.
    const complete = wattsStrogatzEdges({ n: 5, k: 4, p: 1, rng: createRng(0) });
    expect(complete.edges.length / 2).toBe(10);
    // n = 40, k = 2, p = 1: each clockwise edge (v, v+1) moves, so few ring edges survive.
    let ringEdges = 0;
    for (let seed = 0; seed < 50; seed++) {
      const list = wattsStrogatzEdges({ n: 40, k: 2, p: 1, rng: createRng(seed) });
      for (const pair of pairsOf(list)) {
        const [u, v] = pair.split('-').map(Number) as [number, number];
        if (v - u === 1 || (u === 0 && v === 39)) ringEdges++;
      }
    }
    // A rewired edge lands on a ring neighbour with probability ~ 2/37 per edge at most.
    expect(ringEdges / 50).toBeLessThan(40 * (3 / 37));
    expect(ringEdges).toBeGreaterThan(0);
  });

  it('keeps every node linked to at least k/2 nodes (its own clockwise edges never leave it)', () => {
    for (let seed = 0; seed < 200; seed++) {
      const degree = checkEdgeList(wattsStrogatzEdges({ n: 32, k: 4, p: 0.75, rng: createRng(seed) }));
      expect(Math.min(...degree)).toBeGreaterThanOrEqual(2);
    }
  });

  it('has degree variance growing with p (1,000 seeds each)', () => {
    const meanVariance = (p: number) => {
      let total = 0;
      for (let seed = 0; seed < 1000; seed++) {
        total += variance(checkEdgeList(wattsStrogatzEdges({ n: 32, k: 4, p, rng: createRng(seed) })));
      }
      return total / 1000;
    };
    const v0 = meanVariance(0);
    const v25 = meanVariance(0.25);
    const v75 = meanVariance(0.75);
    expect(v0).toBe(0);
    expect(v25).toBeGreaterThan(0.2);
    expect(v75).toBeGreaterThan(v25 * 1.5);
  });

  it('rejects every invalid parameter, naming it, its value and the allowed range', () => {
    const rng = createRng(0);
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [
        { n: 32, k: 5, p: 0.5 },
        /watts-strogatz: invalid k \(5\): must be an even integer with 2 <= k < n \(n = 32\)/,
      ],
      [{ n: 32, k: 0, p: 0.5 }, /invalid k \(0\)/],
      [{ n: 32, k: 32, p: 0.5 }, /invalid k \(32\)/],
      [{ n: 32, k: 34, p: 0.5 }, /invalid k \(34\)/],
      [{ n: 32, k: Number.NaN, p: 0.5 }, /invalid k \(NaN\)/],
      [{ n: 32, k: 4.5, p: 0.5 }, /invalid k \(4.5\)/],
      [{ n: 32.5, k: 4, p: 0.5 }, /invalid n \(32.5\): must be an integer with 3 <= n/],
      [{ n: 2, k: 2, p: 0.5 }, /invalid n \(2\)/],
      [{ n: Number.NaN, k: 2, p: 0.5 }, /invalid n \(NaN\)/],
      [{ n: 32, k: 4, p: -0.1 }, /invalid p \(-0.1\): must be a number with 0 <= p <= 1/],
      [{ n: 32, k: 4, p: 1.5 }, /invalid p \(1.5\)/],
      [{ n: 32, k: 4, p: Number.NaN }, /invalid p \(NaN\)/],
      [{ n: 32, k: 4, p: '0.5' }, /invalid p \("0.5"\)/],
    ];
    for (const [options, pattern] of bad) {
      expect(() => wattsStrogatzEdges({ ...options, rng } as never)).toThrow(InvalidParameterError);
      expect(() => wattsStrogatzEdges({ ...options, rng } as never)).toThrow(pattern);
    }
    expect(() => wattsStrogatzEdges({ n: 32, k: 4, p: 0.5, rng: 1 as never })).toThrow(/invalid rng/);
    expect(thrown(() => wattsStrogatzEdges({ n: 32, k: 3, p: 0.5, rng }))).toMatchObject({
      name: 'InvalidParameterError',
      parameter: 'k',
      value: 3,
    });
  });
});

describe('wattsStrogatz (graphology)', () => {
  it('builds the same graph as the edge list, with index attributes and u--v edge keys', () => {
    const list = wattsStrogatzEdges({ n: 32, k: 4, p: 0.75, rng: createRng(11) });
    const graph = wattsStrogatz({ n: 32, k: 4, p: 0.75, rng: createRng(11) });
    expect(graph).toBeInstanceOf(UndirectedGraph);
    expect(graph.order).toBe(32);
    expect(graph.size).toBe(64);
    expect(graph.edges()).toEqual(pairsOf(list).map((pair) => pair.replace('-', '--')));
    graph.forEachNode((key, attributes) => expect(attributes['index']).toBe(Number(key)));
    expect(graph.getAttribute('model')).toBe('ws');
    const custom = wattsStrogatz(UndirectedGraph, { n: 10, k: 2, p: 0, rng: createRng(0) });
    expect(custom.size).toBe(10);
  });
});
