// `randwire train`: train a spec network with the paper's recipe into a run directory
// (spec.json, model/, metrics.jsonl, train-config.json, checkpoints/), resumable; Ctrl-C saves
// a checkpoint at the next step and exits (code 130).
import { join } from 'node:path';
import { DEBIAN_FASHION_MNIST_DIR } from '@randwire/datasets';
import type { NetworkSpec } from '@randwire/spec';
import type { EpochMetrics, TrainOptions } from '@randwire/tfjs';
import { BACKEND_OPTION, backendOption, startBackend } from '../backend';
import { type Command, type CommandContext, choiceOption, numberOption, UserError } from '../cli';
import { DATA_CHOICES, type DataChoice, DEFAULT_DATA_CHOICE, loadDataSplit } from '../data';
import { chooseEngine, ENGINE_OPTION, engineOption } from '../engine';
import { INIT_SCHEMES, RECIPE_NAMES, TRAIN_DEFAULTS } from '../help-constants';
import { loadTfjs } from '../lazy-packages';
import { checkTrainingMemory } from '../limits';
import { loadSpecArg } from './spec-io';

const NAME = 'train';

/** Formats a fraction as a percentage ('-' for null). */
export function pct(x: number | null | undefined): string {
  return x == null || Number.isNaN(x) ? '-' : `${(x * 100).toFixed(2)}%`;
}

function epochLine(m: EpochMetrics, epochs: number): string {
  const test = m.testAcc == null ? '' : `  test loss ${m.testLoss?.toFixed(4)} acc ${pct(m.testAcc)}`;
  return `epoch ${m.epoch}/${epochs}  lr ${m.lr.toPrecision(3)}  train loss ${m.trainLoss.toFixed(4)} acc ${pct(m.trainAcc)}${test}  ${m.imagesPerSec.toFixed(1)} img/s  ${m.seconds.toFixed(1)} s`;
}

/** Installs a SIGINT handler that aborts `ac` (first Ctrl-C) or exits at once (second). */
function onInterrupt(ac: AbortController, ctx: CommandContext): () => void {
  const handler = () => {
    if (ac.signal.aborted) {
      ctx.err('interrupted again: exiting without a checkpoint');
      process.exit(130);
    }
    ctx.err('interrupt: saving a checkpoint at the next step (Ctrl-C again to quit now)');
    ac.abort();
  };
  process.on('SIGINT', handler);
  return () => process.off('SIGINT', handler);
}

export const HYPER: Array<[string, keyof TrainOptions, { integer?: boolean; min?: number; max?: number }]> = [
  ['epochs', 'epochs', { integer: true, min: 1 }],
  ['batch-size', 'batchSize', { integer: true, min: 1 }],
  ['lr', 'lr', { min: 0 }],
  ['momentum', 'momentum', { min: 0, max: 0.999999 }],
  ['weight-decay', 'weightDecay', { min: 0, max: 1 }],
  ['label-smoothing', 'labelSmoothing', { min: 0, max: 0.999999 }],
  ['warmup', 'warmupEpochs', { min: 0 }],
  ['drop-edge', 'dropEdge', { min: 0, max: 1 }],
  ['seed', 'seed', { integer: true }],
  ['keep-checkpoints', 'keepCheckpoints', { integer: true, min: 0 }],
];

export const trainCommand: Command = {
  name: NAME,
  summary: 'Train a spec network (SGD momentum, cosine lr; --recipe default|paper) into a run directory',
  usage:
    'spec.json [-o run/] [--data embedded|synthetic|fashion-mnist=DIR|cifar10=DIR] [options] | --resume -o run/',
  details: `Recipes (--recipe; options given explicitly override the recipe's):
  default  for short runs: PyTorch's default initialization (U(±1/sqrt(fan_in))), SGD with
           Nesterov momentum ${TRAIN_DEFAULTS.momentum}, lr ${TRAIN_DEFAULTS.lr} with a linear warm-up over the first ${TRAIN_DEFAULTS.warmupEpochs} epoch
           and half-period cosine decay per step, no label smoothing, weight decay ${TRAIN_DEFAULTS.weightDecay}
           on conv/dense kernels only (90.9% test accuracy after one epoch of the full
           Fashion-MNIST on mnist-small, seed 0)
  paper    the paper's (randwire.md section 7): He-normal fan-out initialization (its pycls
           code), classical momentum 0.9, lr 0.1 cosine, label smoothing 0.1, weight decay
           5e-5, no warm-up; for runs of the paper's length
The run directory gets spec.json, model/ (tfjs format), metrics.jsonl
(one line per epoch), train-config.json and checkpoints/ (one per epoch, with optimizer state).
--data: ${DATA_CHOICES}; 'fashion-mnist' alone reads ${DEBIAN_FASHION_MNIST_DIR}
(Debian's dataset-fashion-mnist). Default: the embedded Fashion-MNIST subset (6,000 / 1,000).
Ctrl-C saves a checkpoint at the next step and exits with code 130; --resume continues the run
(same data and options) and ends with the weights an uninterrupted run would have.

Examples:
  randwire generate --preset mnist-small --seed 0 -o mnist-small.json
  randwire train mnist-small.json --epochs 3 -o runs/mnist-small
  randwire train --resume -o runs/mnist-small
  randwire train spec.json --data fashion-mnist --epochs 10 --drop-edge 0.1 -o runs/fm`,
  options: {
    output: {
      type: 'string',
      short: 'o',
      arg: 'DIR',
      description: 'run directory (default: runs/<spec name>)',
    },
    data: { type: 'string', arg: 'DATA', description: `training data: ${DATA_CHOICES} (default: embedded)` },
    recipe: {
      type: 'string',
      arg: 'NAME',
      description: `named recipe: ${RECIPE_NAMES.join('|')} (default: ${TRAIN_DEFAULTS.recipe})`,
    },
    init: {
      type: 'string',
      arg: 'SCHEME',
      description: `initial weights: ${INIT_SCHEMES.join('|')} (default: the recipe's, ${TRAIN_DEFAULTS.init})`,
    },
    epochs: { type: 'string', arg: 'N', description: `epochs (default: ${TRAIN_DEFAULTS.epochs})` },
    'batch-size': {
      type: 'string',
      arg: 'N',
      description: `batch size (default: ${TRAIN_DEFAULTS.batchSize})`,
    },
    lr: { type: 'string', arg: 'X', description: `initial learning rate (default: ${TRAIN_DEFAULTS.lr})` },
    momentum: { type: 'string', arg: 'X', description: `SGD momentum (default: ${TRAIN_DEFAULTS.momentum})` },
    nesterov: { type: 'boolean', description: 'Nesterov momentum (default: on)' },
    'no-nesterov': { type: 'boolean', description: 'classical momentum' },
    'weight-decay': {
      type: 'string',
      arg: 'X',
      description: `weight decay on conv/dense kernels (default: ${TRAIN_DEFAULTS.weightDecay})`,
    },
    'label-smoothing': {
      type: 'string',
      arg: 'X',
      description: `label smoothing (default: ${TRAIN_DEFAULTS.labelSmoothing})`,
    },
    warmup: {
      type: 'string',
      arg: 'EPOCHS',
      description: `linear lr warm-up, in epochs (default: ${TRAIN_DEFAULTS.warmupEpochs})`,
    },
    'drop-edge': {
      type: 'string',
      arg: 'P',
      description: 'drop-edge probability per node and step (default: 0; paper regular regime: 0.1)',
    },
    augment: { type: 'boolean', description: 'random crop (pad 4) and horizontal flip' },
    seed: {
      type: 'string',
      arg: 'N',
      description: `seed of weights, data order, drop-edge (default: ${TRAIN_DEFAULTS.seed})`,
    },
    'keep-checkpoints': {
      type: 'string',
      arg: 'N',
      description: `checkpoints kept, newest first, 0 = all (default: ${TRAIN_DEFAULTS.keepCheckpoints})`,
    },
    backend: BACKEND_OPTION,
    engine: ENGINE_OPTION,
    threads: {
      type: 'string',
      arg: 'N',
      description: 'onnxruntime intra-op threads of training and evaluation (default: every core)',
    },
    limit: { type: 'string', arg: 'N', description: 'train on the first N examples (quick runs)' },
    'test-limit': { type: 'string', arg: 'N', description: 'evaluate on the first N test examples' },
    resume: { type: 'boolean', description: 'continue the interrupted run in -o DIR' },
    force: { type: 'boolean', description: 'train into a non-empty run directory, replacing its run files' },
    'force-memory': {
      type: 'boolean',
      description: 'train even when the memory estimate exceeds the memory available',
    },
    json: { type: 'boolean', description: 'machine-readable summary on stdout (no progress)' },
  },
  positionals: [0, 1],
  async run(values, positionals, ctx) {
    const json = values['json'] === true;
    const resume = values['resume'] === true;
    const specPath = positionals[0];
    if (!resume && specPath === undefined) {
      throw new UserError(
        `randwire ${NAME}: expected a spec file (or --resume -o run/): usage: randwire ${NAME} ${trainCommand.usage}`,
      );
    }
    if (resume && values['output'] === undefined) {
      throw new UserError(`randwire ${NAME}: --resume needs the run directory: -o run/`);
    }
    if (resume && values['force'] === true) {
      throw new UserError(`randwire ${NAME}: --resume and --force exclude each other`);
    }
    const backendPref = backendOption(NAME, values['backend']);
    const engineChoice = engineOption(NAME, values['engine']);
    const options: Partial<TrainOptions> = {};
    for (const [flag, key, range] of HYPER) {
      const v = numberOption(NAME, flag, values[flag], range);
      if (v !== undefined) (options as Record<string, number>)[key] = v;
    }
    const recipe = choiceOption(NAME, 'recipe', values['recipe'], RECIPE_NAMES);
    if (recipe !== undefined) options.recipe = recipe;
    const init = choiceOption(NAME, 'init', values['init'], INIT_SCHEMES);
    if (init !== undefined) options.init = init;
    if (values['nesterov'] === true && values['no-nesterov'] === true) {
      throw new UserError(`randwire ${NAME}: --nesterov and --no-nesterov exclude each other`);
    }
    if (values['nesterov'] === true) options.nesterov = true;
    if (values['no-nesterov'] === true) options.nesterov = false;
    if (values['augment'] === true) options.augment = true;
    const limit = numberOption(NAME, 'limit', values['limit'], { integer: true, min: 1 }) ?? null;
    const testLimit =
      numberOption(NAME, 'test-limit', values['test-limit'], { integer: true, min: 0 }) ?? null;

    const { RUN_FILES, readRunConfig, readRunSpec, train } = loadTfjs();
    let epochs = options.epochs ?? TRAIN_DEFAULTS.epochs;
    let spec: NetworkSpec;
    let runDir: string;
    let choice: DataChoice;
    let batchSize = options.batchSize ?? TRAIN_DEFAULTS.batchSize;
    if (resume) {
      runDir = String(values['output']);
      spec = readRunSpec(runDir);
      if (specPath !== undefined) {
        const given = loadSpecArg(NAME, specPath);
        if (JSON.stringify(given) !== JSON.stringify(spec)) {
          throw new UserError(
            `randwire ${NAME}: ${specPath} differs from the run's ${join(runDir, RUN_FILES.spec)}: a resumed run keeps its spec`,
          );
        }
      }
      const config = readRunConfig<{ dataChoice?: DataChoice; options?: Partial<TrainOptions> }>(runDir);
      epochs = config.options?.epochs ?? epochs;
      batchSize = config.options?.batchSize ?? batchSize;
      const stored = config.dataChoice ?? DEFAULT_DATA_CHOICE;
      choice = {
        data: values['data'] !== undefined ? String(values['data']) : stored.data,
        limit: limit ?? stored.limit,
        testLimit: testLimit ?? stored.testLimit,
      };
    } else {
      spec = loadSpecArg(NAME, specPath!);
      runDir = values['output'] !== undefined ? String(values['output']) : join('runs', spec.name);
      choice = {
        data: values['data'] !== undefined ? String(values['data']) : DEFAULT_DATA_CHOICE.data,
        limit,
        testLimit,
      };
    }

    checkTrainingMemory(
      NAME,
      resume ? join(runDir, RUN_FILES.spec) : specPath === '-' ? 'stdin' : specPath!,
      spec,
      batchSize,
      Math.min(TRAIN_DEFAULTS.evalBatchSize, choice.testLimit ?? Infinity),
      values['force-memory'] === true,
      ctx.err,
    );
    const trainSet = loadDataSplit(NAME, choice, spec, 'train');
    const testSet = choice.testLimit === 0 ? null : loadDataSplit(NAME, choice, spec, 'test');
    const backend = await startBackend(backendPref, ctx);
    const threads = numberOption(NAME, 'threads', values['threads'], { integer: true, min: 1 });
    const engine = chooseEngine(NAME, engineChoice, spec, ctx, threads);
    ctx.err(
      `${resume ? 'resuming' : 'training'} ${spec.name} on ${trainSet.source} (${trainSet.count} images${testSet ? `; test ${testSet.count}` : ''}) into ${runDir}`,
    );

    const ac = new AbortController();
    const restore = onInterrupt(ac, ctx);
    const stderrTty = Boolean(process.stderr.isTTY);
    let result: Awaited<ReturnType<typeof train>>;
    try {
      result = await train(spec, { train: trainSet, test: testSet }, options, {
        runDir,
        resume,
        force: values['force'] === true,
        signal: ac.signal,
        ...(engine.factory ? { engine: engine.factory } : {}),
        ...(engine.evaluator ? { evaluator: engine.evaluator } : {}),
        ...(json
          ? {}
          : {
              progress: stderrTty
                ? (t: string) => process.stderr.write(t)
                : (t: string) => ctx.err(t.replace(/\n$/, '')),
              progressTty: stderrTty,
            }),
        onEpoch: (m) => {
          if (!json) ctx.err(epochLine(m, epochs));
        },
        config: {
          dataChoice: choice,
          backend: {
            name: backend.name,
            package: backend.package,
            threads: backend.threads,
            simd: backend.simd,
          },
        },
      });
    } finally {
      restore();
    }
    result.model.dispose();
    const last = result.metrics[result.metrics.length - 1];
    const summary = {
      run: runDir,
      spec: spec.name,
      status: result.status,
      engine: engine.name,
      backend: { name: backend.name, package: backend.package, threads: backend.threads, simd: backend.simd },
      data: {
        ...choice,
        train: trainSet.source,
        trainCount: trainSet.count,
        test: testSet?.source ?? null,
        testCount: testSet?.count ?? 0,
      },
      options: result.options,
      position: result.position,
      checkpoint: result.checkpoint,
      final: last ?? null,
      metrics: result.metrics,
    };
    if (json) {
      ctx.out(JSON.stringify(summary, null, 2));
    } else if (result.status === 'interrupted') {
      ctx.out(
        `interrupted at epoch ${result.position.epoch + 1}, step ${result.position.step}; checkpoint ${result.checkpoint}\nresume with: randwire train --resume -o ${runDir}`,
      );
    } else {
      ctx.out(
        `trained ${spec.name}: ${result.options.epochs} epoch(s), ${result.position.step} steps` +
          (last?.testAcc != null
            ? `, test accuracy ${pct(last.testAcc)} (loss ${last.testLoss?.toFixed(4)})`
            : '') +
          (last
            ? `, ${last.imagesPerSec.toFixed(1)} img/s on ${engine.name === 'tfjs' ? backend.name : engine.name}`
            : '') +
          `\nrun directory: ${runDir} (spec.json, model/, metrics.jsonl, train-config.json, checkpoints/)`,
      );
    }
    return result.status === 'interrupted' ? 130 : 0;
  },
};
