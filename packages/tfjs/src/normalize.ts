// Input normalization, applied outside the graph (types.ts InputSpec): uint8 NHWC images →
// float32 NHWC tensor, x' = (x / 255 - mean[c]) / std[c].
import type { NetworkSpec } from '@randwire/spec';
import * as tf from '@tensorflow/tfjs';
import { ModelBuildError } from './model-errors';

const WHERE = '@randwire/tfjs/normalize';

/** Normalized float values of `count` uint8 NHWC images of the spec's input shape (plain
 * array, no tensor). A per-channel lookup table of the 256 byte values makes it one pass. */
export function normalizedValues(
  spec: Pick<NetworkSpec, 'input'>,
  images: Uint8Array,
  count: number,
): Float32Array {
  const { height, width, channels, mean, std } = spec.input;
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new ModelBuildError(`${WHERE}: invalid count (${count}): must be a non-negative integer`);
  }
  const expected = count * height * width * channels;
  if (images.length !== expected) {
    throw new ModelBuildError(
      `${WHERE}: images have ${images.length} bytes, ${count} images of ${height}x${width}x${channels} need ${expected}`,
    );
  }
  if (mean.length !== channels || std.length !== channels) {
    throw new ModelBuildError(
      `${WHERE}: input.mean (${mean.length}) and input.std (${std.length}) must have one value per channel (${channels})`,
    );
  }
  const table = new Float32Array(256 * channels);
  for (let c = 0; c < channels; c++) {
    const m = mean[c] as number;
    const s = std[c] as number;
    if (!(Number.isFinite(s) && s > 0) || !Number.isFinite(m)) {
      throw new ModelBuildError(
        `${WHERE}: channel ${c}: mean (${m}) must be finite and std (${s}) finite and > 0`,
      );
    }
    for (let v = 0; v < 256; v++) table[v * channels + c] = (v / 255 - m) / s;
  }
  const out = new Float32Array(expected);
  if (channels === 1) {
    for (let i = 0; i < expected; i++) out[i] = table[images[i] as number] as number;
  } else {
    for (let i = 0; i < expected; i++)
      out[i] = table[(images[i] as number) * channels + (i % channels)] as number;
  }
  return out;
}

/** `count` uint8 NHWC images → normalized float32 tensor [count, H, W, C] (the model's input). */
export function normalizeImages(
  spec: Pick<NetworkSpec, 'input'>,
  images: Uint8Array,
  count: number,
): tf.Tensor4D {
  const { height, width, channels } = spec.input;
  return tf.tensor4d(normalizedValues(spec, images, count), [count, height, width, channels], 'float32');
}
