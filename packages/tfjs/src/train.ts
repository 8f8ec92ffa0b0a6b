// The training loop: SGD with momentum 0.9 (classical or Nesterov), initial learning rate 0.1
// with half-period cosine decay per step and optional linear warm-up, label smoothing, weight
// decay 5e-5 on convolution and dense kernels only, drop-edge p; named recipes (TRAIN_RECIPES):
// 'paper' is the paper's (randwire.md section 7), 'default' the one for short runs. Seeded:
// initial weights (buildModel's seed and init scheme), data order and augmentation (@randwire/datasets' batches per (seed, epoch)), drop-edge and dropout
// (TrainingNoise per (seed, step)). With a run directory it writes spec.json, model/,
// metrics.jsonl, train-config.json and a checkpoint each epoch (and on interruption), and can
// resume a run so that it ends with exactly the weights of an uninterrupted one.
import { join } from 'node:path';
import { batchCount, batches, type ImageDataset } from '@randwire/datasets';
import type { NetworkSpec } from '@randwire/spec';
import * as tf from '@tensorflow/tfjs';
import {
  type CheckpointState,
  checkpointFileName,
  datasetFingerprint,
  type EpochProgress,
  listCheckpoints,
  pruneCheckpoints,
  readCheckpoint,
  sha256,
  stableStringify,
  type TrainPosition,
  writeCheckpoint,
} from './checkpoint';
import { CheckpointError, TrainingDivergedError, TrainOptionsError } from './errors';
import { type EvaluateOptions, type EvaluationResult, evaluate } from './evaluate';
import { INIT_SCHEMES, type InitScheme } from './init';
import { buildModel } from './model';
import { saveModelToDir } from './model-io';
import { parameterVariables } from './model-parameters';
import type { NamedArray } from './optimizer';
import { ProgressReporter } from './progress';
import {
  prepareRunDir,
  RUN_FILES,
  readMetrics,
  readRunSpec,
  writeJsonFile,
  writeMetrics,
  writeRunSpec,
} from './run-dir';
import { learningRateAt } from './schedule';
import { TrainStep, type TrainStepOptions, type TrainStepResult } from './train-step';

/** Every hyper-parameter of a run (all JSON-safe; recorded in checkpoints). */
export interface TrainOptions {
  /** The named recipe the run started from (TRAIN_RECIPES); options given explicitly win. */
  recipe: RecipeName;
  /** How the initial weights are drawn (init.ts). */
  init: InitScheme;
  epochs: number;
  batchSize: number;
  /** Initial (peak) learning rate. */
  lr: number;
  momentum: number;
  nesterov: boolean;
  /** L2 weight decay on convolution and dense kernels (parameterList(spec)[].decay). */
  weightDecay: number;
  labelSmoothing: number;
  /** Epochs of linear learning-rate warm-up (may be fractional; 0 = none). */
  warmupEpochs: number;
  /** Drop-edge probability per node with in-degree > 1 and step (paper's regular regime: 0.1). */
  dropEdge: number;
  /** Seed of the initial weights, data order, augmentation, drop-edge and dropout. */
  seed: number;
  /** Random crop (pad 4) and horizontal flip of training images. */
  augment: boolean;
  /** Batch size of the per-epoch evaluation. */
  evalBatchSize: number;
  /** Checkpoints kept in run/checkpoints (the newest ones; 0 = all). */
  keepCheckpoints: number;
}

/** The recipe options of a named recipe (TRAIN_RECIPES). */
export type Recipe = Pick<
  TrainOptions,
  'init' | 'lr' | 'momentum' | 'nesterov' | 'weightDecay' | 'labelSmoothing' | 'warmupEpochs'
>;

/** Named recipes. `paper`: the paper's training recipe (randwire.md section 7: SGD momentum
 * 0.9, lr 0.1 with half-period cosine decay, weight decay 5e-5, label smoothing 0.1, no
 * warm-up) with the initialization of the code it builds on (pycls: He-normal fan-out
 * kernels, classifier std 0.01), for runs of the paper's length. `default`: what trains best in
 * short runs (apps/benchmarks, accuracy): PyTorch's default initialization, whose smaller
 * kernels learn several times faster under batch norm at lr 0.1 (+3 to +7 points after one
 * short epoch of Fashion-MNIST), Nesterov momentum, a linear warm-up over the first tenth of an
 * epoch and no label smoothing (+1.3 points more); the same lr, schedule and weight decay. */
export const TRAIN_RECIPES: Readonly<Record<'default' | 'paper', Readonly<Recipe>>> = Object.freeze({
  default: Object.freeze({
    init: 'pytorch',
    lr: 0.1,
    momentum: 0.9,
    nesterov: true,
    weightDecay: 5e-5,
    labelSmoothing: 0,
    warmupEpochs: 0.1,
  }),
  paper: Object.freeze({
    init: 'he-fan-out',
    lr: 0.1,
    momentum: 0.9,
    nesterov: false,
    weightDecay: 5e-5,
    labelSmoothing: 0.1,
    warmupEpochs: 0,
  }),
});
export type RecipeName = 'default' | 'paper';
export const RECIPE_NAMES: readonly RecipeName[] = Object.freeze(['default', 'paper']);

export const TRAIN_DEFAULTS: Readonly<TrainOptions> = Object.freeze({
  recipe: 'default',
  ...TRAIN_RECIPES.default,
  epochs: 5,
  batchSize: 64,
  dropEdge: 0,
  seed: 0,
  augment: false,
  evalBatchSize: 256,
  keepCheckpoints: 3,
});

export interface TrainData {
  train: ImageDataset;
  /** Evaluated after each epoch (optional). */
  test?: ImageDataset | null;
}

/** One line of metrics.jsonl. */
export interface EpochMetrics {
  /** 1-based number of the epoch just finished. */
  epoch: number;
  /** Optimizer steps done so far. */
  step: number;
  /** Learning rate of the epoch's last step. */
  lr: number;
  trainLoss: number;
  trainAcc: number;
  testLoss: number | null;
  testAcc: number | null;
  /** Training images per second (evaluation excluded). */
  imagesPerSec: number;
  /** Training seconds of this epoch (evaluation excluded). */
  seconds: number;
  /** Seconds of the evaluation. */
  evalSeconds: number;
}

export interface StepInfo extends TrainPosition {
  loss: number;
  lr: number;
  /** Examples in the batch. */
  size: number;
}

/** What runs the optimizer steps of `train`. The default trains the tfjs model itself
 * (`TrainStep`); another runtime (e.g. onnxruntime through @randwire/onnx-train's OnnxTrainStep)
 * plugs in by holding its own copy of the weights and optimizer state, in tfjs layouts under
 * the spec's parameter names, and copying them into the model when asked. */
export interface TrainEngine {
  /** Recorded in train-config.json. */
  readonly name: string;
  run(
    images: Uint8Array,
    labels: Uint8Array,
    size: number,
    step: number,
    lr: number,
  ): TrainStepResult | Promise<TrainStepResult>;
  /** Copies the engine's weights into the model (before evaluation and saving). */
  syncModel(): void;
  /** Momentum buffers of the trainable parameters (checkpoints). */
  getMomentum(): NamedArray[];
  setMomentum(state: NamedArray[], source: string): void;
  dispose(): void | Promise<void>;
}

/** Creates the engine for a run, once the model holds its initial (or resumed) weights. */
export type TrainEngineFactory = (args: {
  model: tf.LayersModel;
  spec: NetworkSpec;
  options: TrainStepOptions;
  batchSize: number;
}) => TrainEngine | Promise<TrainEngine>;

/** The default engine: tfjs's own gradients and optimizer on the model (no copies). */
export const tfjsEngine: TrainEngineFactory = ({ model, spec, options }) => {
  const stepper = new TrainStep(model, spec, options);
  return {
    name: 'tfjs',
    run: (images, labels, size, step, lr) => stepper.run(images, labels, size, step, lr),
    syncModel: () => {},
    getMomentum: () => stepper.optimizer.getState(),
    setMomentum: (state, source) => stepper.optimizer.setState(state, source),
    dispose: () => stepper.dispose(),
  };
};

/** What evaluates the model on the test set after each epoch (once the engine has copied its
 * weights into the model). The default runs `evaluate` on the tfjs backend; another runtime
 * plugs in with the same result fields (the CLI: onnxruntime on an in-memory ONNX export). */
export interface TrainEvaluator {
  /** Recorded in train-config.json. */
  readonly name: string;
  evaluate(
    model: tf.LayersModel,
    spec: NetworkSpec,
    dataset: ImageDataset,
    options: EvaluateOptions,
  ): EvaluationResult | Promise<EvaluationResult>;
}

/** The default evaluator: `evaluate` on the tfjs backend. */
export const tfjsEvaluator: TrainEvaluator = Object.freeze({ name: 'tfjs', evaluate });

export interface TrainHooks {
  /** Runs the optimizer steps (default: tfjsEngine). */
  engine?: TrainEngineFactory;
  /** Evaluates the test set after each epoch (default: tfjsEvaluator). */
  evaluator?: TrainEvaluator;
  /** Folder of the run (files listed in run-dir.ts); without it nothing is written. */
  runDir?: string;
  /** Continue the run in `runDir` from its newest checkpoint (options come from it). */
  resume?: boolean;
  /** Train into a non-empty runDir, replacing its run files. */
  force?: boolean;
  /** When aborted (e.g. on SIGINT), training stops at the next step boundary, saves a
   * checkpoint and returns with status 'interrupted'. */
  signal?: AbortSignal;
  /** Progress lines (e.g. stderr); none when absent. */
  progress?: (text: string) => void;
  /** Draw a bar (terminal) rather than periodic lines. */
  progressTty?: boolean;
  /** Milliseconds between progress lines (default 5000). */
  progressIntervalMs?: number;
  /** Called after every optimizer step (tests, custom logging); the model's weights are those
   * of the step only with the tfjs engine (others copy them in at the end of each epoch). */
  onStep?: (info: StepInfo, model: tf.LayersModel) => void;
  /** Called after every epoch with its metrics line. */
  onEpoch?: (metrics: EpochMetrics) => void;
  /** Extra JSON recorded in train-config.json (data description, backend ...). */
  config?: Record<string, unknown>;
}

export interface TrainResult {
  status: 'completed' | 'interrupted';
  /** Where training stands (the next step to run). */
  position: TrainPosition;
  metrics: EpochMetrics[];
  /** The trained model (caller disposes it). */
  model: tf.LayersModel;
  options: TrainOptions;
  /** Final test evaluation (of the last epoch), if there is a test set. */
  test: EvaluationResult | null;
  /** The newest checkpoint written, if any. */
  checkpoint: string | null;
}

const WHERE = '@randwire/tfjs/train';

/** Resolves and checks options: TRAIN_DEFAULTS, then the recipe's values (options.recipe,
 * default 'default'), then the options given (unknown keys and bad values throw
 * TrainOptionsError). */
export function resolveTrainOptions(options: Partial<TrainOptions> = {}): TrainOptions {
  const recipe = options.recipe ?? TRAIN_DEFAULTS.recipe;
  if (!RECIPE_NAMES.includes(recipe)) {
    throw new TrainOptionsError(
      `${WHERE}: invalid recipe (${String(recipe)}): must be one of ${RECIPE_NAMES.join(', ')}`,
    );
  }
  const o: TrainOptions = { ...TRAIN_DEFAULTS, ...TRAIN_RECIPES[recipe], recipe };
  for (const [k, v] of Object.entries(options)) {
    if (!(k in TRAIN_DEFAULTS)) {
      throw new TrainOptionsError(
        `${WHERE}: unknown option '${k}': must be one of ${Object.keys(TRAIN_DEFAULTS).join(', ')}`,
      );
    }
    if (v != null) (o as unknown as Record<string, unknown>)[k] = v;
  }
  const bad = (name: string, allowed: string): never => {
    throw new TrainOptionsError(
      `${WHERE}: invalid ${name} (${String((o as unknown as Record<string, unknown>)[name])}): must be ${allowed}`,
    );
  };
  const int = (name: keyof TrainOptions, min: number) => {
    const v = o[name] as number;
    if (!Number.isSafeInteger(v) || v < min) bad(name, `an integer >= ${min}`);
  };
  const num = (name: keyof TrainOptions, min: number, max: number, maxOpen = false) => {
    const v = o[name] as number;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (maxOpen ? v >= max : v > max)) {
      bad(name, `a number in [${min}, ${max}${maxOpen ? ')' : ']'}`);
    }
  };
  int('epochs', 1);
  int('batchSize', 1);
  int('evalBatchSize', 1);
  int('keepCheckpoints', 0);
  if (!Number.isSafeInteger(o.seed)) bad('seed', 'an integer');
  num('lr', 0, Number.MAX_VALUE);
  num('momentum', 0, 1, true);
  num('weightDecay', 0, 1);
  num('labelSmoothing', 0, 1, true);
  num('warmupEpochs', 0, o.epochs);
  num('dropEdge', 0, 1);
  if (typeof o.nesterov !== 'boolean') bad('nesterov', 'true or false');
  if (typeof o.augment !== 'boolean') bad('augment', 'true or false');
  if (!INIT_SCHEMES.includes(o.init)) bad('init', `one of ${INIT_SCHEMES.join(', ')}`);
  return o;
}

/** SHA-256 of the spec's canonical (key-sorted) JSON. */
export function specHash(spec: NetworkSpec): string {
  return sha256(stableStringify(spec));
}

function checkData(spec: NetworkSpec, ds: ImageDataset, what: string): void {
  const { height, width, channels } = spec.input;
  if (ds.height !== height || ds.width !== width || ds.channels !== channels) {
    throw new TrainOptionsError(
      `${WHERE}: the ${what} data (${ds.source}) has images ${ds.height}x${ds.width}x${ds.channels}, the spec '${spec.name}' needs ${height}x${width}x${channels}`,
    );
  }
  if (ds.classes > spec.classes) {
    throw new TrainOptionsError(
      `${WHERE}: the ${what} data (${ds.source}) has ${ds.classes} classes, the spec '${spec.name}' only ${spec.classes}`,
    );
  }
}

/** All model weights by parameter name (copies). */
export function modelWeights(model: tf.LayersModel, spec: NetworkSpec): NamedArray[] {
  return parameterVariables(model, spec).map(({ info, variable }) => ({
    name: info.name,
    shape: info.shape.slice(),
    values: Float32Array.from(variable.read().dataSync() as Float32Array),
  }));
}

/** Sets model weights from named arrays; every parameter must be present with its shape. */
export function setModelWeights(
  model: tf.LayersModel,
  spec: NetworkSpec,
  weights: NamedArray[],
  source: string,
): void {
  const byName = new Map(weights.map((w) => [w.name, w]));
  const params = parameterVariables(model, spec);
  for (const { info } of params) {
    const w = byName.get(info.name);
    if (!w)
      throw new CheckpointError(
        `${source}: no weight '${info.name}' (does the checkpoint belong to spec '${spec.name}'?)`,
      );
    if (w.shape.join(',') !== info.shape.join(',')) {
      throw new CheckpointError(
        `${source}: weight '${info.name}' has shape [${w.shape}], the spec needs [${info.shape}]`,
      );
    }
  }
  if (byName.size !== params.length) {
    const known = new Set(params.map((p) => p.info.name));
    const extra = [...byName.keys()].filter((n) => !known.has(n));
    throw new CheckpointError(
      `${source}: weights the spec '${spec.name}' does not have: ${extra.slice(0, 5).join(', ')}`,
    );
  }
  tf.tidy(() => {
    for (const { info, variable } of params)
      variable.write(tf.tensor(byName.get(info.name)!.values, info.shape, 'float32'));
  });
}

type EpochAccumulator = EpochProgress;

interface ResumeState {
  checkpoint: CheckpointState;
  path: string;
}

function findResume(runDir: string, spec: NetworkSpec): ResumeState {
  const dir = join(runDir, RUN_FILES.checkpoints);
  const all = listCheckpoints(dir);
  const path = all[all.length - 1];
  if (path === undefined) {
    throw new CheckpointError(`${WHERE}: ${dir}: no checkpoint to resume from (start a new run instead)`);
  }
  const checkpoint = readCheckpoint(path);
  const runSpec = readRunSpec(runDir);
  if (specHash(runSpec) !== checkpoint.specHash) {
    throw new CheckpointError(
      `${WHERE}: ${path}: was written for another spec than ${join(runDir, RUN_FILES.spec)}`,
    );
  }
  if (specHash(spec) !== checkpoint.specHash) {
    throw new CheckpointError(
      `${WHERE}: ${path}: spec mismatch: the checkpoint belongs to spec '${runSpec.name}', not to the given '${spec.name}'`,
    );
  }
  return { checkpoint, path };
}

/** Trains `spec` on `data` (see the file comment). Throws TrainingDivergedError when the loss
 * becomes NaN/inf (the last good checkpoint stays as it was). */
export async function train(
  spec: NetworkSpec,
  data: TrainData,
  options: Partial<TrainOptions> = {},
  hooks: TrainHooks = {},
): Promise<TrainResult> {
  const { runDir } = hooks;
  let resume: ResumeState | null = null;
  let o: TrainOptions;
  if (hooks.resume) {
    if (runDir === undefined) throw new TrainOptionsError(`${WHERE}: resume needs a run directory`);
    resume = findResume(runDir, spec);
    o = resolveTrainOptions(resume.checkpoint.options as Partial<TrainOptions>);
    for (const [k, v] of Object.entries(options)) {
      if (v != null && stableStringify(v) !== stableStringify((o as unknown as Record<string, unknown>)[k])) {
        throw new CheckpointError(
          `${WHERE}: ${resume.path}: option ${k} = ${JSON.stringify(v)} differs from the run's ${JSON.stringify((o as unknown as Record<string, unknown>)[k])}: a resumed run keeps its options`,
        );
      }
    }
  } else {
    o = resolveTrainOptions(options);
  }
  checkData(spec, data.train, 'training');
  if (data.test) checkData(spec, data.test, 'test');
  const fingerprints = {
    train: datasetFingerprint(data.train),
    test: data.test ? datasetFingerprint(data.test) : null,
  };
  if (resume) {
    const c = resume.checkpoint;
    if (c.data.train !== fingerprints.train || c.data.test !== fingerprints.test) {
      const which = c.data.train !== fingerprints.train ? 'training' : 'test';
      throw new CheckpointError(
        `${WHERE}: ${resume.path}: the ${which} data differs from the run's (${which === 'training' ? data.train.source : (data.test?.source ?? 'none')}): resume with the same data`,
      );
    }
  }

  const stepsPerEpoch = batchCount(data.train.count, o.batchSize, true);
  if (stepsPerEpoch < 1) {
    throw new TrainOptionsError(
      `${WHERE}: invalid batchSize (${o.batchSize}): must be <= the training set's ${data.train.count} examples`,
    );
  }
  const totalSteps = stepsPerEpoch * o.epochs;
  const schedule = { lr: o.lr, totalSteps, warmupSteps: Math.round(o.warmupEpochs * stepsPerEpoch) };
  const hash = specHash(spec);

  const model = buildModel(spec, { seed: o.seed, init: o.init, dropEdgeRate: o.dropEdge });
  const stepOptions: TrainStepOptions = {
    momentum: o.momentum,
    nesterov: o.nesterov,
    weightDecay: o.weightDecay,
    labelSmoothing: o.labelSmoothing,
  };
  let engine: TrainEngine | null = null;
  const evaluator = hooks.evaluator ?? tfjsEvaluator;

  let pos: TrainPosition = { epoch: 0, batch: 0, step: 0 };
  let acc: EpochAccumulator = { lossSum: 0, correct: 0, seen: 0, seconds: 0 };
  let metrics: EpochMetrics[] = [];
  let lastCheckpoint: string | null = null;
  let lastTest: EvaluationResult | null = null;
  try {
    if (resume) setModelWeights(model, spec, resume.checkpoint.weights, resume.path);
    engine = await (hooks.engine ?? tfjsEngine)({
      model,
      spec,
      options: stepOptions,
      batchSize: o.batchSize,
    });
    const stepper = engine;
    if (resume) {
      const c = resume.checkpoint;
      stepper.setMomentum(c.momentum, resume.path);
      pos = { epoch: c.epoch, batch: c.batch, step: c.step };
      if (c.batch > 0 && c.epochProgress) acc = { ...c.epochProgress };
      metrics = readMetrics<EpochMetrics>(runDir!).filter((m) => m.epoch <= c.epoch);
      lastCheckpoint = resume.path;
    } else if (runDir !== undefined) {
      prepareRunDir(runDir, { force: hooks.force ?? false });
      writeRunSpec(runDir, spec);
      writeMetrics(runDir, []);
    }
    if (runDir !== undefined) {
      writeJsonFile(join(runDir, RUN_FILES.config), {
        spec: spec.name,
        specHash: hash,
        engine: stepper.name,
        evaluator: evaluator.name,
        options: o,
        stepsPerEpoch,
        totalSteps,
        data: {
          train: data.train.source,
          trainCount: data.train.count,
          test: data.test?.source ?? null,
          testCount: data.test?.count ?? 0,
        },
        fingerprints,
        ...hooks.config,
      });
    }

    const saveCheckpoint = async (): Promise<string | null> => {
      if (runDir === undefined) return null;
      const dir = join(runDir, RUN_FILES.checkpoints);
      const path = join(dir, checkpointFileName(pos.step));
      writeCheckpoint(path, {
        ...pos,
        specHash: hash,
        data: fingerprints,
        options: { ...o },
        ...(pos.batch > 0 ? { epochProgress: { ...acc } } : {}),
        weights: modelWeights(model, spec),
        momentum: stepper.getMomentum(),
      });
      pruneCheckpoints(dir, o.keepCheckpoints);
      return path;
    };

    let interrupted = false;
    let lr = learningRateAt(Math.min(pos.step, totalSteps - 1), schedule);
    while (pos.epoch < o.epochs && !interrupted) {
      const reporter = hooks.progress
        ? new ProgressReporter(`epoch ${pos.epoch + 1}/${o.epochs}`, stepsPerEpoch * o.batchSize, {
            write: hooks.progress,
            tty: hooks.progressTty ?? false,
            intervalMs: hooks.progressIntervalMs ?? 5000,
          })
        : null;
      const epochStart = Date.now();
      const secondsBefore = acc.seconds;
      const iter = batches(data.train, {
        batchSize: o.batchSize,
        shuffle: true,
        seed: o.seed,
        epoch: pos.epoch,
        dropLast: true,
        augment: o.augment,
        startBatch: pos.batch,
      });
      for (const batch of iter) {
        lr = learningRateAt(pos.step, schedule);
        const { loss, correct, applied } = await stepper.run(
          batch.images,
          batch.labels,
          batch.size,
          pos.step,
          lr,
        );
        if (!applied) {
          throw new TrainingDivergedError(
            `${WHERE}: the loss became ${loss} at epoch ${pos.epoch + 1}, batch ${pos.batch + 1}, step ${pos.step + 1} (lr ${lr.toPrecision(4)}): training stopped; ${lastCheckpoint ? `the last good checkpoint is kept: ${lastCheckpoint}` : 'no checkpoint was written yet'}; try a lower --lr or a warm-up`,
          );
        }
        pos = { epoch: pos.epoch, batch: pos.batch + 1, step: pos.step + 1 };
        acc.lossSum += loss * batch.size;
        acc.correct += correct;
        acc.seen += batch.size;
        acc.seconds = secondsBefore + (Date.now() - epochStart) / 1000;
        hooks.onStep?.({ ...pos, loss, lr, size: batch.size }, model);
        reporter?.update({
          done: pos.batch * o.batchSize,
          loss: acc.lossSum / acc.seen,
          acc: acc.correct / acc.seen,
        });
        // Let the event loop run (signal handlers such as the CLI's SIGINT fire only there).
        if (hooks.signal) await new Promise<void>((resolve) => setImmediate(resolve));
        if (hooks.signal?.aborted && pos.batch < stepsPerEpoch) {
          interrupted = true;
          break;
        }
      }
      reporter?.finish();
      stepper.syncModel();
      if (interrupted) break;
      // End of epoch: evaluate, record, save.
      const evalStart = Date.now();
      lastTest = data.test
        ? await evaluator.evaluate(model, spec, data.test, { batchSize: o.evalBatchSize })
        : null;
      const line: EpochMetrics = {
        epoch: pos.epoch + 1,
        step: pos.step,
        lr,
        trainLoss: acc.seen > 0 ? acc.lossSum / acc.seen : Number.NaN,
        trainAcc: acc.seen > 0 ? acc.correct / acc.seen : Number.NaN,
        testLoss: lastTest ? lastTest.loss : null,
        testAcc: lastTest ? lastTest.accuracy : null,
        imagesPerSec: acc.seconds > 0 ? acc.seen / acc.seconds : 0,
        seconds: acc.seconds,
        evalSeconds: (Date.now() - evalStart) / 1000,
      };
      metrics.push(line);
      pos = { epoch: pos.epoch + 1, batch: 0, step: pos.step };
      acc = { lossSum: 0, correct: 0, seen: 0, seconds: 0 };
      if (runDir !== undefined) {
        writeMetrics(runDir, metrics);
        await saveModelToDir(model, join(runDir, RUN_FILES.model));
        lastCheckpoint = await saveCheckpoint();
      }
      hooks.onEpoch?.(line);
      if (hooks.signal?.aborted && pos.epoch < o.epochs) interrupted = true;
    }
    if (interrupted && runDir !== undefined && pos.batch > 0) {
      await saveModelToDir(model, join(runDir, RUN_FILES.model));
      lastCheckpoint = await saveCheckpoint();
    }
    return {
      status: interrupted ? 'interrupted' : 'completed',
      position: pos,
      metrics,
      model,
      options: o,
      test: lastTest,
      checkpoint: lastCheckpoint,
    };
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    await engine?.dispose();
  }
}
