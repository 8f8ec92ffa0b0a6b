// The few constants of @randwire/tfjs and @randwire/onnx that command descriptors show in
// their help (option defaults, allowed values), copied here under the packages' own names
// so `randwire <command> --help` loads neither package (see lazy-packages.ts).
// help-constants.test.ts fails as soon as a copy differs from its package's value.
import type { BackendPreference, TrainOptions } from '@randwire/tfjs';

/** @randwire/tfjs's BACKEND_PREFERENCES. */
export const BACKEND_PREFERENCES: readonly BackendPreference[] = Object.freeze([
  'auto',
  'node-gpu',
  'node',
  'wasm',
  'cpu',
]);

/** @randwire/tfjs's TRAIN_DEFAULTS (every field `randwire train` shows or reads). */
export const TRAIN_DEFAULTS = Object.freeze({
  recipe: 'default',
  init: 'pytorch',
  epochs: 5,
  batchSize: 64,
  lr: 0.1,
  momentum: 0.9,
  nesterov: true,
  weightDecay: 5e-5,
  labelSmoothing: 0,
  warmupEpochs: 0.1,
  dropEdge: 0,
  seed: 0,
  augment: false,
  evalBatchSize: 256,
  keepCheckpoints: 3,
} satisfies Partial<TrainOptions>);

/** @randwire/tfjs's RECIPE_NAMES and INIT_SCHEMES. */
export const RECIPE_NAMES = Object.freeze(['default', 'paper'] as const);
export const INIT_SCHEMES = Object.freeze(['pytorch', 'he-fan-out'] as const);

/** @randwire/onnx's COMPARE_DEFAULTS. */
export const COMPARE_DEFAULTS = Object.freeze({ tolerance: 1e-4 });

/** @randwire/onnx's EXPORT_DEFAULTS (the fields `randwire export` shows). */
export const EXPORT_DEFAULTS = Object.freeze({ opset: 17, padChannels: 0 });

/** @randwire/onnx's PAD_CHANNELS_ALLOWED. */
export const PAD_CHANNELS_ALLOWED: readonly number[] = Object.freeze([0, 1, 2, 4, 8, 16, 32, 64]);

/** @randwire/onnx's opset and IR version ranges. */
export const MIN_OPSET = 11;
export const MAX_OPSET = 26;
export const MIN_IR_VERSION = 7;
export const MAX_IR_VERSION = 13;
