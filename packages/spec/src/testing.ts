// Hand-made specs for tests (public as `@randwire/spec/testing`, used by the onnx and
// onnx-train packages): any transform, any input size, stem and stages shaped like the
// paper's regimes, shrunk.
import type { ConvUnitSpec, NetworkSpec, NodeTransform, RandomStageSpec, StageNodeSpec } from './types';

/** A fixed DAG on n nodes: nodes 0, 1 (and n-1 when n >= 5) fed by the input; node i >= 2
 * reads i-1 (and i-2 unless i % 3 == 0). Outputs: nodes nobody reads. */
export function handDag(n: number): { nodes: StageNodeSpec[]; outputs: number[]; fromInput: Set<number> } {
  const fromInput = new Set<number>([0, 1]);
  if (n >= 5) fromInput.add(n - 1);
  const nodes: Array<{ id: number; inputs: Array<number | 'input'> }> = [];
  for (let i = 0; i < n; i++) {
    if (fromInput.has(i) || i < 2) nodes.push({ id: i, inputs: ['input'] });
    else nodes.push({ id: i, inputs: i % 3 === 0 ? [i - 1] : [i - 2, i - 1] });
  }
  const read = new Set(nodes.flatMap((x) => x.inputs.filter((v): v is number => v !== 'input')));
  const outputs = nodes.map((x) => x.id).filter((id) => !read.has(id));
  return { nodes: nodes.map((x) => ({ ...x, stride: 1 })), outputs, fromInput };
}

export interface HandSpecOptions {
  transform?: NodeTransform;
  height?: number;
  width?: number;
  imageChannels?: number;
  classes?: number;
  /** Stem units: [stride, channels, preRelu]. */
  stem?: Array<[1 | 2, number, boolean]>;
  /** Stages: [nodes, channels, downsample]. */
  stages?: Array<[number, number, boolean]>;
  headChannels?: number;
  epsilon?: number;
  name?: string;
}

export function handSpec(o: HandSpecOptions = {}): NetworkSpec {
  const imageChannels = o.imageChannels ?? 1;
  const stemDef = o.stem ?? [[1, 4, false]];
  const stageDef = o.stages ?? [
    [5, 8, true],
    [4, 16, true],
  ];
  const transform = o.transform ?? 'sep-conv-3x3';
  const stem: ConvUnitSpec[] = [];
  let c = imageChannels;
  stemDef.forEach(([stride, channels, preRelu], i) => {
    stem.push({ name: `conv${i + 1}`, preRelu, kernel: 3, stride, inChannels: c, channels });
    c = channels;
  });
  const stages: RandomStageSpec[] = stageDef.map(([n, channels, downsample], i) => {
    const dag = handDag(n);
    const stage: RandomStageSpec = {
      name: `s${i + 1}`,
      inChannels: c,
      channels,
      downsample,
      transform,
      graph: { model: 'custom', params: {}, seed: null },
      nodes: dag.nodes.map((nd) => ({ ...nd, stride: downsample && dag.fromInput.has(nd.id) ? 2 : 1 })),
      outputs: dag.outputs,
    };
    c = channels;
    return stage;
  });
  const classes = o.classes ?? 3;
  const mean = Array.from({ length: imageChannels }, (_, i) => 0.5 - 0.05 * i);
  const std = Array.from({ length: imageChannels }, (_, i) => 0.25 + 0.02 * i);
  return {
    format: 'randwire-spec',
    version: 1,
    name: o.name ?? `hand-${transform}-${o.height ?? 9}x${o.width ?? 9}`,
    input: { height: o.height ?? 9, width: o.width ?? 9, channels: imageChannels, mean, std },
    classes,
    batchNorm: { epsilon: o.epsilon ?? 1e-3, momentum: 0.99 },
    stem,
    stages,
    head: { inChannels: c, channels: o.headChannels ?? 2 * c, classes, dropout: 0 },
    provenance: {
      library: '@randwire/onnx tests',
      libraryVersion: '0',
      preset: 'custom',
      seed: 7,
      params: { hand: true },
    },
  };
}
