// `randwire graph`: generate one seeded random graph and print its DAG (with the input and
// output nodes) as graphology JSON, Graphviz DOT or GraphML.
import {
  dagStatistics,
  GRAPH_FORMATS,
  type GraphFormat,
  serializeGraph,
  toDag,
  toDirectedGraph,
  toGraphologyJson,
} from '@randwire/dag';
import {
  createRng,
  GRAPH_MODELS,
  type GraphModelName,
  type GraphParams,
  generateGraph,
  MODEL_PARAMETERS,
  PAPER_PARAMS,
  randomSeed,
} from '@randwire/graphs';
import { type Command, choiceOption, numberOption, UserError } from '../cli';
import { CLI_LIMITS, checkGraphSize } from '../limits';
import { writeFileAtomic } from './spec-io';

const NAME = 'graph';

/** Above this node count the statistics skip the O(n · edges) average shortest path. */
const SHORTEST_PATH_LIMIT = 2000;

export const graphCommand: Command = {
  name: NAME,
  summary: 'Generate a seeded random graph (WS, BA, ER) and print its DAG with input/output nodes',
  usage:
    '--model ws|ba|er --nodes N [--k K] [--p P] [--m M] [--seed S] [--format json|dot|graphml] [-o FILE] [--json]',
  details: [
    "Models (randwire.md section 2; the paper's best at N = 32 in brackets):",
    `  ws  Watts-Strogatz, needs --k (even, 2 <= K < N) and --p in [0, 1]  [--k ${PAPER_PARAMS.ws.k} --p ${PAPER_PARAMS.ws.p}]`,
    `  ba  Barabasi-Albert, needs --m (1 <= M < N)                        [--m ${PAPER_PARAMS.ba.m}]`,
    `  er  Erdos-Renyi, needs --p in [0, 1]                              [--p ${PAPER_PARAMS.er.p}]`,
    '',
    `Size: at most ${CLI_LIMITS.graphEdges.toLocaleString('en-US')} edges, estimated from the options before any work (the`,
    "model's edges, ER: expected, plus up to 2 per node for the input and output nodes).",
    '',
    'The same model, parameters and seed always print the same bytes. Without --seed a random',
    'seed is drawn and reported on stderr (and in --json output) so the graph can be reproduced.',
    '',
    'Output: the DAG as --format on stdout, or written atomically to -o FILE. With --json, stdout',
    'gets one JSON object: model, nodes, params, seed, edge/source/sink counts, statistics, and',
    '`graph` (graphology JSON for --format json, else the DOT/GraphML text; omitted with -o).',
    '',
    'Examples:',
    '  randwire graph --model ws --nodes 32 --k 4 --p 0.75 --seed 1',
    '  randwire graph --model ba --nodes 32 --m 5 --seed 0 --format dot -o ba.dot',
  ].join('\n'),
  options: {
    model: { type: 'string', arg: 'ws|ba|er', description: 'graph model (required)' },
    nodes: { type: 'string', arg: 'N', description: 'number of internal nodes (required)' },
    k: { type: 'string', arg: 'K', description: 'WS: ring neighbours, even' },
    p: { type: 'string', arg: 'P', description: 'WS: rewiring probability; ER: edge probability' },
    m: { type: 'string', arg: 'M', description: 'BA: edges per added node' },
    seed: { type: 'string', arg: 'S', description: 'integer seed; 0 is a seed (default: random, reported)' },
    format: { type: 'string', arg: 'FMT', default: 'json', description: 'json (graphology), dot or graphml' },
    output: {
      type: 'string',
      short: 'o',
      arg: 'FILE',
      description: 'write to FILE (atomically) instead of stdout',
    },
    json: { type: 'boolean', description: 'print a machine-readable JSON object on stdout' },
  },
  positionals: [0, 0],
  run(values, _positionals, ctx) {
    const model = choiceOption(NAME, 'model', values['model'], GRAPH_MODELS);
    if (model === undefined)
      throw new UserError(`randwire ${NAME}: --model is required: one of ${GRAPH_MODELS.join(', ')}`);
    const nodes = numberOption(NAME, 'nodes', values['nodes'], { integer: true, min: 1 });
    if (nodes === undefined) throw new UserError(`randwire ${NAME}: --nodes is required: an integer >= 1`);
    const format = choiceOption(NAME, 'format', values['format'], GRAPH_FORMATS) as GraphFormat;
    const params: GraphParams = {};
    const k = numberOption(NAME, 'k', values['k'], { integer: true });
    const p = numberOption(NAME, 'p', values['p'], { min: 0, max: 1 });
    const m = numberOption(NAME, 'm', values['m'], { integer: true });
    if (k !== undefined) params.k = k;
    if (p !== undefined) params.p = p;
    if (m !== undefined) params.m = m;
    checkModelOptions(model, params);
    checkGraphSize(NAME, model, nodes, params);
    const given = numberOption(NAME, 'seed', values['seed'], {
      integer: true,
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
    });
    const seed = given ?? randomSeed();

    const graph = generateGraph(model, nodes, params, createRng(seed));
    if (given === undefined)
      ctx.err(`note: no --seed given; using seed ${seed} (pass --seed ${seed} to reproduce)`);
    const dag = toDag(graph);
    const directed = toDirectedGraph(dag, { model, nodes, ...params, seed });
    const text = serializeGraph(directed, format, { name: `${model}-n${nodes}-seed${seed}` });
    const statistics = dagStatistics(dag, { shortestPaths: nodes <= SHORTEST_PATH_LIMIT });
    const output = values['output'] as string | undefined;
    const meta = {
      command: NAME,
      model,
      nodes,
      params,
      seed,
      seedGiven: given !== undefined,
      format,
      edges: directed.size,
      internalEdges: statistics.edges,
      sources: dag.sources.length,
      sinks: dag.sinks.length,
      statistics,
    };
    if (output !== undefined) {
      writeFileAtomic(NAME, output, text);
      ctx.err(
        `wrote ${output}: ${model} ${JSON.stringify(params)} seed ${seed}, ${directed.order} nodes (incl. input/output), ${directed.size} edges, ${format}`,
      );
      if (values['json']) ctx.out(JSON.stringify({ ...meta, output }, null, 2));
      return 0;
    }
    if (values['json']) {
      ctx.out(
        JSON.stringify({ ...meta, graph: format === 'json' ? toGraphologyJson(directed) : text }, null, 2),
      );
    } else {
      ctx.out(text);
    }
    return 0;
  },
};

/** Catches options the model does not take (e.g. --m with ws) or lacks, naming the flags. */
function checkModelOptions(model: GraphModelName, params: GraphParams): void {
  const wanted = MODEL_PARAMETERS[model];
  const flags = wanted.map((name) => `--${name}`).join(' and ');
  for (const name of Object.keys(params) as (keyof GraphParams)[]) {
    if (!wanted.includes(name)) {
      throw new UserError(`randwire ${NAME}: --${name} is not used by --model ${model} (it takes ${flags})`);
    }
  }
  for (const name of wanted) {
    if (params[name] === undefined) {
      const example = wanted.map((w) => `--${w} ${PAPER_PARAMS[model][w]}`).join(' ');
      throw new UserError(
        `randwire ${NAME}: --model ${model} needs ${flags} (the paper's best at N = 32: ${example})`,
      );
    }
  }
}
