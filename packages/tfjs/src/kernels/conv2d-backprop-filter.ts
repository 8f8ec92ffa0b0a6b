// Conv2DBackpropFilter for backends that lack it (tfjs 4.22 wasm), composed from Conv2D,
// Transpose, Pad/Slice and BatchMatMul.
//
//   dW[i, j, ci, co] = Σ_n Σ_p Σ_q xpad[n, p·s + i, q·s + j, ci] · dy[n, p, q, co]
//
// which is one convolution with the batch as the contraction axis: the padded input as
// [Ci, Hp, Wp, N] convolved (dilation = stride) with dy as the filter [Ho, Wo, N, Co] gives
// [Ci, kh, kw, Co]. A 1×1 stride-1 unpadded filter is a plain matmul xᵀ·dy, written with an
// explicit transpose because wasm's BatchMatMul is only fast without transpose flags.

import * as tf from '@tensorflow/tfjs';
import { KernelError } from '../errors';
import { runComposite } from './composite';
import { type ConvPad, convGeometry } from './conv-geometry';
import { padCrop } from './pad-crop';

const KERNEL = 'Conv2DBackpropFilter';

export function conv2dBackpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: [number, number] | number,
  pad: ConvPad,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  const g = convGeometry(KERNEL, x.shape, filterShape, strides, 1, pad, dimRoundingMode, false);
  const [kh, kw, ci, co] = filterShape;
  return tf.tidy(() => {
    const n = g.batch;
    if (
      kh === 1 &&
      kw === 1 &&
      g.strideHeight === 1 &&
      g.strideWidth === 1 &&
      g.padTop === 0 &&
      g.padLeft === 0
    ) {
      const rows = n * g.outHeight * g.outWidth;
      const xs = padCrop(x, 0, g.outHeight, 0, g.outWidth);
      const xt = tf.transpose(tf.reshape(xs, [rows, ci]));
      return tf.reshape(tf.matMul(xt, tf.reshape(dy, [rows, co])), filterShape);
    }
    const needH = (g.outHeight - 1) * g.strideHeight + kh;
    const needW = (g.outWidth - 1) * g.strideWidth + kw;
    const xp = padCrop(x, g.padTop, needH, g.padLeft, needW);
    const xt = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D;
    const dyt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    const r = tf.conv2d(xt, dyt, 1, 'valid', 'NHWC', [g.strideHeight, g.strideWidth]);
    return tf.transpose(r, [1, 2, 0, 3]);
  });
}

export const conv2dBackpropFilterWasm: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as tf.Conv2DBackpropFilterInputs;
    const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    if (x == null || dy == null) {
      throw new KernelError(`@randwire/tfjs/kernels/${KERNEL}: missing input x or dy`);
    }
    if (a.dataFormat != null && a.dataFormat !== 'NHWC') {
      throw new KernelError(
        `@randwire/tfjs/kernels/${KERNEL}: unsupported dataFormat (${a.dataFormat}): only NHWC`,
      );
    }
    return runComposite(backend, [x, dy], ([xt, dyt]) =>
      conv2dBackpropFilter(
        xt as tf.Tensor4D,
        dyt as tf.Tensor4D,
        a.filterShape,
        a.strides,
        a.pad,
        a.dimRoundingMode,
      ),
    );
  },
};
