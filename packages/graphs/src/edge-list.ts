// The compact form every generator builds first: typed arrays, no per-edge objects. A graphology
// graph is then constructed once from the finished arrays (facts.md: the fast way to be both
// quick and graphology-native).

import { UndirectedGraph } from 'graphology';
import type { AbstractGraph } from 'graphology-types';
import type { GraphModelName } from './models';

/** A generated undirected graph in compact form. */
export interface EdgeList {
  /** Node count; nodes are labelled 0..n-1. */
  n: number;
  /** Edges as label pairs `[u0, v0, u1, v1, ...]` with u < v, sorted by u then v. */
  edges: Int32Array;
  /** `index[label]`: the node's DAG index (randwire.md section 3), a permutation of 0..n-1. */
  index: Int32Array;
}

/** Node attributes of generated graphs. */
export interface GraphNodeAttributes {
  /** The node's DAG index (randwire.md section 3). */
  index: number;
}

/** Graph attributes of generated graphs (provenance only). */
export interface GraphAttributes {
  model?: GraphModelName;
  k?: number;
  p?: number;
  m?: number;
}

/** A graphology graph class, e.g. `UndirectedGraph` (the default) or `Graph`. */
export type GraphConstructor<G extends AbstractGraph = AbstractGraph> = new () => G;

/** Sorts label pairs (u < v) by u then v into an Int32Array (the input itself when it is an
 * already sorted Int32Array). A stable counting sort by u, O(edges + n); pairs with equal u are
 * then sorted by v only when they were not already. */
export function sortEdgePairs(n: number, edges: ArrayLike<number>): Int32Array {
  const count = edges.length >> 1;
  let sorted = true;
  for (let e = 1; e < count && sorted; e++) {
    const du = edges[2 * e]! - edges[2 * e - 2]!;
    if (du < 0 || (du === 0 && edges[2 * e + 1]! <= edges[2 * e - 1]!)) sorted = false;
  }
  if (sorted) return edges instanceof Int32Array ? edges : Int32Array.from(edges);
  const fill: number[] = new Array(n).fill(0);
  for (let e = 0; e < count; e++) {
    const u = edges[2 * e]!;
    fill[u] = fill[u]! + 1;
  }
  const start: number[] = new Array(n + 1);
  start[0] = 0;
  for (let u = 0; u < n; u++) {
    start[u + 1] = start[u]! + fill[u]!;
    fill[u] = start[u]!;
  }
  const out = new Int32Array(2 * count);
  for (let e = 0; e < count; e++) {
    const u = edges[2 * e]!;
    const at = fill[u]!;
    fill[u] = at + 1;
    out[2 * at] = u;
    out[2 * at + 1] = edges[2 * e + 1]!;
  }
  for (let u = 0; u < n; u++) {
    const from = start[u]!;
    const to = start[u + 1]!;
    let inOrder = true;
    for (let e = from + 1; e < to; e++) {
      if (out[2 * e + 1]! <= out[2 * e - 1]!) {
        inOrder = false;
        break;
      }
    }
    if (inOrder) continue;
    if (to - from <= 32) {
      for (let e = from + 1; e < to; e++) {
        const x = out[2 * e + 1]!;
        let j = e - 1;
        while (j >= from && out[2 * j + 1]! > x) {
          out[2 * j + 3] = out[2 * j + 1]!;
          j--;
        }
        out[2 * j + 3] = x;
      }
    } else {
      const vs: number[] = [];
      for (let e = from; e < to; e++) vs.push(out[2 * e + 1]!);
      vs.sort((a, b) => a - b);
      for (let e = from; e < to; e++) out[2 * e + 1] = vs[e - from]!;
    }
  }
  return out;
}

/**
 * Builds a graphology graph from an edge list, in a deterministic order: nodes keyed
 * `"0".."n-1"` (labels) with attribute `index`, then edges in list order keyed `"u--v"`.
 */
export function toGraphology<G extends AbstractGraph = UndirectedGraph>(
  list: EdgeList,
  Graph?: GraphConstructor<G>,
  attributes?: GraphAttributes,
): G {
  const graph = (Graph ? new Graph() : new UndirectedGraph()) as G;
  const keys: string[] = new Array(list.n);
  for (let u = 0; u < list.n; u++) {
    const key = String(u);
    keys[u] = key;
    graph.addNode(key, { index: list.index[u]! });
  }
  const { edges } = list;
  for (let e = 0; e < edges.length; e += 2) {
    const u = keys[edges[e]!]!;
    const v = keys[edges[e + 1]!]!;
    graph.addUndirectedEdgeWithKey(`${u}--${v}`, u, v);
  }
  if (attributes) {
    for (const [name, value] of Object.entries(attributes)) {
      if (value !== undefined) graph.setAttribute(name, value);
    }
  }
  return graph;
}
