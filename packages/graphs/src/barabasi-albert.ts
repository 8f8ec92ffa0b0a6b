// Barabási–Albert BA(M) exactly as randwire.md section 2 defines it.

import type { UndirectedGraph } from 'graphology';
import type { AbstractGraph } from 'graphology-types';
import { type EdgeList, type GraphConstructor, sortEdgePairs, toGraphology } from './edge-list';
import { InvalidParameterError } from './errors';
import { type Rng, randomIndex } from './rng';
import { checkEdgeCount, checkNodes, checkRng } from './validate';

export interface BarabasiAlbertOptions {
  /** Node count, n > m. */
  n: number;
  /** Edges per added node: an integer, 1 <= m < n. */
  m: number;
  rng: Rng;
}

const WHERE = 'barabasi-albert';

/**
 * BA(M) as typed arrays. Starts from m EDGELESS nodes 0..m-1. Node m links to all of them
 * (every degree is 0, so the pick is uniform and must take all m). Each later node t = m+1..n-1
 * links to m distinct earlier nodes, each drawn with probability proportional to its current
 * degree. Exactly m(n - m) edges. DAG index = label = order of addition (section 3).
 *
 * Draws, in order: for each t > m, candidates `pool[floor(rng() * pool.length)]` from the
 * degree-weighted pool (each node appears once per incident edge, as of before t) until m
 * distinct ones are found (repeats are redrawn: sampling without replacement).
 */
export function barabasiAlbertEdges(options: BarabasiAlbertOptions): EdgeList {
  const n = checkNodes(WHERE, options.n, 2);
  const m = options.m;
  if (typeof m !== 'number' || !Number.isInteger(m) || m < 1 || m >= n) {
    throw new InvalidParameterError(WHERE, 'm', m, `an integer with 1 <= m < n (n = ${n})`);
  }
  const rng = checkRng(WHERE, options.rng);
  checkEdgeCount(WHERE, 'ba', n, { m });

  // The edge list doubles as the degree-weighted pool: each node appears once per incident
  // edge. Plain arrays for small n (allocating typed arrays costs more than the work at n = 32),
  // preallocated typed arrays for large n.
  const length = 2 * m * (n - m);
  const large = n > 2048;
  const pairs: Int32Array | number[] = large ? new Int32Array(length) : new Array<number>(length).fill(0);
  const chosenBy: Int32Array | number[] = large ? new Int32Array(n).fill(-1) : new Array<number>(n).fill(-1);
  const targets: number[] = new Array<number>(m).fill(0);
  let size = 0;
  for (let t = m; t < n; t++) {
    if (t === m) {
      for (let j = 0; j < m; j++) targets[j] = j;
    } else {
      let found = 0;
      const before = size;
      while (found < m) {
        const c = pairs[randomIndex(rng, before)]!;
        if (chosenBy[c] === t) continue;
        chosenBy[c] = t;
        targets[found++] = c;
      }
    }
    for (let j = 0; j < m; j++) {
      pairs[size++] = targets[j]!;
      pairs[size++] = t;
    }
  }
  const index = new Int32Array(n);
  for (let v = 0; v < n; v++) index[v] = v;
  return { n, edges: sortEdgePairs(n, pairs), index };
}

/** BA(M) as a graphology graph (default `UndirectedGraph`); node attribute `index`. */
export function barabasiAlbert(options: BarabasiAlbertOptions): UndirectedGraph;
export function barabasiAlbert<G extends AbstractGraph>(
  Graph: GraphConstructor<G>,
  options: BarabasiAlbertOptions,
): G;
export function barabasiAlbert(
  a: GraphConstructor | BarabasiAlbertOptions,
  b?: BarabasiAlbertOptions,
): AbstractGraph {
  const [Graph, options] = typeof a === 'function' ? [a, b!] : [undefined, a];
  return toGraphology(barabasiAlbertEdges(options), Graph, { model: 'ba', m: options.m });
}
