// A leaner gradient for FusedBatchNorm (tf.batchNorm), used by every BatchNormalization layer.
// tfjs 4.22's gradient tiles 1/√(var+ε) to the full input shape and spends about eleven
// full-size element-wise ops; on wasm the Tile alone took as long as the convolutions of a
// separable block. With per-channel statistics (mean of rank 1, the layers' case) the same
// gradients need five full-size ops:
//   inv = 1/√(var+ε), xμ = x − mean, Σdy and Σ dy·xμ over all axes but the channel one,
//   dx = dy · (γ·inv), dmean = −Σdy · γ·inv, dvar = −½ · γ · inv³ · Σ dy·xμ,
//   dγ = inv · Σ dy·xμ, dβ = Σdy.
// Other shapes keep tfjs' own gradient. Gradients are global (not per backend), so this is
// exact on every backend; it is checked against the original on cpu in the tests.

import * as tf from '@tensorflow/tfjs';
import { originalGradient, overrideGradient, restoreGradient } from './override';

export const batchNormGradient: tf.GradConfig = {
  kernelName: tf.FusedBatchNorm,
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy, saved, attrs) => {
    const [x, mean, variance, scale] = saved as tf.Tensor[];
    const dyt = dy as tf.Tensor;
    if (
      x == null ||
      mean == null ||
      variance == null ||
      mean.rank !== 1 ||
      variance.rank !== 1 ||
      (scale != null && scale.rank !== 1) ||
      x.rank < 2
    ) {
      const original = originalGradient(tf.FusedBatchNorm);
      if (original == null)
        throw new Error('@randwire/tfjs/kernels/FusedBatchNorm: no original gradient to fall back to');
      return original.gradFunc(dy, saved, attrs);
    }
    const { varianceEpsilon } = attrs as unknown as tf.FusedBatchNormAttrs;
    const channels = mean.shape[0] as number;
    // Per-channel sums (on wasm: one average pooling each, see reduce-leading-axes.ts).
    const leading = x.shape.slice(0, -1).map((_, i) => i);
    const colSum = (t: tf.Tensor): tf.Tensor1D => tf.reshape(tf.sum(t, leading), [channels]);
    const inv = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
    const gain = scale == null ? inv : tf.mul(inv, scale);
    const xmm = tf.sub(x, mean);
    const sumDy = colSum(dyt);
    const sumDyXmm = colSum(tf.mul(dyt, xmm));
    return {
      x: () => tf.mul(dyt, gain),
      mean: () => tf.neg(tf.mul(sumDy, gain)),
      variance: () => tf.mul(tf.mul(sumDyXmm, tf.mul(gain, tf.square(inv))), tf.scalar(-0.5)),
      scale: () => tf.mul(sumDyXmm, inv),
      offset: () => tf.clone(sumDy),
    };
  },
};

/** Installs the leaner FusedBatchNorm gradient (idempotent). True if it changed anything. */
export function registerBatchNormGradient(): boolean {
  return overrideGradient(batchNormGradient);
}

/** Puts tfjs' own FusedBatchNorm gradient back (for comparisons). */
export function restoreBatchNormGradient(): void {
  restoreGradient(tf.FusedBatchNorm);
}
