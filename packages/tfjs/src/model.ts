// Spec → tf.LayersModel (randwire.md sections 4 and 5), with the functional API so
// model.summary(), model.save() and tf.loadLayersModel work. Every layer and weight is named
// by @randwire/spec's names.ts; the model's single input is `image` [null, H, W, C], already
// normalized (see normalizeImages), and its outputs are, in this order, logits (layer `fc`),
// probs (layer `probs`) and features (layer `head_pool`).
import {
  convUnitLayerNames,
  formatProblem,
  HEAD_LAYERS,
  INPUT_NAME,
  type NetworkSpec,
  type NodeLayerNames,
  type NodeTransform,
  nodeInChannels,
  nodeLayerNames,
  type ParameterInfo,
  parameterList,
  type RandomStageSpec,
  SpecValidationError,
  type StageNodeSpec,
  stageOutputName,
  validateSpec,
} from '@randwire/spec';
import * as tf from '@tensorflow/tfjs';
import {
  biasInitializer,
  DEFAULT_INIT_SCHEME,
  INIT_SCHEMES,
  type Initializer,
  type InitScheme,
  kernelInitializer,
} from './init';
import { registerRandwireLayers } from './layers/register';
import { SeededDropout } from './layers/seeded-dropout';
import { TrainingNoise } from './layers/training-noise';
import { WeightedSum } from './layers/weighted-sum';
import { ModelBuildError } from './model-errors';
import { parameterVariables } from './model-parameters';

export interface BuildModelOptions {
  /** Seed of the initial weights (0 is a seed). */
  seed?: number;
  /** How the initial weights are drawn (init.ts; default 'pytorch'). */
  init?: InitScheme;
  /** Drop-edge probability per node and training step (randwire.md section 7); 0 = off. */
  dropEdgeRate?: number;
  /** Share an existing TrainingNoise (its seed and rate win over `seed`/`dropEdgeRate`). */
  noise?: TrainingNoise;
  /** Validate the spec with @randwire/spec's validateSpec first (clear errors with JSON
   * pointers); the builder's own checks still run when false. */
  validate?: boolean;
}

export const BUILD_MODEL_DEFAULTS = Object.freeze({
  seed: 0,
  init: DEFAULT_INIT_SCHEME,
  dropEdgeRate: 0,
  validate: true,
});

const WHERE = '@randwire/tfjs/model';

type Sym = tf.SymbolicTensor;

const noiseOfModel = new WeakMap<tf.LayersModel, TrainingNoise>();

/** Everything a node transform needs. */
interface TransformContext {
  stage: RandomStageSpec;
  node: StageNodeSpec;
  names: NodeLayerNames;
  inChannels: number;
  kernel: (parameterName: string) => Initializer;
}

/** The op registry of node transforms: one entry per spec op (types.ts NodeTransform). Each
 * maps the ReLU'd node input to the transform's output (before the node's BN). */
const NODE_TRANSFORMS: Readonly<Record<NodeTransform, (x: Sym, c: TransformContext) => Sym>> = Object.freeze({
  'sep-conv-3x3': (x, c) => {
    const pointwiseInitializer = c.kernel(`${c.names.conv}/pointwise_kernel`);
    const layer = tf.layers.separableConv2d({
      name: c.names.conv,
      filters: c.stage.channels,
      kernelSize: 3,
      strides: c.node.stride,
      padding: 'same',
      depthMultiplier: 1,
      useBias: false,
      depthwiseInitializer: c.kernel(`${c.names.conv}/depthwise_kernel`),
      pointwiseInitializer,
    });
    // tfjs-layers 4.22 builds the pointwise initializer from `depthwiseInitializer` (its
    // SeparableConv constructor reads the wrong field): the pointwise kernel would be drawn
    // from the depthwise kernel's stream and scale. Set it before the layer is built.
    (layer as unknown as { pointwiseInitializer: Initializer }).pointwiseInitializer = pointwiseInitializer;
    return layer.apply(x) as Sym;
  },
  'conv-3x3': (x, c) =>
    tf.layers
      .conv2d({
        name: c.names.conv,
        filters: c.stage.channels,
        kernelSize: 3,
        strides: c.node.stride,
        padding: 'same',
        useBias: false,
        kernelInitializer: c.kernel(`${c.names.conv}/kernel`),
      })
      .apply(x) as Sym,
  'max-pool-conv-1x1': (x, c) => pointwiseAfter(tf.layers.maxPooling2d(poolArgs(c)).apply(x) as Sym, c),
  'avg-pool-conv-1x1': (x, c) => pointwiseAfter(tf.layers.averagePooling2d(poolArgs(c)).apply(x) as Sym, c),
  'depthwise-3x3': (x, c) => {
    const multiplier = c.stage.channels / c.inChannels;
    if (!Number.isInteger(multiplier) || multiplier < 1) {
      throw new ModelBuildError(
        `${WHERE}: ${c.names.conv}: depthwise-3x3 needs channels (${c.stage.channels}) to be a positive multiple of the node's input channels (${c.inChannels})`,
      );
    }
    return tf.layers
      .depthwiseConv2d({
        name: c.names.conv,
        kernelSize: 3,
        strides: c.node.stride,
        padding: 'same',
        depthMultiplier: multiplier,
        useBias: false,
        depthwiseInitializer: c.kernel(`${c.names.conv}/depthwise_kernel`),
      })
      .apply(x) as Sym;
  },
});

function poolArgs(c: TransformContext) {
  return { name: c.names.pool, poolSize: 3, strides: c.node.stride, padding: 'same' as const };
}

function pointwiseAfter(x: Sym, c: TransformContext): Sym {
  return tf.layers
    .conv2d({
      name: c.names.conv,
      filters: c.stage.channels,
      kernelSize: 1,
      strides: 1,
      padding: 'same',
      useBias: false,
      kernelInitializer: c.kernel(`${c.names.conv}/kernel`),
    })
    .apply(x) as Sym;
}

function relu(name: string, x: Sym): Sym {
  return tf.layers.activation({ name, activation: 'relu' }).apply(x) as Sym;
}

function channelsOf(x: Sym): number {
  return x.shape[x.shape.length - 1] as number;
}

/** Builds the model of a spec. Weight names (LayerVariable.originalName, and the names in
 * model.save() artifacts) equal parameterList(spec) names; see parameterVariables. */
export function buildModel(spec: NetworkSpec, options: BuildModelOptions = {}): tf.LayersModel {
  registerRandwireLayers();
  if (options.validate ?? BUILD_MODEL_DEFAULTS.validate) {
    const result = validateSpec(spec);
    if (!result.ok) {
      const cause = new SpecValidationError(result.problems);
      const shown = result.problems.slice(0, 3).map(formatProblem).join('; ');
      const more = result.problems.length > 3 ? `; ... and ${result.problems.length - 3} more` : '';
      throw new ModelBuildError(`${WHERE}: invalid spec ${JSON.stringify(spec.name)}: ${shown}${more}`, {
        cause,
      });
    }
  }
  const seed = options.seed ?? BUILD_MODEL_DEFAULTS.seed;
  if (!Number.isSafeInteger(seed))
    throw new ModelBuildError(`${WHERE}: invalid seed (${seed}): must be an integer`);
  const init = options.init ?? BUILD_MODEL_DEFAULTS.init;
  if (!INIT_SCHEMES.includes(init)) {
    throw new ModelBuildError(
      `${WHERE}: invalid init (${String(init)}): must be one of ${INIT_SCHEMES.join(', ')}`,
    );
  }
  const noise =
    options.noise ??
    new TrainingNoise({ seed, dropEdgeRate: options.dropEdgeRate ?? BUILD_MODEL_DEFAULTS.dropEdgeRate });

  const params = new Map<string, ParameterInfo>(parameterList(spec).map((p) => [p.name, p]));
  const kernel = (name: string): Initializer => {
    const info = params.get(name);
    if (info == null)
      throw new ModelBuildError(`${WHERE}: parameter ${name} is not in the spec's parameterList`);
    return kernelInitializer(init, seed, name, info.shape);
  };
  const bn = (name: string, x: Sym): Sym =>
    tf.layers
      .batchNormalization({
        name,
        axis: -1,
        epsilon: spec.batchNorm.epsilon,
        momentum: spec.batchNorm.momentum,
      })
      .apply(x) as Sym;
  const expectChannels = (where: string, x: Sym, expected: number): void => {
    if (channelsOf(x) !== expected) {
      throw new ModelBuildError(
        `${WHERE}: ${where}: spec says ${expected} input channels, the tensor reaching it has ${channelsOf(x)}`,
      );
    }
  };

  const { height, width, channels } = spec.input;
  const input = tf.input({ name: INPUT_NAME, shape: [height, width, channels], dtype: 'float32' });
  let x: Sym = input;

  for (const unit of spec.stem) {
    const n = convUnitLayerNames(unit);
    expectChannels(n.conv, x, unit.inChannels);
    if (unit.preRelu) x = relu(n.relu, x);
    x = tf.layers
      .conv2d({
        name: n.conv,
        filters: unit.channels,
        kernelSize: unit.kernel,
        strides: unit.stride,
        padding: 'same',
        useBias: false,
        kernelInitializer: kernel(`${n.conv}/kernel`),
      })
      .apply(x) as Sym;
    x = bn(n.bn, x);
  }

  for (const stage of spec.stages) {
    expectChannels(stage.name, x, stage.inChannels);
    const build = NODE_TRANSFORMS[stage.transform];
    if (build == null) {
      throw new ModelBuildError(
        `${WHERE}: ${stage.name}: unknown node transform ${JSON.stringify(stage.transform)} for the tfjs runtime (known: ${Object.keys(NODE_TRANSFORMS).join(', ')})`,
      );
    }
    const stageInput = x;
    const outs = new Map<number, Sym>();
    for (const node of stage.nodes) {
      const names = nodeLayerNames(stage, node);
      if (node.inputs.length === 0)
        throw new ModelBuildError(`${WHERE}: ${names.conv}: node ${node.id} has no inputs`);
      const sources = node.inputs.map((id) => {
        const t = id === 'input' ? stageInput : outs.get(id);
        if (t == null) {
          throw new ModelBuildError(
            `${WHERE}: ${stage.name} node ${node.id}: input ${JSON.stringify(id)} is not an earlier node of the stage`,
          );
        }
        return t;
      });
      let h: Sym;
      if (sources.length > 1) {
        const agg = new WeightedSum({ name: names.agg });
        agg.noise = noise;
        h = agg.apply(sources) as Sym;
      } else {
        h = sources[0] as Sym;
      }
      const inChannels = nodeInChannels(stage, node);
      expectChannels(`${stage.name} node ${node.id}`, h, inChannels);
      h = relu(names.relu, h);
      h = build(h, { stage, node, names, inChannels, kernel });
      h = bn(names.bn, h);
      outs.set(node.id, h);
    }
    if (stage.outputs.length === 0) throw new ModelBuildError(`${WHERE}: ${stage.name}: no output nodes`);
    const finals = stage.outputs.map((id) => {
      const t = outs.get(id);
      if (t == null)
        throw new ModelBuildError(`${WHERE}: ${stage.name}: output ${id} is not a node of the stage`);
      return t;
    });
    x =
      finals.length > 1
        ? (tf.layers.average({ name: stageOutputName(stage) }).apply(finals) as Sym)
        : (finals[0] as Sym);
  }

  const h = spec.head;
  if (h.classes !== spec.classes) {
    throw new ModelBuildError(
      `${WHERE}: head.classes (${h.classes}) differs from spec.classes (${spec.classes})`,
    );
  }
  expectChannels(HEAD_LAYERS.conv, x, h.inChannels);
  x = relu(HEAD_LAYERS.relu, x);
  x = tf.layers
    .conv2d({
      name: HEAD_LAYERS.conv,
      filters: h.channels,
      kernelSize: 1,
      padding: 'same',
      useBias: false,
      kernelInitializer: kernel(`${HEAD_LAYERS.conv}/kernel`),
    })
    .apply(x) as Sym;
  x = bn(HEAD_LAYERS.bn, x);
  x = relu(HEAD_LAYERS.relu2, x);
  const features = tf.layers.globalAveragePooling2d({ name: HEAD_LAYERS.pool }).apply(x) as Sym;
  const dropout = new SeededDropout({ name: HEAD_LAYERS.dropout, rate: h.dropout });
  dropout.noise = noise;
  const dropped = dropout.apply(features) as Sym;
  const logits = tf.layers
    .dense({
      name: HEAD_LAYERS.fc,
      units: h.classes,
      useBias: true,
      kernelInitializer: kernel(`${HEAD_LAYERS.fc}/kernel`),
      biasInitializer: biasInitializer(init, seed, `${HEAD_LAYERS.fc}/bias`, h.channels),
    })
    .apply(dropped) as Sym;
  const probs = tf.layers.softmax({ name: HEAD_LAYERS.softmax }).apply(logits) as Sym;

  const model = tf.model({ name: spec.name, inputs: input, outputs: [logits, probs, features] });
  noiseOfModel.set(model, noise);
  parameterVariables(model, spec); // self-check: every parameter of the spec, nothing else
  return model;
}

/** Attaches `noise` (drop-edge and dropout randomness) to every WeightedSum and dropout layer
 * of `model`, e.g. after loadModel; returns the number of layers it drives. */
export function attachTrainingNoise(model: tf.LayersModel, noise: TrainingNoise): number {
  let n = 0;
  for (const layer of model.layers) {
    if (layer instanceof WeightedSum || layer instanceof SeededDropout) {
      layer.noise = noise;
      n++;
    }
  }
  noiseOfModel.set(model, noise);
  return n;
}

/** The TrainingNoise driving `model`'s layers (set by buildModel or attachTrainingNoise). */
export function trainingNoiseOf(model: tf.LayersModel): TrainingNoise | undefined {
  return noiseOfModel.get(model);
}
