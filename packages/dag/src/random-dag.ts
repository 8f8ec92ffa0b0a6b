// The DAG of randwire.md section 3: edges from the smaller DAG index to the larger, one input
// node feeding every in-degree-0 node, one output node fed by every out-degree-0 node.
import type { EdgeList } from '@randwire/graphs';
import type { AbstractGraph } from 'graphology-types';
import { CycleError, InvalidGraphError } from './errors';

/** A randomly wired DAG between a unique input node and a unique output node (implicit). */
export interface RandomDag {
  /** Internal node count; ids are DAG indices 0..n-1, which are a topological order. */
  n: number;
  /** predecessors[i]: direct predecessors of i, ascending; [] means fed by the input node. */
  predecessors: number[][];
  /** successors[i]: direct successors of i, ascending; [] means feeding the output node. */
  successors: number[][];
  /** Nodes fed by the input node (in-degree 0), ascending. */
  sources: number[];
  /** Nodes feeding the output node (out-degree 0), ascending. */
  sinks: number[];
}

/** Builds a RandomDag from index-space pairs (any order): each edge points from the smaller
 * index to the larger. Rejects self-loops and parallel edges. O(n + edges) plus a sort of each
 * node's list only when the pairs were not in (low, high) order. (Plain arrays throughout:
 * allocating small typed arrays costs more than the work at n = 32.) */
export function dagFromIndexPairs(
  n: number,
  pairs: ArrayLike<number>,
  where = 'dag-from-index-pairs',
): RandomDag {
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidGraphError(`@randwire/dag/${where}: invalid node count (${n}): must be an integer >= 1`);
  }
  const count = pairs.length >> 1;
  const inDegree: number[] = new Array(n).fill(0);
  const outDegree: number[] = new Array(n).fill(0);
  for (let e = 0; e < count; e++) {
    const a = pairs[2 * e]!;
    const b = pairs[2 * e + 1]!;
    if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && b >= 0 && a < n && b < n)) {
      throw new InvalidGraphError(`@randwire/dag/${where}: edge ${a}-${b} has an index outside 0..${n - 1}`);
    }
    if (a === b)
      throw new InvalidGraphError(`@randwire/dag/${where}: self-loop at index ${a}: cannot be oriented`);
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    outDegree[lo] = outDegree[lo]! + 1;
    inDegree[hi] = inDegree[hi]! + 1;
  }
  const predecessors: number[][] = new Array(n);
  const successors: number[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    predecessors[i] = new Array(inDegree[i]);
    successors[i] = new Array(outDegree[i]);
  }
  inDegree.fill(0);
  outDegree.fill(0);
  for (let e = 0; e < count; e++) {
    const a = pairs[2 * e]!;
    const b = pairs[2 * e + 1]!;
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    const p = inDegree[hi]!;
    const q = outDegree[lo]!;
    predecessors[hi]![p] = lo;
    successors[lo]![q] = hi;
    inDegree[hi] = p + 1;
    outDegree[lo] = q + 1;
  }
  const sources: number[] = [];
  const sinks: number[] = [];
  for (let i = 0; i < n; i++) {
    const pred = predecessors[i]!;
    const succ = successors[i]!;
    sortList(pred, where, i);
    sortList(succ, where, i);
    if (pred.length === 0) sources.push(i);
    if (succ.length === 0) sinks.push(i);
  }
  return { n, predecessors, successors, sources, sinks };
}

/** Sorts a node's list ascending in place (insertion sort when short); rejects duplicates. */
function sortList(list: number[], where: string, node: number): void {
  let sorted = true;
  for (let j = 1; j < list.length; j++) {
    if (list[j]! <= list[j - 1]!) {
      sorted = false;
      break;
    }
  }
  if (sorted) return;
  if (list.length > 32) list.sort((x, y) => x - y);
  else {
    for (let j = 1; j < list.length; j++) {
      const x = list[j]!;
      let k = j - 1;
      while (k >= 0 && list[k]! > x) {
        list[k + 1] = list[k]!;
        k--;
      }
      list[k + 1] = x;
    }
  }
  for (let j = 1; j < list.length; j++) {
    if (list[j] === list[j - 1]) {
      throw new InvalidGraphError(
        `@randwire/dag/${where}: parallel edges between indices ${Math.min(node, list[j]!)} and ${Math.max(node, list[j]!)}`,
      );
    }
  }
}

/** The fast path: a generator's typed-array output (`@randwire/graphs` `EdgeList`) to a DAG. */
export function dagFromEdgeList(list: EdgeList): RandomDag {
  const { edges, index } = list;
  const pairs: number[] = new Array(edges.length);
  for (let e = 0; e < edges.length; e++) pairs[e] = index[edges[e]!]!;
  return dagFromIndexPairs(list.n, pairs, 'dag-from-edge-list');
}

/**
 * Undirected graphology graph whose nodes carry `index` (their DAG index, a permutation of
 * 0..n-1; `@randwire/graphs` sets it) → RandomDag. Throws InvalidGraphError for directed
 * edges, missing/duplicate/out-of-range indices, self-loops and an empty graph.
 */
export function toDag(graph: AbstractGraph): RandomDag {
  const where = 'to-dag';
  if (graph.type === 'directed' || graph.directedSize > 0) {
    throw new InvalidGraphError(
      `@randwire/dag/${where}: expected an undirected graph, got one with ${graph.directedSize} directed edge(s) (use fromDirectedGraph)`,
    );
  }
  const n = graph.order;
  if (n === 0) throw new InvalidGraphError(`@randwire/dag/${where}: the graph has no nodes: need at least 1`);
  const indexOf = new Map<string, number>();
  const taken = new Uint8Array(n);
  graph.forEachNode((key, attributes) => {
    const index = attributes['index'];
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= n) {
      throw new InvalidGraphError(
        `@randwire/dag/${where}: node ${JSON.stringify(key)} has index ${JSON.stringify(index)}: every node needs an integer index in 0..${n - 1}`,
      );
    }
    if (taken[index]) {
      throw new InvalidGraphError(
        `@randwire/dag/${where}: index ${index} is used by more than one node (at ${JSON.stringify(key)})`,
      );
    }
    taken[index] = 1;
    indexOf.set(key, index);
  });
  const pairs = new Int32Array(graph.size * 2);
  let e = 0;
  graph.forEachEdge((_edge, _attributes, source, target) => {
    pairs[e++] = indexOf.get(source)!;
    pairs[e++] = indexOf.get(target)!;
  });
  return dagFromIndexPairs(n, pairs, where);
}

/**
 * A RandomDag from direct predecessor lists (e.g. a hand-made wiring): `predecessors[i]` must
 * only name nodes < i. A reference to a node >= i is a CycleError when it closes a cycle and an
 * InvalidGraphError (ids not in topological order) otherwise.
 */
export function dagFromPredecessors(predecessors: readonly (readonly number[])[]): RandomDag {
  const where = 'dag-from-predecessors';
  const n = predecessors.length;
  const pairs: number[] = [];
  for (let i = 0; i < n; i++) {
    for (const j of predecessors[i]!) {
      if (!Number.isInteger(j) || j < 0 || j >= n) {
        throw new InvalidGraphError(
          `@randwire/dag/${where}: node ${i} has predecessor ${j}: must be an integer in 0..${n - 1}`,
        );
      }
      if (j >= i) {
        const successors: number[][] = Array.from({ length: n }, () => []);
        predecessors.forEach((list, t) => {
          for (const s of list) if (s >= 0 && s < n) successors[s]!.push(t);
        });
        const cycle = findCycle(successors);
        if (cycle) throw new CycleError(where, cycle.map(String));
        throw new InvalidGraphError(
          `@randwire/dag/${where}: node ${i} has predecessor ${j} >= ${i}: ids must be a topological order (every predecessor smaller)`,
        );
      }
      pairs.push(j, i);
    }
  }
  return dagFromIndexPairs(n, pairs, where);
}

/** A directed cycle in an adjacency list (nodes 0..n-1), first node repeated last; null if none. */
export function findCycle(successors: readonly (readonly number[])[]): number[] | null {
  const n = successors.length;
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const parent = new Int32Array(n).fill(-1);
  const next = new Int32Array(n);
  for (let root = 0; root < n; root++) {
    if (state[root] !== 0) continue;
    const stack = [root];
    state[root] = 1;
    while (stack.length > 0) {
      const v = stack[stack.length - 1]!;
      const out = successors[v]!;
      if (next[v]! < out.length) {
        const w = out[next[v]!++]!;
        if (state[w] === 0) {
          state[w] = 1;
          parent[w] = v;
          stack.push(w);
        } else if (state[w] === 1) {
          const cycle = [w];
          for (let x = v; x !== w; x = parent[x]!) cycle.push(x);
          cycle.push(w);
          // collected backwards (w, v, parent(v), ..., w): reverse to follow the edges
          return cycle.reverse();
        }
      } else {
        state[v] = 2;
        stack.pop();
      }
    }
  }
  return null;
}

/** Checks a RandomDag's internal consistency (ascending lists, predecessors < node, mirrored
 * successors, sources/sinks exactly the in/out-degree-0 nodes). Throws InvalidGraphError. */
export function checkRandomDag(dag: RandomDag): void {
  const where = 'check-random-dag';
  const fail = (what: string) => {
    throw new InvalidGraphError(`@randwire/dag/${where}: ${what}`);
  };
  const { n } = dag;
  if (!Number.isInteger(n) || n < 1) fail(`invalid n (${n}): must be an integer >= 1`);
  if (dag.predecessors.length !== n || dag.successors.length !== n)
    fail('predecessors/successors must have n entries');
  const rebuilt = dagFromPredecessors(dag.predecessors);
  for (let i = 0; i < n; i++) {
    if (JSON.stringify(rebuilt.predecessors[i]) !== JSON.stringify(dag.predecessors[i])) {
      fail(`predecessors[${i}] must be ascending and distinct, got ${JSON.stringify(dag.predecessors[i])}`);
    }
    if (JSON.stringify(rebuilt.successors[i]) !== JSON.stringify(dag.successors[i])) {
      fail(
        `successors[${i}] must be ${JSON.stringify(rebuilt.successors[i])}, got ${JSON.stringify(dag.successors[i])}`,
      );
    }
  }
  if (JSON.stringify(rebuilt.sources) !== JSON.stringify(dag.sources))
    fail(`sources must be ${JSON.stringify(rebuilt.sources)}`);
  if (JSON.stringify(rebuilt.sinks) !== JSON.stringify(dag.sinks))
    fail(`sinks must be ${JSON.stringify(rebuilt.sinks)}`);
}
