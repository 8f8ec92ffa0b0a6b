// The on-disk JSON document that fully describes one randomly wired network (the contract
// between the generator and every runtime). JSON-safe by construction: only plain objects,
// arrays, strings, finite numbers and booleans. Building a network from a spec never
// re-runs a random generator; `provenance` and each stage's `graph` only record where the
// wiring came from.
//
// Layout conventions every runtime follows:
// - Tensors are NHWC in the spec's shape arithmetic (tfjs's layout); ONNX export converts.
// - Every convolution and pooling uses TensorFlow 'same' padding: output = ceil(input / stride),
//   and when the total padding is odd the extra row/column goes at the end (bottom/right).
// - Convolutions have no bias (each is followed by batch norm); the classifier has one.
// - Batch norm follows Keras semantics: y = gamma * (x - mean) / sqrt(var + epsilon) + beta,
//   moving = momentum * moving + (1 - momentum) * batch.

export const SPEC_FORMAT = 'randwire-spec';
export const SPEC_VERSION = 1;

/** Graph models of `randwire.md` section 2, plus `custom` for wirings given by hand. */
export type GraphModel = 'ws' | 'ba' | 'er' | 'custom';

/** The node transformation of a random stage (`randwire.md` section 4 and 8). Each expands to
 * ReLU → op → BN; the op reads the stage's `inChannels` at nodes fed by the stage input and
 * `channels` elsewhere, and applies the node's stride:
 * - `sep-conv-3x3`: 3×3 depthwise (stride) then 1×1 pointwise to `channels` (the paper's).
 * - `conv-3x3`: dense 3×3 conv (stride) to `channels`.
 * - `max-pool-conv-1x1`: 3×3 max-pool (stride, same) then 1×1 conv to `channels`.
 * - `avg-pool-conv-1x1`: 3×3 average-pool (stride, same, padding excluded from the count)
 *   then 1×1 conv to `channels`.
 * - `depthwise-3x3`: 3×3 depthwise conv alone (stride), depth multiplier
 *   `channels / inChannels` at nodes fed by the stage input (must be an integer), 1 elsewhere. */
export type NodeTransform =
  | 'sep-conv-3x3'
  | 'conv-3x3'
  | 'max-pool-conv-1x1'
  | 'avg-pool-conv-1x1'
  | 'depthwise-3x3';

export const NODE_TRANSFORMS: readonly NodeTransform[] = [
  'sep-conv-3x3',
  'conv-3x3',
  'max-pool-conv-1x1',
  'avg-pool-conv-1x1',
  'depthwise-3x3',
];

/** Where a node's inputs come from: the id of an internal node, or the stage's input node. */
export type NodeInput = number | 'input';

export interface InputSpec {
  height: number;
  width: number;
  channels: number;
  /** Per-channel normalization applied before the network: x' = (x / 255 - mean) / std.
   * Runtimes apply it outside the graph (the ONNX model records it in metadata). */
  mean: number[];
  std: number[];
}

export interface BatchNormSpec {
  /** Added to the variance; written explicitly into every runtime (ONNX defaults differ). */
  epsilon: number;
  /** Keras convention: moving = momentum * moving + (1 - momentum) * batch. */
  momentum: number;
}

/** A dense 3×3 convolution unit of the stem (`randwire.md` section 5):
 * [ReLU →] conv(kernel, stride, inChannels → channels) → BN. */
export interface ConvUnitSpec {
  /** Stable name, e.g. `conv1`; layers are `${name}_conv` and `${name}_bn`. */
  name: string;
  preRelu: boolean;
  kernel: number;
  stride: 1 | 2;
  inChannels: number;
  channels: number;
}

/** One internal node of a random stage. */
export interface StageNodeSpec {
  /** The node's DAG index (0..N-1); nodes are listed in this order, which is topological:
   * every input id is smaller than the node's own id. */
  id: number;
  /** Direct predecessors, ascending. `['input']` (alone) for a node fed by the stage input
   * (in-degree 0 in the random graph); otherwise internal node ids. More than one entry means
   * a weighted-sum aggregation with one positive weight per entry; exactly one means none. */
  inputs: NodeInput[];
  /** 2 only at nodes fed by the stage input when the stage downsamples; 1 elsewhere. */
  stride: 1 | 2;
}

export interface StageGraphProvenance {
  model: GraphModel;
  /** The model's parameters: ER `{ p }`, BA `{ m }`, WS `{ k, p }`, custom `{}`. */
  params: Record<string, number>;
  /** The seed this stage's graph was drawn with (derived from the network seed). */
  seed: number | null;
}

/** A randomly wired stage: a DAG of N nodes between a unique input and output node. */
export interface RandomStageSpec {
  /** Stable name, e.g. `s1`; node layers are `${name}_n${id}_*`, the output node `${name}_out`. */
  name: string;
  /** Channels of the tensor entering the stage (the previous stage's / stem's output). */
  inChannels: number;
  /** Channels of every internal node (and so of the stage's output). */
  channels: number;
  /** Whether the nodes fed by the input node use stride 2 (halving the resolution). */
  downsample: boolean;
  transform: NodeTransform;
  graph: StageGraphProvenance;
  nodes: StageNodeSpec[];
  /** Ids of the nodes feeding the output node (out-degree 0 in the DAG), ascending. The
   * output node is their unweighted mean (the single tensor itself when there is one). */
  outputs: number[];
}

/** The classifier (`randwire.md` section 5):
 * ReLU → 1×1 conv (inChannels → channels) → BN → ReLU → global average pool → dense(classes)
 * → softmax. The pooled vector is exposed as the network's `features` output. */
export interface HeadSpec {
  inChannels: number;
  channels: number;
  classes: number;
  /** Dropout rate before the dense layer during training (0 = none). */
  dropout: number;
}

export interface ProvenanceSpec {
  /** The library that generated the spec and its version, e.g. `@randwire/spec` `0.1.0`. */
  library: string;
  libraryVersion: string;
  /** The preset name, or `custom`. */
  preset: string;
  /** The network seed s of g(θ, s); null when generated without one. */
  seed: number | null;
  /** θ: the generator parameters exactly as given (JSON-safe). */
  params: Record<string, unknown>;
}

export interface NetworkSpec {
  format: typeof SPEC_FORMAT;
  version: typeof SPEC_VERSION;
  /** Human-readable name, e.g. `small-ws-seed0`. */
  name: string;
  input: InputSpec;
  classes: number;
  batchNorm: BatchNormSpec;
  stem: ConvUnitSpec[];
  stages: RandomStageSpec[];
  head: HeadSpec;
  provenance: ProvenanceSpec;
}
