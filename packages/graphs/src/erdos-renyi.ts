// Erdős–Rényi ER(P) exactly as randwire.md section 2 defines it.

import type { UndirectedGraph } from 'graphology';
import type { AbstractGraph } from 'graphology-types';
import { type EdgeList, type GraphConstructor, sortEdgePairs, toGraphology } from './edge-list';
import { type Rng, randomIndex } from './rng';
import { checkEdgeCount, checkNodes, checkProbability, checkRng } from './validate';

export interface ErdosRenyiOptions {
  /** Node count, n >= 1. */
  n: number;
  /** Probability of each of the n(n-1)/2 edges, independently: 0 <= p <= 1. */
  p: number;
  rng: Rng;
}

const WHERE = 'erdos-renyi';

/**
 * ER(P) as typed arrays: every pair gets an edge with probability p, independently. Uses the
 * geometric skip method (Batagelj & Brandes 2005): the same distribution as one coin per pair,
 * with one draw per edge instead of one per pair, so n = 100,000 stays sane.
 * DAG index = a uniform random permutation drawn from the same rng AFTER the edges (section 3).
 *
 * Draws, in order: edges: pairs enumerated as (w, v), v = 1..n-1, w = 0..v-1; each draw r
 * skips `floor(log(1 - r) / log(1 - p))` pairs (none when p is 0 or 1); then the permutation:
 * Fisher–Yates, for i = n-1 down to 1, j = floor(rng() * (i + 1)), swap(i, j), starting from
 * the identity; `index[label]` is the resulting array.
 */
export function erdosRenyiEdges(options: ErdosRenyiOptions): EdgeList {
  const n = checkNodes(WHERE, options.n, 1);
  const p = checkProbability(WHERE, 'p', options.p);
  const rng = checkRng(WHERE, options.rng);
  checkEdgeCount(WHERE, 'er', n, { p });

  let edges: Int32Array;
  if (p === 0) {
    edges = new Int32Array(0);
  } else if (p === 1) {
    edges = new Int32Array(n * (n - 1));
    let e = 0;
    for (let u = 0; u < n; u++) {
      for (let v = u + 1; v < n; v++) {
        edges[e++] = u;
        edges[e++] = v;
      }
    }
  } else {
    const buffer: number[] = [];
    const logq = Math.log1p(-p);
    const total = (n * (n - 1)) / 2;
    let position = -1;
    let v = 1;
    let w = -1;
    for (;;) {
      const skip = 1 + Math.floor(Math.log1p(-rng()) / logq);
      position += skip;
      if (!(position < total)) break;
      w += skip;
      while (w >= v) {
        w -= v;
        v += 1;
      }
      buffer.push(w, v);
    }
    edges = sortEdgePairs(n, buffer);
  }

  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = randomIndex(rng, i + 1);
    const t = index[i]!;
    index[i] = index[j]!;
    index[j] = t;
  }
  return { n, edges, index };
}

/** ER(P) as a graphology graph (default `UndirectedGraph`); node attribute `index`. */
export function erdosRenyi(options: ErdosRenyiOptions): UndirectedGraph;
export function erdosRenyi<G extends AbstractGraph>(
  Graph: GraphConstructor<G>,
  options: ErdosRenyiOptions,
): G;
export function erdosRenyi(a: GraphConstructor | ErdosRenyiOptions, b?: ErdosRenyiOptions): AbstractGraph {
  const [Graph, options] = typeof a === 'function' ? [a, b!] : [undefined, a];
  return toGraphology(erdosRenyiEdges(options), Graph, { model: 'er', p: options.p });
}
