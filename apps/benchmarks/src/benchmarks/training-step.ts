// One optimizer step of @randwire/tfjs's `train()`, callable step by step so a benchmark can
// time it: the same public pieces in the same order (normalizeImages → model.apply(training)
// inside tf.variableGrads → label-smoothed softmax cross-entropy + accuracy → loss read back →
// SgdMomentum.apply with weight decay on kernels → dispose). `training-step.test.ts` checks
// that N steps of this give bit-identical weights to `train()` on the same batches, so the
// benchmark times the repo's real training step, not a toy.
import type { NetworkSpec } from '@randwire/spec';
import {
  buildModel,
  normalizeImages,
  parameterVariables,
  SgdMomentum,
  TRAIN_DEFAULTS,
  trainingNoiseOf,
} from '@randwire/tfjs';
import * as tf from '@tensorflow/tfjs';

export interface TrainStepperOptions {
  /** Seed of the initial weights (buildModel) and of drop-edge. */
  seed: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  labelSmoothing: number;
  dropEdge: number;
}

/** train()'s defaults (the paper's recipe). */
export const TRAIN_STEPPER_DEFAULTS: Readonly<TrainStepperOptions> = Object.freeze({
  seed: TRAIN_DEFAULTS.seed,
  momentum: TRAIN_DEFAULTS.momentum,
  nesterov: TRAIN_DEFAULTS.nesterov,
  weightDecay: TRAIN_DEFAULTS.weightDecay,
  labelSmoothing: TRAIN_DEFAULTS.labelSmoothing,
  dropEdge: TRAIN_DEFAULTS.dropEdge,
});

export interface StepResult {
  loss: number;
  correct: number;
}

/** A model built from a spec on the active backend, with train()'s optimizer. */
export class TrainStepper {
  readonly model: tf.LayersModel;
  readonly options: Readonly<TrainStepperOptions>;
  private readonly spec: NetworkSpec;
  private readonly optimizer: SgdMomentum;
  private readonly variables: tf.Variable[];
  private readonly variableToParam: Map<string, string>;
  /** Optimizer steps done (drives drop-edge like train()'s global step). */
  steps = 0;

  constructor(spec: NetworkSpec, options: Partial<TrainStepperOptions> = {}) {
    const o: TrainStepperOptions = { ...TRAIN_STEPPER_DEFAULTS };
    for (const [k, v] of Object.entries(options))
      if (v != null) (o as unknown as Record<string, unknown>)[k] = v;
    this.options = Object.freeze(o);
    this.spec = spec;
    this.model = buildModel(spec, { seed: o.seed, dropEdgeRate: o.dropEdge });
    const trainable = parameterVariables(this.model, spec).filter((p) => p.info.trainable);
    this.variables = trainable.map((p) => p.variable.read() as tf.Variable);
    this.variableToParam = new Map(trainable.map((p, i) => [this.variables[i]!.name, p.info.name]));
    this.optimizer = new SgdMomentum(
      trainable.map((p, i) => ({ name: p.info.name, variable: this.variables[i]!, decay: p.info.decay })),
      { momentum: o.momentum, nesterov: o.nesterov, weightDecay: o.weightDecay },
    );
  }

  /** One step on `size` uint8 NHWC images with learning rate `lr` (as train() does it). */
  step(images: Uint8Array, labelValues: Uint8Array, size: number, lr: number): StepResult {
    const spec = this.spec;
    const noise = trainingNoiseOf(this.model);
    if (noise) noise.step = this.steps;
    const x = normalizeImages(spec, images, size);
    const labels = tf.tensor1d(labelValues, 'int32');
    const y = tf.oneHot(labels, spec.classes);
    let correctT: tf.Scalar | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const out = this.model.apply(x, { training: true }) as tf.Tensor[];
      const logits = out[0] as tf.Tensor2D;
      correctT = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')) as tf.Scalar);
      return tf.losses.softmaxCrossEntropy(y, logits, undefined, this.options.labelSmoothing) as tf.Scalar;
    }, this.variables);
    const loss = (value.dataSync() as Float32Array)[0]!;
    const correct = (correctT as tf.Scalar | null)?.dataSync()[0] ?? 0;
    const named: Record<string, tf.Tensor> = {};
    for (const [k, g] of Object.entries(grads)) named[this.variableToParam.get(k) ?? k] = g;
    if (Number.isFinite(loss)) this.optimizer.apply(named, lr);
    tf.dispose([x, labels, y, value, correctT as tf.Scalar | null].filter((t): t is tf.Tensor => t !== null));
    tf.dispose(Object.values(grads));
    this.steps++;
    return { loss, correct };
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }
}
