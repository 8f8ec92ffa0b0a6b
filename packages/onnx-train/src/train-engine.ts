// The onnxruntime engine of @randwire/tfjs's training loop (`train(..., { engine })`, what
// `randwire train --engine onnxruntime` runs): OnnxTrainStep holds the weights and momentum
// buffers and copies the weights into the tfjs model when the loop asks (end of each epoch,
// checkpoints). Typed structurally, so this package needs no tfjs at run time: the caller
// passes @randwire/tfjs's modelWeights / setModelWeights.
import type { NetworkSpec } from '@randwire/spec';
import {
  type NamedArray,
  type OnnxTrainOptions,
  OnnxTrainStep,
  type TrainingNoiseSource,
} from './train-session';

/** How the engine reads and writes a model's weights and finds its training noise
 * (@randwire/tfjs's modelWeights, setModelWeights, trainingNoiseOf). */
export interface ModelWeightsAccess<M> {
  modelWeights(model: M, spec: NetworkSpec): NamedArray[];
  setModelWeights(model: M, spec: NetworkSpec, weights: NamedArray[], source: string): void;
  /** The model's drop-edge and dropout draws (the tfjs engine's), if it has any. */
  trainingNoiseOf?(model: M): TrainingNoiseSource | undefined;
}

/** The recipe train() passes to an engine (its TrainStepOptions). */
export interface EngineRecipe {
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  labelSmoothing: number;
}

/** A TrainEngineFactory for train() (its TrainEngine, structurally): the engine starts from
 * the model's weights. */
export function onnxTrainEngine<M>(
  access: ModelWeightsAccess<M>,
  options: Pick<Partial<OnnxTrainOptions>, 'threads' | 'layout'> = {},
) {
  return async (args: { model: M; spec: NetworkSpec; options: EngineRecipe; batchSize: number }) => {
    const { model, spec, options: recipe, batchSize } = args;
    const noise = access.trainingNoiseOf?.(model);
    const step = await OnnxTrainStep.create(
      spec,
      access.modelWeights(model, spec),
      { ...recipe, ...options, ...(noise ? { noise } : {}) },
      batchSize,
    );
    return {
      name: 'onnxruntime' as const,
      run: (images: Uint8Array, labels: Uint8Array, size: number, index: number, lr: number) =>
        step.run(images, labels, size, lr, index),
      syncModel: () => access.setModelWeights(model, spec, step.weights(), 'onnxruntime engine'),
      getMomentum: () => step.momentum(),
      setMomentum: (state: NamedArray[], source: string) => step.setMomentum(state, source),
      dispose: () => step.dispose(),
    };
  };
}
