import { GraphsError, InvalidParameterError } from './errors';
import { generateEdges, generateGraph } from './generate-graph';
import type { GraphModelName, GraphParams } from './models';
import { PAPER_PARAMS } from './models';
import { createRng } from './rng';
import { thrown } from './test-utils/edge-checks';

const MODELS: Array<[GraphModelName, GraphParams]> = [
  ['ws', { k: 4, p: 0.75 }],
  ['ba', { m: 5 }],
  ['er', { p: 0.2 }],
];

const serialize = (model: GraphModelName, params: GraphParams, seed?: number | null) =>
  JSON.stringify(generateGraph(model, 32, params, createRng(seed)).export());

describe('generateGraph', () => {
  it.each(MODELS)(
    '%s: same seed gives a byte-identical serialization; different seeds differ',
    (model, params) => {
      const a = serialize(model, params, 1);
      expect(serialize(model, params, 1)).toBe(a);
      expect(serialize(model, params, 2)).not.toBe(a);
      const zero = serialize(model, params, 0);
      expect(serialize(model, params, 0)).toBe(zero);
      expect(zero).not.toBe(a);
      expect(serialize(model, params, null)).not.toBe(zero);
      expect(serialize(model, params)).not.toBe(zero);
    },
  );

  it('records the model and its parameters as graph attributes', () => {
    const graph = generateGraph('ws', 32, { k: 4, p: 0.75 }, createRng(0));
    expect(graph.getAttributes()).toEqual({ model: 'ws', k: 4, p: 0.75 });
    expect(graph.getNodeAttribute('0', 'index')).toBe(0);
  });

  it('agrees with generateEdges', () => {
    for (const [model, params] of MODELS) {
      const list = generateEdges(model, 32, params, createRng(4));
      const graph = generateGraph(model, 32, params, createRng(4));
      expect(graph.size).toBe(list.edges.length / 2);
    }
  });

  it('rejects missing, extra and unknown parameters and unknown models', () => {
    const rng = createRng(0);
    expect(() => generateGraph('ws', 32, { k: 4 }, rng)).toThrow(/invalid p \(undefined\): must be given/);
    expect(() => generateGraph('ba', 32, {}, rng)).toThrow(/invalid m \(undefined\)/);
    expect(() => generateGraph('er', 32, { p: 0.2, m: 3 }, rng)).toThrow(/invalid m \(3\): must be absent/);
    expect(() => generateGraph('er', 32, { p: 0.2, m: undefined }, rng)).not.toThrow();
    expect(() => generateGraph('sw' as GraphModelName, 32, {}, rng)).toThrow(/invalid model \("sw"\)/);
    expect(() => generateGraph('ws', 32, null as never, rng)).toThrow(InvalidParameterError);
    expect(thrown(() => generateGraph('ws', 32, { k: 7, p: 0.5 }, rng))).toBeInstanceOf(GraphsError);
  });

  it('generates the paper settings', () => {
    for (const model of ['ws', 'ba', 'er'] as const) {
      expect(generateGraph(model, 32, PAPER_PARAMS[model], createRng(0)).order).toBe(32);
    }
  });
});
