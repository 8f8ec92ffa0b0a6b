// Watts–Strogatz WS(K, P) exactly as randwire.md section 2 defines it.

import type { UndirectedGraph } from 'graphology';
import type { AbstractGraph } from 'graphology-types';
import { type EdgeList, type GraphConstructor, toGraphology } from './edge-list';
import { InvalidParameterError } from './errors';
import { type Rng, randomIndex } from './rng';
import { checkNodes, checkProbability, checkRng } from './validate';

export interface WattsStrogatzOptions {
  /** Node count, n > k. */
  n: number;
  /** Ring neighbours (k / 2 per side): an even integer, 2 <= k < n. */
  k: number;
  /** Rewiring probability, 0 <= p <= 1. */
  p: number;
  rng: Rng;
}

const WHERE = 'watts-strogatz';

/**
 * WS(K, P) as typed arrays. Nodes 0..n-1 sit on a ring in clockwise order, each linked to its
 * k/2 neighbours on each side. Then for i = 1..k/2, for v = 0..n-1 (clockwise), the edge
 * (v, v+i mod n) is rewired with probability p: its far end becomes a node drawn uniformly
 * among nodes that are not v and not linked to v (skipped when v is linked to every other
 * node). The edge count stays n·k/2. DAG index = ring position (section 3).
 *
 * Draws, in order: for each (i, v) one `rng()` (rewire when < p); when rewiring, uniform
 * candidates `floor(rng() * n)` until one is neither v nor a neighbour of v.
 */
export function wattsStrogatzEdges(options: WattsStrogatzOptions): EdgeList {
  const n = checkNodes(WHERE, options.n, 3);
  const k = options.k;
  if (typeof k !== 'number' || !Number.isInteger(k) || k % 2 !== 0 || k < 2 || k >= n) {
    throw new InvalidParameterError(WHERE, 'k', k, `an even integer with 2 <= k < n (n = ${n})`);
  }
  const p = checkProbability(WHERE, 'p', options.p);
  const rng = checkRng(WHERE, options.rng);
  const half = k / 2;

  const adj: number[][] = new Array(n);
  for (let v = 0; v < n; v++) {
    const list: number[] = [];
    for (let i = 1; i <= half; i++) list.push((v + i) % n, (v - i + n) % n);
    adj[v] = list;
  }
  for (let i = 1; i <= half; i++) {
    for (let v = 0; v < n; v++) {
      if (!(rng() < p)) continue;
      const nv = adj[v]!;
      if (nv.length >= n - 1) continue;
      let w = randomIndex(rng, n);
      while (w === v || nv.includes(w)) w = randomIndex(rng, n);
      const far = (v + i) % n;
      nv[nv.indexOf(far)] = w;
      const nf = adj[far]!;
      const at = nf.indexOf(v);
      nf[at] = nf[nf.length - 1]!;
      nf.pop();
      adj[w]!.push(v);
    }
  }

  // Emit each node's larger neighbours in ascending order: sorted output, no extra arrays.
  const edges = new Int32Array(n * k);
  let e = 0;
  for (let u = 0; u < n; u++) {
    const from = e;
    for (const v of adj[u]!) {
      if (v <= u) continue;
      edges[e] = u;
      let j = e - 2;
      while (j >= from && edges[j + 1]! > v) {
        edges[j + 3] = edges[j + 1]!;
        j -= 2;
      }
      edges[j + 3] = v;
      e += 2;
    }
  }
  const index = new Int32Array(n);
  for (let v = 0; v < n; v++) index[v] = v;
  return { n, edges, index };
}

/** WS(K, P) as a graphology graph (default `UndirectedGraph`); node attribute `index`. */
export function wattsStrogatz(options: WattsStrogatzOptions): UndirectedGraph;
export function wattsStrogatz<G extends AbstractGraph>(
  Graph: GraphConstructor<G>,
  options: WattsStrogatzOptions,
): G;
export function wattsStrogatz(
  a: GraphConstructor | WattsStrogatzOptions,
  b?: WattsStrogatzOptions,
): AbstractGraph {
  const [Graph, options] = typeof a === 'function' ? [a, b!] : [undefined, a];
  return toGraphology(wattsStrogatzEdges(options), Graph, { model: 'ws', k: options.k, p: options.p });
}
