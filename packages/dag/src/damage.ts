// Graph damage (randwire.md section 8): remove one node or one edge, keeping a valid DAG.
import { DamageError } from './errors';
import { dagFromIndexPairs, type RandomDag } from './random-dag';

export interface DamageResult {
  /** The damaged DAG. After a node removal, ids above the removed one shift down by one. */
  dag: RandomDag;
  /** oldIds[newId]: the id each node had before the damage. */
  oldIds: number[];
  /** Nodes (old ids) that lost their last predecessor and are now fed by the input node. */
  rewiredToInput: number[];
  /** Nodes (old ids) that lost their last successor and now feed the output node. */
  rewiredToOutput: number[];
}

function checkNode(where: string, dag: RandomDag, node: unknown, role: string): number {
  if (typeof node !== 'number' || !Number.isInteger(node) || node < 0 || node >= dag.n) {
    throw new DamageError(
      `@randwire/dag/${where}: invalid ${role} (${String(node)}): must be a node id in 0..${dag.n - 1}`,
    );
  }
  return node;
}

/**
 * Removes internal node `node` and its edges. Predecessors left without successors now feed
 * the output node; successors left without predecessors are now fed by the input node. Fails
 * (DamageError) when it is the only node.
 */
export function removeNode(dag: RandomDag, node: number): DamageResult {
  const where = 'remove-node';
  checkNode(where, dag, node, 'node');
  if (dag.n === 1) {
    throw new DamageError(
      `@randwire/dag/${where}: cannot remove node ${node}: it is the only node (a DAG needs at least one)`,
    );
  }
  const oldIds: number[] = [];
  for (let i = 0; i < dag.n; i++) if (i !== node) oldIds.push(i);
  const newId = (i: number) => (i < node ? i : i - 1);
  const pairs: number[] = [];
  for (let i = 0; i < dag.n; i++) {
    if (i === node) continue;
    for (const j of dag.successors[i]!) if (j !== node) pairs.push(newId(i), newId(j));
  }
  const damaged = dagFromIndexPairs(dag.n - 1, pairs, where);
  return {
    dag: damaged,
    oldIds,
    rewiredToInput: dag.successors[node]!.filter((j) => dag.predecessors[j]!.length === 1),
    rewiredToOutput: dag.predecessors[node]!.filter((j) => dag.successors[j]!.length === 1),
  };
}

/**
 * Removes the edge from → to. An internal edge can always go: a node left without
 * predecessors is fed by the input node, one left without successors feeds the output node.
 * An edge from the input node (`'input'`) or to the output node (`'output'`) is its node's only
 * input or output, so removing it cannot keep the DAG valid: DamageError (remove the node).
 */
export function removeEdge(dag: RandomDag, from: number | 'input', to: number | 'output'): DamageResult {
  const where = 'remove-edge';
  if (from === 'input' || to === 'output') {
    const node = from === 'input' ? to : from;
    const id = checkNode(where, dag, node, from === 'input' ? 'to' : 'from');
    const exists = from === 'input' ? dag.predecessors[id]!.length === 0 : dag.successors[id]!.length === 0;
    if (!exists) throw new DamageError(`@randwire/dag/${where}: no edge ${from} -> ${to}`);
    throw new DamageError(
      `@randwire/dag/${where}: cannot remove edge ${from} -> ${to}: it is node ${id}'s only ${from === 'input' ? 'input' : 'output'} (remove the node instead)`,
    );
  }
  checkNode(where, dag, from, 'from');
  checkNode(where, dag, to, 'to');
  if (!dag.successors[from]!.includes(to))
    throw new DamageError(`@randwire/dag/${where}: no edge ${from} -> ${to}`);
  const pairs: number[] = [];
  for (let i = 0; i < dag.n; i++) {
    for (const j of dag.successors[i]!) if (!(i === from && j === to)) pairs.push(i, j);
  }
  return {
    dag: dagFromIndexPairs(dag.n, pairs, where),
    oldIds: Array.from({ length: dag.n }, (_, i) => i),
    rewiredToInput: dag.predecessors[to]!.length === 1 ? [to] : [],
    rewiredToOutput: dag.successors[from]!.length === 1 ? [from] : [],
  };
}
