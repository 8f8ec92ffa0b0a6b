import { DirectedGraph, UndirectedGraph } from 'graphology';
import { sortEdgePairs, toGraphology } from './edge-list';
import { createRng, randomIndex } from './rng';

describe('sortEdgePairs', () => {
  it('sorts random pair lists by u then v', () => {
    const rng = createRng(0);
    for (let trial = 0; trial < 50; trial++) {
      const n = 2 + randomIndex(rng, 40);
      const seen = new Set<number>();
      const pairs: number[] = [];
      for (let e = 0; e < 60; e++) {
        const a = randomIndex(rng, n);
        const b = randomIndex(rng, n);
        if (a === b || seen.has(Math.min(a, b) * n + Math.max(a, b))) continue;
        seen.add(Math.min(a, b) * n + Math.max(a, b));
        pairs.push(Math.min(a, b), Math.max(a, b));
      }
      const expected = [...seen].sort((x, y) => x - y).flatMap((key) => [Math.floor(key / n), key % n]);
      expect([...sortEdgePairs(n, Int32Array.from(pairs))]).toEqual(expected);
    }
  });

  it('sorts long runs of equal u (a hub with 50 neighbours, reversed)', () => {
    const pairs: number[] = [];
    for (let v = 50; v >= 1; v--) pairs.push(0, v);
    pairs.push(1, 2);
    const expected = [...Array.from({ length: 50 }, (_, i) => [0, i + 1]).flat(), 1, 2];
    expect([...sortEdgePairs(51, Int32Array.from(pairs))]).toEqual(expected);
  });

  it('returns an already sorted list unchanged', () => {
    const sorted = Int32Array.from([0, 1, 0, 2, 1, 2]);
    expect(sortEdgePairs(3, sorted)).toBe(sorted);
  });
});

describe('toGraphology', () => {
  it('keys nodes by label and edges u--v, with index attributes and graph attributes', () => {
    const list = { n: 3, edges: Int32Array.from([0, 1, 1, 2]), index: Int32Array.from([2, 0, 1]) };
    const graph = toGraphology(list, UndirectedGraph, { model: 'er', p: 0.5 });
    expect(graph.nodes()).toEqual(['0', '1', '2']);
    expect(graph.edges()).toEqual(['0--1', '1--2']);
    expect(graph.getNodeAttribute('0', 'index')).toBe(2);
    expect(graph.getAttributes()).toEqual({ model: 'er', p: 0.5 });
    expect(() => toGraphology(list, DirectedGraph)).toThrow();
  });
});
