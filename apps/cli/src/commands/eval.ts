// `randwire eval`: evaluate a run's model (batch norm in inference mode) on a test set:
// accuracy, loss, per-class accuracy and the confusion matrix; on onnxruntime (the model's
// weights exported in memory, onnx-evaluate.ts) or on the tfjs backend.
import { join } from 'node:path';
import type { EvaluationResult } from '@randwire/tfjs';
import { BACKEND_OPTION, backendOption, startBackend } from '../backend';
import { type Command, choiceOption, numberOption } from '../cli';
import {
  DATA_CHOICES,
  type DataChoice,
  DEFAULT_DATA_CHOICE,
  loadDataSplit,
  readRunDataChoice,
} from '../data';
import { loadOnnx, loadTfjs } from '../lazy-packages';
import { evaluateOnnx } from '../onnx-evaluate';
import { pct } from './train';

const NAME = 'eval';
const EVAL_ENGINES = ['onnxruntime', 'tfjs'] as const;

export const evalCommand: Command = {
  name: NAME,
  summary: "Evaluate a run's model: accuracy, loss, per-class accuracy, confusion matrix",
  usage: 'run/ [--data DATA] [--split test|train] [--limit N] [--engine onnxruntime|tfjs] [--json]',
  details: `--data: ${DATA_CHOICES}; default: the data the run was trained on (its test split).
--engine onnxruntime (default) exports the run's weights to ONNX in memory and runs them in
onnxruntime-node; --engine tfjs runs the tfjs model on --backend. Both give the same
predictions within the export's tolerance (logits ~1e-6 relative).

Examples:
  randwire eval runs/mnist-small
  randwire eval runs/mnist-small --data fashion-mnist --json
  randwire eval runs/mnist-small --engine tfjs --backend wasm`,
  options: {
    data: { type: 'string', arg: 'DATA', description: "evaluation data (default: the run's)" },
    split: { type: 'string', arg: 'SPLIT', default: 'test', description: 'test or train' },
    limit: { type: 'string', arg: 'N', description: 'evaluate the first N examples only' },
    'batch-size': { type: 'string', arg: 'N', default: '256', description: 'batch size' },
    engine: {
      type: 'string',
      arg: 'NAME',
      default: 'onnxruntime',
      description: `what runs the model: ${EVAL_ENGINES.join('|')}`,
    },
    backend: { ...BACKEND_OPTION, description: `${BACKEND_OPTION.description} (with --engine tfjs)` },
    json: { type: 'boolean', description: 'machine-readable result on stdout' },
  },
  positionals: [1, 1],
  async run(values, positionals, ctx) {
    const runDir = positionals[0]!;
    const split = choiceOption(NAME, 'split', values['split'], ['test', 'train'] as const)!;
    const limit = numberOption(NAME, 'limit', values['limit'], { integer: true, min: 1 }) ?? null;
    const batchSize = numberOption(NAME, 'batch-size', values['batch-size'], { integer: true, min: 1 })!;
    const backendPref = backendOption(NAME, values['backend']);
    const engine = choiceOption(NAME, 'engine', values['engine'] ?? 'onnxruntime', EVAL_ENGINES)!;
    const { evaluate, formatConfusion, loadModelFromDir, RUN_FILES, readRunSpec } = loadTfjs();
    const spec = readRunSpec(runDir);
    const stored = readRunDataChoice(runDir) ?? DEFAULT_DATA_CHOICE;
    const given = values['data'] !== undefined;
    const choice: DataChoice = {
      data: given ? String(values['data']) : stored.data,
      limit: limit ?? (given ? null : stored.limit),
      testLimit: limit ?? (given ? null : stored.testLimit),
    };
    const ds = loadDataSplit(NAME, choice, spec, split);
    const modelDir = join(runDir, RUN_FILES.model);
    let result: EvaluationResult;
    let backend: string | null = null;
    if (engine === 'onnxruntime') {
      const weights = loadOnnx().readTfjsWeights(modelDir);
      ctx.err(`engine: onnxruntime (${modelDir} exported to ONNX in memory)`);
      result = await evaluateOnnx(spec, weights, ds, { batchSize });
    } else {
      backend = (await startBackend(backendPref, ctx)).name;
      ctx.err('engine: tfjs (--engine tfjs)');
      const model = await loadModelFromDir(modelDir);
      try {
        result = evaluate(model, spec, ds, { batchSize });
      } finally {
        model.dispose();
      }
    }
    if (values['json'] === true) {
      ctx.out(
        JSON.stringify(
          { run: runDir, spec: spec.name, data: ds.source, split, engine, backend, ...result },
          null,
          2,
        ),
      );
    } else {
      ctx.out(
        `${spec.name} on ${ds.source} (${result.count} images): accuracy ${pct(result.accuracy)}, loss ${result.loss.toFixed(4)}`,
      );
      ctx.out('');
      ctx.out('per class (rows: true class, columns: predicted class; acc = per-class accuracy):');
      ctx.out(formatConfusion(result));
    }
    return 0;
  },
};
