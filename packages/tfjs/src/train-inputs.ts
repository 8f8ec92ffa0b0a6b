// Turns uint8 NHWC images into the network's normalized float input:
// x' = (x / 255 - mean[c]) / std[c] per channel, as the spec's `input` says.
import type { NetworkSpec } from '@randwire/spec';
import * as tf from '@tensorflow/tfjs';
import { TrainOptionsError } from './errors';

export function imagesToInput(spec: NetworkSpec, images: Uint8Array, count: number): tf.Tensor4D {
  const { height, width, channels, mean, std } = spec.input;
  if (images.length !== count * height * width * channels) {
    throw new TrainOptionsError(
      `@randwire/tfjs/train: images have ${images.length} bytes, the spec's input needs ${count}x${height}x${width}x${channels}`,
    );
  }
  return tf.tidy(() => {
    const x = tf.tensor4d(images, [count, height, width, channels], 'float32');
    const scale = tf.tensor1d(std.map((s) => 1 / (255 * s)));
    const shift = tf.tensor1d(mean.map((m, i) => m / std[i]!));
    return tf.sub(tf.mul(x, scale), shift) as tf.Tensor4D;
  });
}
