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

/** Sorts label pairs (u < v) by u then v and returns them (the same array when already
 * sorted). A stable counting sort by u: O(edges + n); pairs with equal u keep their order, and
 * are sorted by v only when they were not already. */
export function sortEdgePairs(n: number, edges: Int32Array): Int32Array {
  const count = edges.length >> 1;
  if (count < 2) return edges;
  let sorted = true;
  for (let e = 1; e < count && sorted; e++) {
    const du = edges[2 * e]! - edges[2 * e - 2]!;
    if (du < 0 || (du === 0 && edges[2 * e + 1]! <= edges[2 * e - 1]!)) sorted = false;
  }
  if (sorted) return edges;
  const start = new Int32Array(n + 1);
  for (let e = 0; e < count; e++) start[edges[2 * e]! + 1]!++;
  for (let u = 0; u < n; u++) start[u + 1] = start[u + 1]! + start[u]!;
  const fill = start.slice(0, n);
  const out = new Int32Array(edges.length);
  for (let e = 0; e < count; e++) {
    const u = edges[2 * e]!;
    const at = fill[u]!++;
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
    if (!inOrder) {
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
        const vs = out.slice(2 * from, 2 * to).filter((_, i) => i % 2 === 1);
        vs.sort();
        for (let e = from; e < to; e++) out[2 * e + 1] = vs[e - from]!;
      }
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
