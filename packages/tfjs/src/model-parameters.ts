// The link between a tfjs model's weights and the spec's parameter names. tfjs-layers names
// each weight `${layer}/${weight}` (LayerVariable.originalName, the name model.save() writes
// and tf.loadLayersModel matches), but the engine's variable names must be unique within a
// process, so a second model of the same spec gets `.name`s with suffixes (`conv1_conv/kernel_1`).
// Use originalName, or these helpers, never `.name`, to identify a parameter.
import { type NetworkSpec, type ParameterInfo, parameterList } from '@randwire/spec';
import type * as tf from '@tensorflow/tfjs';
import { ModelBuildError } from './model-errors';

export interface ParameterVariable {
  info: ParameterInfo;
  variable: tf.LayerVariable;
}

/** The model's weights by parameter name (LayerVariable.originalName), in model order. */
export function modelParameterNames(model: tf.LayersModel): string[] {
  return model.weights.map((w) => w.originalName);
}

/** Every parameter of `spec` with the model's variable holding it, in parameterList order.
 * Throws ModelBuildError when the model has a weight the spec lacks, lacks one, or a shape
 * or trainability differs. */
export function parameterVariables(model: tf.LayersModel, spec: NetworkSpec): ParameterVariable[] {
  const where = '@randwire/tfjs/model-parameters';
  const byName = new Map<string, tf.LayerVariable>();
  for (const w of model.weights) {
    if (byName.has(w.originalName))
      throw new ModelBuildError(`${where}: duplicate weight ${w.originalName} in the model`);
    byName.set(w.originalName, w);
  }
  const out: ParameterVariable[] = [];
  for (const info of parameterList(spec)) {
    const variable = byName.get(info.name);
    if (variable == null)
      throw new ModelBuildError(`${where}: the model has no weight ${info.name} (spec ${spec.name})`);
    if (JSON.stringify(variable.shape) !== JSON.stringify(info.shape)) {
      throw new ModelBuildError(
        `${where}: weight ${info.name} has shape [${variable.shape.join(', ')}], the spec says [${info.shape.join(', ')}]`,
      );
    }
    if (variable.trainable !== info.trainable) {
      throw new ModelBuildError(
        `${where}: weight ${info.name} trainable=${variable.trainable}, the spec says ${info.trainable}`,
      );
    }
    byName.delete(info.name);
    out.push({ info, variable });
  }
  if (byName.size > 0) {
    throw new ModelBuildError(
      `${where}: the model has weights the spec does not list: ${[...byName.keys()].join(', ')}`,
    );
  }
  return out;
}

/** Maps each engine variable name (tf.Variable.name, the key of optimizer state and of
 * tf.variableGrads results; may carry a uniquifying suffix) to its parameter name. */
export function variableNameToParameter(model: tf.LayersModel): Map<string, string> {
  return new Map(model.weights.map((w) => [(w.read() as tf.Variable).name, w.originalName]));
}
