// The cost model: parameters, multiply-adds and activation memory per layer, per stem unit /
// stage / head, and in total, computed from the spec alone (no runtime, no weights).
//
// Conventions (the paper's "FLOPs" are multiply-adds):
// - convolutions: output elements × (kernel area × input channels per group); depthwise and
//   pointwise parts of a separable conv are counted separately and summed;
// - dense layer: in × out (the bias add is not counted);
// - weighted-sum aggregation of k inputs: k·H·W·C (one multiply-add per input element; the
//   sigmoid of the k scalar weights is not counted); a single-input node has no aggregation;
// - batch norm: 0 (an affine map folded into the preceding convolution at inference);
// - ReLU, max/average pooling, the output node's unweighted mean, global average pool,
//   dropout and softmax: 0 (no learned multiplier; they are memory-bound element-wise work).
// Parameters count everything `parameterList` lists, including batch-norm moving statistics;
// `trainableParams` leaves those out (what PyTorch's `parameters()` and the paper count).
// Activations are the elements of each layer's output for ONE image; bytes assume float32
// unless `bytesPerElement` says otherwise. Shapes use 'same' padding: out = ceil(in / stride).
import { convUnitLayerNames, HEAD_LAYERS, nodeInChannels, nodeLayerNames, stageOutputName } from './names';
import type { NetworkSpec, RandomStageSpec } from './types';

export type LayerOp =
  | 'relu'
  | 'conv'
  | 'separable-conv'
  | 'depthwise-conv'
  | 'batch-norm'
  | 'weighted-sum'
  | 'max-pool'
  | 'avg-pool'
  | 'mean'
  | 'global-avg-pool'
  | 'dropout'
  | 'dense'
  | 'softmax';

export interface LayerCost {
  /** Stable layer name (see `names.ts`). */
  name: string;
  op: LayerOp;
  /** The stem unit, stage or `head` the layer belongs to. */
  group: string;
  /** Output shape [height, width, channels] ([1, 1, n] for vectors). */
  shape: [number, number, number];
  params: number;
  trainableParams: number;
  multiplyAdds: number;
  /** Elements of the layer's output for one image. */
  activations: number;
  activationBytes: number;
}

export interface GroupCost {
  name: string;
  kind: 'stem' | 'stage' | 'head';
  /** Shape of the group's output. */
  outputShape: [number, number, number];
  params: number;
  trainableParams: number;
  multiplyAdds: number;
  /** The part of `multiplyAdds` spent in weighted-sum aggregations. */
  weightedSumMultiplyAdds: number;
  activations: number;
  activationBytes: number;
}

export interface TotalCost extends Omit<GroupCost, 'name' | 'kind' | 'outputShape'> {
  /** Elements of the input image. */
  inputElements: number;
  /** The largest single layer output (elements). */
  largestActivation: number;
}

export interface SpecCost {
  layers: LayerCost[];
  stem: GroupCost[];
  stages: GroupCost[];
  head: GroupCost;
  total: TotalCost;
}

export interface CostOptions {
  /** Bytes per activation element (4 = float32). */
  bytesPerElement?: number;
}

export const COST_DEFAULTS = Object.freeze({ bytesPerElement: 4 });

type Shape = [number, number, number];

const down = (s: Shape, stride: number, c: number): Shape => [
  Math.ceil(s[0] / stride),
  Math.ceil(s[1] / stride),
  c,
];
const elements = (s: Shape) => s[0] * s[1] * s[2];

class Accumulator {
  readonly layers: LayerCost[] = [];
  constructor(private readonly bytes: number) {}

  add(
    name: string,
    op: LayerOp,
    group: string,
    shape: Shape,
    params = 0,
    multiplyAdds = 0,
    trainable = params,
  ): void {
    const activations = elements(shape);
    this.layers.push({
      name,
      op,
      group,
      shape,
      params,
      trainableParams: trainable,
      multiplyAdds,
      activations,
      activationBytes: activations * this.bytes,
    });
  }

  bn(name: string, group: string, shape: Shape): void {
    this.add(name, 'batch-norm', group, shape, 4 * shape[2], 0, 2 * shape[2]);
  }

  group(name: string, kind: GroupCost['kind'], from: number, outputShape: Shape): GroupCost {
    const ls = this.layers.slice(from);
    const sum = (f: (l: LayerCost) => number) => ls.reduce((a, l) => a + f(l), 0);
    return {
      name,
      kind,
      outputShape,
      params: sum((l) => l.params),
      trainableParams: sum((l) => l.trainableParams),
      multiplyAdds: sum((l) => l.multiplyAdds),
      weightedSumMultiplyAdds: sum((l) => (l.op === 'weighted-sum' ? l.multiplyAdds : 0)),
      activations: sum((l) => l.activations),
      activationBytes: sum((l) => l.activationBytes),
    };
  }
}

function stageCost(acc: Accumulator, stage: RandomStageSpec, inShape: Shape): Shape {
  const outShape = down(inShape, stage.downsample ? 2 : 1, stage.channels);
  const c = stage.channels;
  const g = stage.name;
  for (const node of stage.nodes) {
    const names = nodeLayerNames(stage, node);
    const fromInput = node.inputs.length === 1 && node.inputs[0] === 'input';
    const cin = nodeInChannels(stage, node);
    const before: Shape = fromInput ? inShape : outShape;
    const after = down(before, node.stride, c);
    const hw = after[0] * after[1];
    if (node.inputs.length > 1) {
      acc.add(
        names.agg,
        'weighted-sum',
        g,
        before,
        node.inputs.length,
        node.inputs.length * elements(before),
      );
    }
    acc.add(names.relu, 'relu', g, before);
    switch (stage.transform) {
      case 'sep-conv-3x3':
        acc.add(names.conv, 'separable-conv', g, after, 9 * cin + cin * c, hw * (9 * cin + cin * c));
        break;
      case 'conv-3x3':
        acc.add(names.conv, 'conv', g, after, 9 * cin * c, hw * 9 * cin * c);
        break;
      case 'max-pool-conv-1x1':
      case 'avg-pool-conv-1x1':
        acc.add(
          names.pool,
          stage.transform === 'max-pool-conv-1x1' ? 'max-pool' : 'avg-pool',
          g,
          down(before, node.stride, cin),
        );
        acc.add(names.conv, 'conv', g, after, cin * c, hw * cin * c);
        break;
      case 'depthwise-3x3':
        acc.add(names.conv, 'depthwise-conv', g, after, 9 * c, hw * 9 * c);
        break;
    }
    acc.bn(names.bn, g, after);
  }
  acc.add(stageOutputName(stage), 'mean', g, outShape);
  return outShape;
}

/** Parameters, multiply-adds and activation memory of a (valid) spec; see the file comment
 * for what is counted. */
export function costOf(spec: NetworkSpec, options: CostOptions = {}): SpecCost {
  const bytes = options.bytesPerElement ?? COST_DEFAULTS.bytesPerElement;
  const acc = new Accumulator(bytes);
  let shape: Shape = [spec.input.height, spec.input.width, spec.input.channels];
  const stem: GroupCost[] = [];
  for (const unit of spec.stem) {
    const from = acc.layers.length;
    const names = convUnitLayerNames(unit);
    if (unit.preRelu) acc.add(names.relu, 'relu', unit.name, shape);
    const out = down(shape, unit.stride, unit.channels);
    const w = unit.kernel * unit.kernel * unit.inChannels * unit.channels;
    acc.add(names.conv, 'conv', unit.name, out, w, out[0] * out[1] * w);
    acc.bn(names.bn, unit.name, out);
    stem.push(acc.group(unit.name, 'stem', from, out));
    shape = out;
  }
  const stages: GroupCost[] = [];
  for (const stage of spec.stages) {
    const from = acc.layers.length;
    shape = stageCost(acc, stage, shape);
    stages.push(acc.group(stage.name, 'stage', from, shape));
  }
  const h = spec.head;
  const from = acc.layers.length;
  acc.add(HEAD_LAYERS.relu, 'relu', 'head', shape);
  const conv = down(shape, 1, h.channels);
  acc.add(
    HEAD_LAYERS.conv,
    'conv',
    'head',
    conv,
    h.inChannels * h.channels,
    conv[0] * conv[1] * h.inChannels * h.channels,
  );
  acc.bn(HEAD_LAYERS.bn, 'head', conv);
  acc.add(HEAD_LAYERS.relu2, 'relu', 'head', conv);
  acc.add(HEAD_LAYERS.pool, 'global-avg-pool', 'head', [1, 1, h.channels]);
  if (h.dropout > 0) acc.add(HEAD_LAYERS.dropout, 'dropout', 'head', [1, 1, h.channels]);
  acc.add(
    HEAD_LAYERS.fc,
    'dense',
    'head',
    [1, 1, h.classes],
    h.channels * h.classes + h.classes,
    h.channels * h.classes,
  );
  acc.add(HEAD_LAYERS.softmax, 'softmax', 'head', [1, 1, h.classes]);
  const head = acc.group('head', 'head', from, [1, 1, h.classes]);
  const all = acc.group('total', 'head', 0, head.outputShape);
  return {
    layers: acc.layers,
    stem,
    stages,
    head,
    total: {
      params: all.params,
      trainableParams: all.trainableParams,
      multiplyAdds: all.multiplyAdds,
      weightedSumMultiplyAdds: all.weightedSumMultiplyAdds,
      activations: all.activations,
      activationBytes: all.activationBytes,
      inputElements: spec.input.height * spec.input.width * spec.input.channels,
      largestActivation: acc.layers.reduce((m, l) => Math.max(m, l.activations), 0),
    },
  };
}
