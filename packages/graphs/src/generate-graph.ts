// One entry point for the three models: generateGraph('ws', 32, { k: 4, p: 0.75 }, rng).
import { UndirectedGraph } from 'graphology';
import { barabasiAlbertEdges } from './barabasi-albert';
import { type EdgeList, toGraphology } from './edge-list';
import { erdosRenyiEdges } from './erdos-renyi';
import { InvalidParameterError } from './errors';
import { GRAPH_MODELS, type GraphModelName, type GraphParams, MODEL_PARAMETERS } from './models';
import type { Rng } from './rng';
import { wattsStrogatzEdges } from './watts-strogatz';

const WHERE = 'generate-graph';

/**
 * Generates `model` on n nodes as typed arrays (the fast path; see `EdgeList`). WS needs
 * `k` and `p`, BA needs `m`, ER needs `p`; a missing parameter, or a parameter the model does
 * not take, throws InvalidParameterError.
 */
export function generateEdges(model: GraphModelName, n: number, params: GraphParams, rng: Rng): EdgeList {
  const known = checkParams(model, params);
  switch (model) {
    case 'ws':
      return wattsStrogatzEdges({ n, k: known.k!, p: known.p!, rng });
    case 'ba':
      return barabasiAlbertEdges({ n, m: known.m!, rng });
    case 'er':
      return erdosRenyiEdges({ n, p: known.p!, rng });
  }
}

/**
 * Generates `model` on n nodes as a graphology `UndirectedGraph`: nodes keyed "0".."n-1" with
 * attribute `index` (the DAG index of randwire.md section 3), edges keyed "u--v" in sorted
 * order, graph attributes `model` and the parameters. Same arguments as `generateEdges`.
 */
export function generateGraph(
  model: GraphModelName,
  n: number,
  params: GraphParams,
  rng: Rng,
): UndirectedGraph {
  const list = generateEdges(model, n, params, rng);
  return toGraphology(list, UndirectedGraph, { model, ...pick(model, params) });
}

function checkParams(model: GraphModelName, params: GraphParams): GraphParams {
  if (!(GRAPH_MODELS as readonly unknown[]).includes(model)) {
    throw new InvalidParameterError(WHERE, 'model', model, `one of ${GRAPH_MODELS.join(', ')}`);
  }
  if (params === null || typeof params !== 'object') {
    throw new InvalidParameterError(
      WHERE,
      'params',
      params,
      `an object with ${MODEL_PARAMETERS[model].join(', ')}`,
    );
  }
  const wanted = MODEL_PARAMETERS[model];
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && !(wanted as readonly string[]).includes(name)) {
      throw new InvalidParameterError(
        WHERE,
        name,
        value,
        `absent: model ${model} takes ${wanted.join(', ')} only`,
      );
    }
  }
  for (const name of wanted) {
    if (params[name] === undefined) {
      throw new InvalidParameterError(
        WHERE,
        name,
        undefined,
        `given: model ${model} takes ${wanted.join(', ')}`,
      );
    }
  }
  return params;
}

function pick(model: GraphModelName, params: GraphParams): GraphParams {
  const out: GraphParams = {};
  for (const name of MODEL_PARAMETERS[model]) out[name] = params[name];
  return out;
}
