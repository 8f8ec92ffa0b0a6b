import { createRng, generateGraph } from '@randwire/graphs';
import { removeEdge, removeNode } from './damage';
import { toDirectedGraph, validateDag } from './directed';
import { DamageError } from './errors';
import { checkRandomDag, dagFromPredecessors, toDag } from './random-dag';

describe('removeNode', () => {
  it('re-wires orphaned neighbours to the input and output and renumbers', () => {
    // 0 -> 1 -> 2, and 0 -> 3
    const dag = dagFromPredecessors([[], [0], [1], [0]]);
    const result = removeNode(dag, 1);
    expect(result.oldIds).toEqual([0, 2, 3]);
    expect(result.rewiredToInput).toEqual([2]);
    expect(result.rewiredToOutput).toEqual([]);
    expect(result.dag.predecessors).toEqual([[], [], [0]]);
    expect(result.dag.sources).toEqual([0, 1]);
    expect(result.dag.sinks).toEqual([1, 2]);
    const leaf = removeNode(dagFromPredecessors([[], [0]]), 1);
    expect(leaf.rewiredToOutput).toEqual([0]);
  });

  it('keeps a valid DAG for every node of generated graphs', () => {
    for (let seed = 0; seed < 20; seed++) {
      const dag = toDag(generateGraph('ws', 16, { k: 4, p: 0.75 }, createRng(seed)));
      for (let node = 0; node < dag.n; node++) {
        const { dag: damaged } = removeNode(dag, node);
        checkRandomDag(damaged);
        expect(damaged.n).toBe(15);
        validateDag(toDirectedGraph(damaged));
      }
    }
  });

  it('cannot remove the only node, nor a node that does not exist', () => {
    expect(() => removeNode(dagFromPredecessors([[]]), 0)).toThrow(
      /cannot remove node 0: it is the only node/,
    );
    expect(() => removeNode(dagFromPredecessors([[], []]), 2)).toThrow(DamageError);
  });
});

describe('removeEdge', () => {
  it('removes an internal edge, re-wiring its ends when they are left without inputs/outputs', () => {
    const dag = dagFromPredecessors([[], [0], [0, 1]]);
    const cut = removeEdge(dag, 0, 1);
    expect(cut.dag.predecessors).toEqual([[], [], [0, 1]]);
    expect(cut.rewiredToInput).toEqual([1]);
    expect(cut.rewiredToOutput).toEqual([]);
    const last = removeEdge(dag, 1, 2);
    expect(last.rewiredToOutput).toEqual([1]);
    checkRandomDag(last.dag);
  });

  it('says why an input or output edge cannot go, and rejects missing edges', () => {
    const dag = dagFromPredecessors([[], [0]]);
    expect(() => removeEdge(dag, 'input', 0)).toThrow(
      /cannot remove edge input -> 0: it is node 0's only input/,
    );
    expect(() => removeEdge(dag, 1, 'output')).toThrow(/only output/);
    expect(() => removeEdge(dag, 'input', 1)).toThrow(/no edge input -> 1/);
    expect(() => removeEdge(dag, 1, 0)).toThrow(/no edge 1 -> 0/);
    expect(() => removeEdge(dag, 0, 7)).toThrow(DamageError);
  });
});
