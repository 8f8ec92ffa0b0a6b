// Graphs + DAGs generated per second (issue 2), against networkx (reference/networkx_graphs.py).

import { join } from 'node:path';
import { dagFromEdgeList, toDag } from '@randwire/dag';
import {
  createRng,
  type GraphModelName,
  type GraphParams,
  generateEdges,
  generateGraph,
} from '@randwire/graphs';
import type { Benchmark, BenchmarkCase, BenchmarkContext, ExternalSample, Reference } from '../harness';
import { PythonWorker, REFERENCE_DIR } from '../python-worker';

interface Spec {
  model: GraphModelName;
  n: number;
  params: GraphParams;
}

/** The paper's settings at N = 32, then growth with N: WS k = 4, BA m = 5, ER p = 8/(N-1)
 * (mean degree 8, so the edge count grows linearly like the other two). */
export function graphCases(quick: boolean): Spec[] {
  const specs: Spec[] = [
    { model: 'ws', n: 32, params: { k: 4, p: 0.75 } },
    { model: 'ba', n: 32, params: { m: 5 } },
    { model: 'er', n: 32, params: { p: 0.2 } },
  ];
  for (const n of quick ? [1000] : [1000, 100_000]) {
    specs.push(
      { model: 'ws', n, params: { k: 4, p: 0.75 } },
      { model: 'ba', n, params: { m: 5 } },
      { model: 'er', n, params: { p: 8 / (n - 1) } },
    );
  }
  return specs;
}

/** Keeps results alive so the work cannot be optimized away. */
let sink = 0;

let worker: PythonWorker | null = null;

function caseName(s: Spec): string {
  const params = Object.entries(s.params)
    .map(([k, v]) => `${k}=${Number(Number(v).toPrecision(3))}`)
    .join(' ');
  return `${s.model} n=${s.n} ${params}`;
}

export const graphGeneration: Benchmark = {
  name: 'graph-generation',
  description:
    'Graphs + DAGs per second: one seeded graph (WS/BA/ER) and its DAG with input/output nodes per operation.',
  notes: [
    'typed-arrays = generateEdges + dagFromEdgeList (the RandomDag that spec building needs); graphology = generateGraph (an UndirectedGraph) + toDag.',
    'networkx = watts_strogatz_graph / barabasi_albert_graph / fast_gnp_random_graph + a DiGraph with input/output nodes, timed inside Python (perf_counter).',
    'Each sample uses one RNG stream for all its graphs on both sides (rng creation not timed per graph).',
    'N = 1,000 and 100,000 use WS k=4 p=0.75, BA m=5, ER p=8/(N-1) (mean degree 8).',
  ],
  async setup(ctx: BenchmarkContext): Promise<BenchmarkCase[]> {
    let reference: ((s: Spec) => Reference) | null = null;
    if (!ctx.reference) {
      reference = () => ({ name: 'networkx', unavailable: 'disabled (--no-reference)' });
    } else {
      try {
        const started = await PythonWorker.start(join(REFERENCE_DIR, 'networkx_graphs.py'));
        worker = started.worker;
        const w = started.worker;
        const name = `networkx ${String(started.info['networkx'])}`;
        ctx.log(`graph-generation: reference ${name} (python ${String(started.info['python'])})`);
        let seed = 0;
        reference = (s) => ({
          name,
          async sample(targetSeconds: number): Promise<ExternalSample> {
            const answer = await w.request({
              op: 'run',
              model: s.model,
              n: s.n,
              ...s.params,
              seed: seed++,
              seconds: targetSeconds,
            });
            return {
              operations: answer['operations'] as number,
              wallSeconds: answer['wall'] as number,
              cpuSeconds: answer['cpu'] as number,
            };
          },
        });
      } catch (e) {
        const why = `python3 with networkx not available (${(e as Error).message})`;
        ctx.log(`graph-generation: skipping the networkx reference: ${why}`);
        reference = () => ({ name: 'networkx', unavailable: why });
      }
    }
    return graphCases(ctx.quick).map((s) => ({
      name: caseName(s),
      params: { model: s.model, n: s.n, ...s.params },
      unit: 'graphs/s',
      variants: [
        {
          name: 'typed-arrays',
          run(iterations: number) {
            const rng = createRng(iterations);
            for (let i = 0; i < iterations; i++)
              sink += dagFromEdgeList(generateEdges(s.model, s.n, s.params, rng)).sinks.length;
          },
        },
        {
          name: 'graphology',
          run(iterations: number) {
            const rng = createRng(iterations);
            for (let i = 0; i < iterations; i++)
              sink += toDag(generateGraph(s.model, s.n, s.params, rng)).sinks.length;
          },
        },
      ],
      reference: reference!(s),
      ...(s.n >= 100_000 ? { settings: { samples: 3, warmupSeconds: 0 } } : {}),
    }));
  },
  teardown() {
    worker?.stop();
    worker = null;
    if (sink === -1) console.log(sink);
  },
};
