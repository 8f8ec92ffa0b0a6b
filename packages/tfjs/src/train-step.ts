// One optimizer step of the training recipe, usable on its own (benchmarks, custom loops):
// normalize the uint8 batch, forward in training mode (batch norm on batch statistics and
// updating its moving statistics; drop-edge and dropout drawn for `step`), softmax
// cross-entropy with label smoothing, gradients of every trainable parameter, SGD momentum
// update with weight decay on kernels. A NaN/inf loss skips the update.
import type { NetworkSpec } from '@randwire/spec';
import * as tf from '@tensorflow/tfjs';
import { trainingNoiseOf } from './model';
import { parameterVariables } from './model-parameters';
import { normalizeImages } from './normalize';
import { SGD_DEFAULTS, SgdMomentum, type SgdOptions } from './optimizer';

export interface TrainStepOptions extends SgdOptions {
  labelSmoothing: number;
}

export const TRAIN_STEP_DEFAULTS: Readonly<TrainStepOptions> = Object.freeze({
  ...SGD_DEFAULTS,
  labelSmoothing: 0.1,
});

export interface TrainStepResult {
  /** Mean (label-smoothed) loss of the batch, before the update. */
  loss: number;
  /** Examples of the batch the model classified correctly (before the update). */
  correct: number;
  /** False when the loss was not finite (no update was applied). */
  applied: boolean;
}

export class TrainStep {
  readonly optimizer: SgdMomentum;
  readonly options: Readonly<TrainStepOptions>;
  private readonly variables: tf.Variable[];
  private readonly variableToParam: Map<string, string>;

  constructor(
    readonly model: tf.LayersModel,
    readonly spec: NetworkSpec,
    options: Partial<TrainStepOptions> = {},
  ) {
    this.options = Object.freeze({
      momentum: options.momentum ?? TRAIN_STEP_DEFAULTS.momentum,
      nesterov: options.nesterov ?? TRAIN_STEP_DEFAULTS.nesterov,
      weightDecay: options.weightDecay ?? TRAIN_STEP_DEFAULTS.weightDecay,
      labelSmoothing: options.labelSmoothing ?? TRAIN_STEP_DEFAULTS.labelSmoothing,
    });
    const trainable = parameterVariables(model, spec).filter((p) => p.info.trainable);
    this.variables = trainable.map((p) => p.variable.read() as tf.Variable);
    this.variableToParam = new Map(trainable.map((p, i) => [this.variables[i]!.name, p.info.name]));
    this.optimizer = new SgdMomentum(
      trainable.map((p, i) => ({ name: p.info.name, variable: this.variables[i]!, decay: p.info.decay })),
      this.options,
    );
  }

  /** Runs one step on `size` uint8 NHWC images with learning rate `lr`; `step` selects the
   * drop-edge/dropout draws (the global step index). */
  run(images: Uint8Array, labels: Uint8Array, size: number, step: number, lr: number): TrainStepResult {
    const noise = trainingNoiseOf(this.model);
    if (noise) noise.step = step;
    const x = normalizeImages(this.spec, images, size);
    const labelsT = tf.tensor1d(labels, 'int32');
    const y = tf.oneHot(labelsT, this.spec.classes);
    let correctT: tf.Scalar | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const out = this.model.apply(x, { training: true }) as tf.Tensor[];
      const logits = out[0] as tf.Tensor2D;
      correctT = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labelsT), 'float32')) as tf.Scalar);
      return tf.losses.softmaxCrossEntropy(y, logits, undefined, this.options.labelSmoothing) as tf.Scalar;
    }, this.variables);
    try {
      const loss = (value.dataSync() as Float32Array)[0]!;
      const correct = (correctT as tf.Scalar | null)?.dataSync()[0] ?? 0;
      const applied = Number.isFinite(loss);
      if (applied) {
        const named: Record<string, tf.Tensor> = {};
        for (const [k, g] of Object.entries(grads)) named[this.variableToParam.get(k) ?? k] = g;
        this.optimizer.apply(named, lr);
      }
      return { loss, correct, applied };
    } finally {
      tf.dispose([x, labelsT, y, value, ...Object.values(grads)]);
      if (correctT) tf.dispose(correctT as tf.Scalar);
    }
  }

  /** Frees the optimizer state (not the model). */
  dispose(): void {
    this.optimizer.dispose();
  }
}
