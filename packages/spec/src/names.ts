// Stable names for every layer and parameter, derived from stage and node ids. The tfjs
// model, its checkpoints and the ONNX graph all use these, so weights match across runtimes
// by name. Parameter names are `${layer}/${weight}` with Keras's weight names.
import type { ConvUnitSpec, NetworkSpec, RandomStageSpec, StageNodeSpec } from './types';

export const HEAD_LAYERS = Object.freeze({
  relu: 'head_relu',
  conv: 'head_conv',
  bn: 'head_bn',
  relu2: 'head_relu2',
  /** Global average pool; its output is the network's `features` output. */
  pool: 'head_pool',
  dropout: 'head_dropout',
  /** Dense classifier; its output is the network's `logits` output. */
  fc: 'fc',
  /** Softmax; its output is the network's `probs` output. */
  softmax: 'probs',
});

/** Names of the network's outputs, in every runtime. */
export const OUTPUT_NAMES = Object.freeze({ logits: 'logits', probs: 'probs', features: 'features' });
/** Name of the network's input, in every runtime. */
export const INPUT_NAME = 'image';

export interface ConvUnitLayerNames {
  relu: string;
  conv: string;
  bn: string;
}

export function convUnitLayerNames(unit: Pick<ConvUnitSpec, 'name'>): ConvUnitLayerNames {
  return { relu: `${unit.name}_relu`, conv: `${unit.name}_conv`, bn: `${unit.name}_bn` };
}

export interface NodeLayerNames {
  /** Weighted-sum aggregation (only when the node has more than one input). */
  agg: string;
  relu: string;
  /** Pooling of the pool + 1×1 conv transforms. */
  pool: string;
  /** The node's convolution (separable, dense, 1×1 or depthwise). */
  conv: string;
  bn: string;
}

export function nodeLayerPrefix(
  stage: Pick<RandomStageSpec, 'name'>,
  node: Pick<StageNodeSpec, 'id'>,
): string {
  return `${stage.name}_n${node.id}`;
}

export function nodeLayerNames(
  stage: Pick<RandomStageSpec, 'name'>,
  node: Pick<StageNodeSpec, 'id'>,
): NodeLayerNames {
  const p = nodeLayerPrefix(stage, node);
  return { agg: `${p}_agg`, relu: `${p}_relu`, pool: `${p}_pool`, conv: `${p}_conv`, bn: `${p}_bn` };
}

/** The stage's output node (unweighted mean of the nodes listed in `outputs`). */
export function stageOutputName(stage: Pick<RandomStageSpec, 'name'>): string {
  return `${stage.name}_out`;
}

export interface ParameterInfo {
  /** `${layer}/${weight}`, e.g. `s1_n3_conv/depthwise_kernel`. */
  name: string;
  layer: string;
  /** Keras weight name: kernel, depthwise_kernel, pointwise_kernel, gamma, beta, moving_mean,
   * moving_variance, bias, logits. */
  weight: string;
  /** Shape in tfjs layout: conv kernels HWIO, depthwise [kh, kw, C, multiplier], dense [in, out]. */
  shape: number[];
  /** False for batch-norm moving statistics (state, not learned by gradient). */
  trainable: boolean;
  /** Whether weight decay applies (convolution and dense kernels only). */
  decay: boolean;
}

function bnParams(layer: string, channels: number): ParameterInfo[] {
  return [
    { name: `${layer}/gamma`, layer, weight: 'gamma', shape: [channels], trainable: true, decay: false },
    { name: `${layer}/beta`, layer, weight: 'beta', shape: [channels], trainable: true, decay: false },
    {
      name: `${layer}/moving_mean`,
      layer,
      weight: 'moving_mean',
      shape: [channels],
      trainable: false,
      decay: false,
    },
    {
      name: `${layer}/moving_variance`,
      layer,
      weight: 'moving_variance',
      shape: [channels],
      trainable: false,
      decay: false,
    },
  ];
}

function kernel(layer: string, weight: string, shape: number[]): ParameterInfo {
  return { name: `${layer}/${weight}`, layer, weight, shape, trainable: true, decay: true };
}

/** Channels a node's transform reads: the stage's `inChannels` at nodes fed by the stage
 * input, `channels` elsewhere. */
export function nodeInChannels(stage: RandomStageSpec, node: StageNodeSpec): number {
  return node.inputs.length === 1 && node.inputs[0] === 'input' ? stage.inChannels : stage.channels;
}

/** The node's own parameters (aggregation weights, transform, batch norm) in a fixed order. */
export function nodeParameters(stage: RandomStageSpec, node: StageNodeSpec): ParameterInfo[] {
  const names = nodeLayerNames(stage, node);
  const cin = nodeInChannels(stage, node);
  const c = stage.channels;
  const out: ParameterInfo[] = [];
  if (node.inputs.length > 1) {
    out.push({
      name: `${names.agg}/logits`,
      layer: names.agg,
      weight: 'logits',
      shape: [node.inputs.length],
      trainable: true,
      decay: false,
    });
  }
  switch (stage.transform) {
    case 'sep-conv-3x3':
      out.push(kernel(names.conv, 'depthwise_kernel', [3, 3, cin, 1]));
      out.push(kernel(names.conv, 'pointwise_kernel', [1, 1, cin, c]));
      break;
    case 'conv-3x3':
      out.push(kernel(names.conv, 'kernel', [3, 3, cin, c]));
      break;
    case 'max-pool-conv-1x1':
    case 'avg-pool-conv-1x1':
      out.push(kernel(names.conv, 'kernel', [1, 1, cin, c]));
      break;
    case 'depthwise-3x3':
      out.push(kernel(names.conv, 'depthwise_kernel', [3, 3, cin, c / cin]));
      break;
  }
  out.push(...bnParams(names.bn, c));
  return out;
}

/** Every parameter of the network, in a fixed order (stem, stages, head), with its shape. */
export function parameterList(spec: NetworkSpec): ParameterInfo[] {
  const out: ParameterInfo[] = [];
  for (const unit of spec.stem) {
    const n = convUnitLayerNames(unit);
    out.push(kernel(n.conv, 'kernel', [unit.kernel, unit.kernel, unit.inChannels, unit.channels]));
    out.push(...bnParams(n.bn, unit.channels));
  }
  for (const stage of spec.stages) {
    for (const node of stage.nodes) out.push(...nodeParameters(stage, node));
  }
  const h = spec.head;
  out.push(kernel(HEAD_LAYERS.conv, 'kernel', [1, 1, h.inChannels, h.channels]));
  out.push(...bnParams(HEAD_LAYERS.bn, h.channels));
  out.push(kernel(HEAD_LAYERS.fc, 'kernel', [h.channels, h.classes]));
  out.push({
    name: `${HEAD_LAYERS.fc}/bias`,
    layer: HEAD_LAYERS.fc,
    weight: 'bias',
    shape: [h.classes],
    trainable: true,
    decay: false,
  });
  return out;
}
