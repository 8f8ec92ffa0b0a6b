import { barabasiAlbertEdges } from './barabasi-albert';
import { expectedEdges, MAX_EDGES } from './edge-count';
import { erdosRenyiEdges } from './erdos-renyi';
import { GraphSizeError, GraphsError } from './errors';
import { generateEdges } from './generate-graph';
import { createRng } from './rng';
import { thrown } from './test-utils/edge-checks';
import { checkEdgeCount } from './validate';
import { wattsStrogatzEdges } from './watts-strogatz';

describe('expectedEdges', () => {
  it('is exact for WS and BA, the expectation for ER', () => {
    expect(expectedEdges('ws', 32, { k: 4, p: 0.75 })).toBe(64);
    expect(expectedEdges('ba', 32, { m: 5 })).toBe(135);
    expect(expectedEdges('er', 32, { p: 0.2 })).toBeCloseTo(99.2, 10);
    const rng = createRng(3);
    expect(generateEdges('ws', 32, { k: 4, p: 0.75 }, rng).edges.length / 2).toBe(64);
    expect(generateEdges('ba', 32, { m: 5 }, rng).edges.length / 2).toBe(135);
    expect(generateEdges('er', 32, { p: 1 }, rng).edges.length / 2).toBe(expectedEdges('er', 32, { p: 1 }));
  });
});

describe('MAX_EDGES', () => {
  // Each of these died with a V8 fatal error or ran for minutes before the bound existed.
  it.each([
    [
      'er',
      () => erdosRenyiEdges({ n: 50_000, p: 0.5, rng: createRng(1) }),
      /n = 50000, p = 0.5 give 624,987,500 edges expected, above MAX_EDGES \(33,554,432\)/,
    ],
    [
      'ws',
      () => wattsStrogatzEdges({ n: 10_000_000, k: 8, p: 0.5, rng: createRng(1) }),
      /40,000,000 edges, above/,
    ],
    ['ba', () => barabasiAlbertEdges({ n: 10_000_000, m: 5, rng: createRng(1) }), /49,999,975 edges, above/],
  ])('%s: refuses a graph above the bound before allocating it', (_model, make, message) => {
    const e = thrown(make);
    expect(e).toBeInstanceOf(GraphSizeError);
    expect(e).toBeInstanceOf(GraphsError);
    expect((e as GraphSizeError).edges).toBeGreaterThan(MAX_EDGES);
    expect((e as Error).message).toMatch(message);
  });

  it('accepts a graph at the bound and refuses one edge more', () => {
    // n·k/2 = 2^25 exactly (the check alone: generating it would take a while).
    expect(() => checkEdgeCount('test', 'ws', 2 ** 23, { k: 8 })).not.toThrow();
    expect(() => checkEdgeCount('test', 'ba', MAX_EDGES + 2, { m: 1 })).toThrow(GraphSizeError);
  });
});
