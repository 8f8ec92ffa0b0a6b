import type { EdgeList } from '../edge-list';

/** Asserts the EdgeList invariants (u < v, strictly sorted, labels in range, index a
 * permutation) and returns the degree of every node. */
export function checkEdgeList(list: EdgeList): Int32Array {
  const { n, edges, index } = list;
  if (edges.length % 2 !== 0) throw new Error('odd edge array length');
  const degree = new Int32Array(n);
  for (let e = 0; e < edges.length; e += 2) {
    const u = edges[e]!;
    const v = edges[e + 1]!;
    if (!(u >= 0 && u < v && v < n)) throw new Error(`bad edge ${u}-${v}`);
    if (e > 0) {
      const pu = edges[e - 2]!;
      const pv = edges[e - 1]!;
      if (!(pu < u || (pu === u && pv < v))) throw new Error(`edges not strictly sorted at ${u}-${v}`);
    }
    degree[u]!++;
    degree[v]!++;
  }
  // Cheap checks (no matcher per graph: these run for thousands of graphs).
  if (index.length !== n) throw new Error(`index has length ${index.length}, expected ${n}`);
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const j = index[i]!;
    if (!(j >= 0 && j < n) || seen[j]) throw new Error(`index is not a permutation of 0..${n - 1}`);
    seen[j] = 1;
  }
  return degree;
}

export function pairsOf(list: EdgeList): string[] {
  const out: string[] = [];
  for (let e = 0; e < list.edges.length; e += 2) out.push(`${list.edges[e]}-${list.edges[e + 1]}`);
  return out;
}

export function variance(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i]! - mean) ** 2;
  return sq / values.length;
}

/** The error `fn` throws (undefined when it does not throw, which makes matchers fail). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}
