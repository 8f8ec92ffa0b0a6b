// RandomDag <-> graphology DirectedGraph with explicit input/output nodes, a deterministic
// topological order, and the validator for directed graphs given by users.
import { DirectedGraph } from 'graphology';
import type { AbstractGraph, Attributes } from 'graphology-types';
import { CycleError, DanglingNodeError, InvalidGraphError } from './errors';
import { dagFromIndexPairs, findCycle, type RandomDag } from './random-dag';

/** Keys of the explicit input and output nodes. */
export const INPUT = 'input';
export const OUTPUT = 'output';

/** Node attributes of `toDirectedGraph`'s output. */
export interface DagNodeAttributes {
  role: 'input' | 'node' | 'output';
  /** DAG index, internal nodes only. */
  index?: number;
}

/**
 * RandomDag → graphology DirectedGraph: nodes `input`, `"0".."n-1"`, `output` in that order
 * (attributes `role`, and `index` on internal nodes), edges keyed `"s->t"` sorted by source
 * then target in that node order. Optional graph attributes (e.g. provenance).
 */
export function toDirectedGraph(dag: RandomDag, attributes?: Attributes): DirectedGraph {
  const graph = new DirectedGraph();
  if (attributes) graph.replaceAttributes({ ...attributes });
  graph.addNode(INPUT, { role: 'input' });
  const keys: string[] = new Array(dag.n);
  for (let i = 0; i < dag.n; i++) {
    keys[i] = String(i);
    graph.addNode(keys[i], { role: 'node', index: i });
  }
  graph.addNode(OUTPUT, { role: 'output' });
  for (const s of dag.sources) graph.addDirectedEdgeWithKey(`${INPUT}->${keys[s]}`, INPUT, keys[s]!);
  for (let i = 0; i < dag.n; i++) {
    const from = keys[i]!;
    for (const j of dag.successors[i]!) graph.addDirectedEdgeWithKey(`${from}->${keys[j]}`, from, keys[j]!);
    if (dag.successors[i]!.length === 0) graph.addDirectedEdgeWithKey(`${from}->${OUTPUT}`, from, OUTPUT);
  }
  return graph;
}

export interface DirectedGraphOptions {
  /** Key of the input node. */
  input?: string;
  /** Key of the output node. */
  output?: string;
}

export const DIRECTED_GRAPH_DEFAULTS: Readonly<Required<DirectedGraphOptions>> = Object.freeze({
  input: INPUT,
  output: OUTPUT,
});

interface Indexed {
  keys: string[];
  successors: number[][];
  predecessors: number[][];
}

function indexGraph(graph: AbstractGraph, where: string): Indexed {
  if (graph.type === 'undirected' || graph.undirectedSize > 0) {
    throw new InvalidGraphError(
      `@randwire/dag/${where}: expected a directed graph, got one with ${graph.undirectedSize} undirected edge(s) (use toDag)`,
    );
  }
  const keys = graph.nodes();
  const position = new Map<string, number>();
  keys.forEach((key, i) => {
    position.set(key, i);
  });
  const successors: number[][] = keys.map(() => []);
  const predecessors: number[][] = keys.map(() => []);
  graph.forEachEdge((_edge, _attributes, source, target) => {
    const s = position.get(source)!;
    const t = position.get(target)!;
    successors[s]!.push(t);
    predecessors[t]!.push(s);
  });
  return { keys, successors, predecessors };
}

/** Kahn's algorithm; among ready nodes the earliest inserted goes first (deterministic).
 * Returns positions; throws CycleError naming a cycle. */
function kahn(indexed: Indexed, where: string): number[] {
  const { keys, successors, predecessors } = indexed;
  const n = keys.length;
  const remaining = predecessors.map((list) => list.length);
  const heap: number[] = [];
  const push = (x: number) => {
    heap.push(x);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]! <= x) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = x;
  };
  const pop = (): number => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= heap.length) break;
        const c = l + 1 < heap.length && heap[l + 1]! < heap[l]! ? l + 1 : l;
        if (heap[c]! >= last) break;
        heap[i] = heap[c]!;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  };
  for (let v = 0; v < n; v++) if (remaining[v] === 0) push(v);
  const order: number[] = [];
  while (heap.length > 0) {
    const v = pop();
    order.push(v);
    for (const w of successors[v]!) if (--remaining[w]! === 0) push(w);
  }
  if (order.length < n) {
    const cycle = findCycle(successors) ?? [];
    throw new CycleError(
      where,
      cycle.map((v) => keys[v]!),
    );
  }
  return order;
}

/** Node keys of a directed graph in a deterministic topological order (Kahn's algorithm,
 * ties broken by insertion order). Throws CycleError naming a cycle. */
export function topologicalOrder(graph: AbstractGraph): string[] {
  const indexed = indexGraph(graph, 'topological-order');
  return kahn(indexed, 'topological-order').map((v) => indexed.keys[v]!);
}

/**
 * Checks that a directed graph is a valid randomly wired DAG: the input and output nodes
 * exist; no cycle (CycleError); every node is reachable from the input and reaches the output
 * (DanglingNodeError). Returns the topological order (node keys).
 */
export function validateDag(graph: AbstractGraph, options: DirectedGraphOptions = {}): string[] {
  const where = 'validate-dag';
  const { input, output } = { ...DIRECTED_GRAPH_DEFAULTS, ...options };
  if (!graph.hasNode(input) || !graph.hasNode(output) || input === output) {
    throw new InvalidGraphError(
      `@randwire/dag/${where}: the graph needs distinct input and output nodes, keyed ${JSON.stringify(input)} and ${JSON.stringify(output)} (missing: ${[input, output].filter((k) => !graph.hasNode(k)).join(', ') || 'none'})`,
    );
  }
  const indexed = indexGraph(graph, where);
  const order = kahn(indexed, where);
  const { keys, successors, predecessors } = indexed;
  const reach = (start: number, next: number[][]) => {
    const seen = new Uint8Array(keys.length);
    const stack = [start];
    seen[start] = 1;
    while (stack.length > 0) {
      for (const w of next[stack.pop()!]!) {
        if (!seen[w]) {
          seen[w] = 1;
          stack.push(w);
        }
      }
    }
    return seen;
  };
  const fromInput = reach(keys.indexOf(input), successors);
  const toOutput = reach(keys.indexOf(output), predecessors);
  for (const v of order) {
    if (!fromInput[v]) {
      throw new DanglingNodeError(
        where,
        keys[v]!,
        'unreachable-from-input',
        `in-degree ${predecessors[v]!.length}`,
      );
    }
    if (!toOutput[v]) {
      throw new DanglingNodeError(
        where,
        keys[v]!,
        'cannot-reach-output',
        `out-degree ${successors[v]!.length}`,
      );
    }
  }
  return order.map((v) => keys[v]!);
}

/** A RandomDag read from a directed graph, and the node key of each DAG id. */
export interface FromDirectedGraphResult {
  dag: RandomDag;
  /** keys[id]: the graph's key of internal node `id`. */
  keys: string[];
}

/**
 * Validated directed graph (see validateDag) → RandomDag. Internal node ids are the nodes'
 * `index` attributes when every internal node has one and they form a topological
 * permutation of 0..n-1; otherwise their rank in `topologicalOrder`. A direct input → output
 * edge cannot be represented and is rejected (InvalidGraphError).
 */
export function fromDirectedGraph(
  graph: AbstractGraph,
  options: DirectedGraphOptions = {},
): FromDirectedGraphResult {
  const where = 'from-directed-graph';
  const { input, output } = { ...DIRECTED_GRAPH_DEFAULTS, ...options };
  const order = validateDag(graph, { input, output });
  if (graph.hasDirectedEdge(input, output)) {
    throw new InvalidGraphError(
      `@randwire/dag/${where}: direct edge ${input} -> ${output}: every path must pass an internal node`,
    );
  }
  let internal = order.filter((key) => key !== input && key !== output);
  const n = internal.length;
  if (n === 0) throw new InvalidGraphError(`@randwire/dag/${where}: no internal nodes: need at least 1`);
  const byIndex: string[] = new Array(n);
  const usable = internal.every((key) => {
    const index = graph.getNodeAttribute(key, 'index');
    if (
      typeof index !== 'number' ||
      !Number.isInteger(index) ||
      index < 0 ||
      index >= n ||
      byIndex[index] !== undefined
    ) {
      return false;
    }
    byIndex[index] = key;
    return true;
  });
  if (usable) {
    const consistent = graph.everyEdge((_e, _a, s, t) => {
      if (s === input || t === output) return true;
      return (graph.getNodeAttribute(s, 'index') as number) < (graph.getNodeAttribute(t, 'index') as number);
    });
    if (consistent) internal = byIndex;
  }
  const id = new Map<string, number>();
  internal.forEach((key, i) => {
    id.set(key, i);
  });
  const pairs: number[] = [];
  graph.forEachEdge((_e, _a, s, t) => {
    if (s === input || t === output) return;
    pairs.push(id.get(s)!, id.get(t)!);
  });
  const dag = dagFromIndexPairs(n, pairs, where);
  // The input must feed exactly the in-degree-0 nodes, the output be fed by the out-degree-0 ones.
  for (const key of graph.outNeighbors(input)) {
    const i = id.get(key)!;
    if (dag.predecessors[i]!.length > 0) {
      throw new InvalidGraphError(
        `@randwire/dag/${where}: node ${JSON.stringify(key)} is fed by the input node and by other nodes: only in-degree-0 nodes may be fed by the input`,
      );
    }
  }
  for (const key of graph.inNeighbors(output)) {
    const i = id.get(key)!;
    if (dag.successors[i]!.length > 0) {
      throw new InvalidGraphError(
        `@randwire/dag/${where}: node ${JSON.stringify(key)} feeds the output node and other nodes: only out-degree-0 nodes may feed the output`,
      );
    }
  }
  return { dag, keys: internal };
}
