// ONNX metadata_props written by the exporter, and reading them back: the spec's provenance,
// the input normalization, the spec format/version and the full spec JSON.
import * as fs from 'node:fs';
import { type NetworkSpec, parseSpec } from '@randwire/spec';
import { onnx } from 'onnx-proto';
import { VerifyError } from './errors';

/** Metadata keys (all values are strings; JSON where noted). */
export const METADATA_KEYS = Object.freeze({
  spec: 'randwire.spec',
  specFormat: 'randwire.spec.format',
  specVersion: 'randwire.spec.version',
  specName: 'randwire.spec.name',
  generator: 'randwire.provenance.library',
  generatorVersion: 'randwire.provenance.library_version',
  preset: 'randwire.provenance.preset',
  seed: 'randwire.provenance.seed',
  params: 'randwire.provenance.params',
  graphs: 'randwire.provenance.graphs',
  inputLayout: 'randwire.input.layout',
  inputMean: 'randwire.input.mean',
  inputStd: 'randwire.input.std',
  inputNormalization: 'randwire.input.normalization',
  exporter: 'randwire.export.library',
  exporterVersion: 'randwire.export.library_version',
  onnxProtoVersion: 'randwire.export.onnx_proto_version',
  foldBn: 'randwire.export.fold_bn',
  softmax: 'randwire.export.softmax',
  padChannels: 'randwire.export.pad_channels',
  aggregation: 'randwire.export.aggregation',
  weightsSha256: 'randwire.weights.sha256',
});

export function packageVersion(): string {
  return (require('../package.json') as { version: string }).version;
}

function onnxProtoVersion(): string {
  try {
    return (require('onnx-proto/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Key/value pairs describing the spec, its provenance and the export. */
export function buildMetadata(
  spec: NetworkSpec,
  specJson: string,
  info: {
    foldBn: boolean;
    softmax: boolean;
    padChannels?: number;
    aggregation?: string;
    weightsSha256: string;
  },
): Record<string, string> {
  const K = METADATA_KEYS;
  return {
    [K.specFormat]: spec.format,
    [K.specVersion]: String(spec.version),
    [K.specName]: spec.name,
    [K.generator]: spec.provenance.library,
    [K.generatorVersion]: spec.provenance.libraryVersion,
    [K.preset]: spec.provenance.preset,
    [K.seed]: JSON.stringify(spec.provenance.seed),
    [K.params]: JSON.stringify(spec.provenance.params),
    [K.graphs]: JSON.stringify(spec.stages.map((s) => ({ stage: s.name, ...s.graph }))),
    [K.inputLayout]: 'NCHW',
    [K.inputMean]: JSON.stringify(spec.input.mean),
    [K.inputStd]: JSON.stringify(spec.input.std),
    [K.inputNormalization]:
      "x' = (x / 255 - mean[c]) / std[c], x the uint8 pixel value, applied before the model",
    [K.exporter]: '@randwire/onnx',
    [K.exporterVersion]: packageVersion(),
    [K.onnxProtoVersion]: onnxProtoVersion(),
    [K.foldBn]: String(info.foldBn),
    [K.softmax]: String(info.softmax),
    [K.padChannels]: String(info.padChannels ?? 0),
    [K.aggregation]: info.aggregation ?? 'mul-sum',
    [K.weightsSha256]: info.weightsSha256,
    [K.spec]: specJson,
  };
}

export interface OnnxModelInfo {
  irVersion: number;
  opset: number;
  producer: string;
  /** Every metadata_props entry. */
  metadata: Record<string, string>;
  /** The spec embedded by the exporter. */
  spec: NetworkSpec;
  normalization: { mean: number[]; std: number[] };
  /** Input name and dims (`N` for the symbolic batch). */
  input: { name: string; dims: Array<number | string> };
  outputs: Array<{ name: string; dims: Array<number | string>; doc: string }>;
  nodeCount: number;
  initializerCount: number;
}

function dims(v: onnx.IValueInfoProto): Array<number | string> {
  return (v.type?.tensorType?.shape?.dim ?? []).map((d) =>
    d.dimParam ? d.dimParam : Number(d.dimValue ?? 0),
  );
}

/** A metadata value that must be a JSON array of numbers (absent: []). */
function numbers(where: string, what: string, key: string, text: string | undefined): number[] {
  let v: unknown;
  try {
    v = JSON.parse(text ?? '[]');
  } catch {
    v = undefined;
  }
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) {
    throw new VerifyError(
      `${where}: ONNX model ${what}: metadata '${key}' must be a JSON array of numbers, got ${JSON.stringify(text?.slice(0, 40))}`,
    );
  }
  return v;
}

/** Decodes an ONNX model (bytes or path) and reads the randwire metadata it carries. */
export function readOnnxMetadata(modelBytesOrPath: Uint8Array | string): OnnxModelInfo {
  const where = '@randwire/onnx/metadata';
  const what = typeof modelBytesOrPath === 'string' ? `'${modelBytesOrPath}'` : 'model bytes';
  let model: onnx.ModelProto;
  try {
    const bytes = typeof modelBytesOrPath === 'string' ? fs.readFileSync(modelBytesOrPath) : modelBytesOrPath;
    if (bytes.length === 0) throw new Error('empty file (0 bytes): expected an ONNX model');
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new VerifyError(`${where}: cannot read ONNX model ${what}: ${(e as Error).message}`, { cause: e });
  }
  const metadata: Record<string, string> = {};
  for (const p of model.metadataProps) metadata[p.key ?? ''] = p.value ?? '';
  const specJson = metadata[METADATA_KEYS.spec];
  if (specJson === undefined) {
    throw new VerifyError(
      `${where}: the model has no '${METADATA_KEYS.spec}' metadata: not exported by @randwire/onnx`,
    );
  }
  const graph = model.graph;
  const input = graph?.input?.[0];
  const opset = model.opsetImport.find((o) => !o.domain)?.version;
  return {
    irVersion: Number(model.irVersion),
    opset: Number(opset ?? 0),
    producer: `${model.producerName} ${model.producerVersion}`,
    metadata,
    spec: parseSpec(specJson, `the '${METADATA_KEYS.spec}' metadata of ONNX model ${what}`),
    normalization: {
      mean: numbers(where, what, METADATA_KEYS.inputMean, metadata[METADATA_KEYS.inputMean]),
      std: numbers(where, what, METADATA_KEYS.inputStd, metadata[METADATA_KEYS.inputStd]),
    },
    input: { name: input?.name ?? '', dims: input ? dims(input) : [] },
    outputs: (graph?.output ?? []).map((o) => ({
      name: o.name ?? '',
      dims: dims(o),
      doc: o.docString ?? '',
    })),
    nodeCount: graph?.node?.length ?? 0,
    initializerCount: graph?.initializer?.length ?? 0,
  };
}
