// Tiny hand-made specs for tests (not exported from the package): one stem unit, one or two
// random stages with a fixed 6-node wiring (two nodes fed by the input, weighted sums of 2
// and 3 inputs, single-input nodes, output = mean of two nodes).
import type { NetworkSpec, NodeTransform, RandomStageSpec } from '@randwire/spec';

export interface TinySpecOptions {
  transform?: NodeTransform;
  height?: number;
  width?: number;
  channels?: number;
  /** Channels of the stem's output / first stage's input. */
  stemChannels?: number;
  /** Channels of the first random stage. */
  stageChannels?: number;
  downsample?: boolean;
  stages?: 1 | 2;
  classes?: number;
  dropout?: number;
}

function stage(
  name: string,
  inChannels: number,
  channels: number,
  downsample: boolean,
  transform: NodeTransform,
): RandomStageSpec {
  const s: 1 | 2 = downsample ? 2 : 1;
  return {
    name,
    inChannels,
    channels,
    downsample,
    transform,
    graph: { model: 'custom', params: {}, seed: null },
    nodes: [
      { id: 0, inputs: ['input'], stride: s },
      { id: 1, inputs: ['input'], stride: s },
      { id: 2, inputs: [0, 1], stride: 1 },
      { id: 3, inputs: [2], stride: 1 },
      { id: 4, inputs: [0, 2, 3], stride: 1 },
      { id: 5, inputs: [1], stride: 1 },
    ],
    outputs: [4, 5],
  };
}

export function tinySpec(options: TinySpecOptions = {}): NetworkSpec {
  const transform = options.transform ?? 'sep-conv-3x3';
  const channels = options.channels ?? 1;
  const stemChannels = options.stemChannels ?? 4;
  const c1 = options.stageChannels ?? 8;
  const classes = options.classes ?? 3;
  const stages = [stage('s1', stemChannels, c1, options.downsample ?? true, transform)];
  if (options.stages === 2) stages.push(stage('s2', c1, 2 * c1, true, transform));
  const last = stages[stages.length - 1] as RandomStageSpec;
  return {
    format: 'randwire-spec',
    version: 1,
    name: `tiny-${transform}`,
    input: {
      height: options.height ?? 9,
      width: options.width ?? 9,
      channels,
      mean: new Array<number>(channels).fill(0.5),
      std: new Array<number>(channels).fill(0.25),
    },
    classes,
    batchNorm: { epsilon: 1e-5, momentum: 0.9 },
    stem: [
      { name: 'conv1', preRelu: false, kernel: 3, stride: 1, inChannels: channels, channels: stemChannels },
    ],
    stages,
    head: { inChannels: last.channels, channels: 16, classes, dropout: options.dropout ?? 0 },
    provenance: {
      library: '@randwire/spec',
      libraryVersion: '0.1.0',
      preset: 'custom',
      seed: null,
      params: {},
    },
  };
}
