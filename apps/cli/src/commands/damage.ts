// `randwire damage RUN_DIR`: graph damage on a trained network (the paper's Figure 7): remove
// one node (its output zeroed, the weighted sums it fed renormalised) or one edge of a random
// stage at a time, evaluate every damaged network on the test set in onnxruntime, and relate
// the accuracy drop to the node's in- and out-degree (table, --json, SVG scatter plots).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DamageKind, DamageOutcome, WeightTensor } from '@randwire/studies';
import { type Command, choiceOption, numberOption, UserError } from '../cli';
import {
  DATA_CHOICES,
  type DataChoice,
  DEFAULT_DATA_CHOICE,
  loadDataSplit,
  readRunDataChoice,
} from '../data';
import { loadOnnx, loadStudies, loadTfjs } from '../lazy-packages';
import { evaluateOnnx } from '../onnx-evaluate';
import { table, writeFileAtomic } from './spec-io';

const NAME = 'damage';
const KINDS = ['node', 'edge', 'both'] as const;

export const damageCommand: Command = {
  name: NAME,
  summary: 'Remove one node or edge of a trained network at a time and measure the accuracy drop',
  usage: 'RUN_DIR [--stage NAME|all] [--kind node|edge|both] [--data DATA] [--limit N] [-o DIR] [--json]',
  details: `Damage is the paper's: a removed node's output is zeroed and every weighted sum it fed keeps
its total weight (the other inputs are scaled up: renormalised); the stage's output node
averages the outputs that remain; a node whose only input is removed receives zeros. Edges
are the random graph's (between internal nodes). The network is not retrained. Each damaged
network is exported to ONNX and evaluated on the test set in onnxruntime.
Writes DIR (default RUN_DIR/damage): damage.json and SVG scatter plots of the drop against the
removed node's out- and in-degree (edges: the target's in-degree, the source's out-degree).
--data: ${DATA_CHOICES}; default: the run's test split.

Examples:
  randwire damage runs/mnist-small --stage s1
  randwire damage sweeps/gen/mnist-small-ws-seed0-3f2a9c1b7d --stage all --kind both --json`,
  options: {
    stage: { type: 'string', arg: 'NAME', default: 'all', description: 'random stage to damage, or all' },
    kind: { type: 'string', arg: 'KIND', default: 'node', description: 'node, edge or both' },
    data: { type: 'string', arg: 'DATA', description: "test data (default: the run's)" },
    limit: { type: 'string', arg: 'N', description: 'evaluate on the first N test images' },
    threads: {
      type: 'string',
      arg: 'N',
      default: '1',
      description:
        'onnxruntime threads, 0 = one per core (1 evaluated mnist-small twice as fast as 2 on 2 cores)',
    },
    batch: { type: 'string', arg: 'N', default: '256', description: 'images per onnxruntime call' },
    output: {
      type: 'string',
      short: 'o',
      arg: 'DIR',
      description: 'where damage.json and the plots go (default RUN_DIR/damage)',
    },
    json: { type: 'boolean', description: 'the results as JSON on stdout (no progress)' },
  },
  positionals: [1, 1],
  async run(values, positionals, ctx) {
    const runDir = positionals[0]!;
    const json = values['json'] === true;
    const kind = choiceOption(NAME, 'kind', values['kind'], KINDS)!;
    const limit = numberOption(NAME, 'limit', values['limit'], { integer: true, min: 1 }) ?? null;
    const threads = numberOption(NAME, 'threads', values['threads'], { integer: true, min: 0, max: 1024 })!;
    const batch = numberOption(NAME, 'batch', values['batch'], { integer: true, min: 1, max: 65536 })!;
    const outDir = values['output'] !== undefined ? String(values['output']) : join(runDir, 'damage');
    const studies = loadStudies();
    const onnx = loadOnnx();
    const tfjs = loadTfjs();
    const spec = tfjs.readRunSpec(runDir);
    const stageArg = String(values['stage']);
    const stages = stageArg === 'all' ? spec.stages.map((s) => s.name) : [stageArg];
    if (!stages.every((s) => spec.stages.some((x) => x.name === s))) {
      throw new UserError(
        `randwire ${NAME}: invalid --stage '${stageArg}': must be all or one of ${spec.stages.map((s) => s.name).join(', ')}`,
      );
    }
    const kinds: DamageKind[] = kind === 'both' ? ['node', 'edge'] : [kind];
    const cases = studies.damageCases(spec, { stages, kinds });
    const weights = onnx.readTfjsWeights(join(runDir, tfjs.RUN_FILES.model)) as Map<string, WeightTensor>;
    const stored = readRunDataChoice(runDir) ?? DEFAULT_DATA_CHOICE;
    const given = values['data'] !== undefined;
    const choice: DataChoice = {
      data: given ? String(values['data']) : stored.data,
      limit: null,
      testLimit: limit ?? (given ? null : stored.testLimit),
    };
    const test = loadDataSplit(NAME, choice, spec, 'test');
    // The fast evaluation path of `randwire eval` (onnxruntime, padded conv-add export).
    const evaluate = async (w: Map<string, WeightTensor>): Promise<number> =>
      (await evaluateOnnx(spec, w, test, { batchSize: batch, threads })).accuracy ?? Number.NaN;

    const t0 = Date.now();
    if (!json)
      ctx.err(
        `damage ${spec.name}: ${cases.length} damaged networks (${kinds.join(' and ')} removal in ${stages.join(', ')}), each on ${test.count} test images of ${test.source} in onnxruntime`,
      );
    const baseline = await evaluate(weights);
    const reporter = json
      ? null
      : new tfjs.ProgressReporter(`damage ${spec.name}`, cases.length, {
          write: process.stderr.isTTY ? (t) => process.stderr.write(t) : (t) => ctx.err(t.replace(/\n$/, '')),
          tty: Boolean(process.stderr.isTTY),
          intervalMs: process.stderr.isTTY ? 500 : 10_000,
          unit: 'networks',
        });
    const outcomes: DamageOutcome[] = [];
    for (const c of cases) {
      const accuracy = await evaluate(studies.damageWeights(spec, weights, c.damage));
      outcomes.push({ case: c, accuracy, drop: baseline - accuracy });
      reporter?.update({ done: outcomes.length });
    }
    reporter?.finish();
    const seconds = (Date.now() - t0) / 1000;

    mkdirSync(outDir, { recursive: true });
    const plots = kinds.flatMap((k) =>
      (['out', 'in'] as const).map((degree) =>
        studies.damagePlot(outcomes, { kind: k, degree, network: spec.name, baseline }),
      ),
    );
    const files: string[] = [];
    for (const p of plots) {
      if (!p) continue;
      writeFileAtomic(NAME, join(outDir, p.file), p.svg);
      files.push(join(outDir, p.file));
    }
    const correlation = Object.fromEntries(
      kinds.map((k) => {
        const rows = outcomes.filter((o) => o.case.damage.kind === k);
        const r = (f: (o: DamageOutcome) => number) =>
          studies.pearson(
            rows.map(f),
            rows.map((o) => o.drop),
          );
        return [k, { inDegree: r((o) => o.case.inDegree), outDegree: r((o) => o.case.outDegree) }];
      }),
    );
    const doc = {
      run: runDir,
      spec: spec.name,
      data: test.source,
      testCount: test.count,
      baseline,
      seconds,
      correlation,
      plots: files,
      outcomes: outcomes.map((o) => ({
        ...o.case.damage,
        label: o.case.label,
        inDegree: o.case.inDegree,
        outDegree: o.case.outDegree,
        accuracy: o.accuracy,
        drop: o.drop,
      })),
    };
    writeFileAtomic(NAME, join(outDir, 'damage.json'), `${JSON.stringify(doc, null, 2)}\n`);
    if (json) {
      ctx.out(JSON.stringify(doc, null, 2));
      return 0;
    }
    const pct = (x: number) => (x * 100).toFixed(2);
    ctx.out(
      table(
        ['removed', 'in-degree', 'out-degree', 'accuracy %', 'drop (pp)'],
        outcomes.map((o) => [
          o.case.label,
          String(o.case.inDegree),
          String(o.case.outDegree),
          pct(o.accuracy),
          pct(o.drop),
        ]),
      ),
    );
    const r = (x: number | null) => (x === null ? '–' : x.toFixed(2));
    ctx.out(
      `\n${spec.name}: undamaged ${pct(baseline)}% on ${test.count} images; ${outcomes.length} damaged networks in ${seconds.toFixed(1)} s (${(seconds / Math.max(1, outcomes.length)).toFixed(2)} s each)`,
    );
    for (const k of kinds) {
      ctx.out(
        `${k} removal: correlation of the drop with in-degree ${r(correlation[k]!.inDegree)}, out-degree ${r(correlation[k]!.outDegree)}`,
      );
    }
    ctx.out(`wrote ${join(outDir, 'damage.json')} and ${files.length} plot(s)`);
    return 0;
  },
};
