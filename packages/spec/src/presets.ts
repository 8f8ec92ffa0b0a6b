// The paper's configurations (randwire.md section 5) and the two small-image ones of the
// benchmarks issue (configurations A and B), as templates for `generateSpec`.
import type { StageOptions, StemUnitOptions } from './generate';

export type PresetName = 'small' | 'regular-109' | 'regular-154' | 'mnist-small' | 'cifar-small';

export const PRESET_NAMES: readonly PresetName[] = [
  'small',
  'regular-109',
  'regular-154',
  'mnist-small',
  'cifar-small',
];

export type Normalization = 'imagenet' | 'cifar10' | 'fashion-mnist' | { mean: number[]; std: number[] };

export interface PresetTemplate {
  input: { height: number; width: number; channels: number };
  normalization: Normalization;
  classes: number;
  stem: StemUnitOptions[];
  stages: StageOptions[];
  headChannels: number;
}

/** N and C of each preset. */
export const PRESET_SIZES: Readonly<Record<PresetName, Readonly<{ nodes: number; channels: number }>>> =
  Object.freeze({
    small: { nodes: 32, channels: 78 },
    'regular-109': { nodes: 32, channels: 109 },
    'regular-154': { nodes: 32, channels: 154 },
    'mnist-small': { nodes: 16, channels: 32 },
    'cifar-small': { nodes: 32, channels: 78 },
  });

/** The template of a preset, with N and C overridable. C/2 and N/2 round down. */
export function presetTemplate(
  preset: PresetName,
  size: { nodes?: number | undefined; channels?: number | undefined } = {},
): PresetTemplate {
  const n = size.nodes ?? PRESET_SIZES[preset].nodes;
  const c = size.channels ?? PRESET_SIZES[preset].channels;
  const half = Math.max(1, Math.floor(c / 2));
  const stages = (list: Array<[number, number]>): StageOptions[] =>
    list.map(([nodes, channels]) => ({ nodes, channels, downsample: true }));
  // The 'small' regime's layout: a two-conv stem (conv-BN, ReLU-conv-BN) and three random
  // stages (N, C), (N, 2C), (N, 4C); the small-image configurations only change its sizes.
  const twoConvStem = (
    input: PresetTemplate['input'],
    normalization: Normalization,
    classes: number,
    stemStride: 1 | 2,
    headChannels: number,
  ): PresetTemplate => ({
    input,
    normalization,
    classes,
    stem: [
      { name: 'conv1', channels: half, stride: stemStride, preRelu: false },
      { name: 'conv2', channels: c, stride: stemStride, preRelu: true },
    ],
    stages: stages([
      [n, c],
      [n, 2 * c],
      [n, 4 * c],
    ]),
    headChannels,
  });
  switch (preset) {
    case 'small':
      // conv1: conv-BN stride 2 (112²); conv2: ReLU-conv-BN stride 2 (56²); stages at 28², 14², 7².
      return twoConvStem({ height: 224, width: 224, channels: 3 }, 'imagenet', 1000, 2, 1280);
    case 'regular-109':
    case 'regular-154':
      // conv1 stride 2 (112²); random stages at 56² (N/2, C), 28², 14², 7².
      return {
        input: { height: 224, width: 224, channels: 3 },
        normalization: 'imagenet',
        classes: 1000,
        stem: [{ name: 'conv1', channels: half, stride: 2, preRelu: false }],
        stages: stages([
          [Math.max(1, Math.floor(n / 2)), c],
          [n, 2 * c],
          [n, 4 * c],
          [n, 8 * c],
        ]),
        headChannels: 1280,
      };
    case 'mnist-small':
      // Configuration A: 28×28×1, stem at stride 1, stages at 14², 7², 4²; head 256.
      return twoConvStem({ height: 28, width: 28, channels: 1 }, 'fashion-mnist', 10, 1, 256);
    case 'cifar-small':
      // Configuration B: 32×32×3, stem at stride 1, stages at 16², 8², 4²; head 1280.
      return twoConvStem({ height: 32, width: 32, channels: 3 }, 'cifar10', 10, 1, 1280);
  }
}
