import {
  createRng,
  erdosRenyiEdges,
  type GraphModelName,
  generateEdges,
  generateGraph,
} from '@randwire/graphs';
import { DirectedGraph, UndirectedGraph } from 'graphology';
import { toDirectedGraph, validateDag } from './directed';
import { CycleError, DagError, InvalidGraphError } from './errors';
import { checkRandomDag, dagFromEdgeList, dagFromPredecessors, findCycle, toDag } from './random-dag';

const MODELS: Array<[GraphModelName, { k?: number; p?: number; m?: number }]> = [
  ['ws', { k: 4, p: 0.75 }],
  ['ba', { m: 5 }],
  ['er', { p: 0.2 }],
];

describe('toDag / dagFromEdgeList', () => {
  it.each(MODELS)(
    '%s: orients edges low → high index, with a unique input and output (60 seeds)',
    (model, params) => {
      for (let seed = 0; seed < 60; seed++) {
        const graph = generateGraph(model, 32, params, createRng(seed));
        const dag = toDag(graph);
        expect(dagFromEdgeList(generateEdges(model, 32, params, createRng(seed)))).toEqual(dag);
        checkRandomDag(dag);
        let edges = 0;
        for (let i = 0; i < dag.n; i++) {
          for (const j of dag.predecessors[i]!)
            if (!(j < i)) throw new Error(`edge ${j}->${i} not low → high`);
          edges += dag.predecessors[i]!.length;
        }
        expect(edges).toBe(graph.size);
        // every undirected edge appears once, oriented by the index attributes
        graph.forEachEdge((_e, _a, s, t) => {
          const a = graph.getNodeAttribute(s, 'index') as number;
          const b = graph.getNodeAttribute(t, 'index') as number;
          if (!dag.successors[Math.min(a, b)]!.includes(Math.max(a, b))) throw new Error(`missing ${a}-${b}`);
        });
        const directed = toDirectedGraph(dag);
        const order = validateDag(directed);
        expect(order[0]).toBe('input');
        expect(order[order.length - 1]).toBe('output');
        expect(directed.inDegree('input')).toBe(0);
        expect(directed.outDegree('output')).toBe(0);
        expect(directed.filterNodes((n) => directed.inDegree(n) === 0)).toEqual(['input']);
        expect(directed.filterNodes((n) => directed.outDegree(n) === 0)).toEqual(['output']);
      }
    },
  );

  it('uses the section 3 orders: WS clockwise (ring lattice edges), BA order of addition', () => {
    const ring = toDag(generateGraph('ws', 8, { k: 2, p: 0 }, createRng(0)));
    expect(ring.successors).toEqual([[1, 7], [2], [3], [4], [5], [6], [7], []]);
    expect(ring.sources).toEqual([0]);
    expect(ring.sinks).toEqual([7]);
    const ba = toDag(generateGraph('ba', 10, { m: 3 }, createRng(1)));
    expect(ba.sources).toEqual([0, 1, 2]); // the m initial nodes, edgeless among themselves
    expect(ba.predecessors[3]).toEqual([0, 1, 2]); // the first added node links to all of them
    for (let t = 4; t < 10; t++) expect(ba.predecessors[t]).toHaveLength(3);
  });

  it('ER: the DAG follows the random permutation, not the labels', () => {
    const list = erdosRenyiEdges({ n: 32, p: 0.2, rng: createRng(3) });
    const dag = dagFromEdgeList(list);
    const u = list.edges[0]!;
    const v = list.edges[1]!;
    const [a, b] = [list.index[u]!, list.index[v]!].sort((x, y) => x - y) as [number, number];
    expect(dag.successors[a]).toContain(b);
  });

  it('sorts predecessor and successor lists of any length (dense ER, permuted indices)', () => {
    for (const [n, p] of [
      [80, 0.8],
      [40, 0.3],
    ] as const) {
      const list = erdosRenyiEdges({ n, p, rng: createRng(n) });
      const dag = dagFromEdgeList(list);
      const preds = Array.from({ length: n }, () => [] as number[]);
      for (let e = 0; e < list.edges.length; e += 2) {
        const a = list.index[list.edges[e]!]!;
        const b = list.index[list.edges[e + 1]!]!;
        preds[Math.max(a, b)]!.push(Math.min(a, b));
      }
      expect(dag.predecessors).toEqual(preds.map((l) => l.sort((x, y) => x - y)));
      expect(Math.max(...dag.predecessors.map((l) => l.length))).toBeGreaterThan(n === 80 ? 32 : 0);
      checkRandomDag(dag);
    }
  });

  it('wires isolated nodes to both the input and the output', () => {
    const dag = toDag(generateGraph('er', 5, { p: 0 }, createRng(0)));
    expect(dag.sources).toEqual([0, 1, 2, 3, 4]);
    expect(dag.sinks).toEqual([0, 1, 2, 3, 4]);
    const directed = toDirectedGraph(dag);
    for (let i = 0; i < 5; i++) {
      expect(directed.hasDirectedEdge('input', String(i))).toBe(true);
      expect(directed.hasDirectedEdge(String(i), 'output')).toBe(true);
    }
    expect(validateDag(directed)).toHaveLength(7);
  });

  it('rejects graphs it cannot orient', () => {
    const directed = new DirectedGraph();
    directed.addNode('a', { index: 0 });
    directed.addNode('b', { index: 1 });
    directed.addEdge('a', 'b');
    expect(() => toDag(directed)).toThrow(/expected an undirected graph/);

    const noIndex = new UndirectedGraph();
    noIndex.addNode('a');
    expect(() => toDag(noIndex)).toThrow(InvalidGraphError);
    expect(() => toDag(noIndex)).toThrow(/node "a" has index undefined/);

    const duplicate = new UndirectedGraph();
    duplicate.addNode('a', { index: 0 });
    duplicate.addNode('b', { index: 0 });
    expect(() => toDag(duplicate)).toThrow(/index 0 is used by more than one node/);

    const loop = new UndirectedGraph();
    loop.addNode('a', { index: 0 });
    loop.addEdge('a', 'a');
    expect(() => toDag(loop)).toThrow(/self-loop/);

    expect(() => toDag(new UndirectedGraph())).toThrow(DagError);
  });
});

describe('dagFromPredecessors', () => {
  it('builds the DAG of a hand-made wiring', () => {
    const dag = dagFromPredecessors([[], [0], [0], [1, 2], []]);
    expect(dag.successors).toEqual([[1, 2], [3], [3], [], []]);
    expect(dag.sources).toEqual([0, 4]);
    expect(dag.sinks).toEqual([3, 4]);
  });

  it('rejects a cycle with a CycleError naming it, and a non-topological order otherwise', () => {
    let error: unknown;
    try {
      dagFromPredecessors([[2], [0], [1]]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CycleError);
    expect((error as CycleError).cycle).toEqual(['0', '1', '2', '0']);
    expect(() => dagFromPredecessors([[1], []])).toThrow(/ids must be a topological order/);
    expect(() => dagFromPredecessors([[], [5]])).toThrow(/predecessor 5: must be an integer in 0..1/);
    expect(() => dagFromPredecessors([[], [0, 0]])).toThrow(/parallel edges/);
  });

  it('findCycle reports self-loops and returns null on DAGs', () => {
    expect(findCycle([[0]])).toEqual([0, 0]);
    expect(findCycle([[1], [2], []])).toBeNull();
  });

  it('checkRandomDag catches inconsistent DAGs', () => {
    const dag = dagFromPredecessors([[], [0]]);
    expect(() => checkRandomDag({ ...dag, sinks: [0, 1] })).toThrow(/sinks must be \[1\]/);
    expect(() => checkRandomDag({ ...dag, successors: [[], []] })).toThrow(/successors\[0\]/);
  });
});
