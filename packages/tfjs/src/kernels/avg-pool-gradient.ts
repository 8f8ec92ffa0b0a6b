// A correct gradient for AvgPool (tf.avgPool, the averagePooling2d layers of the
// `avg-pool-conv-1x1` node transform). tfjs 4.22's forward divides each window by the number of
// input values it covers (padding excluded, as TensorFlow does), but its AvgPoolGrad kernel
// (cpu and wasm alike) divides by the full window size fh·fw: with 'same' padding the gradient
// of every border input is too small (a 3×3 corner window of 4 values gets 1/9 instead of 1/4).
// This gradient scales dy by fh·fw / count per window, then runs tfjs' own gradient, so the
// result is the derivative of what the forward computes. Gradients are global (every backend).
import * as tf from '@tensorflow/tfjs';
import { originalGradient, overrideGradient, restoreGradient } from './override';

/** fh·fw / (inputs covered) per output position, [1, outH, outW, 1]; null when every window
 * is full (no padding). */
function windowScale(info: tf.backend_util.Conv2DInfo): tf.Tensor4D | null {
  const axis = (inSize: number, outSize: number, stride: number, begin: number, k: number): number[] =>
    Array.from({ length: outSize }, (_, i) => {
      const start = i * stride - begin;
      return Math.min(start + k, inSize) - Math.max(start, 0);
    });
  const { filterHeight: fh, filterWidth: fw, outHeight, outWidth } = info;
  const rows = axis(info.inHeight, outHeight, info.strideHeight, info.padInfo.top, fh);
  const cols = axis(info.inWidth, outWidth, info.strideWidth, info.padInfo.left, fw);
  if (rows.every((r) => r === fh) && cols.every((c) => c === fw)) return null;
  const scale = new Float32Array(outHeight * outWidth);
  for (let i = 0; i < outHeight; i++) {
    for (let j = 0; j < outWidth; j++) scale[i * outWidth + j] = (fh * fw) / (rows[i]! * cols[j]!);
  }
  return tf.tensor4d(scale, [1, outHeight, outWidth, 1]);
}

export const avgPoolGradient: tf.GradConfig = {
  kernelName: tf.AvgPool,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const original = originalGradient(tf.AvgPool);
    if (original == null) throw new Error('@randwire/tfjs/kernels/AvgPool: no original gradient to wrap');
    const [x] = saved as tf.Tensor4D[];
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.AvgPoolAttrs;
    const info = tf.backend_util.computePool2DInfo(
      x!.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const scale = windowScale(info);
    if (scale == null) return original.gradFunc(dy, saved, attrs);
    const scaled = tf.mul(dy as tf.Tensor, scale);
    scale.dispose();
    return original.gradFunc(scaled, saved, attrs);
  },
};

/** Installs the corrected AvgPool gradient (idempotent). True if it changed anything. */
export function registerAvgPoolGradient(): boolean {
  return overrideGradient(avgPoolGradient);
}

/** Puts tfjs' own AvgPool gradient back (for comparisons). */
export function restoreAvgPoolGradient(): void {
  restoreGradient(tf.AvgPool);
}
