// Spec + weights (tfjs layouts, keyed by parameterList names) → an ONNX model (NCHW, dynamic
// batch, TF 'same' padding as explicit pads, BN epsilon explicit, aggregation weights folded
// to sigmoid(logits), optional BN folding, optional zero-padding of internal channels to a
// block (pad-channels.ts) and 'conv-add' aggregation). Node names are the spec's stable names.
// onnx-proto's declarations use protobufjs's global `Long` (from @types/long, a dependency of
// this package): the reference makes the emitted .d.ts compile for consumers without it.
/// <reference types="long" preserve="true" />
import { createHash } from 'node:crypto';
import {
  convUnitLayerNames,
  formatProblem,
  HEAD_LAYERS,
  INPUT_NAME,
  type NetworkSpec,
  nodeInChannels,
  nodeLayerNames,
  OUTPUT_NAMES,
  parameterList,
  serializeSpec,
  stageOutputName,
  validateSpec,
} from '@randwire/spec';
import { onnx } from 'onnx-proto';
import { ExportError } from './errors';
import { type AttributeValue, floatValueInfo, GraphBuilder } from './graph-builder';
import { hwioToOihw } from './layout';
import { buildMetadata, packageVersion } from './metadata';
import { type ConvArgs, type EmitContext, nodeTransformOp } from './node-transforms';
import { checkPadChannels, padBatchNorm, padConvKernel, planChannels } from './pad-channels';
import { onnxSamePads, sameOutputSize } from './same-padding';
import { validateWeights, type WeightMap, type WeightTensor } from './weights';

export interface ExportOptions {
  /** ONNX opset of the default domain, 11–26 (every op emitted exists with these semantics). */
  opset?: number;
  /** ONNX IR version, 7–13 (what onnxruntime-node 1.30 loads); default: 8 up to opset 18,
   * otherwise the IR version released with the opset. */
  irVersion?: number;
  /** Fold every batch norm into the convolution before it (adds a bias). */
  foldBn?: boolean;
  /** Leave out the `probs` output (softmax). */
  noSoftmax?: boolean;
  /** Ignore weights whose names are not parameters of the spec (default: error). */
  ignoreExtraWeights?: boolean;
  /** The spec JSON to embed in metadata (default: the canonical `serializeSpec(spec)`). */
  specJson?: string;
  /** Zero-pad every internal tensor's channel count to a multiple of this (0 or 1 = off; a
   * power of two 2..64). Same outputs, larger file; lets onnxruntime's CPU provider use its
   * blocked (NCHWc) convolution kernels when channel counts are not multiples of 16. The
   * image input and the `features` output (head conv) keep their channel counts. */
  padChannels?: number;
  /** How a node's weighted sum of inputs is written: `mul-sum` (default) a `Mul` by a scalar
   * constant per input and one `Sum`; `conv-add` a 1×1 depthwise `Conv` per input (every
   * channel's weight the same constant) and a chain of 2-input `Add`s. Same outputs;
   * `conv-add` lets onnxruntime keep the sums in its blocked NCHWc layout and fuse each Add
   * into the Conv before it (faster on CPU, best with `padChannels` 16). */
  aggregation?: Aggregation;
}

export type Aggregation = 'mul-sum' | 'conv-add';
export const AGGREGATIONS: readonly Aggregation[] = Object.freeze(['mul-sum', 'conv-add']);

export const EXPORT_DEFAULTS = Object.freeze({
  opset: 17,
  foldBn: false,
  noSoftmax: false,
  ignoreExtraWeights: false,
  padChannels: 0,
  aggregation: 'mul-sum' as Aggregation,
});

/** The first opset of the default domain in which each emitted op exists with the
 * semantics and attributes the exporter uses (multidirectional broadcasting for Mul/Sum/
 * Mean, BatchNormalization without `spatial`, AveragePool `count_include_pad`). Exporting
 * checks every node against it, so adding an op without an entry fails loudly. */
export const OP_MIN_OPSET: Readonly<Record<string, number>> = Object.freeze({
  Conv: 1,
  Relu: 6,
  BatchNormalization: 9,
  MaxPool: 10,
  AveragePool: 10,
  Mul: 7,
  Sum: 8,
  Add: 7,
  Mean: 8,
  Identity: 1,
  GlobalAveragePool: 1,
  Flatten: 9,
  Gemm: 9,
  Softmax: 1,
});

export const MIN_OPSET = 11;
export const MAX_OPSET = 26;
export const MIN_IR_VERSION = 7;
export const MAX_IR_VERSION = 13;

/** The IR version written by default for an opset (IR 8 up to opset 18). */
export function defaultIrVersion(opset: number): number {
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  if (opset <= 22) return 10;
  if (opset <= 23) return 11;
  if (opset <= 25) return 12;
  return 13;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function weightsDigest(spec: NetworkSpec, weights: WeightMap): string {
  const h = createHash('sha256');
  for (const p of parameterList(spec)) {
    const w = weights.get(p.name)!;
    h.update(p.name);
    h.update(new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength));
  }
  return h.digest('hex');
}

export interface ExportSummary {
  opset: number;
  irVersion: number;
  nodes: number;
  initializers: number;
  /** Number of float parameters written (after folding). */
  parameters: number;
  foldBn: boolean;
  /** The channel block internal tensors were zero-padded to (0 = not padded). */
  padChannels: number;
  aggregation: Aggregation;
  outputs: string[];
}

/** Builds the ONNX ModelProto (as onnx-proto message) for a spec and its weights. */
export function buildOnnxModel(
  spec: NetworkSpec,
  weights: WeightMap,
  options: ExportOptions = {},
): { model: onnx.ModelProto; summary: ExportSummary } {
  const where = '@randwire/onnx/export-onnx';
  const opset = options.opset ?? EXPORT_DEFAULTS.opset;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new ExportError(
      `${where}: invalid opset (${opset}): must be an integer ${MIN_OPSET}..${MAX_OPSET}`,
    );
  }
  const irVersion = options.irVersion ?? defaultIrVersion(opset);
  if (!Number.isInteger(irVersion) || irVersion < MIN_IR_VERSION || irVersion > MAX_IR_VERSION) {
    throw new ExportError(
      `${where}: invalid irVersion (${irVersion}): must be an integer ${MIN_IR_VERSION}..${MAX_IR_VERSION}`,
    );
  }
  const foldBn = options.foldBn ?? EXPORT_DEFAULTS.foldBn;
  const softmax = !(options.noSoftmax ?? EXPORT_DEFAULTS.noSoftmax);
  const block = checkPadChannels(options.padChannels ?? EXPORT_DEFAULTS.padChannels, where);
  const padChannels = block > 1 ? block : 0;
  const aggregation = options.aggregation ?? EXPORT_DEFAULTS.aggregation;
  if (!AGGREGATIONS.includes(aggregation)) {
    throw new ExportError(
      `${where}: invalid aggregation (${String(aggregation)}): must be one of ${AGGREGATIONS.join(', ')}`,
    );
  }
  for (const stage of spec.stages ?? []) nodeTransformOp(stage.transform);
  const checked = validateSpec(spec);
  if (!checked.ok) {
    const [first, ...rest] = checked.problems;
    throw new ExportError(
      `${where}: invalid spec '${String(spec.name)}': ${formatProblem(first!)}${rest.length > 0 ? ` (and ${rest.length} more problem(s))` : ''}`,
    );
  }
  validateWeights(spec, weights, {
    ignoreExtra: options.ignoreExtraWeights ?? EXPORT_DEFAULTS.ignoreExtraWeights,
  });

  const eps = spec.batchNorm.epsilon;
  const g = new GraphBuilder([INPUT_NAME]);
  const weight = (name: string): WeightTensor => {
    const w = weights.get(name);
    if (!w) throw new ExportError(`${where}: missing weight '${name}'`);
    return w;
  };
  const node = (
    opType: string,
    name: string,
    inputs: string[],
    attributes: Record<string, AttributeValue> = {},
    doc?: string,
  ) => g.node(opType, name, inputs, attributes, doc ? { doc } : {});

  const conv = (args: ConvArgs): string => {
    const [co0, cpg0] = args.kernel.shape as [number, number];
    const padded = padConvKernel(
      args.kernel,
      args.group,
      args.inChannels ?? cpg0 * args.group,
      args.outChannels ?? co0,
    );
    const grew = padded.data !== args.kernel.data;
    const a: ConvArgs = {
      ...args,
      kernel: padded,
      group: padded.group,
      doc: grew ? `${args.doc}; zero-padded to ${args.inChannels} -> ${args.outChannels} channels` : args.doc,
    };
    const [co, , kh, kw] = a.kernel.shape as [number, number, number, number];
    const attrs = (): Record<string, AttributeValue> => ({
      kernel_shape: { ints: [kh, kw] },
      strides: { ints: [a.stride, a.stride] },
      pads: { ints: a.pads },
      dilations: { ints: [1, 1] },
      group: { int: a.group },
    });
    const bnParams = (bn: string) =>
      padBatchNorm(
        {
          gamma: weight(`${bn}/gamma`).data,
          beta: weight(`${bn}/beta`).data,
          mean: weight(`${bn}/moving_mean`).data,
          variance: weight(`${bn}/moving_variance`).data,
        },
        co,
      );
    const padDoc = grew ? '; zero-padded channels' : '';
    if (a.bn && foldBn) {
      const { gamma, beta, mean, variance } = bnParams(a.bn);
      const per = a.kernel.data.length / co;
      const k = new Float32Array(a.kernel.data.length);
      const bias = new Float32Array(co);
      for (let o = 0; o < co; o++) {
        const s = gamma[o]! / Math.sqrt(variance[o]! + eps);
        for (let i = 0; i < per; i++) k[o * per + i] = a.kernel.data[o * per + i]! * s;
        bias[o] = beta[o]! - mean[o]! * s;
      }
      const layer = a.weightName.slice(0, a.weightName.lastIndexOf('/'));
      const kName = g.initializer(
        a.weightName,
        a.kernel.shape,
        k,
        `ONNX layout, batch norm '${a.bn}' folded in${padDoc}`,
      );
      const bName = g.initializer(
        `${layer}/bias`,
        [co],
        bias,
        `batch norm '${a.bn}' folded: beta - mean * gamma / sqrt(var + eps)`,
      );
      return node(
        'Conv',
        a.name,
        [a.input, kName, bName],
        attrs(),
        `${a.doc}; batch norm '${a.bn}' folded in`,
      );
    }
    const kName = g.initializer(
      a.weightName,
      a.kernel.shape,
      a.kernel.data,
      `ONNX layout (converted from tfjs)${padDoc}`,
    );
    const out = node('Conv', a.name, [a.input, kName], attrs(), a.doc);
    if (!a.bn) return out;
    const p = bnParams(a.bn);
    const ins = (
      [
        ['gamma', p.gamma],
        ['beta', p.beta],
        ['moving_mean', p.mean],
        ['moving_variance', p.variance],
      ] as const
    ).map(([w, data]) => g.initializer(`${a.bn}/${w}`, [co], data));
    return node(
      'BatchNormalization',
      a.bn,
      [out, ...ins],
      { epsilon: { float: eps } },
      `batch norm (inference), epsilon ${eps}`,
    );
  };
  const ctx: EmitContext = { spec, weight, conv, node };

  const plan = planChannels(spec, block);

  // Stem.
  let c = spec.input.channels;
  let h = spec.input.height;
  let w = spec.input.width;
  let x = INPUT_NAME;
  for (const [u, unit] of spec.stem.entries()) {
    const n = convUnitLayerNames(unit);
    if (unit.preRelu) x = node('Relu', n.relu, [x]);
    const k = `${n.conv}/kernel`;
    x = conv({
      name: n.conv,
      input: x,
      weightName: k,
      kernel: hwioToOihw(weight(k).data, weight(k).shape),
      group: 1,
      stride: unit.stride,
      pads: onnxSamePads(h, w, unit.kernel, unit.stride),
      bn: n.bn,
      doc: `stem ${unit.kernel}x${unit.kernel} conv ${unit.inChannels} -> ${unit.channels}, stride ${unit.stride}, TF 'same' padding`,
      inChannels: c,
      outChannels: plan.stem[u]!,
    });
    c = plan.stem[u]!;
    h = sameOutputSize(h, unit.stride);
    w = sameOutputSize(w, unit.stride);
  }

  // Random stages.
  for (const [si, stage] of spec.stages.entries()) {
    const op = nodeTransformOp(stage.transform);
    const pc = plan.stages[si]!;
    const inH = h;
    const inW = w;
    const outs = new Map<number, string>();
    let nodeH = h;
    let nodeW = w;
    for (const sn of stage.nodes) {
      const names = nodeLayerNames(stage, sn);
      const fromInput = sn.inputs.length === 1 && sn.inputs[0] === 'input';
      const srcs = sn.inputs.map((i) => {
        if (i === 'input') return x;
        const t = outs.get(i);
        if (t === undefined) {
          throw new ExportError(
            `${where}: stage '${stage.name}' node ${sn.id} reads node ${i}, which does not precede it`,
          );
        }
        return t;
      });
      let agg = srcs[0]!;
      if (srcs.length > 1) {
        const logits = weight(`${names.agg}/logits`).data;
        if (aggregation === 'conv-add') {
          // Every aggregated input is an internal node's output: pc.out channels.
          const terms = srcs.map((s, i) => {
            const wn = g.initializer(
              `${names.agg}/weight${i}`,
              [pc.out, 1, 1, 1],
              new Float32Array(pc.out).fill(sigmoid(logits[i]!)),
              `sigmoid(${names.agg}/logits[${i}]) for every channel (1x1 depthwise kernel)`,
            );
            return node(
              'Conv',
              `${names.agg}/scale${i}`,
              [s, wn],
              {
                kernel_shape: { ints: [1, 1] },
                strides: { ints: [1, 1] },
                pads: { ints: [0, 0, 0, 0] },
                dilations: { ints: [1, 1] },
                group: { int: pc.out },
              },
              `input ${i} times its aggregation weight, as a 1x1 depthwise conv`,
            );
          });
          agg = terms[0]!;
          for (let i = 1; i < terms.length; i++) {
            agg = node(
              'Add',
              i === terms.length - 1 ? names.agg : `${names.agg}/add${i}`,
              [agg, terms[i]!],
              {},
              i === terms.length - 1
                ? `weighted sum of ${srcs.length} inputs, weights sigmoid(logits)`
                : undefined,
            );
          }
        } else {
          const terms = srcs.map((s, i) => {
            const wn = g.initializer(
              `${names.agg}/weight${i}`,
              [],
              new Float32Array([sigmoid(logits[i]!)]),
              `sigmoid(${names.agg}/logits[${i}])`,
            );
            return node('Mul', `${names.agg}/mul${i}`, [s, wn]);
          });
          agg = node(
            'Sum',
            names.agg,
            terms,
            {},
            `weighted sum of ${srcs.length} inputs, weights sigmoid(logits)`,
          );
        }
      }
      const relu = node('Relu', names.relu, [agg]);
      const ih = fromInput ? inH : nodeH;
      const iw = fromInput ? inW : nodeW;
      const out = op.emit(ctx, {
        stage,
        node: sn,
        names,
        input: relu,
        inChannels: nodeInChannels(stage, sn),
        channels: stage.channels,
        paddedInChannels: fromInput ? pc.in : pc.out,
        paddedChannels: pc.out,
        height: ih,
        width: iw,
        stride: sn.stride,
      });
      nodeH = sameOutputSize(ih, sn.stride);
      nodeW = sameOutputSize(iw, sn.stride);
      outs.set(sn.id, out);
    }
    const stageOuts = stage.outputs.map((i) => {
      const t = outs.get(i);
      if (t === undefined)
        throw new ExportError(`${where}: stage '${stage.name}' output lists node ${i}, which does not exist`);
      return t;
    });
    x =
      stageOuts.length === 1
        ? node('Identity', stageOutputName(stage), stageOuts)
        : node(
            'Mean',
            stageOutputName(stage),
            stageOuts,
            {},
            `unweighted mean of nodes ${stage.outputs.join(', ')}`,
          );
    h = nodeH;
    w = nodeW;
  }

  // Head.
  const hd = spec.head;
  x = node('Relu', HEAD_LAYERS.relu, [x]);
  const hk = `${HEAD_LAYERS.conv}/kernel`;
  x = conv({
    name: HEAD_LAYERS.conv,
    input: x,
    weightName: hk,
    kernel: hwioToOihw(weight(hk).data, weight(hk).shape),
    group: 1,
    stride: 1,
    pads: [0, 0, 0, 0],
    bn: HEAD_LAYERS.bn,
    doc: `head 1x1 conv ${hd.inChannels} -> ${hd.channels}`,
    inChannels: plan.headIn,
    outChannels: hd.channels,
  });
  x = node('Relu', HEAD_LAYERS.relu2, [x]);
  x = node('GlobalAveragePool', HEAD_LAYERS.pool, [x]);
  const features = g.node(
    'Flatten',
    `${HEAD_LAYERS.pool}/flatten`,
    [x],
    { axis: { int: 1 } },
    { output: OUTPUT_NAMES.features },
  );
  const fcK = g.initializer(
    `${HEAD_LAYERS.fc}/kernel`,
    weight(`${HEAD_LAYERS.fc}/kernel`).shape,
    weight(`${HEAD_LAYERS.fc}/kernel`).data,
    'tfjs layout [in, out] (Gemm transB = 0)',
  );
  const fcB = g.initializer(`${HEAD_LAYERS.fc}/bias`, [hd.classes], weight(`${HEAD_LAYERS.fc}/bias`).data);
  const logits = g.node(
    'Gemm',
    HEAD_LAYERS.fc,
    [features, fcK, fcB],
    { transB: { int: 0 } },
    { output: OUTPUT_NAMES.logits, doc: `dense ${hd.channels} -> ${hd.classes}` },
  );
  if (softmax)
    g.node('Softmax', HEAD_LAYERS.softmax, [logits], { axis: { int: 1 } }, { output: OUTPUT_NAMES.probs });

  const mean = spec.input.mean.map((v) => v.toString()).join(', ');
  const std = spec.input.std.map((v) => v.toString()).join(', ');
  const outputs = [
    floatValueInfo(
      OUTPUT_NAMES.logits,
      ['N', hd.classes],
      'class scores before softmax (logits), float32 [N, classes]',
    ),
    ...(softmax
      ? [
          floatValueInfo(
            OUTPUT_NAMES.probs,
            ['N', hd.classes],
            'class probabilities: softmax(logits), float32 [N, classes]',
          ),
        ]
      : []),
    floatValueInfo(
      OUTPUT_NAMES.features,
      ['N', hd.channels],
      'pooled features (after head ReLU and global average pool, before the classifier): use the model as a backbone; float32 [N, features]',
    ),
  ];
  const specJson = options.specJson ?? serializeSpec(spec);
  const metadata = buildMetadata(spec, specJson, {
    foldBn,
    softmax,
    padChannels,
    aggregation,
    weightsSha256: weightsDigest(spec, weights),
  });
  const model = onnx.ModelProto.create({
    irVersion,
    opsetImport: [{ domain: '', version: opset }],
    producerName: '@randwire/onnx',
    producerVersion: packageVersion(),
    domain: 'org.randwire',
    modelVersion: 1,
    docString: `Randomly wired network '${spec.name}' (Xie et al., ICCV 2019), exported from a randwire spec.`,
    graph: {
      name: spec.name,
      docString: `randwire spec '${spec.name}': ${spec.stem.length} stem unit(s), ${spec.stages.length} random stage(s)`,
      node: g.nodes,
      initializer: g.initializers,
      input: [
        floatValueInfo(
          INPUT_NAME,
          ['N', spec.input.channels, spec.input.height, spec.input.width],
          `image batch, float32 NCHW, normalized per channel: (x / 255 - mean) / std with mean [${mean}], std [${std}] (metadata randwire.input.*)`,
        ),
      ],
      output: outputs,
    },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  for (const n of g.nodes) {
    const since = OP_MIN_OPSET[n.opType ?? ''];
    if (since === undefined || since > opset) {
      throw new ExportError(
        `${where}: node '${n.name}' uses op ${n.opType}, which ${since === undefined ? 'has no entry in OP_MIN_OPSET' : `needs opset >= ${since}`} (exporting opset ${opset})`,
      );
    }
  }
  const parameters = g.initializers.reduce(
    (a, t) => a + (t.dims ?? []).reduce<number>((b, d) => b * Number(d), 1),
    0,
  );
  return {
    model,
    summary: {
      opset,
      irVersion,
      nodes: g.nodes.length,
      initializers: g.initializers.length,
      parameters,
      foldBn,
      padChannels,
      aggregation,
      outputs: outputs.map((o) => o.name ?? ''),
    },
  };
}

/** Exports a spec and its weights to ONNX ModelProto bytes. */
export function exportOnnx(spec: NetworkSpec, weights: WeightMap, options: ExportOptions = {}): Uint8Array {
  return onnx.ModelProto.encode(buildOnnxModel(spec, weights, options).model).finish();
}
