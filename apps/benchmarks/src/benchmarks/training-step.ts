// The training step the benchmarks time: @randwire/tfjs's public `TrainStep` (the step
// `train()` runs: normalizeImages → model.apply(training) inside tf.variableGrads →
// label-smoothed softmax cross-entropy + accuracy → loss read back → SgdMomentum with weight
// decay on kernels → dispose) on a model built like `train()` builds it, counting steps as
// `train()` does. `training-step.test.ts` checks that N steps give bit-identical weights to
// `train()` on the same batches, so the benchmark times the repo's real training step.
import type { NetworkSpec } from '@randwire/spec';
import { buildModel, TRAIN_DEFAULTS, TrainStep, type TrainStepResult } from '@randwire/tfjs';
import type * as tf from '@tensorflow/tfjs';

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

/** A model built from a spec on the active backend, stepped with train()'s TrainStep. */
export class TrainStepper {
  readonly model: tf.LayersModel;
  readonly options: Readonly<TrainStepperOptions>;
  private readonly trainStep: TrainStep;
  /** Optimizer steps done (the global step that drives drop-edge, as in train()). */
  steps = 0;

  constructor(spec: NetworkSpec, options: Partial<TrainStepperOptions> = {}) {
    const o: TrainStepperOptions = { ...TRAIN_STEPPER_DEFAULTS };
    for (const [k, v] of Object.entries(options))
      if (v != null) (o as unknown as Record<string, unknown>)[k] = v;
    this.options = Object.freeze(o);
    this.model = buildModel(spec, { seed: o.seed, dropEdgeRate: o.dropEdge });
    this.trainStep = new TrainStep(this.model, spec, {
      momentum: o.momentum,
      nesterov: o.nesterov,
      weightDecay: o.weightDecay,
      labelSmoothing: o.labelSmoothing,
    });
  }

  /** One step on `size` uint8 NHWC images with learning rate `lr`. */
  step(images: Uint8Array, labels: Uint8Array, size: number, lr: number): TrainStepResult {
    return this.trainStep.run(images, labels, size, this.steps++, lr);
  }

  dispose(): void {
    this.trainStep.dispose();
    this.model.dispose();
  }
}
