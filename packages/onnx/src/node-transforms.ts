// The op registry of the ONNX runtime: one entry per node transformation of the spec
// vocabulary (ReLU and aggregation are emitted by the exporter; each entry emits the op and
// its batch norm). An unknown transformation fails with an error naming it and the runtime.
import type {
  NetworkSpec,
  NodeLayerNames,
  NodeTransform,
  RandomStageSpec,
  StageNodeSpec,
} from '@randwire/spec';
import { ExportError } from './errors';
import type { AttributeValue } from './graph-builder';
import { depthwiseToOnnx, hwioToOihw } from './layout';
import { onnxSamePads } from './same-padding';
import type { WeightTensor } from './weights';

export interface ConvArgs {
  /** ONNX node name. */
  name: string;
  input: string;
  /** Initializer name of the kernel (a parameterList name). */
  weightName: string;
  /** Kernel in ONNX layout `[out, in / group, kh, kw]`. */
  kernel: { data: Float32Array; shape: number[] };
  group: number;
  stride: number;
  /** `[top, left, bottom, right]`. */
  pads: number[];
  /** Batch-norm layer applied after the conv (folded into it when the export folds BN). */
  bn?: string;
  doc: string;
  /** Channels of the input / output tensors in the exported graph when they are zero-padded
   * (`ExportOptions.padChannels`); the kernel (and BN) are padded to them. Default: the
   * kernel's own. */
  inChannels?: number;
  outChannels?: number;
}

export interface EmitContext {
  spec: NetworkSpec;
  /** A weight in tfjs layout, by parameter name. */
  weight(name: string): WeightTensor;
  /** Emits a convolution (and its BN when `bn` is given); returns the output tensor. */
  conv(args: ConvArgs): string;
  node(
    opType: string,
    name: string,
    inputs: string[],
    attributes?: Record<string, AttributeValue>,
    doc?: string,
  ): string;
}

export interface TransformArgs {
  stage: RandomStageSpec;
  node: StageNodeSpec;
  names: NodeLayerNames;
  /** The tensor after the node's ReLU. */
  input: string;
  inChannels: number;
  channels: number;
  /** Channels of `input` and of the node's output in the exported graph: `inChannels` and
   * `channels` rounded up when the export zero-pads channels (`ExportOptions.padChannels`),
   * otherwise equal to them. */
  paddedInChannels: number;
  paddedChannels: number;
  /** Spatial size of `input`. */
  height: number;
  width: number;
  stride: 1 | 2;
}

export interface NodeTransformOp {
  transform: NodeTransform;
  /** Emits op → BN; returns the output tensor name. */
  emit(ctx: EmitContext, t: TransformArgs): string;
}

function poolThenConv1x1(op: 'MaxPool' | 'AveragePool', transform: NodeTransform): NodeTransformOp {
  return {
    transform,
    emit(ctx, t) {
      const pooled = ctx.node(
        op,
        t.names.pool,
        [t.input],
        {
          kernel_shape: { ints: [3, 3] },
          strides: { ints: [t.stride, t.stride] },
          pads: { ints: onnxSamePads(t.height, t.width, 3, t.stride) },
          ...(op === 'AveragePool' ? { count_include_pad: { int: 0 } } : {}),
        },
        `3x3 ${op === 'MaxPool' ? 'max' : 'average (padding excluded)'} pool, stride ${t.stride}, TF 'same' padding`,
      );
      const k = `${t.names.conv}/kernel`;
      return ctx.conv({
        name: t.names.conv,
        input: pooled,
        weightName: k,
        kernel: hwioToOihw(ctx.weight(k).data, ctx.weight(k).shape),
        group: 1,
        stride: 1,
        pads: [0, 0, 0, 0],
        bn: t.names.bn,
        doc: `1x1 conv ${t.inChannels} -> ${t.channels}`,
        inChannels: t.paddedInChannels,
        outChannels: t.paddedChannels,
      });
    },
  };
}

export const NODE_TRANSFORM_OPS: Readonly<Record<NodeTransform, NodeTransformOp>> = Object.freeze({
  'sep-conv-3x3': {
    transform: 'sep-conv-3x3',
    emit(ctx, t) {
      const dk = `${t.names.conv}/depthwise_kernel`;
      const pk = `${t.names.conv}/pointwise_kernel`;
      const dw = depthwiseToOnnx(ctx.weight(dk).data, ctx.weight(dk).shape);
      const mid = ctx.conv({
        name: `${t.names.conv}/depthwise`,
        input: t.input,
        weightName: dk,
        kernel: dw,
        group: dw.group,
        stride: t.stride,
        pads: onnxSamePads(t.height, t.width, 3, t.stride),
        doc: `separable conv, 3x3 depthwise part (group ${dw.group}), stride ${t.stride}, TF 'same' padding`,
        inChannels: t.paddedInChannels,
        outChannels: t.paddedInChannels,
      });
      return ctx.conv({
        name: `${t.names.conv}/pointwise`,
        input: mid,
        weightName: pk,
        kernel: hwioToOihw(ctx.weight(pk).data, ctx.weight(pk).shape),
        group: 1,
        stride: 1,
        pads: [0, 0, 0, 0],
        bn: t.names.bn,
        doc: `separable conv, 1x1 pointwise part ${t.inChannels} -> ${t.channels}`,
        inChannels: t.paddedInChannels,
        outChannels: t.paddedChannels,
      });
    },
  },
  'conv-3x3': {
    transform: 'conv-3x3',
    emit(ctx, t) {
      const k = `${t.names.conv}/kernel`;
      return ctx.conv({
        name: t.names.conv,
        input: t.input,
        weightName: k,
        kernel: hwioToOihw(ctx.weight(k).data, ctx.weight(k).shape),
        group: 1,
        stride: t.stride,
        pads: onnxSamePads(t.height, t.width, 3, t.stride),
        bn: t.names.bn,
        doc: `3x3 conv ${t.inChannels} -> ${t.channels}, stride ${t.stride}, TF 'same' padding`,
        inChannels: t.paddedInChannels,
        outChannels: t.paddedChannels,
      });
    },
  },
  'max-pool-conv-1x1': poolThenConv1x1('MaxPool', 'max-pool-conv-1x1'),
  'avg-pool-conv-1x1': poolThenConv1x1('AveragePool', 'avg-pool-conv-1x1'),
  'depthwise-3x3': {
    transform: 'depthwise-3x3',
    emit(ctx, t) {
      const k = `${t.names.conv}/depthwise_kernel`;
      const dw = depthwiseToOnnx(ctx.weight(k).data, ctx.weight(k).shape);
      return ctx.conv({
        name: t.names.conv,
        input: t.input,
        weightName: k,
        kernel: dw,
        group: dw.group,
        stride: t.stride,
        pads: onnxSamePads(t.height, t.width, 3, t.stride),
        bn: t.names.bn,
        doc: `3x3 depthwise conv (group ${dw.group}, multiplier ${t.channels / t.inChannels}), stride ${t.stride}, TF 'same' padding`,
        inChannels: t.paddedInChannels,
        outChannels: t.paddedChannels,
      });
    },
  },
});

/** The registry entry of a transformation; throws an ExportError naming an unknown one. */
export function nodeTransformOp(transform: string): NodeTransformOp {
  const op = (NODE_TRANSFORM_OPS as Record<string, NodeTransformOp | undefined>)[transform];
  if (!op) {
    throw new ExportError(
      `@randwire/onnx/node-transforms: unknown node transform '${transform}' for runtime 'onnx': must be one of ${Object.keys(NODE_TRANSFORM_OPS).join(', ')}`,
    );
  }
  return op;
}
