// One training step of a spec network as a single ONNX graph, so that onnxruntime-node (multi-
// threaded, vectorized CPU kernels from npm alone) can train it: forward in training mode
// (batch norm on batch statistics), softmax cross-entropy against given (label-smoothed)
// targets, the backward pass written out op by op, and the SGD-momentum update with coupled
// weight decay (PyTorch's convention, as @randwire/tfjs's optimizer), plus the batch norms'
// moving statistics (Keras convention, biased batch variance, as tfjs). Parameters and momentum
// buffers travel in tfjs layout under their spec names, so state moves 1:1 between this
// engine, tfjs models, checkpoints and the exporter.
//
// Per-step randomness is drawn outside the graph and fed in as masks (TrainGraph.masks), so
// that this engine applies exactly the drop-edge and dropout draws of @randwire/tfjs's
// TrainingNoise at the same step.
//
// Inputs:  image [B, H, W, C] uint8 (NHWC, as data sets store images; normalized in the graph),
//          labels [B] uint8, lr [] and, per trainable parameter p: p and `p:momentum`; per
//          moving statistic m: m; the masks: `head_dropout:mask` [B, head channels] with head
//          dropout, `<agg layer>:keep` [in-degree] per node with in-degree > 1 when drop-edge
//          is on.
// Outputs: loss [], logits [B, classes]; `p:next`, `p:momentum_next`, `m:next`.
// onnx-proto's declarations use protobufjs's global `Long` (from @types/long, a dependency of
// this package): the reference makes the emitted .d.ts compile for consumers without it.
/// <reference types="long" preserve="true" />

import {
  type AttributeValue,
  floatValueInfo,
  GraphBuilder,
  onnxSamePads,
  sameOutputSize,
} from '@randwire/onnx';
import {
  convUnitLayerNames,
  HEAD_LAYERS,
  INPUT_NAME,
  type NetworkSpec,
  type NodeTransform,
  nodeInChannels,
  nodeLayerNames,
  OUTPUT_NAMES,
  type ParameterInfo,
  parameterList,
  stageOutputName,
} from '@randwire/spec';
import { onnx } from 'onnx-proto';
import { OnnxTrainError } from './errors';
import { blockedOps, NCHWC_DOMAIN } from './train-graph-nchwc';

export interface TrainGraphOptions {
  /** Examples per step (static: every tensor of the graph has a fixed shape). */
  batchSize: number;
  momentum: number;
  nesterov: boolean;
  /** L2 weight decay, added to the gradient of parameters whose `decay` is true. */
  weightDecay: number;
  /** Label smoothing of the targets built from the labels. */
  labelSmoothing: number;
  /** Give every node with in-degree > 1 a drop-edge mask input (default false). */
  dropEdge?: boolean;
  /** Channels per block of onnxruntime's NCHWc layout (train-graph-nchwc.ts), or 0 / absent for
   * plain NCHW with standard ops only. */
  blockSize?: number;
}

/** Node transforms the training graph can differentiate. */
export const TRAIN_GRAPH_TRANSFORMS: readonly NodeTransform[] = Object.freeze([
  'sep-conv-3x3',
  'conv-3x3',
  'depthwise-3x3',
  'max-pool-conv-1x1',
  'avg-pool-conv-1x1',
]);

/** Mask inputs of the graph, filled each step from the step's training noise. */
export interface TrainGraphMasks {
  /** `head_dropout:mask` [B, head channels]: the inverted-dropout multiplier of the pooled
   * features (0 dropped, 1 / (1 - rate) kept); null without head dropout. */
  dropout: string | null;
  /** With drop-edge, one per node with in-degree > 1: `<agg layer>:keep` [inputs], 1 for
   * each kept input edge and 0 for the dropped one (the surviving weights stay as they are). */
  dropEdge: Array<{ input: string; layer: string; inputs: number }>;
}

/** Graph input/output names of one parameter. */
export interface TrainGraphParameter {
  info: ParameterInfo;
  /** Graph input holding the value (tfjs layout). */
  input: string;
  /** Graph output holding the value after the step. */
  output: string;
  /** Momentum buffer input / output (trainable parameters only). */
  momentumInput: string | null;
  momentumOutput: string | null;
}

export interface TrainGraph {
  model: onnx.ModelProto;
  batchSize: number;
  /** Every parameter of the spec, in parameterList order. */
  parameters: TrainGraphParameter[];
  inputs: { image: string; labels: string; lr: string };
  outputs: { loss: string; logits: string };
  masks: TrainGraphMasks;
}

const WHERE = '@randwire/onnx-train/train-graph';
const TRAIN_GRAPH_OPSET = 17;
const TRAIN_INPUTS = Object.freeze({ image: INPUT_NAME, labels: 'labels', lr: 'lr' });
const TRAIN_OUTPUTS = Object.freeze({ loss: 'loss', logits: OUTPUT_NAMES.logits });
const nextName = (p: string) => `${p}:next`;
const momentumName = (p: string) => `${p}:momentum`;
const POOL = 3;

/** Emits ops with unique tensor names and records, for each, how to send gradients back. */
export class Tape {
  readonly g: GraphBuilder;
  private readonly used = new Set<string>();
  private readonly backward: Array<() => void> = [];
  private readonly grads = new Map<string, string[]>();
  private readonly constants = new Map<string, string>();
  private scope = '';

  constructor(inputs: string[]) {
    this.g = new GraphBuilder(inputs);
    for (const i of inputs) this.used.add(i);
  }

  unique(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  op(
    type: string,
    inputs: string[],
    attrs: Record<string, AttributeValue> = {},
    base?: string,
    domain?: string,
  ): string {
    return this.g.node(
      type,
      this.unique(base ?? this.scoped(type.toLowerCase())),
      inputs,
      attrs,
      domain ? { domain } : {},
    );
  }

  /** Emits an op with two outputs (named from `base` and `second`); returns both. */
  op2(type: string, inputs: string[], attrs: Record<string, AttributeValue>, base: string, second: string) {
    const out = this.unique(base);
    const extra = this.unique(second);
    this.g.node(type, out, inputs, attrs, { extraOutputs: [extra] });
    return [out, extra] as const;
  }

  floats(name: string, dims: number[], data: Float32Array): string {
    return this.g.initializer(this.unique(name), dims, data);
  }

  /** Emits an op whose output is the graph output `output`. */
  named(type: string, inputs: string[], output: string, attrs: Record<string, AttributeValue> = {}): string {
    this.used.add(output);
    return this.g.node(type, output, inputs, attrs);
  }

  ints(values: number[], scalar = false): string {
    const key = `i${scalar ? 's' : ''}:${values.join(',')}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.g.int64Initializer(
        this.unique(`const_i64_${this.constants.size}`),
        scalar ? [] : [values.length],
        values,
      );
      this.constants.set(key, name);
    }
    return name;
  }

  float(value: number): string {
    const key = `f:${value}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.g.initializer(
        this.unique(`const_f32_${this.constants.size}`),
        [],
        new Float32Array([value]),
      );
      this.constants.set(key, name);
    }
    return name;
  }

  /** Runs `f` with `scope` as the prefix of default op names (so do the backward rules it
   * registers): profiles and graph dumps name every op after its layer. */
  within<T>(scope: string, f: () => T): T {
    const outer = this.scope;
    this.scope = scope;
    try {
      return f();
    } finally {
      this.scope = outer;
    }
  }

  /** `suffix` within the current scope (a name for op's `base`). */
  scoped(suffix: string): string {
    return this.scope ? `${this.scope}/${suffix}` : suffix;
  }

  onBackward(f: () => void): void {
    const scope = this.scope;
    this.backward.push(() => this.within(scope, f));
  }

  addGrad(tensor: string, grad: string): void {
    const list = this.grads.get(tensor);
    if (list) list.push(grad);
    else this.grads.set(tensor, [grad]);
  }

  /** The gradient of `tensor` (summed over its consumers), or null when nothing depends on it. */
  grad(tensor: string): string | null {
    const list = this.grads.get(tensor);
    if (!list || list.length === 0) return null;
    if (list.length === 1) return list[0]!;
    // A chain of Adds: onnxruntime runs Add on every thread, Sum on one.
    let sum = list[0]!;
    for (let i = 1; i < list.length; i++) {
      sum = this.op('Add', [sum, list[i]!], {}, i === list.length - 1 ? `${tensor}/grad` : undefined);
    }
    this.grads.set(tensor, [sum]);
    return sum;
  }

  runBackward(): void {
    for (let i = this.backward.length - 1; i >= 0; i--) this.backward[i]!();
  }
}

export interface Feature {
  name: string;
  channels: number;
  h: number;
  w: number;
  /** In onnxruntime's NCHWc layout (train-graph-nchwc.ts). */
  blocked?: boolean;
}

export interface ConvSpec {
  name: string;
  /** Parameter name of the kernel (tfjs layout: HWIO, or depthwise [k, k, C, mult]). */
  kernel: string;
  k: number;
  stride: number;
  depthwise: boolean;
  cout: number;
  /** Whether the input needs a gradient (not for the image). */
  inputGrad: boolean;
}

/** Builds the training-step graph of `spec` (see the file comment). */
export function buildTrainingGraph(spec: NetworkSpec, options: TrainGraphOptions): TrainGraph {
  const B = options.batchSize;
  if (!Number.isSafeInteger(B) || B < 1) {
    throw new OnnxTrainError(`${WHERE}: invalid batchSize (${B}): must be an integer >= 1`);
  }
  for (const stage of spec.stages) {
    if (!TRAIN_GRAPH_TRANSFORMS.includes(stage.transform)) {
      throw new OnnxTrainError(
        `${WHERE}: stage '${stage.name}' uses node transform '${stage.transform}', which the onnxruntime training engine cannot train: must be one of ${TRAIN_GRAPH_TRANSFORMS.join(', ')} (train it with tfjs)`,
      );
    }
  }
  const params = parameterList(spec);
  const byName = new Map(params.map((p) => [p.name, p]));
  const masks: TrainGraphMasks = {
    dropout: spec.head.dropout > 0 ? `${HEAD_LAYERS.dropout}:mask` : null,
    dropEdge: options.dropEdge
      ? spec.stages.flatMap((stage) =>
          stage.nodes
            .filter((sn) => sn.inputs.length > 1)
            .map((sn) => {
              const layer = nodeLayerNames(stage, sn).agg;
              return { input: `${layer}:keep`, layer, inputs: sn.inputs.length };
            }),
        )
      : [],
  };
  const keepInputs = new Map(masks.dropEdge.map((m) => [m.layer, m.input]));
  const graphInputs: string[] = [TRAIN_INPUTS.image, TRAIN_INPUTS.labels, TRAIN_INPUTS.lr];
  for (const p of params) {
    graphInputs.push(p.name);
    if (p.trainable) graphInputs.push(momentumName(p.name));
  }
  if (masks.dropout) graphInputs.push(masks.dropout);
  graphInputs.push(...keepInputs.values());
  const t = new Tape(graphInputs);
  const eps = spec.batchNorm.epsilon;
  const bnMomentum = spec.batchNorm.momentum;
  const movingOutputs = new Map<string, string>();
  const param = (name: string): string => {
    if (!byName.has(name)) throw new OnnxTrainError(`${WHERE}: the spec has no parameter '${name}'`);
    return name;
  };

  // ---- ops with their backward rules ----
  const reluOp = (x: Feature, name: string): Feature => {
    const y = t.op('Relu', [x.name], {}, name);
    t.onBackward(() => {
      const dy = t.grad(y);
      if (!dy) return;
      // dy * (y > 0) as a float mask: onnxruntime's Where is ~1.4× slower than Cast + Mul.
      const mask = t.op('Cast', [t.op('Greater', [y, t.float(0)])], {
        to: { int: onnx.TensorProto.DataType.FLOAT },
      });
      t.addGrad(x.name, t.op('Mul', [dy, mask], {}, `${name}/dx`));
    });
    return { ...x, name: y };
  };

  const convOp = (x: Feature, c: ConvSpec): Feature => {
    if (blocked) return blocked.conv(x, c);
    const { k, stride: s } = c;
    const cin = x.channels;
    const mult = c.depthwise ? c.cout / cin : 1;
    const group = c.depthwise ? cin : 1;
    const pads = k === 1 ? [0, 0, 0, 0] : onnxSamePads(x.h, x.w, k, s);
    const oh = sameOutputSize(x.h, s);
    const ow = sameOutputSize(x.w, s);
    const kp = param(c.kernel);
    // tfjs layout -> ONNX [out, in / group, k, k].
    const W = c.depthwise
      ? t.op(
          'Reshape',
          [t.op('Transpose', [kp], { perm: { ints: [2, 3, 0, 1] } }), t.ints([c.cout, 1, k, k])],
          {},
          `${c.name}/W`,
        )
      : t.op('Transpose', [kp], { perm: { ints: [3, 2, 0, 1] } }, `${c.name}/W`);
    const convAttrs = {
      kernel_shape: { ints: [k, k] },
      strides: { ints: [s, s] },
      pads: { ints: pads },
      dilations: { ints: [1, 1] },
      group: { int: group },
    };
    const y = t.op('Conv', [x.name, W], convAttrs, c.name);
    t.onBackward(() => {
      const dy = t.grad(y);
      if (!dy) return;
      if (c.inputGrad && s === 1 && mult === 1) {
        // Stride 1: dx is the convolution of dy with the kernel rotated by 180° (in/out
        // channels swapped for dense kernels), padded k - 1 - p (onnxruntime runs this
        // faster than ConvTranspose).
        const swapped = group === 1 ? t.op('Transpose', [W], { perm: { ints: [1, 0, 2, 3] } }) : W;
        const flip = [t.ints([-1, -1]), t.ints([-(2 ** 53), -(2 ** 53)]), t.ints([2, 3]), t.ints([-1, -1])];
        const wT = k === 1 ? swapped : t.op('Slice', [swapped, ...flip]);
        t.addGrad(
          x.name,
          t.op(
            'Conv',
            [dy, wT],
            { ...convAttrs, pads: { ints: pads.map((p) => k - 1 - p) } },
            `${c.name}/dx`,
          ),
        );
      } else if (c.inputGrad) {
        const outPad = [
          x.h - ((oh - 1) * s + k - pads[0]! - pads[2]!),
          x.w - ((ow - 1) * s + k - pads[1]! - pads[3]!),
        ];
        t.addGrad(
          x.name,
          t.op('ConvTranspose', [dy, W], { ...convAttrs, output_padding: { ints: outPad } }, `${c.name}/dx`),
        );
      }
      t.addGrad(kp, kernelGrad(x, dy, c, { cin, mult, pads, oh, ow }));
    });
    return { name: y, channels: c.cout, h: oh, w: ow };
  };

  // dL/dkernel in tfjs layout.
  const kernelGrad = (
    x: Feature,
    dy: string,
    c: ConvSpec,
    g: { cin: number; mult: number; pads: number[]; oh: number; ow: number },
  ): string => {
    const { k, stride: s, cout } = c;
    const { cin, pads, oh, ow } = g;
    // dy as [cout, B*oh*ow].
    const dyT = () =>
      t.op('Reshape', [t.op('Transpose', [dy], { perm: { ints: [1, 0, 2, 3] } }), t.ints([cout, -1])]);
    if (k === 1 && s === 1 && !c.depthwise) {
      const xT = t.op('Reshape', [
        t.op('Transpose', [x.name], { perm: { ints: [0, 2, 3, 1] } }),
        t.ints([-1, cin]),
      ]);
      const dW = t.op('MatMul', [dyT(), xT]); // [cout, cin]
      return t.op(
        'Reshape',
        [t.op('Transpose', [dW], { perm: { ints: [1, 0] } }), t.ints([1, 1, cin, cout])],
        {},
        `${c.kernel}/grad`,
      );
    }
    // A convolution of the input (batch as channels) with dy as the kernel, dilated by the
    // stride: [groups * cinPerGroup, B, H, W] * [cout, B, oh, ow] -> [.., cout, k, k] (sliced to
    // k when 'same' padding was clipped at 0).
    const correlate = (input: string, group: number): string => {
      const dyT4 = t.op('Transpose', [dy], { perm: { ints: [1, 0, 2, 3] } });
      const dW = t.op('Conv', [input, dyT4], {
        kernel_shape: { ints: [oh, ow] },
        strides: { ints: [1, 1] },
        pads: { ints: pads },
        dilations: { ints: [s, s] },
        group: { int: group },
      });
      const kh = x.h + pads[0]! + pads[2]! - s * (oh - 1);
      const kw = x.w + pads[1]! + pads[3]! - s * (ow - 1);
      return kh === k && kw === k ? dW : t.op('Slice', [dW, t.ints([0, 0]), t.ints([k, k]), t.ints([2, 3])]);
    };
    const xT = () => t.op('Transpose', [x.name], { perm: { ints: [1, 0, 2, 3] } }); // [cin, B, H, W]
    if (!c.depthwise) {
      // Dense: [cin, B, H, W] * [cout, B, oh, ow] -> [cin, cout, k, k] -> HWIO.
      return t.op('Transpose', [correlate(xT(), 1)], { perm: { ints: [2, 3, 0, 1] } }, `${c.kernel}/grad`);
    }
    if (oh * ow <= 64) {
      // Depthwise, small maps: one grouped convolution (group = cin) on [1, cin * B, H, W]
      // -> [1, cin * mult, k, k] -> [k, k, cin, mult].
      const input = t.op('Reshape', [xT(), t.ints([1, cin * B, x.h, x.w])]);
      return t.op(
        'Transpose',
        [t.op('Reshape', [correlate(input, cin), t.ints([cin, g.mult, k, k])])],
        { perm: { ints: [2, 3, 0, 1] } },
        `${c.kernel}/grad`,
      );
    }
    // Depthwise, larger maps: d kernel[a, b, ch, m] = sum over batch and positions of
    // x_tap[ch] * dy[ch * mult + m], one strided slice of the padded input per tap.
    const padded = pads.some((p) => p !== 0)
      ? t.op('Pad', [x.name, t.ints([0, 0, pads[0]!, pads[1]!, 0, 0, pads[2]!, pads[3]!])], {
          mode: { string: 'constant' },
        })
      : x.name;
    const per: string[] = [];
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        const tap = t.op('Slice', [
          padded,
          t.ints([a, b]),
          t.ints([a + s * (oh - 1) + 1, b + s * (ow - 1) + 1]),
          t.ints([2, 3]),
          t.ints([s, s]),
        ]);
        const xs =
          g.mult === 1
            ? tap
            : t.op('Reshape', [
                t.op('Expand', [
                  t.op('Reshape', [tap, t.ints([B, cin, 1, oh, ow])]),
                  t.ints([B, cin, g.mult, oh, ow]),
                ]),
                t.ints([B, cout, oh, ow]),
              ]);
        per.push(t.op('ReduceSum', [t.op('Mul', [xs, dy]), t.ints([0, 2, 3])], { keepdims: { int: 0 } }));
      }
    }
    // [k*k*cout] -> [k, k, cin, mult]
    return t.op(
      'Reshape',
      [t.op('Concat', per, { axis: { int: 0 } }), t.ints([k, k, cin, g.mult])],
      {},
      `${c.kernel}/grad`,
    );
  };

  // Moving statistics (Keras: moving - (moving - batch) * (1 - momentum), biased variance).
  const updateMoving = (layer: string, mean: string, variance: string): void => {
    for (const [stat, value] of [
      ['moving_mean', mean],
      ['moving_variance', variance],
    ] as const) {
      const pn = param(`${layer}/${stat}`);
      const batch = t.op('Reshape', [value, t.ints([-1])]);
      const delta = t.op('Mul', [t.op('Sub', [pn, batch]), t.float(1 - bnMomentum)]);
      movingOutputs.set(pn, t.named('Sub', [pn, delta], nextName(pn)));
    }
  };
  const blocked = options.blockSize
    ? blockedOps({ t, B, bs: options.blockSize, param, epsilon: eps, updateMoving })
    : null;

  const batchNormOp = (x: Feature, layer: string): Feature => {
    if (x.blocked && blocked) return blocked.batchNorm(x, layer);
    const C = x.channels;
    const m = B * x.h * x.w;
    const axes = { axes: { ints: [0, 2, 3] } };
    const c4 = t.ints([1, C, 1, 1]);
    const mean = t.op('ReduceMean', [x.name], axes, `${layer}/mean`);
    const xc = t.op('Sub', [x.name, mean], {}, `${layer}/centered`);
    const variance = t.op('ReduceMean', [t.op('Mul', [xc, xc])], axes, `${layer}/variance`);
    const rstd = t.op(
      'Reciprocal',
      [t.op('Sqrt', [t.op('Add', [variance, t.float(eps)])])],
      {},
      `${layer}/rstd`,
    );
    const gamma = param(`${layer}/gamma`);
    const beta = param(`${layer}/beta`);
    // y = xc * a + beta with a = gamma * rstd per channel (two passes over the tensor).
    const a = t.op('Mul', [t.op('Reshape', [gamma, c4]), rstd], {}, `${layer}/scale`);
    const y = t.op('Add', [t.op('Mul', [xc, a]), t.op('Reshape', [beta, c4])], {}, layer);
    updateMoving(layer, mean, variance);
    t.onBackward(() => {
      const dy = t.grad(y);
      if (!dy) return;
      const keep = { keepdims: { int: 1 } };
      const sumDy = t.op('ReduceSum', [dy, t.ints([0, 2, 3])], keep);
      const sumDyXc = t.op('ReduceSum', [t.op('Mul', [dy, xc]), t.ints([0, 2, 3])], keep);
      t.addGrad(beta, t.op('Reshape', [sumDy, t.ints([C])], {}, `${beta}/grad`));
      t.addGrad(gamma, t.op('Reshape', [t.op('Mul', [sumDyXc, rstd]), t.ints([C])], {}, `${gamma}/grad`));
      // dx = a * (dy - sum(dy) / m - xc * rstd^2 * sum(dy * xc) / m)
      //    = dy * a + xc * (-a * rstd^2 * sum(dy * xc) / m) + (-a * sum(dy) / m)
      const negAOverM = t.op('Mul', [a, t.float(-1 / m)]);
      const bc = t.op('Mul', [t.op('Mul', [negAOverM, t.op('Mul', [rstd, rstd])]), sumDyXc]);
      const cc = t.op('Mul', [negAOverM, sumDy]);
      t.addGrad(x.name, t.op('Sum', [t.op('Mul', [dy, a]), t.op('Mul', [xc, bc]), cc], {}, `${layer}/dx`));
    });
    return { ...x, name: y };
  };

  // 3x3 pooling with TF 'same' padding (the extra row/column at the end) at stride s.
  const poolAttrs = (x: Feature, s: number) => ({
    kernel_shape: { ints: [POOL, POOL] },
    strides: { ints: [s, s] },
    pads: { ints: onnxSamePads(x.h, x.w, POOL, s) },
  });
  const pooled = (x: Feature, name: string, s: number): Feature => ({
    name,
    channels: x.channels,
    h: sameOutputSize(x.h, s),
    w: sameOutputSize(x.w, s),
  });

  const maxPoolOp = (x: Feature, layer: string, s: number): Feature => {
    // Indices: the flat NCHW index of each window's first maximum (scan order, as tfjs's
    // gradient routes it), so ties (many after a ReLU) send the gradient to one input.
    const [y, indices] = t.op2('MaxPool', [x.name], poolAttrs(x, s), layer, `${layer}/indices`);
    t.onBackward(() => {
      const dy = t.grad(y);
      if (!dy) return;
      const flat = t.ints([-1]);
      const dx = t.op(
        'ScatterElements',
        [
          t.op('ConstantOfShape', [t.ints([B * x.channels * x.h * x.w])]),
          t.op('Reshape', [indices, flat]),
          t.op('Reshape', [dy, flat]),
        ],
        { axis: { int: 0 }, reduction: { string: 'add' } },
      );
      t.addGrad(x.name, t.op('Reshape', [dx, t.ints([B, x.channels, x.h, x.w])], {}, `${layer}/dx`));
    });
    return pooled(x, y, s);
  };

  const avgPoolOp = (x: Feature, layer: string, s: number): Feature => {
    const attrs = poolAttrs(x, s);
    const y = t.op('AveragePool', [x.name], { ...attrs, count_include_pad: { int: 0 } }, layer);
    const out = pooled(x, y, s);
    t.onBackward(() => {
      const dy = t.grad(y);
      if (!dy) return;
      // dx[i] = sum over the windows w holding i of dy[w] / count[w] (padding not counted):
      // dy / count, then a transposed depthwise convolution with a kernel of ones.
      const pads = attrs.pads.ints;
      const counts = (size: number, outSize: number, begin: number) =>
        Array.from({ length: outSize }, (_, i) => {
          const start = i * s - begin;
          return Math.min(start + POOL, size) - Math.max(start, 0);
        });
      const ch = counts(x.h, out.h, pads[0]!);
      const cw = counts(x.w, out.w, pads[1]!);
      const inv = new Float32Array(out.h * out.w);
      for (let i = 0; i < out.h; i++)
        for (let j = 0; j < out.w; j++) inv[i * out.w + j] = 1 / (ch[i]! * cw[j]!);
      const scaled = t.op('Mul', [dy, t.floats(`${layer}/inv_count`, [1, 1, out.h, out.w], inv)]);
      const ones = t.floats(
        `${layer}/ones`,
        [x.channels, 1, POOL, POOL],
        new Float32Array(x.channels * POOL * POOL).fill(1),
      );
      const outPad = [
        x.h - ((out.h - 1) * s + POOL - pads[0]! - pads[2]!),
        x.w - ((out.w - 1) * s + POOL - pads[1]! - pads[3]!),
      ];
      t.addGrad(
        x.name,
        t.op(
          'ConvTranspose',
          [scaled, ones],
          { ...attrs, group: { int: x.channels }, output_padding: { ints: outPad } },
          `${layer}/dx`,
        ),
      );
    });
    return out;
  };

  const weightedSumOp = (xs: Feature[], layer: string): Feature => {
    const logits = param(`${layer}/logits`);
    const w = t.op('Sigmoid', [logits], {}, `${layer}/weights`);
    // Drop-edge: the dropped input's weight is multiplied by 0, the others stay as they are.
    const keep = keepInputs.get(layer);
    const kept = keep ? t.op('Mul', [w, keep], {}, `${layer}/kept_weights`) : w;
    const ws = xs.map((_, i) =>
      t.op('Gather', [kept, t.ints([i], true)], { axis: { int: 0 } }, `${layer}/w${i}`),
    );
    const blk = blocked && xs[0]!.blocked ? blocked : null;
    const y = blk
      ? blk.weightedSum(xs, ws, layer)
      : t.op(
          'Sum',
          xs.map((x, i) => t.op('Mul', [x.name, ws[i]!], {}, `${layer}/mul${i}`)),
          {},
          layer,
        );
    t.onBackward(() => {
      const dy = t.grad(y);
      if (!dy) return;
      const dws = xs.map((x, i) => {
        t.addGrad(x.name, t.op('Mul', [dy, ws[i]!]));
        // sum(dy * x): [1, 1, 1, 1] (plain), [1] (blocked)
        return blk
          ? blk.dot(dy, x)
          : t.op('ReduceSum', [t.op('Mul', [dy, x.name])], { keepdims: { int: 1 } });
      });
      const dw = t.op('Reshape', [t.op('Concat', dws, { axis: { int: 0 } }), t.ints([xs.length])]);
      const dsig = t.op('Mul', [w, t.op('Sub', [t.float(1), w])]);
      t.addGrad(logits, t.op('Mul', [dw, keep ? t.op('Mul', [dsig, keep]) : dsig], {}, `${logits}/grad`));
    });
    return { ...xs[0]!, name: y };
  };

  const mean = (xs: Feature[], name: string): Feature => {
    if (xs.length === 1) return xs[0]!;
    const y = t.op(
      'Mean',
      xs.map((x) => x.name),
      {},
      name,
    );
    t.onBackward(() => {
      const dy = t.grad(y);
      if (!dy) return;
      const scaled = t.op('Mul', [dy, t.float(1 / xs.length)]);
      for (const x of xs) t.addGrad(x.name, scaled);
    });
    return { ...xs[0]!, name: y };
  };

  // Every layer's ops named within its scope.
  const relu = (x: Feature, name: string) => t.within(name, () => reluOp(x, name));
  const conv = (x: Feature, c: ConvSpec) => t.within(c.name, () => convOp(x, c));
  const batchNorm = (x: Feature, layer: string) => t.within(layer, () => batchNormOp(x, layer));
  const weightedSum = (xs: Feature[], layer: string) => t.within(layer, () => weightedSumOp(xs, layer));
  // Pooling runs in plain NCHW (its window indices and counts are NCHW's): a blocked input is
  // reordered for it, and the 1x1 convolution after it blocks the result again.
  const pool = (x: Feature, layer: string, s: number, max: boolean) =>
    t.within(layer, () =>
      (max ? maxPoolOp : avgPoolOp)(x.blocked && blocked ? blocked.unblock(x) : x, layer, s),
    );

  // ---- the inputs: normalized images (NCHW) and label-smoothed targets ----
  const { height: H, width: W, channels: C } = spec.input;
  // x' = (x / 255 - mean[c]) / std[c] through a lookup table of the 256 byte values per channel:
  // the exact float values of @randwire/tfjs's normalizedValues.
  const table = new Float32Array(256 * C);
  for (let c = 0; c < C; c++) {
    for (let v = 0; v < 256; v++) table[v * C + c] = (v / 255 - spec.input.mean[c]!) / spec.input.std[c]!;
  }
  const lut = t.g.initializer(t.unique('input/table'), [256 * C], table);
  const INT64 = onnx.TensorProto.DataType.INT64;
  let index = t.op('Cast', [TRAIN_INPUTS.image], { to: { int: INT64 } }, 'input/index');
  if (C > 1) {
    const channel = t.ints(Array.from({ length: C }, (_, c) => c));
    index = t.op('Add', [t.op('Mul', [index, t.ints([C], true)]), channel]);
  }
  const normalized = t.op('Gather', [lut, index], { axis: { int: 0 } }, 'input/normalized'); // NHWC
  const ls = options.labelSmoothing;
  const isLabel = t.op('Equal', [
    t.op('Reshape', [t.op('Cast', [TRAIN_INPUTS.labels], { to: { int: INT64 } }), t.ints([B, 1])]),
    t.ints(Array.from({ length: spec.classes }, (_, k) => k)),
  ]);
  const targets = t.op(
    'Where',
    [isLabel, t.float(1 - ls + ls / spec.classes), t.float(ls / spec.classes)],
    {},
    'targets',
  );

  // ---- the network ----
  let x: Feature = {
    name:
      C === 1
        ? t.op('Reshape', [normalized, t.ints([B, 1, H, W])], {}, 'input/nchw')
        : t.op('Transpose', [normalized], { perm: { ints: [0, 3, 1, 2] } }, 'input/nchw'),
    channels: C,
    h: H,
    w: W,
  };
  let first = true;
  for (const unit of spec.stem) {
    const n = convUnitLayerNames(unit);
    if (unit.preRelu) x = relu(x, n.relu);
    x = conv(x, {
      name: n.conv,
      kernel: `${n.conv}/kernel`,
      k: unit.kernel,
      stride: unit.stride,
      depthwise: false,
      cout: unit.channels,
      inputGrad: !first,
    });
    x = batchNorm(x, n.bn);
    first = false;
  }
  for (const stage of spec.stages) {
    const outs = new Map<number, Feature>();
    for (const sn of stage.nodes) {
      const names = nodeLayerNames(stage, sn);
      const srcs = sn.inputs.map((i) => {
        const f = i === 'input' ? x : outs.get(i);
        if (!f)
          throw new OnnxTrainError(
            `${WHERE}: stage '${stage.name}' node ${sn.id} reads node ${i}, which does not precede it`,
          );
        return f;
      });
      let h = srcs.length > 1 ? weightedSum(srcs, names.agg) : srcs[0]!;
      h = relu(h, names.relu);
      const cin = nodeInChannels(stage, sn);
      if (h.channels !== cin)
        throw new OnnxTrainError(
          `${WHERE}: node ${names.conv} reads ${h.channels} channels, the spec says ${cin}`,
        );
      const base = { stride: sn.stride, cout: stage.channels, inputGrad: true };
      if (stage.transform === 'sep-conv-3x3') {
        h = conv(h, {
          ...base,
          name: `${names.conv}/depthwise`,
          kernel: `${names.conv}/depthwise_kernel`,
          k: 3,
          depthwise: true,
          cout: cin,
        });
        h = conv(h, {
          ...base,
          name: `${names.conv}/pointwise`,
          kernel: `${names.conv}/pointwise_kernel`,
          k: 1,
          stride: 1,
          depthwise: false,
        });
      } else if (stage.transform === 'conv-3x3') {
        h = conv(h, { ...base, name: names.conv, kernel: `${names.conv}/kernel`, k: 3, depthwise: false });
      } else if (stage.transform === 'max-pool-conv-1x1' || stage.transform === 'avg-pool-conv-1x1') {
        h = pool(h, names.pool, sn.stride, stage.transform === 'max-pool-conv-1x1');
        h = conv(h, {
          ...base,
          name: names.conv,
          kernel: `${names.conv}/kernel`,
          k: 1,
          stride: 1,
          depthwise: false,
        });
      } else {
        h = conv(h, {
          ...base,
          name: names.conv,
          kernel: `${names.conv}/depthwise_kernel`,
          k: 3,
          depthwise: true,
        });
      }
      outs.set(sn.id, batchNorm(h, names.bn));
    }
    x = mean(
      stage.outputs.map((i) => outs.get(i)!),
      stageOutputName(stage),
    );
  }
  const hd = spec.head;
  x = relu(x, HEAD_LAYERS.relu);
  x = conv(x, {
    name: HEAD_LAYERS.conv,
    kernel: `${HEAD_LAYERS.conv}/kernel`,
    k: 1,
    stride: 1,
    depthwise: false,
    cout: hd.channels,
    inputGrad: true,
  });
  x = batchNorm(x, HEAD_LAYERS.bn);
  x = relu(x, HEAD_LAYERS.relu2);
  const features =
    x.blocked && blocked
      ? blocked.globalAveragePool(x, OUTPUT_NAMES.features)
      : t.op(
          'Flatten',
          [t.op('GlobalAveragePool', [x.name], {}, HEAD_LAYERS.pool)],
          { axis: { int: 1 } },
          OUTPUT_NAMES.features,
        );
  // Head dropout: the step's mask (inverted dropout, drawn outside the graph).
  const fcIn = masks.dropout ? t.op('Mul', [features, masks.dropout], {}, HEAD_LAYERS.dropout) : features;
  const fcK = param(`${HEAD_LAYERS.fc}/kernel`);
  const fcB = param(`${HEAD_LAYERS.fc}/bias`);
  const logits = t.named('Gemm', [fcIn, fcK, fcB], TRAIN_OUTPUTS.logits);
  // Loss: mean over the batch of -sum(targets * log_softmax(logits)).
  const logp = t.op('LogSoftmax', [logits], { axis: { int: 1 } });
  t.named(
    'Mul',
    [t.op('ReduceSum', [t.op('Mul', [targets, logp])], { keepdims: { int: 0 } }), t.float(-1 / B)],
    TRAIN_OUTPUTS.loss,
  );
  // Backward, from the logits down.
  const dLogits = t.op(
    'Mul',
    [t.op('Sub', [t.op('Softmax', [logits], { axis: { int: 1 } }), targets]), t.float(1 / B)],
    {},
    'logits/grad',
  );
  t.addGrad(fcK, t.op('Gemm', [fcIn, dLogits], { transA: { int: 1 } }, `${fcK}/grad`));
  t.addGrad(fcB, t.op('ReduceSum', [dLogits, t.ints([0])], { keepdims: { int: 0 } }, `${fcB}/grad`));
  const dFcIn = t.op('Gemm', [dLogits, fcK], { transB: { int: 1 } });
  const dFeatures = masks.dropout ? t.op('Mul', [dFcIn, masks.dropout]) : dFcIn;
  if (x.blocked) {
    t.addGrad(features, dFeatures);
  } else {
    const dPooled = t.op('Reshape', [dFeatures, t.ints([B, hd.channels, 1, 1])]);
    t.addGrad(
      x.name,
      t.op(
        'Expand',
        [t.op('Mul', [dPooled, t.float(1 / (x.h * x.w))]), t.ints([B, hd.channels, x.h, x.w])],
        {},
        `${HEAD_LAYERS.pool}/dx`,
      ),
    );
  }
  t.runBackward();

  // ---- SGD with momentum, coupled weight decay (PyTorch / @randwire/tfjs SgdMomentum) ----
  const { momentum: mu, nesterov, weightDecay } = options;
  const lr = TRAIN_INPUTS.lr;
  const parameters: TrainGraphParameter[] = [];
  for (const p of params) {
    if (!p.trainable) {
      const out = movingOutputs.get(p.name);
      if (!out) throw new OnnxTrainError(`${WHERE}: no moving-statistics update for '${p.name}'`);
      parameters.push({ info: p, input: p.name, output: out, momentumInput: null, momentumOutput: null });
      continue;
    }
    const g = t.grad(p.name);
    if (!g) throw new OnnxTrainError(`${WHERE}: parameter '${p.name}' gets no gradient`);
    const d = p.decay && weightDecay > 0 ? t.op('Add', [g, t.op('Mul', [p.name, t.float(weightDecay)])]) : g;
    const vIn = momentumName(p.name);
    const vOut = `${vIn}_next`;
    const v = t.named(mu > 0 ? 'Add' : 'Identity', mu > 0 ? [t.op('Mul', [vIn, t.float(mu)]), d] : [d], vOut);
    const step = nesterov ? t.op('Add', [d, t.op('Mul', [v, t.float(mu)])]) : v;
    const out = t.named('Sub', [p.name, t.op('Mul', [step, lr])], nextName(p.name));
    parameters.push({ info: p, input: p.name, output: out, momentumInput: vIn, momentumOutput: vOut });
  }

  const f = (name: string, dims: number[], doc: string) => floatValueInfo(name, dims, doc);
  const uint8 = (name: string, dims: number[], doc: string): onnx.IValueInfoProto => ({
    name,
    docString: doc,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.UINT8,
        shape: { dim: dims.map((d) => ({ dimValue: d })) },
      },
    },
  });
  const inputs = [
    uint8(TRAIN_INPUTS.image, [B, H, W, C], 'images, uint8 NHWC (normalized in the graph)'),
    uint8(TRAIN_INPUTS.labels, [B], 'class of each image'),
    f(TRAIN_INPUTS.lr, [], 'learning rate of this step'),
  ];
  if (masks.dropout) {
    inputs.push(
      f(masks.dropout, [B, hd.channels], 'head dropout multiplier of this step (0 or 1 / (1 - rate))'),
    );
  }
  for (const m of masks.dropEdge) {
    inputs.push(f(m.input, [m.inputs], `drop-edge mask of ${m.layer} this step (0 = dropped input edge)`));
  }
  const outputs = [
    f(TRAIN_OUTPUTS.loss, [], 'mean cross-entropy of the batch, before the update'),
    f(TRAIN_OUTPUTS.logits, [B, spec.classes], 'logits of the batch, before the update'),
  ];
  for (const p of parameters) {
    inputs.push(f(p.input, p.info.shape, `parameter ${p.info.name} (tfjs layout)`));
    outputs.push(f(p.output, p.info.shape, `${p.info.name} after the step`));
    if (p.momentumInput && p.momentumOutput) {
      inputs.push(f(p.momentumInput, p.info.shape, `momentum buffer of ${p.info.name}`));
      outputs.push(f(p.momentumOutput, p.info.shape, `momentum buffer of ${p.info.name} after the step`));
    }
  }
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [
      { domain: '', version: TRAIN_GRAPH_OPSET },
      ...(blocked ? [{ domain: NCHWC_DOMAIN, version: 1 }] : []),
    ],
    producerName: '@randwire/onnx',
    domain: 'org.randwire',
    graph: {
      name: `${spec.name}-train-step`,
      node: t.g.nodes,
      initializer: t.g.initializers,
      input: inputs,
      output: outputs,
    },
  });
  return {
    model,
    batchSize: B,
    parameters,
    inputs: { ...TRAIN_INPUTS },
    outputs: { ...TRAIN_OUTPUTS },
    masks,
  };
}
