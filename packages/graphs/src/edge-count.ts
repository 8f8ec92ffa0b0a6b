// How many edges a model gives, from its parameters alone (before anything is allocated):
// callers bound a graph's size with it, the generators refuse graphs above MAX_EDGES.
import type { GraphModelName, GraphParams } from './models';

/** Largest expected edge count the generators accept (2^25): their edge buffers then stay far
 * below V8's array limits (a larger request died with "Fatal JavaScript invalid size error"). */
export const MAX_EDGES = 2 ** 25;

/**
 * Edges of `model` on n nodes: WS exactly n·k/2, BA exactly m(n - m), ER the expectation
 * p·n(n-1)/2 (the count itself is random). Missing parameters count as 0; no validation.
 */
export function expectedEdges(model: GraphModelName, n: number, params: GraphParams): number {
  switch (model) {
    case 'ws':
      return (n * (params.k ?? 0)) / 2;
    case 'ba':
      return (params.m ?? 0) * (n - (params.m ?? 0));
    case 'er':
      return ((params.p ?? 0) * n * (n - 1)) / 2;
  }
}
