import { DirectedGraph } from 'graphology';
import { fromDirectedGraph, toDirectedGraph, topologicalOrder, validateDag } from './directed';
import { CycleError, DanglingNodeError, InvalidGraphError } from './errors';
import { dagFromPredecessors } from './random-dag';

function digraph(edges: Array<[string, string]>, nodes: string[] = []): DirectedGraph {
  const graph = new DirectedGraph();
  for (const node of nodes) graph.addNode(node);
  for (const [s, t] of edges) graph.mergeEdge(s, t);
  return graph;
}

describe('toDirectedGraph', () => {
  it('adds the input and output nodes with sorted, keyed edges', () => {
    const graph = toDirectedGraph(dagFromPredecessors([[], [0], [0], [1, 2], []]), { model: 'custom' });
    expect(graph.nodes()).toEqual(['input', '0', '1', '2', '3', '4', 'output']);
    expect(graph.edges()).toEqual([
      'input->0',
      'input->4',
      '0->1',
      '0->2',
      '1->3',
      '2->3',
      '3->output',
      '4->output',
    ]);
    expect(graph.getNodeAttributes('2')).toEqual({ role: 'node', index: 2 });
    expect(graph.getAttribute('model')).toBe('custom');
  });
});

describe('validateDag / topologicalOrder', () => {
  it('returns a deterministic topological order', () => {
    const graph = digraph([
      ['input', 'b'],
      ['input', 'a'],
      ['a', 'c'],
      ['b', 'c'],
      ['c', 'output'],
    ]);
    expect(validateDag(graph)).toEqual(['input', 'b', 'a', 'c', 'output']);
    expect(topologicalOrder(graph)).toEqual(['input', 'b', 'a', 'c', 'output']);
  });

  it('rejects a cycle, naming it', () => {
    const graph = digraph([
      ['input', 'a'],
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'a'],
      ['c', 'output'],
    ]);
    expect(() => validateDag(graph)).toThrow(CycleError);
    expect(() => validateDag(graph)).toThrow(/cycle: a -> b -> c -> a/);
    expect(() => topologicalOrder(graph)).toThrow(CycleError);
  });

  it('rejects dangling nodes: unreachable from the input, or not reaching the output', () => {
    const orphan = digraph([
      ['input', 'a'],
      ['a', 'output'],
      ['z', 'a'],
    ]);
    expect(() => validateDag(orphan)).toThrow(DanglingNodeError);
    expect(() => validateDag(orphan)).toThrow(/dangling node "z": not reachable from the input node/);
    const deadEnd = digraph([
      ['input', 'a'],
      ['a', 'output'],
      ['a', 'd'],
    ]);
    expect(() => validateDag(deadEnd)).toThrow(/dangling node "d": does not reach the output node/);
    const isolated = digraph(
      [
        ['input', 'a'],
        ['a', 'output'],
      ],
      ['lonely'],
    );
    expect(() => validateDag(isolated)).toThrow(/dangling node "lonely"/);
  });

  it('needs the input and output nodes and a directed graph', () => {
    expect(() => validateDag(digraph([['a', 'b']]))).toThrow(InvalidGraphError);
    expect(() => validateDag(digraph([['a', 'b']]), { input: 'a', output: 'b' })).not.toThrow();
  });
});

describe('fromDirectedGraph', () => {
  it('round-trips toDirectedGraph', () => {
    const dag = dagFromPredecessors([[], [0], [], [0, 1, 2], [3], [1]]);
    const back = fromDirectedGraph(toDirectedGraph(dag));
    expect(back.dag).toEqual(dag);
    expect(back.keys).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('numbers unindexed nodes in topological order', () => {
    const graph = digraph([
      ['input', 'x'],
      ['x', 'y'],
      ['input', 'w'],
      ['w', 'y'],
      ['y', 'output'],
    ]);
    const { dag, keys } = fromDirectedGraph(graph);
    expect(keys).toEqual(['x', 'w', 'y']);
    expect(dag.predecessors).toEqual([[], [], [0, 1]]);
  });

  it('rejects shortcuts the RandomDag cannot represent', () => {
    expect(() =>
      fromDirectedGraph(
        digraph([
          ['input', 'a'],
          ['a', 'output'],
          ['input', 'output'],
        ]),
      ),
    ).toThrow(/direct edge input -> output/);
    expect(() =>
      fromDirectedGraph(
        digraph([
          ['input', 'a'],
          ['a', 'b'],
          ['input', 'b'],
          ['b', 'output'],
        ]),
      ),
    ).toThrow(/"b" is fed by the input node and by other nodes/);
  });
});
