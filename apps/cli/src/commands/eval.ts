// `randwire eval`: evaluate a run's model (batch norm in inference mode) on a test set:
// accuracy, loss, per-class accuracy and the confusion matrix.
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
import { loadTfjs } from '../lazy-packages';
import { pct } from './train';

const NAME = 'eval';

export const evalCommand: Command = {
  name: NAME,
  summary: "Evaluate a run's model: accuracy, loss, per-class accuracy, confusion matrix",
  usage: 'run/ [--data DATA] [--split test|train] [--limit N] [--json]',
  details: `--data: ${DATA_CHOICES}; default: the data the run was trained on (its test split).

Examples:
  randwire eval runs/mnist-small
  randwire eval runs/mnist-small --data fashion-mnist --json`,
  options: {
    data: { type: 'string', arg: 'DATA', description: "evaluation data (default: the run's)" },
    split: { type: 'string', arg: 'SPLIT', default: 'test', description: 'test or train' },
    limit: { type: 'string', arg: 'N', description: 'evaluate the first N examples only' },
    'batch-size': { type: 'string', arg: 'N', default: '256', description: 'batch size' },
    backend: BACKEND_OPTION,
    json: { type: 'boolean', description: 'machine-readable result on stdout' },
  },
  positionals: [1, 1],
  async run(values, positionals, ctx) {
    const runDir = positionals[0]!;
    const split = choiceOption(NAME, 'split', values['split'], ['test', 'train'] as const)!;
    const limit = numberOption(NAME, 'limit', values['limit'], { integer: true, min: 1 }) ?? null;
    const batchSize = numberOption(NAME, 'batch-size', values['batch-size'], { integer: true, min: 1 })!;
    const backendPref = backendOption(NAME, values['backend']);
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
    const backend = await startBackend(backendPref, ctx);
    const model = await loadModelFromDir(join(runDir, RUN_FILES.model));
    let result: EvaluationResult;
    try {
      result = evaluate(model, spec, ds, { batchSize });
    } finally {
      model.dispose();
    }
    if (values['json'] === true) {
      ctx.out(
        JSON.stringify(
          { run: runDir, spec: spec.name, data: ds.source, split, backend: backend.name, ...result },
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
