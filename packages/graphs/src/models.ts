// The graph models of randwire.md section 2 and the paper's best settings at N = 32.

export type GraphModelName = 'ws' | 'ba' | 'er';

export const GRAPH_MODELS: readonly GraphModelName[] = Object.freeze(['ws', 'ba', 'er'] as const);

/** Parameters of a model: WS needs `k` and `p`, BA needs `m`, ER needs `p`. */
export interface GraphParams {
  k?: number;
  p?: number;
  m?: number;
}

/** The parameters each model takes, in order. */
export const MODEL_PARAMETERS: Readonly<Record<GraphModelName, readonly (keyof GraphParams)[]>> =
  Object.freeze({
    ws: Object.freeze(['k', 'p'] as const),
    ba: Object.freeze(['m'] as const),
    er: Object.freeze(['p'] as const),
  });

/** The paper's best settings at N = 32 (randwire.md section 2): WS(4, 0.75), BA(5), ER(0.2).
 * Informational (e.g. for help texts): never applied silently. */
export const PAPER_PARAMS: Readonly<Record<GraphModelName, Readonly<GraphParams>>> = Object.freeze({
  ws: Object.freeze({ k: 4, p: 0.75 }),
  ba: Object.freeze({ m: 5 }),
  er: Object.freeze({ p: 0.2 }),
});
