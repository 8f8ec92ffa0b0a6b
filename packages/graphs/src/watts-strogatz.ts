// Watts–Strogatz WS(K, P) exactly as randwire.md section 2 defines it.

import type { UndirectedGraph } from 'graphology';
import type { AbstractGraph } from 'graphology-types';
import { type EdgeList, type GraphConstructor, sortEdgePairs, toGraphology } from './edge-list';
import { InvalidParameterError } from './errors';
import { type Rng, randomIndex } from './rng';
import { checkEdgeCount, checkNodes, checkProbability, checkRng } from './validate';

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
  checkEdgeCount(WHERE, 'ws', n, { k, p });
  const half = k / 2;

  // Every edge is owned by one "slot" (v, i): the clockwise lattice edge (v, v+i) whose far end
  // may move. So {v, w} is an edge iff a slot of v points to w or a slot of w points to v: an
  // O(k) test with no adjacency lists. Plain arrays (typed-array allocation dominates n = 32).
  const far: number[] = [];
  for (let v = 0; v < n; v++) for (let i = 1; i <= half; i++) far.push((v + i) % n);
  const degree: number[] = new Array(n).fill(k);
  const linked = (v: number, w: number): boolean => {
    for (let s = v * half, end = s + half; s < end; s++) if (far[s] === w) return true;
    for (let s = w * half, end = s + half; s < end; s++) if (far[s] === v) return true;
    return false;
  };
  for (let i = 1; i <= half; i++) {
    for (let v = 0; v < n; v++) {
      if (!(rng() < p)) continue;
      if (degree[v]! >= n - 1) continue;
      let w = randomIndex(rng, n);
      while (w === v || linked(v, w)) w = randomIndex(rng, n);
      const slot = v * half + i - 1;
      const old = far[slot]!;
      far[slot] = w;
      degree[old] = degree[old]! - 1;
      degree[w] = degree[w]! + 1;
    }
  }

  const pairs: number[] = new Array(2 * far.length);
  for (let s = 0; s < far.length; s++) {
    const v = (s / half) | 0;
    const w = far[s]!;
    pairs[2 * s] = v < w ? v : w;
    pairs[2 * s + 1] = v < w ? w : v;
  }
  const edges = sortEdgePairs(n, pairs);
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
