import { createRng, generateGraph } from '@randwire/graphs';
import { dagFromPredecessors, toDag } from './random-dag';
import { dagStatistics } from './statistics';

describe('dagStatistics', () => {
  it('measures a chain: depth, path lengths, no clustering', () => {
    const stats = dagStatistics(dagFromPredecessors([[], [0], [1], [2]]));
    expect(stats).toMatchObject({ nodes: 4, edges: 3, sources: 1, sinks: 1, depth: 5, connected: true });
    // P4: ordered-pair distances sum to 2 * (1 + 2 + 3 + 1 + 2 + 1) = 20 over 12 pairs.
    expect(stats.averageShortestPathLength).toBeCloseTo(20 / 12, 12);
    expect(stats.averageClustering).toBe(0);
    expect(stats.inDegree).toEqual({ histogram: [1, 3], mean: 0.75, max: 1 });
  });

  it('measures a triangle plus an isolated node', () => {
    const stats = dagStatistics(dagFromPredecessors([[], [0], [0, 1], []]));
    expect(stats.depth).toBe(4); // input -> 0 -> 1 -> 2 -> output
    expect(stats.connected).toBe(false);
    expect(stats.averageShortestPathLength).toBe(1); // connected pairs only
    expect(stats.averageClustering).toBeCloseTo(3 / 4, 12); // three nodes at 1, one at 0
    expect(stats.outDegree.histogram).toEqual([2, 1, 1]);
    expect(stats.sources).toBe(2);
    expect(stats.sinks).toBe(2);
  });

  it('gives null path length when nothing is connected or when skipped', () => {
    expect(dagStatistics(dagFromPredecessors([[], []])).averageShortestPathLength).toBeNull();
    const ring = toDag(generateGraph('ws', 8, { k: 2, p: 0 }, createRng(0)));
    const skipped = dagStatistics(ring, { shortestPaths: false });
    expect(skipped.averageShortestPathLength).toBeNull();
    expect(skipped.connected).toBe(true);
    // C8: distances 1,1,2,2,3,3,4 from each node: mean 16/7.
    expect(dagStatistics(ring).averageShortestPathLength).toBeCloseTo(16 / 7, 12);
  });

  it('matches the WS lattice clustering formula at p = 0: 3(k - 2) / (4(k - 1))', () => {
    const stats = dagStatistics(toDag(generateGraph('ws', 40, { k: 6, p: 0 }, createRng(0))));
    expect(stats.averageClustering).toBeCloseTo((3 * 4) / (4 * 5), 12);
    expect(stats.edges).toBe(120);
  });
});
