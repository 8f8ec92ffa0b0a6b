// Parameter checks shared by the generators (internal: not exported from the package).

import { expectedEdges, MAX_EDGES } from './edge-count';
import { GraphSizeError, InvalidParameterError } from './errors';
import type { GraphModelName, GraphParams } from './models';
import type { Rng } from './rng';

/** Largest node count accepted (edge keys u * n + v must stay exact in a double). */
export const MAX_NODES = 10_000_000;

export function checkNodes(where: string, n: unknown, min: number): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > MAX_NODES) {
    throw new InvalidParameterError(where, 'n', n, `an integer with ${min} <= n <= ${MAX_NODES}`);
  }
  return n;
}

export function checkProbability(where: string, name: string, p: unknown): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new InvalidParameterError(where, name, p, 'a number with 0 <= p <= 1');
  }
  return p;
}

export function checkRng(where: string, rng: unknown): Rng {
  if (typeof rng !== 'function') {
    throw new InvalidParameterError(
      where,
      'rng',
      rng,
      'a function returning uniform numbers in [0, 1) (see createRng)',
    );
  }
  return rng as Rng;
}

/** Refuses, before any allocation, a graph expected to have more than MAX_EDGES edges. */
export function checkEdgeCount(where: string, model: GraphModelName, n: number, params: GraphParams): void {
  const edges = expectedEdges(model, n, params);
  if (edges > MAX_EDGES) {
    const given = Object.entries({ n, ...params })
      .map(([k, v]) => `${k} = ${v}`)
      .join(', ');
    throw new GraphSizeError(
      `@randwire/graphs/${where}: too large: ${given} give ${Math.round(edges).toLocaleString('en-US')} edges${model === 'er' ? ' expected' : ''}, above MAX_EDGES (${MAX_EDGES.toLocaleString('en-US')})`,
      edges,
    );
  }
}
