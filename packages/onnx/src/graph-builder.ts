// A small builder of ONNX graph protos (onnx-proto's generated types): nodes with typed
// attributes, float32 initializers as little-endian raw data, and unique-name checks.
// onnx-proto's declarations use protobufjs's global `Long` (from @types/long, a dependency of
// this package): the reference makes the emitted .d.ts compile for consumers without it.
/// <reference types="long" preserve="true" />
import { onnx } from 'onnx-proto';
import { ExportError } from './errors';

export type AttributeValue = { int: number } | { ints: number[] } | { float: number } | { string: string };

export const attr = Object.freeze({
  int: (v: number): AttributeValue => ({ int: v }),
  ints: (v: number[]): AttributeValue => ({ ints: v }),
  float: (v: number): AttributeValue => ({ float: v }),
  string: (v: string): AttributeValue => ({ string: v }),
});

function attributeProto(name: string, value: AttributeValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('int' in value) return { name, type: T.INT, i: value.int };
  if ('ints' in value) return { name, type: T.INTS, ints: value.ints };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  return { name, type: T.STRING, s: new TextEncoder().encode(value.string) };
}

/** float32 data as ONNX raw_data (always little-endian, whatever the host). */
export function float32RawData(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  return out;
}

export class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private readonly nodeNames = new Set<string>();
  private readonly tensorNames = new Set<string>();

  constructor(inputNames: string[]) {
    for (const n of inputNames) this.tensorNames.add(n);
  }

  /** Adds a node; its first output tensor is named `output` (default: the node's name) and
   * is returned; `extraOutputs` names further outputs (e.g. MaxPool's Indices); `domain` for
   * operators outside the default ONNX domain. */
  node(
    opType: string,
    name: string,
    inputs: string[],
    attributes: Record<string, AttributeValue> = {},
    opts: { output?: string; extraOutputs?: string[]; doc?: string; domain?: string } = {},
  ): string {
    const output = opts.output ?? name;
    const outputs = [output, ...(opts.extraOutputs ?? [])];
    if (this.nodeNames.has(name))
      throw new ExportError(`@randwire/onnx/graph-builder: duplicate node name '${name}'`);
    for (const o of outputs) {
      if (this.tensorNames.has(o) || outputs.indexOf(o) !== outputs.lastIndexOf(o)) {
        throw new ExportError(`@randwire/onnx/graph-builder: duplicate tensor name '${o}' (node '${name}')`);
      }
    }
    for (const i of inputs) {
      if (!this.tensorNames.has(i)) {
        throw new ExportError(
          `@randwire/onnx/graph-builder: node '${name}' reads '${i}', which is not defined yet`,
        );
      }
    }
    this.nodeNames.add(name);
    for (const o of outputs) this.tensorNames.add(o);
    this.nodes.push({
      name,
      opType,
      input: inputs,
      output: outputs,
      attribute: Object.entries(attributes).map(([k, v]) => attributeProto(k, v)),
      ...(opts.domain ? { domain: opts.domain } : {}),
      ...(opts.doc ? { docString: opts.doc } : {}),
    });
    return output;
  }

  /** Adds an int64 initializer (a constant tensor of shapes, axes or indices). */
  int64Initializer(name: string, shape: number[], values: number[]): string {
    if (this.tensorNames.has(name))
      throw new ExportError(`@randwire/onnx/graph-builder: duplicate tensor name '${name}'`);
    this.tensorNames.add(name);
    this.initializers.push(int64Tensor(name, shape, values));
    return name;
  }

  /** Adds a float32 initializer (a constant tensor). */
  initializer(name: string, shape: number[], data: Float32Array, doc?: string): string {
    if (this.tensorNames.has(name))
      throw new ExportError(`@randwire/onnx/graph-builder: duplicate tensor name '${name}'`);
    const n = shape.reduce((a, b) => a * b, 1);
    if (n !== data.length) {
      throw new ExportError(
        `@randwire/onnx/graph-builder: initializer '${name}' has ${data.length} values, shape [${shape.join(', ')}] needs ${n}`,
      );
    }
    this.tensorNames.add(name);
    this.initializers.push({
      name,
      dims: shape,
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: float32RawData(data),
      ...(doc ? { docString: doc } : {}),
    });
    return name;
  }
}

/** int64 tensor proto, little-endian raw data. */
function int64Tensor(name: string, shape: number[], values: number[]): onnx.ITensorProto {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setBigInt64(i * 8, BigInt(values[i]!), true);
  return { name, dims: shape, dataType: onnx.TensorProto.DataType.INT64, rawData: raw };
}

/** A float32 tensor value-info with a symbolic batch dimension `N` first. */
export function floatValueInfo(
  name: string,
  dims: Array<number | string>,
  doc: string,
): onnx.IValueInfoProto {
  return {
    name,
    docString: doc,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}
